//! Validation of instances against the OpenAPI 3.0 Schema Objects of one document, by the
//! `jsonschema` crate (JSON Schema draft 4, which the 3.0 Schema Object extends).
//!
//! What 3.0 says differently from draft 4 is rewritten into draft 4 first:
//!
//! - `nullable: true` adds `null` to `type` (and to `enum`);
//! - `format: int32`/`int64` on an `integer` bound it (unless `minimum`/`maximum` say
//!   otherwise); of the other formats, `date`, `date-time`, `time`, `uuid`, `ipv4` and `ipv6`
//!   are checked and the rest (`double`, `binary`, `email`, ...) are annotations, as the
//!   spec uses them;
//! - `$ref` to `#/components/schemas/...` keeps its meaning, its siblings ignored (as in
//!   draft 4); the schemas are placed at the same pointer of the document given to the crate.
//!
//! What other rules report (a `$ref` that does not resolve, an unknown `type`) is left out,
//! so that it is reported once, by its rule, and not by every example. `x-` keywords,
//! `example`, `discriminator` and the like are not draft 4 keywords, which the crate ignores.

use crate::spec;
use serde_json::{json, Map, Value};

/// The values of `type` in OpenAPI 3.0; another (a typo that the linters report) is dropped.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

const SCHEMAS: &str = "#/components/schemas/";

/// The formats checked; any other is an annotation.
const CHECKED_FORMATS: [&str; 6] = ["date", "date-time", "time", "uuid", "ipv4", "ipv6"];

/// Validates instances against the schemas of one OpenAPI document.
pub struct Validator<'d> {
    doc: &'d Value,
    /// Every schema that lists `properties` and says nothing of `additionalProperties` is
    /// closed: a field it does not list fails.
    closed: bool,
    /// `components.schemas`, rewritten into draft 4.
    components: Value,
}

impl<'d> Validator<'d> {
    /// A validator for the schemas of `doc`, an OpenAPI 3.0 document as JSON; when `closed`,
    /// every object schema that lists `properties` is closed, unless it says
    /// `additionalProperties` itself.
    pub fn new(doc: &'d Value, closed: bool) -> Self {
        let mut validator = Validator {
            doc,
            closed,
            components: Value::Null,
        };
        let schemas = doc["components"]["schemas"].as_object();
        let rewritten: Map<String, Value> = schemas
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.clone(), validator.draft4(schema)))
            .collect();
        validator.components = json!({ "schemas": rewritten });
        validator
    }

    /// Every reason `instance` does not fit `schema`, as `field /a/b: ...` or `the example
    /// itself: ...` (empty when it fits); `Err` when the schema cannot be applied (a `pattern`
    /// that is not a regex).
    pub fn errors(&self, schema: &Value, instance: &Value) -> Result<Vec<String>, String> {
        let Value::Object(mut root) = self.draft4(schema) else {
            return Ok(Vec::new());
        };
        root.insert("components".into(), self.components.clone());
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .with_format("uuid", is_uuid)
            .build(&Value::Object(root))
            .map_err(|e| e.to_string())?;
        let errors = validator
            .iter_errors(instance)
            .map(|e| match e.instance_path().as_str() {
                "" => format!("the example itself: {e}"),
                path => format!("field {path}: {e}"),
            });
        Ok(errors.collect())
    }

    /// `schema` as draft 4 means the same.
    fn draft4(&self, schema: &Value) -> Value {
        let Some(object) = schema.as_object() else {
            return schema.clone();
        };
        if let Some(reference) = spec::reference(schema) {
            let known = reference
                .strip_prefix(SCHEMAS)
                .is_some_and(|name| self.doc["components"]["schemas"].get(name).is_some());
            return if known {
                json!({ "$ref": reference })
            } else {
                json!({})
            };
        }
        let mut out = Map::new();
        for (key, value) in object {
            let value = match key.as_str() {
                "properties" => Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, s)| (name.clone(), self.draft4(s)))
                        .collect(),
                ),
                "allOf" | "anyOf" | "oneOf" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|s| self.draft4(s))
                        .collect(),
                ),
                "items" | "not" | "additionalProperties" => self.draft4(value),
                "type" if !value.as_str().is_some_and(|t| TYPES.contains(&t)) => continue,
                "format" if !value.as_str().is_some_and(|f| CHECKED_FORMATS.contains(&f)) => {
                    continue
                }
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        self.openapi_readings(schema, &mut out);
        Value::Object(out)
    }

    /// `nullable`, the integer formats and, when closed, `additionalProperties`.
    fn openapi_readings(&self, schema: &Value, out: &mut Map<String, Value>) {
        if schema["nullable"] == true {
            if let Some(Value::String(ty)) = out.get("type") {
                let types = json!([ty, "null"]);
                out.insert("type".into(), types);
            }
            if let Some(Value::Array(options)) = out.get_mut("enum") {
                if !options.contains(&Value::Null) {
                    options.push(Value::Null);
                }
            }
        }
        let bounds = match (schema["type"].as_str(), schema["format"].as_str()) {
            (Some("integer"), Some("int32")) => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            (Some("integer"), Some("int64")) => Some((i64::MIN, i64::MAX)),
            _ => None,
        };
        if let Some((min, max)) = bounds {
            out.entry("minimum").or_insert(min.into());
            out.entry("maximum").or_insert(max.into());
        }
        if self.closed && out.contains_key("properties") {
            out.entry("additionalProperties").or_insert(false.into());
        }
    }
}

