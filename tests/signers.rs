//! Signers (Signatários): `/v1/signers` and `/v1/documents/{document_id}/signers`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;
use securities_api::types;

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
async fn list_signers() {
    check_operation(
        Expect {
            op: "list_signers",
            method: "GET",
            path: "/v1/signers",
            query: &[("page", "2")],
            body: false,
        },
        |c| async move { c.list_signers().page(2).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_signer() {
    check_operation(
        Expect {
            op: "get_signer",
            method: "GET",
            path: "/v1/signers/209",
            query: &[],
            body: false,
        },
        |c| async move { c.get_signer().id(209).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn create_signer() {
    check_operation(
        Expect {
            op: "create_signer",
            method: "POST",
            path: "/v1/signers",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                c.create_signer()
                    .body(new_signer())
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
async fn list_document_signers() {
    check_operation(
        Expect {
            op: "list_document_signers",
            method: "GET",
            path: "/v1/documents/7781/signers",
            query: &[("page", "1")],
            body: false,
        },
        |c| {
            async move {
                c.list_document_signers()
                    .document_id(7781)
                    .page(1)
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
async fn get_document_signer() {
    check_operation(
        Expect {
            op: "get_document_signer",
            method: "GET",
            path: "/v1/documents/7781/signers/209",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_document_signer()
                    .document_id(7781)
                    .id(209)
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
async fn create_document_signer() {
    check_operation(
        Expect {
            op: "create_document_signer",
            method: "POST",
            path: "/v1/documents/7781/signers",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                c.create_document_signer()
                    .document_id(7781)
                    .body(new_signer())
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
async fn get_signer_by_key() {
    check_operation(
        Expect {
            op: "get_signer_by_key",
            method: "GET",
            path: "/v1/signers/bykey/2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_signer_by_key()
                    .key("2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10")
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
async fn get_document_signer_by_key() {
    check_operation(
        Expect {
            op: "get_document_signer_by_key",
            method: "GET",
            path: "/v1/documents/7781/signers/bykey/2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_document_signer_by_key()
                    .document_id(7781)
                    .key("2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10")
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
