//! The upload of a CCB signed elsewhere (`create_bank_credit_note`), the one operation written
//! by hand: a `multipart/form-data` request, checked on the wire by a local server (the
//! parts, their headers and their bytes), with the PDF from memory, from a file and from a
//! reader; refused before any request without a PDF; never retried.

use std::{
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use crate::common::{
    client, error_example, error_responses, form_example, same_json, strict_server,
    success_example, to_json, TOKEN,
};
use securities_api::{Client, ErrorKind, RetryPolicy};
use serde_json::Value;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The operation this module checks, by its own tests rather than from its row of
/// `ops::ALL` (as `operations` does the others): its multipart body is read part by part.
pub const OP: &str = "create_bank_credit_note";
const PATH: &str = "/v1/bank_credit_notes";

/// A small PDF, as bytes.
const PDF: &[u8] = b"%PDF-1.7 test\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n";

/// A PDF larger than the chunks the client reads a file or reader in (64 KiB), with every
/// byte value, so that a lost, repeated or reordered chunk shows.
fn big_pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..200_000u32).map(|i| (i % 251) as u8));
    pdf.extend_from_slice(b"\n%%EOF\n");
    pdf
}

/// One part of a multipart body: its headers (lower-case names) and its bytes.
#[derive(Debug)]
struct Part {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Part {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `name` of the part, from its `Content-Disposition`.
    fn name(&self) -> String {
        disposition_param(
            self.header("content-disposition").unwrap_or_default(),
            "name",
        )
        .unwrap_or_else(|| panic!("a part without a name: {self:?}"))
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a text part")
    }
}

/// The value of `param` (`name`, `filename`) in a `Content-Disposition` header.
fn disposition_param(header: &str, param: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        (key == param).then(|| value.trim_matches('"').to_string())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// The parts of a `multipart/form-data` request, read the way RFC 7578 lays them out;
/// panics on anything else.
fn parts(request: &Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("a content type");
    let (kind, params) = content_type.split_once(';').expect("a boundary parameter");
    assert_eq!(kind.trim(), "multipart/form-data", "{content_type}");
    let boundary = params
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .expect("a boundary")
        .trim_matches('"');
    assert!(!boundary.is_empty(), "{content_type}");
    let body = &request.body;
    let delimiter = format!("--{boundary}").into_bytes();
    let next = format!("\r\n--{boundary}").into_bytes();
    assert!(
        body.starts_with(&delimiter),
        "the body starts with a boundary"
    );
    let mut parts = Vec::new();
    let mut at = delimiter.len();
    loop {
        match body.get(at..at + 2) {
            Some(b"--") => break,
            Some(b"\r\n") => at += 2,
            other => panic!("after a boundary: {other:?}"),
        }
        let head_end = find(body, b"\r\n\r\n", at).expect("the end of a part's headers");
        let headers = String::from_utf8(body[at..head_end].to_vec())
            .expect("UTF-8 part headers")
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(':').expect("a header line");
                (name.trim().to_ascii_lowercase(), value.trim().to_string())
            })
            .collect();
        let content = head_end + 4;
        let end = find(body, &next, content).expect("the next boundary");
        parts.push(Part {
            headers,
            body: body[content..end].to_vec(),
        });
        at = end + next.len();
    }
    assert_eq!(&body[at..], b"--\r\n", "the closing boundary ends the body");
    parts
}

/// A server that answers the upload (under `prefix`) with `status` and `body`, expecting
/// exactly `times` uploads; any other request fails the test.
async fn upload_server(prefix: &str, status: u16, body: &Value, times: u64) -> MockServer {
    let server = strict_server().await;
    let path = format!("{prefix}{PATH}");
    Mock::given(move |request: &Request| {
        request.method.as_str() == "POST" && request.url.path() == path
    })
    .respond_with(ResponseTemplate::new(status).set_body_json(body))
    .named("the upload")
    .expect(times)
    .mount(&server)
    .await;
    server
}

/// The one request the server received.
async fn the_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1, "exactly one request");
    received.remove(0)
}

/// Checks what every upload carries: the bearer token, JSON accepted, no `api-version`, no
/// query; and the `file` part with its name, PDF type and exact bytes. Returns the parts.
fn check_upload(request: &Request, file_name: &str, pdf: &[u8]) -> Vec<Part> {
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.query(), None);
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        header("authorization").map(str::to_string),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(header("accept"), Some("application/json"));
    assert_eq!(header("api-version"), None);
    let parts = parts(request);
    let files: Vec<&Part> = parts.iter().filter(|p| p.name() == "file").collect();
    assert_eq!(files.len(), 1, "one file part: {parts:?}");
    let file = files[0];
    let disposition = file.header("content-disposition").expect("a disposition");
    assert!(disposition.starts_with("form-data"), "{disposition}");
    assert_eq!(
        disposition_param(disposition, "filename").as_deref(),
        Some(file_name)
    );
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert_eq!(file.body.len(), pdf.len(), "the PDF's length");
    assert!(file.body == pdf, "the PDF's bytes");
    parts
}

