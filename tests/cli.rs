//! The `securities` binary (feature `cli`), run against a local server.
#![cfg(feature = "cli")]

mod common;

use assert_cmd::Command;
use common::{
    error_example, request_example, same_json, spec, strict_server, success_example, TOKEN,
};
use serde_json::Value;
use wiremock::{
    matchers::{body_json, header, method, path, query_param},
    Mock, MockServer, ResponseTemplate,
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
    Mock::given(method("GET"))
        .and(path("/gateway/v1/proposals/5120"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    let output = against(&server, "/gateway")
        .args(["get-proposal", "--id", "5120"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{output:?}");
    assert_same(&example, &stdout_json(&output));
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn query_parameters_are_flags() {
    let server = strict_server().await;
    let (_, example) = success_example("list_securities");
    Mock::given(method("GET"))
        .and(path("/v1/securities"))
        .and(query_param("number", "CCB-2022-0042"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    // The snake_case operation id works as an alias of the subcommand.
    let output = against(&server, "")
        .args([
            "list_securities",
            "--number",
            "CCB-2022-0042",
            "--page",
            "2",
        ])
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

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_goes_to_stderr_with_exit_code_1() {
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
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: the API answered 404 Not Found"),
        "{stderr}"
    );
    let body = stderr
        .split_once('\n')
        .map(|(_, body)| body)
        .unwrap_or_default();
    let body: Value = serde_json::from_str(body).expect("the error body is printed as JSON");
    assert_same(&error, &body);
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
        let (_, _, operation) = common::operation(op.id);
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
