//! Errors: of the configuration ([`ConfigError`]) and of API calls ([`Error`]).

use std::fmt::{self, Write as _};

/// Why [`ClientBuilder::build`](crate::ClientBuilder::build) or
/// [`Client::from_env`](crate::Client::from_env) could not make a client.
///
/// None of its variants holds the token, so it can be logged as it is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No token was given (neither `.token(..)` nor `SECURITIES_TOKEN`).
    #[error("no access token: call `.token(..)` on the builder or set SECURITIES_TOKEN")]
    MissingToken,
    /// The token is empty or holds characters an HTTP header cannot carry (such as a newline).
    #[error(
        "the access token is empty or is not a valid HTTP header value \
         (check for a stray newline or space)"
    )]
    InvalidToken,
    /// The base URL is not an absolute `http` or `https` URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `SECURITIES_ENV` (or `--env`) names no environment of the spec.
    #[error("unknown environment {0:?}: expected one of {names}", names = crate::Environment::names())]
    InvalidEnvironment(String),
    /// The user agent is not a valid header value.
    #[error("invalid user agent {0:?}: not a valid HTTP header value")]
    InvalidUserAgent(String),
    /// reqwest could not build its client (for example the TLS backend failed to load).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// How many bytes of an error response's body are kept. Error bodies are read whole before
/// decoding, so a misbehaving server must not be able to make the client buffer gigabytes.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most bytes the `Display` or the `Debug` of an [`Error`] ever writes, whatever the body,
/// the decoder's message or the transport error. It fits the 160-character body preview (up
/// to 640 bytes of UTF-8), the operation, the status and a cause of at most 256 bytes, and
/// stays under the line limits of common log pipelines (syslog receivers must accept 2 KiB),
/// so a logged error is never split or dropped.
pub const MAX_ERROR_TEXT: usize = 1024;

/// How many characters of a body `Display` and `Debug` show: bodies carry personal data
/// (CPF numbers, names), and errors end up in logs.
const SHOWN_BODY_CHARS: usize = 160;

/// The longest cause (a decoder's message, a transport error) kept for `Display` and `Debug`.
const MAX_CAUSE: usize = 256;

/// What went wrong with an API call, in the words a caller acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with one of the error statuses the spec lists for the operation
    /// ([`Operation::error_statuses`](crate::Operation::error_statuses): the status table's).
    Api,
    /// The server answered with a status the spec does not list for the operation (a 504
    /// from a gateway, a 200 where 201 was expected, …).
    UnexpectedStatus,
    /// The success status came with a body that is not the documented JSON (malformed,
    /// truncated, empty, of the wrong shape or content type).
    Decode,
    /// The answer's body is longer than the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes); it was not read
    /// further. [`Error::limit`] gives the limit.
    TooLarge,
    /// The connect or request timeout ran out.
    Timeout,
    /// No connection could be made: the request never reached the server.
    Connect,
    /// The connection broke while sending the request or reading the answer.
    Transport,
    /// The answer is not valid HTTP: a malformed status line or header, or a head larger
    /// than the client accepts. Never retried: the server would send the same again.
    MalformedAnswer,
    /// The request could not be built (for example a required parameter was not set).
    InvalidRequest,
    /// A page's `page_infos.next_page` points back, repeats or is out of range: following it
    /// would loop, so the stream of pages ends here.
    Pagination,
}

/// The error of every [`call`](crate::builder) on the client: which operation, which HTTP
/// status (when there was an answer), the body, and whether trying again could help.
///
/// `Display` and `Debug` write at most [`MAX_ERROR_TEXT`] bytes and show at most a short
/// prefix of the body; [`Error::body`] and [`Error::body_text`] give all of it (up to
/// [`MAX_ERROR_BODY`] bytes). The error's [`source`](std::error::Error::source) keeps the
/// underlying error whole; `Display` gives its cause in plain words instead of its chain.
pub struct Error {
    operation: &'static str,
    kind: ErrorKind,
    status: Option<reqwest::StatusCode>,
    headers: reqwest::header::HeaderMap,
    body: Option<ApiError>,
    truncated: bool,
    limit: Option<usize>,
    failure: Failure,
    cause: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

use crate::{
    retry::{verdict, Failure, Verdict},
    ApiError,
};

impl Error {
    /// The operation (the spec's `operationId`, such as `get_proposal`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        self.status
    }

