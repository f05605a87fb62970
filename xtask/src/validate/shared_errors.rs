//! Rule 5: every operation references the eight shared error responses, which share one
//! schema (so that progenitor gives every operation the same error type).

use super::walk::Index;
use super::{schema_identity, schema_label, Problem};
use crate::spec;
use serde_json::Value;
use std::collections::BTreeMap;

pub const SHARED: [&str; 8] = ["401", "403", "404", "422", "429", "500", "502", "503"];

const PREFIX: &str = "#/components/responses/";

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    // The shared responses that operations reference, by `$ref`, in first-use order.
    let mut referenced: Vec<&str> = Vec::new();
    for op in &index.operations {
        let label = op.label();
        let responses = op.value.get("responses");
        for code in SHARED {
            match responses.and_then(|r| r.get(code)) {
                None => problems.push(Problem::new(
                    label.as_str(),
                    format!("response {code} is missing: every operation references the shared error responses"),
                )),
                Some(response) => match spec::reference(response) {
                    Some(r) if r.starts_with(PREFIX) => {
                        if !referenced.contains(&r) {
                            referenced.push(r);
                        }
                    }
                    Some(r) => problems.push(Problem::new(
                        label.as_str(),
                        format!("response {code} references {r}, not a shared response under {PREFIX}"),
                    )),
                    None => problems.push(Problem::new(
                        label.as_str(),
                        format!("response {code} is written inline: reference the shared response with `$ref: \"{PREFIX}...\"`"),
                    )),
                },
            }
        }
    }

    // schema identity -> (how to name it, the responses using it)
    let mut by_schema: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for r in referenced {
        let Some(response) = spec::resolve(doc, r) else {
            continue; // reported by the `$ref` rule
        };
        let name = &r[PREFIX.len()..];
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            problems.push(Problem::new(
                format!("/components/responses/{}", spec::escape(name)),
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
