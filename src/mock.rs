//! Typed [`httpmock`] helpers, generated from the spec, to test code that uses this client
//! without a Securities account (feature `mock`).
//!
//! [`MockServerExt`] adds one method per operation to [`httpmock::MockServer`], named after the
//! operation like the client's methods. Its closure receives typed `when` and `then` values:
//! `when` already matches the method and path, and has a method per parameter (`.id(5120)`,
//! `.page(2)`, `.body(&request)`); `then` has a method per response of the spec (`.ok(&page)`,
//! `.created(&envelope)`, `.not_found(&error)`), each taking the spec's type for it. Anything
//! the typed values cannot say is still reachable through `into_inner()`.
//!
//! ```
//! use httpmock::MockServer;
//! use securities_api::{mock::MockServerExt, types, Client};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! let proposal: types::Proposal = serde_json::from_value(serde_json::json!({
//!     "id": 5120,
//!     "number": "CCB-2022-0042",
//! }))?;
//! let envelope = types::ProposalEnvelope { proposal };
//! let found = server.get_proposal(|when, then| {
//!     when.id(5120);
//!     then.ok(&envelope);
//! });
//!
//! let client = Client::builder().token("test").base_url(server.base_url()).build()?;
//! let proposal = client.get_proposal().id(5120).send().await?.into_inner().proposal;
//! assert_eq!(proposal.number.as_deref(), Some("CCB-2022-0042"));
//! found.assert();
//! # Ok(())
//! # }
//! ```
//!
//! When the code under test talks to a base URL with a path prefix (a gateway such as
//! `https://host/securities`), mock through [`Prefixed`], which matches every path under
//! that prefix and nowhere else:
//!
//! ```
//! use httpmock::MockServer;
//! use securities_api::{mock::{MockServerExt, Prefixed}, types, Client};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! let gateway = Prefixed::new(&server, "/securities");
//! let error: types::ApiError = serde_json::from_value(serde_json::json!({"error": "not found"}))?;
//! gateway.get_batch(|when, then| {
//!     when.id(118);
//!     then.not_found(&error);
//! });
//!
//! let client = Client::builder().token("test").base_url(gateway.base_url()).build()?;
//! let answer = client.get_batch().id(118).send().await;
//! assert_eq!(answer.err().and_then(|e| e.status()).map(|s| s.as_u16()), Some(404));
//! # Ok(())
//! # }
//! ```

/// progenitor's httpmock helpers for `openapi/securities-api.yaml`, made prefix-aware by
/// `codegen/mock.rs`.
#[allow(unused_imports, clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/mock.rs"));
}

pub use generated::{operations, MockServerExt};

/// A [`httpmock::MockServer`] seen through a path prefix: its [`MockServerExt`] methods match
/// `<prefix>/v1/...` exactly, as sent by a client whose base URL is [`base_url`](Self::base_url).
pub struct Prefixed<'a> {
    server: &'a httpmock::MockServer,
    prefix: String,
}

impl std::fmt::Debug for Prefixed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefixed")
            .field("base_url", &self.base_url())
            .finish()
    }
}

impl<'a> Prefixed<'a> {
    /// Mocks under `prefix` (such as `/securities`; a trailing `/` is ignored, and a missing
    /// leading `/` is added).
    pub fn new(server: &'a httpmock::MockServer, prefix: &str) -> Self {
        let prefix = match prefix.trim_end_matches('/') {
            "" => String::new(),
            prefix if prefix.starts_with('/') => prefix.to_string(),
            prefix => format!("/{prefix}"),
        };
        Self { server, prefix }
    }

    /// The base URL to give the client: the server's URL followed by the prefix.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.server.base_url(), self.prefix)
    }

    /// The prefix, with a leading `/` and no trailing one (empty for none).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The server itself.
    pub fn server(&self) -> &'a httpmock::MockServer {
        self.server
    }
}

