//! Signer links (Signatários do documento): `/v1/lists`.

use futures::FutureExt;
use securities_api::types;

use crate::common::{check_operation, check_operations, ops, to_json};

check_operations!(list_signer_links, link_signer, get_signer_link);

#[tokio::test]
async fn link_signer_as_a_caller_writes_it() {
    check_operation(ops::get("link_signer").expect(), |c| {
        async move {
            // The spec's request example, written as a caller would.
            let body = types::NewSignerLinkRequest {
                list: types::NewSignerLink {
                    signer_id: 209,
                    document_id: 7781,
                    sign_as: types::SignAs::Party,
                    group: std::num::NonZeroU32::new(1),
                    message: Some("Please sign the credit note CCB-2023-0042.".into()),
                    refusable: Some(false),
                },
            };
            c.link_signer().body(body).call().await.map(to_json)
        }
        .boxed()
    })
    .await;
}
