//! The defects that `cargo xtask validate` leaves to the linters, planted in fixtures and
//! caught by `cargo xtask lint SPEC`: each expected finding is part of a line of its output,
//! `SPEC:<pointer>: <tool> <severity> <rule>: <message> (line N)`.
//!
//! Spectral and Redocly come from node_modules (`npm ci`), so these tests are ignored by
//! default; CI runs them with `cargo test -p xtask --test lint -- --ignored`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Lints `file` (in `dir`) and asserts that it fails with each of `expected` in its output.
fn caught(dir: &Path, file: &str, expected: &[&str]) {
    let linter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/spectral");
    assert!(linter.exists(), "run `npm ci` at the repository root first");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["lint", file])
        .current_dir(dir)
        .output()
        .expect("xtask runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{file} passed:\n{said}");
    for finding in expected {
        assert!(
            said.lines()
                .any(|l| l.starts_with(&format!("{file}:")) && l.contains(finding)),
            "{file}: expected\n  {finding}\namong\n{said}"
        );
    }
}

#[test]
#[ignore = "needs Spectral and Redocly: npm ci"]
fn keywords_that_openapi_ignores() {
    caught(
        &fixtures(),
        "keyword-typos.yaml",
        &[
            "/get/sumary: spectral error oas3-schema: Property \"sumary\" is not expected",
            "/get/sumary: redocly error struct: Property `sumary` is not expected here.",
            "/Thing/requried: spectral error oas3-schema: Property \"requried\" is not expected",
            "/file/nulable: redocly error struct: Property `nulable` is not expected here.",
            "/id/type: spectral error oas3-schema: \"type\" property must be equal to one of the \
             allowed values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \
             \"string\". Did you mean \"integer\"?",
            "/thing/nullable: spectral error no-$ref-siblings: $ref must not be placed next to \
             any other properties",
        ],
    );
}

#[test]
#[ignore = "needs Spectral and Redocly: npm ci"]
fn refs_that_do_not_resolve_or_point_at_the_wrong_kind() {
    caught(
        &fixtures(),
        "rule2-refs.yaml",
        &[
            "/schema/$ref: spectral error invalid-ref: '#/components/schemas/Thingy' does not \
             exist",
            "/schema: redocly error no-unresolved-refs: Can't resolve $ref",
            // The schema ApiError, referenced where a response stands.
            "/components/schemas/ApiError: redocly error struct: The field `description` must \
             be present on this level.",
        ],
    );
}

#[test]
#[ignore = "needs Spectral and Redocly: npm ci"]
fn operation_ids_tags_summaries_and_path_parameters() {
    caught(
        &fixtures(),
        "rule3-operations.yaml",
        &[
            "/operationId: spectral error operation-operationId-unique: Every operation must \
             have unique \"operationId\".",
            "~1things/get: spectral warning operation-tags: Operation must have non-empty \
             \"tags\" array.",
            "/tags/0: spectral warning operation-tag-defined: Operation tags must be defined in \
             global tags.",
            "~1things/get/summary: redocly error operation-summary: Operation object should \
             contain `summary` field.",
            "spectral error path-params: Operation must define parameter \"{part_id}\" as \
             expected by path \"/v1/things/{id}/parts/{part_id}\".",
            "spectral error path-params: Parameter \"thing_id\" must be used in path \
             \"/v1/things/{id}/parts/{part_id}\".",
            "spectral error path-params: Path parameter \"thing_id\" must have \"required\" \
             property that is set to \"true\".",
        ],
    );
}

#[test]
#[ignore = "needs Spectral and Redocly: npm ci"]
fn no_operation_id_no_title_no_servers_no_responses_and_a_key_that_is_no_status() {
    let text = std::fs::read_to_string(fixtures().join("valid.yaml")).unwrap();
    let mut doc: Value = serde_norway::from_str(&text).unwrap();
    let get = &mut doc["paths"]["/v1/things/{id}"]["get"];
    get.as_object_mut().unwrap().remove("operationId");
    let responses = get["responses"].as_object_mut().unwrap();
    let ok = responses.remove("200").unwrap();
    responses.insert("2OO".into(), ok);
    doc["info"].as_object_mut().unwrap().remove("title");
    doc["servers"] = serde_json::json!([]);
    doc["paths"]["/v1/empty"] = serde_json::json!({
        "get": { "operationId": "empty", "tags": ["things"], "summary": "E", "responses": {} }
    });
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let text = serde_json::to_string_pretty(&doc).unwrap();
    std::fs::write(dir.join("lint-planted.json"), text).unwrap();
    caught(
        &dir,
        "lint-planted.json",
        &[
            "/get: spectral warning operation-operationId: Operation must have \"operationId\".",
            "/info: spectral error oas3-schema: \"info\" property must have required property \
             \"title\".",
            "/responses/2OO: spectral error oas3-schema: Property \"2OO\" is not expected",
            "/servers: spectral warning oas3-api-servers: OpenAPI \"servers\" must be present and \
             non-empty array.",
            "/servers: redocly error no-empty-servers: Servers must be a non-empty array.",
            "~1v1~1empty/get/responses: spectral error oas3-schema: \"responses\" property must \
             not have fewer than 1 properties.",
        ],
    );
}