    /// The headers of the answer as the server sent them (empty when there was no answer, or
    /// for a body that failed to decode), less `Content-Encoding` and `Content-Length` when
    /// the body came compressed (it is decoded as it is read).
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The body of the answer: the decoded JSON, or the raw text in [`ApiError::text`] when
    /// it was not JSON (a gateway's HTML page, say).
    pub fn body(&self) -> Option<&ApiError> {
        self.body.as_ref()
    }

    /// The whole body as text (JSON bodies re-encoded), when there was one.
    pub fn body_text(&self) -> Option<String> {
        self.body.as_ref().map(|body| match &body.text {
            Some(text) => text.clone(),
            None => body.to_json().to_string(),
        })
    }

    /// Whether the body was longer than [`MAX_ERROR_BODY`] or broke off, so that
    /// [`body`](Self::body) holds only its beginning.
    pub fn is_body_truncated(&self) -> bool {
        self.truncated
    }

    /// For [`ErrorKind::TooLarge`], the limit in bytes the answer went over.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// 404: no such record.
    pub fn is_not_found(&self) -> bool {
        self.status == Some(reqwest::StatusCode::NOT_FOUND)
    }

    /// 401: the token is missing, expired or not authorized.
    pub fn is_unauthorized(&self) -> bool {
        self.status == Some(reqwest::StatusCode::UNAUTHORIZED)
    }

    /// 403: the token's user may not do this.
    pub fn is_forbidden(&self) -> bool {
        self.status == Some(reqwest::StatusCode::FORBIDDEN)
    }

    /// 429: the per-minute request limit was exceeded (after the client's own retries).
    pub fn is_rate_limited(&self) -> bool {
        self.status == Some(reqwest::StatusCode::TOO_MANY_REQUESTS)
    }

