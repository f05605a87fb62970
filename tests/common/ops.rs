//! One realistic request of every operation (the spec's request examples as bodies, its
//! parameter examples as ids), written once for the suites that sweep the whole API: the
//! no-panic property (through `call()`) and the Prism conformance suite (through `send()`).

#![allow(deprecated)]

use super::{to_json, Call};

/// Every operation of the spec, in the spec's order, as `[(operationId, fn(Client) -> future)]`;
/// `$finish!(request)` turns each request builder into the outcome (`call()`, `send()`, …),
/// and `$call` is the type of one entry's function.
#[macro_export]
macro_rules! every_operation {
    ($finish:ident, $call:ty) => {{
        use futures::FutureExt as _;
        use securities_api::types;
        use $crate::common::request_body;
        // The legacy bridge is deprecated, and still part of the API to check.
        #[allow(deprecated)]
        let operations: [(&str, $call); 33] = [
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
            ("list_securities", |c: securities_api::Client| {
                async move { $finish!(c.list_securities().number("CCB-2022-0042").page(1)) }.boxed()
            }),
            ("get_security", |c: securities_api::Client| {
                async move { $finish!(c.get_security().id(931)) }.boxed()
            }),
            ("list_arrangements", |c: securities_api::Client| {
                async move { $finish!(c.list_arrangements().page(1)) }.boxed()
            }),
            ("get_arrangement", |c: securities_api::Client| {
                async move { $finish!(c.get_arrangement().id(14)) }.boxed()
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
                async move { $finish!(c.get_signer().id(208)) }.boxed()
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
                async move { $finish!(c.get_document_signer().document_id(7781).id(208)) }.boxed()
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
                    let body: types::NewSecurityBatchRequest =
                        request_body("create_security_batch");
                    $finish!(c.create_security_batch().batch_id(402).body(body))
                }
                .boxed()
            }),
            ("get_security_batch", |c: securities_api::Client| {
                async move { $finish!(c.get_security_batch().batch_id(402).id(1207)) }.boxed()
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

/// `request.call()`, the answer as JSON.
macro_rules! by_call {
    ($request:expr) => {
        $request.call().await.map(to_json)
    };
}

/// Every operation of the spec, called through `call()`.
pub fn all() -> [(&'static str, Call); 33] {
    every_operation!(by_call, Call)
}