/// The text parts, by name, in the order they came.
fn text_parts(parts: &[Part]) -> Vec<(String, String)> {
    parts
        .iter()
        .filter(|p| p.name() != "file")
        .map(|p| {
            assert_eq!(p.header("content-type"), None, "a text part: {p:?}");
            (p.name(), p.text().to_string())
        })
        .collect()
}

/// A file under the system's temporary directory with a name no other test (or run) uses,
/// removed when dropped.
struct TempPdf(PathBuf);

impl TempPdf {
    fn new(bytes: &[u8]) -> TempPdf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let name = format!(
            "securities-api-upload-{}-{nanos}-{}.pdf",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, bytes).expect("write the temporary PDF");
        TempPdf(path)
    }

    fn file_name(&self) -> String {
        self.0
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for TempPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn the_spec_example_goes_out_as_multipart_parts() {
    let (status, answer) = success_example(OP);
    assert_eq!(status, 201);
    let form = form_example(OP);
    let document_data: Value = serde_json::from_str(
        form["document_data"]
            .as_str()
            .expect("document_data is JSON text in the example"),
    )
    .expect("JSON");
    let server = upload_server("", 201, &answer, 1).await;

    let created = client(&server, "")
        .create_bank_credit_note()
        .file_bytes("CCB-2023-0107.pdf", PDF)
        .signed(form["signed"].as_bool().expect("signed"))
        .signature_provider(form["signature_provider"].as_str().expect("provider"))
        .number(form["number"].as_str().expect("number"))
        .issuer_full_name(form["issuer_full_name"].as_str().expect("name"))
        .issuer_document(form["issuer_document"].as_str().expect("document"))
        .installments(
            form["installments"]
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .expect("installments"),
        )
        .document_data(&document_data)
        .call()
        .await
        .expect("created");

    // The spec's 201 example decodes, to the same JSON.
    if let Err(difference) = same_json(&answer, &to_json(&created)) {
        panic!("the decoded example differs: {difference}");
    }
    assert_eq!(created.bank_credit_note.id, 932);

    let request = the_request(&server).await;
    let parts = check_upload(&request, "CCB-2023-0107.pdf", PDF);
    let mut texts = text_parts(&parts);
    texts.sort();
    // Every text part of the example, with its value as text; document_data as JSON text.
    let mut expected: Vec<(String, String)> = form
        .as_object()
        .expect("parts")
        .iter()
        .filter(|(name, _)| *name != "file")
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect();
    expected.sort();
    let data = |parts: &[(String, String)]| -> Value {
        let (_, text) = parts
            .iter()
            .find(|(name, _)| name == "document_data")
            .expect("a document_data part");
        serde_json::from_str(text).expect("document_data is JSON text")
    };
    assert_eq!(data(&texts), data(&expected));
    let without_data = |parts: Vec<(String, String)>| -> Vec<(String, String)> {
        parts
            .into_iter()
            .filter(|(name, _)| name != "document_data")
            .collect()
    };
    assert_eq!(without_data(texts), without_data(expected));
    let names: Vec<String> = parts.iter().map(Part::name).collect();
    assert_eq!(
        names,
        [
            "file",
            "signed",
            "signature_provider",
            "number",
            "issuer_full_name",
            "issuer_document",
            "installments",
            "document_data"
        ],
        "the PDF first, then the fields in the order they were set"
    );
}

#[tokio::test]
async fn only_the_parts_that_were_set_are_sent() {
    let (_, answer) = success_example(OP);
    let server = upload_server("", 201, &answer, 1).await;
    client(&server, "")
        .create_bank_credit_note()
        .file_bytes("ccb.pdf", PDF)
        .number("CCB-1")
        .number("CCB-2023-0107")
        .signature_provider("an-unknown-provider")
        .call()
        .await
        .expect("created");
    let request = the_request(&server).await;
    let parts = check_upload(&request, "ccb.pdf", PDF);
    assert_eq!(
        text_parts(&parts),
        [
            ("number".to_string(), "CCB-2023-0107".to_string()),
            (
                "signature_provider".to_string(),
                "an-unknown-provider".to_string()
            ),
        ],
        "a part set twice is sent once, with its last value; an unknown provider as it is"
    );
}

#[tokio::test]
async fn the_pdf_from_a_file_is_sent_under_its_own_name() {
    let (_, answer) = success_example(OP);
    for pdf in [PDF.to_vec(), big_pdf()] {
        let file = TempPdf::new(&pdf);
        let server = upload_server("", 201, &answer, 1).await;
        client(&server, "")
            .create_bank_credit_note()
            .file_path(&file.0)
            .signed(true)
            .call()
            .await
            .expect("created");
        let request = the_request(&server).await;
        let parts = check_upload(&request, &file.file_name(), &pdf);
        assert_eq!(
            text_parts(&parts),
            [("signed".to_string(), "true".to_string())]
        );
    }
}

#[tokio::test]
async fn the_pdf_from_an_async_reader() {
    let (_, answer) = success_example(OP);
    // A buffered reader over static bytes.
    let server = upload_server("", 201, &answer, 1).await;
    client(&server, "")
        .create_bank_credit_note()
        .file_reader("from-reader.pdf", tokio::io::BufReader::new(PDF))
        .installments(24)
        .call()
        .await
        .expect("created");
    let request = the_request(&server).await;
    let parts = check_upload(&request, "from-reader.pdf", PDF);
    assert_eq!(
        text_parts(&parts),
        [("installments".to_string(), "24".to_string())]
    );

    // A cursor over a PDF of several chunks.
    let pdf = big_pdf();
    let server = upload_server("", 201, &answer, 1).await;
    client(&server, "")
        .create_bank_credit_note()
        .file_reader("big.pdf", std::io::Cursor::new(pdf.clone()))
        .call()
        .await
        .expect("created");
    let request = the_request(&server).await;
    let parts = check_upload(&request, "big.pdf", &pdf);
    assert!(text_parts(&parts).is_empty());
}

/// The upload must fail with `InvalidRequest`, naming the operation, without a request.
async fn refused_before_sending(
    why: &str,
    request: impl FnOnce(&Client) -> securities_api::builder::CreateBankCreditNote<'_>,
) -> securities_api::Error {
    let server = strict_server().await;
    let client = client(&server, "");
    let error = request(&client)
        .number("CCB-2023-0107")
        .call()
        .await
        .expect_err(why);
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{why}: {error}");
    assert_eq!(error.operation(), OP, "{why}");
    assert_eq!(error.status(), None, "{why}");
    assert!(!error.is_retryable(), "{why}");
    assert!(error.to_string().starts_with(OP), "{why}: {error}");
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(0),
        "{why}: nothing is sent"
    );
    error
}

