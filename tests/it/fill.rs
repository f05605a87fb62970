//! Filling a batch (`fill_batch`, `fill_duplicate_batch`) against the fake of the documented
//! rules: what each number ends as, what the batch holds, and which POSTs were sent.

use std::collections::{HashMap, HashSet};

use futures::{Stream, StreamExt};
use securities_api::{types, Client, FillError, FillOptions, FillOutcome, Filled};

use crate::common::fake::{Config, Fake, PAGE_SIZE};
use crate::common::{request_body, sized};

fn client(fake: &Fake) -> Client {
    Client::builder()
        .token("fill-token")
        .base_url(&fake.url)
        .build()
        .expect("client")
}

fn numbers(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:05}")).collect()
}

/// The spec's example of a CCB's `security_data`, once per number.
fn ccbs(numbers: &[String]) -> Vec<types::SecurityData> {
    let example: types::NewSecurityBatchRequest = request_body("create_security_batch");
    numbers
        .iter()
        .map(|number| types::SecurityData {
            number: number.clone(),
            ..example.security_batch.security_data.clone()
        })
        .collect()
}

/// The spec's example of a duplicata's `security_data`, once per number.
fn duplicatas(numbers: &[String]) -> Vec<types::DuplicateSecurityData> {
    let example: types::NewDuplicateSecurityBatchRequest =
        request_body("create_duplicate_security_batch");
    numbers
        .iter()
        .map(|number| types::DuplicateSecurityData {
            number: number.clone(),
            ..example.security_batch.security_data.clone()
        })
        .collect()
}

async fn all(stream: impl Stream<Item = Filled>) -> Vec<Filled> {
    stream.collect().await
}

/// How many outcomes of each kind, by name.
fn counts(filled: &[Filled]) -> HashMap<&'static str, usize> {
    let mut counts = HashMap::new();
    for f in filled {
        let name = match f.outcome {
            FillOutcome::Added(_) => "added",
            FillOutcome::AlreadyThere(_) => "already there",
            FillOutcome::Refused(_) => "refused",
            FillOutcome::Failed(_) => "failed",
        };
        *counts.entry(name).or_default() += 1;
    }
    counts
}

/// Every number of `expected` exactly once in `filled`, each done; no error.
fn assert_all_done(filled: &[Filled], expected: &[String]) {
    let errors: Vec<String> = filled
        .iter()
        .filter(|f| !f.is_done())
        .map(|f| format!("{}: {:?}", f.number, f.outcome))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut got: Vec<&str> = filled.iter().map(|f| f.number.as_str()).collect();
    got.sort_unstable();
    let mut want: Vec<&str> = expected.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(got, want, "one outcome per number");
}

/// The batch holds each of `expected` once, and nothing else.
fn assert_placed_once(fake: &Fake, batch: i64, expected: &[String]) {
    let state = fake.state.lock().expect("state");
    let placed = state.placed(batch);
    let distinct: HashSet<&String> = placed.iter().collect();
    assert_eq!(distinct.len(), placed.len(), "no number placed twice");
    assert_eq!(
        distinct,
        expected.iter().collect::<HashSet<_>>(),
        "the batch holds the input"
    );
}

fn posts(fake: &Fake) -> usize {
    let state = fake.state.lock().expect("state");
    state.placement_posts.values().sum()
}

#[tokio::test]
async fn a_fresh_batch_is_filled_with_ccbs_one_post_each() {
    let fake = Fake::start(Config::default()).await;
    let numbers = numbers("CCB-F", PAGE_SIZE * 2 + 3);
    fake.add_ccbs(numbers.clone());
    let batch = fake.add_batch(numbers.len() as i32);
    let filled = all(client(&fake)
        .fill_batch(batch, ccbs(&numbers), FillOptions::default())
        .await
        .expect("room for all"))
    .await;
    assert_all_done(&filled, &numbers);
    assert_eq!(counts(&filled).get("added"), Some(&numbers.len()));
    assert_placed_once(&fake, batch, &numbers);
    assert_eq!(posts(&fake), numbers.len());

    // The batch's counters and status, as `get_batch` gives them now.
    let read = client(&fake)
        .get_batch()
        .id(batch)
        .call()
        .await
        .expect("batch");
    assert_eq!(read.batch.quantity_added, Some(numbers.len() as i32));
    assert_eq!(read.batch.status, Some(types::BatchStatus::Checking));
}

