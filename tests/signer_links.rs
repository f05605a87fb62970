//! Signer links (Signatários do documento): `/v1/lists`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;
use securities_api::types;

#[tokio::test]
async fn list_signer_links() {
    check_operation(
        Expect {
            op: "list_signer_links",
            method: "GET",
            path: "/v1/lists",
            query: &[("page", "1")],
            body: false,
        },
        |c| async move { c.list_signer_links().page(1).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_signer_link() {
    check_operation(
        Expect {
            op: "get_signer_link",
            method: "GET",
            path: "/v1/lists/877",
            query: &[],
            body: false,
        },
        |c| async move { c.get_signer_link().id(877).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn link_signer() {
    check_operation(
        Expect {
            op: "link_signer",
            method: "POST",
            path: "/v1/lists",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                // The spec's request example, written as a caller would.
                let body = types::NewSignerLinkRequest {
                    list: types::NewSignerLink {
                        signer_id: 209,
                        document_id: 7781,
                        sign_as: Some(types::SignAs::Party),
                        group: Some(1),
                        message: Some("Please sign the credit note CCB-2023-0042.".into()),
                        refusable: Some(false),
                    },
                };
                c.link_signer().body(body).call().await.map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