    /// 422: the server rejected the request's data; see [`validation_messages`](Self::validation_messages).
    pub fn is_validation(&self) -> bool {
        self.status == Some(reqwest::StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// A timeout ran out.
    pub fn is_timeout(&self) -> bool {
        self.kind == ErrorKind::Timeout
    }

    /// Whether the same call could succeed later without harm: the failure is transient (429,
    /// 502, 503, 504, a timeout, a broken or refused connection) *and* repeating the call
    /// cannot do something twice. A write (POST) that timed out or got a 5xx may have been
    /// carried out, so it is retryable only after a 429 or a refused connection, when the
    /// server certainly did not act on it. The client's own retry loop asks the same rule.
    pub fn is_retryable(&self) -> bool {
        let method = crate::OPERATIONS
            .iter()
            .find(|op| op.id == self.operation)
            .and_then(|op| reqwest::Method::from_bytes(op.method.as_bytes()).ok())
            .unwrap_or(reqwest::Method::POST);
        verdict(&method, self.failure) != Verdict::Never
    }

    /// How long the server asked to wait (`Retry-After`, in seconds or as an HTTP date).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        crate::retry::retry_after(&self.headers, std::time::SystemTime::now())
    }

    /// The server's validation messages on a 422 (`field: message` for per-field errors);
    /// empty for any other error.
    pub fn validation_messages(&self) -> Vec<String> {
        match (&self.body, self.is_validation()) {
            (Some(body), true) => body.messages(),
            _ => Vec::new(),
        }
    }

    fn new(operation: &'static str, kind: ErrorKind) -> Self {
        Error {
            operation,
            kind,
            status: None,
            headers: reqwest::header::HeaderMap::new(),
            body: None,
            truncated: false,
            limit: None,
            failure: Failure::Final,
            cause: None,
            source: None,
        }
    }

    pub(crate) fn pagination(operation: &'static str, message: String) -> Self {
        Error::new(operation, ErrorKind::Pagination).with_message(message)
    }

    pub(crate) fn invalid_request(operation: &'static str, message: String) -> Self {
        Error::new(operation, ErrorKind::InvalidRequest).with_message(message)
    }

    fn with_message(mut self, message: String) -> Self {
        self.cause = Some(bounded(&message, MAX_CAUSE));
        self.source = Some(Box::new(Message(message)));
        self
    }

    pub(crate) fn from_transport(operation: &'static str, error: reqwest::Error) -> Self {
        let failure = Failure::of(&error);
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else if error.is_connect() {
            ErrorKind::Connect
        } else if failure == Failure::Final {
            ErrorKind::MalformedAnswer
        } else {
            ErrorKind::Transport
        };
        let mut out = Error::new(operation, kind);
        out.failure = failure;
        out.status = error.status();
        out.cause = Some(plain_cause(&error));
        out.source = Some(Box::new(error.without_url()));
        out
    }

    fn answered(
        operation: &'static str,
        kind: ErrorKind,
        status: reqwest::StatusCode,
        headers: reqwest::header::HeaderMap,
    ) -> Self {
        let mut out = Error::new(operation, kind);
        out.failure = Failure::Status(status);
        out.status = Some(status);
        out.headers = headers;
        out
    }

    /// An answer [`Client::answer`](crate::Client) could not read whole. An error status is
    /// of the kind a complete answer would have been ([`ErrorKind::Api`] or
    /// [`ErrorKind::UnexpectedStatus`]); a success body that broke off is a transport failure.
    pub(crate) fn from_incomplete(op: &'static crate::Operation, held: &Incomplete) -> Self {
        let status = held.status;
        let is_error = status.is_client_error() || status.is_server_error();
        let kind = match held.problem {
            Problem::TooLarge { .. } => ErrorKind::TooLarge,
            Problem::Cut(_) if !is_error && held.failure == Failure::TimedOut => ErrorKind::Timeout,
            Problem::Cut(_) if !is_error => ErrorKind::Transport,
            _ => Error::kind_of(op, status),
        };
        let mut out = Error::answered(op.id, kind, status, held.headers.clone());
        out.failure = held.failure;
        out.truncated = true;
        if let Problem::TooLarge { limit } = held.problem {
            out.limit = Some(limit);
        }
        out.cause = Some(held.cause(op.id));
        if !held.prefix.is_empty() || is_error {
            out.body = Some(ApiError::from_bytes(&held.prefix));
        }
        out
    }

    /// What an answer with `status` is for `op`, when it is not its success.
    fn kind_of(op: &crate::Operation, status: reqwest::StatusCode) -> ErrorKind {
        if op.error_statuses.contains(&status.as_u16()) {
            ErrorKind::Api
        } else {
            ErrorKind::UnexpectedStatus
        }
    }

    /// The decoded body of `op`'s success answer, or the error that `answer` is: an error
    /// status (with its body, whatever it is), another status, or a body that does not decode.
    // The same `Result` every `call()` returns: the error is as large there.
    #[allow(clippy::result_large_err)]
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        op: &'static crate::Operation,
        answer: crate::transport::Answer,
    ) -> Result<T, Error> {
        let crate::transport::Answer {
            status,
            headers,
            body,
        } = answer;
        let cut = body.len().min(MAX_ERROR_BODY);
        if status.as_u16() != op.success_status {
            let mut out = Error::answered(op.id, Error::kind_of(op, status), status, headers);
            if status.is_redirection() {
                out.cause = Some(not_followed(&out.headers));
            }
            out.truncated = cut < body.len();
            out.body = Some(ApiError::from_bytes(&body[..cut]));
            return Err(out);
        }
        serde_json::from_slice(&body).map_err(|error| {
            let mut out = Error::new(op.id, ErrorKind::Decode);
            out.status = Some(status);
            out.truncated = cut < body.len();
            out.body = Some(ApiError {
                text: Some(String::from_utf8_lossy(&body[..cut]).into_owned()),
                ..ApiError::default()
            });
            out.cause = Some(bounded(&redact_values(&error.to_string()), MAX_CAUSE));
            out.source = Some(Box::new(error));
            out
        })
    }

    /// A request that could not be built: a parameter missing or of the wrong type, a URL
    /// reqwest refuses.
    pub(crate) fn unsent(
        op: &'static crate::Operation,
        error: progenitor_client::Error<ApiError>,
    ) -> Self {
        let message = match error {
            progenitor_client::Error::InvalidRequest(message) => message,
            other => format!("cannot build the request: {other}"),
        };
        Error::invalid_request(op.id, message)
    }

