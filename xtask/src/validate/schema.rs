//! A validator for the OpenAPI 3.0 Schema Objects of one document, written for rule 7 and
//! `cargo xtask manual` instead of a general JSON Schema engine (whose build cost the xtask
//! paid on every clean build, `generate` included).
//!
//! OpenAPI 3.0's Schema Object is a dialect of JSON Schema draft 4; this reads it as 3.0
//! means it, directly:
//!
//! - `type` (with `nullable: true` also allowing `null`, in `enum` too), `enum`;
//! - `format`: `date`, `date-time`, `time`, `uuid`, `ipv4`, `ipv6` are checked on strings;
//!   `int32` and `int64` bound an `integer` (unless `minimum`/`maximum` say otherwise);
//!   every other format (`double`, `binary`, `email`, ...) is an annotation;
//! - `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (draft 4's booleans),
//!   `multipleOf`; `minLength`, `maxLength`, `pattern` (ECMA-262, by `regress`);
//!   `items`, `minItems`, `maxItems`, `uniqueItems`; `properties`, `required`,
//!   `additionalProperties` (boolean or schema), `minProperties`, `maxProperties`;
//! - `allOf`, `anyOf`, `oneOf`, `not`;
//! - `$ref` to `#/components/schemas/...`, its siblings ignored (as 3.0 says);
//! - everything else (`description`, `default`, `example`, `discriminator`, `readOnly`,
//!   `x-...`, ...) is not a constraint.
//!
//! What other rules report (a `$ref` that does not resolve, an unknown `type`) is not a
//! constraint here, so that it is reported once, by its rule, and not by every example.
//!
//! The messages are those of the `jsonschema` crate the xtask used before, so that the
//! output did not change: `"7" is not of type "integer"`, `"id" is a required property`.

use crate::spec::{self, escape};
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;

use super::keywords::TYPES;

const SCHEMAS: &str = "#/components/schemas/";

/// Validates instances against the schemas of one OpenAPI document.
pub struct Validator<'d> {
    /// `components.schemas`, what `$ref`s point at.
    schemas: Option<&'d Map<String, Value>>,
    /// Every schema that lists `properties` and says nothing of `additionalProperties` is
    /// closed: a field it does not list fails.
    closed: bool,
}

/// One reason an instance does not fit.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// The instance at `path` (a JSON pointer, empty for the instance itself) breaks a
    /// constraint.
    Instance { path: String, message: String },
    /// A keyword of the schema cannot be applied (a `pattern` that is not a regex).
    Schema(String),
}

impl<'d> Validator<'d> {
    /// A validator for the schemas of `doc`, an OpenAPI 3.0 document as JSON.
    pub fn new(doc: &'d Value) -> Self {
        Validator {
            schemas: doc
                .pointer("/components/schemas")
                .and_then(Value::as_object),
            closed: false,
        }
    }

    /// The same, with every object schema that lists `properties` closed, unless it says
    /// `additionalProperties` itself.
    pub fn closed(self) -> Self {
        Validator {
            closed: true,
            ..self
        }
    }

    /// Every reason `instance` does not fit `schema`, instance errors in the order met
    /// (empty when it fits); a schema error is listed once.
    pub fn errors(&self, schema: &Value, instance: &Value) -> Vec<Error> {
        let mut out = Vec::new();
        self.check(
            schema,
            instance,
            &mut String::new(),
            &mut Vec::new(),
            &mut out,
        );
        let mut seen = Vec::new();
        out.retain(|e| match e {
            Error::Schema(message) if seen.contains(message) => false,
            Error::Schema(message) => {
                seen.push(message.clone());
                true
            }
            Error::Instance { .. } => true,
        });
        out
    }

    fn is_valid(&self, schema: &Value, instance: &Value, entered: &mut Vec<String>) -> bool {
        let mut out = Vec::new();
        self.check(schema, instance, &mut String::new(), entered, &mut out);
        out.is_empty()
    }

