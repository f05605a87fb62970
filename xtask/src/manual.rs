//! `cargo xtask manual [DIR]`: every JSON example of the publisher's manual (the 2024-01
//! revision, `../shared/reference/api-docs-2024-01` beside the repository) against the spec.
//!
//! Each example is validated against the schema the spec gives the request or answer it
//! illustrates, with every object closed (`validate::examples::strict_problems`): a field
//! the manual shows and the spec does not model fails, as do a wrong type and a missing
//! required field. Examples that are not valid JSON (trailing commas, `...`, comments) are
//! listed, not checked; the spec models them from their visible fields.
//!
//! Which example illustrates what is the table [`EXAMPLES`], in the manual's order: the
//! manual has no machine-readable link from an example to its operation. A manual with more
//! or fewer examples than the table fails, so that a new revision is looked at, not skipped.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use regex::Regex;
use serde_json::Value;

use crate::{spec, validate::examples::strict_problems};

/// Where the manual is, from the repository root.
pub const DEFAULT_DIR: &str = "../shared/reference/api-docs-2024-01";

/// What an example of the manual illustrates: the operation, and `request` or the status of
/// the answer.
type Illustrates = (&'static str, &'static str);

/// The manual's files, and the examples of each in order: every ```json block, and the body
/// after `-d '` of every ```shell block that sends one.
const EXAMPLES: [(&str, &[Illustrates]); 2] = [
    (
        "api_nova_securities.md",
        &[
            ("list_proposals", "200"),
            ("get_proposal", "200"),
            ("create_proposal", "request"),
            ("create_proposal", "201"),
            ("list_signers", "200"),
            ("get_signer", "200"),
            ("create_document_signer", "request"),
            ("create_signer", "201"),
            ("create_document_signer", "201"),
            ("list_bank_credit_notes", "200"),
            ("get_bank_credit_note", "200"),
            ("create_bank_credit_note", "201"),
            ("list_arrangements", "200"),
            ("get_arrangement", "200"),
            ("list_assignments", "200"),
            ("get_assignment", "200"),
            ("create_assignment", "request"),
            ("create_assignment", "201"),
            ("list_batches", "200"),
            ("get_batch", "200"),
            ("create_batch", "request"),
            ("create_batch", "201"),
            ("list_security_batches", "200"),
            ("get_security_batch", "200"),
            ("create_security_batch", "request"),
            ("create_security_batch", "201"),
            ("list_duplicates", "200"),
            ("get_duplicate", "200"),
            ("list_duplicate_security_batches", "200"),
            ("get_duplicate_security_batch", "200"),
            ("create_duplicate_security_batch", "request"),
            ("create_duplicate_security_batch", "201"),
            ("get_document_by_key", "200"),
            ("list_signer_links", "200"),
            ("get_signer_link", "200"),
            ("link_signer", "request"),
            ("link_signer", "201"),
        ],
    ),
    (
        "migracao_antiga_securities.md",
        &[
            ("legacy_create_proposal", "request"),
            ("legacy_create_proposal", "201"),
            ("legacy_get_security", "200"),
            ("legacy_get_assignment", "200"),
            ("legacy_cancel_assignment", "200"),
            ("legacy_create_signer", "request"),
            ("legacy_create_signer", "201"),
            ("legacy_link_signer", "request"),
            ("legacy_link_signer", "201"),
            ("legacy_create_assignment", "request"),
            ("legacy_create_assignment", "201"),
            ("legacy_execute_assignment", "request"),
            ("legacy_execute_assignment", "202"),
        ],
    ),
];

pub fn run(root: &Path, dir: Option<&Path>) -> ExitCode {
    let dir = dir.map_or_else(|| root.join(DEFAULT_DIR), PathBuf::from);
    if !dir.is_dir() {
        // CI has the reference beside the clone; a checkout elsewhere may not.
        eprintln!(
            "manual: {} not found: pass the folder of the manual's 2024-01 revision",
            dir.display()
        );
        return crate::finish("manual", Ok(!crate::in_ci()));
    }
    crate::finish("manual", check(root, &dir))
}

