//! The upload of a CCB signed elsewhere (`create_bank_credit_note`), written by hand because
//! progenitor cannot generate `multipart/form-data` request bodies. It has the shape of every
//! generated operation: a builder from a method of [`Client`], then [`call`](CreateBankCreditNote::call)
//! with the crate's [`Error`], through the same request function (`transport::call`).
//!
//! The PDF is never held in memory twice: bytes given by the caller are shared, not copied,
//! and a file or reader is streamed in chunks while the request is sent. A streamed body
//! cannot be replayed, so this request is never retried.

use std::path::PathBuf;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use progenitor_client::ClientInfo;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::{types, Client, Error};

/// The operation's entry in `OPERATIONS`: its id, path and success status come from the spec.
pub(crate) const OP: &crate::Operation = crate::generated::CREATE_BANK_CREDIT_NOTE;
/// How much of a file or reader is read at a time while the request is sent.
const CHUNK: usize = 64 * 1024;

/// Where the PDF comes from.
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Reader(Box<dyn AsyncRead + Send + Unpin>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Source::Path(path) => f.debug_tuple("Path").field(path).finish(),
            Source::Reader(_) => f.write_str("Reader"),
        }
    }
}

/// Marks a [`CreateBankCreditNote`] that takes its PDF from any source, a reader included.
#[derive(Debug)]
pub struct AnyPdf;

/// Marks a [`CreateBankCreditNote`] that takes its PDF only from bytes or a file, which can be
/// read again: the builder [`Client::create_bank_credit_note_once`] hands out, which has no
/// `file_reader`, since a resend could not replay a stream:
///
/// ```compile_fail,E0599
/// # async fn run(client: securities_api::Client) {
/// let stream = tokio::io::empty();
/// let mode = Default::default();
/// let _ = client
///     .create_bank_credit_note_once(|upload| upload.file_reader("a.pdf", stream), mode)
///     .await;
/// # }
/// ```
#[derive(Debug)]
pub struct RereadablePdf;

impl Client {
    /// Uploads a CCB whose PDF was already signed outside the platform, so that it can be
    /// endorsed and assigned here.
    ///
    /// Sends a `POST` request to `/v1/bank_credit_notes` as `multipart/form-data`. The PDF
    /// is required (set it with [`file_bytes`](CreateBankCreditNote::file_bytes),
    /// [`file_path`](CreateBankCreditNote::file_path) or
    /// [`file_reader`](CreateBankCreditNote::file_reader)); the other parts are sent when
    /// set. Unlike the JSON operations, it is never retried: the PDF may be a stream.
    ///
    /// ```no_run
    /// # async fn run(client: securities_api::Client) -> Result<(), securities_api::Error> {
    /// let ccb = client
    ///     .create_bank_credit_note()
    ///     .file_path("CCB-2023-0107.pdf")
    ///     .signed(true)
    ///     .signature_provider("docusign")
    ///     .number("CCB-2023-0107")
    ///     .installments(24)
    ///     .document_data(&serde_json::json!({ "financed_amount": 30500.0 }))
    ///     .call()
    ///     .await?
    ///     .bank_credit_note;
    /// println!("CCB {} registered", ccb.id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_bank_credit_note(&self) -> CreateBankCreditNote<'_> {
        CreateBankCreditNote::new(self)
    }
}

/// The request of [`Client::create_bank_credit_note`]: the PDF and the CCB's fields, sent as
/// the parts of a `multipart/form-data` body.
#[derive(Debug)]
#[must_use = "a request does nothing until `call()` is awaited"]
pub struct CreateBankCreditNote<'a, Pdf = AnyPdf> {
    client: &'a Client,
    /// Which sources the PDF may come from: [`AnyPdf`] or [`RereadablePdf`].
    sources: std::marker::PhantomData<Pdf>,
    /// The name the server sees, and the PDF.
    file: Option<(String, Source)>,
    /// The text parts, in the order they were set (a part set twice keeps its last value).
    fields: Vec<(&'static str, String)>,
    /// The first setter argument that could not be encoded, reported by `call()`.
    invalid: Option<String>,
}

