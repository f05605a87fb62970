//! Errors: of the configuration ([`ConfigError`]) and of API calls ([`Error`]).

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
    /// `SECURITIES_ENV` (or `--env`) names no environment of the spec.
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
                "unknown environment {name:?}: expected one of {}",
                crate::Environment::names()
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

/// How many bytes of an error response's body are kept. Error bodies are read whole before
/// decoding, so a misbehaving server must not be able to make the client buffer gigabytes.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// How many characters of a body `Display` and `Debug` show: bodies carry personal data
/// (CPF numbers, names), and errors end up in logs.
const SHOWN_BODY_CHARS: usize = 160;

/// Set by the request hook on an error response whose body was cut at [`MAX_ERROR_BODY`] or
/// broke off; read back when the [`Error`] is built.
pub(crate) const TRUNCATED_HEADER: &str = "x-securities-api-body-truncated";

/// What went wrong with an API call, in the words a caller acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with one of the error statuses of the API (401, 403, 404, 422,
    /// 429, 500, 502, 503).
    Api,
    /// The server answered with a status the spec does not list for the operation (a 504
    /// from a gateway, a 200 where 201 was expected, …).
    UnexpectedStatus,
    /// The success status came with a body that is not the documented JSON (malformed,
    /// truncated, empty, of the wrong shape or content type).
    Decode,
    /// The connect or request timeout ran out.
    Timeout,
    /// No connection could be made: the request never reached the server.
    Connect,
    /// The connection broke while sending the request or reading the answer.
    Transport,
    /// The request could not be built (for example a required parameter was not set).
    InvalidRequest,
    /// A page's `page_infos.next_page` points back, repeats or is out of range: following it
    /// would loop, so the stream of pages ends here.
    Pagination,
}

/// The error of every [`call`](crate::builder) on the client: which operation, which HTTP
/// status (when there was an answer), the body, and whether trying again could help.
///
/// `Display` and `Debug` show at most a short prefix of the body; [`Error::body`] and
/// [`Error::body_text`] give all of it (up to [`MAX_ERROR_BODY`] bytes).
pub struct Error {
    operation: &'static str,
    kind: ErrorKind,
    status: Option<reqwest::StatusCode>,
    headers: reqwest::header::HeaderMap,
    body: Option<ApiError>,
    truncated: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

use crate::ApiError;

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

    /// The headers of the answer (empty when there was none).
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
    /// server certainly did not act on it.
    pub fn is_retryable(&self) -> bool {
        let read = crate::OPERATIONS
            .iter()
            .any(|op| op.id == self.operation && op.method == "GET");
        let transient_status = self
            .status
            .is_some_and(|s| matches!(s.as_u16(), 429 | 502 | 503 | 504));
        let never_reached = self.kind == ErrorKind::Connect || self.is_rate_limited();
        never_reached
            || (read
                && (transient_status
                    || matches!(self.kind, ErrorKind::Timeout | ErrorKind::Transport)))
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
            source: None,
        }
    }

    pub(crate) fn pagination(operation: &'static str, message: String) -> Self {
        Error::new(operation, ErrorKind::Pagination).with_source(Message(message))
    }

    pub(crate) fn invalid_request(operation: &'static str, message: String) -> Self {
        Error::new(operation, ErrorKind::InvalidRequest).with_source(Message(message))
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    fn from_transport(operation: &'static str, error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else if error.is_connect() {
            ErrorKind::Connect
        } else {
            ErrorKind::Transport
        };
        let mut out = Error::new(operation, kind);
        out.status = error.status();
        out.with_source(error.without_url())
    }

    fn with_response(
        mut self,
        status: reqwest::StatusCode,
        mut headers: reqwest::header::HeaderMap,
    ) -> Self {
        self.truncated = headers.remove(TRUNCATED_HEADER).is_some();
        self.status = Some(status);
        self.headers = headers;
        self
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
}

/// Turns progenitor's outcome of `send()` into the body or the crate's [`Error`].
pub(crate) async fn finish<T>(
    operation: &'static str,
    result: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<ApiError>>,
) -> Result<T, Error> {
    use progenitor_client::Error as P;
    let error = match result {
        Ok(value) => return Ok(value.into_inner()),
        Err(error) => error,
    };
    // progenitor only decodes (and so only fails to decode) the one success status each
    // operation has, so that is the status of a body or payload error.
    let success = crate::OPERATIONS
        .iter()
        .find(|op| op.id == operation)
        .and_then(|op| reqwest::StatusCode::from_u16(op.success_status).ok());
    Err(match error {
        P::ErrorResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let mut out = Error::new(operation, ErrorKind::Api).with_response(status, headers);
            out.body = Some(response.into_inner());
            out
        }
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let (bytes, truncated) = read_bounded(response).await;
            let mut out =
                Error::new(operation, ErrorKind::UnexpectedStatus).with_response(status, headers);
            out.truncated |= truncated;
            out.body = Some(ApiError::from_bytes(&bytes));
            out
        }
        P::InvalidResponsePayload(bytes, error) => {
            let mut out = Error::new(operation, ErrorKind::Decode);
            out.status = success;
            let cut = bytes.len().min(MAX_ERROR_BODY);
            out.truncated = cut < bytes.len();
            out.body = Some(ApiError {
                text: Some(String::from_utf8_lossy(&bytes[..cut]).into_owned()),
                ..ApiError::default()
            });
            out.with_source(error)
        }
        P::ResponseBodyError(error) => {
            let mut out = Error::from_transport(operation, error);
            if out.kind == ErrorKind::Connect {
                // The answer had started: the request did reach the server.
                out.kind = ErrorKind::Transport;
            }
            out.status = success;
            out
        }
        P::CommunicationError(error) | P::InvalidUpgrade(error) => {
            Error::from_transport(operation, error)
        }
        P::InvalidRequest(message) => {
            Error::new(operation, ErrorKind::InvalidRequest).with_source(Message(message))
        }
        P::Custom(message) => {
            Error::new(operation, ErrorKind::Transport).with_source(Message(message))
        }
    })
}

/// Reads at most [`MAX_ERROR_BODY`] bytes of `response`; the flag says whether more was left
/// unread or the body broke off.
pub(crate) async fn read_bounded(mut response: reqwest::Response) -> (Vec<u8>, bool) {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ERROR_BODY - bytes.len();
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    return (bytes, true);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return (bytes, false),
            Err(_) => return (bytes, true),
        }
    }
}

/// A message from progenitor, as an error source.
#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match self.kind {
            ErrorKind::Api | ErrorKind::UnexpectedStatus => f.write_str("the API answered")?,
            ErrorKind::Decode => f.write_str("cannot decode the answer")?,
            ErrorKind::Timeout => f.write_str("timed out")?,
            ErrorKind::Connect => f.write_str("cannot connect")?,
            ErrorKind::Transport => f.write_str("the connection broke")?,
            ErrorKind::InvalidRequest => f.write_str("invalid request")?,
            ErrorKind::Pagination => f.write_str("cannot follow the pages")?,
        }
        if let Some(status) = self.status {
            write!(f, " {status}")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        if let Some(body) = self.shown_body() {
            write!(f, "; body: {body}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("body", &self.shown_body())
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
