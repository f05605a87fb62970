//! Conformance to the spec, judged by a validator nobody here wrote: every operation is called
//! through the client against Prism (`prism mock --errors`), which serves the spec and rejects
//! any request that does not match it, naming what is wrong in its `sl-violations` header. The
//! calls are those of `ops::ALL`, through `send()` (progenitor's answer, with Prism's headers)
//! and through `call()` (the caller-facing error).
//!
//! These tests need Node and Prism, so they are ignored by a plain `cargo test`; `.ci/run`
//! installs Prism with `npm ci` and runs them with
//! `cargo test --features mock,cli --test it -- --ignored prism::`
//! (Prism is found in `node_modules/.bin/prism`, or wherever `PRISM_BIN` says).

mod proxy;
mod server;

use std::collections::BTreeMap;

use proxy::Proxy;
use securities_api::{types::ApiError, Client, SendError as Error, OPERATIONS};
use serde_json::Value;
use server::{Mode, Prism};

use crate::common::{error_responses, ops, same_json, spec, success_example, TOKEN};

/// Prism's header listing what in the exchange breaks the spec.
const VIOLATIONS_HEADER: &str = "sl-violations";

/// The `sl-violations` header of `headers`, if any.
fn violations(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(VIOLATIONS_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// A client for Prism; no retries, so that each call is one exchange Prism judges, and no
/// learning from 429s: asked for them, Prism answers nothing else, and the adaptive limiter
/// would rightly slow the run to its floor of one request every two seconds.
fn client(base_url: String) -> Client {
    Client::builder()
        .token(TOKEN)
        .retry_policy(securities_api::RetryPolicy::disabled())
        .adaptive_rate_limit(false)
        .base_url(base_url)
        .build()
        .expect("client")
}

/// The body of every error answer Prism makes, as the client reports it. The manual documents
/// no error body, so the spec shows none and Prism answers the JSON `null`; the client keeps
/// a body that is not a JSON object as its text.
fn prism_error_body() -> Value {
    ApiError::from_bytes(b"null").to_json()
}

/// An error answer, taken apart: status, headers and decoded body. Every use of the client's
/// error type is here, so that a richer error type changes one function.
fn error_response(
    error: Error<ApiError>,
) -> Result<(u16, reqwest::header::HeaderMap, Value), String> {
    match error {
        Error::ErrorResponse(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = serde_json::to_value(response.into_inner())
                .map_err(|e| format!("the decoded error does not serialize: {e}"))?;
            Ok((status, headers, body))
        }
        other => Err(format!(
            "expected a decoded error response, got {}",
            describe(&other)
        )),
    }
}

/// What went wrong with a call, in Prism's words when it gave some.
fn describe(error: &Error<ApiError>) -> String {
    let prism = |headers: &reqwest::header::HeaderMap| {
        violations(headers)
            .map(|v| format!("; Prism's {VIOLATIONS_HEADER}: {v}"))
            .unwrap_or_default()
    };
    match error {
        Error::ErrorResponse(response) => format!(
            "status {}{}; body {:?}",
            response.status(),
            prism(response.headers()),
            &**response
        ),
        Error::UnexpectedResponse(response) => format!(
            "unexpected status {}{}",
            response.status(),
            prism(response.headers())
        ),
        other => other.to_string(),
    }
}

/// The results of one check over every operation; `finish` prints how many of them pass and
/// fails with every failure, not just the first.
struct Tally {
    what: &'static str,
    failures: BTreeMap<&'static str, Vec<String>>,
    checked: Vec<&'static str>,
}

impl Tally {
    fn new(what: &'static str) -> Self {
        Tally {
            what,
            failures: BTreeMap::new(),
            checked: Vec::new(),
        }
    }

    fn record(&mut self, id: &'static str, result: Result<(), String>) {
        if !self.checked.contains(&id) {
            self.checked.push(id);
        }
        if let Err(failure) = result {
            self.failures.entry(id).or_default().push(failure);
        }
    }

    fn finish(self, prism: &Prism) {
        let passed = self.checked.len() - self.failures.len();
        println!(
            "prism, {}: {passed}/{} operations pass",
            self.what,
            OPERATIONS.len()
        );
        assert_eq!(
            self.checked.len(),
            OPERATIONS.len(),
            "{}: not every operation was checked",
            self.what
        );
        if !self.failures.is_empty() {
            let report: Vec<String> = self
                .failures
                .iter()
                .flat_map(|(id, failures)| failures.iter().map(move |f| format!("{id}: {f}")))
                .collect();
            panic!(
                "{}: {} of {} operations fail:\n{}\n\nPrism's log, {}",
                self.what,
                self.failures.len(),
                OPERATIONS.len(),
                report.join("\n"),
                prism.log()
            );
        }
    }
}

fn success_status(id: &str) -> u16 {
    OPERATIONS
        .iter()
        .find(|op| op.id == id)
        .map(|op| op.success_status)
        .unwrap_or_else(|| panic!("{id} is not in OPERATIONS"))
}

/// Calls `id` and requires a request Prism accepts and a success answer the client decodes;
/// with `example`, the answer must also be the spec's example.
async fn check_success(client: Client, op: &ops::Op, example: bool) -> Result<(), String> {
    let answer = (op.calls.send)(client).await.map_err(|e| describe(&e))?;
    let id = op.id;
    if let Some(violations) = violations(&answer.headers) {
        return Err(format!("Prism's {VIOLATIONS_HEADER}: {violations}"));
    }
    let expected = success_status(id);
    if answer.status != expected {
        return Err(format!(
            "status {}, the spec says {expected}",
            answer.status
        ));
    }
    if example {
        let (_, example) = success_example(id);
        same_json(&example, &answer.body).map_err(|d| format!("not the spec's example: {d}"))?;
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs Prism: run by .ci/run"]
async fn every_operation_conforms_with_the_examples() {
    let prism = Prism::start(Mode::Examples).await;
    let client = client(prism.url());
    let mut tally = Tally::new("requests accepted, examples decoded");
    for op in ops::ALL {
        tally.record(op.id, check_success(client.clone(), op, true).await);
    }
    tally.finish(&prism);
}

#[tokio::test]
#[ignore = "needs Prism: run by .ci/run"]
async fn every_operation_decodes_generated_answers() {
    let prism = Prism::start(Mode::Generated).await;
    let client = client(prism.url());
    let mut tally = Tally::new("requests accepted, generated answers decoded");
    for op in ops::ALL {
        tally.record(op.id, check_success(client.clone(), op, false).await);
    }
    tally.finish(&prism);
}

#[tokio::test]
#[ignore = "needs Prism: run by .ci/run"]
async fn a_request_without_token_is_unauthorized() {
    let prism = Prism::start(Mode::Examples).await;
    let proxy = Proxy::start(prism.addr()).await;
    let client = client(proxy.without_token());
    let expected_body = prism_error_body();
    let mut tally = Tally::new("no token: Prism's 401, reported as unauthorized");
    for op in ops::ALL {
        let id = op.id;
        let result = match (op.calls.send)(client.clone()).await {
            Ok(answer) => Err(format!("succeeded without a token: {answer:?}")),
            Err(error) => error_response(error).and_then(|(status, headers, body)| {
                if status != 401 {
                    return Err(format!("status {status}, expected 401"));
                }
                // Prism's 401 comes with the violation that caused it, and only that one:
                // the rest of the request conforms.
                let violations = violations(&headers)
                    .ok_or("401 without Prism's violation: not Prism's security check")?;
                let list: Vec<Value> = serde_json::from_str(&violations).map_err(|e| {
                    format!("{VIOLATIONS_HEADER} is not a JSON list ({e}): {violations}")
                })?;
                if list.is_empty() || list.iter().any(|v| v["code"] != 401) {
                    return Err(format!(
                        "violations other than the missing token: {violations}"
                    ));
                }
                same_json(&expected_body, &body).map_err(|d| format!("401 body: {d}"))
            }),
        };
        tally.record(id, result);
    }
    // Through `call()`, the caller-facing error says it in words.
    for op in ops::ALL {
        let id = op.id;
        let result = match (op.calls.call)(client.clone()).await {
            Ok(value) => Err(format!("call() succeeded without a token: {value}")),
            Err(e) if e.is_unauthorized() && e.operation() == id => Ok(()),
            Err(e) => Err(format!("call() did not report it as unauthorized: {e}")),
        };
        tally.record(id, result);
    }
    tally.finish(&prism);
}

#[tokio::test]
#[ignore = "needs Prism: run by .ci/run"]
async fn shared_error_statuses_reach_the_error_type() {
    let prism = Prism::start(Mode::Examples).await;
    let proxy = Proxy::start(prism.addr()).await;
    let mut tally = Tally::new("Prefer: code=NNN, each error status of each operation");
    // Every error status some operation lists (`Operation::error_statuses`), with the
    // operations that list it.
    let mut statuses: BTreeMap<u16, Vec<&ops::Op>> = BTreeMap::new();
    for op in ops::ALL {
        for (status, name) in error_responses(op.id) {
            assert!(
                spec()["components"]["responses"][&name].is_object(),
                "{name}"
            );
            statuses.entry(status).or_default().push(op);
        }
    }
    for (status, listing) in statuses {
        let client = client(proxy.preferring(status));
        let expected_body = prism_error_body();
        for &op in &listing {
            let id = op.id;
            let result = match (op.calls.send)(client.clone()).await {
                Ok(answer) => Err(format!("{status}: succeeded: {answer:?}")),
                Err(error) => error_response(error).and_then(|(got, headers, body)| {
                    if got != status {
                        return Err(format!("{status}: got status {got}"));
                    }
                    if let Some(v) = violations(&headers) {
                        return Err(format!("{status}: Prism's {VIOLATIONS_HEADER}: {v}"));
                    }
                    same_json(&expected_body, &body).map_err(|d| format!("{status} body: {d}"))
                }),
            };
            tally.record(id, result);
        }
        // The same through `call()`: the caller-facing error names operation and status. (The
        // spec declares no `Retry-After`, so Prism sends none: tests/it/faults.rs covers it.)
        for &op in &listing {
            let id = op.id;
            let result = match (op.calls.call)(client.clone()).await {
                Ok(value) => Err(format!("{status}: call() succeeded: {value}")),
                Err(e) if e.operation() != id || e.status().map(|s| s.as_u16()) != Some(status) => {
                    Err(format!("{status}: call() reported {e}"))
                }
                Err(e) => same_json(
                    &expected_body,
                    &e.body().map(|b| b.to_json()).unwrap_or_default(),
                )
                .map_err(|d| format!("{status} call() body: {d}")),
            };
            tally.record(id, result);
        }
    }
    tally.finish(&prism);
}

/// The checks above are only worth something if Prism does reject what breaks the spec.
#[tokio::test]
#[ignore = "needs Prism: run by .ci/run"]
async fn prism_rejects_a_request_that_breaks_the_spec() {
    let prism = Prism::start(Mode::Examples).await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/batches", prism.url()))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "batch": { "number": 118 } }))
        .send()
        .await
        .expect("Prism answers");
    assert_eq!(response.status().as_u16(), 422);
    let violations = violations(response.headers()).expect("Prism explains the rejection");
    assert!(
        violations.contains("quantity") && violations.contains("batch.number must be string"),
        "{violations}"
    );
}

/// The upload (`create_bank_credit_note`) is judged too: Prism reads `multipart/form-data`
/// bodies and checks their parts against the schema.
#[tokio::test]
#[ignore = "needs Prism: run by .ci/run"]
async fn prism_validates_the_parts_of_a_multipart_upload() {
    let prism = Prism::start(Mode::Examples).await;
    let pdf = || {
        reqwest::multipart::Part::bytes(b"%PDF-1.7 test".to_vec())
            .file_name("ccb.pdf")
            .mime_str("application/pdf")
            .expect("a MIME type")
    };
    let upload = |form: reqwest::multipart::Form| {
        reqwest::Client::new()
            .post(format!("{}/v1/bank_credit_notes", prism.url()))
            .bearer_auth(TOKEN)
            .multipart(form)
            .send()
    };
    let broken = upload(
        reqwest::multipart::Form::new()
            .part("file", pdf())
            .text("installments", "twenty-four"),
    )
    .await
    .expect("Prism answers");
    assert_eq!(broken.status().as_u16(), 422);
    let why = violations(broken.headers()).expect("Prism explains the rejection");
    assert!(why.contains("installments"), "{why}");

    let without_file = upload(reqwest::multipart::Form::new().text("number", "CCB-2023-0107"))
        .await
        .expect("Prism answers");
    assert_eq!(without_file.status().as_u16(), 422);
    let why = violations(without_file.headers()).expect("Prism explains the rejection");
    assert!(why.contains("'file'"), "{why}");

    let fine = upload(
        reqwest::multipart::Form::new()
            .part("file", pdf())
            .text("installments", "24"),
    )
    .await
    .expect("Prism answers");
    assert_eq!(
        fine.status().as_u16(),
        201,
        "{:?}",
        violations(fine.headers())
    );
}
