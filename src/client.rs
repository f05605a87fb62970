//! Building a [`Client`]: token, environment or base URL, timeouts, user agent.

use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ClientInfo;

use crate::{auth::Token, limit::Limiter, path, Client, ConfigError, Environment, RetryPolicy};

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
    pub(crate) base: path::Base,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    /// The rate limiter, one for the client and all its clones.
    pub(crate) limiter: Arc<Limiter>,
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

    /// The pace the client (with its clones) sends requests at now, in requests per second:
    /// `None` while unpaced (no fixed rate and no 429 yet). See
    /// [`ClientBuilder::adaptive_rate_limit`].
    pub fn sending_rate(&self) -> Option<f64> {
        self.inner.limiter.rate()
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
    requests_per_minute: Option<NonZeroU32>,
    adaptive_rate_limit: bool,
    max_in_flight: Option<NonZeroUsize>,
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
            requests_per_minute: None,
            adaptive_rate_limit: true,
            max_in_flight: None,
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

    /// Sends at most `n` requests per minute, evenly spaced (1 % under `n`, so that the
    /// network's jitter cannot put `n + 1` in one of the server's minutes; no burst),
    /// counted across the client and all its clones. Unset, the pace is the adaptive one
    /// alone; set, it is this one: a 429 still holds every request for its `Retry-After`
    /// (unless [`adaptive_rate_limit(false)`](Self::adaptive_rate_limit)), but does not lower
    /// the pace.
    pub fn requests_per_minute(mut self, n: NonZeroU32) -> Self {
        self.requests_per_minute = Some(n);
        self
    }

    /// Whether the client learns from 429s (on unless turned off): the first 429 sets a pace,
    /// β = 0.7 times the measured send rate, and each later one lowers it again (once per
    /// congestion: the 429s of requests sent before the last decrease do not count), as the
    /// AWS SDKs' adaptive retry mode does; each second without a 429 adds back 10 % of the
    /// rate it was cut from until it is at 90 % of it, then 1 %. A 429's `Retry-After` holds
    /// back every request of the client and its clones until then (at most
    /// [`RetryPolicy::max_delay`]), not only the one that got it. Before any 429 nothing
    /// waits. Off, only the request that got the 429 waits (the
    /// retry policy's wait) and [`requests_per_minute`](Self::requests_per_minute), if set,
    /// is the only pace.
    pub fn adaptive_rate_limit(mut self, on: bool) -> Self {
        self.adaptive_rate_limit = on;
        self
    }

    /// At most `n` requests in flight at once, across the client and all its clones (an
    /// attempt holds its place until its answer has been read); no cap unless set.
    pub fn max_in_flight(mut self, n: NonZeroUsize) -> Self {
        self.max_in_flight = Some(n);
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
            Some(url) => (parse_base_url(url)?, None),
            None => (
                parse_base_url(self.environment.base_url())?,
                Some(self.environment),
            ),
        };
        let base = path::Base::new(&base_url);
        // progenitor appends paths that start with `/` to the base URL as a string.
        let base_url = base_url.as_str().trim_end_matches('/');

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
            base_url,
            http,
            Inner {
                environment,
                base,
                limiter: Arc::new(Limiter::new(
                    self.requests_per_minute,
                    self.adaptive_rate_limit,
                    self.max_in_flight,
                    self.retry.longest_wait(),
                )),
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

/// `url`, checked to be an absolute http(s) URL without a query or a fragment.
fn parse_base_url(url: &str) -> Result<url::Url, ConfigError> {
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
    Ok(parsed)
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
