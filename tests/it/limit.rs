//! The rate limiter, against servers on 127.0.0.1: a fixed `requests_per_minute` shared by
//! clones, the adaptive default, the hold of a `Retry-After` and `max_in_flight`. Checked by
//! counts (requests, 429s, requests in flight) and by the order of arrivals, not by time.

use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use securities_api::{Client, ClientBuilder, Error, RetryPolicy};

use crate::common::fake::{Config, Fake};
use crate::common::raw::{RawServer, Reply};
use crate::common::success_example;

const NUMBER: &str = "CCB-LIMIT-1";

/// The fake, limited to `limit` requests per `window`, holding the proposal `NUMBER`.
async fn limited(limit: usize, window: Duration) -> Fake {
    let fake = Fake::start(Config {
        limit: Some((limit, window)),
        ..Config::default()
    })
    .await;
    let mut record = success_example("create_proposal").1["proposal"].clone();
    record["number"] = NUMBER.into();
    let mut state = fake.state.lock().expect("state");
    state.proposals.insert(NUMBER.into(), record);
    drop(state);
    fake
}

fn builder(url: &str) -> ClientBuilder {
    Client::builder().token("limit-token").base_url(url)
}

/// `n` lookups of `NUMBER`, `concurrency` at a time, taking the clients in turn: the errors.
async fn lookups(clients: &[Client], n: usize, concurrency: usize) -> Vec<Error> {
    futures::stream::iter(0..n)
        .map(|i| {
            let client = clients[i % clients.len()].clone();
            async move {
                client
                    .get_proposal_by_number()
                    .number(NUMBER)
                    .call()
                    .await
                    .err()
            }
        })
        .buffer_unordered(concurrency)
        .filter_map(|error| async move { error })
        .collect()
        .await
}

/// Two clones of a client paced at 2,000 a minute (16.7 per 500 ms) against a limit of 20 per
/// 500 ms: not one 429. Each clone pacing on its own would send twice that.
#[tokio::test]
async fn clones_share_one_fixed_budget() {
    let fake = limited(20, Duration::from_millis(500)).await;
    let client = builder(&fake.url)
        .requests_per_minute(NonZeroU32::new(2000).expect("non-zero"))
        .build()
        .expect("client");
    let errors = lookups(&[client.clone(), client], 50, 8).await;
    assert!(errors.is_empty(), "{errors:?}");
    let state = fake.state.lock().expect("state");
    assert_eq!((state.requests, state.limited), (50, 0));
}

/// A 429's `Retry-After` seen by one clone holds the other's request: it reaches the server
/// only after the instant the 429 named.
#[tokio::test]
async fn retry_after_holds_every_clone() {
    let found = success_example("get_proposal_by_number").1;
    let server = RawServer::start(move |n, _| match n {
        0 => Reply::json(429, &serde_json::json!({})).with_header("retry-after", "1"),
        _ => Reply::json(200, &found),
    })
    .await;
    let first = builder(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let second = first.clone();
    let limited = first
        .get_proposal_by_number()
        .number(NUMBER)
        .call()
        .await
        .expect_err("429");
    assert_eq!(limited.status().map(|s| s.as_u16()), Some(429));
    second
        .get_proposal_by_number()
        .number(NUMBER)
        .call()
        .await
        .expect("after the hold");
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert!(
        received[1].at >= received[0].at + Duration::from_secs(1),
        "the clone's request arrived before the end of the Retry-After"
    );
}

/// A server that answers every request after `pause` and counts the most in flight at once.
async fn slow_server(pause: Duration) -> (String, Arc<AtomicUsize>) {
    use hyper::{server::conn::http1, service::service_fn, Response};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let body = success_example("get_proposal_by_number").1.to_string();
    let counted = most.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (now, most, body) = (now.clone(), counted.clone(), body.clone());
            tokio::spawn(async move {
                let service = service_fn(move |_| {
                    let (now, most, body) = (now.clone(), most.clone(), body.clone());
                    async move {
                        most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                        tokio::time::sleep(pause).await;
                        now.fetch_sub(1, Ordering::SeqCst);
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, most)
}

/// `max_in_flight(3)`: 12 callers at once, at most 3 requests at the server at any moment
/// (and without the cap, more).
#[tokio::test]
async fn max_in_flight_caps_requests_at_the_server() {
    let (url, most) = slow_server(Duration::from_millis(50)).await;
    let capped = builder(&url)
        .max_in_flight(NonZeroUsize::new(3).expect("non-zero"))
        .build()
        .expect("client");
    let errors = lookups(&[capped.clone(), capped], 12, 12).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(most.load(Ordering::SeqCst), 3);

    let (url, most) = slow_server(Duration::from_millis(50)).await;
    let free = builder(&url).build().expect("client");
    assert!(lookups(&[free], 12, 12).await.is_empty());
    assert!(most.load(Ordering::SeqCst) > 3);
}

/// One run of `calls` lookups, 16 at a time, against a fake allowing `per_second`: the
/// errors, the 429s the fake sent and the wall time.
async fn run(per_second: usize, calls: usize, client: impl Fn(&str) -> Client) -> Run {
    let fake = limited(per_second, Duration::from_secs(1)).await;
    let started = Instant::now();
    let errors = lookups(&[client(&fake.url)], calls, 16).await;
    let limited = fake.state.lock().expect("state").limited;
    Run {
        errors: errors.len(),
        limited,
        took: started.elapsed(),
    }
}

struct Run {
    errors: usize,
    limited: usize,
    took: Duration,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Run {
            errors,
            limited,
            took,
        } = self;
        write!(f, "{took:.2?}, {limited} 429s, {errors} errors")
    }
}

/// At volume: `LIMIT_CALLS` lookups (110 unless set; the benchmark's 2,000) from 16 tasks
/// against the fake allowing `LIMIT_PER_S` (50 unless set; 200) per one-second window, side
/// by side: the adaptive default, a fixed rate at 90 % of the limit, and the retry policy
/// alone. Every call of the first two succeeds; the fixed rate gets no 429, the adaptive one
/// fewer than the retry policy alone.
#[tokio::test]
async fn at_volume_adaptive_fixed_and_retry_policy_alone() {
    let calls = crate::common::sized("LIMIT_CALLS", 110);
    let per_second = crate::common::sized("LIMIT_PER_S", 50);
    let per_minute = u32::try_from(per_second * 54).expect("a rate");
    let (adaptive, fixed, plain) = tokio::join!(
        run(per_second, calls, |url| builder(url)
            .build()
            .expect("client")),
        run(per_second, calls, |url| builder(url)
            .requests_per_minute(NonZeroU32::new(per_minute).expect("non-zero"))
            .build()
            .expect("client")),
        run(per_second, calls, |url| builder(url)
            .adaptive_rate_limit(false)
            .build()
            .expect("client")),
    );
    println!(
        "{calls} lookups, 16 tasks, limit {per_second}/s:\n  adaptive: {adaptive}\n  \
         fixed {per_minute}/min: {fixed}\n  retry policy alone: {plain}"
    );
    assert_eq!((adaptive.errors, fixed.errors), (0, 0));
    assert_eq!(fixed.limited, 0);
    assert!(adaptive.limited < plain.limited, "{adaptive} / {plain}");
}
