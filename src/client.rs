//! Building a [`Client`]: token, environment or base URL, timeouts, user agent.

use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::{auth::Token, Client, ConfigError, Environment};

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
            Inner { environment },
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
    async fn exec(
        &self,
        mut request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // progenitor sends the spec's `info.version` as `api-version` on every request; the
        // Securities API versions by path (`/v1`), so the header would only be noise.
        request.headers_mut().remove("api-version");
        self.client().execute(request).await
    }
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
