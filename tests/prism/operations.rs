//! One call of each of the spec's operations through the client, with the spec's request
//! examples as bodies and its parameter examples as ids: what a real integration sends.

use futures::future::BoxFuture;
use futures::FutureExt;
use securities_api::{types, Client, ResponseValue, SendError as Error};
use serde_json::Value;

use crate::common::request_body;

/// Prism's header listing what in the exchange breaks the spec.
pub const VIOLATIONS_HEADER: &str = "sl-violations";

/// A decoded success answer.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Prism's `sl-violations` header, when it sent one.
    pub violations: Option<String>,
    /// The decoded body, serialized back to JSON for comparisons.
    pub body: Value,
}

/// What one call returns.
pub type Outcome = Result<Answer, Error<types::ApiError>>;

/// One call of one operation.
pub type Call = fn(Client) -> BoxFuture<'static, Outcome>;

fn answer<T: serde::Serialize>(response: ResponseValue<T>) -> Answer {
    Answer {
        status: response.status().as_u16(),
        violations: violations(response.headers()),
        body: serde_json::to_value(response.into_inner()).expect("the decoded value serializes"),
    }
}

/// The `sl-violations` header of `headers`, if any.
pub fn violations(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(VIOLATIONS_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Every operation's id with its call, in the order of the spec.
pub fn calls() -> Vec<(&'static str, Call)> {
    vec![
        ("list_proposals", |c| {
            async move { c.list_proposals().page(2).send().await.map(answer) }.boxed()
        }),
        ("create_proposal", |c| {
            async move {
                let body: types::NewProposalRequest = request_body("create_proposal");
                c.create_proposal().body(body).send().await.map(answer)
            }
            .boxed()
        }),
        ("get_proposal", |c| {
            async move { c.get_proposal().id(5120).send().await.map(answer) }.boxed()
        }),
        ("list_securities", |c| {
            async move {
                c.list_securities()
                    .number("CCB-2022-0042")
                    .page(1)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("get_security", |c| {
            async move { c.get_security().id(931).send().await.map(answer) }.boxed()
        }),
        ("list_arrangements", |c| {
            async move { c.list_arrangements().page(1).send().await.map(answer) }.boxed()
        }),
        ("get_arrangement", |c| {
            async move { c.get_arrangement().id(14).send().await.map(answer) }.boxed()
        }),
        ("list_signers", |c| {
            async move { c.list_signers().page(2).send().await.map(answer) }.boxed()
        }),
        ("create_signer", |c| {
            async move {
                let body: types::NewSignerRequest = request_body("create_signer");
                c.create_signer().body(body).send().await.map(answer)
            }
            .boxed()
        }),
        ("get_signer", |c| {
            async move { c.get_signer().id(208).send().await.map(answer) }.boxed()
        }),
        ("list_document_signers", |c| {
            async move {
                c.list_document_signers()
                    .document_id(7781)
                    .page(1)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("create_document_signer", |c| {
            async move {
                let body: types::NewSignerRequest = request_body("create_document_signer");
                c.create_document_signer()
                    .document_id(7781)
                    .body(body)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("get_document_signer", |c| {
            async move {
                c.get_document_signer()
                    .document_id(7781)
                    .id(208)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("list_assignments", |c| {
            async move { c.list_assignments().send().await.map(answer) }.boxed()
        }),
        ("create_assignment", |c| {
            async move {
                let body: types::NewAssignmentRequest = request_body("create_assignment");
                c.create_assignment().body(body).send().await.map(answer)
            }
            .boxed()
        }),
        ("get_assignment", |c| {
            async move { c.get_assignment().id(61).send().await.map(answer) }.boxed()
        }),
        ("list_batches", |c| {
            async move { c.list_batches().page(1).send().await.map(answer) }.boxed()
        }),
        ("create_batch", |c| {
            async move {
                let body: types::NewBatchRequest = request_body("create_batch");
                c.create_batch().body(body).send().await.map(answer)
            }
            .boxed()
        }),
        ("get_batch", |c| {
            async move { c.get_batch().id(402).send().await.map(answer) }.boxed()
        }),
        ("list_security_batches", |c| {
            async move {
                c.list_security_batches()
                    .batch_id(402)
                    .page(1)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("create_security_batch", |c| {
            async move {
                let body: types::NewSecurityBatchRequest = request_body("create_security_batch");
                c.create_security_batch()
                    .batch_id(402)
                    .body(body)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("get_security_batch", |c| {
            async move {
                c.get_security_batch()
                    .batch_id(402)
                    .id(1207)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("list_signer_links", |c| {
            async move { c.list_signer_links().page(1).send().await.map(answer) }.boxed()
        }),
        ("link_signer", |c| {
            async move {
                let body: types::NewSignerLinkRequest = request_body("link_signer");
                c.link_signer().body(body).send().await.map(answer)
            }
            .boxed()
        }),
        ("get_signer_link", |c| {
            async move { c.get_signer_link().id(877).send().await.map(answer) }.boxed()
        }),
        ("legacy_create_proposal", |c| {
            async move {
                let body: types::LegacyProposalRequest = request_body("legacy_create_proposal");
                c.legacy_create_proposal()
                    .body(body)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("legacy_get_security", |c| {
            async move { c.legacy_get_security().id(931).send().await.map(answer) }.boxed()
        }),
        ("legacy_create_assignment", |c| {
            async move {
                let body: types::LegacyNewAssignment = request_body("legacy_create_assignment");
                c.legacy_create_assignment()
                    .body(body)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("legacy_get_assignment", |c| {
            async move { c.legacy_get_assignment().id(58).send().await.map(answer) }.boxed()
        }),
        ("legacy_cancel_assignment", |c| {
            async move { c.legacy_cancel_assignment().id(58).send().await.map(answer) }.boxed()
        }),
        ("legacy_create_signer", |c| {
            async move {
                let body: types::LegacyNewSignerRequest = request_body("legacy_create_signer");
                c.legacy_create_signer().body(body).send().await.map(answer)
            }
            .boxed()
        }),
        ("legacy_link_signer", |c| {
            async move {
                let body: types::LegacyNewSignerLinkRequest = request_body("legacy_link_signer");
                c.legacy_link_signer()
                    .signer_id(312)
                    .body(body)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
        ("legacy_execute_assignment", |c| {
            async move {
                let body: types::LegacyExecuteAssignment =
                    request_body("legacy_execute_assignment");
                c.legacy_execute_assignment()
                    .body(body)
                    .send()
                    .await
                    .map(answer)
            }
            .boxed()
        }),
    ]
}
