//! The fault matrix: a server on 127.0.0.1 that misbehaves on purpose, and what the caller
//! sees in each case. Every case counts the requests the server received.

mod common;

use std::time::{Duration, SystemTime};

use common::raw::{RawServer, Reply};
use securities_api::{types, Client, ErrorKind, RetryPolicy};
use serde_json::json;

/// A client for `server` with a fast retry policy (the waits are not what is tested here,
/// except where `Retry-After` sets them).
fn client(server: &RawServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .token("fault-token")
        .base_url(&server.url)
        .retry_policy(policy)
        .timeout(Duration::from_millis(800))
        .build()
        .expect("client")
}

/// `get_batch` on `server` with the fast policy, which must fail (`why` names the fault).
async fn failed_get_batch(server: &RawServer, why: &str) -> securities_api::Error {
    match client(server, fast()).get_batch().id(402).call().await {
        Ok(batch) => panic!("{why}: expected an error, got {batch:?}"),
        Err(error) => error,
    }
}

fn fast() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(5))
}

fn batch() -> serde_json::Value {
    json!({"batch": {"id": 402, "status": "pending", "number": "L-1", "quantity": 2}})
}

fn new_batch() -> types::NewBatchRequest {
    types::NewBatchRequest {
        batch: types::NewBatch {
            number: "L-1".into(),
            quantity: 2,
        },
    }
}

