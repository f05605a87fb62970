//! The wire: every request of the client goes through here, once built.
//!
//! A generated `call()` builds its request with progenitor's own statements
//! (`into_request()`, see codegen/operations.rs) and hands it to [`call`], as the hand-written
//! upload does: [`Client::prepare`] checks where it goes, [`Client::answer`] sends it, retries
//! it per the policy and reads the whole answer under the size cap, and the answer becomes the
//! decoded body or the crate's [`Error`](crate::Error). progenitor's `send()` reaches the same
//! two steps through the request hooks (`pre`, `exec`), and gets the answer back as a
//! `reqwest::Response`, which it reads and decodes itself.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::{
    client::Inner,
    error::{plain_cause, Incomplete, Problem, MAX_ERROR_BODY},
    path,
    retry::{retry_after, Failure},
    Client, Error, Operation,
};

/// Sends `request`, built for `op`, and returns the decoded body of its success answer or the
/// crate's [`Error`]: the one request function of the crate.
pub(crate) async fn call<T: serde::de::DeserializeOwned>(
    client: &Client,
    op: &'static Operation,
    request: reqwest::Request,
) -> Result<T, Error> {
    client
        .prepare(op, &request)
        .map_err(|message| Error::invalid_request(op.id, message))?;
    match client.answer(request, op.id).await {
        Ok(answer) => Error::decode(op, answer),
        Err(Failed::Transport(error)) => Err(Error::from_transport(op.id, error)),
        Err(Failed::Held(held)) => Err(Error::from_incomplete(op, &held)),
    }
}

/// An answer read whole by [`Client::answer`], with the server's status and headers untouched.
pub(crate) struct Answer {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Bytes,
}

/// Why [`Client::answer`] has no whole answer: the request failed, or the answer's body could
/// not be read whole.
pub(crate) enum Failed {
    /// No answer (or no headers of one): connection, timeout, …
    Transport(reqwest::Error),
    /// An answer whose body is too large, cut at [`MAX_ERROR_BODY`] or broken off.
    Held(Incomplete),
}

impl Client {
    /// What every request goes through before it is sent: its URL must be the base URL
    /// followed by `op`'s path with one segment per parameter ([`path::check`]), or it is
    /// refused with the reason.
    fn prepare(&self, op: &Operation, request: &reqwest::Request) -> Result<(), String> {
        path::check(&self.inner.base, op.path, request.url())
    }

