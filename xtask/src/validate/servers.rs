//! Rule 4: the servers of the manual (current hosts first, then the two of the 2022-12
//! introduction), each named for the client's `Environment`, and bearer authentication
//! everywhere.

use super::walk::Index;
use super::Problem;
use serde_json::{json, Value};

/// The servers, in order, with the `x-environment` name `codegen/environments.rs` turns into a variant of
/// `Environment` (the first is the default).
pub const SERVERS: [(&str, &str); 4] = [
    ("production", "https://app.securities.com.br/api"),
    ("staging", "https://app-sandbox.securities.com.br/api"),
    ("api-production", "https://api.securities.com.br"),
    ("api-staging", "https://api-staging.securities.com.br"),
];

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    let servers: Vec<&Value> = doc
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let found: Vec<(&str, &str)> = servers
        .iter()
        .map(|s| {
            (
                s.get("x-environment")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                s.get("url").and_then(Value::as_str).unwrap_or_default(),
            )
        })
        .collect();
    if found != SERVERS {
        let show = |list: &[(&str, &str)]| {
            if list.is_empty() {
                return "none".to_string();
            }
            list.iter()
                .map(|(name, url)| {
                    format!(
                        "{url} ({})",
                        if name.is_empty() {
                            "no x-environment"
                        } else {
                            name
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        problems.push(Problem::new(
            "/servers",
            format!(
                "the servers must be, in this order, {} (found: {})",
                show(&SERVERS),
                show(&found)
            ),
        ));
    }
    for (i, server) in servers.iter().enumerate() {
        let described = server
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| !d.trim().is_empty());
        if !described {
            problems.push(Problem::new(
                format!("/servers/{i}/description"),
                "missing: say what the server is (the README's table and the docs show it)",
            ));
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
