//! What the client tells `tracing`: one span per call, one event per retry, never the token
//! or a body. One test, because it installs the process-wide subscriber (thread-local ones
//! miss events when tests run in parallel); it keeps the lines of its own thread.

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use crate::common::raw::{RawServer, Reply};
use securities_api::MAX_ERROR_TEXT;
use securities_api::{types, Client, ErrorKind, RetryPolicy};
use serde_json::json;

/// What this test's thread logs. The subscriber is the process's, so the other tests of the
/// binary, running in parallel, log to it too; `#[tokio::test]` runs the test and the client's
/// tasks on the test's own thread, so its lines are the ones written from that thread.
#[derive(Clone)]
struct Logs(Arc<Mutex<Vec<u8>>>, std::thread::ThreadId);

impl Default for Logs {
    fn default() -> Self {
        Logs(Arc::default(), std::thread::current().id())
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::thread::current().id() == self.1 {
            self.0.lock().expect("logs").extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    /// Everything logged since the last call.
    fn take(&self) -> String {
        let mut buffer = self.0.lock().expect("logs");
        let text = String::from_utf8_lossy(&buffer).into_owned();
        buffer.clear();
        text
    }
}

/// Body text the scenarios' servers send: none of it may reach a log line.
const BODY_MARKS: [&str; 4] = ["L-2022-118", "Renata", "318.442.907-15", "Em manutenção"];

/// Checks the lines one scenario logged for the token and for body text.
fn clean(scenario: &str, text: &str) {
    assert!(
        !text.contains(TOKEN),
        "{scenario}: the token was logged: {text}"
    );
    for mark in BODY_MARKS {
        assert!(
            !text.contains(mark),
            "{scenario}: body text {mark:?} was logged: {text}"
        );
    }
}

fn delay_ms(text: &str) -> u64 {
    text.split("delay_ms=")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or_else(|| panic!("no retry event: {text}"))
}

const TOKEN: &str = "observability-token";

/// A server that answers 429 with `Retry-After: retry_after()` once, then `body`.
async fn rate_limited_once(
    retry_after: impl Fn() -> String + Send + Sync + 'static,
    body: serde_json::Value,
) -> RawServer {
    RawServer::start(move |n, _| match n {
        0 => Reply::json(429, &json!({})).with_header("retry-after", retry_after()),
        _ => Reply::json(200, &body),
    })
    .await
}

fn client(url: &str) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(url)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client")
}

#[tokio::test]
async fn spans_and_retry_events() {
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .init();
    let batch = json!({"batch": {"id": 402, "number": "L-2022-118"}});

    // 429 with Retry-After in seconds: the retry waits exactly that.
    let server = rate_limited_once(|| "1".to_string(), batch.clone()).await;
    client(&server.url)
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("second try");
    let text = logs.take();
    clean("429 with seconds", &text);
    assert_eq!(delay_ms(&text), 1000, "{text}");
    assert!(
        text.contains("operation=\"get_batch\"") && text.contains("attempt=2"),
        "{text}"
    );
    assert!(text.contains("status=429"), "{text}");
    // The limiter's: the hold every request keeps, and the first pace.
    assert!(
        text.contains("securities_api: holding every request") && text.contains("hold_ms=1000"),
        "{text}"
    );
    assert!(
        text.contains("securities_api: sending rate lowered") && text.contains("rate_per_s="),
        "{text}"
    );
    assert!(
        text.contains("securities_api.request{operation=\"get_batch\" method=GET}"),
        "{text}"
    );

    // 429 with an HTTP date two seconds ahead: a wait between one and two seconds.
    let server = rate_limited_once(
        || httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2)),
        batch.clone(),
    )
    .await;
    client(&server.url)
        .get_batch()
        .id(402)
        .call()
        .await
        .expect("second try");
    let text = logs.take();
    clean("429 with a date", &text);
    let delay = delay_ms(&text);
    assert!((900..=2000).contains(&delay), "{delay}");

    // A refused connection is retried (the request never reached a server), then reported.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let body = types::NewBatchRequest {
        batch: types::NewBatch {
            number: "L-2022-118".into(),
            quantity: 2,
        },
    };
    let error = Client::builder()
        .token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(5))
                .max_retries(2),
        )
        .build()
        .expect("client")
        .create_batch()
        .body(body)
        .call()
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::Connect, "{error:?}");
    let text = logs.take();
    clean("refused", &text);
    assert_eq!(text.matches("retrying").count(), 2, "{text}");
    assert!(text.contains("error=\"connection refused\""), "{text}");
    assert!(error.is_retryable(), "the request never reached a server");
    assert!(
        text.contains("securities_api.request{operation=\"create_batch\" method=POST}"),
        "{text}"
    );

    // A body that breaks off on a GET: retried, and the event says why in plain words.
    let proposal = json!({"proposal": {"id": 7, "issuer_full_name": "Renata", "issuer_document": "318.442.907-15"}});
    let whole = proposal.to_string().into_bytes();
    let server = RawServer::start(move |n, _| match n {
        0 => Reply::Reset {
            status: 200,
            declared: whole.len(),
            body: whole[..whole.len() - 5].to_vec(),
        },
        _ => Reply::Full {
            status: 200,
            headers: vec![("content-type", "application/json".into())],
            body: whole.clone(),
        },
    })
    .await;
    client(&server.url)
        .get_proposal()
        .id(7)
        .call()
        .await
        .expect("second try");
    let text = logs.take();
    clean("body reset", &text);
    assert!(
        text.contains("connection reset while reading the body"),
        "{text}"
    );

    // Errors with bodies: a 503 page, retried and then returned, and a decoding failure.
    let server = RawServer::always(Reply::typed(503, "text/html", "<h1>Em manutenção</h1>")).await;
    let error = Client::builder()
        .token(TOKEN)
        .base_url(&server.url)
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(5))
                .max_retries(1),
        )
        .build()
        .expect("client")
        .get_batch()
        .id(402)
        .call()
        .await
        .expect_err("503");
    let text = logs.take();
    clean("503 page", &text);
    assert!(text.contains("status=503"), "{text}");
    assert!(error.to_string().len() <= MAX_ERROR_TEXT);
    let server = RawServer::always(Reply::json(
        200,
        &json!({"proposal": {"id": "Renata", "issuer_document": "318.442.907-15"}}),
    ))
    .await;
    client(&server.url)
        .get_proposal()
        .id(7)
        .call()
        .await
        .expect_err("decode");
    clean("decode", &logs.take());
}
