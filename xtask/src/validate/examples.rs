//! Rule 7: every example validates against its schema.
//!
//! OpenAPI 3.0's Schema Object is a dialect of JSON Schema draft 4 (with draft 5's wording):
//! the schemas are translated to draft 4, then checked by the `jsonschema` crate. The
//! translation is where 3.0 differs: `nullable: true` adds `null` to `type` (and to `enum`),
//! a `$ref` replaces its siblings, `format: int32`/`int64` bound the integer, and the
//! OpenAPI-only keywords are dropped.

use super::keywords::TYPES;
use super::walk::{Index, Kind};
use super::Problem;
use crate::spec::{self, escape, join};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

const SCHEMAS: &str = "#/components/schemas/";
const DEFINITIONS: &str = "#/definitions/";

/// Validates every example; answers how many were checked.
pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) -> usize {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let names: BTreeSet<&str> = schemas
        .into_iter()
        .flatten()
        .map(|(n, _)| n.as_str())
        .collect();
    let definitions: Map<String, Value> = schemas
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), translate(schema, &names)))
        .collect();
    let mut checker = Checker {
        names: &names,
        definitions: Value::Object(definitions),
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
    /// The names of `components.schemas`.
    names: &'p BTreeSet<&'p str>,
    definitions: Value,
    checked: usize,
    problems: &'p mut Vec<Problem>,
}

impl Checker<'_> {
    fn check(&mut self, at: &str, example: &Value, schema: &Value) {
        self.checked += 1;
        // `allOf` rather than the schema at the root: beside a root `$ref`, draft 4 would
        // ignore `definitions` too.
        let root = json!({
            "allOf": [translate(schema, self.names)],
            "definitions": self.definitions,
        });
        let validator = match jsonschema::draft4::options()
            .should_validate_formats(true)
            .with_format("uuid", is_uuid)
            .with_format("date", is_date)
            .build(&root)
        {
            Ok(v) => v,
            Err(e) => {
                self.problems.push(super::Problem::new(
                    at,
                    format!("the schema of this example is not valid JSON Schema: {e}"),
                ));
                return;
            }
        };
        for error in validator.iter_errors(example) {
            let field = error.instance_path().to_string();
            let field = if field.is_empty() {
                "the example itself".to_string()
            } else {
                format!("field {field}")
            };
            self.problems.push(Problem::new(
                at,
                format!("example does not match its schema: {field}: {error}"),
            ));
        }
    }
}

