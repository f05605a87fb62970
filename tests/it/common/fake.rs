//! A fake of the API's documented rules on 127.0.0.1, for work at volume: proposals whose
//! numbers are unique (a second create of a number is refused with 422, as a unique number
//! must be), lookups by number, a request limit per time window answered with 429 and
//! `Retry-After` (the status table's "limite de requisições por minuto"; its figure is the
//! test's), and injected faults: the answer lost after the record was committed (the
//! connection closed without a response) and a 502 after commit.
//!
//! Records are the spec's own examples with the id and number replaced, so that they decode
//! as the client's types.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

use super::success_example;

/// What the fake does besides keeping the rules.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// At most this many requests per window; the next ones get 429 with `Retry-After`.
    pub limit: Option<(usize, Duration)>,
    /// Every `n`th create that commits loses its answer (the connection is closed).
    pub lose_every: Option<usize>,
    /// Every `n`th create that commits answers 502 (checked after `lose_every`).
    pub bad_gateway_every: Option<usize>,
}

/// What the fake holds and counts.
#[derive(Debug, Default)]
pub struct State {
    /// Proposals by number.
    pub proposals: HashMap<String, Value>,
    /// Creates refused because the number was taken.
    pub refused: usize,
    /// Creates committed whose answer was lost or replaced by a 502.
    pub faulted: usize,
    /// Requests answered with 429.
    pub limited: usize,
    /// Every request received.
    pub requests: usize,
    commits: usize,
    window: Option<(Instant, usize)>,
}

/// The running fake; it stops when dropped.
pub struct Fake {
    /// `http://127.0.0.1:port`.
    pub url: String,
    /// What it holds, to check after the calls.
    pub state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    /// Starts a fake with `config` on a free port.
    pub async fn start(config: Config) -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (state, config) = (shared.clone(), config.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let (state, config) = (state.clone(), config.clone());
                        async move { answer(request, &state, &config).await }
                    });
                    // A service error closes the connection without an answer: a lost answer.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Fake { url, state, task }
    }
}

type Answer = Result<Response<Full<Bytes>>, std::io::Error>;

fn reply(status: u16, body: &Value, retry_after: Option<u64>) -> Answer {
    let mut response = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    if let Some(seconds) = retry_after {
        response = response.header("retry-after", seconds.to_string());
    }
    Ok(response
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("response"))
}

async fn answer(request: Request<Incoming>, state: &Mutex<State>, config: &Config) -> Answer {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let body = request
        .into_body()
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let mut state = state.lock().expect("state");
    state.requests += 1;
    if let Some((limit, window)) = config.limit {
        let now = Instant::now();
        let (started, count) = match state.window {
            Some((started, count)) if now < started + window => (started, count + 1),
            _ => (now, 1),
        };
        state.window = Some((started, count));
        if count > limit {
            state.limited += 1;
            let wait = (started + window - now).as_secs_f64().ceil().max(1.0) as u64;
            return reply(429, &json!({"error": "Too many requests"}), Some(wait));
        }
    }
    match (method.as_str(), path.as_str()) {
        ("POST", "/v1/proposals") => create_proposal(&mut state, &body, config),
        ("GET", path) if path.starts_with("/v1/proposals/bynumber/") => {
            // As the client sent it: every byte but the unreserved ones percent-encoded.
            let number = path.trim_start_matches("/v1/proposals/bynumber/");
            let number = percent_encoding::percent_decode_str(number).decode_utf8_lossy();
            match state.proposals.get(number.as_ref()) {
                Some(record) => reply(200, &json!({ "proposal": record }), None),
                None => reply(404, &json!({"error": "Not found"}), None),
            }
        }
        _ => reply(
            404,
            &json!({"error": format!("the fake has no {method} {path}")}),
            None,
        ),
    }
}

fn create_proposal(state: &mut State, body: &[u8], config: &Config) -> Answer {
    let Some(number) = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["proposal"]["number"].as_str().map(String::from))
    else {
        return reply(422, &json!({"errors": {"number": ["obrigatório"]}}), None);
    };
    if state.proposals.contains_key(&number) {
        state.refused += 1;
        return reply(
            422,
            &json!({"errors": {"number": ["já está em uso"]}}),
            None,
        );
    }
    let mut record = success_example("create_proposal").1["proposal"].clone();
    record["id"] = json!(state.proposals.len() + 1);
    record["number"] = json!(number);
    state.proposals.insert(number, record.clone());
    state.commits += 1;
    let every = |n: Option<usize>| n.is_some_and(|n| state.commits.is_multiple_of(n));
    if every(config.lose_every) {
        state.faulted += 1;
        return Err(std::io::Error::other("the answer is lost after the commit"));
    }
    if every(config.bad_gateway_every) {
        state.faulted += 1;
        return reply(502, &json!({}), None);
    }
    reply(201, &json!({ "proposal": record }), None)
}
