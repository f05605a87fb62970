//! Whatever bytes and status come back, decoding never panics: every operation (its call of
//! `ops::ALL`) returns either its body or an `Error` that names it.

use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use securities_api::{Client, RetryPolicy, MAX_ERROR_TEXT};
use serde_json::Value;

use crate::common::{
    generated, ops,
    raw::{RawServer, Reply},
    success_example,
};

/// A body built from the operation's own example, so that the decoders get past the first
/// byte: cut short, or with one value swapped for another of any type.
fn mutate(example: &Value, cut: usize, swap_at: usize, replacement: Value) -> Vec<u8> {
    if cut.is_multiple_of(2) {
        let text = example.to_string();
        return text.as_bytes()[..cut.min(text.len())].to_vec();
    }
    let mut value = example.clone();
    let mut index = 0;
    swap(&mut value, swap_at, &mut index, &replacement);
    value.to_string().into_bytes()
}

fn swap(value: &mut Value, target: usize, index: &mut usize, replacement: &Value) -> bool {
    if *index == target {
        *value = replacement.clone();
        return true;
    }
    *index += 1;
    match value {
        Value::Object(map) => map
            .values_mut()
            .any(|v| swap(v, target, index, replacement)),
        Value::Array(items) => items
            .iter_mut()
            .any(|v| swap(v, target, index, replacement)),
        _ => false,
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        // Long enough that a decoder's message quoting it would overrun the ceiling.
        (0usize..5000, any::<char>()).prop_map(|(n, c)| Value::String(c.to_string().repeat(n))),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_?]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Body {
    Bytes(Vec<u8>),
    Mutated {
        cut: usize,
        swap_at: usize,
        replacement: Value,
    },
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512).prop_map(Body::Bytes),
        (0usize..4000, 0usize..60, any_json()).prop_map(|(cut, swap_at, replacement)| {
            Body::Mutated {
                cut,
                swap_at,
                replacement,
            }
        }),
    ]
}

/// Statuses any server may send, not only those the spec lists (400, 409 and 504 are not):
/// the property must hold whatever comes back.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504]),
        1 => 200u16..600,
    ]
}

fn content_type() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "text/html",
        "text/plain",
        "",
    ])
}

#[test]
fn decoding_never_panics() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let next: Arc<Mutex<Reply>> = Arc::new(Mutex::new(Reply::typed(200, "application/json", "")));
    let script = next.clone();
    let server = runtime.block_on(RawServer::start(move |_, _| {
        script.lock().expect("reply").clone()
    }));
    let client = Client::builder()
        .token("property-token")
        .base_url(&server.url)
        .retry_policy(RetryPolicy::disabled())
        // Its random 429s are no rate limit: paced after them, the cases would take minutes.
        .adaptive_rate_limit(false)
        .build()
        .expect("client");

    let config = ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(op in 0..ops::ALL.len(), status in status(), body in body(), content_type in content_type())| {
        let (id, call) = (ops::ALL[op].id, ops::ALL[op].calls.call);
        let bytes = match body {
            Body::Bytes(bytes) => bytes,
            Body::Mutated { cut, swap_at, replacement } => mutate(&success_example(id).1, cut, swap_at, replacement),
        };
        *next.lock().expect("reply") = Reply::typed(status, content_type, bytes);
        let before = server.count();
        let outcome = runtime.block_on(call(client.clone()));
        prop_assert_eq!(server.count(), before + 1);
        // The request of `ops::ALL`, with the token.
        let received = server.received().pop().expect("a request");
        prop_assert_eq!(&received.method, ops::ALL[op].operation().method);
        prop_assert!(received.target.starts_with(ops::ALL[op].path), "{}", received.target);
        prop_assert!(
            received.headers.contains(&("authorization".into(), "Bearer property-token".into())),
            "{:?}",
            received.headers
        );
        match outcome {
            Ok(_) => prop_assert!((200..300).contains(&status)),
            Err(error) => {
                prop_assert_eq!(error.operation(), id);
                // The text stays under the ceiling whatever the body, and names the
                // operation.
                let (shown, debug) = (error.to_string(), format!("{error:?}"));
                prop_assert!(shown.len() <= MAX_ERROR_TEXT, "{} bytes: {}", shown.len(), shown);
                prop_assert!(debug.len() <= MAX_ERROR_TEXT, "{} bytes: {}", debug.len(), debug);
                prop_assert!(shown.starts_with(id), "{}", shown);
                if status >= 400 {
                    prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
                }
            }
        }
    });

    // And every operation once with each of its error statuses and an HTML body.
    for ops::Op { id, calls, .. } in ops::ALL {
        for &status in generated(id).error_statuses {
            *next.lock().expect("reply") = Reply::typed(status, "text/html", "<html>erro</html>");
            let error = runtime
                .block_on((calls.call)(client.clone()))
                .expect_err("an error status");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{id}");
            assert_eq!(
                error.body_text().as_deref(),
                Some("<html>erro</html>"),
                "{id}"
            );
        }
    }
}
