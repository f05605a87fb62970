//! Rule 7: every example validates against its schema, read as OpenAPI 3.0 means it
//! (`nullable`, `$ref` without siblings, `format: int32`/`int64` as bounds), through
//! `schema.rs` and the `jsonschema` crate.

use super::schema::{Error, Validator};
use super::walk::{Index, Kind};
use super::Problem;
use crate::spec::{self, join};
use serde_json::Value;

/// Validates every example; answers how many were checked.
pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) -> usize {
    let mut checker = Checker {
        validator: Validator::new(doc),
        checked: 0,
        problems,
    };
    for node in &index.objects {
        match node.kind {
            Kind::Schema => {
                if let Some(example) = node.value.get("example") {
                    checker.check(&join(&node.at, "example"), example, node.value);
                }
            }
            Kind::MediaType | Kind::Parameter | Kind::Header => {
                let Some(schema) = node.value.get("schema") else {
                    continue;
                };
                if let Some(example) = node.value.get("example") {
                    checker.check(&join(&node.at, "example"), example, schema);
                }
                let examples = node.value.get("examples").and_then(Value::as_object);
                for (name, example) in examples.into_iter().flatten() {
                    let at = join(&join(&node.at, "examples"), name);
                    // A `$ref` that does not resolve is the `$ref` rule's to report.
                    let Some(value) = spec::deref(doc, example).and_then(|e| e.get("value")) else {
                        continue;
                    };
                    checker.check(&at, value, schema);
                }
            }
            _ => {}
        }
    }
    checker.checked
}

struct Checker<'p> {
    validator: Validator<'p>,
    checked: usize,
    problems: &'p mut Vec<Problem>,
}

impl Checker<'_> {
    fn check(&mut self, at: &str, example: &Value, schema: &Value) {
        self.checked += 1;
        for error in self.validator.errors(schema, example) {
            self.problems.push(Problem::new(
                at,
                match error {
                    Error::Instance { path, message } => format!(
                        "example does not match its schema: {}: {message}",
                        field(&path)
                    ),
                    Error::Schema(message) => {
                        format!("the schema of this example cannot be applied: {message}")
                    }
                },
            ));
        }
    }
}

/// How messages name the part of an example at `path`, a JSON pointer.
fn field(path: &str) -> String {
    if path.is_empty() {
        "the example itself".to_string()
    } else {
        format!("field {path}")
    }
}

/// Validates `example` against `schema` (an OpenAPI 3.0 schema of `doc`) with every object
/// schema that lists `properties` closed, unless it says `additionalProperties` itself: a
/// field of the example that the spec does not model is reported, not silently accepted.
/// Answers one message per problem (empty when the example fits).
pub fn strict_problems(doc: &Value, schema: &Value, example: &Value) -> Vec<String> {
    Validator::new(doc)
        .closed()
        .errors(schema, example)
        .into_iter()
        .map(|error| match error {
            Error::Instance { path, message } => format!("{}: {message}", field(&path)),
            Error::Schema(message) => format!("the schema cannot be applied: {message}"),
        })
        .collect()
}
