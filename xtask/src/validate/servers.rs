//! Rule 4: the servers, each one a variant of the client's `Environment` (the first is the
//! default), and bearer authentication everywhere.
//!
//! The rule checks what every server must have, not which servers there are: the list is
//! the spec's to state, once (that it is not empty is the linters').

use super::walk::Index;
use super::Problem;
use crate::codegen::is_lower_name;
use serde_json::{json, Value};

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    let servers = doc.get("servers").and_then(Value::as_array);
    let mut names: Vec<&str> = Vec::new();
    let mut urls: Vec<&str> = Vec::new();
    for (i, server) in servers.into_iter().flatten().enumerate() {
        let text = |key: &str| {
            server
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        let at = |key: &str| format!("/servers/{i}/{key}");
        match text("url") {
            Some(url) if !url.starts_with("https://") => problems.push(Problem::new(
                at("url"),
                format!("`{url}` is not an https URL: the token must not travel in clear"),
            )),
            Some(url) if urls.contains(&url.trim_end_matches('/')) => {
                problems.push(Problem::new(at("url"), format!("`{url}` is listed twice")))
            }
            Some(url) => urls.push(url.trim_end_matches('/')),
            None => problems.push(Problem::new(at("url"), "missing")),
        }
        if text("description").is_none() {
            problems.push(Problem::new(
                at("description"),
                "missing: say what the server is (the README's table and the docs show it)",
            ));
        }
        match text("x-environment") {
            None => problems.push(Problem::new(
                at("x-environment"),
                "missing: name the server (kebab-case), the name `SECURITIES_ENV` takes and \
                 the client's `Environment` variant is made from",
            )),
            Some(name) if !is_lower_name(name, '-') || names.contains(&name) => {
                problems.push(Problem::new(
                    at("x-environment"),
                    format!("`{name}` must be a kebab-case name that no other server has"),
                ));
            }
            Some(name) => names.push(name),
        }
    }

    let global = json!([{ "bearerAuth": [] }]);
    if doc.get("security") != Some(&global) {
        problems.push(Problem::new(
            "/security",
            "the global security requirement must be exactly `- bearerAuth: []`",
        ));
    }
    match doc.pointer("/components/securitySchemes/bearerAuth") {
        Some(scheme) => {
            let http = scheme.get("type").and_then(Value::as_str) == Some("http");
            let bearer = scheme
                .get("scheme")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("bearer"));
            if !(http && bearer) {
                problems.push(Problem::new(
                    "/components/securitySchemes/bearerAuth",
                    "must be `type: http` with `scheme: bearer`",
                ));
            }
        }
        None => problems.push(Problem::new(
            "/components/securitySchemes/bearerAuth",
            "missing: the global security requirement names it",
        )),
    }
    for op in &index.operations {
        let Some(security) = op.value.get("security") else {
            continue;
        };
        let keeps_bearer = security
            .as_array()
            .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearerAuth").is_some()));
        if !keeps_bearer {
            problems.push(Problem::new(
                op.label(),
                "overrides the global security without `bearerAuth`",
            ));
        }
    }
}
