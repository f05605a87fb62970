//! Rule 7: every example validates against its schema, read as OpenAPI 3.0 means it
//! (`nullable`, `$ref` without siblings, `format: int32`/`int64` as bounds), through
//! `schema.rs` and the `jsonschema` crate.

use super::schema::Validator;
use super::walk::{Index, Kind};
use super::Problem;
use crate::spec::{self, join};
use serde_json::Value;

/// Validates every example; answers how many were checked.
pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) -> usize {
    let validator = Validator::new(doc, false);
    let mut checked = 0;
    let mut check = |at: String, example: &Value, schema: &Value| {
        checked += 1;
        let messages = match validator.errors(schema, example) {
            Ok(errors) => errors
                .into_iter()
                .map(|e| format!("example does not match its schema: {e}"))
                .collect(),
            Err(e) => vec![format!("the schema of this example cannot be applied: {e}")],
        };
        problems.extend(messages.into_iter().map(|m| Problem::new(at.as_str(), m)));
    };
    for node in &index.objects {
        let (schema, examples) = match node.kind {
            Kind::Schema => (node.value, None),
            Kind::MediaType | Kind::Parameter | Kind::Header => match node.value.get("schema") {
                Some(schema) => (schema, node.value.get("examples")),
                None => continue,
            },
            _ => continue,
        };
        if let Some(example) = node.value.get("example") {
            check(join(&node.at, "example"), example, schema);
        }
        for (name, example) in examples.and_then(Value::as_object).into_iter().flatten() {
            // A `$ref` that does not resolve is the linters' to report.
            if let Some(value) = spec::deref(doc, example).and_then(|e| e.get("value")) {
                check(join(&join(&node.at, "examples"), name), value, schema);
            }
        }
    }
    checked
}

/// Validates `example` against `schema` (an OpenAPI 3.0 schema of `doc`) with every object
/// schema that lists `properties` closed, unless it says `additionalProperties` itself: a
/// field of the example that the spec does not model is reported, not silently accepted.
/// Answers one message per problem (empty when the example fits).
pub fn strict_problems(doc: &Value, schema: &Value, example: &Value) -> Vec<String> {
    Validator::new(doc, true)
        .errors(schema, example)
        .unwrap_or_else(|e| vec![format!("the schema cannot be applied: {e}")])
}
