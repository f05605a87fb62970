//! Building a [`Client`]: token, environment or base URL, timeouts, user agent.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use bytes::Bytes;
use reqwest::ResponseBuilderExt as _;

use crate::{
    auth::Token,
    error::{plain_cause, Incomplete, Problem, MAX_ERROR_BODY},
    path,
    retry::Failure,
    Client, ConfigError, Environment, RetryPolicy,
};

/// How long to wait for a TCP and TLS connection before giving up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request (connection, headers and body) may take before giving up.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("securities-api-rust/", env!("CARGO_PKG_VERSION"));
/// The largest answer body the client reads unless [`ClientBuilder::max_response_bytes`] says
/// otherwise: 32 MiB, about 36 times the largest page this API returns (a page of 1,000
/// proposals with their template data is 0.9 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// What the client carries besides progenitor's base URL and reqwest client; read by the
/// request hooks. It has no public constructor on purpose: the generated `Client::new` takes
/// one, so the only way to a client is [`Client::builder`], which insists on a token.
#[derive(Debug, Clone)]
pub struct Inner {
    environment: Option<Environment>,
    /// What every request's URL must start with (see [`path::check`]).
    base: path::Base,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl Client {
    /// Starts the configuration of a client: at least a token is needed.
    ///
    /// ```
    /// use securities_api::{Client, Environment};
    /// let client = Client::builder()
    ///     .token("my-token")
    ///     .environment(Environment::Staging)
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://app-sandbox.securities.com.br/api");
    /// # Ok::<(), securities_api::ConfigError>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment variables `SECURITIES_TOKEN` (required),
    /// `SECURITIES_ENV` (an [`Environment`]'s name: `production`, `staging`, `api-production`
    /// or `api-staging`; production when unset) and
    /// `SECURITIES_BASE_URL` (any other host; it wins over `SECURITIES_ENV`).
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok())?.build()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.baseurl()
    }

    /// The environment the client talks to, or `None` when a custom base URL was given.
    pub fn environment(&self) -> Option<Environment> {
        self.inner.environment
    }

    /// The retry policy of the client.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The largest answer body the client reads; see [`ClientBuilder::max_response_bytes`].
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }
}

/// Configuration of a [`Client`]; see [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    token: Option<Token>,
    environment: Environment,
    base_url: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            token: None,
            environment: Environment::default(),
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl ClientBuilder {
    /// The access token, sent as `Authorization: Bearer <token>` on every request. It never
    /// appears in `Debug` output, errors or logs.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token::new(token));
        self
    }

    /// The environment to talk to (production unless said otherwise). Ignored when
    /// [`base_url`](Self::base_url) is set.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Any other base URL, such as a proxy or a local mock server. A path prefix
    /// (`https://host/api`) is kept and a trailing `/` is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long a whole request may take; [`DEFAULT_TIMEOUT`] unless set.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long establishing a connection may take; [`DEFAULT_CONNECT_TIMEOUT`] unless set.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header; [`DEFAULT_USER_AGENT`] unless set.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How to retry transient failures; [`RetryPolicy::default`] unless set, and
    /// [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest answer body the client reads, in bytes; [`DEFAULT_MAX_RESPONSE_BYTES`]
    /// unless set. A success body over it is not read further and the call fails with
    /// [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge), so that a misbehaving server or
    /// proxy cannot make the client hold gigabytes. Error bodies are kept to at most
    /// [`MAX_ERROR_BODY`](crate::MAX_ERROR_BODY) bytes whatever this says.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Makes the client, or says what is wrong with the configuration.
    pub fn build(self) -> Result<Client, ConfigError> {
        let token = self.token.ok_or(ConfigError::MissingToken)?;
        if token.expose().trim().is_empty() {
            return Err(ConfigError::InvalidToken);
        }
        let authorization = token
            .header_value()
            .map_err(|()| ConfigError::InvalidToken)?;

        let (base_url, environment) = match &self.base_url {
            Some(url) => (normalize_base_url(url)?, None),
            None => (
                self.environment.base_url().to_string(),
                Some(self.environment),
            ),
        };
        let base = url::Url::parse(&base_url)
            .map(|url| path::Base::new(&url))
            .map_err(|e| ConfigError::InvalidBaseUrl {
                url: base_url.clone(),
                reason: e.to_string(),
            })?;

        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = reqwest::header::HeaderValue::from_str(user_agent)
            .map_err(|_| ConfigError::InvalidUserAgent(user_agent.to_string()))?;

        // With the `rustls-ring` feature reqwest has no crypto provider of its own and uses
        // rustls' process-wide one: install ring unless the application already chose one
        // (the error only says that one is installed).
        #[cfg(feature = "rustls-ring")]
        let _ = rustls::crypto::ring::default_provider().install_default();

        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, authorization);
        // No redirect is followed (the API documents none): a 3xx is an error that names its
        // `Location`, so that neither the token nor a body goes anywhere the caller did not
        // aim it, and no `Referer` tells another host where the client was.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .default_headers(headers)
            .user_agent(user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(ConfigError::Http)?;

        Ok(Client::new_with_client(
            &base_url,
            http,
            Inner {
                environment,
                base,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
            },
        ))
    }

    /// The builder `Client::from_env` uses, reading variables through `lookup`.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut builder = ClientBuilder::default();
        if let Some(token) = lookup("SECURITIES_TOKEN") {
            builder = builder.token(token);
        }
        if let Some(env) = lookup("SECURITIES_ENV").filter(|v| !v.trim().is_empty()) {
            builder = builder.environment(env.parse()?);
        }
        if let Some(url) = lookup("SECURITIES_BASE_URL").filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }
}

