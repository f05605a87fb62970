//! Errors of the client's configuration.

use std::fmt;

/// Why [`ClientBuilder::build`](crate::ClientBuilder::build) or
/// [`Client::from_env`](crate::Client::from_env) could not make a client.
///
/// None of its variants holds the token, so it can be logged as it is.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No token was given (neither `.token(..)` nor `SECURITIES_TOKEN`).
    MissingToken,
    /// The token is empty or holds characters an HTTP header cannot carry (such as a newline).
    InvalidToken,
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `SECURITIES_ENV` is neither `production` nor `staging`.
    InvalidEnvironment(String),
    /// The user agent is not a valid header value.
    InvalidUserAgent(String),
    /// reqwest could not build its client (for example the TLS backend failed to load).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingToken => f.write_str(
                "no access token: call `.token(..)` on the builder or set SECURITIES_TOKEN",
            ),
            ConfigError::InvalidToken => f.write_str(
                "the access token is empty or is not a valid HTTP header value \
                 (check for a stray newline or space)",
            ),
            ConfigError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            ConfigError::InvalidEnvironment(name) => write!(
                f,
                "unknown environment {name:?}: expected `production` or `staging`"
            ),
            ConfigError::InvalidUserAgent(ua) => {
                write!(
                    f,
                    "invalid user agent {ua:?}: not a valid HTTP header value"
                )
            }
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}
