//! Benchmarks of the generated client against hand-written reqwest, on a local hyper server.
//!
//! `cargo bench --bench client` prints a Markdown report (the numbers in BENCHMARKS.md);
//! `BENCH_QUICK=1` runs a few iterations only, as CI's smoke run does. No thresholds here:
//! the numbers are read, not asserted.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use progenitor_client::ClientInfo;
use securities_api::{types, Client, RetryPolicy};
use serde_json::{json, Value};

/// The size of the largest answer the server gives.
const GIB: usize = 1 << 30;

/// The server's fixed answers and its count of accepted connections.
struct Server {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    page_len: usize,
}

fn proposal(id: i64) -> Value {
    json!({
        "id": id,
        "number": format!("CCB-2022-{id:05}"),
        "issuer_full_name": "Renata Albuquerque Prado",
        "issuer_document": "318.442.907-15",
        "installments": 36,
        "created_at": "2022-11-03T10:15:42.118-03:00",
        "updated_at": "2022-11-04T08:02:10.540-03:00",
        "document_data": {
            "number": id,
            "issuer_full_name": "Renata Albuquerque Prado",
            "issuer_full_address": "Rua das Laranjeiras 1200, apto 31 - 22240-003, Rio de Janeiro - RJ",
            "issuer_cpf": "318.442.907-15",
            "issuer_email": "renata.prado@example.com",
            "financed_amount": 48250.75,
            "disbursed_amount": 45120.10,
            "installments_amount": 1620.4,
            "first_installment_due_date": "10/12/2022",
            "last_installment_due_date": "10/11/2025",
            "commercial_monthly_interest_rate": 1.89,
            "cet_yearly_rate": 27.44,
            "bank_name": "001 - Banco do Brasil"
        },
        "document": {
            "id": 7781 + id,
            "key": "0c8e6a52-3b7d-4e19-a2f4-91d5b6c3e820",
            "status": "created",
            "created_at": "2022-11-03T10:15:42.300-03:00",
            "updated_at": "2022-11-04T08:02:10.540-03:00",
            "file": null
        }
    })
}

fn page(items: i64) -> Bytes {
    let proposals: Vec<Value> = (1..=items).map(proposal).collect();
    let body = json!({
        "proposals": proposals,
        "page_infos": {"total_pages": 1, "current_page": 1, "next_page": null, "prev_page": null,
                       "first_page?": true, "last_page?": true}
    });
    Bytes::from(body.to_string())
}