    /// A short, single-line beginning of the body, for `Display` and `Debug`.
    fn shown_body(&self) -> Option<String> {
        let text = self.body_text()?;
        let mut shown: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(SHOWN_BODY_CHARS)
            .collect();
        if text.chars().count() > SHOWN_BODY_CHARS || self.truncated {
            shown.push('…');
        }
        Some(shown)
    }

    fn headline(&self) -> &'static str {
        match self.kind {
            ErrorKind::Api | ErrorKind::UnexpectedStatus => "the API answered",
            ErrorKind::Decode => "cannot decode the answer",
            ErrorKind::TooLarge => "the answer is too large",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Connect => "cannot connect",
            ErrorKind::Transport => "the connection broke",
            ErrorKind::MalformedAnswer => "the answer is not valid HTTP",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Pagination => "cannot follow the pages",
        }
    }

    fn write_text(&self, out: &mut impl fmt::Write) -> fmt::Result {
        write!(out, "{}: {}", self.operation, self.headline())?;
        if let Some(status) = self.status {
            write!(out, " {status}")?;
        }
        // "timed out: timed out" says nothing twice.
        if let Some(cause) = self.cause.as_deref().filter(|c| *c != self.headline()) {
            write!(out, ": {cause}")?;
        }
        if let Some(body) = self.shown_body() {
            write!(out, "; body: {body}")?;
        }
        Ok(())
    }
}

/// An answer [`Client::answer`](crate::Client) could not read whole: what was read of it, and
/// why the rest was not.
#[derive(Debug)]
pub(crate) struct Incomplete {
    /// The answer's status.
    pub(crate) status: reqwest::StatusCode,
    /// The answer's headers, untouched.
    pub(crate) headers: reqwest::header::HeaderMap,
    /// The beginning of the body, at most [`MAX_ERROR_BODY`] bytes.
    pub(crate) prefix: Vec<u8>,
    /// How many bytes of the body arrived.
    pub(crate) read: usize,
    /// The `Content-Length` the server announced, if any.
    pub(crate) declared: Option<u64>,
    /// Why the body is not whole.
    pub(crate) problem: Problem,
    /// How the retry loop classified the last attempt.
    pub(crate) failure: Failure,
}

/// Why an answer's body was not read whole.
#[derive(Debug)]
pub(crate) enum Problem {
    /// A success body went over the client's limit; it was not read further.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// An error body went over [`MAX_ERROR_BODY`]; its beginning is kept.
    Truncated,
    /// The connection broke or a timeout ran out while the body was read.
    Cut(reqwest::Error),
}

impl Incomplete {
    /// Why the body is not whole, in plain words: the error's cause and the retry event's.
    pub(crate) fn cause(&self, operation: &str) -> String {
        let read = self.read;
        let announced = match self.declared {
            Some(n) => format!(" ({n} bytes announced)"),
            None => String::new(),
        };
        let text = match &self.problem {
            Problem::TooLarge { limit } => format!(
                "the body{announced} is over the limit of {limit} bytes; {read} bytes were read"
            ),
            Problem::Truncated => format!("the body{announced} was cut at {MAX_ERROR_BODY} bytes"),
            Problem::Cut(error) => {
                let of = self
                    .declared
                    .map(|n| format!(" of {n}"))
                    .unwrap_or_default();
                let cause = plain_cause(error);
                format!("{cause} while reading the body of {operation} after {read}{of} bytes")
            }
        };
        bounded(&text, MAX_CAUSE)
    }
}

/// The cause of a 3xx answer: where it pointed, which the client did not follow.
fn not_followed(headers: &reqwest::header::HeaderMap) -> String {
    let location = headers
        .get(reqwest::header::LOCATION)
        .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
    let text = match location {
        Some(location) => format!("redirect to {location} not followed (the client follows none)"),
        None => "redirect without a Location, not followed (the client follows none)".to_string(),
    };
    bounded(&text, MAX_CAUSE)
}

