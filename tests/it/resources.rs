//! What a row of `common::ops::ALL` cannot say, resource by resource: bodies written by a
//! caller with the client's types (which must reach the server as the spec's request example
//! does), queries other than the row's, values refused before anything is sent, and keys an
//! open object keeps. Each operation's own request, answers and errors are checked by
//! `tests/it/operations.rs` from its row; the multipart upload by `tests/it/upload.rs`.

use futures::FutureExt;
use securities_api::types;
use serde_json::json;
use wiremock::{
    matchers::{body_json, method, path},
    Mock, ResponseTemplate,
};

use crate::common::{check_operation, client, ops, strict_server, to_json, Expect};

// --- Proposals (Propostas): `/v1/proposals` -----------------------------------------------------

#[tokio::test]
async fn list_proposals_without_page_sends_no_query() {
    check_operation(
        Expect {
            query: &[],
            ..ops::get("list_proposals").expect()
        },
        |c| async move { c.list_proposals().call().await.map(to_json) }.boxed(),
    )
    .await;
}

// --- Signers (Signatários): `/v1/signers`, `/v1/documents/{document_id}/signers` ----------------

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

// --- Documents (Documentos), the PDFs to sign: `/v1/documents/bykey/{key}` ----------------------

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

// --- CCBs (Cédulas de Crédito Bancário): `/v1/bank_credit_notes` --------------------------------

