//! Test support: the spec's examples, a local HTTP server that accepts exactly one expected
//! request and fails loudly on anything else, and a JSON comparison that tolerates what a
//! typed round trip legitimately changes (time zones of timestamps, null or empty list versus
//! absent). The calls of every operation are in [`ops`], written once for every suite.

pub mod fake;
pub mod ops;
pub mod raw;

use std::sync::OnceLock;

use futures::future::BoxFuture;
use securities_api::{Client, Error, ErrorKind};
use serde_json::Value;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The token the tests configure; the server checks it arrives as a bearer token.
pub const TOKEN: &str = "test-token-0123456789";

/// The size a test at volume runs at: the variable `name` when it is set (the benchmark's
/// figure), `default` otherwise (CI's).
pub fn sized<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The spec, as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/securities-api.yaml");
        let text = std::fs::read_to_string(path).expect("read the spec");
        serde_norway::from_str(&text).expect("the spec is YAML")
    })
}

/// `value`, or what its `$ref` refers to in the spec.
pub fn resolve(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(
                spec()
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling {reference}")),
            )
        }
        None => value,
    }
}

/// The operation `id` of the spec, with its method and path.
pub fn operation(id: &str) -> (String, String, &'static Value) {
    for (path, item) in spec()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if op["operationId"] == id {
                return (method.to_uppercase(), path.clone(), op);
            }
        }
    }
    panic!("no operation {id} in the spec")
}

/// The example of the JSON request body of operation `id` (`Null` when the operation has no
/// JSON body, such as the multipart upload `create_bank_credit_note`).
pub fn request_example(id: &str) -> Value {
    let (_, _, op) = operation(id);
    let body = resolve(&op["requestBody"]);
    body["content"]["application/json"]["example"].clone()
}

/// The example of the `multipart/form-data` request body of operation `id`: the parts by name
/// (`Null` when the operation has no such body).
pub fn form_example(id: &str) -> Value {
    let (_, _, op) = operation(id);
    let body = resolve(&op["requestBody"]);
    body["content"]["multipart/form-data"]["example"].clone()
}

/// The request body example of `id`, decoded into the client's type for it.
pub fn request_body<T: serde::de::DeserializeOwned>(id: &str) -> T {
    let example = request_example(id);
    assert!(
        !example.is_null(),
        "{id}: no application/json request example"
    );
    serde_json::from_value(example)
        .unwrap_or_else(|e| panic!("{id}: the request example does not fit the type: {e}"))
}

/// The success status and example response of operation `id`.
pub fn success_example(id: &str) -> (u16, Value) {
    let (_, _, op) = operation(id);
    let responses = op["responses"].as_object().expect("responses");
    let (status, response) = responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .expect("a 2xx response");
    let response = resolve(response);
    let example = response["content"]["application/json"]["example"].clone();
    assert!(
        !example.is_null(),
        "{id}: the {status} response has no example"
    );
    (status.parse().expect("numeric status"), example)
}

/// The generated entry of operation `id` in `securities_api::OPERATIONS`.
pub fn generated(id: &str) -> &'static securities_api::Operation {
    securities_api::OPERATIONS
        .iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("{id} is not in securities_api::OPERATIONS"))
}

/// The error statuses of operation `id` (`Operation::error_statuses`, read from the spec by
/// codegen), each with the name of the shared response the spec refers to for it
/// (`NotFound`), so that a test can answer with [`error_example`].
pub fn error_responses(id: &str) -> Vec<(u16, String)> {
    let (_, _, op) = operation(id);
    generated(id)
        .error_statuses
        .iter()
        .map(|status| {
            let reference = op["responses"][status.to_string()]["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{id} {status}: not a shared response"));
            let name = reference
                .strip_prefix("#/components/responses/")
                .unwrap_or_else(|| panic!("{id} {status}: {reference} is not a shared response"));
            (*status, name.to_string())
        })
        .collect()
}

/// A body for the shared error response `name` (such as `NotFound`), for the tests' servers
/// to answer with. The manual documents no error body, so the spec shows none: these are the
/// tests' own, JSON objects with the keys the client reads (`error`, `errors`, `message`), so
/// that a test sees the body come back whole. A name the spec does not have is a mistake.
pub fn error_example(name: &str) -> Value {
    assert!(
        spec()["components"]["responses"][name].is_object(),
        "no shared response {name} in the spec"
    );
    match name {
        "Unauthorized" => serde_json::json!({ "error": "Not authorized" }),
        "Forbidden" => serde_json::json!({ "error": "Forbidden" }),
        "NotFound" => serde_json::json!({ "error": "Not found" }),
        "UnprocessableEntity" => serde_json::json!({ "errors": { "number": ["can't be blank"] } }),
        "TooManyRequests" => serde_json::json!({ "error": "Too many requests" }),
        "InternalServerError" => serde_json::json!({ "error": "Internal server error" }),
        _ => serde_json::json!({ "message": "Offline for maintenance, try again later" }),
    }
}