#[tokio::test]
async fn no_pdf_is_refused_before_any_request() {
    let error = refused_before_sending("no file", |c| c.create_bank_credit_note()).await;
    let chain = format!("{error} {:?}", std::error::Error::source(&error));
    assert!(chain.contains("no PDF"), "{chain}");
}

#[tokio::test]
async fn an_empty_pdf_is_refused_before_any_request() {
    refused_before_sending("empty bytes", |c| {
        c.create_bank_credit_note()
            .file_bytes("ccb.pdf", Vec::new())
    })
    .await;
    let empty = TempPdf::new(b"");
    refused_before_sending("empty file", |c| {
        c.create_bank_credit_note().file_path(&empty.0)
    })
    .await;
    refused_before_sending("empty reader", |c| {
        c.create_bank_credit_note()
            .file_reader("ccb.pdf", tokio::io::BufReader::new(&b""[..]))
    })
    .await;
    refused_before_sending("empty cursor", |c| {
        c.create_bank_credit_note()
            .file_reader("ccb.pdf", std::io::Cursor::new(Vec::<u8>::new()))
    })
    .await;
}

#[tokio::test]
async fn a_file_that_does_not_exist_is_refused_before_any_request() {
    let missing = std::env::temp_dir().join(format!(
        "securities-api-upload-{}-does-not-exist.pdf",
        std::process::id()
    ));
    assert!(!missing.exists());
    let error = refused_before_sending("missing file", |c| {
        c.create_bank_credit_note().file_path(&missing)
    })
    .await;
    let chain = format!("{error} {:?}", std::error::Error::source(&error));
    assert!(chain.contains("does-not-exist.pdf"), "{chain}");
}

/// A client that retries what other operations retry, at once.
fn retrying_client(server: &MockServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .max_retries(3),
        )
        .build()
        .expect("client")
}

