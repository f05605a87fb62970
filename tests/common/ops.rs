//! One call of every operation, with the spec's request examples as bodies, for the tests
//! that sweep the whole API (the no-panic property).

#![allow(deprecated)]

use futures::FutureExt;
use securities_api::types;

use super::{request_body, to_json, Call};

/// Every operation of the spec, called through `call()`.
pub const ALL: [(&str, Call); 33] = [
    ("list_proposals", |c| {
        async move { c.list_proposals().page(2).call().await.map(to_json) }.boxed()
    }),
    ("get_proposal", |c| {
        async move { c.get_proposal().id(5120).call().await.map(to_json) }.boxed()
    }),
    ("create_proposal", |c| {
        async move {
            let body: types::NewProposalRequest = request_body("create_proposal");
            c.create_proposal().body(body).call().await.map(to_json)
        }
        .boxed()
    }),
    ("list_securities", |c| {
        async move { c.list_securities().number("42").call().await.map(to_json) }.boxed()
    }),
    ("get_security", |c| {
        async move { c.get_security().id(931).call().await.map(to_json) }.boxed()
    }),
    ("list_arrangements", |c| {
        async move { c.list_arrangements().call().await.map(to_json) }.boxed()
    }),
    ("get_arrangement", |c| {
        async move { c.get_arrangement().id(14).call().await.map(to_json) }.boxed()
    }),
    ("list_signers", |c| {
        async move { c.list_signers().call().await.map(to_json) }.boxed()
    }),
    ("get_signer", |c| {
        async move { c.get_signer().id(208).call().await.map(to_json) }.boxed()
    }),
    ("create_signer", |c| {
        async move {
            let body: types::NewSignerRequest = request_body("create_signer");
            c.create_signer().body(body).call().await.map(to_json)
        }
        .boxed()
    }),
    ("list_document_signers", |c| {
        async move {
            c.list_document_signers()
                .document_id(7781)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("get_document_signer", |c| {
        async move {
            c.get_document_signer()
                .document_id(7781)
                .id(208)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("create_document_signer", |c| {
        async move {
            let body: types::NewSignerRequest = request_body("create_document_signer");
            c.create_document_signer()
                .document_id(7781)
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("list_assignments", |c| {
        async move { c.list_assignments().call().await.map(to_json) }.boxed()
    }),
    ("get_assignment", |c| {
        async move { c.get_assignment().id(61).call().await.map(to_json) }.boxed()
    }),
    ("create_assignment", |c| {
        async move {
            let body: types::NewAssignmentRequest = request_body("create_assignment");
            c.create_assignment().body(body).call().await.map(to_json)
        }
        .boxed()
    }),
    ("list_batches", |c| {
        async move { c.list_batches().call().await.map(to_json) }.boxed()
    }),
    ("get_batch", |c| {
        async move { c.get_batch().id(402).call().await.map(to_json) }.boxed()
    }),
    ("create_batch", |c| {
        async move {
            let body: types::NewBatchRequest = request_body("create_batch");
            c.create_batch().body(body).call().await.map(to_json)
        }
        .boxed()
    }),
    ("list_security_batches", |c| {
        async move {
            c.list_security_batches()
                .batch_id(402)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("get_security_batch", |c| {
        async move {
            c.get_security_batch()
                .batch_id(402)
                .id(1207)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("create_security_batch", |c| {
        async move {
            let body: types::NewSecurityBatchRequest = request_body("create_security_batch");
            c.create_security_batch()
                .batch_id(402)
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("list_signer_links", |c| {
        async move { c.list_signer_links().call().await.map(to_json) }.boxed()
    }),
    ("get_signer_link", |c| {
        async move { c.get_signer_link().id(877).call().await.map(to_json) }.boxed()
    }),
    ("link_signer", |c| {
        async move {
            let body: types::NewSignerLinkRequest = request_body("link_signer");
            c.link_signer().body(body).call().await.map(to_json)
        }
        .boxed()
    }),
    ("legacy_create_proposal", |c| {
        async move {
            let body: types::LegacyProposalRequest = request_body("legacy_create_proposal");
            c.legacy_create_proposal()
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("legacy_get_security", |c| {
        async move { c.legacy_get_security().id(931).call().await.map(to_json) }.boxed()
    }),
    ("legacy_get_assignment", |c| {
        async move { c.legacy_get_assignment().id(58).call().await.map(to_json) }.boxed()
    }),
    ("legacy_cancel_assignment", |c| {
        async move {
            c.legacy_cancel_assignment()
                .id(58)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("legacy_create_signer", |c| {
        async move {
            let body: types::LegacyNewSignerRequest = request_body("legacy_create_signer");
            c.legacy_create_signer()
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("legacy_link_signer", |c| {
        async move {
            let body: types::LegacyNewSignerLinkRequest = request_body("legacy_link_signer");
            c.legacy_link_signer()
                .signer_id(312)
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("legacy_create_assignment", |c| {
        async move {
            let body: types::LegacyNewAssignment = request_body("legacy_create_assignment");
            c.legacy_create_assignment()
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
    ("legacy_execute_assignment", |c| {
        async move {
            let body: types::LegacyExecuteAssignment = request_body("legacy_execute_assignment");
            c.legacy_execute_assignment()
                .body(body)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    }),
];
