//! The `securities` binary (feature `cli`), run against a local server.

use crate::common::{
    error_example, request_example, same_json, spec, strict_server, success_example, TOKEN,
};
use assert_cmd::Command;
use serde_json::{json, Value};
use wiremock::{
    matchers::{body_json, header, method, path, query_param, query_param_is_missing},
    Mock, MockServer, Request, ResponseTemplate,
};

/// The binary, with no `SECURITIES_*` variable from the environment running the tests.
fn securities() -> Command {
    let mut command = Command::cargo_bin("securities").expect("the securities binary is built");
    for name in ["SECURITIES_TOKEN", "SECURITIES_ENV", "SECURITIES_BASE_URL"] {
        command.env_remove(name);
    }
    command.timeout(std::time::Duration::from_secs(60));
    command
}

/// The binary with the test token, pointed at `server` (under `prefix`).
fn against(server: &MockServer, prefix: &str) -> Command {
    let mut command = securities();
    command
        .env("SECURITIES_TOKEN", TOKEN)
        .args(["--base-url", &format!("{}{prefix}", server.uri())]);
    command
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn assert_same(expected: &Value, actual: &Value) {
    if let Err(difference) = same_json(expected, actual) {
        panic!("{difference}\nexpected: {expected:#}\nactual: {actual:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_prints_the_answer_as_json() {
    let server = strict_server().await;
    let (_, example) = success_example("get_proposal");
    let id = example["proposal"]["id"].to_string();
    Mock::given(method("GET"))
        .and(path(format!("/gateway/v1/proposals/{id}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    let output = against(&server, "/gateway")
        .args(["get-proposal", "--id", &id])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    assert_same(&example, &stdout_json(&output));
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn query_parameters_are_flags() {
    let server = strict_server().await;
    let (_, example) = success_example("list_bank_credit_notes");
    let number = example["bank_credit_notes"][0]["number"]
        .as_str()
        .expect("the example has a number")
        .to_string();
    Mock::given(method("GET"))
        .and(path("/v1/bank_credit_notes"))
        .and(query_param("number", number.as_str()))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    // The snake_case operation id works as an alias of the subcommand.
    let output = against(&server, "")
        .args(["list_bank_credit_notes", "--number", &number, "--page", "2"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    assert_same(&example, &stdout_json(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_body_comes_from_a_file_or_from_stdin() {
    let server = strict_server().await;
    let body = request_example("create_batch");
    let (status, example) = success_example("create_batch");
    Mock::given(method("POST"))
        .and(path("/v1/batches"))
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(status).set_body_json(&example))
        .expect(2)
        .mount(&server)
        .await;

    let file = std::env::temp_dir().join(format!("securities-cli-{}.json", std::process::id()));
    std::fs::write(&file, body.to_string()).expect("write the body");
    let from_file = against(&server, "")
        .args(["create-batch", "--json-body"])
        .arg(&file)
        .output()
        .expect("run");
    let _ = std::fs::remove_file(&file);
    assert!(from_file.status.success(), "{from_file:?}");
    assert_same(&example, &stdout_json(&from_file));

    let from_stdin = against(&server, "")
        .args(["create-batch", "--json-body", "-"])
        .write_stdin(body.to_string())
        .output()
        .expect("run");
    assert!(from_stdin.status.success(), "{from_stdin:?}");
    assert_same(&example, &stdout_json(&from_stdin));
}

/// The one line of stderr of a failed command: `error: ` and the crate's `Error`.
fn error_line(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line of error: {stderr}");
    let line = lines[0];
    assert!(
        line.len() <= "error: ".len() + securities_api::MAX_ERROR_TEXT,
        "the error text is bounded: {line}"
    );
    line.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_is_the_crates_error_on_stderr_with_exit_code_1() {
    let server = strict_server().await;
    let error = error_example("NotFound");
    Mock::given(method("GET"))
        .and(path("/v1/batches/999"))
        .respond_with(ResponseTemplate::new(404).set_body_json(&error))
        .expect(1)
        .mount(&server)
        .await;

    let output = against(&server, "")
        .args(["get-batch", "--id", "999"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let line = error_line(&output);
    assert!(
        line.starts_with("error: get_batch: the API answered 404 Not Found; body: "),
        "{line}"
    );
    let message = error["error"].as_str().expect("the example has a message");
    assert!(line.contains(message), "{line}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_error_body_is_cut_in_the_error_text() {
    let server = strict_server().await;
    let long = json!({ "error": "x".repeat(50_000) });
    Mock::given(method("GET"))
        .and(path("/v1/proposals/1"))
        .respond_with(ResponseTemplate::new(422).set_body_json(&long))
        .expect(1)
        .mount(&server)
        .await;
    let output = against(&server, "")
        .args(["get-proposal", "--id", "1"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let line = error_line(&output);
    assert!(
        line.starts_with("error: get_proposal: the API answered 422 Unprocessable Entity"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_body_file_is_an_error_before_any_request() {
    let server = strict_server().await;
    let output = against(&server, "")
        .args(["create-batch", "--json-body", "/nonexistent/body.json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/body.json"), "{stderr}");

    let output = against(&server, "")
        .args(["create-batch", "--json-body", "-"])
        .write_stdin("{not json")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("failed to parse"));
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_comes_from_the_environment_or_a_file_never_a_flag() {
    let server = strict_server().await;
    let output = securities()
        .args(["--base-url", &server.uri(), "get-batch", "--id", "1"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("SECURITIES_TOKEN"));

    let output = securities()
        .args(["--token", TOKEN, "get-batch", "--id", "1"])
        .output()
        .expect("run");
    assert_eq!(
        output.status.code(),
        Some(2),
        "there is no --token flag: {output:?}"
    );
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());

    let (_, example) = success_example("get_batch");
    Mock::given(method("GET"))
        .and(path("/v1/batches/118"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(2)
        .mount(&server)
        .await;
    let file = std::env::temp_dir().join(format!("securities-token-{}", std::process::id()));
    std::fs::write(&file, format!("{TOKEN}\n")).expect("write the token");
    let output = securities()
        .args([
            "--base-url",
            &server.uri(),
            "get-batch",
            "--id",
            "118",
            "--token-file",
        ])
        .arg(&file)
        .output()
        .expect("run");
    let _ = std::fs::remove_file(&file);
    assert!(output.status.success(), "{output:?}");
    let output = securities()
        .env("SECURITIES_BASE_URL", server.uri())
        .args(["get-batch", "--id", "118", "--token-file", "-"])
        .write_stdin(TOKEN)
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn bad_options_exit_with_2() {
    for args in [
        &["--env", "prod", "get-batch", "--id", "1"][..],
        &["--env", "sandbox", "get-batch", "--id", "1"][..],
        // Only the lists follow pages.
        &["get-batch", "--id", "1", "--all"][..],
        &["get-batch"][..],
        &["get-batch", "--id", "not-a-number"][..],
        &["no-such-operation"][..],
    ] {
        let output = securities()
            .env("SECURITIES_TOKEN", TOKEN)
            .args(args)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(!output.stderr.is_empty());
    }
    let output = securities()
        .env("SECURITIES_TOKEN", TOKEN)
        .args([
            "--base-url",
            "ftp://example.invalid",
            "get-batch",
            "--id",
            "1",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid base URL"));
}

/// `--help` lists every operation of the spec under its kebab-case id, with its summary.
#[test]
fn help_lists_every_operation_with_its_summary() {
    let output = securities().arg("--help").output().expect("run");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for op in securities_api::OPERATIONS {
        let (_, _, operation) = crate::common::operation(op.id);
        let summary = operation["summary"].as_str().expect("a summary");
        let name = op.id.replace('_', "-");
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&format!("{name} "))
                    && line.trim_end().ends_with(summary)),
            "{name}: {summary}\n{help}"
        );
    }
    assert!(spec()["paths"].is_object());
    let output = securities()
        .args(["create-batch", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("Create a batch"), "{help}");
    assert!(help.contains("--json-body <JSON-FILE>"), "{help}");
    assert!(help.contains("`-` to read it from stdin"), "{help}");
}

/// `--env` takes the environments of the spec's servers, in any case; `--base-url` wins.
#[tokio::test(flavor = "multi_thread")]
async fn env_takes_the_spec_environments() {
    let server = strict_server().await;
    let (_, example) = success_example("get_batch");
    let id = example["batch"]["id"].to_string();
    // Every environment of the spec, the last one shouted: the case does not matter.
    let mut names: Vec<String> = securities_api::Environment::ALL
        .iter()
        .map(|e| e.name().to_string())
        .collect();
    let last = names.last_mut().expect("an environment");
    *last = last.to_uppercase();
    Mock::given(method("GET"))
        .and(path(format!("/v1/batches/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(names.len() as u64)
        .mount(&server)
        .await;
    for name in &names {
        let output = against(&server, "")
            .args(["--env", name, "get-batch", "--id", &id])
            .output()
            .expect("run");
        assert!(output.status.success(), "{name}: {output:?}");
        assert_same(&example, &stdout_json(&output));
    }
    let help = securities().arg("--help").output().expect("run");
    let help = String::from_utf8_lossy(&help.stdout);
    let all: Vec<&str> = securities_api::Environment::ALL
        .iter()
        .map(|e| e.name())
        .collect();
    assert!(help.contains(&all.join(", ")), "{help}");
}

// --- `--all`: the items of every page, as NDJSON -------------------------------------------

/// The spec's example CCB, as item `n`: its own id and number.
fn ccb(n: usize) -> Value {
    let (_, example) = success_example("list_bank_credit_notes");
    let mut item = example["bank_credit_notes"][0].clone();
    item["id"] = json!(1000 + n);
    item["number"] = json!(format!("CCB-2023-{n:04}"));
    item
}

/// Page `page` of a list of CCBs: `items` of them, and `next` as its `next_page`.
fn ccb_page(page: usize, items: std::ops::Range<usize>, next: Option<usize>) -> Value {
    json!({
        "bank_credit_notes": items.map(ccb).collect::<Vec<_>>(),
        "page_infos": {
            "total_pages": 3,
            "current_page": page,
            "next_page": next,
            "prev_page": page.checked_sub(1).filter(|p| *p > 0),
        },
    })
}

/// Mounts page `page` of `list_bank_credit_notes` (the first page is asked for without
/// `page`), for the number filter `number`, answered `answer` once.
async fn mount_page(server: &MockServer, number: &str, page: usize, answer: ResponseTemplate) {
    let mock = Mock::given(method("GET"))
        .and(path("/v1/bank_credit_notes"))
        .and(query_param("number", number));
    let mock = if page == 1 {
        mock.and(query_param_is_missing("page"))
    } else {
        mock.and(query_param("page", page.to_string().as_str()))
    };
    mock.respond_with(answer)
        .named(format!("page {page}"))
        .expect(1)
        .mount(server)
        .await;
}

/// stdout as NDJSON: one JSON object per line.
fn ndjson(output: &std::process::Output) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.is_empty() || stdout.ends_with('\n'),
        "every line ends: {stdout}"
    );
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            assert!(value.is_object(), "{line}");
            value
        })
        .collect()
}

fn assert_items(expected: std::ops::Range<usize>, lines: &[Value]) {
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (n, line) in expected.zip(lines) {
        assert_same(&ccb(n), line);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn all_prints_the_items_of_every_page_as_ndjson() {
    let server = strict_server().await;
    let number = "CCB-2023";
    let ok = |body: Value| ResponseTemplate::new(200).set_body_json(body);
    mount_page(&server, number, 1, ok(ccb_page(1, 0..3, Some(2)))).await;
    mount_page(&server, number, 2, ok(ccb_page(2, 3..5, Some(3)))).await;
    mount_page(&server, number, 3, ok(ccb_page(3, 5..6, None))).await;

    let output = against(&server, "")
        .args(["list-bank-credit-notes", "--all", "--number", number])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    assert_items(0..6, &ndjson(&output));
    // stderr is not a terminal here: no progress line.
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn all_starts_at_the_page_given() {
    let server = strict_server().await;
    let number = "CCB-2023";
    let ok = |body: Value| ResponseTemplate::new(200).set_body_json(body);
    mount_page(&server, number, 2, ok(ccb_page(2, 3..5, Some(3)))).await;
    mount_page(&server, number, 3, ok(ccb_page(3, 5..6, None))).await;

    let output = against(&server, "")
        .args(["list_bank_credit_notes", "--number", number, "--page", "2"])
        .arg("--all")
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    assert_items(3..6, &ndjson(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn all_prints_the_first_pages_then_the_crates_error() {
    let server = strict_server().await;
    let number = "CCB-2023";
    mount_page(
        &server,
        number,
        1,
        ResponseTemplate::new(200).set_body_json(ccb_page(1, 0..3, Some(2))),
    )
    .await;
    let error = error_example("InternalServerError");
    mount_page(
        &server,
        number,
        2,
        ResponseTemplate::new(500).set_body_json(&error),
    )
    .await;

    let output = against(&server, "")
        .args(["list-bank-credit-notes", "--all", "--number", number])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_items(0..3, &ndjson(&output));
    let line = error_line(&output);
    assert!(
        line.starts_with(
            "error: list_bank_credit_notes: the API answered 500 Internal Server Error; body: "
        ),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn all_ends_quietly_when_the_reader_goes_away() {
    use std::io::BufRead as _;

    let server = strict_server().await;
    let number = "CCB-2023";
    // Pages far larger than a pipe's buffer, so that the binary is still writing page 1 when
    // the reader goes away.
    let per_page = 2_000;
    for page in 1..=3 {
        let next = (page < 3).then_some(page + 1);
        let items = (page - 1) * per_page..page * per_page;
        Mock::given(method("GET"))
            .and(path("/v1/bank_credit_notes"))
            .and(move |request: &Request| {
                let asked = request
                    .url
                    .query_pairs()
                    .find(|(name, _)| name == "page")
                    .map(|(_, value)| value.into_owned());
                asked.as_deref() == (page > 1).then(|| page.to_string()).as_deref()
            })
            .respond_with(ResponseTemplate::new(200).set_body_json(ccb_page(page, items, next)))
            .named(format!("page {page}"))
            .expect(0..=1)
            .mount(&server)
            .await;
    }

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_securities"))
        .env_remove("SECURITIES_ENV")
        .env_remove("SECURITIES_BASE_URL")
        .env("SECURITIES_TOKEN", TOKEN)
        .args(["--base-url", &server.uri()])
        .args(["list-bank-credit-notes", "--all", "--number", number])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn the binary");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .expect("read the first line");
    // `head -1`: the reader closes the pipe after one line.
    assert_same(&ccb(0), &serde_json::from_str(&first).expect("a JSON line"));

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the binary still runs after its reader went away");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(
        &mut child.stderr.take().expect("stderr is piped"),
        &mut stderr,
    )
    .expect("read stderr");
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "quietly: {stderr}");
    let asked = server.received_requests().await.unwrap_or_default().len();
    assert!(asked < 3, "it stopped early, after {asked} pages");
}

/// `--all` is on every list subcommand, and only there.
#[test]
fn every_list_takes_all() {
    for op in securities_api::OPERATIONS {
        let name = op.id.replace('_', "-");
        let output = securities()
            .args([name.as_str(), "--help"])
            .output()
            .expect("run");
        let help = String::from_utf8_lossy(&output.stdout);
        let paginated = securities_api::pagination::PAGINATED_OPERATIONS.contains(&op.id);
        assert_eq!(help.contains("--all"), paginated, "{name}: {help}");
    }
}

// --- `create-bank-credit-note`: the multipart upload ---------------------------------------

/// A PDF file for the upload, removed when dropped.
struct TempPdf(std::path::PathBuf);

impl TempPdf {
    fn new(tag: &str, bytes: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("securities-cli-{tag}-{}.pdf", std::process::id()));
        std::fs::write(&path, bytes).expect("write the PDF");
        TempPdf(path)
    }
}

impl Drop for TempPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The text part `name` of a multipart body, as it travels.
fn text_part(name: &str, value: &str) -> String {
    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn create_bank_credit_note_uploads_the_file_and_the_parts() {
    let server = strict_server().await;
    let (status, example) = success_example("create_bank_credit_note");
    Mock::given(method("POST"))
        .and(path("/gateway/v1/bank_credit_notes"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(status).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;
    let pdf: Vec<u8> = b"%PDF-1.7\n"
        .iter()
        .copied()
        .chain((0..=255u8).cycle().take(100_000))
        .collect();
    let file = TempPdf::new("upload", &pdf);
    let file_name = file
        .0
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .to_string();

    let output = against(&server, "/gateway")
        .args(["create-bank-credit-note", "--file"])
        .arg(&file.0)
        .args([
            "--signed",
            "true",
            "--signature-provider",
            "docusign",
            "--number",
            "CCB-2023-0107",
            "--installments",
            "24",
            "--issuer-full-name",
            "Caio Figueiredo Neves",
            "--issuer-document",
            "527.190.384-62",
            "--document-data",
            r#"{"financed_amount": 30500.0, "vehicle": "Fiat Strada 2021"}"#,
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    assert_same(&example, &stdout_json(&output));

    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = &request.body;
    let text = String::from_utf8_lossy(body);
    for (name, value) in [
        ("signed", "true"),
        ("signature_provider", "docusign"),
        ("number", "CCB-2023-0107"),
        ("installments", "24"),
        ("issuer_full_name", "Caio Figueiredo Neves"),
        ("issuer_document", "527.190.384-62"),
    ] {
        assert!(text.contains(&text_part(name, value)), "{name}: {text}");
    }
    // `document_data` travels as one text part holding the JSON document.
    let marker = "name=\"document_data\"\r\n\r\n";
    let at = text.find(marker).expect("a document_data part") + marker.len();
    let data = &text[at..at + text[at..].find("\r\n").expect("the part ends")];
    let data: Value = serde_json::from_str(data).expect("document_data is JSON");
    assert_eq!(
        data,
        json!({"financed_amount": 30500.0, "vehicle": "Fiat Strada 2021"})
    );
    // The file: its name, its type and its bytes, whole.
    assert!(
        text.contains(&format!(
            "Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\""
        )),
        "{text}"
    );
    assert!(text.contains("Content-Type: application/pdf"), "{text}");
    assert!(
        body.windows(pdf.len())
            .any(|window| window == pdf.as_slice()),
        "the PDF's bytes are in the body"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_bank_credit_note_refuses_bad_arguments_before_any_request() {
    let server = strict_server().await;
    let file = TempPdf::new("refused", b"%PDF-1.7\n");

    // `--file` is required: a usage error.
    let output = against(&server, "")
        .args(["create-bank-credit-note", "--number", "CCB-2023-0107"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--file"),
        "{output:?}"
    );

    // `--document-data` must be JSON.
    let output = against(&server, "")
        .args(["create-bank-credit-note", "--file"])
        .arg(&file.0)
        .args(["--document-data", "{financed_amount: 30500"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--document-data is not JSON"),
        "{output:?}"
    );

    // A file that cannot be read is the crate's error, with exit code 1.
    let output = against(&server, "")
        .args([
            "create-bank-credit-note",
            "--file",
            "/nonexistent/signed.pdf",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let line = error_line(&output);
    assert!(
        line.starts_with("error: create_bank_credit_note: "),
        "{line}"
    );

    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn create_bank_credit_note_rejected_exits_1_with_the_crates_error() {
    let server = strict_server().await;
    let error = error_example("UnprocessableEntity");
    Mock::given(method("POST"))
        .and(path("/v1/bank_credit_notes"))
        .respond_with(ResponseTemplate::new(422).set_body_json(&error))
        .expect(1)
        .mount(&server)
        .await;
    let file = TempPdf::new("rejected", b"%PDF-1.7\n");

    let output = against(&server, "")
        .args(["create-bank-credit-note", "--file"])
        .arg(&file.0)
        .args(["--number", "CCB-2023-0107"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let line = error_line(&output);
    assert!(
        line.starts_with(
            "error: create_bank_credit_note: the API answered 422 Unprocessable Entity; body: "
        ),
        "{line}"
    );
}

/// NDJSON of `create_proposal` bodies: the spec's example numbered `IMP-{n}` for each `n`.
fn proposals_ndjson(numbers: std::ops::Range<usize>) -> String {
    numbers
        .map(|n| {
            let mut body = request_example("create_proposal");
            body["proposal"]["number"] = json!(format!("IMP-{n}"));
            format!("{body}\n")
        })
        .collect()
}

/// `import-proposals` of `input` (on stdin) against `url`.
fn import(url: &str, input: String, extra: &[&str]) -> std::process::Output {
    securities()
        .env("SECURITIES_TOKEN", TOKEN)
        .args(["--base-url", url, "import-proposals"])
        .args(extra)
        .write_stdin(input)
        .output()
        .expect("run")
}

/// The `outcome` of each line, by line number.
fn outcomes(lines: &[Value]) -> std::collections::BTreeMap<u64, String> {
    lines
        .iter()
        .map(|l| {
            let line = l["line"].as_u64().expect("a line number");
            (line, l["outcome"].as_str().expect("an outcome").to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn import_creates_each_proposal_once_and_a_rerun_finds_them() {
    use crate::common::fake::{Config, Fake};

    let fake = Fake::start(Config::default()).await;
    let input = proposals_ndjson(0..12);
    let first = import(&fake.url, input.clone(), &["--concurrency", "3"]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let lines = ndjson(&first);
    assert_eq!(lines.len(), 12, "one outcome per line");
    assert!(
        outcomes(&lines).into_values().all(|o| o == "created"),
        "{lines:?}"
    );
    let numbers: Vec<&str> = lines.iter().filter_map(|l| l["number"].as_str()).collect();
    let expected: Vec<String> = (0..12).map(|n| format!("IMP-{n}")).collect();
    assert_eq!(numbers, expected, "in the order of the input");
    assert!(lines.iter().all(|l| l["id"].is_i64()), "{lines:?}");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(stderr.trim(), "summary: 12 items: 12 created");

    // Run again over the same input: every proposal is found, none sent again.
    let requests_before = fake.state.lock().expect("state").requests;
    let again = import(&fake.url, input, &[]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let lines = ndjson(&again);
    assert!(
        lines.len() == 12 && outcomes(&lines).into_values().all(|o| o == "found"),
        "{lines:?}"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("12 found"));
    let state = fake.state.lock().expect("state");
    assert_eq!(state.proposals.len(), 12, "no duplicate");
    assert_eq!(state.refused, 0, "no create sent for a number that exists");
    assert_eq!(state.requests - requests_before, 12, "one lookup each");
}

#[tokio::test(flavor = "multi_thread")]
async fn import_reports_a_bad_line_and_goes_on() {
    use crate::common::fake::{Config, Fake};

    let fake = Fake::start(Config::default()).await;
    let good = proposals_ndjson(0..4);
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(2, "{not json");
    let input = lines.join("\n") + "\n";
    let output = import(&fake.url, input, &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let printed = ndjson(&output);
    let by_line = outcomes(&printed);
    assert_eq!(
        by_line.into_iter().collect::<Vec<_>>(),
        [
            (1, "created".to_string()),
            (2, "created".to_string()),
            (3, "failed".to_string()),
            (4, "created".to_string()),
            (5, "created".to_string())
        ]
    );
    let bad = &printed[2];
    assert!(bad["number"].is_null(), "{bad}");
    assert!(
        bad["error"]
            .as_str()
            .is_some_and(|e| e.contains("not a create-proposal body")),
        "{bad}"
    );
    assert_eq!(fake.state.lock().expect("state").proposals.len(), 4);
    assert!(String::from_utf8_lossy(&output.stderr).contains("4 created, 1 failed"));
}

/// A proposal the server refuses (a 4xx) is `refused`, with the API's answer.
#[tokio::test(flavor = "multi_thread")]
async fn import_reports_a_refusal() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "Not found"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(422).set_body_json(json!({"errors": {"cpf": ["inválido"]}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let output = import(&server.uri(), proposals_ndjson(0..1), &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let printed = ndjson(&output);
    assert_eq!(printed[0]["outcome"], "refused", "{printed:?}");
    assert!(
        printed[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("422")),
        "{printed:?}"
    );
}

/// The spec's example batch (or document), in `status`.
fn with_status(id: &str, key: &str, status: &str) -> Value {
    let mut example = success_example(id).1;
    example[key]["status"] = json!(status);
    example
}

/// Answers `replies` in order, then the last one for ever.
async fn changing_server(replies: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    let last = replies.len() - 1;
    for (i, body) in replies.into_iter().enumerate() {
        let mock =
            Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(body));
        let mock = if i < last {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(&server).await;
    }
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_batch_polls_until_the_status() {
    let batch = |status| with_status("get_batch", "batch", status);
    let server =
        changing_server(vec![batch("checking"), batch("checking"), batch("signing")]).await;
    let output = against(&server, "")
        .args([
            "wait",
            "batch",
            "7",
            "--until-status",
            "signing",
            "--interval",
            "0.01",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout_json(&output)["batch"]["status"], "signing");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.url.path() == "/v1/batches/7"));
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_document_polls_while_the_status() {
    let document = |status| with_status("get_document_by_key", "document", status);
    let server = changing_server(vec![document("created"), document("validated")]).await;
    let key = "0b8f5d3e-3c1a-4a56-9a2e-7d1c2b3a4f5e";
    let output = against(&server, "")
        .args([
            "wait",
            "document",
            key,
            "--while-status",
            "created",
            "--interval",
            "0.01",
        ])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout_json(&output)["document"]["status"], "validated");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url.path(), format!("/v1/documents/bykey/{key}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_gives_up_at_its_deadline_with_exit_code_1() {
    let server = changing_server(vec![with_status("get_batch", "batch", "checking")]).await;
    let output = against(&server, "")
        .args(["wait", "batch", "7", "--while-status", "checking"])
        .args(["--interval", "0.01", "--max-wait", "0.3"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    // The last record read is printed, so nothing is lost.
    assert_eq!(stdout_json(&output)["batch"]["status"], "checking");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("deadline"), "{stderr}");
    assert!(!server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

/// Ctrl-C (SIGINT) during an import: nothing new is sent, the proposal in flight finishes and
/// is reported, then the summary; exit code 130. Every request sent belongs to a reported line.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_the_intake_and_reports_what_was_done() {
    let server = MockServer::start().await;
    let slow = std::time::Duration::from_millis(50);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Not found"}))
                .set_delay(slow),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(success_example("create_proposal").1)
                .set_delay(slow),
        )
        .mount(&server)
        .await;

    let url = server.uri();
    let import = ["--base-url", &url, "import-proposals", "--concurrency", "1"];
    let (child, stdout) = spawn_securities(&import, proposals_ndjson(0..200));
    let (lines, stderr) = interrupt_after(child, stdout, 2, 200);
    assert!(lines.iter().all(|l| l["outcome"] == "created"), "{lines:?}");
    assert!(
        stderr.contains(&format!("{} created", lines.len())),
        "{stderr}"
    );
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests.len(),
        2 * lines.len(),
        "a lookup and a create per line, no more"
    );
}

/// `fill --batch ID` of `input` (on stdin) against `url`.
fn fill(url: &str, batch: i64, input: String, extra: &[&str]) -> std::process::Output {
    securities()
        .env("SECURITIES_TOKEN", TOKEN)
        .args(["--base-url", url, "fill", "--batch", &batch.to_string()])
        .args(extra)
        .write_stdin(input)
        .output()
        .expect("run")
}

/// `securities` with `args` run in the background, `input` on its stdin, with its stdout to
/// read line by line.
fn spawn_securities(
    args: &[&str],
    input: String,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStdout>,
) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_securities"))
        .env_remove("SECURITIES_ENV")
        .env_remove("SECURITIES_BASE_URL")
        .env("SECURITIES_TOKEN", TOKEN)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn the binary");
    // Written aside: the input may be larger than a pipe holds, and the binary may stop
    // reading it.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
    let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout is piped"));
    (child, stdout)
}

/// Sends SIGINT to `child` once it has printed `lines` of its `total` outcome lines: it must
/// end with exit code 130, saying so, before printing all. The lines it printed, and its
/// stderr.
fn interrupt_after(
    mut child: std::process::Child,
    mut stdout: std::io::BufReader<std::process::ChildStdout>,
    lines: usize,
    total: usize,
) -> (Vec<Value>, String) {
    use std::io::{BufRead as _, Read as _};

    let mut printed = String::new();
    for _ in 0..lines {
        stdout.read_line(&mut printed).expect("an outcome line");
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(kill.success());
    stdout
        .read_to_string(&mut printed)
        .expect("the rest of stdout");
    let status = child.wait().expect("the binary ends");
    let mut stderr = String::new();
    let mut err = child.stderr.take().expect("stderr is piped");
    err.read_to_string(&mut stderr).expect("stderr");
    assert_eq!(status.code(), Some(130), "stderr: {stderr}");
    assert!(stderr.contains("interrupted by Ctrl-C"), "{stderr}");
    let printed: Vec<Value> = printed
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let count = printed.len();
    assert!(count >= lines && count < total, "{count} lines");
    (printed, stderr)
}

/// How many outcome lines say each outcome.
fn tally(lines: &[Value]) -> std::collections::BTreeMap<String, usize> {
    let mut tally = std::collections::BTreeMap::new();
    for line in lines {
        let outcome = line["outcome"].as_str().expect("an outcome").to_string();
        *tally.entry(outcome).or_default() += 1;
    }
    tally
}

/// Killed (SIGKILL) halfway through a fill with lost answers and slow ones, then run again
/// over the same input: the batch is complete, each number placed once, and the second run
/// refuses nothing (`FILL_KILL_NUMBERS` for another size than 120).
#[tokio::test(flavor = "multi_thread")]
async fn fill_killed_halfway_then_run_again_completes_the_batch() {
    use crate::common::fake::{Config, Fake};
    use std::io::BufRead as _;

    let n: usize = crate::common::sized("FILL_KILL_NUMBERS", 120);
    let fake = Fake::start(Config {
        delay: Some(std::time::Duration::from_millis(2)),
        ..Config::faulty()
    })
    .await;
    let batch = fake.add_batch(i32::try_from(n).expect("a quantity"));
    let numbers: Vec<String> = (0..n).map(|i| format!("CCB-K-{i}")).collect();
    fake.add_ccbs(numbers.clone());
    let input: String = numbers.iter().map(|n| format!("{n}\n")).collect();
    let started = std::time::Instant::now();

    let batch_id = batch.to_string();
    let args = ["--base-url", &fake.url, "fill", "--batch", &batch_id];
    let (mut child, mut stdout) = spawn_securities(&args, input.clone());
    let mut line = String::new();
    for _ in 0..n / 2 {
        stdout.read_line(&mut line).expect("an outcome line");
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("the binary ends");
    let placed_at_kill = fake.state.lock().expect("state").placed(batch).len();
    assert!(placed_at_kill < n, "killed before the end");

    let again = fill(&fake.url, batch, input, &[]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let lines = ndjson(&again);
    let tally = tally(&lines);
    assert_eq!(lines.len(), n, "one outcome per number: {tally:?}");
    let added = tally.get("added").copied().unwrap_or(0);
    let there = tally.get("already_there").copied().unwrap_or(0);
    assert_eq!(added + there, n, "{tally:?}");
    assert!(
        there >= n / 2,
        "what the first run reported is there: {tally:?}"
    );

    let state = fake.state.lock().expect("state");
    let mut placed = state.placed(batch);
    assert_eq!(placed.len(), n, "the batch is complete");
    placed.sort();
    placed.dedup();
    assert_eq!(placed.len(), n, "no number placed twice");
    assert_eq!(state.refused, 0, "nothing sent again for a placed number");
    eprintln!(
        "fill killed then resumed: {n} numbers, {placed_at_kill} placed at the kill, then \
         {there} already there + {added} added, {} faulted commits, {} requests, 0 refused, {:?}",
        state.faulted,
        state.requests,
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fill_refuses_a_bad_line_or_too_many_numbers_before_sending() {
    use crate::common::fake::{Config, Fake};

    let fake = Fake::start(Config::default()).await;
    let batch = fake.add_batch(2);
    fake.add_ccbs(["CCB-A", "CCB-B", "CCB-C"]);

    // Duplicatas need their data: a bare number is not one, and the line says so.
    let bad = fill(&fake.url, batch, "DM-1\n".into(), &["--duplicates"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 1"));

    let over = fill(&fake.url, batch, "CCB-A\nCCB-B\nCCB-C\n".into(), &[]);
    assert_eq!(over.status.code(), Some(1), "{over:?}");
    let stderr = String::from_utf8_lossy(&over.stderr);
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    let state = fake.state.lock().expect("state");
    assert!(state.placement_posts.is_empty(), "no POST");
}

#[tokio::test(flavor = "multi_thread")]
async fn fill_reports_a_refusal_and_exits_1() {
    use crate::common::fake::{Config, Fake};

    let fake = Fake::start(Config::default()).await;
    let batch = fake.add_batch(3);
    fake.add_ccbs(["CCB-A", "CCB-B"]);
    let input = "CCB-A\n{\"number\": \"CCB-B\", \"cession_value\": \"10.00\"}\nCCB-NONE\n";
    let output = fill(&fake.url, batch, input.into(), &["--concurrency", "2"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines = ndjson(&output);
    let by_number: std::collections::BTreeMap<&str, &str> = lines
        .iter()
        .map(|l| {
            (
                l["number"].as_str().unwrap_or(""),
                l["outcome"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(by_number.get("CCB-A"), Some(&"added"));
    assert_eq!(by_number.get("CCB-B"), Some(&"added"));
    assert_eq!(by_number.get("CCB-NONE"), Some(&"refused"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 added") && stderr.contains("1 refused"),
        "{stderr}"
    );
}

/// Ctrl-C stops a fill: what was reported is in the batch, the exit code is 130; the same
/// input run again completes the batch.
#[tokio::test(flavor = "multi_thread")]
async fn fill_stops_at_ctrl_c_and_a_rerun_completes_the_batch() {
    use crate::common::fake::{Config, Fake};

    let fake = Fake::start(Config {
        delay: Some(std::time::Duration::from_millis(20)),
        ..Config::default()
    })
    .await;
    let batch = fake.add_batch(200);
    let numbers: Vec<String> = (0..200).map(|i| format!("CCB-I-{i}")).collect();
    fake.add_ccbs(numbers.clone());
    let input: String = numbers.iter().map(|n| format!("{n}\n")).collect();
    let batch_id = batch.to_string();
    let args = [
        "--base-url",
        &fake.url,
        "fill",
        "--batch",
        &batch_id,
        "--concurrency",
        "2",
    ];
    let (child, stdout) = spawn_securities(&args, input.clone());
    let (reported, _) = interrupt_after(child, stdout, 3, 200);
    let placed = fake.state.lock().expect("state").placed(batch);
    assert!(placed.len() < 200, "sending stopped");
    for line in &reported {
        assert_eq!(line["outcome"], "added");
        let number = line["number"].as_str().expect("a number");
        assert!(
            placed.iter().any(|p| p == number),
            "{number} is in the batch"
        );
    }

    let again = fill(&fake.url, batch, input, &[]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let mut placed = fake.state.lock().expect("state").placed(batch);
    placed.sort();
    placed.dedup();
    assert_eq!(placed.len(), 200, "complete, each once");
}
