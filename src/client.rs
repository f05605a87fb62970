//! Building a [`Client`]: token, environment or base URL, timeouts, user agent.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use tracing::Instrument;

use crate::{
    auth::Token,
    error::{read_bounded, TRUNCATED_HEADER},
    Client, ConfigError, Environment, RetryPolicy,
};

/// How long to wait for a TCP and TLS connection before giving up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request (connection, headers and body) may take before giving up.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] says otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("securities-api-rust/", env!("CARGO_PKG_VERSION"));

/// What the client carries besides progenitor's base URL and reqwest client; read by the
/// request hooks. It has no public constructor on purpose: the generated `Client::new` takes
/// one, so the only way to a client is [`Client::builder`], which insists on a token.
#[derive(Debug, Clone)]
pub struct Inner {
    environment: Option<Environment>,
    retry: RetryPolicy,
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
    /// assert_eq!(client.base_url(), "https://api-staging.securities.com.br");
    /// # Ok::<(), securities_api::ConfigError>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment variables `SECURITIES_TOKEN` (required),
    /// `SECURITIES_ENV` (`production` or `staging`; production when unset) and
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
        let http = reqwest::Client::builder()
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
                retry: self.retry,
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
    /// Sends the request, retrying per the policy, inside one `securities_api.request` span
    /// (operation, method, attempts, status, latency; never the token or a body).
    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // progenitor sends the spec's `info.version` as `api-version` on every request; the
        // Securities API versions by path (`/v1`), so the header would only be noise.
        request.headers_mut().remove("api-version");
        let span = tracing::info_span!(
            "securities_api.request",
            operation = info.operation_id,
            method = %request.method(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async move {
            let policy = &self.inner.retry;
            let started = Instant::now();
            let mut retries = 0;
            let result = loop {
                let method = request.method().clone();
                // Only requests whose body is in memory can be sent twice; all of this API's are.
                let again = policy.is_enabled().then(|| request.try_clone()).flatten();
                let result = self.client().execute(request).await;
                let (delay, status) = match (&again, &result) {
                    (None, _) => (None, None),
                    (Some(_), Ok(response)) => (
                        policy.after_status(
                            &method,
                            response.status(),
                            response.headers(),
                            retries,
                            started.elapsed(),
                        ),
                        Some(response.status().as_u16()),
                    ),
                    (Some(_), Err(error)) => (
                        policy.after_error(&method, error, retries, started.elapsed()),
                        None,
                    ),
                };
                match (delay, again) {
                    (Some(delay), Some(next)) => {
                        retries += 1;
                        tracing::warn!(
                            operation = info.operation_id,
                            attempt = retries + 1,
                            status,
                            error = result.as_ref().err().map(|e| e.to_string()),
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "securities_api: retrying"
                        );
                        tokio::time::sleep(delay).await;
                        request = next;
                    }
                    _ => break result,
                }
            };
            let span = tracing::Span::current();
            span.record("attempts", retries + 1);
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            if let Ok(response) = &result {
                span.record("status", response.status().as_u16());
            }
            match result {
                Ok(response)
                    if response.status().is_client_error()
                        || response.status().is_server_error() =>
                {
                    Ok(decodable_error(response).await)
                }
                other => other,
            }
        }
        .instrument(span)
        .await
    }
}

/// Makes an error response decodable by progenitor whatever its body: the body is read (at
/// most [`MAX_ERROR_BODY`](crate::error::MAX_ERROR_BODY) bytes) and, when it is not JSON (an
/// HTML page from a gateway, plain text, nothing, a cut-off document), replaced by the same
/// text as a JSON string, which [`ApiError`](crate::ApiError) decodes into its `text`. Without
/// this, progenitor reports such an answer as a payload error and its status is lost.
async fn decodable_error(response: reqwest::Response) -> reqwest::Response {
    let status = response.status();
    let version = response.version();
    let mut headers = response.headers().clone();
    let (mut body, truncated) = read_bounded(response).await;
    if truncated || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        let text = String::from_utf8_lossy(&body).into_owned();
        body = serde_json::Value::String(text).to_string().into_bytes();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
    }
    if truncated {
        headers.insert(
            TRUNCATED_HEADER,
            reqwest::header::HeaderValue::from_static("true"),
        );
    }
    headers.remove(reqwest::header::CONTENT_LENGTH);
    headers.remove(reqwest::header::TRANSFER_ENCODING);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    reqwest::Response::from(rebuilt)
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
        assert_eq!(client.base_url(), "https://api.securities.com.br");
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
        assert_eq!(staging.base_url(), "https://api-staging.securities.com.br");

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
