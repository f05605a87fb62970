//! Rule 2: the spec is one self-contained file, and no path item is a `$ref` (progenitor
//! rejects both). A `$ref` that does not resolve, or to the wrong kind of component, is the
//! linters' (`cargo xtask lint`).

use super::walk::{Index, Kind};
use super::Problem;
use crate::spec;

pub fn check(index: &Index<'_>, problems: &mut Vec<Problem>) {
    for node in &index.refs {
        let Some(reference) = spec::reference(node.value) else {
            continue;
        };
        let message = if node.kind == Kind::PathItem {
            format!(
                "the path item is a `$ref` ({reference}); progenitor rejects path-level \
                 references: write the path item inline"
            )
        } else if !reference.starts_with('#') {
            format!(
                "`$ref: {reference}` points outside this document; the spec must be one \
                 self-contained file"
            )
        } else {
            continue;
        };
        problems.push(Problem::new(node.at.as_str(), message));
    }
}