/// What the server must receive for one operation.
pub struct Expect {
    /// The operation, as in the spec (only used in messages and to find its examples).
    pub op: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path, without the base URL's prefix.
    pub path: &'static str,
    /// The exact query parameters, in any order.
    pub query: &'static [(&'static str, &'static str)],
    /// Whether the request carries the spec's request example as its JSON body.
    pub body: bool,
}

/// A call of one operation through the client (`call()`), its answer turned into JSON. The
/// call succeeds only on the operation's documented success status.
pub type Call = fn(Client) -> BoxFuture<'static, Result<Value, Error>>;

/// Turns a decoded value into JSON.
pub fn to_json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("the decoded value serializes")
}

/// A client pointed at `server`, with [`TOKEN`], and `prefix` appended to its URL. Retries
/// are off: these tests count requests exactly (retries have tests of their own).
pub fn client(server: &MockServer, prefix: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .retry_policy(securities_api::RetryPolicy::disabled())
        .base_url(format!("{}{prefix}", server.uri()))
        .build()
        .expect("client")
}

/// Matches exactly the expected request: method, path (under `prefix`), the whole query, the
/// bearer token, no `api-version` header, and (when expected) the JSON body.
struct Exactly {
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

impl wiremock::Match for Exactly {
    fn matches(&self, request: &Request) -> bool {
        let mut query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        query.sort();
        let authorized = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {TOKEN}"));
        let body_ok = match &self.body {
            None => request.body.is_empty(),
            Some(expected) => {
                let json_type = request
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("application/json"));
                json_type
                    && serde_json::from_slice::<Value>(&request.body)
                        .is_ok_and(|actual| same_json(expected, &actual).is_ok())
            }
        };
        request.method.as_str() == self.method
            && request.url.path() == self.path
            && query == self.query
            && authorized
            && !request.headers.contains_key("api-version")
            && body_ok
    }
}

/// A server whose catch-all answers 599 to any request no mock expects, and which fails the
/// test when it is dropped if one arrived.
pub async fn strict_server() -> MockServer {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    server
}

async fn mount_catch_all(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(599).set_body_string("no mock expects this request"))
        .with_priority(u8::MAX)
        .named("catch-all: a request that no mock expects")
        .expect(0)
        .mount(server)
        .await;
}

fn describe(request: &Request) -> String {
    format!(
        "{} {} headers={:?} body={}",
        request.method,
        request.url,
        request
            .headers
            .keys()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        String::from_utf8_lossy(&request.body)
    )
}

/// Checks one operation end to end: with base URLs with and without a path prefix, the exact
/// request reaches the server and the spec's example response decodes to the same JSON; then
/// every error status of the operation (its `Operation::error_statuses`) comes back as an
/// `Error` naming the operation, status and body.
pub async fn check_operation(expect: Expect, call: Call) {
    let (status, example) = success_example(expect.op);
    let (spec_method, spec_path, _) = operation(expect.op);
    assert_eq!(
        spec_method, expect.method,
        "{}: method in the spec",
        expect.op
    );
    assert!(
        fits(&spec_path, expect.path),
        "{}: {} is not a path of {spec_path}",
        expect.op,
        expect.path
    );
    let body = expect.body.then(|| request_example(expect.op));
    let mut query: Vec<(String, String)> = expect
        .query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    query.sort();

    for prefix in ["", "/gateway/securities"] {
        let server = strict_server().await;
        let client = client(&server, prefix);
        let matcher = || Exactly {
            method: expect.method,
            path: format!("{prefix}{}", expect.path),
            query: query.clone(),
            body: body.clone(),
        };

        Mock::given(matcher())
            .respond_with(ResponseTemplate::new(status).set_body_json(&example))
            .named(format!("{} {} {}", expect.op, expect.method, expect.path))
            .expect(1)
            .mount(&server)
            .await;
        let answer = call(client.clone()).await;
        let received = server.received_requests().await.unwrap_or_default();
        let answer = answer.unwrap_or_else(|e| {
            panic!(
                "{} (spec path {spec_path}, prefix {prefix:?}) failed: {e:?}\nreceived: {:#?}",
                expect.op,
                received.iter().map(describe).collect::<Vec<_>>()
            )
        });
        if let Err(difference) = same_json(&example, &answer) {
            panic!("{}: the decoded example differs: {difference}", expect.op);
        }
        assert_eq!(received.len(), 1, "{}: exactly one request", expect.op);
        server.verify().await;

        let errors = error_responses(expect.op);
        assert!(!errors.is_empty(), "{}: no error status", expect.op);
        for (status, name) in errors {
            server.reset().await;
            mount_catch_all(&server).await;
            let error_body = error_example(&name);
            Mock::given(matcher())
                .respond_with(ResponseTemplate::new(status).set_body_json(&error_body))
                .expect(1)
                .mount(&server)
                .await;
            match call(client.clone()).await {
                Err(error) => {
                    assert_eq!(error.operation(), expect.op);
                    assert_eq!(error.kind(), ErrorKind::Api, "{error}");
                    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
                    let decoded = to_json(error.body().expect("a body"));
                    if let Err(difference) = same_json(&error_body, &decoded) {
                        panic!(
                            "{} {status}: the error body differs: {difference}",
                            expect.op
                        );
                    }
                    assert!(error.to_string().starts_with(expect.op), "{error}");
                }
                Ok(value) => panic!("{} {status}: expected an error, got {value}", expect.op),
            }
            server.verify().await;
        }
    }
}

