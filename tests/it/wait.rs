//! Waiting for a state (`Poll`), against a server on 127.0.0.1 whose answers change: how many
//! calls are made, and what the caller gets.

use std::time::Duration;

use securities_api::{types, Client, ErrorKind, Poll, RetryPolicy, WaitError};
use serde_json::{json, Value};
use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};

use crate::common::success_example;

/// The spec's example batch, in `status`.
fn batch(status: &str) -> Value {
    let mut example = success_example("get_batch").1;
    example["batch"]["status"] = json!(status);
    example
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("wait-token")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::default().max_retries(0))
        .build()
        .expect("client")
}

/// Answers `replies` in order, then the last one for ever.
async fn server(replies: &[(u16, Value)]) -> MockServer {
    let server = MockServer::start().await;
    for (i, (status, body)) in replies.iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(*status).set_body_json(body));
        let mock = if i + 1 < replies.len() {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        // wiremock answers with the mock mounted first among those that still match.
        mock.mount(&server).await;
    }
    server
}

fn quick(timeout: Duration) -> Poll {
    Poll::new(timeout)
        .interval(Duration::from_millis(2))
        .max_interval(Duration::from_millis(5))
}

async fn wait_while_checking(
    client: &Client,
    poll: Poll,
) -> Result<types::BatchEnvelope, WaitError<types::BatchEnvelope>> {
    poll.until(
        || client.get_batch().id(7).call(),
        |b| b.batch.status != Some(types::BatchStatus::Checking),
    )
    .await
}

async fn calls(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// Waits while a batch that answers `replies` in turn is `checking`: it must reach `signing`;
/// how many calls that took.
async fn calls_to_reach_signing(replies: &[(u16, Value)]) -> usize {
    let server = server(replies).await;
    let reached = wait_while_checking(&client(&server), quick(Duration::from_secs(30)))
        .await
        .expect("reached");
    assert_eq!(reached.batch.status, Some(types::BatchStatus::Signing));
    calls(&server).await
}

#[tokio::test]
async fn polls_until_the_state_is_reached() {
    let replies = [
        (200, batch("checking")),
        (200, batch("checking")),
        (200, batch("signing")),
    ];
    assert_eq!(calls_to_reach_signing(&replies).await, 3);
}

#[tokio::test]
async fn retryable_errors_are_polled_through() {
    let replies = [
        (503, json!({})),
        (200, batch("checking")),
        (502, json!({})),
        (200, batch("signing")),
    ];
    assert_eq!(calls_to_reach_signing(&replies).await, 4);
}

#[tokio::test]
async fn an_error_that_would_come_again_ends_the_wait() {
    let server = server(&[
        (200, batch("checking")),
        (404, json!({"error": "Not found"})),
    ])
    .await;
    let error = wait_while_checking(&client(&server), quick(Duration::from_secs(30)))
        .await
        .expect_err("404");
    match error {
        WaitError::Failed(e) => assert_eq!(e.kind(), ErrorKind::Api, "{e}"),
        other => panic!("{other}"),
    }
    assert_eq!(calls(&server).await, 2);
}

#[tokio::test]
async fn the_deadline_returns_the_last_answer_seen() {
    let server = server(&[(200, batch("checking"))]).await;
    let error = wait_while_checking(&client(&server), quick(Duration::from_millis(200)))
        .await
        .expect_err("never leaves checking");
    let text = error.to_string();
    let WaitError::TimedOut {
        last, calls: made, ..
    } = error
    else {
        panic!("{text}");
    };
    // Every call counted reached the server, but the last one, which the deadline may have
    // dropped before it was received.
    let received = calls(&server).await;
    assert!(
        received == made as usize || received + 1 == made as usize,
        "{made} calls, {received} received"
    );
    let last = last.expect("answers were seen");
    assert_eq!(last.batch.status, Some(types::BatchStatus::Checking));
    assert!(text.contains("deadline"), "{text}");
}

#[tokio::test]
async fn the_first_state_already_reached_costs_one_call() {
    let server = server(&[(200, batch("signing"))]).await;
    let reached = wait_while_checking(&client(&server), Poll::new(Duration::from_secs(30)))
        .await
        .expect("reached");
    assert_eq!(reached.batch.status, Some(types::BatchStatus::Signing));
    assert_eq!(calls(&server).await, 1);
}