/// Checks that `url` is an absolute http(s) URL and drops trailing slashes, because
/// progenitor appends paths that start with `/` to the base URL as a string.
fn normalize_base_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

impl ClientHooks<Inner> for Client {
    /// Refuses, before anything is sent, a request whose URL is not the base URL followed by
    /// its operation's path with one segment per parameter (see [`path::check`]).
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let template = crate::OPERATIONS
            .iter()
            .find(|op| op.id == info.operation_id)
            .map(|op| op.path)
            .ok_or_else(|| format!("`{}` is not an operation of the spec", info.operation_id));
        template
            .and_then(|template| path::check(&self.inner.base, template, request.url()))
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    /// Sends the request and reads the whole answer, retrying per the policy, inside one
    /// `securities_api.request` span (operation, method, attempts, status, latency; never the
    /// token or a body). Reading the body here, not in progenitor's code after the hook, is
    /// what lets a GET whose connection breaks mid-body be retried, and what bounds the size
    /// of every answer.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match self.answer(request, info).await {
            Ok(answer) => Ok(answer.into_response()),
            Err(Failed::Transport(error)) => Err(error),
            Err(Failed::Held(held)) => Ok(carrying(held)),
        }
    }
}

/// An answer read whole by [`Client::answer`]: its status, its headers and its body (an error
/// body that is not JSON already turned into a JSON string), with what is left of reqwest's
/// answer (URL, version, extensions) for [`into_response`](Self::into_response).
pub(crate) struct Answer {
    pub(crate) status: reqwest::StatusCode,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Bytes,
    response: reqwest::Response,
}

impl Answer {
    /// The answer rebuilt around the body in memory, as the request hook gives it to
    /// progenitor.
    pub(crate) fn into_response(mut self) -> reqwest::Response {
        rebuilt(&mut self.response, self.headers, self.body)
    }
}

/// Why [`Client::answer`] has no whole answer: the request failed, or the answer's body could
/// not be read whole.
pub(crate) enum Failed {
    /// No answer (or no headers of one): connection, timeout, …
    Transport(reqwest::Error),
    /// An answer whose body is too large, cut at [`MAX_ERROR_BODY`] or broken off.
    Held(Incomplete),
}

