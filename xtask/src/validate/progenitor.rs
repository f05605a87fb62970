//! Rule 6: what makes progenitor 0.15 panic (an `assert!` or `todo!` in its method
//! generation) without naming the operation, reported here with the operation and statuses.

use super::walk::Index;
use super::{schema_identity, schema_label, Problem};
use crate::codegen::HANDWRITTEN_EXTENSION as HANDWRITTEN;
use crate::spec;
use serde_json::Value;
use std::collections::BTreeMap;

/// Request media types progenitor can send (`BodyContentType` in progenitor-impl).
const REQUEST_MEDIA_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Whether progenitor takes a response key as a success and as an error
/// (`is_success_or_default`, `is_error_or_default`): `default` is both.
fn classes(key: &str) -> Option<(bool, bool)> {
    let range = key.len() == 3 && key[1..].eq_ignore_ascii_case("xx");
    let code = key.len() == 3 && key.bytes().all(|b| b.is_ascii_digit());
    match key.as_bytes().first() {
        _ if key == "default" => Some((true, true)),
        _ if key == "101" => Some((true, false)),
        Some(class @ b'1'..=b'5') if range || code => Some((*class == b'2', *class >= b'4')),
        _ => None,
    }
}

/// The body a response decodes to, as progenitor classifies it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Body {
    /// `application/json`, by schema identity, and how to name it.
    Json(String, String),
    Raw(String),
    Empty,
}

impl Body {
    fn label(&self) -> String {
        match self {
            Body::Json(_, name) => name.clone(),
            Body::Raw(media) => format!("raw {media}"),
            Body::Empty => "no body".to_string(),
        }
    }
}

fn has_encoding(media: &Value) -> bool {
    media["encoding"].as_object().is_some_and(|e| !e.is_empty())
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    for op in &index.operations {
        let label = op.label();
        let mut problem = |message: String| problems.push(Problem::new(label.as_str(), message));

        let responses = op.value.get("responses").and_then(Value::as_object);
        let mut success: BTreeMap<Body, Vec<&str>> = BTreeMap::new();
        let mut errors: BTreeMap<Body, Vec<&str>> = BTreeMap::new();
        let mut has_default = false;
        let mut typed_success: Vec<&str> = Vec::new();
        for (key, response) in responses.into_iter().flatten() {
            // A key that is not a status is rule 1's (progenitor's own model) and the linters'.
            let Some((is_success, is_error)) = classes(key) else {
                continue;
            };
            // A reference that does not resolve to a response is the `$ref` rule's to report.
            let points_at_response =
                spec::reference(response).is_none_or(|r| r.starts_with("#/components/responses/"));
            let Some(response) = spec::deref(doc, response).filter(|_| points_at_response) else {
                continue;
            };
            let body = body(response, key, is_error, &mut problem);
            if key == "default" {
                has_default = true;
            } else if is_success && matches!(body, Body::Json(..)) {
                typed_success.push(key);
            }
            if is_success {
                success.entry(body.clone()).or_default().push(key);
            }
            if is_error {
                errors.entry(body).or_default().push(key);
            }
        }
        if has_default && !typed_success.is_empty() {
            problem(format!(
                "a `default` response beside the typed success {}: progenitor takes `default` \
                 as a success and as an error, and panics when the bodies differ; list the \
                 error statuses instead",
                typed_success.join(", ")
            ));
        }
        for (side, bodies) in [("success", &success), ("error", &errors)] {
            if bodies.len() > 1 {
                let parts: Vec<String> = bodies
                    .iter()
                    .map(|(body, keys)| format!("{} ({})", keys.join(", "), body.label()))
                    .collect();
                problem(format!(
                    "more than one {side} body type: {}; progenitor panics on it",
                    parts.join(" vs ")
                ));
            }
        }
        let reason = op.value.get(HANDWRITTEN);
        if reason.is_some_and(|r| r.as_str().is_none_or(|r| r.trim().is_empty())) {
            problem(format!(
                "`{HANDWRITTEN}` must say, in a sentence, why the operation is written by hand"
            ));
        }
        if let Some(body) = op
            .value
            .get("requestBody")
            .and_then(|b| spec::deref(doc, b))
        {
            request_body(body, op.value.get(HANDWRITTEN), &mut problem);
        }
        parameters(doc, op, &mut problem);
    }
}

