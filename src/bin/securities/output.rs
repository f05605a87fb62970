//! How the CLI prints: answers as JSON on stdout, errors (the crate's [`Error`]) on stderr.

use std::io::Write as _;

use securities_api::Error;
use serde::Serialize;

/// Prints every answer as pretty JSON on stdout, and every error, as the crate's [`Error`]
/// writes it (the operation, the status, bounded text), on stderr.
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

/// Prints `error: {message}` on stderr; a closed stderr is not worth a panic.
pub fn print_error(message: &dyn std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
}

impl super::generated::CliConfig for Json {
    fn success_item<T>(&self, value: &T)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        print_json(value);
    }

    fn error(&self, value: &Error) {
        print_error(value);
    }
}
