//! Planted changes through `cargo xtask breaking --diff BASE NEW`, that is through Optic: each
//! breaking edit of the spec is caught, with the operation and field it concerns, and adding
//! optional fields is not.
//!
//! The fixtures are made here from the spec itself (parsed, edited, written as JSON under the
//! target directory). Optic comes from node_modules (`npm ci`), so these tests are ignored by
//! default; CI runs them with `cargo test -p xtask --test breaking -- --ignored`.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spec() -> Value {
    let text = std::fs::read_to_string(root().join("openapi/securities-api.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn require_optic() {
    let optic = root().join("node_modules/.bin/optic");
    assert!(
        optic.exists(),
        "{} is missing: run `npm ci` at the repository root first",
        optic.display()
    );
}

struct Run {
    code: Option<i32>,
    stdout: String,
}

/// Writes the spec and its planted edit, and runs the diff on them.
fn diff(name: &str, edit: impl FnOnce(&mut Value)) -> Run {
    require_optic();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("breaking-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let base = spec();
    let mut new = base.clone();
    edit(&mut new);
    let base_file = dir.join("base.json");
    let new_file = dir.join("new.json");
    std::fs::write(&base_file, serde_json::to_string_pretty(&base).unwrap()).unwrap();
    std::fs::write(&new_file, serde_json::to_string_pretty(&new).unwrap()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["breaking", "--diff"])
        .arg(&base_file)
        .arg(&new_file)
        .output()
        .expect("xtask runs");
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    };
    // Shown with --show-output: what Optic reported for this planted change.
    println!(
        "== {name} (exit {:?})\n{}{}",
        run.code,
        run.stdout,
        String::from_utf8_lossy(&output.stderr)
    );
    run
}

fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    doc.pointer_mut(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("the spec has no schema {name}: update this test"))
}

/// Asserts a failing run that reports exactly `lines` (whole lines, in any order).
fn caught(run: &Run, lines: &[&str]) {
    assert_eq!(run.code, Some(1), "not caught:\n{}", run.stdout);
    for line in lines {
        assert!(
            run.stdout.lines().any(|l| l == *line),
            "expected the line\n  {line}\namong\n{}",
            run.stdout
        );
    }
    let count = format!(
        "breaking: Optic found {} breaking change{}",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" }
    );
    assert!(
        run.stdout.lines().any(|l| l == count),
        "expected `{count}` in\n{}",
        run.stdout
    );
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn removing_a_response_field_is_caught_in_every_operation_that_returns_it() {
    let run = diff("remove-response-field", |doc| {
        let batch = schema(doc, "Batch");
        batch["properties"]
            .as_object_mut()
            .unwrap()
            .remove("quantity_signed")
            .expect("Batch.quantity_signed");
    });
    let message = "cannot remove response property 'quantity_signed'. This is a breaking change. \
                   [optic: prevent removing response property]";
    let lines: Vec<String> = [
        "GET /v1/batches",
        "POST /v1/batches",
        "GET /v1/batches/{id}",
        "GET /v1/assignments",
        "POST /v1/assignments",
        "GET /v1/assignments/{id}",
        "GET /v1/assignments/bynumber/{number}",
    ]
    .iter()
    .map(|op| format!("breaking: {op} `quantity_signed`: {message}"))
    .collect();
    caught(&run, &lines.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn adding_a_required_request_field_is_caught() {
    let run = diff("add-required-request-field", |doc| {
        let new_batch = schema(doc, "NewBatch");
        new_batch["properties"]["fund_id"] = json!({ "type": "integer", "format": "int64" });
        new_batch["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("fund_id"));
    });
    caught(
        &run,
        &[
            "breaking: POST /v1/batches `fund_id`: cannot add a required request property \
           'fund_id' to an existing operation. This is a breaking change. [optic: prevent \
           changing request property to required]",
        ],
    );
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn removing_an_operation_is_caught_once() {
    let run = diff("remove-operation", |doc| {
        doc["paths"]["/v1/batches/{id}"]
            .as_object_mut()
            .unwrap()
            .remove("get")
            .expect("GET /v1/batches/{id}");
    });
    // Its responses and their fields go with it: one change, not fifty.
    caught(
        &run,
        &[
            "breaking: GET /v1/batches/{id}: cannot remove an operation. This is a breaking \
           change. [optic: prevent operation removal]",
        ],
    );
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn narrowing_a_type_is_caught() {
    let run = diff("narrow-type", |doc| {
        schema(doc, "NewBatch")["properties"]["number"]["type"] = json!("integer");
    });
    caught(
        &run,
        &[
            "breaking: POST /v1/batches `number`: expected request body property 'number' not to \
           be narrowed. This is a breaking change. [optic: prevent request property type \
           changes]",
        ],
    );
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn narrowing_to_an_enum_is_caught() {
    let run = diff("narrow-enum", |doc| {
        schema(doc, "NewBatch")["properties"]["number"]["enum"] = json!(["L-2022-118"]);
    });
    caught(
        &run,
        &[
            "breaking: POST /v1/batches `number`: cannot add enum or const to request property \
           number. This is a breaking change. [optic: request and response property enums]",
        ],
    );
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn adding_optional_fields_is_not_flagged() {
    let run = diff("add-optional-fields", |doc| {
        schema(doc, "NewBatch")["properties"]["note"] = json!({ "type": "string" });
        schema(doc, "Batch")["properties"]["fund_name"] = json!({ "type": "string" });
    });
    assert_eq!(run.code, Some(0), "flagged:\n{}", run.stdout);
    assert!(run
        .stdout
        .lines()
        .any(|l| l == "breaking: Optic found 0 breaking changes"));
}

#[test]
#[ignore = "needs Optic: npm ci"]
fn the_spec_against_the_last_release() {
    require_optic();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("breaking")
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}{stderr}");
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("against release"), "{stdout}");
}