impl<'a, Pdf> CreateBankCreditNote<'a, Pdf> {
    pub(crate) fn new(client: &'a Client) -> Self {
        CreateBankCreditNote {
            client,
            sources: std::marker::PhantomData,
            file: None,
            fields: Vec::new(),
            invalid: None,
        }
    }

    /// The number set with [`number`](Self::number), if any.
    pub(crate) fn number_set(&self) -> Option<&str> {
        let number = self.fields.iter().find(|(name, _)| *name == "number");
        number.map(|(_, value)| value.as_str())
    }

    /// The signed PDF, from memory; `file_name` is the name the server sees. The bytes are
    /// shared with the request, not copied.
    pub fn file_bytes(mut self, file_name: impl Into<String>, pdf: impl Into<Bytes>) -> Self {
        self.file = Some((file_name.into(), Source::Bytes(pdf.into())));
        self
    }

    /// The signed PDF, streamed from a file when the request is sent; the server sees the
    /// file's own name.
    pub fn file_path(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        self.file = Some((name.unwrap_or_else(|| "ccb.pdf".into()), Source::Path(path)));
        self
    }

    /// Whether the PDF is signed (part `signed`).
    pub fn signed(self, signed: bool) -> Self {
        self.field("signed", signed.to_string())
    }

    /// The service the PDF was signed with (part `signature_provider`), such as `docusign`:
    /// one of the providers the manual lists as accepted, or any other as a string.
    pub fn signature_provider(self, provider: impl Into<types::UploadSignatureProvider>) -> Self {
        self.field("signature_provider", provider.into().to_string())
    }

    /// The number of the CCB (part `number`).
    pub fn number(self, number: impl Into<String>) -> Self {
        self.field("number", number.into())
    }

    /// The full name of the issuer, the borrower (part `issuer_full_name`).
    pub fn issuer_full_name(self, name: impl Into<String>) -> Self {
        self.field("issuer_full_name", name.into())
    }

    /// The CPF or CNPJ of the issuer (part `issuer_document`).
    pub fn issuer_document(self, document: impl Into<String>) -> Self {
        self.field("issuer_document", document.into())
    }

    /// The number of installments (part `installments`).
    pub fn installments(self, installments: i32) -> Self {
        self.field("installments", installments.to_string())
    }

    /// The data of the CCB's template (part `document_data`), serialised here to the JSON
    /// text the API expects in that part.
    pub fn document_data<T: serde::Serialize + ?Sized>(mut self, data: &T) -> Self {
        match serde_json::to_string(data) {
            Ok(json) => self.field("document_data", json),
            Err(e) => {
                self.invalid
                    .get_or_insert_with(|| format!("document_data cannot be serialised: {e}"));
                self
            }
        }
    }

    fn field(mut self, name: &'static str, value: String) -> Self {
        self.fields.retain(|(n, _)| *n != name);
        self.fields.push((name, value));
        self
    }

    /// Sends the upload and returns the registered CCB.
    ///
    /// Before any request, a missing or empty PDF (or a file that cannot be opened) is an
    /// [`Error`] of kind [`InvalidRequest`](crate::ErrorKind::InvalidRequest).
    pub async fn call(self) -> Result<types::BankCreditNoteEnvelope, Error> {
        let invalid_request = |message: String| Error::invalid_request(OP.id, message);
        if let Some(message) = self.invalid {
            return Err(invalid_request(message));
        }
        let (file_name, file) = self.file.ok_or_else(|| {
            invalid_request("no PDF: set one with file_bytes, file_path or file_reader".to_string())
        })?;
        let part = pdf_part(file)
            .await
            .map_err(invalid_request)?
            .file_name(header_safe_file_name(&file_name))
            .mime_str("application/pdf")
            .map_err(|e| invalid_request(format!("cannot set the PDF's content type: {e}")))?;
        // The part names are this file's constants and the file name is already safe: nothing
        // for reqwest to encode (its own encoding writes CR and LF raw into the header).
        let mut form = reqwest::multipart::Form::new()
            .percent_encode_noop()
            .part("file", part);
        for (name, value) in self.fields {
            form = form.text(name, value);
        }

        let request = self
            .client
            .client()
            .post(format!("{}{}", self.client.baseurl(), OP.path))
            .header(reqwest::header::ACCEPT, "application/json")
            .multipart(form)
            .build()
            .map_err(|e| invalid_request(format!("cannot build the request: {e}")))?;
        crate::transport::call(self.client, OP, request).await
    }
}