/// Starts the server on its own single-threaded runtime, so that it does not share the
/// client's.
fn start_server() -> Server {
    let single = Bytes::from(json!({"proposal": proposal(5120)}).to_string());
    let big = page(1000);
    let page_len = big.len();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                count.fetch_add(1, Ordering::Relaxed);
                let _ = stream.set_nodelay(true);
                let (single, big) = (single.clone(), big.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let path = request.uri().path();
                        let response = Response::builder()
                            .header("content-type", "application/json; charset=utf-8");
                        // 1 GiB, with its length (`/v1/proposals/1`) or chunked (`/2`),
                        // streamed so that the server never holds it.
                        let response = if path == "/v1/proposals/3" {
                            // 1 GiB of spaces gzip-compressed (about 1 MiB): a gzip bomb.
                            response
                                .header("content-encoding", "gzip")
                                .body(BodyExt::boxed(Full::new(gzip_bomb().clone())))
                        } else if path == "/v1/proposals/1" || path == "/v1/proposals/2" {
                            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
                            let frames =
                                futures::stream::iter(0..GIB / chunk.len()).map(move |_| {
                                    Ok::<_, Infallible>(hyper::body::Frame::data(chunk.clone()))
                                });
                            let response = if path.ends_with('1') {
                                response.header("content-length", GIB)
                            } else {
                                response
                            };
                            response.body(BodyExt::boxed(StreamBody::new(frames)))
                        } else {
                            let body = if path == "/v1/proposals" {
                                big.clone()
                            } else {
                                single.clone()
                            };
                            response.body(BodyExt::boxed(Full::new(body)))
                        };
                        async move {
                            Ok::<Response<BoxBody<Bytes, Infallible>>, Infallible>(
                                response.expect("response"),
                            )
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    let addr = rx.recv().expect("server address");
    Server {
        addr,
        accepted,
        page_len,
    }
}

/// A client with the default configuration: retries on, as users get it.
fn client(server: &Server) -> Client {
    Client::builder()
        .token("bench-token")
        .base_url(format!("http://{}", server.addr))
        .build()
        .expect("client")
}

/// The same without retries: what keeping a copy of each request for a retry costs.
fn client_without_retries(server: &Server) -> Client {
    Client::builder()
        .token("bench-token")
        .base_url(format!("http://{}", server.addr))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client")
}

/// The same request written by hand, on the client's own reqwest client, decoded into the
/// same generated type `T`.
async fn by_hand<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> T {
    let bytes = http
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("response")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("decodes")
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

/// The median, the smallest and the largest value, and the interquartile range of `values`.
fn spread(values: &mut [f64]) -> (f64, f64, f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |p: f64| values[((values.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.0), at(1.0), at(0.25), at(0.75))
}

fn show(values: &mut [f64]) -> String {
    let (median, min, max, q1, q3) = spread(values);
    format!("**{median:.3}** (IQR {q1:.3}–{q3:.3}, range {min:.3}–{max:.3})")
}

/// 1 GiB of spaces, gzip-compressed once (to about 1 MiB) and kept.
fn gzip_bomb() -> &'static Bytes {
    static BOMB: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..GIB / chunk.len() {
            encoder.write_all(&chunk).expect("compress");
        }
        Bytes::from(encoder.finish().expect("compress"))
    })
}

/// Forgets the process's peak RSS so far (Linux 4.0+), so that the next reading of `VmHWM`
/// is the peak of what follows.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less args; stay quick there.
    let quick =
        std::env::var_os("BENCH_QUICK").is_some() || !std::env::args().any(|a| a == "--bench");
    let server = start_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = format!("http://{}/v1/proposals/5120", server.addr);

    println!(
        "## Results ({})\n",
        if quick { "quick smoke run" } else { "full run" }
    );

    // 1. Per-request overhead: sequential requests, the contenders interleaved in blocks so
    // that drift (CPU frequency, other load) hits all alike, in several runs whose ratios
    // are reported with their spread. One run's ratio is the ratio of its medians.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    // One contender alone (`BENCH_SIDE` = hand, client or plain), `BENCH_N` requests after
    // 200 of warm-up, for `valgrind --tool=callgrind`: the difference between two runs of
    // different lengths is the instructions of `BENCH_N` requests, free of start-up.
    if only == "one" {
        let side = std::env::var("BENCH_SIDE").unwrap_or_default();
        let n: usize = std::env::var("BENCH_N")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        runtime.block_on(async {
            let client = client(&server);
            let plain = client_without_retries(&server);
            let http = client.client().clone();
            for _ in 0..200 + n {
                match side.as_str() {
                    "hand" => {
                        std::hint::black_box(by_hand::<types::ProposalEnvelope>(&http, &url).await);
                    }
                    "client" => {
                        std::hint::black_box(
                            client.get_proposal().id(5120).call().await.expect("answer"),
                        );
                    }
                    "plain" => {
                        std::hint::black_box(
                            plain.get_proposal().id(5120).call().await.expect("answer"),
                        );
                    }
                    other => panic!("BENCH_SIDE must be hand, client or plain, not {other:?}"),
                }
            }
        });
        return;
    }
    let runs = if quick {
        2
    } else {
        std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(15)
    };
    let rounds = if quick { 2 } else { 20 };
    let per_round = 50;
    let (mut with_retries, mut without_retries) = (Vec::new(), Vec::new());
    let mut latencies = [Vec::new(), Vec::new(), Vec::new()];
    runtime.block_on(async {
        let client = client(&server);
        let plain = client_without_retries(&server);
        let http = client.client().clone();
        for _ in 0..200 {
            client
                .get_proposal()
                .id(5120)
                .call()
                .await
                .expect("warm up");
            plain.get_proposal().id(5120).call().await.expect("warm up");
            by_hand::<types::ProposalEnvelope>(&http, &url).await;
        }
        for run in 0..runs {
            let mut samples = [Vec::new(), Vec::new(), Vec::new()];
            for round in 0..rounds {
                // Each contender goes first as often as the others.
                for turn in 0..3 {
                    let side = (turn + round + run) % 3;
                    for _ in 0..per_round {
                        let start = Instant::now();
                        match side {
                            0 => {
                                std::hint::black_box(
                                    by_hand::<types::ProposalEnvelope>(&http, &url).await,
                                );
                            }
                            1 => {
                                std::hint::black_box(
                                    client.get_proposal().id(5120).call().await.expect("answer"),
                                );
                            }
                            _ => {
                                std::hint::black_box(
                                    plain.get_proposal().id(5120).call().await.expect("answer"),
                                );
                            }
                        }
                        samples[side].push(start.elapsed());
                    }
                }
            }
            let hand = median(&mut samples[0]).as_secs_f64();
            with_retries.push(median(&mut samples[1]).as_secs_f64() / hand);
            without_retries.push(median(&mut samples[2]).as_secs_f64() / hand);
            for (all, run) in latencies.iter_mut().zip(samples) {
                all.extend(run);
            }
        }
    });
    println!(
        "### 1. Per-request overhead (`get_proposal`, {runs} runs of {} requests per contender, sequential)\n",
        rounds * per_round
    );
    println!("| | median | p99 |\n|---|---|---|");
    for (name, samples) in [
        "hand-written reqwest",
        "client `call()` (retries on, the default)",
        "client `call()` (retries off)",
    ]
    .into_iter()
    .zip(latencies.iter_mut())
    {
        println!(
            "| {name} | {:.1} µs | {:.1} µs |",
            median(samples).as_secs_f64() * 1e6,
            percentile(samples, 0.99).as_secs_f64() * 1e6
        );
    }
    println!(
        "\nratio client / hand-written, median of the {runs} runs' ratios: retries on {}, retries off {}\n",
        show(&mut with_retries),
        show(&mut without_retries)
    );
    if only == "overhead" {
        return;
    }

    // 2. Concurrency: n requests, 64 in flight, each side on a fresh connection pool, in
    // several runs whose order alternates (ABBA), since the side that runs first differs.
    let total = if quick { 1_000 } else { 10_000 };
    let in_flight = 64;
    let concurrency_runs = if quick { 2 } else { 12 };
    let (mut ratios, mut client_rates, mut hand_rates) = (Vec::new(), Vec::new(), Vec::new());
    let mut connections = (0, 0);
    for run in 0..concurrency_runs {
        let order = if run % 4 == 0 || run % 4 == 3 {
            [true, false]
        } else {
            [false, true]
        };
        let mut elapsed = [0.0; 2];
        for through_client in order {
            let before = server.accepted.load(Ordering::Relaxed);
            let took = runtime.block_on(async {
                let client = client(&server);
                let http = client.client().clone();
                let start = Instant::now();
                let done = futures::stream::iter(0..total)
                    .map(|_| {
                        let (client, http, url) = (&client, &http, &url);
                        async move {
                            if through_client {
                                client
                                    .get_proposal()
                                    .id(5120)
                                    .call()
                                    .await
                                    .map(|_| ())
                                    .expect("answer");
                            } else {
                                by_hand::<types::ProposalEnvelope>(http, url).await;
                            }
                        }
                    })
                    .buffer_unordered(in_flight)
                    .count()
                    .await;
                assert_eq!(done, total);
                start.elapsed()
            });
            let accepted = server.accepted.load(Ordering::Relaxed) - before;
            if through_client {
                elapsed[0] = took.as_secs_f64();
                connections.0 = accepted;
            } else {
                elapsed[1] = took.as_secs_f64();
                connections.1 = accepted;
            }
        }
        ratios.push(elapsed[0] / elapsed[1]);
        client_rates.push(total as f64 / elapsed[0]);
        hand_rates.push(total as f64 / elapsed[1]);
    }
    println!("### 2. Concurrency ({total} requests, {in_flight} in flight, {concurrency_runs} runs, order alternating)\n");
    println!("| | requests/s, median (range) | connections accepted (last run) |\n|---|---|---|");
    for (name, rates, accepted) in [
        ("client `call()`", &mut client_rates, connections.0),
        ("hand-written reqwest", &mut hand_rates, connections.1),
    ] {
        let (median, min, max, _, _) = spread(rates);
        println!("| {name} | {median:.0} ({min:.0}–{max:.0}) | {accepted} |");
    }
    println!(
        "\nratio client / hand-written (time per request): {}; peak RSS of the whole process (server included): {:.1} MiB\n",
        show(&mut ratios),
        peak_rss_mib()
    );

    // 3. Decoding a 1,000-item page.
    let body = page(1000);
    let mib = server.page_len as f64 / (1024.0 * 1024.0);
    let iterations = if quick { 3 } else { 40 };
    let measure = |f: &dyn Fn()| {
        let mut samples: Vec<Duration> = (0..iterations)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        median(&mut samples)
    };
    let floor = measure(&|| {
        std::hint::black_box(
            serde_json::from_slice::<types::ProposalList>(&body).expect("decodes"),
        );
    });
    let value = measure(&|| {
        std::hint::black_box(serde_json::from_slice::<Value>(&body).expect("decodes"));
    });
    let page_url = format!("http://{}/v1/proposals", server.addr);
    let (through_client, through_hand) = runtime.block_on(async {
        let client = client(&server);
        let http = client.client().clone();
        let (mut c, mut h) = (Vec::new(), Vec::new());
        for _ in 0..iterations {
            let start = Instant::now();
            let page = client.list_proposals().call().await.expect("page");
            c.push(start.elapsed());
            assert_eq!(page.proposals.len(), 1000);
            let start = Instant::now();
            std::hint::black_box(by_hand::<types::ProposalList>(&http, &page_url).await);
            h.push(start.elapsed());
        }
        (median(&mut c), median(&mut h))
    });
    let rate = |d: Duration| mib / d.as_secs_f64();
    println!(
        "### 3. Decoding a `list_proposals` page of 1,000 items ({:.2} MiB)\n",
        mib
    );
    println!("| | median | MiB/s | vs floor |\n|---|---|---|---|");
    for (name, d) in [
        (
            "`serde_json::from_slice` into `types::ProposalList` (floor)",
            floor,
        ),
        ("`serde_json::from_slice` into `serde_json::Value`", value),
        (
            "client `list_proposals().call()` over loopback",
            through_client,
        ),
        (
            "hand-written reqwest + `from_slice` over loopback",
            through_hand,
        ),
    ] {
        println!(
            "| {name} | {:.2} ms | {:.0} | {:.2}× |",
            d.as_secs_f64() * 1e3,
            rate(d),
            d.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!();

    // 4. A 1 GiB answer with the default client: the peak RSS it adds. The peak is reset
    // first, so each reading is the peak of that request alone (plus the baseline).
    if quick {
        return;
    }
    println!("### 4. A 1 GiB answer (default client)\n");
    println!("| answer | outcome | peak RSS during the call |\n|---|---|---|");
    // Compressed before, so that neither its time nor its memory is the call's.
    gzip_bomb();
    runtime.block_on(async {
        let client = client(&server);
        for (id, name) in [
            (1, "with `Content-Length: 1073741824`"),
            (2, "chunked, no length"),
            (3, "gzip, 1 GiB decoded"),
        ] {
            reset_peak_rss();
            let start = Instant::now();
            let outcome = match client.get_proposal().id(id).call().await {
                Ok(_) => "decoded (!)".to_string(),
                Err(error) => format!(
                    "{:?} after {:.2} s",
                    error.kind(),
                    start.elapsed().as_secs_f64()
                ),
            };
            println!("| {name} | {outcome} | {:.1} MiB |", peak_rss_mib());
        }
    });
    println!("\nThe gzip body: {} bytes.\n", gzip_bomb().len());
}