    /// `entered`: the `$ref`s followed since the last step into the instance, so that a
    /// schema that refers to itself without consuming anything does not loop.
    fn check(
        &self,
        schema: &Value,
        instance: &Value,
        path: &mut String,
        entered: &mut Vec<String>,
        out: &mut Vec<Error>,
    ) {
        let Some(object) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                fail(out, path, format!("False schema does not allow {instance}"));
            }
            return;
        };
        if let Some(reference) = spec::reference(schema) {
            let target = reference
                .strip_prefix(SCHEMAS)
                .and_then(|name| Some((name, self.schemas?.get(name)?)));
            if let Some((name, target)) = target {
                if !entered.iter().any(|n| n == name) {
                    entered.push(name.to_string());
                    self.check(target, instance, path, entered, out);
                    entered.pop();
                }
            }
            return;
        }
        let nullable = object.get("nullable") == Some(&Value::Bool(true));
        let ty = object
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| TYPES.contains(t));

        if let Some(ty) = ty {
            let fits = has_type(ty, instance) || (nullable && instance.is_null());
            if !fits {
                // `null` first, as the `jsonschema` crate listed them.
                let message = if nullable {
                    format!(r#"{instance} is not of types "null", "{ty}""#)
                } else {
                    format!(r#"{instance} is not of type "{ty}""#)
                };
                fail(out, path, message);
            }
        }
        if let Some(Value::Array(options)) = object.get("enum") {
            let mut options = options.clone();
            if nullable && !options.contains(&Value::Null) {
                options.push(Value::Null);
            }
            if !options.iter().any(|o| equal(o, instance)) {
                fail(out, path, enum_message(instance, &options));
            }
        }
        match instance {
            Value::String(s) => self.check_string(object, s, instance, path, out),
            Value::Number(n) => check_number(object, ty, n, path, out),
            Value::Array(items) => {
                self.check_array(object, items, instance, path, out);
            }
            Value::Object(fields) => self.check_object(object, fields, instance, path, out),
            Value::Null | Value::Bool(_) => {}
        }

        if let Some(Value::Array(all)) = object.get("allOf") {
            for sub in all {
                self.check(sub, instance, path, entered, out);
            }
        }
        if let Some(Value::Array(any)) = object.get("anyOf") {
            if !any.iter().any(|s| self.is_valid(s, instance, entered)) {
                fail(
                    out,
                    path,
                    format!(
                        "{instance} is not valid under any of the schemas listed in the \
                         'anyOf' keyword"
                    ),
                );
            }
        }
        if let Some(Value::Array(one)) = object.get("oneOf") {
            match one
                .iter()
                .filter(|s| self.is_valid(s, instance, entered))
                .count()
            {
                1 => {}
                0 => fail(
                    out,
                    path,
                    format!(
                        "{instance} is not valid under any of the schemas listed in the \
                         'oneOf' keyword"
                    ),
                ),
                _ => fail(
                    out,
                    path,
                    format!(
                        "{instance} is valid under more than one of the schemas listed in the \
                         'oneOf' keyword"
                    ),
                ),
            }
        }
        if let Some(not) = object.get("not") {
            if self.is_valid(not, instance, entered) {
                fail(out, path, format!("{not} is not allowed for {instance}"));
            }
        }
    }

    fn check_string(
        &self,
        object: &Map<String, Value>,
        s: &str,
        instance: &Value,
        path: &str,
        out: &mut Vec<Error>,
    ) {
        if let Some(format) = object.get("format").and_then(Value::as_str) {
            let valid = match format {
                "date" => Some(is_date(s)),
                "date-time" => Some(is_date_time(s)),
                "time" => Some(is_time(s)),
                "uuid" => Some(is_uuid(s)),
                "ipv4" => Some(s.parse::<std::net::Ipv4Addr>().is_ok()),
                "ipv6" => Some(s.parse::<std::net::Ipv6Addr>().is_ok()),
                _ => None,
            };
            if valid == Some(false) {
                fail(out, path, format!(r#"{instance} is not a "{format}""#));
            }
        }
        let length = s.chars().count() as u64;
        if let Some(limit) = object.get("minLength").and_then(Value::as_u64) {
            if length < limit {
                let plural = if limit == 1 { "" } else { "s" };
                let message = format!("{instance} is shorter than {limit} character{plural}");
                fail(out, path, message);
            }
        }
        if let Some(limit) = object.get("maxLength").and_then(Value::as_u64) {
            if length > limit {
                let plural = if limit == 1 { "" } else { "s" };
                let message = format!("{instance} is longer than {limit} character{plural}");
                fail(out, path, message);
            }
        }
        if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
            match regress::Regex::new(pattern) {
                Ok(regex) => {
                    if regex.find(s).is_none() {
                        fail(
                            out,
                            path,
                            format!(r#"{instance} does not match "{pattern}""#),
                        );
                    }
                }
                Err(e) => out.push(Error::Schema(format!(
                    "`pattern: {pattern}` is not an ECMA-262 regular expression: {e}"
                ))),
            }
        }
    }

    fn check_array(
        &self,
        object: &Map<String, Value>,
        items: &[Value],
        instance: &Value,
        path: &mut String,
        out: &mut Vec<Error>,
    ) {
        let count = items.len() as u64;
        if let Some(limit) = object.get("minItems").and_then(Value::as_u64) {
            if count < limit {
                let plural = if limit == 1 { "" } else { "s" };
                fail(
                    out,
                    path,
                    format!("{instance} has less than {limit} item{plural}"),
                );
            }
        }
        if let Some(limit) = object.get("maxItems").and_then(Value::as_u64) {
            if count > limit {
                let plural = if limit == 1 { "" } else { "s" };
                fail(
                    out,
                    path,
                    format!("{instance} has more than {limit} item{plural}"),
                );
            }
        }
        if object.get("uniqueItems") == Some(&Value::Bool(true)) {
            let repeated = items
                .iter()
                .enumerate()
                .any(|(i, a)| items[i + 1..].iter().any(|b| equal(a, b)));
            if repeated {
                fail(out, path, format!("{instance} has non-unique elements"));
            }
        }
        if let Some(schema) = object.get("items").filter(|s| s.is_object()) {
            for (i, item) in items.iter().enumerate() {
                self.step(schema, item, path, &i.to_string(), out);
            }
        }
    }

    fn check_object(
        &self,
        object: &Map<String, Value>,
        fields: &Map<String, Value>,
        instance: &Value,
        path: &mut String,
        out: &mut Vec<Error>,
    ) {
        let count = fields.len() as u64;
        if let Some(limit) = object.get("minProperties").and_then(Value::as_u64) {
            if count < limit {
                let plural = if limit == 1 { "y" } else { "ies" };
                let message = format!("{instance} has less than {limit} propert{plural}");
                fail(out, path, message);
            }
        }
        if let Some(limit) = object.get("maxProperties").and_then(Value::as_u64) {
            if count > limit {
                let plural = if limit == 1 { "y" } else { "ies" };
                let message = format!("{instance} has more than {limit} propert{plural}");
                fail(out, path, message);
            }
        }
        if let Some(Value::Array(required)) = object.get("required") {
            for name in required {
                if name.as_str().is_some_and(|n| !fields.contains_key(n)) {
                    fail(out, path, format!("{name} is a required property"));
                }
            }
        }
        let properties = object.get("properties").and_then(Value::as_object);
        if let Some(properties) = properties {
            for (name, schema) in properties {
                if let Some(field) = fields.get(name) {
                    self.step(schema, field, path, name, out);
                }
            }
        }
        let additional = match object.get("additionalProperties") {
            None if self.closed && properties.is_some() => Some(&Value::Bool(false)),
            other => other,
        };
        let listed = |name: &String| properties.is_some_and(|p| p.contains_key(name));
        match additional {
            Some(Value::Bool(false)) => {
                let unexpected: Vec<String> = fields
                    .keys()
                    .filter(|name| !listed(name))
                    .map(|name| format!("'{name}'"))
                    .collect();
                if !unexpected.is_empty() {
                    let verb = if unexpected.len() == 1 { "was" } else { "were" };
                    let message = format!(
                        "Additional properties are not allowed ({} {verb} unexpected)",
                        unexpected.join(", ")
                    );
                    fail(out, path, message);
                }
            }
            Some(schema @ Value::Object(_)) => {
                for (name, field) in fields.iter().filter(|(name, _)| !listed(name)) {
                    self.step(schema, field, path, name, out);
                }
            }
            _ => {}
        }
    }

    /// Checks the part `segment` of the instance at `path`.
    fn step(
        &self,
        schema: &Value,
        instance: &Value,
        path: &mut String,
        segment: &str,
        out: &mut Vec<Error>,
    ) {
        let length = path.len();
        path.push('/');
        path.push_str(&escape(segment));
        self.check(schema, instance, path, &mut Vec::new(), out);
        path.truncate(length);
    }
}

fn fail(out: &mut Vec<Error>, path: &str, message: String) {
    out.push(Error::Instance {
        path: path.to_string(),
        message,
    });
}

fn check_number(
    object: &Map<String, Value>,
    ty: Option<&str>,
    n: &Number,
    path: &str,
    out: &mut Vec<Error>,
) {
    let bounds = match (ty, object.get("format").and_then(Value::as_str)) {
        (Some("integer"), Some("int32")) => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        (Some("integer"), Some("int64")) => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    let minimum = object
        .get("minimum")
        .and_then(Value::as_number)
        .cloned()
        .or(bounds.map(|(min, _)| min.into()));
    let maximum = object
        .get("maximum")
        .and_then(Value::as_number)
        .cloned()
        .or(bounds.map(|(_, max)| max.into()));
    if let Some(limit) = minimum {
        let exclusive = object.get("exclusiveMinimum") == Some(&Value::Bool(true));
        match compare(n, &limit) {
            Ordering::Less => fail(
                out,
                path,
                format!("{n} is less than the minimum of {limit}"),
            ),
            Ordering::Equal if exclusive => fail(
                out,
                path,
                format!("{n} is less than or equal to the minimum of {limit}"),
            ),
            _ => {}
        }
    }
    if let Some(limit) = maximum {
        let exclusive = object.get("exclusiveMaximum") == Some(&Value::Bool(true));
        match compare(n, &limit) {
            Ordering::Greater => fail(
                out,
                path,
                format!("{n} is greater than the maximum of {limit}"),
            ),
            Ordering::Equal if exclusive => fail(
                out,
                path,
                format!("{n} is greater than or equal to the maximum of {limit}"),
            ),
            _ => {}
        }
    }
    if let Some(multiple) = object.get("multipleOf").and_then(Value::as_number) {
        let fits = match (integer(n), integer(multiple)) {
            (Some(a), Some(b)) => b == 0 || a % b == 0,
            _ => {
                let (a, b) = (float(n), float(multiple));
                b == 0.0 || ((a / b) - (a / b).round()).abs() < 1e-9
            }
        };
        if !fits {
            fail(out, path, format!("{n} is not a multiple of {multiple}"));
        }
    }
}

fn has_type(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value
            .as_number()
            .is_some_and(|n| integer(n).is_some() || float(n).fract() == 0.0),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn float(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

fn compare(a: &Number, b: &Number) -> Ordering {
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => float(a).partial_cmp(&float(b)).unwrap_or(Ordering::Equal),
    }
}

/// JSON equality, numbers by value (`1` equals `1.0`).
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => compare(a, b) == Ordering::Equal,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// `"x" is not one of "a", "b" or "c"`, the first two and a count beyond three options.
fn enum_message(instance: &Value, options: &[Value]) -> String {
    let shown: Vec<String> = options.iter().map(Value::to_string).collect();
    let list = match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first, second, third] => format!("{first}, {second} or {third}"),
        [first, second] => format!("{first} or {second}"),
        [first, second, ..] => format!("{first}, {second} or {} other candidates", shown.len() - 2),
    };
    format!("{instance} is not one of {list}")
}

pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3339 `full-date`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(s, 0..4), digits(s, 5..7), digits(s, 8..10))
    else {
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

/// RFC 3339 `full-time`: `HH:MM:SS`, optional fraction, then `Z` or `±HH:MM`. A leap second
/// is accepted at 23:59:60 UTC only.
pub fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(s, 0..2), digits(s, 3..5), digits(s, 6..8))
    else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &s[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    // Minutes after midnight UTC, for the leap second.
    let local = i64::from(hour * 60 + minute);
    let utc = match rest.as_bytes() {
        [b'Z' | b'z'] => local,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (Some(oh), Some(om)) = (digits(rest, 1..3), digits(rest, 4..6)) else {
                return false;
            };
            if oh > 23 || om > 59 {
                return false;
            }
            let offset = i64::from(oh * 60 + om);
            if *sign == b'+' {
                local - offset
            } else {
                local + offset
            }
        }
        _ => return false,
    };
    second != 60 || utc.rem_euclid(24 * 60) == 23 * 60 + 59
}

