//! How the CLI prints: answers as JSON on stdout, errors on stderr.

use std::io::Write as _;

use progenitor_client::{Error, ResponseValue};
use serde::Serialize;

/// Prints every answer as pretty JSON on stdout, and every error, with the API's error body
/// when there is one, on stderr.
pub struct Json;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (`securities ... | head`) is not worth a panic.
    let _ = match serde_json::to_string_pretty(value) {
        Ok(text) => writeln!(out, "{text}"),
        Err(e) => writeln!(std::io::stderr(), "error: cannot print the answer: {e}"),
    };
}

impl super::generated::CliConfig for Json {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        print_json(value.as_ref());
    }

    fn success_no_item(&self, value: &ResponseValue<()>) {
        eprintln!("{}", value.status());
    }

    fn error<T>(&self, value: &Error<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        let mut err = std::io::stderr().lock();
        let _ = match value {
            Error::ErrorResponse(response) => {
                let body = serde_json::to_string_pretty(response.as_ref())
                    .unwrap_or_else(|_| format!("{:?}", response.as_ref()));
                writeln!(err, "error: the API answered {}\n{body}", response.status())
            }
            Error::UnexpectedResponse(response) => writeln!(
                err,
                "error: the API answered {}, which the spec does not list",
                response.status()
            ),
            Error::InvalidResponsePayload(body, e) => writeln!(
                err,
                "error: the answer does not match the spec: {e}\n{}",
                String::from_utf8_lossy(body)
            ),
            other => writeln!(err, "error: {other}"),
        };
    }

    fn list_start<T>(&self)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        print_json(value);
    }

    fn list_end_success<T>(&self)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error<T>(&self, value: &Error<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        self.error(value);
    }
}