    /// Sends the request and reads the whole answer (at most [`Client::max_response_bytes`]
    /// for a success, [`MAX_ERROR_BODY`] for an error status), retrying per the policy, inside
    /// one `securities_api.request` span (operation, method, attempts, status, latency; never
    /// the token or a body). Reading the body here, inside the retry loop, is what lets a GET
    /// whose connection breaks mid-body be retried, and what bounds the size of every answer.
    pub(crate) async fn answer(
        &self,
        request: reqwest::Request,
        operation: &'static str,
    ) -> Result<Answer, Failed> {
        let span = tracing::info_span!(
            "securities_api.request",
            operation,
            method = %request.method(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Without a subscriber there is nothing to record.
        let recorded = !span.is_disabled();
        let started = Instant::now();
        let (result, retries) = self
            .attempts(request, operation, started)
            .instrument(span.clone())
            .await;
        if recorded {
            span.record("attempts", retries + 1);
            let latency = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("latency_ms", latency);
            let status = match &result {
                Ok(answer) => Some(answer.status),
                Err(Failed::Held(held)) => Some(held.status),
                Err(Failed::Transport(_)) => None,
            };
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
        }
        result
    }

    /// The retry loop of [`answer`](Self::answer): the outcome of the last attempt, and how
    /// many retries were made. Every attempt passes the rate limiter first and holds its pass
    /// (its place under the in-flight cap) until its answer has been read.
    async fn attempts(
        &self,
        mut request: reqwest::Request,
        operation: &'static str,
        started: Instant,
    ) -> (Result<Answer, Failed>, u32) {
        let policy = &self.inner.retry;
        let limiter = &self.inner.limiter;
        let method = request.method().clone();
        let mut retries = 0;
        // The first attempt's clock reading is the call's own.
        let mut now = started;
        loop {
            // Only requests whose body is in memory can be sent again; all but the upload's are.
            let mut again = if policy.is_enabled() {
                copy(&request)
            } else {
                None
            };
            let pass = limiter.pass(now).await;
            let failed = match self.client().execute(request).await {
                Err(error) => Failed::Transport(error),
                Ok(response) => {
                    if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
                        let asked = retry_after(response.headers(), SystemTime::now());
                        limiter.throttled(&pass, asked);
                    }
                    let status = Failure::Status(response.status());
                    let wait = again.as_ref().and_then(|_| {
                        policy.after(&method, status, Some(response.headers()), retries, started)
                    });
                    // A wait is only asked for when there is a copy to send.
                    if let Some((wait, next)) = wait.and_then(|wait| Some((wait, again.take()?))) {
                        retries += 1;
                        retry_event(operation, retries, Some(response.status()), None, wait);
                        // Dropped unread: closing the connection is cheaper than draining a
                        // body nobody will look at.
                        drop(response);
                        drop(pass);
                        // Ends with the hold a `Retry-After` set: the gate does not add to it.
                        tokio::time::sleep(wait).await;
                        request = next;
                        now = Instant::now();
                        continue;
                    }
                    match read_answer(response, self.inner.max_response_bytes).await {
                        Ok(answer) => return (Ok(answer), retries),
                        Err(held) => Failed::Held(held),
                    }
                }
            };
            drop(pass);
            let (failure, status) = match &failed {
                Failed::Transport(error) => (Failure::of(error), None),
                Failed::Held(held) => (held.failure, Some(held.status)),
            };
            let wait = again
                .as_ref()
                .and_then(|_| policy.after(&method, failure, None, retries, started));
            match (wait, again) {
                (Some(wait), Some(next)) => {
                    retries += 1;
                    let cause = match &failed {
                        Failed::Transport(error) => plain_cause(error),
                        Failed::Held(held) => held.cause(operation),
                    };
                    retry_event(operation, retries, status, Some(cause), wait);
                    tokio::time::sleep(wait).await;
                    request = next;
                    now = Instant::now();
                }
                _ => return (Err(failed), retries),
            }
        }
    }
}

/// progenitor's `send()` reaches [`Client::prepare`] and [`Client::answer`] through these
/// hooks, and reads and decodes the answer itself.
impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let op = crate::OPERATIONS
            .iter()
            .find(|op| op.id == info.operation_id)
            .ok_or_else(|| format!("`{}` is not an operation of the spec", info.operation_id));
        op.and_then(|op| self.prepare(op, request))
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match self.answer(request, info.operation_id).await {
            Ok(Answer {
                status,
                headers,
                body,
            }) => Ok(for_progenitor(status, headers, body)),
            Err(Failed::Transport(error)) => Err(error),
            Err(Failed::Held(held)) => held.for_progenitor(info.operation_id),
        }
    }

    /// An answer over the size cap reaches `send()`'s caller as progenitor's `Custom` error.
    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let over = result
            .as_ref()
            .ok()
            .and_then(|r| r.extensions().get::<OverLimit>());
        match over {
            Some(OverLimit(message)) => Err(progenitor_client::Error::Custom(message.clone())),
            None => Ok(()),
        }
    }
}

/// Marks the answer [`ClientHooks::exec`] gives `send()` for a body over the size cap, with
/// what [`ClientHooks::post`] reports.
#[derive(Clone)]
struct OverLimit(String);

impl Incomplete {
    /// What `send()` gets for an answer that could not be read whole: the error that broke the
    /// body off, the first [`MAX_ERROR_BODY`] bytes of an error body, or a marked empty answer
    /// for a body over the cap.
    fn for_progenitor(self, operation: &str) -> reqwest::Result<reqwest::Response> {
        let message = self.cause(operation);
        let Incomplete {
            status,
            headers,
            prefix,
            problem,
            ..
        } = self;
        match problem {
            Problem::Cut(error) => Err(error),
            Problem::Truncated => Ok(for_progenitor(status, headers, prefix.into())),
            Problem::TooLarge { .. } => {
                let mut response = for_progenitor(status, headers, Bytes::new());
                response.extensions_mut().insert(OverLimit(message));
                Ok(response)
            }
        }
    }
}

