//! Signers (Signatários): `/v1/signers` and `/v1/documents/{document_id}/signers`.

use futures::FutureExt;
use securities_api::types;

use crate::common::{check_operation, check_operations, ops, to_json};

check_operations!(
    list_signers,
    create_signer,
    get_signer,
    get_signer_by_key,
    list_document_signers,
    create_document_signer,
    get_document_signer,
    get_document_signer_by_key,
);

/// The signer of the spec's `NewSigner` request example, written as a caller would.
fn new_signer() -> types::NewSignerRequest {
    types::NewSignerRequest {
        signer: types::NewSigner {
            full_name: "Tiago Menezes Lobo".into(),
            has_documentation: true,
            documentation: Some("204.889.513-70".into()),
            birthday: Some(chrono::NaiveDate::from_ymd_opt(1979, 4, 18).expect("date")),
            email: Some("tiago.lobo@example.com".into()),
            phone_number: "21973104482".into(),
            auth: types::SignerAuth::Email,
            communicate_by: types::CommunicateBy::Email,
            sign_as: types::SignAs::Party,
            selfie_enabled: false,
            handwritten_enabled: false,
            official_document_enabled: false,
            liveness_enabled: false,
            facial_biometrics_enabled: false,
        },
    }
}

#[tokio::test]
async fn create_signer_as_a_caller_writes_it() {
    check_operation(ops::get("create_signer").expect(), |c| {
        async move {
            c.create_signer()
                .body(new_signer())
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}

#[tokio::test]
async fn create_document_signer_as_a_caller_writes_it() {
    check_operation(ops::get("create_document_signer").expect(), |c| {
        async move {
            c.create_document_signer()
                .document_id(7781)
                .body(new_signer())
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}
