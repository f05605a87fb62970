//! The spec against the manual and the generated client: exactly the manual's operations
//! ([`MANUAL`], the one place in the tests that states them), in the client in the spec's
//! order, with the spec's shared error responses; open enumerations; the upload's multipart
//! example; deprecation and pagination as the spec marks them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common;

/// The manual's table of operations, pinned: operationId, method, path and success status.
/// Every other test derives the operations (and their number) from `securities_api::OPERATIONS`
/// or `common::ops::ALL`; an operation added to the spec needs its row here and its call in
/// `ops::ALL`, and nothing else in the tests.
// One row a line, to read (and diff) as the manual's table.
#[rustfmt::skip]
const MANUAL: &[(&str, &str, &str, u16)] = &[
    ("list_proposals", "GET", "/v1/proposals", 200),
    ("create_proposal", "POST", "/v1/proposals", 201),
    ("get_proposal", "GET", "/v1/proposals/{id}", 200),
    ("get_proposal_by_number", "GET", "/v1/proposals/bynumber/{number}", 200),
    ("list_signers", "GET", "/v1/signers", 200),
    ("create_signer", "POST", "/v1/signers", 201),
    ("get_signer", "GET", "/v1/signers/{id}", 200),
    ("get_signer_by_key", "GET", "/v1/signers/bykey/{key}", 200),
    ("list_document_signers", "GET", "/v1/documents/{document_id}/signers", 200),
    ("create_document_signer", "POST", "/v1/documents/{document_id}/signers", 201),
    ("get_document_signer", "GET", "/v1/documents/{document_id}/signers/{id}", 200),
    ("get_document_signer_by_key", "GET", "/v1/documents/{document_id}/signers/bykey/{key}", 200),
    ("get_document_by_key", "GET", "/v1/documents/bykey/{key}", 200),
    ("list_bank_credit_notes", "GET", "/v1/bank_credit_notes", 200),
    ("create_bank_credit_note", "POST", "/v1/bank_credit_notes", 201),
    ("get_bank_credit_note", "GET", "/v1/bank_credit_notes/{id}", 200),
    ("get_bank_credit_note_by_number", "GET", "/v1/bank_credit_notes/bynumber/{number}", 200),
    ("list_arrangements", "GET", "/v1/arrangements", 200),
    ("get_arrangement", "GET", "/v1/arrangements/{id}", 200),
    ("list_assignments", "GET", "/v1/assignments", 200),
    ("create_assignment", "POST", "/v1/assignments", 201),
    ("get_assignment", "GET", "/v1/assignments/{id}", 200),
    ("get_assignment_by_number", "GET", "/v1/assignments/bynumber/{number}", 200),
    ("list_batches", "GET", "/v1/batches", 200),
    ("create_batch", "POST", "/v1/batches", 201),
    ("get_batch", "GET", "/v1/batches/{id}", 200),
    ("list_security_batches", "GET", "/v1/batches/{batch_id}/security_batches", 200),
    ("create_security_batch", "POST", "/v1/batches/{batch_id}/security_batches", 201),
    ("get_security_batch", "GET", "/v1/batches/{batch_id}/security_batches/{id}", 200),
    ("list_duplicates", "GET", "/v1/duplicates", 200),
    ("get_duplicate", "GET", "/v1/duplicates/{id}", 200),
    ("get_duplicate_by_number", "GET", "/v1/duplicates/bynumber/{number}", 200),
    ("list_duplicate_security_batches", "GET", "/v1/batches/{batch_id}/duplicates/security_batches", 200),
    ("create_duplicate_security_batch", "POST", "/v1/batches/{batch_id}/duplicates/security_batches", 201),
    ("get_duplicate_security_batch", "GET", "/v1/batches/{batch_id}/duplicates/security_batches/{id}", 200),
    ("list_signer_links", "GET", "/v1/lists", 200),
    ("link_signer", "POST", "/v1/lists", 201),
    ("get_signer_link", "GET", "/v1/lists/{id}", 200),
    ("legacy_create_proposal", "POST", "/legacy/proposals", 201),
    ("legacy_get_security", "GET", "/legacy/securities/{id}", 200),
    ("legacy_create_assignment", "POST", "/legacy/assignments", 201),
    ("legacy_get_assignment", "GET", "/legacy/assignments/{id}", 200),
    ("legacy_cancel_assignment", "POST", "/legacy/assignments/{id}/cancel", 200),
    ("legacy_create_signer", "POST", "/legacy/signers", 201),
    ("legacy_link_signer", "POST", "/legacy/signers/{signer_id}/lists", 201),
    ("legacy_execute_assignment", "POST", "/legacy/contracts", 202),
];

