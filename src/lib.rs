#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod api_error;
mod auth;
mod client;
mod environment;
mod error;
mod fill;
mod limit;
#[cfg(feature = "mock")]
pub mod mock;
mod once;
pub mod pagination;
mod path;
mod retry;
mod transport;
mod upload;
mod wait;

/// The client that `build.rs` generates from `openapi/securities-api.yaml` with progenitor.
#[allow(unused_imports, clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/client.rs"));
}

pub use api_error::ApiError;
pub use client::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
};
pub use error::{ConfigError, Error, ErrorKind, MAX_ERROR_BODY, MAX_ERROR_TEXT};
pub use fill::{FillError, FillOptions, FillOutcome, Filled};
pub use generated::{builder, types, Client, Environment, OPERATIONS};
pub use once::{Once, OnceMode};
/// progenitor's error, returned by `send()`; [`Error`] (returned by `call()`) is the one to use.
pub use progenitor_client::Error as SendError;
pub use progenitor_client::ResponseValue;
pub use retry::RetryPolicy;
pub use upload::{AnyPdf, RereadablePdf};
pub use wait::{Poll, WaitError};

/// What the spec says of one operation; [`OPERATIONS`] lists them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, which is also the name of the client's method.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/v1/proposals/{id}`.
    pub path: &'static str,
    /// The status of the success response (200, 201 or 202).
    pub success_status: u16,
    /// The error statuses the spec lists for the operation (the shared ones of the status
    /// table): their bodies are [`ApiError`]s and their errors of kind [`ErrorKind::Api`].
    pub error_statuses: &'static [u16],
    /// Whether the spec marks the operation deprecated (the legacy bridge).
    pub deprecated: bool,
    /// Whether the operation takes a `page` parameter.
    pub paginated: bool,
}