/// An OpenAPI 3.0 Schema Object as a JSON Schema draft 4 schema; `names` are those of
/// `components.schemas`.
///
/// What other rules report (a `$ref` that does not resolve, an unknown `type`) becomes an
/// empty schema here, so that it is reported once, by its rule, and not by every example.
fn translate(schema: &Value, names: &BTreeSet<&str>) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    if let Some(reference) = spec::reference(schema) {
        return match reference.strip_prefix(SCHEMAS) {
            Some(name) if names.contains(name) => {
                json!({ "$ref": format!("{DEFINITIONS}{}", escape(name)) })
            }
            _ => json!({}),
        };
    }
    let mut out = Map::new();
    for (key, value) in object {
        let translated = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), translate(s, names)))
                    .collect(),
            ),
            "items" | "not" => translate(value, names),
            "additionalProperties" if value.is_object() => translate(value, names),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| translate(s, names))
                    .collect(),
            ),
            // Draft 4 wants at least one name.
            "required" if value.as_array().is_some_and(Vec::is_empty) => continue,
            "nullable" | "discriminator" | "readOnly" | "writeOnly" | "xml" | "externalDocs"
            | "example" | "deprecated" => continue,
            k if k.starts_with("x-") => continue,
            "type" if !value.as_str().is_some_and(|t| TYPES.contains(&t)) => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(t)) = out.get("type").cloned() {
            out.insert("type".into(), json!([t, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            if !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
        }
    }
    if out.get("type").and_then(Value::as_str) == Some("integer") {
        let bounds = match out.get("format").and_then(Value::as_str) {
            Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
            Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
            _ => None,
        };
        if let Some((min, max)) = bounds {
            out.entry("minimum").or_insert(min);
            out.entry("maximum").or_insert(max);
        }
    }
    Value::Object(out)
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3339 `full-date`.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Validates `example` against `schema` (an OpenAPI 3.0 schema of `doc`) with every object
/// schema that lists `properties` closed, unless it says `additionalProperties` itself: a
/// field of the example that the spec does not model is reported, not silently accepted.
/// Answers one message per problem (empty when the example fits).
pub fn strict_problems(doc: &Value, schema: &Value, example: &Value) -> Vec<String> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let names: BTreeSet<&str> = schemas
        .into_iter()
        .flatten()
        .map(|(n, _)| n.as_str())
        .collect();
    let definitions: Map<String, Value> = schemas
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), closed(translate(schema, &names))))
        .collect();
    let root = json!({
        "allOf": [closed(translate(schema, &names))],
        "definitions": definitions,
    });
    let validator = match jsonschema::draft4::options()
        .should_validate_formats(true)
        .with_format("uuid", is_uuid)
        .with_format("date", is_date)
        .build(&root)
    {
        Ok(v) => v,
        Err(e) => return vec![format!("the schema is not valid JSON Schema: {e}")],
    };
    validator
        .iter_errors(example)
        .map(|error| {
            let field = error.instance_path().to_string();
            let field = if field.is_empty() {
                "the example itself".to_string()
            } else {
                format!("field {field}")
            };
            format!("{field}: {error}")
        })
        .collect()
}

/// A translated schema with `additionalProperties: false` on every object that lists
/// `properties` and does not say otherwise.
fn closed(schema: Value) -> Value {
    match schema {
        Value::Object(mut object) => {
            for (key, value) in object.iter_mut() {
                match key.as_str() {
                    "properties" => {
                        if let Value::Object(properties) = value {
                            for property in properties.values_mut() {
                                *property = closed(property.take());
                            }
                        }
                    }
                    "items" | "not" | "additionalProperties" => *value = closed(value.take()),
                    "allOf" | "anyOf" | "oneOf" => {
                        if let Value::Array(list) = value {
                            for item in list.iter_mut() {
                                *item = closed(item.take());
                            }
                        }
                    }
                    _ => {}
                }
            }
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(object)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_adds_null_to_type_and_enum() {
        let t = translate(
            &json!({"type": "string", "nullable": true, "enum": ["a"]}),
            &names(),
        );
        assert_eq!(t, json!({"type": ["string", "null"], "enum": ["a", null]}));
    }

    #[test]
    fn ref_siblings_are_dropped_and_refs_point_at_definitions() {
        let t = translate(
            &json!({"$ref": "#/components/schemas/A", "nullable": true}),
            &names(),
        );
        assert_eq!(t, json!({"$ref": "#/definitions/A"}));
    }

    #[test]
    fn what_other_rules_report_is_left_out() {
        let t = translate(&json!({"$ref": "#/components/schemas/B"}), &names());
        assert_eq!(t, json!({}));
        let t = translate(&json!({"type": "integr", "minimum": 1}), &names());
        assert_eq!(t, json!({"minimum": 1}));
    }

    fn names() -> BTreeSet<&'static str> {
        BTreeSet::from(["A"])
    }

    #[test]
    fn integer_formats_bound_the_value() {
        let t = translate(&json!({"type": "integer", "format": "int32"}), &names());
        assert_eq!(t["maximum"], json!(2147483647));
    }

    #[test]
    fn formats() {
        assert!(is_uuid("4b1f0c3e-8d2a-4f61-9a7e-2c5d9e0b7a14"));
        assert!(!is_uuid("4b1f0c3e-8d2a-4f61-9a7e-2c5d9e0b7a1"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("10/12/2022"));
    }
}
