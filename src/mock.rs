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
/// `codegen.rs`.
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
        let prefix = prefix.trim_end_matches('/');
        let prefix = if prefix.is_empty() || prefix.starts_with('/') {
            prefix.to_string()
        } else {
            format!("/{prefix}")
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
