//! `cargo xtask validate` on the fixtures (one broken rule each) and on the real spec.
//!
//! Every broken fixture must fail with its exact messages and no others: the expected lines
//! are whole lines of the output and the problem count is exact.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary from the fixtures folder, so that messages start with the file name.
fn validate(args: &[&str], dir: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("xtask runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Asserts that `fixture` fails with exactly `count` problems, among them each of `expected`
/// (written without the `fixture:` prefix), as whole lines.
fn fails_with(fixture: &str, count: usize, expected: &[&str]) {
    let run = validate(&[fixture], &fixtures());
    assert_eq!(
        run.code,
        Some(1),
        "{fixture} did not fail:\n{}{}",
        run.stdout,
        run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    for message in expected {
        let line = format!("{fixture}:{message}");
        assert!(
            lines.contains(&line.as_str()),
            "{fixture}: expected the line\n  {line}\namong\n{}",
            run.stderr
        );
    }
    let plural = if count == 1 { "problem" } else { "problems" };
    assert_eq!(
        lines.last().copied(),
        Some(format!("{fixture}: {count} {plural}").as_str()),
        "{fixture}: wrong problem count in\n{}",
        run.stderr
    );
    assert_eq!(
        lines.len(),
        count + 1,
        "{fixture}: one line per problem:\n{}",
        run.stderr
    );
}

#[test]
fn the_real_spec_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let run = validate(&[], &root);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    // The number of operations is the spec's, stated nowhere else.
    assert!(
        run.stdout
            .starts_with("openapi/securities-api.yaml: valid OpenAPI 3.0.3: "),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "one summary line: {}",
        run.stdout
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn the_minimal_fixture_passes() {
    let run = validate(&["valid.yaml"], &fixtures());
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with(
            "valid.yaml: valid OpenAPI 3.0.3: 1 operations, 2 schemas, 3 examples checked"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn rule_1_openapi_3_1_is_rejected() {
    fails_with(
        "rule1-openapi-3-1.yaml",
        1,
        &[
            "/openapi: OpenAPI 3.1.0 is not supported (line 2): the document must be OpenAPI \
           3.0.x (progenitor reads 3.0 only)",
        ],
    );
}

#[test]
fn rule_1_yaml_syntax_errors_have_a_position() {
    fails_with(
        "rule1-yaml-syntax.yaml",
        1,
        &["20:14: not valid YAML: did not find expected ',' or ']', while parsing a flow sequence"],
    );
}

#[test]
fn rule_1_duplicate_keys_point_at_the_duplicate() {
    fails_with(
        "rule1-duplicate-key.yaml",
        1,
        &["21:7: not valid YAML: paths./v1/things/{id}.get: duplicate entry with key \"summary\" \
           (the mapping starts at line 18)"],
    );
}

#[test]
fn rule_1_documents_progenitor_cannot_read_are_rejected() {
    fails_with(
        "rule1-not-openapi.yaml",
        1,
        &[
            "47:5: not an OpenAPI 3.0 document as progenitor reads it: components.parameters: \
             unknown variant `body`, expected one of `query`, `header`, `path`, `cookie`",
        ],
    );
}

/// A `$ref` that does not resolve or points at the wrong kind: tests/lint.rs.
#[test]
fn rule_2_refs_stay_in_the_file_and_path_items_are_inline() {
    fails_with(
        "rule2-refs.yaml",
        3,
        &[
            "/paths/~1v1~1other: the path item is a `$ref` (#/paths/~1v1~1things~1{id}); \
             progenitor rejects path-level references: write the path item inline",
            "/paths/~1v1~1things~1{id}/get/parameters/0: `$ref: \
             common.yaml#/components/parameters/Id` points outside this document; the spec \
             must be one self-contained file",
            // What the misdirected reference takes away, seen by rule 5.
            "get_thing: response 403 references #/components/schemas/ApiError, not a shared \
             response under #/components/responses/",
        ],
    );
}

/// Unique ids, tags, summaries, path parameters: tests/lint.rs.
#[test]
fn rule_3_operation_ids_are_snake_case() {
    fails_with(
        "rule3-operations.yaml",
        1,
        &[
            "listThings: operationId `listThings` is not snake_case (lowercase words joined by \
           `_`, as the Rust method names are)",
        ],
    );
}

#[test]
fn rule_4_servers_and_bearer_auth() {
    fails_with(
        "rule4-servers-security.yaml",
        6,
        &[
            "/servers/0/x-environment: missing: name the server (kebab-case), the name \
             `SECURITIES_ENV` takes and the client's `Environment` variant is made from",
            "/servers/1/url: `http://api-staging.securities.example` is not an https URL: the \
             token must not travel in clear",
            "/servers/1/description: missing: say what the server is (the README's table and \
             the docs show it)",
            "/servers/2/x-environment: `staging` must be a kebab-case name that no other server \
             has",
            "/security: the global security requirement must be exactly `- bearerAuth: []`",
            "get_thing: overrides the global security without `bearerAuth`",
        ],
    );
}

#[test]
fn rule_5_shared_error_responses() {
    fails_with(
        "rule5-shared-errors.yaml",
        5,
        &[
            "get_thing: response 429 is missing: every operation references the shared error \
             responses",
            "get_thing: response 500 is written inline: reference the shared response with \
             `$ref: \"#/components/responses/...\"`",
            "/components/responses: the shared error responses must share one schema, but they \
             use ApiError for Unauthorized, Forbidden, UnprocessableEntity, TooManyRequests, \
             InternalServerError, BadGateway, ServiceUnavailable; Thing for NotFound",
            // The same mistakes, as progenitor would meet them (rule 6).
            "get_thing: more than one error body type: 401, 403, 422, 502, 503 (ApiError) vs \
             404 (Thing) vs 500 (no body); progenitor panics on it",
            "list_things: more than one error body type: 401, 403, 422, 429, 500, 502, 503 \
             (ApiError) vs 404 (Thing); progenitor panics on it",
        ],
    );
}

#[test]
fn rule_6_what_makes_progenitor_panic() {
    fails_with(
        "rule6-progenitor.yaml",
        6,
        &[
            "replace_thing: a `default` response beside the typed success 200: progenitor takes \
             `default` as a success and as an error, and panics when the bodies differ; list \
             the error statuses instead",
            "replace_thing: more than one success body type: default (ApiError) vs 200 (Thing); \
             progenitor panics on it",
            "create_thing: more than one success body type: 201 (ApiError) vs 200 (Thing); \
             progenitor panics on it",
            "create_thing: more than one error body type: 401, 403, 404, 422, 429, 500, 502, 503 \
             (ApiError) vs 409 (raw text/html); progenitor panics on it",
            "create_thing: the request body has 2 media types (application/json, \
             application/xml); progenitor supports exactly one",
            "create_thing: request body media type `application/xml` is not supported by \
             progenitor (it sends application/json, application/x-www-form-urlencoded, \
             application/octet-stream, text/plain, text/x-markdown)",
        ],
    );
}

#[test]
fn rule_7_examples_match_their_schemas() {
    let at = "/paths/~1v1~1things~1{id}/get/responses/200/content/application~1json";
    fails_with(
        "rule7-examples.yaml",
        6,
        &[
            &format!(
                "{at}/example: example does not match its schema: field /id: \"7\" is not of \
                 type \"integer\""
            ),
            &format!(
                "{at}/example: example does not match its schema: field /key: \"not-a-uuid\" \
                 is not a \"uuid\""
            ),
            &format!(
                "{at}/examples/broken: example does not match its schema: the example itself: \
                 \"id\" is a required property"
            ),
            // `key` is not nullable; `file: null` in the same fixture is, and passes.
            &format!(
                "{at}/examples/broken: example does not match its schema: field /key: null is \
                 not of type \"string\""
            ),
            "/components/parameters/Id/example: example does not match its schema: the example \
             itself: \"seven\" is not of type \"integer\"",
            "/components/schemas/ApiError/example: example does not match its schema: field \
             /error: 404 is not of type \"string\"",
        ],
    );
}

#[test]
fn rule_6_multipart_needs_a_handwritten_builder() {
    fails_with(
        "rule6-multipart.yaml",
        2,
        &[
            "get_thing: `x-handwritten` must say, in a sentence, why the operation is written \
             by hand",
            "upload_thing: request body `multipart/form-data` is not supported by progenitor: \
             implement the operation in src/ and mark it `x-handwritten` in the spec, saying why",
        ],
    );
}

#[test]
fn rule_9_enumerations_are_open() {
    fails_with(
        "rule9-open-enums.yaml",
        3,
        &[
            "/components/schemas/Status: a closed `enum`: list the known values in \
             `x-extensible-enum` on a plain string instead, so that clients in every language \
             accept new values",
            "/components/schemas/Kind: `x-extensible-enum` must be a non-empty list of strings \
             on a `type: string` schema",
            "/components/schemas/Role: `x-extensible-enum` lists a value twice",
        ],
    );
}

#[test]
fn rule_10_constraints_carry_the_manuals_word() {
    const WORD: &str = "without the manual's word for it: add `x-manual` quoting the manual's \
                        row or note it comes from, or `x-project-reading` with the reason the \
                        project reads it so";
    fails_with(
        "rule10-manual-word.yaml",
        7,
        &[
            "/x-format-readings: `date` is not the width of a number (int32, int64, float, \
             double): justify it where it stands with `x-manual` or `x-project-reading`",
            "/x-format-readings/int64: must be a non-empty string: the reason for this width",
            &format!("/components/parameters/Id/schema: `format: \"int64\"` {WORD}"),
            &format!("/components/schemas/Thing: `required: [\"id\"]` {WORD}"),
            &format!("/components/schemas/Thing/properties/id: `format: \"int64\"` {WORD}"),
            "/components/schemas/Thing/properties/key: `x-manual` must be a non-empty string",
            &format!("/components/schemas/Thing/properties/key: `format: \"uuid\"` {WORD}"),
        ],
    );
}

#[test]
fn a_missing_file_fails_with_its_name() {
    let run = validate(&["no-such-spec.yaml"], &fixtures());
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("no-such-spec.yaml: cannot read the spec:"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let run = validate(&["a.yaml", "b.yaml"], &fixtures());
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("usage: cargo xtask"), "{}", run.stderr);
}
