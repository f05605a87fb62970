//! Rule 3: operationIds, tags, summaries and path parameters.

use super::walk::Index;
use super::Problem;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    let declared_tags: BTreeSet<&str> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .collect();
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for op in &index.operations {
        let label = op.label();
        let where_ = format!("{} {}", op.method.to_uppercase(), op.path);
        match op.value.get("operationId").and_then(Value::as_str) {
            None | Some("") => problems.push(Problem::new(
                op.at.as_str(),
                format!("{where_} has no operationId"),
            )),
            Some(id) => {
                if !is_snake_case(id) {
                    problems.push(Problem::new(
                        id,
                        format!(
                            "operationId `{id}` is not snake_case (lowercase words joined by \
                             `_`, as the Rust method names are)"
                        ),
                    ));
                }
                if let Some(first) = seen.insert(id, where_.clone()) {
                    problems.push(Problem::new(
                        id,
                        format!("operationId `{id}` is used by both {first} and {where_}"),
                    ));
                }
            }
        }
        match op.value.get("tags").and_then(Value::as_array) {
            Some(tags) if !tags.is_empty() => {
                for tag in tags {
                    let name = tag.as_str().unwrap_or_default();
                    if !declared_tags.contains(name) {
                        problems.push(Problem::new(
                            label.as_str(),
                            format!("tag `{name}` is not declared in the top-level `tags`"),
                        ));
                    }
                }
            }
            _ => problems.push(Problem::new(label.as_str(), "has no tag")),
        }
        if op
            .value
            .get("summary")
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            problems.push(Problem::new(label.as_str(), "has no summary"));
        }
        path_parameters(doc, op, &label, problems);
    }
}

/// Every `{name}` of the path is a declared, required path parameter, and every declared
/// path parameter appears in the path (progenitor panics on one that does not).
fn path_parameters(
    doc: &Value,
    op: &super::walk::Operation<'_>,
    label: &str,
    problems: &mut Vec<Problem>,
) {
    let template = template_names(op.path);
    // Operation-level parameters override the path item's ones of the same name and place.
    let mut declared: BTreeMap<String, &Value> = BTreeMap::new();
    for p in op.parameters(doc) {
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        if let Some(name) = p.get("name").and_then(Value::as_str) {
            declared.insert(name.to_string(), p);
        }
    }
    for name in &template {
        if !declared.contains_key(name) {
            problems.push(Problem::new(
                label,
                format!(
                    "path parameter `{{{name}}}` of {} is not declared in `parameters`",
                    op.path
                ),
            ));
        }
    }
    for (name, p) in &declared {
        if !template.contains(name) {
            problems.push(Problem::new(
                label,
                format!(
                    "declares path parameter `{name}`, which {} does not use",
                    op.path
                ),
            ));
        }
        if p.get("required") != Some(&Value::Bool(true)) {
            problems.push(Problem::new(
                label,
                format!("path parameter `{name}` must be `required: true`"),
            ));
        }
    }
}

fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

fn is_snake_case(id: &str) -> bool {
    let mut words = id.split('_');
    words.clone().count() > 0
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && words.all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        for ok in ["list_proposals", "get_v1", "a"] {
            assert!(is_snake_case(ok), "{ok}");
        }
        for bad in ["listProposals", "List", "a__b", "_a", "a_", "a-b", "1a", ""] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }

    #[test]
    fn template() {
        let names = template_names("/v1/a/{id}/b/{batch_id}");
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["batch_id", "id"]);
    }
}
