//! Documents (Documentos), the PDFs sent for signature: `/v1/documents/bykey/{key}`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;

#[tokio::test]
async fn get_document_by_key() {
    check_operation(
        Expect {
            op: "get_document_by_key",
            method: "GET",
            path: "/v1/documents/bykey/0c8e6a52-3b7d-4e19-a2f4-91d5b6c3e820",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_document_by_key()
                    .key("0c8e6a52-3b7d-4e19-a2f4-91d5b6c3e820")
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn a_key_that_is_not_a_uuid_is_refused_before_any_request() {
    let server = common::strict_server().await;
    let error = common::client(&server, "")
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