#[tokio::test]
async fn an_unavailable_answer_is_never_retried() {
    let body = error_example("ServiceUnavailable");
    for source in ["bytes", "file", "reader"] {
        let server = upload_server("", 503, &body, 1).await;
        let client = retrying_client(&server);
        let file = TempPdf::new(PDF);
        let request = client.create_bank_credit_note();
        let request = match source {
            "bytes" => request.file_bytes("ccb.pdf", PDF),
            "file" => request.file_path(&file.0),
            _ => request.file_reader("ccb.pdf", tokio::io::BufReader::new(PDF)),
        };
        let error = request.call().await.expect_err("503");
        assert_eq!(
            server.received_requests().await.map(|r| r.len()),
            Some(1),
            "{source}: exactly one request"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{source}");
        assert_eq!(error.operation(), OP);
        assert_eq!(error.kind(), ErrorKind::Api);
        assert!(!error.is_retryable(), "{source}: the CCB may be registered");
        if let Err(difference) = same_json(&body, &to_json(error.body().expect("a body"))) {
            panic!("{source}: {difference}");
        }
    }
}

#[tokio::test]
async fn a_rate_limited_upload_is_not_retried_either() {
    let server = strict_server().await;
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(error_example("TooManyRequests")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = retrying_client(&server)
        .create_bank_credit_note()
        .file_bytes("ccb.pdf", PDF)
        .call()
        .await
        .expect_err("429");
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn a_validation_error_exposes_its_messages() {
    let body = serde_json::json!({
        "errors": {"number": ["can't be blank"], "file": ["must be a PDF"]}
    });
    let server = upload_server("", 422, &body, 1).await;
    let error = client(&server, "")
        .create_bank_credit_note()
        .file_bytes("ccb.pdf", PDF)
        .call()
        .await
        .expect_err("422");
    assert_eq!(error.kind(), ErrorKind::Api);
    assert!(error.is_validation(), "{error}");
    assert_eq!(error.operation(), OP);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    let mut messages = error.validation_messages();
    messages.sort();
    assert_eq!(
        messages,
        ["file: must be a PDF", "number: can't be blank"],
        "{error}"
    );
}

#[tokio::test]
async fn every_shared_error_status_is_reported_under_a_prefix_too() {
    let errors = error_responses(OP);
    assert!(
        !errors.is_empty(),
        "the spec lists error statuses for the upload"
    );
    for prefix in ["", "/gateway/securities"] {
        for (status, name) in &errors {
            let (status, body) = (*status, error_example(name));
            let server = upload_server(prefix, status, &body, 1).await;
            let error = client(&server, prefix)
                .create_bank_credit_note()
                .file_bytes("ccb.pdf", PDF)
                .call()
                .await
                .expect_err("an error status");
            assert_eq!(error.operation(), OP);
            assert_eq!(error.kind(), ErrorKind::Api, "{error}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            if let Err(difference) = same_json(&body, &to_json(error.body().expect("a body"))) {
                panic!("{prefix:?} {status}: {difference}");
            }
            assert!(error.to_string().starts_with(OP), "{error}");
        }
    }
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix() {
    let (_, answer) = success_example(OP);
    let server = upload_server("/gateway/securities", 201, &answer, 1).await;
    let created = client(&server, "/gateway/securities/")
        .create_bank_credit_note()
        .file_bytes("ccb.pdf", PDF)
        .call()
        .await
        .expect("created");
    assert_eq!(created.bank_credit_note.id, 932);
    let request = the_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/gateway/securities/v1/bank_credit_notes"
    );
    check_upload(&request, "ccb.pdf", PDF);
}

#[tokio::test]
async fn a_success_status_other_than_201_is_not_decoded() {
    let (_, answer) = success_example(OP);
    let server = upload_server("", 200, &answer, 1).await;
    let error = client(&server, "")
        .create_bank_credit_note()
        .file_bytes("ccb.pdf", PDF)
        .call()
        .await
        .expect_err("200 is not the spec's 201");
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

/// A file name cannot add a header or end its part: CR, LF, `"` and `\` are percent-encoded in
/// the raw `Content-Disposition`, and text values (which are part bodies, not headers) arrive
/// byte for byte.
#[tokio::test]
async fn hostile_file_names_and_values_stay_in_their_place() {
    let (_, answer) = success_example(OP);
    let server = upload_server("", 201, &answer, 1).await;
    let name = "evil\r\nX-Injected: 1\r\n\r\n\"x\\100%.pdf";
    let number = "CCB-1\r\nX-Injected: 2\r\n\"quoted\"";
    client(&server, "")
        .create_bank_credit_note()
        .file_bytes(name, PDF)
        .number(number)
        .call()
        .await
        .expect("created");
    let request = the_request(&server).await;
    let raw = String::from_utf8_lossy(&request.body);
    assert!(
        raw.contains(
            "Content-Disposition: form-data; name=\"file\"; \
             filename=\"evil%0D%0AX-Injected: 1%0D%0A%0D%0A%22x%5C100%25.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        ),
        "{}",
        &raw[..raw.len().min(600)]
    );
    assert!(!raw.contains("X-Injected: 1\r\n"), "no header was added");
    let parts = check_upload(
        &request,
        "evil%0D%0AX-Injected: 1%0D%0A%0D%0A%22x%5C100%25.pdf",
        PDF,
    );
    for part in &parts {
        let names: Vec<&str> = part.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| *n == "content-disposition" || *n == "content-type"),
            "{names:?}"
        );
    }
    assert_eq!(
        text_parts(&parts),
        [("number".to_string(), number.to_string())]
    );
}