/// The cause of a transport error in plain words ("connection reset", "timed out"), from the
/// innermost I/O error of its chain, instead of reqwest's and hyper's layered messages.
pub(crate) fn plain_cause(error: &reqwest::Error) -> String {
    let mut innermost: &(dyn std::error::Error + 'static) = error;
    for current in sources(error) {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::UnexpectedEof => "connection closed early".to_string(),
                kind => kind.to_string(),
            };
        }
        innermost = current;
    }
    if error.is_timeout() {
        return "timed out".to_string();
    }
    if error.is_connect() {
        return "cannot connect".to_string();
    }
    let text = innermost.to_string();
    if text.contains("before message completed") || text.contains("before message length") {
        return "connection closed early".to_string();
    }
    bounded(&text, MAX_CAUSE)
}

/// `error` and its sources, outermost first.
pub(crate) fn sources<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| e.source())
}

/// A decoder's message without the values it quotes from the body (`invalid type: string
/// "…"`): those are body text, which no log line may carry beyond the preview. Field names
/// (``missing field `id` ``) stay: they come from the types, and say what is wrong.
fn redact_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_CAUSE));
    let mut chars = message.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let name =
            c == '`' && (message[..at].ends_with("field ") || message[..at].ends_with("variant "));
        if name {
            out.push(c);
            for (_, inner) in chars.by_ref() {
                out.push(inner);
                if inner == c {
                    break;
                }
            }
            continue;
        }
        if c != '"' && c != '`' {
            out.push(c);
            continue;
        }
        out.push(c);
        out.push('…');
        let mut escaped = false;
        for (_, inner) in chars.by_ref() {
            if inner == c && !escaped {
                break;
            }
            escaped = c == '"' && inner == '\\' && !escaped;
        }
        out.push(c);
    }
    out
}

/// `text` cut to at most `max` bytes at a character boundary, with `…` when cut.
fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    format!("{}…", prefix(text, max.saturating_sub('…'.len_utf8())))
}

/// The longest beginning of `text` of at most `max` bytes that ends at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A `fmt::Write` that keeps at most [`MAX_ERROR_TEXT`] bytes and then refuses more, which
/// also stops the formatting that feeds it.
struct Capped {
    text: String,
    full: bool,
}

impl Capped {
    fn new() -> Self {
        Capped {
            text: String::new(),
            full: false,
        }
    }

    fn finish(mut self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.full {
            let end = prefix(&self.text, MAX_ERROR_TEXT - '…'.len_utf8()).len();
            self.text.truncate(end);
            self.text.push('…');
        }
        f.write_str(&self.text)
    }
}

impl fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = MAX_ERROR_TEXT - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
            return Ok(());
        }
        self.text.push_str(prefix(s, room));
        self.full = true;
        Err(fmt::Error)
    }
}

/// A message from progenitor or the pagination, as an error source.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Message(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut capped = Capped::new();
        // An error here only means the text reached the ceiling.
        let _ = self.write_text(&mut capped);
        capped.finish(f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// The fields as `Debug` shows them: the cause in plain words rather than the source's
        /// own `Debug` (a decoder's quotes the body), and the body's preview only.
        struct Shown<'a>(&'a Error);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let e = self.0;
                f.debug_struct("Error")
                    .field("operation", &e.operation)
                    .field("kind", &e.kind)
                    .field("status", &e.status)
                    .field("cause", &e.cause)
                    .field("body", &e.shown_body())
                    .field("truncated", &e.truncated)
                    .finish()
            }
        }
        let mut capped = Capped::new();
        let _ = if f.alternate() {
            write!(capped, "{:#?}", Shown(self))
        } else {
            write!(capped, "{:?}", Shown(self))
        };
        capped.finish(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_messages_lose_the_values_they_quote() {
        assert_eq!(
            redact_values(r#"invalid type: string "12\"3", expected i64 at line 1 column 9"#),
            r#"invalid type: string "…", expected i64 at line 1 column 9"#
        );
        assert_eq!(
            redact_values("invalid type: integer `31844290715`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
        assert_eq!(redact_values("missing field `id`"), "missing field `id`");
    }

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        assert_eq!(bounded("abc", 3), "abc");
        let cut = bounded(&"é".repeat(300), MAX_CAUSE);
        assert!(cut.len() <= MAX_CAUSE && cut.ends_with('…'));
        let mut capped = Capped::new();
        assert!(capped.write_str(&"ç".repeat(MAX_ERROR_TEXT)).is_err());
        assert!(capped.full && capped.text.len() <= MAX_ERROR_TEXT);
    }
}
