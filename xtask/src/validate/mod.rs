//! `cargo xtask validate`: every rule the spec must keep, each reporting every problem it
//! finds, placed by JSON pointer or operationId.

mod document;
pub mod examples;
mod manual_word;
mod open_enums;
mod operations;
mod progenitor;
mod refs;
mod schema;
mod servers;
mod shared_errors;
mod walk;

pub use walk::index;

use crate::spec;
use serde_json::Value;
use std::fmt;

/// One broken rule, at a JSON pointer, an operationId or a `line:column` of the text.
pub struct Problem {
    pub at: String,
    pub message: String,
}

impl Problem {
    fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// What `validate` found.
#[derive(Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// The `openapi` version, when there is one.
    pub version: Option<String>,
    pub operations: usize,
    pub schemas: usize,
    /// How many examples were validated against their schema.
    pub examples: usize,
}

/// Checks the spec text against every rule.
pub fn validate(text: &str) -> Report {
    let mut report = Report::default();
    let yaml = match spec::parse_yaml(text) {
        Ok(yaml) => yaml,
        Err(e) => {
            let at = match (e.line, e.column) {
                (Some(line), Some(column)) => format!("{line}:{column}"),
                _ => "/".to_string(),
            };
            report
                .problems
                .push(Problem::new(at, format!("not valid YAML: {}", e.message)));
            return report;
        }
    };
    let doc = match spec::to_json(&yaml) {
        Ok(doc) => doc,
        Err(e) => {
            report.problems.push(Problem::new("/", e));
            return report;
        }
    };
    let problems = &mut report.problems;
    if !document::check(text, &doc, problems) {
        return report;
    }
    report.version = doc.get("openapi").and_then(Value::as_str).map(String::from);
    let index = walk::index(&doc);
    refs::check(&index, problems);
    operations::check(&index, problems);
    servers::check(&doc, &index, problems);
    shared_errors::check(&doc, &index, problems);
    progenitor::check(&doc, &index, problems);
    report.examples = examples::check(&doc, &index, problems);
    open_enums::check(&doc, problems);
    manual_word::check(&doc, &index, problems);
    report.operations = index.operations.len();
    report.schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, |s| s.len());
    report
}

/// How messages name a schema: a `$ref`'s component name, or "an inline schema".
fn schema_label(schema: &Value) -> String {
    match spec::reference(schema) {
        Some(r) => r.rsplit('/').next().unwrap_or(r).to_string(),
        None => "an inline schema".to_string(),
    }
}

/// Two schemas are the same body type when they are the same `$ref` or equal inline.
fn schema_identity(schema: &Value) -> String {
    match spec::reference(schema) {
        Some(r) => r.to_string(),
        None => schema.to_string(),
    }
}