/// RFC 4122's textual form (draft 4 has no `uuid` format of its own).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(validator: &Validator<'_>, schema: Value, instance: Value) -> Vec<String> {
        validator
            .errors(&schema, &instance)
            .unwrap_or_else(|e| vec![format!("schema: {e}")])
    }

    fn doc() -> Value {
        json!({ "components": { "schemas": {
            "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": { "type": "integer", "format": "int32" },
                    "key": { "type": "string", "format": "uuid", "nullable": true },
                    "kind": { "type": "string", "enum": ["a"], "nullable": true, "x-note": 1 },
                    "email": { "type": "string", "format": "email" },
                    "next": { "$ref": "#/components/schemas/Thing" }
                }
            }
        } } })
    }

    #[test]
    fn openapi_readings() {
        let doc = doc();
        let open = Validator::new(&doc, false);
        let thing = json!({ "$ref": "#/components/schemas/Thing" });
        let fits = json!({"id": 1, "key": null, "kind": null, "email": "x", "other": 1});
        assert_eq!(messages(&open, thing.clone(), fits), Vec::<String>::new());
        let broken = json!({"id": 3_000_000_000_i64, "key": "k", "next": {"kind": "b"}});
        assert_eq!(
            messages(&open, thing.clone(), broken),
            [
                "field /id: 3000000000 is greater than the maximum of 2147483647",
                r#"field /key: "k" is not a "uuid""#,
                r#"field /next: "id" is a required property"#,
                r#"field /next/kind: "b" is not one of "a" or null"#,
            ]
        );
        let closed = Validator::new(&doc, true);
        assert_eq!(
            messages(&closed, thing, json!({"id": 1, "colour": "red"})),
            [
                r#"the example itself: Additional properties are not allowed ('colour' was unexpected)"#
            ]
        );
    }

    #[test]
    fn what_other_rules_report_is_left_out() {
        let doc = doc();
        let open = Validator::new(&doc, false);
        let schema = json!({"properties": {
            "a": { "$ref": "#/components/schemas/Missing" },
            "b": { "type": "integr" }
        }});
        assert_eq!(
            open.errors(&schema, &json!({"a": 1, "b": 1})),
            Ok(Vec::new())
        );
        let bad_pattern = json!({ "type": "string", "pattern": "(" });
        assert!(open.errors(&bad_pattern, &json!("x")).is_err());
    }
}
