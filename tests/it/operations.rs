//! Every operation on the wire, as rows of `common::ops::ALL`: its call sends exactly the
//! row's request (with and without a path prefix in the base URL), the spec's example answer
//! decodes to the same JSON, and each of its error statuses comes back as an `Error` naming
//! the operation, status and body ([`check_operation`]); every lookup by number sends an
//! awkward number escaped, as one segment ([`check_escaped_number`]).
//!
//! Nothing here names an operation: a plain JSON operation is checked as soon as it has its
//! row in `ops::ALL`. What a row cannot say (a body written by a caller, other queries, values
//! refused before sending) is in `tests/it/resources.rs`; the multipart upload, whose body a
//! JSON matcher cannot read, in `tests/it/upload.rs`.

use std::collections::BTreeMap;

use securities_api::OPERATIONS;

use crate::common::{check_escaped_number, check_operation, form_example, ops};

/// Runs `check` for every row, each in its own task (so they run side by side and one failure
/// does not hide the others), and fails with every operation that failed.
async fn for_every<F>(rows: Vec<&'static ops::Op>, check: fn(&'static ops::Op) -> F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    assert!(!rows.is_empty(), "no operation to check");
    let tasks: Vec<_> = rows
        .iter()
        .map(|op| (op.id, tokio::spawn(check(op))))
        .collect();
    let mut failures = BTreeMap::new();
    for (id, task) in tasks {
        if let Err(error) = task.await {
            let panic = error.into_panic();
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".into());
            failures.insert(id, message);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} operations fail:\n{}",
        failures.len(),
        rows.len(),
        failures
            .iter()
            .map(|(id, why)| format!("{id}: {why}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Whether the operation's body is `multipart/form-data`, which `upload` checks instead.
fn is_multipart(op: &ops::Op) -> bool {
    !form_example(op.id).is_null()
}

/// `ops::ALL` calls every operation of the spec once, in the spec's order: the suites that
/// go through it (here, `no_panic`, `pagination`, `prism`) miss none.
#[test]
fn every_operation_has_one_call() {
    let called: Vec<&str> = ops::ALL.iter().map(|op| op.id).collect();
    let specified: Vec<&str> = OPERATIONS.iter().map(|op| op.id).collect();
    assert_eq!(
        called, specified,
        "ops::ALL must call every operation once, in the spec's order"
    );
}

/// The one operation left to `upload` is the multipart upload, which `upload` checks with its
/// own tests: its example, every error status, under a path prefix too.
#[test]
fn only_the_multipart_upload_is_left_to_its_own_module() {
    let multipart: Vec<&str> = ops::ALL
        .iter()
        .filter(|op| is_multipart(op))
        .map(|op| op.id)
        .collect();
    assert_eq!(multipart, [crate::upload::OP]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_sends_its_request_and_decodes_its_answers() {
    let rows = ops::ALL.iter().filter(|op| !is_multipart(op)).collect();
    for_every(rows, |op| check_operation(op.expect(), op.calls.call)).await;
}

/// The lookups by number are the operations whose path ends in `/bynumber/{number}`: a
/// business number may hold a space, `/` or `#`, which must not split or cut the path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_lookup_by_number_escapes_the_number() {
    let lookups: Vec<&'static ops::Op> = ops::ALL
        .iter()
        .filter(|op| op.operation().path.ends_with("/bynumber/{number}"))
        .collect();
    // And only they take a number in their path, so that no row carries a lookup unasked.
    let with_lookup: Vec<&str> = ops::ALL
        .iter()
        .filter(|op| op.calls.by_number.is_some())
        .map(|op| op.id)
        .collect();
    assert_eq!(
        lookups.iter().map(|op| op.id).collect::<Vec<_>>(),
        with_lookup,
        "the rows written with by_number! are the lookups by number"
    );
    for_every(lookups, check_escaped_number).await;
}
