//! The Securities environments and their base URLs.

use std::{fmt, str::FromStr};

use crate::ConfigError;

/// A Securities environment. The URLs come from the spec's `servers` (taken by `build.rs`), so
/// the spec and the client cannot disagree on them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Production (Ambiente Produção): real credit notes.
    #[default]
    Production,
    /// Staging (Ambiente Homologação): for integration tests.
    Staging,
}

impl Environment {
    /// The base URL of the environment, without a trailing slash.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Production => crate::generated::PRODUCTION_URL,
            Environment::Staging => crate::generated::STAGING_URL,
        }
    }

    /// The name `SECURITIES_ENV` takes for it: `production` or `staging`.
    pub fn name(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Environment {
    type Err = ConfigError;

    /// Parses `production` or `staging`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" => Ok(Environment::Production),
            "staging" => Ok(Environment::Staging),
            _ => Err(ConfigError::InvalidEnvironment(s.to_string())),
        }
    }
}