/// Mocks of the operations written by hand in this crate (progenitor generates no mock for
/// what it does not generate): today the multipart upload `create_bank_credit_note`.
///
/// ```
/// use httpmock::MockServer;
/// use securities_api::{mock::HandwrittenMockExt, types, Client};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start_async().await;
/// let created: types::BankCreditNoteEnvelope = serde_json::from_value(serde_json::json!({
///     "bank_credit_note": { "id": 932, "number": "CCB-2023-0107" }
/// }))?;
/// let upload = server.create_bank_credit_note(|when, then| {
///     when.part("number", "CCB-2023-0107").file_name("signed.pdf");
///     then.created(&created);
/// });
///
/// let client = Client::builder().token("test").base_url(server.base_url()).build()?;
/// let ccb = client
///     .create_bank_credit_note()
///     .file_bytes("signed.pdf", b"%PDF-1.7 ...".to_vec())
///     .number("CCB-2023-0107")
///     .call()
///     .await?
///     .bank_credit_note;
/// assert_eq!(ccb.id, 932);
/// upload.assert();
/// # Ok(())
/// # }
/// ```
pub trait HandwrittenMockExt {
    /// Mocks `create_bank_credit_note` (`POST /v1/bank_credit_notes`, multipart): `config_fn`
    /// says what the upload must hold and what the mock answers.
    fn create_bank_credit_note<F>(&self, config_fn: F) -> httpmock::Mock<'_>
    where
        F: FnOnce(CreateBankCreditNoteWhen, CreateBankCreditNoteThen);
}

impl HandwrittenMockExt for httpmock::MockServer {
    fn create_bank_credit_note<F>(&self, config_fn: F) -> httpmock::Mock<'_>
    where
        F: FnOnce(CreateBankCreditNoteWhen, CreateBankCreditNoteThen),
    {
        self.mock(|when, then| {
            config_fn(
                CreateBankCreditNoteWhen::with_prefix(when, ""),
                CreateBankCreditNoteThen(then),
            )
        })
    }
}

impl HandwrittenMockExt for Prefixed<'_> {
    fn create_bank_credit_note<F>(&self, config_fn: F) -> httpmock::Mock<'_>
    where
        F: FnOnce(CreateBankCreditNoteWhen, CreateBankCreditNoteThen),
    {
        self.server.mock(|when, then| {
            config_fn(
                CreateBankCreditNoteWhen::with_prefix(when, &self.prefix),
                CreateBankCreditNoteThen(then),
            )
        })
    }
}

/// What an upload of a signed CCB must hold: it already matches the method, the path and a
/// `multipart/form-data` body.
pub struct CreateBankCreditNoteWhen(httpmock::When);

impl CreateBankCreditNoteWhen {
    /// Matches `POST <prefix>/v1/bank_credit_notes` with a multipart body.
    pub fn with_prefix(inner: httpmock::When, prefix: &str) -> Self {
        Self(
            inner
                .method(httpmock::Method::POST)
                .path(format!("{prefix}/v1/bank_credit_notes"))
                .header_prefix("content-type", "multipart/form-data; boundary="),
        )
    }

    /// The text part `name` holds exactly `value` (`signed`, `number`, `installments`, ...).
    pub fn part(self, name: &str, value: &str) -> Self {
        Self(self.0.body_includes(format!(
            "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )))
    }

    /// The PDF part is sent with this file name.
    pub fn file_name(self, file_name: &str) -> Self {
        Self(self.0.body_includes(format!(
            "Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\""
        )))
    }

    /// The upload contains these bytes (for example a marker of the expected PDF).
    pub fn body_includes(self, text: &str) -> Self {
        Self(self.0.body_includes(text))
    }

    /// httpmock's own matcher, for anything else.
    pub fn into_inner(self) -> httpmock::When {
        self.0
    }
}

/// What the mock of an upload answers.
pub struct CreateBankCreditNoteThen(httpmock::Then);

impl CreateBankCreditNoteThen {
    /// 201 with the registered CCB.
    pub fn created(self, value: &crate::types::BankCreditNoteEnvelope) -> Self {
        self.json(201, value)
    }

    /// One of the operation's error statuses ([`crate::Operation::error_statuses`]) with a body.
    pub fn error(self, status: u16, value: &crate::ApiError) -> Self {
        self.json(status, value)
    }

    fn json(self, status: u16, value: &impl serde::Serialize) -> Self {
        Self(
            self.0
                .status(status)
                .header("content-type", "application/json")
                .json_body_obj(value),
        )
    }

    /// httpmock's own answer, for anything else.
    pub fn into_inner(self) -> httpmock::Then {
        self.0
    }
}
