//! Rule 1: the text is an OpenAPI 3.0.x document.

use super::Problem;
use crate::spec;
use serde_json::Value;

/// Answers whether the other rules can go on reading `doc`.
pub fn check(text: &str, doc: &Value, problems: &mut Vec<Problem>) -> bool {
    if !doc.is_object() {
        problems.push(Problem::new("/", "the document is not a YAML mapping"));
        return false;
    }
    let line = |key: &str| {
        spec::top_level_line(text, key)
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default()
    };
    let version = doc.get("openapi");
    let is_3_0 = version.and_then(Value::as_str).is_some_and(is_3_0_version);
    if !is_3_0 {
        let shown = version.map_or("(none)".into(), |v| match v {
            Value::String(v) => v.clone(),
            v => v.to_string(),
        });
        problems.push(Problem::new(
            "/openapi",
            format!(
                "OpenAPI {shown} is not supported{}: the document must be OpenAPI 3.0.x \
                 (progenitor reads 3.0 only)",
                line("openapi")
            ),
        ));
    }
    // The typed model that progenitor reads: it catches misshapen objects (no `info`, a
    // `responses` list, an unknown `in`) that the rules below would only stumble over.
    if is_3_0 {
        if let Err(e) = serde_norway::from_str::<openapiv3::OpenAPI>(text) {
            let at = e.location().map_or_else(
                || "/".to_string(),
                |l| format!("{}:{}", l.line(), l.column()),
            );
            let message = spec::strip_location(&e.to_string());
            problems.push(Problem::new(
                at,
                format!("not an OpenAPI 3.0 document as progenitor reads it: {message}"),
            ));
        }
    }
    true
}

fn is_3_0_version(v: &str) -> bool {
    let version = regex::Regex::new(r"^3\.0\.[0-9]+$").expect("a valid regex");
    version.is_match(v)
}
