//! Rule 10: every constraint of a schema says where it comes from. A `format`, a bound, a
//! `pattern`, a `default` or a `required` list the manual does not state becomes a stricter
//! type in every generated client, and shows only in production (a `format: uuid` on a key
//! the manual types `string` makes a successful answer fail to decode). So each schema that
//! has one carries either `x-manual`, quoting the manual's row or note it comes from, or
//! `x-project-reading`, the reason the project reads it so where the manual is silent.
//!
//! One exception keeps the spec readable: the width of an integer or a number (`int32`,
//! `int64`, `float`, `double`), which the manual never gives, may be justified once for the
//! whole document in the root's `x-format-readings` (format → reason). A `format` on a
//! string (`uuid`, `date`, `date-time`, ...) narrows what the wire may carry and is
//! justified where it stands.

use super::walk::{Index, Kind};
use super::Problem;
use serde_json::Value;

/// The keywords that constrain a value beyond its `type`.
const CONSTRAINTS: [&str; 16] = [
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "default",
    "required",
];

/// The extensions that justify them.
const WORDS: [&str; 2] = ["x-manual", "x-project-reading"];

/// The formats `x-format-readings` may justify: widths of numbers.
const WIDTHS: [&str; 4] = ["int32", "int64", "float", "double"];

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    let readings = doc.get("x-format-readings");
    if readings.is_some_and(|r| !r.is_object()) {
        problems.push(Problem::new(
            "/x-format-readings",
            "must be a mapping of a number's format to the reason for it",
        ));
    }
    for (format, reason) in readings.and_then(Value::as_object).into_iter().flatten() {
        if !WIDTHS.contains(&format.as_str()) {
            problems.push(Problem::new(
                "/x-format-readings",
                format!(
                    "`{format}` is not the width of a number ({}): justify it where it stands \
                     with `x-manual` or `x-project-reading`",
                    WIDTHS.join(", ")
                ),
            ));
        } else if !is_word(reason) {
            problems.push(Problem::new(
                format!("/x-format-readings/{format}"),
                "must be a non-empty string: the reason for this width",
            ));
        }
    }
    let width_reading = |format: &str| {
        WIDTHS.contains(&format) && readings.and_then(|r| r.get(format)).is_some_and(is_word)
    };

    for node in index.objects.iter().filter(|n| n.kind == Kind::Schema) {
        let Some(map) = node.value.as_object() else {
            continue;
        };
        let mut justified = false;
        for word in WORDS {
            match map.get(word) {
                Some(value) if is_word(value) => justified = true,
                Some(_) => problems.push(Problem::new(
                    node.at.as_str(),
                    format!("`{word}` must be a non-empty string"),
                )),
                None => {}
            }
        }
        if justified {
            continue;
        }
        let is_number = matches!(node.value["type"].as_str(), Some("integer" | "number"));
        for key in CONSTRAINTS {
            let Some(value) = map.get(key) else {
                continue;
            };
            if key == "required" && value.as_array().is_some_and(Vec::is_empty) {
                continue;
            }
            if key == "format" && is_number && value.as_str().is_some_and(width_reading) {
                continue;
            }
            problems.push(Problem::new(
                node.at.as_str(),
                format!(
                    "`{key}: {value}` without the manual's word for it: add `x-manual` quoting \
                     the manual's row or note it comes from, or `x-project-reading` with the \
                     reason the project reads it so"
                ),
            ));
        }
    }
}

fn is_word(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.trim().is_empty())
}
