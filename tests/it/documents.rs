//! Documents (Documentos), the PDFs sent for signature: `/v1/documents/bykey/{key}`.

use crate::common::{check_operations, client, strict_server};

check_operations!(get_document_by_key);

#[tokio::test]
async fn a_key_that_is_not_a_uuid_is_refused_before_any_request() {
    let server = strict_server().await;
    let error = client(&server, "")
        .get_document_by_key()
        .key("CCB-2023-0042")
        .call()
        .await
        .expect_err("not a UUID");
    assert_eq!(
        error.kind(),
        securities_api::ErrorKind::InvalidRequest,
        "{error}"
    );
    assert_eq!(error.operation(), "get_document_by_key");
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(0),
        "nothing was sent"
    );
}