fn check(root: &Path, dir: &Path) -> Result<bool, String> {
    let started = Instant::now();
    let doc = spec::read_json(&root.join(spec::DEFAULT_SPEC))?;
    let mut problems = Vec::new();
    let (mut checked, mut not_json) = (0, Vec::new());
    for (file, table) in EXAMPLES {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let blocks = examples(&text);
        if blocks.len() != table.len() {
            problems.push(format!(
                "{file}: {} examples, but the table in xtask/src/manual.rs knows {}: the manual \
                 changed; map its examples again",
                blocks.len(),
                table.len()
            ));
            continue;
        }
        for ((line, body), (operation, what)) in blocks.iter().zip(table.iter()) {
            let at = format!("{file}:{line} ({operation} {what})");
            let example: Value = match serde_json::from_str(body) {
                Ok(value) => value,
                Err(e) => {
                    not_json.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let Some(schema) = schema_of(&doc, operation, what) else {
                problems.push(format!("{at}: the spec has no JSON schema for it"));
                continue;
            };
            checked += 1;
            for problem in strict_problems(&doc, &schema, &example) {
                problems.push(format!("{at}: {problem}"));
            }
        }
    }
    for line in &not_json {
        println!("manual: not JSON, modelled from its visible fields: {line}");
    }
    if problems.is_empty() {
        println!(
            "manual: {checked} JSON examples of the manual validate against the spec with no \
             unmodelled field; {} are not JSON ({} ms)",
            not_json.len(),
            started.elapsed().as_millis()
        );
        return Ok(true);
    }
    for problem in &problems {
        eprintln!("manual: {problem}");
    }
    eprintln!(
        "manual: {} problems; fix the spec (openapi/securities-api.yaml), then `cargo xtask generate`",
        problems.len()
    );
    Ok(false)
}

/// The examples of a page of the manual, with the line each starts on.
fn examples(text: &str) -> Vec<(usize, &str)> {
    let block =
        Regex::new(r"(?m)^```(json|shell)[ \t\r]*\n((?s:.*?))\n?^```").expect("a valid regex");
    let examples = block.captures_iter(text).filter_map(|fenced| {
        let body = fenced.get(2)?;
        let line = text[..body.start()].lines().count() + 1;
        if &fenced[1] == "json" {
            return Some((line, body.as_str()));
        }
        let sent = body.as_str().split_once("-d '")?.1;
        Some((line, sent.rfind('\'').map_or(sent, |end| &sent[..end])))
    });
    examples.collect()
}

/// The schema of an operation's JSON request body (`request`) or of its answer with status
/// `what`, `$ref`s to components followed.
fn schema_of(doc: &Value, operation: &str, what: &str) -> Option<Value> {
    let index = crate::validate::index(doc);
    let op = index
        .operations
        .iter()
        .find(|op| op.label() == operation)?
        .value;
    let body = if what == "request" {
        op.get("requestBody")?
    } else {
        op.get("responses")?.get(what)?
    };
    let body = spec::deref(doc, body)?;
    body.get("content")?
        .get("application/json")?
        .get("schema")
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmodelled_field_or_a_wrong_type_fails() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let doc = spec::read_json(&root.join(spec::DEFAULT_SPEC)).expect("the spec loads");
        let schema = schema_of(&doc, "get_batch", "200").expect("get_batch answers JSON");
        let fits = serde_json::json!({"batch": {"id": 1, "status": "a_new_status"}});
        assert_eq!(strict_problems(&doc, &schema, &fits), Vec::<String>::new());
        let unmodelled = serde_json::json!({"batch": {"id": 1, "colour": "red"}});
        let problems = strict_problems(&doc, &schema, &unmodelled);
        assert!(
            problems.len() == 1 && problems[0].contains("colour"),
            "{problems:?}"
        );
        let wrong_type = serde_json::json!({"batch": {"id": "one"}});
        assert_eq!(strict_problems(&doc, &schema, &wrong_type).len(), 1);
        // Free-form data stays open.
        let schema = schema_of(&doc, "create_proposal", "request").expect("a JSON body");
        let mut body = doc
            .pointer("/paths/~1v1~1proposals/post/requestBody/content/application~1json/example")
            .cloned()
            .expect("an example");
        body["proposal"]["document_data"]["anything"] = serde_json::json!(true);
        assert_eq!(strict_problems(&doc, &schema, &body), Vec::<String>::new());
    }

    #[test]
    fn finds_json_blocks_and_sent_bodies_in_order() {
        let page = "# T\n```shell\ncurl -X POST x \\\n -d '{\n \"a\": 1\n}'\n```\n\n```json\n{\"b\": 2}\n```\n```shell\ncurl x\n```\n";
        let found = examples(page);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, 3);
        assert_eq!(
            serde_json::from_str::<Value>(found[0].1).ok(),
            Some(serde_json::json!({"a": 1}))
        );
        assert_eq!(found[1].1, "{\"b\": 2}");
    }
}
