//! Rule 8: keys that OpenAPI 3.0 does not define for an object are ignored without a word by
//! every tool (`nulable: true` leaves the field non-nullable); flag them, with the keyword
//! that was probably meant. Extensions (`x-...`) are always allowed.

use super::walk::{Index, Kind};
use super::Problem;
use crate::spec::join;
use serde_json::Value;

const SCHEMA: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];
const OPERATION: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];
const PATH_ITEM: &[&str] = &[
    "$ref",
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
];
const PARAMETER: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];
const HEADER: &[&str] = &[
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];
const REQUEST_BODY: &[&str] = &["description", "content", "required"];
const RESPONSE: &[&str] = &["description", "headers", "content", "links"];
const MEDIA_TYPE: &[&str] = &["schema", "example", "examples", "encoding"];
const EXAMPLE: &[&str] = &["summary", "description", "value", "externalValue"];
const DOCUMENT: &[&str] = &[
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "externalDocs",
];
/// The values of a schema's `type` in OpenAPI 3.0.
pub const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    unknown_keys("", doc, DOCUMENT, "document", problems);
    for node in &index.objects {
        let allowed = match node.kind {
            Kind::Schema => SCHEMA,
            Kind::Operation => OPERATION,
            Kind::PathItem => PATH_ITEM,
            Kind::Parameter => PARAMETER,
            Kind::Header => HEADER,
            Kind::RequestBody => REQUEST_BODY,
            Kind::Response => RESPONSE,
            Kind::MediaType => MEDIA_TYPE,
            Kind::Example => EXAMPLE,
            Kind::SecurityScheme | Kind::Link | Kind::Callback => continue,
        };
        unknown_keys(&node.at, node.value, allowed, node.kind.name(), problems);
        if node.kind == Kind::Schema {
            if let Some(t) = node.value.get("type") {
                if !t.as_str().is_some_and(|t| TYPES.contains(&t)) {
                    problems.push(Problem::new(
                        join(&node.at, "type"),
                        format!(
                            "`type: {}` is not an OpenAPI 3.0 type ({}){}",
                            t.as_str().map_or_else(|| t.to_string(), String::from),
                            TYPES.join(", "),
                            t.as_str()
                                .and_then(|t| closest(t, TYPES))
                                .map(|s| format!("; did you mean `{s}`?"))
                                .unwrap_or_default()
                        ),
                    ));
                }
            }
        }
    }
    // Keys beside a schema `$ref` are ignored in 3.0: `nullable: true` there does nothing.
    for node in index.refs.iter().filter(|n| n.kind == Kind::Schema) {
        let siblings: Vec<&str> = node
            .value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "$ref" && !k.starts_with("x-"))
            .collect();
        if !siblings.is_empty() {
            problems.push(Problem::new(
                node.at.as_str(),
                format!(
                    "`{}` beside `$ref` is ignored in OpenAPI 3.0; wrap the reference in \
                     `allOf` or move the keyword into the referenced schema",
                    siblings.join("`, `")
                ),
            ));
        }
    }
}

fn unknown_keys(
    at: &str,
    value: &Value,
    allowed: &[&str],
    what: &str,
    problems: &mut Vec<Problem>,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    for key in object.keys() {
        if key.starts_with("x-") || allowed.contains(&key.as_str()) {
            continue;
        }
        let hint = closest(key, allowed)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        problems.push(Problem::new(
            join(at, key),
            format!("`{key}` is not a keyword of an OpenAPI 3.0 {what}{hint}; it would be silently ignored"),
        ));
    }
}

/// The allowed keyword nearest to `word`, when it is near enough to be a typo.
fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    allowed
        .iter()
        .map(|k| (distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Damerau-Levenshtein distance (optimal string alignment), so a swap of two letters
/// (`requried`) counts as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_keyword() {
        assert_eq!(closest("nulable", SCHEMA), Some("nullable"));
        assert_eq!(closest("requried", SCHEMA), Some("required"));
        assert_eq!(
            closest("additionalproperties", SCHEMA),
            Some("additionalProperties")
        );
        assert_eq!(closest("integr", TYPES), Some("integer"));
        assert_eq!(closest("colour", SCHEMA), None);
    }
}