#[tokio::test]
async fn list_bank_credit_notes_without_filters_sends_no_query() {
    check_operation(
        Expect {
            query: &[],
            ..ops::get("list_bank_credit_notes").expect()
        },
        |c| async move { c.list_bank_credit_notes().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn list_bank_credit_notes_encodes_the_number_filter() {
    check_operation(
        Expect {
            // The decoded query: the number arrives whole, `&` and `#` included.
            query: &[("number", "CCB 2023/0042#1&x=y")],
            ..ops::get("list_bank_credit_notes").expect()
        },
        |c| {
            async move {
                c.list_bank_credit_notes()
                    .number("CCB 2023/0042#1&x=y")
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

// --- Assignment terms (Termos de Cessão): `/v1/assignments` -------------------------------------

#[tokio::test]
async fn create_assignment_as_a_caller_writes_it() {
    check_operation(ops::get("create_assignment").expect(), |c| {
        async move {
            let body = types::NewAssignmentRequest {
                assignment: types::NewAssignment {
                    arrangement_id: 15,
                    number: "TC-2023-061".into(),
                    issue_date: chrono::NaiveDate::from_ymd_opt(2023, 10, 2).expect("date"),
                    full_amount: 96500.5,
                    batch_id: 402,
                },
            };
            c.create_assignment().body(body).call().await.map(to_json)
        }
        .boxed()
    })
    .await;
}

// --- Batches (Lotes): `/v1/batches` -------------------------------------------------------------

#[tokio::test]
async fn create_batch_as_a_caller_writes_it() {
    check_operation(ops::get("create_batch").expect(), |c| {
        async move {
            let body = types::NewBatchRequest {
                batch: types::NewBatch {
                    number: "L-2023-118".into(),
                    quantity: 2,
                },
            };
            c.create_batch().body(body).call().await.map(to_json)
        }
        .boxed()
    })
    .await;
}

// --- CCBs in a batch (CCB em Lote): `/v1/batches/{batch_id}/security_batches` -------------------

#[tokio::test]
async fn create_security_batch_as_a_caller_writes_it() {
    check_operation(ops::get("create_security_batch").expect(), |c| {
        async move {
            // The spec's request example, written as a caller would.
            let body = types::NewSecurityBatchRequest {
                security_batch: types::NewSecurityBatch {
                    security_data: types::SecurityData {
                        number: "CCB-2023-0042".into(),
                        assignor_name: Some("Crédito Serra Azul SCD S.A.".into()),
                        cession_value: Some("48250.75".into()),
                        extra: Default::default(),
                    },
                },
            };
            c.create_security_batch()
                .batch_id(402)
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}

/// `security_data` accepts any key besides those the manual names: a key of the parties'
/// template is sent as it is, and one the server adds comes back in `extra`.
#[tokio::test]
async fn security_data_keeps_keys_the_spec_does_not_name() {
    let server = strict_server().await;
    let sent = json!({
        "security_batch": {
            "security_data": {
                "number": "CCB-2023-0042",
                "contract_date": "02/10/2023",
                "rate": 1.89
            }
        }
    });
    Mock::given(method("POST"))
        .and(path("/v1/batches/402/security_batches"))
        .and(body_json(&sent))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "security_batch": { "id": 1204, "security_id": 931, "batch_id": 402 }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let body: types::NewSecurityBatchRequest =
        serde_json::from_value(sent.clone()).expect("the body fits the type");
    let data = &body.security_batch.security_data;
    assert_eq!(data.number, "CCB-2023-0042");
    assert_eq!(data.extra.get("contract_date"), Some(&json!("02/10/2023")));
    assert_eq!(data.extra.get("rate"), Some(&json!(1.89)));
    let placed = client(&server, "")
        .create_security_batch()
        .batch_id(402)
        .body(body)
        .call()
        .await
        .expect("the request matches, extra keys included");
    assert_eq!(placed.security_batch.id, 1204);
}

// --- Duplicatas (trade bills): `/v1/duplicates` -------------------------------------------------

#[tokio::test]
async fn list_duplicates_without_filters_sends_no_query() {
    check_operation(
        Expect {
            query: &[],
            ..ops::get("list_duplicates").expect()
        },
        |c| async move { c.list_duplicates().call().await.map(to_json) }.boxed(),
    )
    .await;
}

// --- Duplicatas in a batch (Duplicatas em Lote): `.../duplicates/security_batches` --------------

#[tokio::test]
async fn create_duplicate_security_batch_as_a_caller_writes_it() {
    check_operation(ops::get("create_duplicate_security_batch").expect(), |c| {
        async move {
            // The spec's request example, written as a caller would.
            let body = types::NewDuplicateSecurityBatchRequest {
                security_batch: types::NewDuplicateSecurityBatch {
                    security_data: types::DuplicateSecurityData {
                        number: "DM-2023-0310".into(),
                        issuer_full_name: "Metalúrgica Vale do Aço Ltda.".into(),
                        issuer_document: "12345678000195".into(),
                        total_value: 18430.9,
                        invoice: "000451".into(),
                        extra: Default::default(),
                    },
                },
            };
            c.create_duplicate_security_batch()
                .batch_id(415)
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}

// --- Signer links (Signatários do documento): `/v1/lists` ---------------------------------------

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

// --- The legacy bridge (API Legada): `/legacy/...`, deprecated but callable ---------------------

#[tokio::test]
#[allow(deprecated)] // The legacy bridge is deprecated, and still callable.
async fn legacy_link_signer_as_a_caller_writes_it() {
    check_operation(ops::get("legacy_link_signer").expect(), |c| {
        async move {
            let body = types::LegacyNewSignerLinkRequest {
                list: types::LegacyNewSignerLink {
                    document_id: 7785,
                    group: std::num::NonZeroU32::new(1),
                    message: Some("Por favor, assine a CCB 43.".into()),
                    sequence_enabled: None,
                    refusable: false,
                },
            };
            c.legacy_link_signer()
                .signer_id(312)
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}

#[tokio::test]
#[allow(deprecated)] // The legacy bridge is deprecated, and still callable.
async fn legacy_execute_assignment_as_a_caller_writes_it() {
    check_operation(ops::get("legacy_execute_assignment").expect(), |c| {
        async move {
            let body = types::LegacyExecuteAssignment {
                process: "58".into(),
                contracts: vec![
                    types::LegacyContract {
                        number: Some("43".into()),
                        issuer_name: Some("Otávio Campos Reis".into()),
                        extra: Default::default(),
                    },
                    types::LegacyContract {
                        number: Some("44".into()),
                        issuer_name: Some("Lívia Moreira Santos".into()),
                        extra: Default::default(),
                    },
                ],
            };
            c.legacy_execute_assignment()
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}