impl CreateBankCreditNote<'_, AnyPdf> {
    /// The signed PDF, streamed from `reader` when the request is sent; `file_name` is the
    /// name the server sees.
    pub fn file_reader(
        mut self,
        file_name: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
    ) -> Self {
        self.file = Some((file_name.into(), Source::Reader(Box::new(reader))));
        self
    }
}

/// The `file` part: bytes as they are, a file or reader as a stream read while the request
/// is sent. An empty PDF is refused here, before any request: for a stream, by reading its
/// first chunk, which is then sent first.
async fn pdf_part(source: Source) -> Result<reqwest::multipart::Part, String> {
    match source {
        Source::Bytes(bytes) if bytes.is_empty() => Err("the PDF is empty (0 bytes)".into()),
        Source::Bytes(bytes) => Ok(reqwest::multipart::Part::stream(bytes)),
        Source::Path(path) => {
            let file = tokio::fs::File::open(&path)
                .await
                .map_err(|e| format!("cannot open the PDF {}: {e}", path.display()))?;
            let length = file
                .metadata()
                .await
                .map_err(|e| format!("cannot read the size of {}: {e}", path.display()))?
                .len();
            if length == 0 {
                return Err(format!("the PDF {} is empty (0 bytes)", path.display()));
            }
            let body = reqwest::Body::wrap_stream(chunks(Box::new(file)));
            Ok(reqwest::multipart::Part::stream_with_length(body, length))
        }
        Source::Reader(reader) => {
            let mut rest = Box::pin(chunks(reader));
            let Some(first) = rest.next().await else {
                return Err("the PDF is empty (its reader ended at once)".into());
            };
            let first = first.map_err(|e| format!("cannot read the PDF: {e}"))?;
            let body = reqwest::Body::wrap_stream(futures::stream::iter([Ok(first)]).chain(rest));
            Ok(reqwest::multipart::Part::stream(body))
        }
    }
}

/// `name` fit for the quoted `filename` of a part's `Content-Disposition`: CR, LF and every
/// other control character, `"`, `\` and `%` percent-encoded, as RFC 7578 §4.2 allows (and
/// as browsers do for `"`, CR and LF); other characters, UTF-8 included, as they are. `%` is
/// encoded so that a server that decodes the name gets it back unchanged.
fn header_safe_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_control() || matches!(c, '"' | '\\' | '%') {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `reader` as a stream of chunks of at most [`CHUNK`] bytes, read on demand.
fn chunks(
    reader: Box<dyn AsyncRead + Send + Unpin>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures::stream::try_unfold(reader, |mut reader| async move {
        let mut buffer = vec![0; CHUNK];
        let read = reader.read(&mut buffer).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.truncate(read);
        Ok(Some((Bytes::from(buffer), reader)))
    })
}

#[cfg(test)]
mod tests {
    use super::header_safe_file_name;

    #[test]
    fn file_names_cannot_break_out_of_their_header() {
        assert_eq!(header_safe_file_name("CCB-1.pdf"), "CCB-1.pdf");
        assert_eq!(
            header_safe_file_name("a\r\nX-Evil: 1\".pdf"),
            "a%0D%0AX-Evil: 1%22.pdf"
        );
        assert_eq!(
            header_safe_file_name(r"c:\tmp\100%.pdf"),
            "c:%5Ctmp%5C100%25.pdf"
        );
        assert_eq!(header_safe_file_name("cédula.pdf"), "cédula.pdf");
    }
}
