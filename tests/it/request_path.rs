//! Every request stays where it was aimed: hostile path values, redirects and a `Retry-After`
//! of any size, against a server on 127.0.0.1 that records the raw request target and headers.

use std::time::Duration;

use futures::{future::BoxFuture, FutureExt};
use securities_api::{Client, Error, ErrorKind, RetryPolicy};
use serde_json::json;

use crate::common::raw::{RawServer, Reply};

/// An operation whose path takes a caller's text, called with one value.
type Lookup = fn(Client, String) -> BoxFuture<'static, Result<(), Error>>;

/// The operations with a text path parameter: the four lookups by number (any text) and the
/// three by key (a UUID, so a value that is not one is refused by the builder). Every other
/// path parameter is an integer, which cannot hold anything but digits and `-`.
const LOOKUPS: [(&str, &str, &str, Lookup); 7] = [
    (
        "get_proposal_by_number",
        "/v1/proposals/bynumber/",
        "number",
        |c, v| async move { c.get_proposal_by_number().number(v).call().await.map(drop) }.boxed(),
    ),
    (
        "get_bank_credit_note_by_number",
        "/v1/bank_credit_notes/bynumber/",
        "number",
        |c, v| {
            async move {
                c.get_bank_credit_note_by_number()
                    .number(v)
                    .call()
                    .await
                    .map(drop)
            }
            .boxed()
        },
    ),
    (
        "get_assignment_by_number",
        "/v1/assignments/bynumber/",
        "number",
        |c, v| {
            async move {
                c.get_assignment_by_number()
                    .number(v)
                    .call()
                    .await
                    .map(drop)
            }
            .boxed()
        },
    ),
    (
        "get_duplicate_by_number",
        "/v1/duplicates/bynumber/",
        "number",
        |c, v| async move { c.get_duplicate_by_number().number(v).call().await.map(drop) }.boxed(),
    ),
    ("get_signer_by_key", "/v1/signers/bykey/", "key", |c, v| {
        async move { c.get_signer_by_key().key(v).call().await.map(drop) }.boxed()
    }),
    (
        "get_document_by_key",
        "/v1/documents/bykey/",
        "key",
        |c, v| async move { c.get_document_by_key().key(v).call().await.map(drop) }.boxed(),
    ),
    (
        "get_document_signer_by_key",
        "/v1/documents/7/signers/bykey/",
        "key",
        |c, v| {
            async move {
                c.get_document_signer_by_key()
                    .document_id(7)
                    .key(v)
                    .call()
                    .await
                    .map(drop)
            }
            .boxed()
        },
    ),
];

/// Hostile values and the last path segment each must travel as, or `None`: refused before
/// any request.
/// [`LOOKUPS`] holds every operation with a text path parameter: an operation added to the
/// spec with one gets the hostile values too, or this fails naming it.
#[test]
fn every_text_path_parameter_is_tried() {
    let spec = crate::common::spec();
    let mut texts: Vec<String> = Vec::new();
    for op in securities_api::OPERATIONS {
        let method = op.method.to_ascii_lowercase();
        let item = &spec["paths"][op.path];
        let parameters = item["parameters"].as_array().into_iter().flatten();
        let parameters =
            parameters.chain(item[&method]["parameters"].as_array().into_iter().flatten());
        for parameter in parameters.map(crate::common::resolve) {
            let schema = crate::common::resolve(&parameter["schema"]);
            if parameter["in"] == "path" && schema["type"] == "string" {
                texts.push(op.id.to_string());
            }
        }
    }
    let mut tried: Vec<String> = LOOKUPS.iter().map(|(id, ..)| id.to_string()).collect();
    tried.sort();
    texts.sort();
    assert_eq!(
        tried, texts,
        "LOOKUPS must list every operation with a text path parameter"
    );
}

