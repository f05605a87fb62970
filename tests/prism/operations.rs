//! One call of each of the spec's operations through the client, with the spec's request
//! examples as bodies and its parameter examples as ids: what a real integration sends.

use futures::future::BoxFuture;
use securities_api::{types, Client, ErrorKind, ResponseValue, SendError as Error};
use serde_json::Value;

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

/// The outcome of the hand-written upload (`create_bank_credit_note`), which has `call()` and
/// no `send()`, in the shape of `send()`'s. `call()` succeeds only on the spec's 201, so a
/// success is a 201; what a success answer's headers said is not kept (Prism, run with
/// `--errors`, turns a request that breaks the spec into an error answer, whose status,
/// headers and body are kept).
#[allow(clippy::result_large_err)] // The outcome of `send()`, whose error progenitor defines.
pub fn upload_outcome(
    result: Result<types::BankCreditNoteEnvelope, securities_api::Error>,
) -> Outcome {
    match result {
        Ok(envelope) => Ok(Answer {
            status: 201,
            violations: None,
            body: serde_json::to_value(envelope).expect("the decoded value serializes"),
        }),
        Err(error) => {
            Err(match (error.kind(), error.status(), error.body()) {
                (ErrorKind::Api, Some(status), Some(body)) => Error::ErrorResponse(
                    ResponseValue::new(body.clone(), status, error.headers().clone()),
                ),
                _ => Error::Custom(format!("{error} (headers {:?})", error.headers())),
            })
        }
    }
}

/// `request.send()`, the answer with its status and Prism's violations header; for the
/// hand-written upload, `call()` through [`upload_outcome`].
macro_rules! by_send {
    (@upload $request:expr) => {
        upload_outcome($request.call().await)
    };
    ($request:expr) => {
        $request.send().await.map(answer)
    };
}

/// Every operation's id with its call, in the order of the spec.
pub fn calls() -> Vec<(&'static str, Call)> {
    crate::every_operation!(by_send, Call).to_vec()
}
