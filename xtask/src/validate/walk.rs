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
    Schema,
    Example,
    SecurityScheme,
    Link,
    Callback,
}

impl Kind {
    /// Where a `$ref` to an object of this kind must point.
    pub fn component_prefix(self) -> Option<&'static str> {
        Some(match self {
            Kind::Parameter => "#/components/parameters/",
            Kind::RequestBody => "#/components/requestBodies/",
            Kind::Response => "#/components/responses/",
            Kind::Header => "#/components/headers/",
            Kind::Schema => "#/components/schemas/",
            Kind::Example => "#/components/examples/",
            Kind::SecurityScheme => "#/components/securitySchemes/",
            Kind::Link => "#/components/links/",
            Kind::Callback => "#/components/callbacks/",
            Kind::PathItem | Kind::Operation | Kind::MediaType => return None,
        })
    }

    /// How messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::Header => "header",
            Kind::MediaType => "media type",
            Kind::Schema => "schema",
            Kind::Example => "example",
            Kind::SecurityScheme => "security scheme",
            Kind::Link => "link",
            Kind::Callback => "callback",
        }
    }
}

/// A node of the document and its JSON pointer.
pub struct Node<'a> {
    pub kind: Kind,
    pub at: String,
    pub value: &'a Value,
}

/// An operation, with what the rules need to name it.
pub struct Operation<'a> {
    pub at: String,
    pub path: &'a str,
    pub method: &'static str,
    pub value: &'a Value,
    pub path_item: &'a Value,
}

impl<'a> Operation<'a> {
    /// The parameters of the path item, then the operation's own, `$ref`s followed (dangling
    /// ones are rule 2's to report, so they are skipped here).
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

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn index(doc: &Value) -> Index<'_> {
    let mut index = Index::default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let at = join("/paths", path);
            path_item(&mut index, at, path, item);
        }
    }
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (section, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            let base = join("/components", section);
            for (name, value) in entries {
                let at = join(&base, name);
                match section.as_str() {
                    "schemas" => schema(&mut index, at, value),
                    "responses" => response(&mut index, at, value),
                    "parameters" => parameter(&mut index, at, value, Kind::Parameter),
                    "headers" => parameter(&mut index, at, value, Kind::Header),
                    "requestBodies" => request_body(&mut index, at, value),
                    "examples" => leaf(&mut index, at, value, Kind::Example),
                    "securitySchemes" => leaf(&mut index, at, value, Kind::SecurityScheme),
                    "links" => leaf(&mut index, at, value, Kind::Link),
                    "callbacks" => callback(&mut index, at, value),
                    _ => {}
                }
            }
        }
    }
    index
}

/// Records a reference object and answers `true`, or answers `false` for an inline object.
fn is_ref<'a>(index: &mut Index<'a>, at: &str, value: &'a Value, kind: Kind) -> bool {
    if value.get("$ref").is_some() {
        index.refs.push(Node {
            kind,
            at: at.to_string(),
            value,
        });
        return true;
    }
    false
}

fn leaf<'a>(index: &mut Index<'a>, at: String, value: &'a Value, kind: Kind) {
    if !is_ref(index, &at, value, kind) {
        index.objects.push(Node { kind, at, value });
    }
}

fn path_item<'a>(index: &mut Index<'a>, at: String, path: &'a str, item: &'a Value) {
    if is_ref(index, &at, item, Kind::PathItem) {
        return;
    }
    index.objects.push(Node {
        kind: Kind::PathItem,
        at: at.clone(),
        value: item,
    });
    each_in_array(item, "parameters", &at, |at, p| {
        parameter(index, at, p, Kind::Parameter)
    });
    for method in METHODS {
        let Some(op) = item.get(method) else {
            continue;
        };
        let op_at = join(&at, method);
        index.objects.push(Node {
            kind: Kind::Operation,
            at: op_at.clone(),
            value: op,
        });
        index.operations.push(Operation {
            at: op_at.clone(),
            path,
            method,
            value: op,
            path_item: item,
        });
        each_in_array(op, "parameters", &op_at, |at, p| {
            parameter(index, at, p, Kind::Parameter)
        });
        if let Some(body) = op.get("requestBody") {
            request_body(index, join(&op_at, "requestBody"), body);
        }
        each_in_map(op, "responses", &op_at, |at, r| response(index, at, r));
        each_in_map(op, "callbacks", &op_at, |at, c| callback(index, at, c));
    }
}

