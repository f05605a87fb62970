//! The Securities environments: parsing and display of the `Environment` that `build.rs`
//! generates from the spec's `servers` (one variant per server, named by its
//! `x-environment`), so that adding a server to the spec adds an environment everywhere.

use std::{fmt, str::FromStr};

use crate::{ConfigError, Environment};

impl Environment {
    /// The names every environment takes, comma-separated, for messages.
    pub(crate) fn names() -> String {
        Environment::ALL
            .iter()
            .map(|e| e.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Environment {
    type Err = ConfigError;

    /// Parses an environment's [`name`](Environment::name) (`production`, `staging`, ...), in
    /// any case; `_` stands for `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Environment::ALL
            .iter()
            .copied()
            .find(|e| e.name() == wanted)
            .ok_or_else(|| ConfigError::InvalidEnvironment(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for env in Environment::ALL {
            assert_eq!(env.name().parse::<Environment>().ok(), Some(*env));
            assert_eq!(env.to_string(), env.name());
        }
        assert_eq!(
            "API_STAGING".parse::<Environment>().ok(),
            Some(Environment::ApiStaging)
        );
        assert!("prod".parse::<Environment>().is_err());
    }

    #[test]
    fn production_is_the_manuals_current_host_and_the_default() {
        assert_eq!(Environment::default(), Environment::Production);
        assert_eq!(
            Environment::Production.base_url(),
            "https://app.securities.com.br/api"
        );
        assert_eq!(
            Environment::Staging.base_url(),
            "https://app-sandbox.securities.com.br/api"
        );
        assert_eq!(
            Environment::ALL[..2],
            [Environment::Production, Environment::Staging]
        );
    }
}