/// The error body schema whose type is hand-written (`src/api_error.rs`, through
/// `codegen/settings.rs`): the client reads an error body itself and keeps one that is not
/// JSON as text, so a second media type beside it is what the client does, not ignored.
const ERROR_BODY: &str = "#/components/schemas/ApiError";

/// Classifies a response body, reporting the JSON media types progenitor cannot handle.
fn body(response: &Value, status: &str, is_error: bool, problem: &mut impl FnMut(String)) -> Body {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Body::Empty;
    };
    let Some((media, json)) = content.iter().find(|(m, _)| is_json(m)) else {
        return match content.keys().next() {
            Some(media) => Body::Raw(media.clone()),
            None => Body::Empty,
        };
    };
    let kept_as_text = is_error && json.get("schema").and_then(spec::reference) == Some(ERROR_BODY);
    for other in content.keys().filter(|m| !is_json(m) && !kept_as_text) {
        problem(format!(
            "response {status}: media type `{other}` beside `{media}` is ignored by progenitor, \
             which decodes the JSON one only"
        ));
    }
    if has_encoding(json) {
        problem(format!(
            "response {status}: `{media}` has an `encoding`, which progenitor does not support"
        ));
    }
    match json.get("schema") {
        Some(schema) => Body::Json(schema_identity(schema), schema_label(schema)),
        None => {
            problem(format!(
                "response {status}: `{media}` has no schema (progenitor panics)"
            ));
            Body::Empty
        }
    }
}

/// `handwritten`: the operation's `x-handwritten`, whose value says why.
fn request_body(body: &Value, handwritten: Option<&Value>, problem: &mut impl FnMut(String)) {
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return;
    };
    // progenitor cannot send multipart bodies: codegen/ leaves the operations marked
    // `x-handwritten` out of progenitor's input, and src/ implements them.
    let handwritten = handwritten.is_some_and(|v| !v.is_null() && v != &Value::Bool(false));
    let multipart = content.keys().all(|m| m.starts_with("multipart/form-data"));
    if content.len() == 1 && multipart {
        if !handwritten {
            problem(format!(
                "request body `multipart/form-data` is not supported by progenitor: implement \
                 the operation in src/ and mark it `{HANDWRITTEN}` in the spec, saying why"
            ));
        }
        return;
    }
    if content.len() > 1 {
        let media: Vec<&str> = content.keys().map(String::as_str).collect();
        problem(format!(
            "the request body has {} media types ({}); progenitor supports exactly one",
            content.len(),
            media.join(", ")
        ));
    }
    for (media, m) in content {
        let base = media.split(';').next().unwrap_or_default().trim();
        if !REQUEST_MEDIA_TYPES.contains(&base) {
            problem(format!(
                "request body media type `{media}` is not supported by progenitor (it sends {})",
                REQUEST_MEDIA_TYPES.join(", ")
            ));
        }
        if m.get("schema").is_none() {
            problem(format!("request body `{media}` has no schema"));
        }
        if has_encoding(m) {
            problem(format!(
                "request body `{media}` has an `encoding`, which progenitor does not support"
            ));
        }
    }
}

fn parameters(doc: &Value, op: &super::walk::Operation<'_>, problem: &mut impl FnMut(String)) {
    for p in op.parameters(doc) {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
        let style = p.get("style").and_then(Value::as_str);
        let supported_style = match location {
            "path" | "header" => style.is_none_or(|s| s == "simple"),
            "query" => style.is_none_or(|s| s == "form"),
            "cookie" => {
                problem(format!(
                    "parameter `{name}` in cookie: progenitor does not support cookie parameters"
                ));
                true
            }
            _ => true,
        };
        if !supported_style {
            problem(format!(
                "parameter `{name}` in {location} has style `{}`, which progenitor does not support",
                style.unwrap_or_default()
            ));
        }
        if p.get("content").is_some() {
            problem(format!(
                "parameter `{name}` uses `content`; progenitor needs a `schema`"
            ));
        }
    }
}