/// The operations the spec declares: operationId, method, path and success status.
fn specified() -> Vec<(String, String, String, u16)> {
    let mut operations = Vec::new();
    for (path, item) in common::spec()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let successes: Vec<u16> = op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .filter(|status| status.starts_with('2'))
                .map(|status| status.parse().expect("numeric status"))
                .collect();
            assert_eq!(successes.len(), 1, "{id}: one success status");
            operations.push((
                id.to_string(),
                method.to_uppercase(),
                path.clone(),
                successes[0],
            ));
        }
    }
    operations
}

/// The manual's operations: operationId, method, path and success status.
fn manual() -> Vec<(&'static str, &'static str, &'static str, u16)> {
    MANUAL.to_vec()
}

#[test]
fn the_spec_has_exactly_the_operations_of_the_manual() {
    let mut spec = specified();
    let mut manual: Vec<(String, String, String, u16)> = manual()
        .into_iter()
        .map(|(id, method, path, status)| (id.into(), method.into(), path.into(), status))
        .collect();
    spec.sort();
    manual.sort();
    assert_eq!(spec, manual);
}

#[test]
fn the_client_has_every_operation_of_the_manual() {
    let mut generated: Vec<_> = securities_api::OPERATIONS
        .iter()
        .map(|op| (op.id, op.method, op.path, op.success_status))
        .collect();
    let mut manual = manual();
    generated.sort();
    manual.sort();
    assert_eq!(generated, manual);
}

#[test]
fn the_client_lists_the_operations_in_the_order_of_the_spec() {
    let generated: Vec<&str> = securities_api::OPERATIONS.iter().map(|op| op.id).collect();
    // The YAML document itself, whose maps keep their order (the JSON view sorts its keys).
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/securities-api.yaml");
    let yaml: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(path).expect("the spec")).expect("YAML");
    let mut spec = Vec::new();
    for (_, item) in yaml["paths"].as_mapping().expect("paths") {
        for (_, op) in item.as_mapping().expect("path item") {
            if let Some(id) = op["operationId"].as_str() {
                spec.push(id);
            }
        }
    }
    assert_eq!(generated, spec);
}