/// Fills a fresh batch of `fake` with `n` duplicatas numbered `prefix`: each ends added, and
/// placed once.
async fn fill_fresh_duplicatas(fake: &Fake, prefix: &str, n: usize) {
    let numbers = numbers(prefix, n);
    let batch = fake.add_batch(i32::try_from(n).expect("a quantity"));
    let filled = all(client(fake)
        .fill_duplicate_batch(batch, duplicatas(&numbers), FillOptions::default())
        .await
        .expect("room for all"))
    .await;
    assert_all_done(&filled, &numbers);
    assert_eq!(counts(&filled).get("added"), Some(&n));
    assert_placed_once(fake, batch, &numbers);
}

#[tokio::test]
async fn a_fresh_batch_is_filled_with_duplicatas_created_by_their_placement() {
    let fake = Fake::start(Config::default()).await;
    fill_fresh_duplicatas(&fake, "DM-F", 60).await;
    assert_eq!(fake.state.lock().expect("state").duplicates.len(), 60);
}

/// Every 5th placement loses its answer after the commit and every 7th answers 502, and every
/// answer is slow: each number still ends added, once, with no error (duplicatas here; CCBs
/// in the volume test).
#[tokio::test]
async fn lost_answers_and_gateway_errors_are_settled_by_reading_back() {
    let fake = Fake::start(Config {
        delay: Some(std::time::Duration::from_millis(2)),
        ..Config::faulty()
    })
    .await;
    fill_fresh_duplicatas(&fake, "DM-L", 100).await;
    let state = fake.state.lock().expect("state");
    assert!(state.faulted >= 30, "faults injected: {}", state.faulted);
    assert_eq!(state.duplicates.len(), 100, "no duplicata made twice");
}

/// A re-run after a crash: the first run placed a part; the second, over the whole list,
/// finds that part already there and sends nothing for it.
#[tokio::test]
async fn a_rerun_completes_the_batch_without_sending_what_is_placed() {
    let fake = Fake::start(Config::default()).await;
    let numbers = numbers("CCB-R", 90);
    fake.add_ccbs(numbers.clone());
    let batch = fake.add_batch(90);
    let client = client(&fake);
    let first = all(client
        .fill_batch(batch, ccbs(&numbers[..55]), FillOptions::default())
        .await
        .expect("room"))
    .await;
    assert_all_done(&first, &numbers[..55]);

    let again = all(client
        .fill_batch(batch, ccbs(&numbers), FillOptions::default())
        .await
        .expect("room for the rest"))
    .await;
    assert_all_done(&again, &numbers);
    let counts = counts(&again);
    assert_eq!(counts.get("already there"), Some(&55));
    assert_eq!(counts.get("added"), Some(&35));
    for f in &again {
        let before = numbers[..55].contains(&f.number);
        assert_eq!(
            before,
            matches!(f.outcome, FillOutcome::AlreadyThere(_)),
            "{}",
            f.number
        );
    }
    assert_placed_once(&fake, batch, &numbers);
    let state = fake.state.lock().expect("state");
    assert!(
        state.placement_posts.values().all(|&n| n == 1),
        "one POST per number over both runs"
    );
}

