//! One realistic request of every operation (the spec's request examples as bodies, its
//! parameter examples as ids), written once for the suites that sweep the whole API: the
//! no-panic property (through `call()`) and the Prism conformance suite (through `send()`).

#![allow(deprecated)]

use super::{to_json, Call};

/// Every operation of the spec, in the spec's order, as `[(operationId, fn(Client) -> future)]`;
/// `$finish!(request)` turns each request builder into the outcome (`call()`, `send()`, …),
/// and `$call` is the type of one entry's function. The one hand-written operation,
/// `create_bank_credit_note` (a multipart upload, with `call()` and no `send()`), comes as
/// `$finish!(@upload request)`, so that each `$finish` macro says how to finish it.
#[macro_export]
macro_rules! every_operation {
    ($finish:ident, $call:ty) => {{
        use futures::FutureExt as _;
        use securities_api::types;
        use $crate::common::request_body;
        // The legacy bridge is deprecated, and still part of the API to check.
        #[allow(deprecated)]
        let operations: [(&str, $call); 46] = [
            ("list_proposals", |c: securities_api::Client| {
                async move { $finish!(c.list_proposals().page(2)) }.boxed()
            }),
            ("create_proposal", |c: securities_api::Client| {
                async move {
                    let body: types::NewProposalRequest = request_body("create_proposal");
                    $finish!(c.create_proposal().body(body))
                }
                .boxed()
            }),
            ("get_proposal", |c: securities_api::Client| {
                async move { $finish!(c.get_proposal().id(5120)) }.boxed()
            }),
            ("get_proposal_by_number", |c: securities_api::Client| {
                async move { $finish!(c.get_proposal_by_number().number("CCB-2023-0042")) }.boxed()
            }),
            ("list_signers", |c: securities_api::Client| {
                async move { $finish!(c.list_signers().page(2)) }.boxed()
            }),
            ("create_signer", |c: securities_api::Client| {
                async move {
                    let body: types::NewSignerRequest = request_body("create_signer");
                    $finish!(c.create_signer().body(body))
                }
                .boxed()
            }),
            ("get_signer", |c: securities_api::Client| {
                async move { $finish!(c.get_signer().id(209)) }.boxed()
            }),
            ("get_signer_by_key", |c: securities_api::Client| {
                async move { $finish!(c.get_signer_by_key().key("2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10")) }.boxed()
            }),
            ("list_document_signers", |c: securities_api::Client| {
                async move { $finish!(c.list_document_signers().document_id(7781).page(1)) }.boxed()
            }),
            ("create_document_signer", |c: securities_api::Client| {
                async move {
                    let body: types::NewSignerRequest = request_body("create_document_signer");
                    $finish!(c.create_document_signer().document_id(7781).body(body))
                }
                .boxed()
            }),
            ("get_document_signer", |c: securities_api::Client| {
                async move { $finish!(c.get_document_signer().document_id(7781).id(209)) }.boxed()
            }),
            ("get_document_signer_by_key", |c: securities_api::Client| {
                async move { $finish!(c.get_document_signer_by_key().document_id(7781).key("2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10")) }.boxed()
            }),
            ("get_document_by_key", |c: securities_api::Client| {
                async move { $finish!(c.get_document_by_key().key("0c8e6a52-3b7d-4e19-a2f4-91d5b6c3e820")) }.boxed()
            }),
            ("list_bank_credit_notes", |c: securities_api::Client| {
                async move { $finish!(c.list_bank_credit_notes().number("CCB-2023-0042").page(1)) }.boxed()
            }),
            ("create_bank_credit_note", |c: securities_api::Client| {
                // Written by hand (multipart): `$finish!(@upload ...)`, since it has `call()`
                // and no `send()`.
                async move {
                    $finish!(@upload c
                        .create_bank_credit_note()
                        .file_bytes("ccb.pdf", b"%PDF-1.7 test".to_vec())
                        .signed(true)
                        .signature_provider("docusign")
                        .number("CCB-2023-0107")
                        .issuer_full_name("Caio Figueiredo Neves")
                        .issuer_document("527.190.384-62")
                        .installments(24)
                        .document_data(&serde_json::json!({ "financed_amount": 30500.0 })))
                }
                .boxed()
            }),
            ("get_bank_credit_note", |c: securities_api::Client| {
                async move { $finish!(c.get_bank_credit_note().id(931)) }.boxed()
            }),
            ("get_bank_credit_note_by_number", |c: securities_api::Client| {
                async move { $finish!(c.get_bank_credit_note_by_number().number("CCB-2023-0042")) }.boxed()
            }),
            ("list_arrangements", |c: securities_api::Client| {
                async move { $finish!(c.list_arrangements().page(1)) }.boxed()
            }),
            ("get_arrangement", |c: securities_api::Client| {
                async move { $finish!(c.get_arrangement().id(15)) }.boxed()
            }),
            ("list_assignments", |c: securities_api::Client| {
                async move { $finish!(c.list_assignments()) }.boxed()
            }),
            ("create_assignment", |c: securities_api::Client| {
                async move {
                    let body: types::NewAssignmentRequest = request_body("create_assignment");
                    $finish!(c.create_assignment().body(body))
                }
                .boxed()
            }),
            ("get_assignment", |c: securities_api::Client| {
                async move { $finish!(c.get_assignment().id(61)) }.boxed()
            }),
            ("get_assignment_by_number", |c: securities_api::Client| {
                async move { $finish!(c.get_assignment_by_number().number("TC-2023-061")) }.boxed()
            }),
            ("list_batches", |c: securities_api::Client| {
                async move { $finish!(c.list_batches().page(1)) }.boxed()
            }),
            ("create_batch", |c: securities_api::Client| {
                async move {
                    let body: types::NewBatchRequest = request_body("create_batch");
                    $finish!(c.create_batch().body(body))
                }
                .boxed()
            }),
            ("get_batch", |c: securities_api::Client| {
                async move { $finish!(c.get_batch().id(402)) }.boxed()
            }),
            ("list_security_batches", |c: securities_api::Client| {
                async move { $finish!(c.list_security_batches().batch_id(402).page(1)) }.boxed()
            }),
            ("create_security_batch", |c: securities_api::Client| {
                async move {
                    let body: types::NewSecurityBatchRequest = request_body("create_security_batch");
                    $finish!(c.create_security_batch().batch_id(402).body(body))
                }
                .boxed()
            }),
            ("get_security_batch", |c: securities_api::Client| {
                async move { $finish!(c.get_security_batch().batch_id(402).id(1207)) }.boxed()
            }),
            ("list_duplicates", |c: securities_api::Client| {
                async move { $finish!(c.list_duplicates().number("DM-2023-0310").page(1)) }.boxed()
            }),
            ("get_duplicate", |c: securities_api::Client| {
                async move { $finish!(c.get_duplicate().id(350)) }.boxed()
            }),
            ("get_duplicate_by_number", |c: securities_api::Client| {
                async move { $finish!(c.get_duplicate_by_number().number("DM-2023-0310")) }.boxed()
            }),
            ("list_duplicate_security_batches", |c: securities_api::Client| {
                async move { $finish!(c.list_duplicate_security_batches().batch_id(415).page(1)) }.boxed()
            }),
            ("create_duplicate_security_batch", |c: securities_api::Client| {
                async move {
                    let body: types::NewDuplicateSecurityBatchRequest = request_body("create_duplicate_security_batch");
                    $finish!(c.create_duplicate_security_batch().batch_id(415).body(body))
                }
                .boxed()
            }),
            ("get_duplicate_security_batch", |c: securities_api::Client| {
                async move { $finish!(c.get_duplicate_security_batch().batch_id(415).id(1310)) }.boxed()
            }),
            ("list_signer_links", |c: securities_api::Client| {
                async move { $finish!(c.list_signer_links().page(1)) }.boxed()
            }),
            ("link_signer", |c: securities_api::Client| {
                async move {
                    let body: types::NewSignerLinkRequest = request_body("link_signer");
                    $finish!(c.link_signer().body(body))
                }
                .boxed()
            }),
            ("get_signer_link", |c: securities_api::Client| {
                async move { $finish!(c.get_signer_link().id(877)) }.boxed()
            }),
            ("legacy_create_proposal", |c: securities_api::Client| {
                async move {
                    let body: types::LegacyProposalRequest = request_body("legacy_create_proposal");
                    $finish!(c.legacy_create_proposal().body(body))
                }
                .boxed()
            }),
            ("legacy_get_security", |c: securities_api::Client| {
                async move { $finish!(c.legacy_get_security().id(931)) }.boxed()
            }),
            ("legacy_create_assignment", |c: securities_api::Client| {
                async move {
                    let body: types::LegacyNewAssignment = request_body("legacy_create_assignment");
                    $finish!(c.legacy_create_assignment().body(body))
                }
                .boxed()
            }),
            ("legacy_get_assignment", |c: securities_api::Client| {
                async move { $finish!(c.legacy_get_assignment().id(58)) }.boxed()
            }),
            ("legacy_cancel_assignment", |c: securities_api::Client| {
                async move { $finish!(c.legacy_cancel_assignment().id(58)) }.boxed()
            }),
            ("legacy_create_signer", |c: securities_api::Client| {
                async move {
                    let body: types::LegacyNewSignerRequest = request_body("legacy_create_signer");
                    $finish!(c.legacy_create_signer().body(body))
                }
                .boxed()
            }),
            ("legacy_link_signer", |c: securities_api::Client| {
                async move {
                    let body: types::LegacyNewSignerLinkRequest =
                        request_body("legacy_link_signer");
                    $finish!(c.legacy_link_signer().signer_id(312).body(body))
                }
                .boxed()
            }),
            ("legacy_execute_assignment", |c: securities_api::Client| {
                async move {
                    let body: types::LegacyExecuteAssignment =
                        request_body("legacy_execute_assignment");
                    $finish!(c.legacy_execute_assignment().body(body))
                }
                .boxed()
            }),
        ];
        operations
    }};
}

/// `request.call()`, the answer as JSON (the hand-written upload has `call()` too).
macro_rules! by_call {
    (@upload $request:expr) => {
        $request.call().await.map(to_json)
    };
    ($request:expr) => {
        $request.call().await.map(to_json)
    };
}

/// Every operation of the spec, called through `call()`.
pub fn all() -> [(&'static str, Call); 46] {
    every_operation!(by_call, Call)
}