#[tokio::test]
async fn rate_limited_with_retry_after_seconds_waits_then_succeeds() {
    let server = RawServer::start(|n, _| match n {
        0 => {
            Reply::json(429, &json!({"error": "Too many requests"})).with_header("retry-after", "1")
        }
        _ => Reply::json(200, &batch()),
    })
    .await;
    let found = client(&server, fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("second try");
    assert_eq!(found.batch.id, 402);
    let received = server.received();
    assert_eq!(received.len(), 2);
    // The wait is Retry-After's, not the backoff's (at most 5 ms here): the second request
    // cannot have come before a second had passed. tests/observability.rs reads the delay
    // from the retry event.
    assert!(received[1].at.duration_since(received[0].at) >= Duration::from_millis(1000));
}

#[tokio::test]
async fn rate_limited_with_an_http_date_waits_until_then() {
    let server = RawServer::start(|n, _| match n {
        0 => {
            let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            Reply::json(429, &json!({})).with_header("retry-after", when)
        }
        _ => Reply::json(200, &batch()),
    })
    .await;
    client(&server, fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("second try");
    let received = server.received();
    assert_eq!(received.len(), 2);
    // HTTP dates have whole seconds: "in 2 s" is more than one second away.
    assert!(received[1].at.duration_since(received[0].at) >= Duration::from_millis(900));
}

#[tokio::test]
async fn rate_limited_forever_gives_up_after_the_policy() {
    let server = RawServer::always(
        Reply::json(429, &json!({"error": "Too many requests"})).with_header("retry-after", "0"),
    )
    .await;
    let error = client(&server, fast().max_retries(3))
        .list_batches()
        .call()
        .await
        .expect_err("429");
    assert_eq!(server.count(), 4, "the first attempt and three retries");
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    assert!(error.is_retryable());
    assert!(error.to_string().contains("429"), "{error}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_is_returned_at_once() {
    let server =
        RawServer::always(Reply::json(429, &json!({})).with_header("retry-after", "120")).await;
    let error = client(&server, fast())
        .list_batches()
        .call()
        .await
        .expect_err("429");
    assert_eq!(server.count(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn unavailable_then_ok_on_get_is_retried() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::typed(503, "text/html", "<h1>Em manutenção</h1>"),
        _ => Reply::json(200, &batch()),
    })
    .await;
    let found = client(&server, fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("second try");
    assert_eq!(found.batch.id, 402);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn unavailable_on_post_is_not_retried() {
    let server = RawServer::always(Reply::json(503, &json!({"message": "offline"}))).await;
    let error = client(&server, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("503");
    assert_eq!(server.count(), 1, "a write is never repeated after a 5xx");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(
        !error.is_retryable(),
        "the server may have acted on the POST"
    );
    assert_eq!(error.operation(), "create_batch");
}

#[tokio::test]
async fn rate_limited_post_is_retried() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::json(429, &json!({})).with_header("retry-after", "0"),
        _ => Reply::json(201, &batch()),
    })
    .await;
    client(&server, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect("second try");
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].body, received[1].body,
        "the same body is sent again"
    );
}

#[tokio::test]
async fn bad_gateway_with_an_html_page_reports_status_and_text() {
    let page = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>";
    let server = RawServer::always(Reply::typed(502, "text/html", page)).await;
    let error = client(&server, fast().max_retries(1))
        .get_proposal()
        .id(1)
        .call()
        .await
        .expect_err("502");
    assert_eq!(server.count(), 2, "GET: one retry, then the error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.body_text().as_deref(), Some(page));
    assert_eq!(error.body().and_then(|b| b.text.as_deref()), Some(page));
    assert!(
        error.to_string().contains("502") && error.to_string().contains("Bad Gateway"),
        "{error}"
    );
    assert_eq!(error.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn connection_reset_mid_body() {
    let server = RawServer::always(Reply::Reset {
        status: 200,
        declared: 500,
        body: br#"{"batch": {"id": 402, "sta"#.to_vec(),
    })
    .await;
    let error = failed_get_batch(&server, "reset").await;
    assert_eq!(server.count(), 1, "the answer had started: not retried");
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn truncated_json() {
    let server = RawServer::always(Reply::typed(
        200,
        "application/json",
        r#"{"batch": {"id": 402, "sta"#,
    ))
    .await;
    let error = failed_get_batch(&server, "truncated").await;
    assert_eq!(server.count(), 1);
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        error.body_text().as_deref(),
        Some(r#"{"batch": {"id": 402, "sta"#)
    );
}

#[tokio::test]
async fn invalid_json_on_200() {
    let server = RawServer::always(Reply::typed(200, "application/json", "{batch: 402}")).await;
    let error = failed_get_batch(&server, "invalid").await;
    assert_eq!(server.count(), 1);
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        std::error::Error::source(&error).is_some(),
        "the JSON error is the source"
    );
}

#[tokio::test]
async fn json_of_the_wrong_shape() {
    let server = RawServer::always(Reply::json(200, &json!({"batch": [1, 2, 3]}))).await;
    let error = failed_get_batch(&server, "shape").await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn wrong_content_type() {
    // An HTML page with a success status is a decoding error that keeps the status and text.
    let server = RawServer::always(Reply::typed(200, "text/html", "<html>login</html>")).await;
    let error = failed_get_batch(&server, "html").await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.body_text().as_deref(), Some("<html>login</html>"));
    assert_eq!(server.count(), 1);
    // The right JSON under a wrong content type is accepted: the body is what counts.
    let lenient = RawServer::always(Reply::typed(200, "text/plain", batch().to_string())).await;
    let found = client(&lenient, fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("JSON body");
    assert_eq!(found.batch.id, 402);
}

#[tokio::test]
async fn slow_headers_time_out() {
    let server = RawServer::always(Reply::Delayed(
        Duration::from_secs(3),
        Box::new(Reply::json(200, &batch())),
    ))
    .await;
    let error = failed_get_batch(&server, "timeout").await;
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.status(), None);
    assert_eq!(server.count(), 1, "timeouts are not retried");
    assert!(error.is_retryable(), "a GET may be tried again later");
}

#[tokio::test]
async fn slow_body_times_out() {
    let body = batch().to_string().into_bytes();
    let (head, tail) = body.split_at(10);
    let server = RawServer::always(Reply::SlowBody {
        status: 200,
        chunks: vec![head.to_vec(), tail.to_vec()],
        pause: Duration::from_millis(600),
    })
    .await;
    let error = failed_get_batch(&server, "timeout").await;
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn timed_out_post_is_not_retried() {
    let server = RawServer::always(Reply::Delayed(
        Duration::from_secs(3),
        Box::new(Reply::json(201, &batch())),
    ))
    .await;
    let error = client(&server, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("timeout");
    assert!(error.is_timeout());
    assert!(
        !error.is_retryable(),
        "the server may have created the batch"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn unknown_enum_values_decode() {
    let server = RawServer::always(Reply::json(
        200,
        &json!({"signer": {"id": 9, "auth": "whatsapp", "sign_as": "guarantor", "communicate_by": "sms"}}),
    ))
    .await;
    let signer = client(&server, fast())
        .get_signer()
        .id(9)
        .call()
        .await
        .expect("decodes")
        .signer;
    assert_eq!(
        signer.auth,
        Some(types::SignerAuth::Unknown("whatsapp".into()))
    );
    assert_eq!(
        signer.sign_as,
        Some(types::SignAs::Unknown("guarantor".into()))
    );
    assert_eq!(
        signer.communicate_by.as_ref().map(|c| c.as_str()),
        Some("sms")
    );
    // Known values still decode to their variants, and unknown ones go back out unchanged.
    assert_eq!("party".parse::<types::SignAs>(), Ok(types::SignAs::Party));
    assert_eq!(
        serde_json::to_value(&signer.sign_as).expect("json"),
        json!("guarantor")
    );
}

#[tokio::test]
async fn extra_fields_decode() {
    let server = RawServer::always(Reply::json(
        200,
        &json!({
            "batch": {"id": 402, "status": "archived", "priority": 3, "owner": {"id": 1}},
            "meta": {"request_id": "abc"}
        }),
    ))
    .await;
    let found = client(&server, fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("decodes")
        .batch;
    assert_eq!(
        found.status,
        Some(types::BatchStatus::Unknown("archived".into()))
    );
}

#[tokio::test]
async fn absent_and_null_optional_fields_decode() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::json(200, &json!({"proposal": {"id": 7}})),
        _ => Reply::json(
            200,
            &json!({"proposal": {"id": 7, "number": null, "documents": [], "document_data": null, "installments": null}}),
        ),
    })
    .await;
    let client = client(&server, fast());
    for _ in 0..2 {
        let proposal = client
            .get_proposal()
            .id(7)
            .call()
            .await
            .expect("decodes")
            .proposal;
        assert_eq!(proposal.id, 7);
        assert_eq!(proposal.number, None);
        assert!(proposal.documents.is_empty());
        assert!(proposal.document_data.is_none());
    }
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn empty_body_on_200() {
    let server = RawServer::always(Reply::typed(200, "application/json", "")).await;
    let error = failed_get_batch(&server, "empty").await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn empty_body_on_an_error_status() {
    let server = RawServer::always(Reply::typed(404, "application/json", "")).await;
    let error = failed_get_batch(&server, "404").await;
    assert!(error.is_not_found());
    assert_eq!(error.body_text().as_deref(), Some(""));
}

#[tokio::test]
async fn validation_errors_expose_the_messages() {
    let server = RawServer::always(Reply::json(
        422,
        &json!({"errors": {"number": ["can't be blank"], "quantity": ["must be greater than 0"]}}),
    ))
    .await;
    let error = client(&server, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("422");
    assert!(error.is_validation());
    assert_eq!(
        error.validation_messages(),
        ["number: can't be blank", "quantity: must be greater than 0"]
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn huge_error_bodies_are_bounded() {
    let body = "x".repeat(4 * 1024 * 1024);
    let server = RawServer::always(Reply::typed(500, "text/plain", body)).await;
    let error = failed_get_batch(&server, "500").await;
    assert!(error.is_body_truncated());
    assert_eq!(
        error.body_text().map(|t| t.len()),
        Some(securities_api::MAX_ERROR_BODY)
    );
    let shown = error.to_string();
    assert!(
        shown.len() < 400,
        "Display shows a bounded prefix: {} chars",
        shown.len()
    );
    assert!(format!("{error:?}").len() < 600);
    assert_eq!(server.count(), 1, "500 is not retried");
}

#[tokio::test]
async fn statuses_the_spec_does_not_list() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::typed(504, "text/plain", "upstream timed out"),
        _ => Reply::json(409, &json!({"error": "conflict"})),
    })
    .await;
    let client = client(&server, fast().max_retries(0));
    let gateway = client.get_batch().id(402).call().await.expect_err("504");
    assert_eq!(gateway.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(gateway.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(gateway.body_text().as_deref(), Some("upstream timed out"));
    assert!(gateway.is_retryable());
    let conflict = client
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("409");
    assert_eq!(conflict.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(
        conflict.body().and_then(|b| b.error.as_deref()),
        Some("conflict")
    );
    // A success status other than the documented one is reported, not decoded.
    let wrong = RawServer::always(Reply::json(200, &batch())).await;
    let error = self::client(&wrong, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("200");
    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = RawServer::always(Reply::json(503, &json!({}))).await;
    let error = client(&server, RetryPolicy::disabled())
        .list_batches()
        .call()
        .await
        .expect_err("503");
    assert_eq!(server.count(), 1);
    assert!(error.is_retryable());
}
