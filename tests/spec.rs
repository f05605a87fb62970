//! The client covers exactly the operations of the manual, as the spec declares them.

mod common;

/// The manual's operations: operationId, method, path, success status.
const MANUAL: [(&str, &str, &str, u16); 33] = [
    ("list_proposals", "GET", "/v1/proposals", 200),
    ("get_proposal", "GET", "/v1/proposals/{id}", 200),
    ("create_proposal", "POST", "/v1/proposals", 201),
    ("list_securities", "GET", "/v1/securities", 200),
    ("get_security", "GET", "/v1/securities/{id}", 200),
    ("list_arrangements", "GET", "/v1/arrangements", 200),
    ("get_arrangement", "GET", "/v1/arrangements/{id}", 200),
    ("list_signers", "GET", "/v1/signers", 200),
    ("get_signer", "GET", "/v1/signers/{id}", 200),
    ("create_signer", "POST", "/v1/signers", 201),
    (
        "list_document_signers",
        "GET",
        "/v1/documents/{document_id}/signers",
        200,
    ),
    (
        "get_document_signer",
        "GET",
        "/v1/documents/{document_id}/signers/{id}",
        200,
    ),
    (
        "create_document_signer",
        "POST",
        "/v1/documents/{document_id}/signers",
        201,
    ),
    ("list_assignments", "GET", "/v1/assignments", 200),
    ("get_assignment", "GET", "/v1/assignments/{id}", 200),
    ("create_assignment", "POST", "/v1/assignments", 201),
    ("list_batches", "GET", "/v1/batches", 200),
    ("get_batch", "GET", "/v1/batches/{id}", 200),
    ("create_batch", "POST", "/v1/batches", 201),
    (
        "list_security_batches",
        "GET",
        "/v1/batches/{batch_id}/security_batches",
        200,
    ),
    (
        "get_security_batch",
        "GET",
        "/v1/batches/{batch_id}/security_batches/{id}",
        200,
    ),
    (
        "create_security_batch",
        "POST",
        "/v1/batches/{batch_id}/security_batches",
        201,
    ),
    ("list_signer_links", "GET", "/v1/lists", 200),
    ("get_signer_link", "GET", "/v1/lists/{id}", 200),
    ("link_signer", "POST", "/v1/lists", 201),
    ("legacy_create_proposal", "POST", "/legacy/proposals", 201),
    ("legacy_get_security", "GET", "/legacy/securities/{id}", 200),
    (
        "legacy_get_assignment",
        "GET",
        "/legacy/assignments/{id}",
        200,
    ),
    (
        "legacy_cancel_assignment",
        "POST",
        "/legacy/assignments/{id}/cancel",
        200,
    ),
    ("legacy_create_signer", "POST", "/legacy/signers", 201),
    (
        "legacy_link_signer",
        "POST",
        "/legacy/signers/{signer_id}/lists",
        201,
    ),
    (
        "legacy_create_assignment",
        "POST",
        "/legacy/assignments",
        201,
    ),
    (
        "legacy_execute_assignment",
        "POST",
        "/legacy/contracts",
        202,
    ),
];

#[test]
fn the_client_has_every_operation_of_the_manual() {
    let mut generated: Vec<_> = securities_api::OPERATIONS
        .iter()
        .map(|op| (op.id, op.method, op.path, op.success_status))
        .collect();
    let mut manual = MANUAL.to_vec();
    generated.sort();
    manual.sort();
    assert_eq!(generated, manual);
}

#[test]
fn legacy_operations_are_deprecated_and_only_they() {
    for op in securities_api::OPERATIONS {
        assert_eq!(op.deprecated, op.id.starts_with("legacy_"), "{}", op.id);
    }
}

#[test]
fn paginated_operations_are_the_lists_with_page_infos() {
    let paginated: Vec<_> = securities_api::OPERATIONS
        .iter()
        .filter(|op| op.paginated)
        .map(|op| op.id)
        .collect();
    assert_eq!(paginated.len(), 8, "{paginated:?}");
    for id in paginated {
        let (_, example) = common::success_example(id);
        assert!(
            example.get("page_infos").is_some(),
            "{id} answers page_infos"
        );
    }
}

#[test]
fn every_operation_references_the_eight_shared_errors() {
    for op in securities_api::OPERATIONS {
        let (_, _, spec) = common::operation(op.id);
        for (status, name) in common::ERROR_STATUSES {
            assert_eq!(
                spec["responses"][status.to_string()]["$ref"],
                format!("#/components/responses/{name}"),
                "{} {status}",
                op.id
            );
        }
    }
}
