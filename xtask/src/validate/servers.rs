//! Rule 4: the two servers of the seed, and bearer authentication everywhere.

use super::walk::Index;
use super::Problem;
use serde_json::{json, Value};

/// The servers of the API, from the seed; `codegen.rs` finds each by its description's first
/// word, so that word is part of the rule.
const SERVERS: [(&str, &str); 2] = [
    ("Production", "https://api.securities.com.br"),
    ("Staging", "https://api-staging.securities.com.br"),
];

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    let servers: Vec<&Value> = doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let urls: Vec<&str> = servers
        .iter()
        .map(|s| s.get("url").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let expected: Vec<&str> = SERVERS.iter().map(|(_, url)| *url).collect();
    let mut sorted = urls.clone();
    sorted.sort_unstable();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort_unstable();
    if sorted != expected_sorted {
        problems.push(Problem::new(
            "/servers",
            format!(
                "the servers must be exactly {} (found: {})",
                expected.join(" and "),
                if urls.is_empty() {
                    "none".to_string()
                } else {
                    urls.join(", ")
                }
            ),
        ));
    }
    for (i, server) in servers.iter().enumerate() {
        let url = urls[i];
        if let Some((kind, _)) = SERVERS.iter().find(|(_, u)| *u == url) {
            let description = server
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !description.starts_with(kind) {
                problems.push(Problem::new(
                    format!("/servers/{i}/description"),
                    format!("must start with `{kind}` (codegen.rs finds the {url} server by it)"),
                ));
            }
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
