//! Rule 2: every `$ref` resolves, to the right kind of component, and no path item is one.

use super::walk::{Index, Kind};
use super::Problem;
use crate::spec;
use serde_json::Value;

pub fn check(doc: &Value, index: &Index<'_>, problems: &mut Vec<Problem>) {
    for node in &index.refs {
        let at = &node.at;
        let Some(reference) = spec::reference(node.value) else {
            problems.push(Problem::new(
                format!("{at}/$ref"),
                "`$ref` must be a string",
            ));
            continue;
        };
        if node.kind == Kind::PathItem {
            problems.push(Problem::new(
                at.as_str(),
                format!(
                    "the path item is a `$ref` ({reference}); progenitor rejects path-level \
                     references: write the path item inline"
                ),
            ));
            continue;
        }
        if !reference.starts_with('#') {
            problems.push(Problem::new(
                at.as_str(),
                format!(
                    "`$ref: {reference}` points outside this document; the spec must be one \
                     self-contained file"
                ),
            ));
            continue;
        }
        if spec::resolve(doc, reference).is_none() {
            problems.push(Problem::new(
                at.as_str(),
                format!("`$ref: {reference}` does not resolve"),
            ));
            continue;
        }
        if let Some(prefix) = node.kind.component_prefix() {
            if !reference.starts_with(prefix) {
                problems.push(Problem::new(
                    at.as_str(),
                    format!(
                        "`$ref: {reference}` stands where a {} is expected, so it must point \
                         into {prefix}",
                        node.kind.name()
                    ),
                ));
            }
        }
    }
}