#[tokio::test]
async fn more_than_the_room_left_is_refused_before_any_post() {
    let fake = Fake::start(Config::default()).await;
    let numbers = numbers("CCB-Q", 12);
    fake.add_ccbs(numbers.clone());
    let batch = fake.add_batch(10);
    let client = client(&fake);
    all(client
        .fill_batch(batch, ccbs(&numbers[..4]), FillOptions::default())
        .await
        .expect("room"))
    .await;
    let Err(error) = client
        .fill_batch(batch, ccbs(&numbers), FillOptions::default())
        .await
    else {
        panic!("12 numbers, 4 placed, quantity 10: no room");
    };
    assert!(
        matches!(
            error,
            FillError::NoRoom {
                quantity: 10,
                placed: 4,
                to_send: 8,
                room: 6,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("8 to send but room for 6"),
        "{error}"
    );
    assert_eq!(posts(&fake), 4, "no POST after the first run's");
}

#[tokio::test]
async fn an_unknown_ccb_is_refused_with_the_api_message_and_the_rest_added() {
    let fake = Fake::start(Config::default()).await;
    let numbers = numbers("CCB-U", 6);
    fake.add_ccbs(numbers[..5].to_vec());
    let batch = fake.add_batch(6);
    let filled = all(client(&fake)
        .fill_batch(batch, ccbs(&numbers), FillOptions::default())
        .await
        .expect("room"))
    .await;
    assert_eq!(counts(&filled).get("added"), Some(&5));
    let refused: Vec<(&str, Vec<String>)> = filled
        .iter()
        .filter_map(|f| match &f.outcome {
            FillOutcome::Refused(error) => Some((f.number.as_str(), error.validation_messages())),
            _ => None,
        })
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, numbers[5]);
    assert!(
        refused[0]
            .1
            .iter()
            .any(|m| m.contains("CCB não encontrada")),
        "{refused:?}"
    );
    assert_placed_once(&fake, batch, &numbers[..5]);
}

#[tokio::test]
async fn a_number_given_twice_is_refused_before_any_request() {
    let fake = Fake::start(Config::default()).await;
    let mut numbers = numbers("CCB-D", 3);
    numbers.push(numbers[1].clone());
    let Err(error) = client(&fake)
        .fill_batch(1, ccbs(&numbers), FillOptions::default())
        .await
    else {
        panic!("a number given twice");
    };
    assert!(
        matches!(&error, FillError::DuplicateNumber(n) if *n == numbers[1]),
        "{error:?}"
    );
    assert_eq!(fake.state.lock().expect("state").requests, 0);
}

/// At volume: `FILL_NUMBERS` CCBs (200 unless set; the benchmark's 10,000) into one batch,
/// 16 at a time, every 5th placement losing its answer after the commit and every 7th
/// answering 502: every number added once, no error, placements read back equal the input.
#[tokio::test]
async fn a_batch_filled_at_volume_with_lost_answers_has_each_number_once() {
    let count: usize = sized("FILL_NUMBERS", 200);
    let fake = Fake::start(Config::faulty()).await;
    let numbers = numbers("CCB-V", count);
    fake.add_ccbs(numbers.clone());
    let batch = fake.add_batch(count as i32);
    let client = client(&fake);
    let started = std::time::Instant::now();
    // On a task of its own, as a command drives it: the fill is `Send + 'static`.
    let (items, filler) = (ccbs(&numbers), client.clone());
    let filled = tokio::spawn(async move {
        let options = FillOptions::default().concurrency(16);
        let stream = filler.fill_batch(batch, items, options).await;
        all(stream.expect("room for all")).await
    })
    .await
    .expect("the fill's task");
    let elapsed = started.elapsed();
    assert_all_done(&filled, &numbers);
    assert_placed_once(&fake, batch, &numbers);
    let read_back: Vec<types::SecurityBatch> =
        futures::TryStreamExt::try_collect(client.list_security_batches().batch_id(batch).stream())
            .await
            .expect("placements");
    assert_eq!(read_back.len(), count);
    let state = fake.state.lock().expect("state");
    println!(
        "{count} numbers: {:?}, {} placed, {} faulted commits, {} POSTs, {} requests, {:?}",
        counts(&filled),
        state.placed(batch).len(),
        state.faulted,
        state.placement_posts.values().sum::<usize>(),
        state.requests,
        elapsed
    );
}

/// A server whose placement POSTs answer 503 without acting (`posts_fail` times) and then
/// 201; the batch (quantity 1) holds nothing and the lookup finds the CCB (id 931).
async fn unplaced_after_503(posts_fail: usize) -> crate::common::raw::RawServer {
    use crate::common::raw::{RawServer, Reply};
    use crate::common::success_example;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let posts = AtomicUsize::new(0);
    RawServer::start(move |_, request| {
        let id = match (request.method.as_str(), request.target.as_str()) {
            ("POST", _) if posts.fetch_add(1, Ordering::SeqCst) < posts_fail => {
                return Reply::json(503, &serde_json::json!({}));
            }
            ("POST", _) => "create_security_batch",
            (_, target) if target.contains("bynumber") => "get_bank_credit_note_by_number",
            (_, target) if target.contains("security_batches") => {
                return Reply::json(
                    200,
                    &serde_json::json!({"security_batches": [], "page_infos": {"next_page": null}}),
                );
            }
            _ => "get_batch",
        };
        let (status, mut body) = success_example(id);
        if id == "get_batch" {
            body["batch"]["quantity"] = serde_json::json!(1);
        }
        Reply::json(status, &body)
    })
    .await
}

fn sent(server: &crate::common::raw::RawServer) -> Vec<String> {
    let received = server.received();
    received
        .iter()
        .map(|r| format!("{} {}", r.method, r.target.split('?').next().unwrap_or("")))
        .collect()
}

const GET_BATCH: &str = "GET /v1/batches/402";
const LIST: &str = "GET /v1/batches/402/security_batches";
const POST: &str = "POST /v1/batches/402/security_batches";
const LOOK_UP: &str = "GET /v1/bank_credit_notes/bynumber/CCB-2023-0042";

/// An unknown outcome that the read-back shows was not acted on is sent again.
#[tokio::test]
async fn an_unknown_outcome_not_placed_is_sent_again() {
    let server = unplaced_after_503(1).await;
    let client = Client::builder()
        .token("fill-token")
        .base_url(&server.url)
        .retry_policy(securities_api::RetryPolicy::disabled())
        .build()
        .expect("client");
    let items = ccbs(&["CCB-2023-0042".to_string()]);
    let filled = all(client
        .fill_batch(402, items.clone(), FillOptions::default())
        .await
        .expect("room"))
    .await;
    assert!(
        matches!(
            filled[..],
            [Filled {
                outcome: FillOutcome::Added(_),
                ..
            }]
        ),
        "{filled:?}"
    );
    assert_eq!(sent(&server), [GET_BATCH, LIST, POST, LIST, LOOK_UP, POST]);

    // Never acted on: three sends, each settled by reading back, then the last 503.
    let server = unplaced_after_503(usize::MAX).await;
    let client = Client::builder()
        .token("fill-token")
        .base_url(&server.url)
        .retry_policy(securities_api::RetryPolicy::disabled())
        .build()
        .expect("client");
    let filled = all(client
        .fill_batch(402, items, FillOptions::default())
        .await
        .expect("room"))
    .await;
    let [Filled {
        outcome: FillOutcome::Failed(error),
        ..
    }] = &filled[..]
    else {
        panic!("{filled:?}");
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let settle = [POST, LIST, LOOK_UP];
    assert_eq!(
        sent(&server),
        [&[GET_BATCH, LIST][..], &settle, &settle, &settle].concat()
    );
}

/// One way of placing `numbers` in a fresh batch of a fake allowing `limit` requests per
/// `window`: what the benchmark of filling under the rate limit compares.
#[derive(Debug, Clone, Copy)]
enum Placer {
    /// `fill_batch`, 16 at a time, on a client told the limit (`requests_per_minute`).
    FillConfigured,
    /// `fill_batch`, 16 at a time, on a default client (the adaptive limiter alone).
    FillAdaptive,
    /// A loop of `create_security_batch`, 16 at a time, with the retry policy alone.
    Loop16,
    /// The same loop, one at a time.
    Sequential,
}

/// Places `count` numbers the `placer`'s way; prints the wall time against the floor the
/// limit sets (the requests answered other than 429, divided by the rate), and the 429s.
async fn place_under_limit(placer: Placer, count: usize, limit: usize, window: f64) {
    let fake = Fake::start(Config {
        limit: Some((limit, std::time::Duration::from_secs_f64(window))),
        ..Config::default()
    })
    .await;
    let numbers = numbers("CCB-R", count);
    fake.add_ccbs(numbers.clone());
    let batch = fake.add_batch(i32::try_from(count).expect("a quantity"));
    let rate = limit as f64 / window;
    let builder = Client::builder().token("fill-token").base_url(&fake.url);
    let client = match placer {
        Placer::FillConfigured => builder
            .requests_per_minute(std::num::NonZeroU32::new((rate * 60.0) as u32).expect("a rate")),
        Placer::FillAdaptive => builder,
        Placer::Loop16 | Placer::Sequential => builder.adaptive_rate_limit(false),
    }
    .build()
    .expect("client");
    let started = std::time::Instant::now();
    let items = ccbs(&numbers);
    let failed = match placer {
        Placer::FillConfigured | Placer::FillAdaptive => {
            let options = FillOptions::default().concurrency(16);
            let stream = client.fill_batch(batch, items, options).await;
            let filled = all(stream.expect("room for all")).await;
            filled.iter().filter(|f| !f.is_done()).count()
        }
        Placer::Loop16 | Placer::Sequential => {
            let at_once = if matches!(placer, Placer::Loop16) {
                16
            } else {
                1
            };
            let results: Vec<_> = futures::stream::iter(items)
                .map(|security_data| {
                    let body = types::NewSecurityBatchRequest {
                        security_batch: types::NewSecurityBatch { security_data },
                    };
                    client
                        .create_security_batch()
                        .batch_id(batch)
                        .body(body)
                        .call()
                })
                .buffer_unordered(at_once)
                .collect()
                .await;
            results.iter().filter(|r| r.is_err()).count()
        }
    };
    let took = started.elapsed().as_secs_f64();
    let state = fake.state.lock().expect("state");
    let answered = state.requests - state.limited;
    let floor = answered as f64 / rate;
    println!(
        "{placer:?}: {count} numbers, {:.2} s, floor {floor:.2} s ({answered} requests at \
         {rate}/s), {:.3}x; 429s {} ({:.2} % of {} requests); {failed} not placed; {} placed",
        took,
        took / floor,
        state.limited,
        100.0 * state.limited as f64 / state.requests as f64,
        state.requests,
        state.placed(batch).len()
    );
    if matches!(placer, Placer::FillConfigured | Placer::FillAdaptive) {
        assert_eq!(failed, 0, "{placer:?}");
        let mut placed = state.placed(batch);
        placed.sort();
        assert_eq!(placed, numbers, "{placer:?}: each number placed once");
    }
}

/// Filling under the rate limit, side by side: `fill_batch` with the limit configured, with
/// the adaptive limiter alone, a plain loop 16 at a time and a sequential loop.
/// `FILL_LIMIT_NUMBERS` numbers (120 unless set; the benchmark's 10,000) against a fake
/// allowing `FILL_LIMIT` requests (100) per `FILL_LIMIT_WINDOW` seconds (1). The fills place
/// every number once with no error; the times and 429s are printed, not asserted.
#[tokio::test(flavor = "multi_thread")]
async fn filling_under_the_rate_limit_side_by_side() {
    let count = sized("FILL_LIMIT_NUMBERS", 120);
    let limit = sized("FILL_LIMIT", 100);
    let window = sized("FILL_LIMIT_WINDOW", 1.0);
    for placer in [
        Placer::FillConfigured,
        Placer::FillAdaptive,
        Placer::Loop16,
        Placer::Sequential,
    ] {
        place_under_limit(placer, count, limit, window).await;
    }
}

/// A 429 whose `Retry-After` is longer than the retry policy waits for one call (as a
/// per-minute window's may be) does not end a fill: the limiter holds every request, and the
/// fill sends what was answered 429 again; every number is added.
#[tokio::test]
async fn a_fill_outlasts_a_retry_after_longer_than_the_retry_policy_waits() {
    let fake = Fake::start(Config {
        limit: Some((20, std::time::Duration::from_secs(1))),
        ..Config::default()
    })
    .await;
    let numbers = numbers("CCB-W", 60);
    fake.add_ccbs(numbers.clone());
    let batch = fake.add_batch(60);
    // The fake's `Retry-After` (1 s) is over this policy's longest wait: each 429 is an error
    // at once for the call that got it.
    let policy =
        securities_api::RetryPolicy::default().max_delay(std::time::Duration::from_millis(300));
    let client = Client::builder()
        .token("fill-token")
        .base_url(&fake.url)
        .retry_policy(policy)
        .build()
        .expect("client");
    let options = FillOptions::default().concurrency(4);
    let stream = client.fill_batch(batch, ccbs(&numbers), options).await;
    let filled = all(stream.expect("room for all")).await;
    assert_all_done(&filled, &numbers);
    assert_placed_once(&fake, batch, &numbers);
    assert!(
        fake.state.lock().expect("state").limited > 0,
        "429s were met"
    );
}