fn callback<'a>(index: &mut Index<'a>, at: String, value: &'a Value) {
    if is_ref(index, &at, value, Kind::Callback) {
        return;
    }
    if let Some(map) = value.as_object() {
        for (expression, item) in map {
            path_item(index, join(&at, expression), expression, item);
        }
    }
}

/// A parameter or a header: both carry `schema` or `content`, and examples.
fn parameter<'a>(index: &mut Index<'a>, at: String, value: &'a Value, kind: Kind) {
    if is_ref(index, &at, value, kind) {
        return;
    }
    index.objects.push(Node {
        kind,
        at: at.clone(),
        value,
    });
    if let Some(s) = value.get("schema") {
        schema(index, join(&at, "schema"), s);
    }
    each_in_map(value, "content", &at, |at, m| media_type(index, at, m));
    each_in_map(value, "examples", &at, |at, e| {
        leaf(index, at, e, Kind::Example)
    });
}

fn request_body<'a>(index: &mut Index<'a>, at: String, value: &'a Value) {
    if is_ref(index, &at, value, Kind::RequestBody) {
        return;
    }
    index.objects.push(Node {
        kind: Kind::RequestBody,
        at: at.clone(),
        value,
    });
    each_in_map(value, "content", &at, |at, m| media_type(index, at, m));
}

fn response<'a>(index: &mut Index<'a>, at: String, value: &'a Value) {
    if is_ref(index, &at, value, Kind::Response) {
        return;
    }
    index.objects.push(Node {
        kind: Kind::Response,
        at: at.clone(),
        value,
    });
    each_in_map(value, "headers", &at, |at, h| {
        parameter(index, at, h, Kind::Header)
    });
    each_in_map(value, "content", &at, |at, m| media_type(index, at, m));
    each_in_map(value, "links", &at, |at, l| leaf(index, at, l, Kind::Link));
}

fn media_type<'a>(index: &mut Index<'a>, at: String, value: &'a Value) {
    index.objects.push(Node {
        kind: Kind::MediaType,
        at: at.clone(),
        value,
    });
    if let Some(s) = value.get("schema") {
        schema(index, join(&at, "schema"), s);
    }
    each_in_map(value, "examples", &at, |at, e| {
        leaf(index, at, e, Kind::Example)
    });
    each_in_map(value, "encoding", &at, |at, e| {
        each_in_map(e, "headers", &at, |at, h| {
            parameter(index, at, h, Kind::Header)
        })
    });
}

pub fn schema<'a>(index: &mut Index<'a>, at: String, value: &'a Value) {
    if is_ref(index, &at, value, Kind::Schema) {
        return;
    }
    index.objects.push(Node {
        kind: Kind::Schema,
        at: at.clone(),
        value,
    });
    each_in_map(value, "properties", &at, |at, s| schema(index, at, s));
    for key in ["items", "not"] {
        if let Some(s) = value.get(key) {
            schema(index, join(&at, key), s);
        }
    }
    if let Some(s) = value.get("additionalProperties").filter(|s| s.is_object()) {
        schema(index, join(&at, "additionalProperties"), s);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        each_in_array(value, key, &at, |at, s| schema(index, at, s));
    }
}

fn each_in_map<'a>(value: &'a Value, key: &str, at: &str, mut f: impl FnMut(String, &'a Value)) {
    if let Some(map) = value.get(key).and_then(Value::as_object) {
        let base = join(at, key);
        for (name, v) in map {
            f(join(&base, name), v);
        }
    }
}

fn each_in_array<'a>(value: &'a Value, key: &str, at: &str, mut f: impl FnMut(String, &'a Value)) {
    if let Some(items) = value.get(key).and_then(Value::as_array) {
        let base = join(at, key);
        for (i, v) in items.iter().enumerate() {
            f(format!("{base}/{i}"), v);
        }
    }
}
