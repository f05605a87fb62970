//! The fault matrix: a server on 127.0.0.1 that misbehaves on purpose, and what the caller
//! sees in each case. Every case counts the requests the server received.

use std::time::{Duration, SystemTime};

use crate::common::raw::{RawServer, Reply};
use securities_api::{types, Client, ErrorKind, RetryPolicy, MAX_ERROR_TEXT};
use serde_json::json;

/// A client for `server` with a fast retry policy (the waits are not what is tested here,
/// except where `Retry-After` sets them).
fn client(server: &RawServer, policy: RetryPolicy) -> Client {
    client_at(&server.url, policy)
}

/// The same client for any base URL.
fn client_at(url: &str, policy: RetryPolicy) -> Client {
    builder(url, policy).build().expect("client")
}

/// The builder of [`client_at`], for a test that sets more.
fn builder(url: &str, policy: RetryPolicy) -> securities_api::ClientBuilder {
    Client::builder()
        .token("fault-token")
        .base_url(url)
        .retry_policy(policy)
        .timeout(Duration::from_millis(800))
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
    // The server's own headers, as it sent them.
    assert_eq!(error.headers()["content-type"], "text/html");
}

/// A 200 whose connection is reset after `sent` of the 500 bytes it announces.
fn reset_mid_body() -> Reply {
    Reply::Reset {
        status: 200,
        declared: 500,
        body: br#"{"batch": {"id": 402, "sta"#.to_vec(),
    }
}