impl Failed {
    /// What the request hook gives progenitor for this failure: the transport error, or an
    /// answer whose body is `held` as the error that reading it gives.
    pub(crate) fn into_result(self) -> reqwest::Result<reqwest::Response> {
        match self {
            Failed::Transport(error) => Err(error),
            Failed::Held(held) => Ok(carrying(held)),
        }
    }
}

impl Client {
    /// The request hook's work, for the request hook and for every generated `call()`: sends
    /// the request and reads the whole answer (at most [`Client::max_response_bytes`] for a
    /// success, [`MAX_ERROR_BODY`] for an error status), retrying per the policy, inside one
    /// `securities_api.request` span. `call()` decodes the body from here directly, without
    /// an answer rebuilt for progenitor.
    pub(crate) async fn answer(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> Result<Answer, Failed> {
        // progenitor's `api-version` header is taken out of the generated code by
        // codegen/api_version.rs (`drop_header`), so there is nothing to remove here.
        let span = tracing::info_span!(
            "securities_api.request",
            operation = info.operation_id,
            method = %request.method(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Without a subscriber there is nothing to record, and the clock need not be read.
        let recorded = !span.is_disabled();
        async move {
            let policy = &self.inner.retry;
            let method = request.method().clone();
            let started = Instant::now();
            let mut retries = 0;
            let result = loop {
                // Only requests whose body is in memory can be sent twice; all of this API's are.
                let mut again = if policy.is_enabled() {
                    copy(&request)
                } else {
                    None
                };
                let failed = match self.client().execute(request).await {
                    Err(error) => Failed::Transport(error),
                    Ok(response) => {
                        let delay = again.as_ref().and_then(|_| {
                            policy.after(
                                &method,
                                Failure::Status(response.status()),
                                Some(response.headers()),
                                retries,
                                started,
                            )
                        });
                        let next = if delay.is_some() { again.take() } else { None };
                        if let (Some(delay), Some(next)) = (delay, next) {
                            retries += 1;
                            retry_event(info, retries, Some(response.status()), None, delay);
                            // Dropped unread: closing the connection is cheaper than draining
                            // a body nobody will look at.
                            drop(response);
                            tokio::time::sleep(delay).await;
                            request = next;
                            continue;
                        }
                        match read_answer(response, self.inner.max_response_bytes).await {
                            Ok(answer) => break Ok(answer),
                            Err(held) => Failed::Held(held),
                        }
                    }
                };
                let (failure, status) = match &failed {
                    Failed::Transport(error) => (Failure::of(error), None),
                    Failed::Held(held) => (held.failure, Some(held.status)),
                };
                let delay = again
                    .as_ref()
                    .and_then(|_| policy.after(&method, failure, None, retries, started));
                match (delay, again) {
                    (Some(delay), Some(next)) => {
                        retries += 1;
                        let cause = match &failed {
                            Failed::Transport(error) => plain_cause(error),
                            Failed::Held(held) => held.to_string(),
                        };
                        retry_event(info, retries, status, Some(cause), delay);
                        tokio::time::sleep(delay).await;
                        request = next;
                    }
                    _ => break Err(failed),
                }
            };
            if !recorded {
                return result;
            }
            let span = tracing::Span::current();
            span.record("attempts", retries + 1);
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            let status = match &result {
                Ok(answer) => Some(answer.status),
                Err(Failed::Held(held)) => Some(held.status),
                Err(Failed::Transport(_)) => None,
            };
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            result
        }
        .instrument(span)
        .await
    }
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
    info: &OperationInfo,
    attempt: u32,
    status: Option<reqwest::StatusCode>,
    cause: Option<String>,
    delay: Duration,
) {
    tracing::warn!(
        operation = info.operation_id,
        attempt = attempt + 1,
        status = status.map(|s| s.as_u16()),
        error = cause,
        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        "securities_api: retrying"
    );
}

/// Reads the whole body of `response`: at most `max` bytes for a success, at most
/// [`MAX_ERROR_BODY`] for an error status whatever `max` is (cut there, not refused: its
/// beginning says what went wrong, and a 422's messages must survive a small `max`). The answer comes back with the body in memory and the server's status and
/// headers untouched (and the rest of reqwest's answer, for [`Answer::into_response`]); an
/// error body that is not JSON (a gateway's HTML page, plain text, nothing) comes back as the
/// same text in a JSON string, which [`ApiError`](crate::ApiError) decodes into its `text`, because
/// progenitor would otherwise report a payload error and lose the status.
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
            return Err(held(headers, &prefix, read, Problem::Truncated { limit }));
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
    let mut body = if joined.is_empty() {
        first
    } else {
        Bytes::from(joined)
    };
    if is_error && serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        let text = String::from_utf8_lossy(&body).into_owned();
        body = Bytes::from(serde_json::Value::String(text).to_string());
    }
    Ok(Answer {
        status,
        headers,
        body,
        response,
    })
}

/// `response`'s status, version, URL and extensions with `headers` and `body`.
fn rebuilt(
    response: &mut reqwest::Response,
    headers: reqwest::header::HeaderMap,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    // The builder is the one way to hand reqwest the URL, which it would otherwise parse
    // from a placeholder on every call. (Converting `response` into an `http::Response` to
    // keep its parts costs more: reqwest boxes the old body again just to drop it.)
    let (mut parts, ()) = http::Response::builder()
        .url(response.url().clone())
        .body(())
        .unwrap_or_default()
        .into_parts();
    parts.status = response.status();
    parts.version = response.version();
    parts.headers = headers;
    parts
        .extensions
        .extend(std::mem::take(response.extensions_mut()));
    reqwest::Response::from(http::Response::from_parts(parts, body.into()))
}

/// An answer whose body is `held` as the error that reading it gives: progenitor reads it and
/// reports a body error (or hands the answer over, for a status the spec does not list), and
/// [`finish`](crate::error::finish) finds `held` in that error's source chain.
fn carrying(held: Incomplete) -> reqwest::Response {
    let mut parts = http::Response::new(()).into_parts().0;
    parts.status = held.status;
    parts.headers = held.headers.clone();
    let body = reqwest::Body::wrap_stream(futures::stream::once(async move {
        Err::<Bytes, Incomplete>(held)
    }));
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn env_defaults_to_production() {
        let client = ClientBuilder::from_lookup(lookup(&[("SECURITIES_TOKEN", "t")]))
            .and_then(ClientBuilder::build)
            .expect("client");
        assert_eq!(client.base_url(), "https://app.securities.com.br/api");
        assert_eq!(client.environment(), Some(Environment::Production));
    }

    #[test]
    fn env_staging_and_base_url_override() {
        let staging = ClientBuilder::from_lookup(lookup(&[
            ("SECURITIES_TOKEN", "t"),
            ("SECURITIES_ENV", "Staging"),
        ]))
        .and_then(ClientBuilder::build)
        .expect("client");
        assert_eq!(
            staging.base_url(),
            "https://app-sandbox.securities.com.br/api"
        );

        let custom = ClientBuilder::from_lookup(lookup(&[
            ("SECURITIES_TOKEN", "t"),
            ("SECURITIES_ENV", "staging"),
            ("SECURITIES_BASE_URL", "http://127.0.0.1:9/api/"),
        ]))
        .and_then(ClientBuilder::build)
        .expect("client");
        assert_eq!(custom.base_url(), "http://127.0.0.1:9/api");
        assert_eq!(custom.environment(), None);
    }

    #[test]
    fn env_errors() {
        assert!(matches!(
            ClientBuilder::from_lookup(lookup(&[])).and_then(ClientBuilder::build),
            Err(ConfigError::MissingToken)
        ));
        assert!(matches!(
            ClientBuilder::from_lookup(lookup(&[("SECURITIES_TOKEN", "t"), ("SECURITIES_ENV", "prod")])),
            Err(ConfigError::InvalidEnvironment(name)) if name == "prod"
        ));
    }
}