/// Whether `path` is the spec's path `template` with one non-empty segment for each of its
/// parameters.
fn fits(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template.iter().zip(&path).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

/// Compares two JSON values the way a typed round trip may legitimately change them: a null
/// and an absent key are the same, and so are an empty list and an absent one; timestamps
/// compare as instants, numbers as numbers.
pub fn same_json(expected: &Value, actual: &Value) -> Result<(), String> {
    compare(expected, actual, "$")
}

fn compare(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys().chain(a.keys()) {
                let ev = e.get(key).unwrap_or(&Value::Null);
                let av = a.get(key).unwrap_or(&Value::Null);
                compare(ev, av, &format!("{at}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .try_for_each(|(i, (e, a))| compare(e, a, &format!("{at}[{i}]"))),
        // An optional list decodes to an empty `Vec` when empty or absent, and an empty `Vec`
        // is left out when it is serialized again.
        (Value::Array(e), Value::Null) | (Value::Null, Value::Array(e)) if e.is_empty() => Ok(()),
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (Value::String(e), Value::String(a)) if e == a => Ok(()),
        (Value::String(e), Value::String(a)) => {
            match (
                chrono::DateTime::parse_from_rfc3339(e),
                chrono::DateTime::parse_from_rfc3339(a),
            ) {
                (Ok(e), Ok(a)) if e == a => Ok(()),
                _ => Err(format!("{at}: expected {e:?}, got {a:?}")),
            }
        }
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{at}: expected {e}, got {a}")),
    }
}

/// A business number that must be escaped in a path: a space, a `/` and a `#`.
pub const AWKWARD_NUMBER: &str = "CCB 2023/0042#1";

/// [`AWKWARD_NUMBER`] as it must travel: percent-encoded, as one path segment.
pub const AWKWARD_NUMBER_ON_THE_WIRE: &str = "CCB%202023%2F0042%231";

/// Asks the lookup by number `op` (its [`ops::Calls::by_number`]) for [`AWKWARD_NUMBER`] and
/// checks the raw path the server received, byte for byte: the parent of the row's path
/// followed by one segment, [`AWKWARD_NUMBER_ON_THE_WIRE`], with no query and nothing cut off
/// at the `#`.
pub async fn check_escaped_number(op: &'static ops::Op) {
    let lookup = op.calls.by_number.unwrap_or_else(|| {
        panic!(
            "{}: a lookup by number, whose row of ops::ALL is not written with by_number!",
            op.id
        )
    });
    let (parent, _) = op.path.rsplit_once('/').expect("a path with a parent");
    let op = op.id;
    let (status, example) = success_example(op);
    let server = strict_server().await;
    let expected = format!("{parent}/{AWKWARD_NUMBER_ON_THE_WIRE}");
    let wanted = expected.clone();
    Mock::given(move |request: &Request| request.url.path() == wanted)
        .respond_with(ResponseTemplate::new(status).set_body_json(&example))
        .named(format!("{op} with an escaped number"))
        .expect(1)
        .mount(&server)
        .await;
    let answer = lookup(client(&server, ""), AWKWARD_NUMBER).await;
    let received = server.received_requests().await.unwrap_or_default();
    let paths: Vec<&str> = received.iter().map(|r| r.url.path()).collect();
    answer.unwrap_or_else(|e| panic!("{op}: {e:?}; the server received {paths:?}"));
    assert_eq!(paths, [expected.as_str()], "{op}");
    let last = paths[0].rsplit('/').next().expect("a last segment");
    assert_eq!(last, AWKWARD_NUMBER_ON_THE_WIRE, "{op}: one segment");
    assert_eq!(received[0].url.query(), None, "{op}");
    assert_eq!(received[0].url.fragment(), None, "{op}");
    server.verify().await;
}