/// Every object anywhere under `value` that has the key `key`, with its JSON pointer.
fn objects_with<'a>(value: &'a Value, key: &str, at: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key(key) {
                found.push((at.clone(), value));
            }
            for (k, v) in map {
                objects_with(v, key, format!("{at}/{k}"), found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                objects_with(v, key, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn no_schema_has_a_closed_enum() {
    let mut closed = Vec::new();
    objects_with(common::spec(), "enum", String::new(), &mut closed);
    let at: Vec<&str> = closed.iter().map(|(at, _)| at.as_str()).collect();
    assert!(at.is_empty(), "closed enumerations: {at:?}");

    // The open ones are strings that list their known values.
    let mut open = Vec::new();
    objects_with(
        common::spec(),
        "x-extensible-enum",
        String::new(),
        &mut open,
    );
    assert!(!open.is_empty(), "the spec has open enumerations");
    for (at, schema) in open {
        assert_eq!(schema["type"], "string", "{at}");
        let known = schema["x-extensible-enum"].as_array().expect("a list");
        assert!(!known.is_empty(), "{at}: known values");
        assert!(known.iter().all(Value::is_string), "{at}: {known:?}");
    }
}

#[test]
fn the_upload_is_the_only_operation_without_a_json_body_example_it_needs() {
    for op in securities_api::OPERATIONS {
        let (_, _, spec) = common::operation(op.id);
        if spec.get("requestBody").is_none() {
            continue;
        }
        let json = common::request_example(op.id);
        let form = common::form_example(op.id);
        if op.id == "create_bank_credit_note" {
            assert!(json.is_null(), "{}: not JSON", op.id);
            let mut parts: Vec<&str> = form
                .as_object()
                .expect("the parts of the multipart example")
                .keys()
                .map(String::as_str)
                .collect();
            parts.sort_unstable();
            assert_eq!(
                parts,
                [
                    "document_data",
                    "file",
                    "installments",
                    "issuer_document",
                    "issuer_full_name",
                    "number",
                    "signature_provider",
                    "signed",
                ]
            );
            let data = form["document_data"]
                .as_str()
                .expect("document_data is text");
            assert!(
                serde_json::from_str::<Value>(data).is_ok_and(|v| v.is_object()),
                "document_data is a JSON object serialised as text: {data}"
            );
        } else {
            assert!(json.is_object(), "{}: a JSON request example", op.id);
            assert!(form.is_null(), "{}", op.id);
        }
    }
}

#[test]
fn legacy_operations_are_deprecated_and_only_they() {
    for op in securities_api::OPERATIONS {
        assert_eq!(op.deprecated, op.id.starts_with("legacy_"), "{}", op.id);
    }
}

/// The operations the client pages through (`paginated`) are those that take the `page`
/// parameter, and their answers carry `page_infos`.
#[test]
fn paginated_operations_are_the_lists_with_page_infos() {
    let mut paginated = 0;
    for op in securities_api::OPERATIONS {
        let (_, _, spec) = common::operation(op.id);
        let takes_page = spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|parameter| common::resolve(parameter)["name"] == "page");
        assert_eq!(op.paginated, takes_page, "{}", op.id);
        if op.paginated {
            paginated += 1;
            let (_, example) = common::success_example(op.id);
            assert!(
                example.get("page_infos").is_some(),
                "{} answers page_infos",
                op.id
            );
        }
    }
    assert!(paginated > 0, "the spec has paginated lists");
}

/// Each operation's error statuses (`Operation::error_statuses`, which the client reads as
/// `ApiError`s) are the error responses the spec lists for it, each a reference to a shared
/// response of `components/responses`; a status means the same shared response everywhere,
/// and every operation lists the same ones: the status table of the manual is shared.
#[test]
fn every_operation_refers_to_the_shared_errors() {
    let mut meaning: BTreeMap<u16, String> = BTreeMap::new();
    let shared = securities_api::OPERATIONS[0].error_statuses;
    assert!(!shared.is_empty(), "the spec lists error statuses");
    for op in securities_api::OPERATIONS {
        let (_, _, spec) = common::operation(op.id);
        let mut listed: Vec<u16> = spec["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .filter(|status| !status.starts_with('2'))
            .map(|status| status.parse().expect("numeric status"))
            .collect();
        listed.sort_unstable();
        let mut generated = op.error_statuses.to_vec();
        generated.sort_unstable();
        assert_eq!(generated, listed, "{}", op.id);
        assert_eq!(op.error_statuses, shared, "{}", op.id);
        for (status, name) in common::error_responses(op.id) {
            assert!(
                common::spec()["components"]["responses"][&name].is_object(),
                "{} {status}: no shared response {name}",
                op.id
            );
            let first = meaning.entry(status).or_insert_with(|| name.clone());
            assert_eq!(*first, name, "{} {status}", op.id);
        }
    }
}
