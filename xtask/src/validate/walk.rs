//! One structural pass over the document: which object each node is, so that the rules
//! know a schema from a response without guessing from key names.

use crate::spec::join;
use serde_json::Value;

/// What an object of the document is, by the OpenAPI 3.0 object it was found as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Schema,
    Example,
}

/// How an object holds its children under a key.
enum Shape {
    One,
    Map,
    List,
}

use Kind::*;
use Shape::*;

/// The objects each kind of object holds, by key: OpenAPI 3.0's nesting.
fn children(kind: Kind) -> &'static [(&'static str, Shape, Kind)] {
    match kind {
        // Its operations, under `METHODS`, are visited by `index`.
        PathItem => &[("parameters", List, Parameter)],
        Operation => &[
            ("parameters", List, Parameter),
            ("requestBody", One, RequestBody),
            ("responses", Map, Response),
        ],
        Parameter | Header => &[
            ("schema", One, Schema),
            ("content", Map, MediaType),
            ("examples", Map, Example),
        ],
        RequestBody => &[("content", Map, MediaType)],
        Response => &[("headers", Map, Header), ("content", Map, MediaType)],
        MediaType => &[
            ("schema", One, Schema),
            ("examples", Map, Example),
            ("encoding", Map, Encoding),
        ],
        Encoding => &[("headers", Map, Header)],
        Schema => &[
            ("properties", Map, Schema),
            ("items", One, Schema),
            ("not", One, Schema),
            ("additionalProperties", One, Schema),
            ("allOf", List, Schema),
            ("anyOf", List, Schema),
            ("oneOf", List, Schema),
        ],
        Example => &[],
    }
}

/// The sections of `components` that hold objects the rules look into.
const COMPONENTS: [(&str, Kind); 6] = [
    ("schemas", Schema),
    ("responses", Response),
    ("parameters", Parameter),
    ("headers", Header),
    ("requestBodies", RequestBody),
    ("examples", Example),
];

/// A node of the document and its JSON pointer.
pub struct Node<'a> {
    pub kind: Kind,
    pub at: String,
    pub value: &'a Value,
}

/// An operation, with what the rules need to name it.
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'static str,
    pub value: &'a Value,
    pub path_item: &'a Value,
}

impl<'a> Operation<'a> {
    /// The parameters of the path item, then the operation's own, `$ref`s followed (dangling
    /// ones are the linters' to report, so they are skipped here).
    pub fn parameters(&self, doc: &'a Value) -> impl Iterator<Item = &'a Value> + 'a {
        [self.path_item, self.value]
            .into_iter()
            .filter_map(|source| source.get("parameters").and_then(Value::as_array))
            .flatten()
            .filter_map(move |p| crate::spec::deref(doc, p))
    }

    /// The operationId, or `METHOD /path` when there is none: how problems name the operation.
    pub fn label(&self) -> String {
        match self.value.get("operationId").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }
}

/// Everything the pass found.
#[derive(Default)]
pub struct Index<'a> {
    pub operations: Vec<Operation<'a>>,
    /// Objects given inline.
    pub objects: Vec<Node<'a>>,
    /// Reference objects, with the kind of object expected where they stand.
    pub refs: Vec<Node<'a>>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn index(doc: &Value) -> Index<'_> {
    let mut index = Index::default();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let at = join("/paths", path);
        visit(&mut index, PathItem, at.clone(), item);
        if item.get("$ref").is_some() {
            continue;
        }
        for method in METHODS {
            if let Some(value) = item.get(method) {
                visit(&mut index, Kind::Operation, join(&at, method), value);
                index.operations.push(Operation {
                    path,
                    method,
                    value,
                    path_item: item,
                });
            }
        }
    }
    for (section, kind) in COMPONENTS {
        let base = format!("/components/{section}");
        let entries = doc.pointer(&base).and_then(Value::as_object);
        for (name, value) in entries.into_iter().flatten() {
            visit(&mut index, kind, join(&base, name), value);
        }
    }
    index
}

/// Records `value` as a `kind` (or as a reference to one), then its children.
fn visit<'a>(index: &mut Index<'a>, kind: Kind, at: String, value: &'a Value) {
    if !value.is_object() {
        return;
    }
    let node = Node {
        kind,
        at: at.clone(),
        value,
    };
    if value.get("$ref").is_some() {
        index.refs.push(node);
        return;
    }
    index.objects.push(node);
    for (key, shape, child) in children(kind) {
        let Some(v) = value.get(key) else {
            continue;
        };
        let at = join(&at, key);
        match shape {
            One => visit(index, *child, at, v),
            Map => {
                for (name, v) in v.as_object().into_iter().flatten() {
                    visit(index, *child, join(&at, name), v);
                }
            }
            List => {
                for (i, v) in v.as_array().into_iter().flatten().enumerate() {
                    visit(index, *child, format!("{at}/{i}"), v);
                }
            }
        }
    }
}