/// An answer read whole, as progenitor's `send()` reads it: an error body that is not JSON (a
/// gateway's HTML page, plain text, nothing) becomes the same text in a JSON string, which
/// [`ApiError`](crate::ApiError) decodes into its `text`, because progenitor decodes every
/// error body as JSON and would otherwise lose the status.
fn for_progenitor(
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    mut body: Bytes,
) -> reqwest::Response {
    let is_error = status.is_client_error() || status.is_server_error();
    if is_error && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        let text = String::from_utf8_lossy(&body).into_owned();
        body = Bytes::from(serde_json::Value::String(text).to_string());
    }
    let mut response = http::Response::new(reqwest::Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// A copy of `request` to send again, or `None` if its body is a stream. A request without a
/// body (every GET) is copied field by field: `Request::try_clone` would also give the copy
/// a map of extensions to hold its timeout even when there is none, an allocation per call.
/// A request built by reqwest's `RequestBuilder` (every request of this client) has no
/// extension but the timeout.
fn copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

/// The `tracing` event of one retry: which attempt comes next, after what, and how long the
/// wait is. `cause` is in plain words (never a URL with its query, a body or the token).
fn retry_event(
    operation: &'static str,
    attempt: u32,
    status: Option<reqwest::StatusCode>,
    cause: Option<String>,
    delay: Duration,
) {
    tracing::warn!(
        operation,
        attempt = attempt + 1,
        status = status.map(|s| s.as_u16()),
        error = cause,
        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        "securities_api: retrying"
    );
}

/// Reads the whole body of `response`: at most `max` bytes for a success, at most
/// [`MAX_ERROR_BODY`] for an error status whatever `max` is (cut there, not refused: its
/// beginning says what went wrong, and a 422's messages must survive a small `max`). The
/// status and headers are the server's, untouched.
async fn read_answer(mut response: reqwest::Response, max: usize) -> Result<Answer, Incomplete> {
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    let limit = if is_error { MAX_ERROR_BODY } else { max };
    let declared = response.content_length();
    let headers = std::mem::take(response.headers_mut());
    let held = |headers, prefix: &[u8], read, problem| {
        let failure = match &problem {
            Problem::Cut(error) => Failure::of(error),
            _ => Failure::Final,
        };
        Incomplete {
            status,
            headers,
            prefix: prefix[..prefix.len().min(MAX_ERROR_BODY)].to_vec(),
            read,
            declared,
            problem,
            failure,
        }
    };
    if !is_error && declared.is_some_and(|n| n > limit as u64) {
        return Err(held(headers, &[], 0, Problem::TooLarge { limit }));
    }
    // Most answers arrive in one chunk, which is then used as it is, without a copy.
    let mut first = Bytes::new();
    let mut joined: Vec<u8> = Vec::new();
    let mut read = 0usize;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => {
                let so_far = if joined.is_empty() {
                    &first[..]
                } else {
                    &joined
                };
                return Err(held(headers, so_far, read, Problem::Cut(error)));
            }
        };
        read += chunk.len();
        if read > limit {
            if !is_error {
                return Err(held(headers, &[], read, Problem::TooLarge { limit }));
            }
            let mut prefix = if joined.is_empty() {
                first.to_vec()
            } else {
                joined
            };
            prefix.extend_from_slice(&chunk);
            return Err(held(headers, &prefix, read, Problem::Truncated));
        }
        if first.is_empty() && joined.is_empty() {
            first = chunk;
        } else {
            if joined.is_empty() {
                let hint = declared.map_or(0, |n| usize::try_from(n).unwrap_or(limit).min(limit));
                joined.reserve(hint.max(first.len() + chunk.len()));
                joined.extend_from_slice(&first);
            }
            joined.extend_from_slice(&chunk);
        }
    }
    let body = if joined.is_empty() {
        first
    } else {
        Bytes::from(joined)
    };
    Ok(Answer {
        status,
        headers,
        body,
    })
}
