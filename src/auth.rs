//! The access token.

use std::fmt;

/// An access token of the Securities platform (ask suporte@securities.com.br for one).
///
/// Its `Debug` and `Display` never show it, so it can sit in configuration structs that are
/// logged. The only way to read it back is [`Token::expose`].
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Token(String);

impl Token {
    pub(crate) fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself; call it only to put it on the wire.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header value, marked sensitive so that reqwest and any `Debug` of a
    /// header map print `Sensitive` instead of the token.
    pub(crate) fn header_value(&self) -> Result<reqwest::header::HeaderValue, ()> {
        let mut value =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.expose()))
                .map_err(|_| ())?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}