#[tokio::test]
async fn connection_reset_mid_body_on_a_get_is_retried() {
    let server = RawServer::start(|n, _| match n {
        0 => reset_mid_body(),
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
    assert_eq!(server.count(), 2, "the broken body, then the whole answer");
}

#[tokio::test]
async fn connection_reset_mid_body_every_time() {
    let server = RawServer::always(reset_mid_body()).await;
    let error = client(&server, fast().max_retries(2))
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("reset");
    assert_eq!(server.count(), 3, "the first attempt and two retries");
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.is_retryable());
    assert!(error.is_body_truncated());
    let shown = error.to_string();
    assert!(
        shown
            .contains("connection reset while reading the body of get_batch after 26 of 500 bytes"),
        "{shown}"
    );
    assert!(!shown.contains("error decoding response body"), "{shown}");
}

#[tokio::test]
async fn connection_reset_mid_body_on_a_post_is_not_retried() {
    let server = RawServer::always(Reply::Reset {
        status: 201,
        declared: 500,
        body: br#"{"batch": {"id": 402, "sta"#.to_vec(),
    })
    .await;
    let error = client(&server, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("reset");
    assert_eq!(server.count(), 1, "the server may have created the batch");
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
    assert!(!error.is_retryable());
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

#[tokio::test]
async fn a_3_mb_string_where_an_integer_belongs_gives_a_bounded_decode_error() {
    let huge = "7".repeat(3 * 1024 * 1024);
    let server = RawServer::always(Reply::json(
        200,
        &json!({"batch": {"id": huge, "status": "pending", "number": "L-1", "quantity": 2}}),
    ))
    .await;
    let error = failed_get_batch(&server, "wrong type").await;
    assert_eq!(
        server.count(),
        1,
        "a body that does not decode is not retried"
    );
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(!error.is_retryable());
    let (shown, debug, pretty) = (
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    );
    for text in [&shown, &debug, &pretty] {
        assert!(text.len() <= MAX_ERROR_TEXT, "{} bytes", text.len());
        assert!(text.contains("get_batch") && text.contains("200"), "{text}");
        // The body shows only in the 160-character preview: the decoder's message does not
        // quote the value.
        assert!(!text.contains(&"7".repeat(161)), "{text}");
    }
    assert!(shown.contains("invalid type: string"), "{shown}");
    // The body stays available beyond the preview (up to the error-body cap).
    assert_eq!(
        error.body_text().map(|t| t.len()),
        Some(securities_api::MAX_ERROR_BODY)
    );
    assert!(error.is_body_truncated());
}

/// A 200 whose body is 1 GiB of spaces, served 64 KiB at a time, announced with its length
/// or chunked.
fn gigabyte(declared: bool) -> Reply {
    Reply::Stream {
        status: 200,
        declared: declared.then_some(1 << 30),
        chunk: vec![b' '; 64 * 1024],
        times: Some((1 << 30) / (64 * 1024)),
        pause: Duration::ZERO,
    }
}

#[tokio::test]
async fn an_answer_over_max_response_bytes_is_not_read_further() {
    for declared in [true, false] {
        let server = RawServer::always(gigabyte(declared)).await;
        let client = Client::builder()
            .token("fault-token")
            .base_url(&server.url)
            .retry_policy(fast())
            .max_response_bytes(1024 * 1024)
            .build()
            .expect("client");
        let error = client
            .get_batch()
            .id(402)
            .call()
            .await
            .expect_err("too large");
        assert_eq!(server.count(), 1, "declared {declared}: not retried");
        assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
        assert_eq!(error.limit(), Some(1024 * 1024));
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert!(!error.is_retryable());
        let shown = error.to_string();
        assert!(shown.contains("limit of 1048576 bytes"), "{shown}");
        if declared {
            // Refused on the announced length, before a byte of the body was read.
            assert!(
                shown.contains("(1073741824 bytes announced)")
                    && shown.contains("; 0 bytes were read"),
                "{shown}"
            );
        }
        assert!(shown.len() <= MAX_ERROR_TEXT);
    }
    let default = Client::builder().token("t").build().expect("client");
    assert_eq!(
        default.max_response_bytes(),
        securities_api::DEFAULT_MAX_RESPONSE_BYTES
    );
}

#[tokio::test]
async fn a_body_that_trickles_for_ever_times_out() {
    let server = RawServer::always(Reply::Stream {
        status: 200,
        declared: None,
        chunk: b" ".to_vec(),
        times: None,
        pause: Duration::from_millis(50),
    })
    .await;
    let error = failed_get_batch(&server, "trickle").await;
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        server.count(),
        1,
        "timeouts are not retried within the call"
    );
    assert!(error.is_retryable(), "a GET may be tried again later");
    assert!(
        error
            .to_string()
            .contains("timed out while reading the body of get_batch"),
        "{error}"
    );
}

#[tokio::test]
async fn a_reset_before_the_answer() {
    let get = RawServer::start(|n, _| match n {
        0 => Reply::ResetBeforeHead,
        _ => Reply::json(200, &batch()),
    })
    .await;
    client(&get, fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("second try");
    assert_eq!(get.count(), 2);
    let post = RawServer::always(Reply::ResetBeforeHead).await;
    let error = client(&post, fast())
        .create_batch()
        .body(new_batch())
        .call()
        .await
        .expect_err("reset");
    assert_eq!(post.count(), 1);
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "create_batch: the connection broke: connection reset"
    );
}

/// The retry loop and `is_retryable()` answer from the same rule: over the whole matrix, the
/// client retried a failure exactly when the error it returns is retryable, except for
/// timeouts, which are retryable by the caller but never within the call.
#[tokio::test]
async fn is_retryable_agrees_with_the_retry_loop() {
    let reset = |status| Reply::Reset {
        status,
        declared: 500,
        body: b"{".to_vec(),
    };
    let slow = |status| {
        Reply::Delayed(
            Duration::from_secs(3),
            Box::new(Reply::json(status, &batch())),
        )
    };
    let cases: Vec<(&str, Reply)> = vec![
        (
            "429",
            Reply::json(429, &json!({})).with_header("retry-after", "0"),
        ),
        ("500", Reply::json(500, &json!({}))),
        (
            "502 html",
            Reply::typed(502, "text/html", "<h1>bad gateway</h1>"),
        ),
        ("503", Reply::json(503, &json!({}))),
        ("504", Reply::typed(504, "text/plain", "upstream")),
        ("404", Reply::json(404, &json!({"error": "Not found"}))),
        ("422", Reply::json(422, &json!({"errors": ["no"]}))),
        ("409", Reply::json(409, &json!({}))),
        ("reset before the head", Reply::ResetBeforeHead),
        ("reset mid-body, 200", reset(200)),
        ("reset mid-body, 201", reset(201)),
        ("reset mid-body, 404", reset(404)),
        (
            "truncated JSON",
            Reply::typed(200, "application/json", "{\"batch\""),
        ),
        ("wrong shape", Reply::json(200, &json!({"batch": [1]}))),
        (
            "html on 200",
            Reply::typed(200, "text/html", "<html></html>"),
        ),
        (
            "huge error body",
            Reply::typed(500, "text/plain", "x".repeat(100_000)),
        ),
        ("slow headers, 200", slow(200)),
        ("slow headers, 201", slow(201)),
        ("over the limit", gigabyte(true)),
        ("malformed head", malformed_head()),
        ("head too large", head_too_large()),
        (
            "redirect",
            Reply::Full {
                status: 302,
                headers: vec![("location", "/api/v1/batches/402".into())],
                body: Vec::new(),
            },
        ),
    ];
    let mut retried_some = false;
    for (name, reply) in cases {
        for write in [false, true] {
            let server = RawServer::always(reply.clone()).await;
            let client = Client::builder()
                .token("fault-token")
                .base_url(&server.url)
                .retry_policy(fast().max_retries(1))
                .timeout(Duration::from_millis(800))
                .max_response_bytes(1024 * 1024)
                .build()
                .expect("client");
            let outcome = if write {
                client
                    .create_batch()
                    .body(new_batch())
                    .call()
                    .await
                    .map(|_| ())
            } else {
                client.get_batch().id(402).call().await.map(|_| ())
            };
            let method = if write { "POST" } else { "GET" };
            let error = outcome.expect_err(name);
            let retried = server.count() == 2;
            retried_some |= retried;
            assert_eq!(
                retried,
                error.is_retryable() && !error.is_timeout(),
                "{name} on {method}: {} requests, {error:?}",
                server.count()
            );
            assert!(server.count() <= 2, "{name} on {method}");
            assert!(error.to_string().len() <= MAX_ERROR_TEXT, "{name}");
        }
    }
    assert!(retried_some);
    // A refused connection, retried on any method and retryable, is in tests/observability.rs.
}

/// A status line hyper cannot parse.
fn malformed_head() -> Reply {
    Reply::Raw(b"HTTP/1.1 2x0 Nope\r\ncontent-length: 0\r\n\r\n".to_vec())
}

/// A header of 1 MiB: over hyper's limit for an answer's head.
fn head_too_large() -> Reply {
    let mut head = b"HTTP/1.1 200 OK\r\nx-padding: ".to_vec();
    head.extend(std::iter::repeat_n(b'a', 1 << 20));
    head.extend_from_slice(b"\r\ncontent-length: 0\r\n\r\n");
    Reply::Raw(head)
}

/// What is retried, row by row, with the requests each case makes on a GET and on a POST
/// (the retry policy allows 3 retries): only what a new attempt may not meet again.
#[tokio::test]
async fn only_transient_failures_are_retried() {
    let cases: Vec<(&str, Reply, ErrorKind, usize, usize)> = vec![
        (
            "reset before the head",
            Reply::ResetBeforeHead,
            ErrorKind::Transport,
            4,
            1,
        ),
        ("429", Reply::json(429, &json!({})), ErrorKind::Api, 4, 4),
        ("502", Reply::json(502, &json!({})), ErrorKind::Api, 4, 1),
        ("503", Reply::json(503, &json!({})), ErrorKind::Api, 4, 1),
        (
            "504",
            Reply::typed(504, "text/plain", "x"),
            ErrorKind::UnexpectedStatus,
            4,
            1,
        ),
        ("500", Reply::json(500, &json!({})), ErrorKind::Api, 1, 1),
        (
            "malformed head",
            malformed_head(),
            ErrorKind::MalformedAnswer,
            1,
            1,
        ),
        (
            "head too large",
            head_too_large(),
            ErrorKind::MalformedAnswer,
            1,
            1,
        ),
        (
            "body over the cap",
            gigabyte(true),
            ErrorKind::TooLarge,
            1,
            1,
        ),
    ];
    for (name, reply, kind, gets, posts) in cases {
        for (write, expected) in [(false, gets), (true, posts)] {
            let server = RawServer::always(reply.clone()).await;
            let client = Client::builder()
                .token("fault-token")
                .base_url(&server.url)
                .retry_policy(fast().max_retries(3))
                .max_response_bytes(1024 * 1024)
                .build()
                .expect("client");
            let error = if write {
                client
                    .create_batch()
                    .body(new_batch())
                    .call()
                    .await
                    .map(drop)
            } else {
                client.get_batch().id(402).call().await.map(drop)
            }
            .expect_err(name);
            assert_eq!(error.kind(), kind, "{name}: {error}");
            assert_eq!(server.count(), expected, "{name}, write {write}: {error}");
            assert!(error.to_string().len() <= MAX_ERROR_TEXT);
        }
    }
}

/// A TLS handshake that fails (here: the server speaks plain HTTP) is final: one connection,
/// reported as a connection error that is not retryable.
#[tokio::test]
async fn a_tls_failure_is_not_retried() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    let task = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut stream, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let error = client_at(&format!("https://127.0.0.1:{port}"), fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("tls");
    task.abort();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert!(!error.is_retryable(), "{error}");
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "{error}"
    );
}

/// One rule for error bodies: kept whole up to `MAX_ERROR_BODY` (64 KiB) whatever
/// `max_response_bytes` says, cut there beyond it, and the message names that limit.
#[tokio::test]
async fn error_bodies_are_kept_up_to_the_stated_limit() {
    let messages: Vec<String> = (0..40)
        .map(|i| format!("o campo_{i:02} do contrato não é válido"))
        .collect();
    let body = json!({ "errors": messages });
    assert!(body.to_string().len() > 1000);
    let server = RawServer::always(Reply::json(422, &body)).await;
    let small = |server: &RawServer| {
        Client::builder()
            .token("fault-token")
            .base_url(&server.url)
            .max_response_bytes(1000)
            .build()
            .expect("client")
    };
    let error = small(&server)
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("422");
    assert!(!error.is_body_truncated());
    assert_eq!(error.validation_messages(), messages);

    let server = RawServer::always(Reply::typed(500, "text/plain", "y".repeat(100_000))).await;
    let error = small(&server)
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("500");
    assert!(error.is_body_truncated());
    assert_eq!(
        error.body_text().map(|t| t.len()),
        Some(securities_api::MAX_ERROR_BODY)
    );
    let shown = error.to_string();
    assert!(
        shown.contains("(100000 bytes announced) was cut at 65536 bytes"),
        "{shown}"
    );
}

/// A name that does not resolve is final too: the README says so, and the retry loop asks
/// the same rule as `is_retryable()` (checked over the whole matrix above).
#[tokio::test]
async fn a_name_that_does_not_resolve_is_not_retried() {
    let error = client_at("http://does-not-exist.invalid:9", fast())
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("no such host");
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert!(!error.is_retryable(), "{error}");
    assert!(!error.to_string().contains("fault-token"));
}

/// `bytes` gzip-compressed.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

/// A gzip answer, `Content-Length` the compressed size.
fn gzipped(status: u16, content_type: &str, body: &[u8]) -> Reply {
    Reply::typed(status, content_type, gzip(body)).with_header("content-encoding", "gzip")
}

#[tokio::test]
async fn a_compressed_answer_is_asked_for_and_decoded() {
    let page = "<h1>Em manutenção</h1>";
    let server = RawServer::start(move |n, _| match n {
        0 => gzipped(200, "application/json", batch().to_string().as_bytes()),
        _ => gzipped(503, "text/html", page.as_bytes()),
    })
    .await;
    let client = client(&server, RetryPolicy::disabled());
    let batch = client.get_batch().id(402).call().await.expect("decoded");
    assert_eq!(
        (batch.batch.id, batch.batch.number.as_deref()),
        (402, Some("L-1"))
    );
    let error = client.get_batch().id(402).call().await.expect_err("503");
    assert_eq!(
        error.body_text().as_deref(),
        Some(page),
        "an error body is decoded too"
    );
    for request in server.received() {
        let asked = request
            .headers
            .iter()
            .any(|(name, value)| name == "accept-encoding" && value.contains("gzip"));
        assert!(asked, "{:?}", request.headers);
    }
}

/// 64 MiB of spaces arrive as about 64 KiB: the limit is on what they decode to, and the
/// client stops reading there.
#[tokio::test]
async fn a_gzip_bomb_ends_in_too_large_at_the_decoded_limit() {
    let limit = 1 << 20;
    let bomb = gzipped(200, "application/json", &vec![b' '; 64 << 20]);
    let server = RawServer::always(bomb).await;
    let client = builder(&server.url, fast())
        .max_response_bytes(limit)
        .build()
        .expect("client");
    let error = client
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("too large");
    assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
    assert_eq!(error.limit(), Some(limit));
    assert!(
        error
            .to_string()
            .contains(&format!("over the limit of {limit} bytes")),
        "{error}"
    );
    assert_eq!(server.count(), 1, "not retried");
}
