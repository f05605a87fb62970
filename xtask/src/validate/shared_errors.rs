//! Rule 5: the shared error responses (those of `components.responses` that an operation
//! references for a 4xx or 5xx status) are referenced by every operation, each under one
//! status, and share one schema (so that progenitor gives every operation the same error
//! type).
//!
//! Which statuses are shared is the spec's to state, by referencing them; the rule checks
//! that every operation does so alike.

use super::walk::Index;
use super::{schema_identity, schema_label, Problem};
use crate::spec;
use serde_json::Value;
use std::collections::BTreeMap;

const PREFIX: &str = "#/components/responses/";

fn is_error(code: &str) -> bool {
    code.len() == 3 && (code.starts_with('4') || code.starts_with('5'))
}

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    // Each shared response, by `$ref`, with the status it is referenced for, in first-use
    // order.
    let mut shared: Vec<(&str, &str)> = Vec::new();
    for op in &index.operations {
        let responses = op.value.get("responses").and_then(Value::as_object);
        for (code, response) in responses.into_iter().flatten() {
            let Some(r) = spec::reference(response).filter(|_| is_error(code)) else {
                continue;
            };
            if !r.starts_with(PREFIX) {
                problems.push(Problem::new(
                    op.label(),
                    format!("response {code} references {r}, not a shared response under {PREFIX}"),
                ));
                continue;
            }
            match shared.iter().find(|(known, _)| *known == r) {
                Some((_, status)) if status != code => problems.push(Problem::new(
                    op.label(),
                    format!(
                        "response {code} references {r}, which other operations use for {status}"
                    ),
                )),
                Some(_) => {}
                None => shared.push((r, code.as_str())),
            }
        }
    }
    for op in &index.operations {
        for (r, code) in &shared {
            let message = match op.value["responses"].get(*code).map(spec::reference) {
                None => format!(
                    "response {code} is missing: every operation references the shared error responses"
                ),
                Some(None) => format!(
                    "response {code} is written inline: reference the shared response with `$ref: \"{PREFIX}...\"`"
                ),
                Some(Some(found)) if found != *r && found.starts_with(PREFIX) => {
                    format!("response {code} references {found}, not the shared response {r}")
                }
                Some(Some(_)) => continue,
            };
            problems.push(Problem::new(op.label(), message));
        }
    }
    // schema identity -> (how to name it, the responses using it)
    let mut by_schema: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for (r, _) in shared {
        let Some(response) = spec::resolve(doc, r) else {
            continue; // the linters report it
        };
        let name = &r[PREFIX.len()..];
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            problems.push(Problem::new(
                spec::join("/components/responses", name),
                "a shared error response must have an application/json schema",
            ));
            continue;
        };
        by_schema
            .entry(schema_identity(schema))
            .or_insert_with(|| (schema_label(schema), Vec::new()))
            .1
            .push(name);
    }
    if by_schema.len() > 1 {
        let groups: Vec<String> = by_schema
            .values()
            .map(|(schema, names)| format!("{schema} for {}", names.join(", ")))
            .collect();
        problems.push(Problem::new(
            "/components/responses",
            format!(
                "the shared error responses must share one schema, but they use {}",
                groups.join("; ")
            ),
        ));
    }
}