/// RFC 3339 `date-time`.
pub fn is_date_time(s: &str) -> bool {
    match s.find(['T', 't']) {
        Some(at) => is_date(&s[..at]) && is_time(&s[at + 1..]),
        None => false,
    }
}

/// The decimal number in `s[range]`, all of it digits.
fn digits(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    s.get(range)
        .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document with two component schemas: `A` (an object) and `Loop` (refers to itself).
    fn doc() -> Value {
        json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "tags": {"type": "array", "items": {"type": "string"}}
            }},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
        }}})
    }

    /// The messages for `instance` against `schema`, each as `path: message`.
    fn errors(schema: Value, instance: Value) -> Vec<String> {
        messages(&Validator::new(&doc()), schema, instance)
    }

    fn closed_errors(schema: Value, instance: Value) -> Vec<String> {
        messages(&Validator::new(&doc()).closed(), schema, instance)
    }

    fn messages(validator: &Validator<'_>, schema: Value, instance: Value) -> Vec<String> {
        validator
            .errors(&schema, &instance)
            .into_iter()
            .map(|e| match e {
                Error::Instance { path, message } => format!("{path}: {message}"),
                Error::Schema(message) => format!("schema: {message}"),
            })
            .collect()
    }

    fn ok(schema: Value, instance: Value) {
        assert_eq!(errors(schema, instance), Vec::<String>::new());
    }

    fn fails(schema: Value, instance: Value, expected: &[&str]) {
        assert_eq!(errors(schema, instance), expected);
    }

    #[test]
    fn type_and_nullable() {
        ok(json!({"type": "string"}), json!("a"));
        ok(json!({"type": "integer"}), json!(7));
        ok(json!({"type": "integer"}), json!(7.0));
        ok(json!({"type": "number"}), json!(7.5));
        ok(json!({"type": "boolean"}), json!(false));
        ok(json!({"type": "array"}), json!([]));
        ok(json!({"type": "object"}), json!({}));
        ok(json!({"type": "string", "nullable": true}), json!(null));
        fails(
            json!({"type": "integer"}),
            json!("7"),
            &[r#": "7" is not of type "integer""#],
        );
        fails(
            json!({"type": "integer"}),
            json!(7.5),
            &[r#": 7.5 is not of type "integer""#],
        );
        fails(
            json!({"type": "string"}),
            json!(null),
            &[r#": null is not of type "string""#],
        );
        fails(
            json!({"type": "string", "nullable": true}),
            json!(1),
            &[r#": 1 is not of types "null", "string""#],
        );
        // An unknown type is rule 8's to report.
        ok(json!({"type": "integr"}), json!("7"));
    }

    #[test]
    fn enum_with_nullable() {
        ok(json!({"enum": ["a", "b"]}), json!("b"));
        ok(json!({"enum": [1]}), json!(1.0));
        ok(json!({"enum": ["a"], "nullable": true}), json!(null));
        fails(
            json!({"enum": ["a", "b"]}),
            json!("c"),
            &[r#": "c" is not one of "a" or "b""#],
        );
        fails(
            json!({"enum": ["a"], "nullable": true}),
            json!("c"),
            &[r#": "c" is not one of "a" or null"#],
        );
        fails(
            json!({"enum": ["a", "b", "c", "d"]}),
            json!("e"),
            &[r#": "e" is not one of "a", "b" or 2 other candidates"#],
        );
    }

    #[test]
    fn string_formats() {
        ok(
            json!({"format": "uuid"}),
            json!("4b1f0c3e-8d2a-4f61-9a7e-2c5d9e0b7a14"),
        );
        ok(json!({"format": "date"}), json!("2024-02-29"));
        ok(
            json!({"format": "date-time"}),
            json!("2024-02-29T10:00:00.5-03:00"),
        );
        ok(json!({"format": "time"}), json!("23:59:60Z"));
        ok(json!({"format": "ipv4"}), json!("10.0.0.1"));
        ok(json!({"format": "ipv6"}), json!("::1"));
        // Annotations only, and formats apply to strings only.
        ok(json!({"format": "binary"}), json!("anything"));
        ok(json!({"format": "email"}), json!("not an address"));
        ok(json!({"format": "uuid"}), json!(7));
        fails(
            json!({"format": "uuid"}),
            json!("not-a-uuid"),
            &[r#": "not-a-uuid" is not a "uuid""#],
        );
        fails(
            json!({"format": "date"}),
            json!("2023-02-29"),
            &[r#": "2023-02-29" is not a "date""#],
        );
        fails(
            json!({"format": "date-time"}),
            json!("2024-02-29 10:00:00Z"),
            &[r#": "2024-02-29 10:00:00Z" is not a "date-time""#],
        );
        fails(
            json!({"format": "time"}),
            json!("12:00:60Z"),
            &[r#": "12:00:60Z" is not a "time""#],
        );
        fails(
            json!({"format": "ipv4"}),
            json!("10.0.0"),
            &[r#": "10.0.0" is not a "ipv4""#],
        );
    }

    #[test]
    fn format_functions() {
        assert!(is_uuid("4b1f0c3e-8d2a-4f61-9a7e-2c5d9e0b7a14"));
        assert!(!is_uuid("4b1f0c3e-8d2a-4f61-9a7e-2c5d9e0b7a1"));
        assert!(!is_uuid("4b1f0c3e+8d2a-4f61-9a7e-2c5d9e0b7a14"));
        assert!(is_date("2024-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-04-31"));
        assert!(!is_date("10/12/2022"));
        assert!(is_date_time("2024-01-15T10:30:00Z"));
        assert!(is_date_time("2024-01-15t10:30:00.123+05:30"));
        assert!(is_date_time("2016-12-31T23:59:60Z"));
        assert!(is_date_time("2016-12-31T20:59:60-03:00"));
        assert!(!is_date_time("2016-12-31T22:59:60Z"));
        assert!(!is_date_time("2024-01-15T10:30:00"));
        assert!(!is_date_time("2024-01-15T10:30Z"));
        assert!(!is_date_time("2024-01-15T24:00:00Z"));
        assert!(!is_date_time("2024-01-15T10:30:00.Z"));
        assert!(!is_date_time("2024-01-15T10:30:00+0530"));
        assert!(!is_date_time("2024-01-15"));
    }

    #[test]
    fn integer_formats_bound_the_value() {
        let int32 = json!({"type": "integer", "format": "int32"});
        ok(int32.clone(), json!(2_147_483_647));
        ok(int32.clone(), json!(-2_147_483_648));
        fails(
            int32.clone(),
            json!(2_147_483_648_u64),
            &[": 2147483648 is greater than the maximum of 2147483647"],
        );
        fails(
            int32,
            json!(-2_147_483_649_i64),
            &[": -2147483649 is less than the minimum of -2147483648"],
        );
        let int64 = json!({"type": "integer", "format": "int64", "nullable": true});
        ok(int64.clone(), json!(i64::MAX));
        fails(
            int64,
            json!(u64::MAX),
            &[": 18446744073709551615 is greater than the maximum of 9223372036854775807"],
        );
        // An explicit bound wins.
        ok(
            json!({"type": "integer", "format": "int32", "maximum": 5e10}),
            json!(3e9),
        );
    }

    #[test]
    fn numeric_bounds() {
        ok(json!({"minimum": 1, "maximum": 2}), json!(1.5));
        ok(json!({"minimum": 1}), json!("not a number"));
        fails(
            json!({"minimum": 1}),
            json!(0),
            &[": 0 is less than the minimum of 1"],
        );
        fails(
            json!({"maximum": 1.5}),
            json!(2),
            &[": 2 is greater than the maximum of 1.5"],
        );
        fails(
            json!({"minimum": 1, "exclusiveMinimum": true}),
            json!(1),
            &[": 1 is less than or equal to the minimum of 1"],
        );
        fails(
            json!({"maximum": 1, "exclusiveMaximum": true}),
            json!(1),
            &[": 1 is greater than or equal to the maximum of 1"],
        );
        ok(json!({"multipleOf": 0.5}), json!(2.5));
        ok(json!({"multipleOf": 3}), json!(9));
        fails(
            json!({"multipleOf": 3}),
            json!(10),
            &[": 10 is not a multiple of 3"],
        );
    }

    #[test]
    fn string_length_and_pattern() {
        ok(json!({"minLength": 2, "maxLength": 3}), json!("çã"));
        fails(
            json!({"minLength": 2}),
            json!("a"),
            &[r#": "a" is shorter than 2 characters"#],
        );
        fails(
            json!({"maxLength": 1}),
            json!("ab"),
            &[r#": "ab" is longer than 1 character"#],
        );
        ok(json!({"pattern": "^[0-9]{8}$"}), json!("12345678"));
        // Unanchored, as ECMA-262 `test`.
        ok(json!({"pattern": "[0-9]"}), json!("a1"));
        fails(
            json!({"pattern": "^[0-9]{8}$"}),
            json!("1234"),
            &[r#": "1234" does not match "^[0-9]{8}$""#],
        );
        let broken = json!({"type": "array", "items": {"pattern": "(("}});
        let found = errors(broken, json!(["a", "b"]));
        assert_eq!(found.len(), 1, "a schema error is said once: {found:?}");
        assert!(found[0].starts_with("schema: `pattern: ((`"), "{found:?}");
    }

    #[test]
    fn arrays() {
        let schema = json!({"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": true,
                            "items": {"type": "integer"}});
        ok(schema.clone(), json!([1, 2]));
        fails(schema.clone(), json!([]), &[": [] has less than 1 item"]);
        fails(
            schema.clone(),
            json!([1, 2, 3]),
            &[": [1,2,3] has more than 2 items"],
        );
        fails(
            schema.clone(),
            json!([1, 1.0]),
            &[": [1,1.0] has non-unique elements"],
        );
        fails(
            schema,
            json!([1, "2"]),
            &[r#"/1: "2" is not of type "integer""#],
        );
    }

    #[test]
    fn objects_properties_and_required() {
        let schema = json!({"type": "object", "required": ["id"],
                            "properties": {"id": {"type": "integer"}, "a/b": {"type": "string"}}});
        ok(schema.clone(), json!({"id": 1, "other": true}));
        fails(
            schema.clone(),
            json!({"a/b": "x"}),
            &[r#": "id" is a required property"#],
        );
        fails(
            schema,
            json!({"id": 1, "a/b": 2}),
            &[r#"/a~1b: 2 is not of type "string""#],
        );
        ok(
            json!({"minProperties": 1, "maxProperties": 1}),
            json!({"a": 1}),
        );
        fails(
            json!({"minProperties": 1}),
            json!({}),
            &[": {} has less than 1 property"],
        );
        fails(
            json!({"maxProperties": 1}),
            json!({"a": 1, "b": 2}),
            &[r#": {"a":1,"b":2} has more than 1 property"#],
        );
    }

    #[test]
    fn additional_properties() {
        let closed = json!({"properties": {"a": {}}, "additionalProperties": false});
        ok(closed.clone(), json!({"a": 1}));
        fails(
            closed.clone(),
            json!({"a": 1, "b": 2}),
            &[": Additional properties are not allowed ('b' was unexpected)"],
        );
        fails(
            closed,
            json!({"b": 1, "c": 2}),
            &[": Additional properties are not allowed ('b', 'c' were unexpected)"],
        );
        let map = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        ok(map.clone(), json!({"x": 1, "y": 2}));
        fails(
            map,
            json!({"x": 1, "y": "2"}),
            &[r#"/y: "2" is not of type "integer""#],
        );
        ok(
            json!({"properties": {}, "additionalProperties": true}),
            json!({"z": 1}),
        );
    }

    #[test]
    fn closed_validator_closes_objects_that_list_properties() {
        let schema = json!({"type": "object", "properties": {
            "a": {"type": "object", "properties": {"b": {}}},
            "free": {"type": "object"},
            "map": {"type": "object", "properties": {}, "additionalProperties": true}
        }});
        let fits = json!({"a": {"b": 1}, "free": {"x": 1}, "map": {"y": 2}});
        assert_eq!(
            closed_errors(schema.clone(), fits.clone()),
            Vec::<String>::new()
        );
        assert_eq!(
            closed_errors(schema.clone(), json!({"a": {"b": 1, "c": 2}, "d": 3})),
            [
                "/a: Additional properties are not allowed ('c' was unexpected)",
                ": Additional properties are not allowed ('d' was unexpected)",
            ]
        );
        // Through a `$ref` too; the open validator accepts the same.
        let reference = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(
            closed_errors(reference.clone(), json!({"id": 1, "colour": "red"})),
            [": Additional properties are not allowed ('colour' was unexpected)"]
        );
        ok(reference, json!({"id": 1, "colour": "red"}));
    }

    #[test]
    fn refs() {
        let reference = json!({"$ref": "#/components/schemas/A"});
        ok(reference.clone(), json!({"id": 1, "tags": ["x"]}));
        fails(
            reference.clone(),
            json!({"tags": [1]}),
            &[
                r#": "id" is a required property"#,
                r#"/tags/0: 1 is not of type "string""#,
            ],
        );
        // Siblings of `$ref` are ignored, as OpenAPI 3.0 says.
        ok(
            json!({"$ref": "#/components/schemas/A", "nullable": true, "type": "string"}),
            json!({"id": 1}),
        );
        // A `$ref` that does not resolve is rule 2's to report; a loop ends.
        ok(json!({"$ref": "#/components/schemas/B"}), json!(1));
        ok(json!({"$ref": "#/components/schemas/Loop"}), json!(1));
    }

    #[test]
    fn composition() {
        let all = json!({"allOf": [{"type": "integer"}, {"minimum": 2}]});
        ok(all.clone(), json!(3));
        fails(
            all,
            json!(1.5),
            &[
                r#": 1.5 is not of type "integer""#,
                ": 1.5 is less than the minimum of 2",
            ],
        );
        let any = json!({"anyOf": [{"type": "integer"}, {"type": "string"}]});
        ok(any.clone(), json!("a"));
        fails(
            any,
            json!(true),
            &[": true is not valid under any of the schemas listed in the 'anyOf' keyword"],
        );
        let one = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
        ok(one.clone(), json!(1.5));
        fails(
            one.clone(),
            json!("a"),
            &[r#": "a" is not valid under any of the schemas listed in the 'oneOf' keyword"#],
        );
        fails(
            one,
            json!(1),
            &[": 1 is valid under more than one of the schemas listed in the 'oneOf' keyword"],
        );
        ok(json!({"not": {"type": "string"}}), json!(1));
        fails(
            json!({"not": {"type": "string"}}),
            json!("a"),
            &[r#": {"type":"string"} is not allowed for "a""#],
        );
    }

    #[test]
    fn annotations_are_not_constraints() {
        ok(
            json!({"type": "string", "description": "d", "default": 1, "example": 2,
                   "readOnly": true, "deprecated": true, "x-extensible-enum": ["a"],
                   "discriminator": {"propertyName": "k"}}),
            json!("b"),
        );
    }
}