fn hostile() -> Vec<(String, Option<String>)> {
    let long_dots = format!("{}..", "x".repeat(300));
    vec![
        ("..".into(), None),
        (".".into(), None),
        ("".into(), None),
        (
            r"..\..\..\..\admin".into(),
            Some(r"..%5C..%5C..%5C..%5Cadmin".into()),
        ),
        (r"a\b".into(), Some("a%5Cb".into())),
        ("../../admin".into(), Some("..%2F..%2Fadmin".into())),
        ("%2e%2e".into(), Some("%252e%252e".into())),
        ("%2E".into(), Some("%252E".into())),
        ("...".into(), Some("...".into())),
        ("a/../../b".into(), Some("a%2F..%2F..%2Fb".into())),
        ("?page=2#top".into(), Some("%3Fpage%3D2%23top".into())),
        ("x;y=z&w".into(), Some("x%3By%3Dz%26w".into())),
        (
            "CCB 2023/0042#1".into(),
            Some("CCB%202023%2F0042%231".into()),
        ),
        ("cédula\t\n".into(), Some("c%C3%A9dula%09%0A".into())),
        (
            "http://evil.example/".into(),
            Some("http%3A%2F%2Fevil.example%2F".into()),
        ),
        (long_dots.clone(), Some(long_dots)),
    ]
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .token("path-token")
        .base_url(base_url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

#[tokio::test]
async fn path_values_fill_exactly_one_segment_or_nothing_is_sent() {
    let server = RawServer::always(Reply::json(404, &json!({"error": "Not found"}))).await;
    let base = format!("{}/api", server.url);
    let mut sent = 0;
    for (op, parent, parameter, lookup) in LOOKUPS {
        let is_key = parameter == "key";
        for (value, wire) in hostile() {
            let before = server.count();
            let error = lookup(client(&base), value.clone())
                .await
                .expect_err("the server answers 404");
            let arrived = server.received()[before..].to_vec();
            // A key must be a UUID: the builder refuses every value of this table.
            match wire.filter(|_| !is_key) {
                None => {
                    assert_eq!(arrived.len(), 0, "{op}({value:?}): {arrived:?}");
                    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{op}({value:?})");
                    let shown = error.to_string();
                    assert!(
                        shown.starts_with(&format!("{op}: invalid request")),
                        "{shown}"
                    );
                    assert!(shown.contains(parameter), "{op}({value:?}): {shown}");
                }
                Some(wire) => {
                    sent += 1;
                    assert_eq!(arrived.len(), 1, "{op}({value:?})");
                    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
                    assert_eq!(
                        arrived[0].target,
                        format!("/api{parent}{wire}"),
                        "{op}({value:?})"
                    );
                }
            }
        }
    }
    assert_eq!(sent, 4 * 13);
    // Whatever arrived came under the base URL's path, with the token.
    for request in server.received() {
        assert!(request.target.starts_with("/api/v1/"), "{}", request.target);
    }
}

/// A server that redirects: where to, with which status.
async fn redirecting(status: u16, location: String) -> RawServer {
    RawServer::always(Reply::Full {
        status,
        headers: vec![("location", location)],
        body: Vec::new(),
    })
    .await
}

#[tokio::test]
async fn no_redirect_is_followed() {
    let elsewhere = RawServer::always(Reply::json(200, &json!({"batch": {"id": 1}}))).await;
    let cases = [
        (
            302,
            "/admin".to_string(),
            "same origin, outside the base path",
        ),
        (
            307,
            format!("{}/api/v1/batches", elsewhere.url),
            "another port",
        ),
        (301, "/api/v1/batches/402".to_string(), "a loop"),
    ];
    for (status, location, what) in cases {
        let server = redirecting(status, location.clone()).await;
        let client = Client::builder()
            .token("redirect-token")
            .base_url(format!("{}/api", server.url))
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
            .build()
            .expect("client");
        let get = client.get_batch().id(402).call().await.expect_err(what);
        let post = client
            .create_batch()
            .body(securities_api::types::NewBatchRequest {
                batch: securities_api::types::NewBatch {
                    number: "L-1".into(),
                    quantity: 2,
                },
            })
            .call()
            .await
            .expect_err(what);
        for error in [&get, &post] {
            assert_eq!(error.kind(), ErrorKind::UnexpectedStatus, "{what}: {error}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            assert!(!error.is_retryable(), "{what}");
            let shown = error.to_string();
            assert!(
                shown.contains(&format!("redirect to {location} not followed")),
                "{what}: {shown}"
            );
        }
        assert_eq!(
            server.count(),
            2,
            "{what}: one GET and one POST, neither repeated"
        );
        for request in server.received() {
            assert!(
                request.headers.iter().all(|(name, _)| name != "referer"),
                "{what}: {:?}",
                request.headers
            );
        }
    }
    assert_eq!(elsewhere.count(), 0, "nothing reached the other server");
}

/// The panic of 0.2.0: a huge `Retry-After` after a slow first answer, with no cap on the wait.
#[tokio::test]
async fn a_retry_after_of_any_size_gives_an_error_not_a_panic() {
    for value in [
        u64::MAX.to_string(),
        "18446744073709551616".to_string(),
        "Fri, 31 Dec 9999 23:59:59 GMT".to_string(),
        "0".to_string(),
        "soon".to_string(),
    ] {
        let reply = Reply::json(429, &json!({"error": "slow down"}))
            .with_header("retry-after", value.clone());
        let server =
            RawServer::always(Reply::Delayed(Duration::from_millis(30), Box::new(reply))).await;
        let client = Client::builder()
            .token("t")
            .base_url(&server.url)
            .retry_policy(
                RetryPolicy::default()
                    .max_delay(Duration::MAX)
                    .budget(Duration::from_millis(200))
                    .base_delay(Duration::from_millis(1)),
            )
            .build()
            .expect("client");
        let error = client.get_batch().id(402).call().await.expect_err(&value);
        assert!(error.is_rate_limited(), "{value}: {error}");
        // A wait that ends past the budget is not waited: the error comes back at once.
        assert!(server.count() <= 4, "{value}: {}", server.count());
    }
}
