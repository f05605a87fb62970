//! A fake of the API's documented rules on 127.0.0.1, for work at volume: proposals whose
//! numbers are unique (a second create of a number is refused with 422, as a unique number
//! must be), lookups by number, a request limit per time window answered with 429 and
//! `Retry-After` (the status table's "limite de requisições por minuto"; its figure is the
//! test's), and injected faults: the answer lost after the record was committed (the
//! connection closed without a response) and a 502 after commit.
//!
//! Batches (lotes) keep the manual's rules: no more placements than `quantity`, no CCB twice
//! in a batch, only CCBs it knows (seeded with [`Fake::add_ccbs`]: the API makes them by
//! upload); a duplicata is created by its placement. Placements are listed back in pages, and
//! every answer can be slowed down ([`Config::delay`]).
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
    /// Every answer waits this long first.
    pub delay: Option<Duration>,
}

impl Config {
    /// The faults of the tests at volume: every 5th commit loses its answer (20 %), every
    /// 7th other one answers 502.
    pub fn faulty() -> Config {
        Config {
            lose_every: Some(5),
            bad_gateway_every: Some(7),
            ..Config::default()
        }
    }
}

/// Placements per page of the lists of a batch.
pub const PAGE_SIZE: usize = 50;

/// A batch (lote) and what is placed in it.
#[derive(Debug)]
pub struct Batch {
    /// As `get_batch` answers, less the counters computed from `placements`.
    pub record: Value,
    /// Its placements in the order they were made.
    pub placements: Vec<Placement>,
}

/// A CCB or duplicata placed in a batch.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The number of the CCB or duplicata.
    pub number: String,
    /// Whether it is a duplicata.
    pub duplicate: bool,
    /// As the API answers it.
    pub record: Value,
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
    /// Batches by id.
    pub batches: HashMap<i64, Batch>,
    /// CCBs by number.
    pub ccbs: HashMap<String, Value>,
    /// Duplicatas by number.
    pub duplicates: HashMap<String, Value>,
    /// How many placement POSTs (CCBs and duplicatas) each number got.
    pub placement_posts: HashMap<String, usize>,
    commits: usize,
    last_id: i64,
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

    /// Adds a batch that will hold `quantity` CCBs or duplicatas; its id.
    pub fn add_batch(&self, quantity: i32) -> i64 {
        let mut state = self.state.lock().expect("state");
        let id = state.new_id();
        let mut record = success_example("get_batch").1["batch"].clone();
        record["id"] = json!(id);
        record["number"] = json!(format!("L-FAKE-{id}"));
        record["quantity"] = json!(quantity);
        record["url"] = json!(format!("{}/v1/batches/{id}", self.url));
        let placements = Vec::new();
        state.batches.insert(id, Batch { record, placements });
        id
    }

    /// Adds a CCB for each number, as an upload (`create_bank_credit_note`) would.
    pub fn add_ccbs<S: Into<String>>(&self, numbers: impl IntoIterator<Item = S>) {
        let mut state = self.state.lock().expect("state");
        for number in numbers {
            let number = number.into();
            let mut record =
                success_example("get_bank_credit_note_by_number").1["bank_credit_note"].clone();
            record["id"] = json!(state.new_id());
            record["number"] = json!(number);
            state.ccbs.insert(number, record);
        }
    }
}

impl State {
    fn new_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }

    /// The numbers placed in batch `id`, in order.
    pub fn placed(&self, id: i64) -> Vec<String> {
        let batch = self.batches.get(&id).map(|b| b.placements.as_slice());
        batch
            .unwrap_or_default()
            .iter()
            .map(|p| p.number.clone())
            .collect()
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
    let query = request.uri().query().unwrap_or_default().to_string();
    if let Some(delay) = config.delay {
        tokio::time::sleep(delay).await;
    }
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
        _ => {
            let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            let id = |segment: &str| segment.parse::<i64>().ok();
            match (method.as_str(), segments.as_slice()) {
                ("GET", ["v1", "bank_credit_notes", "bynumber", number]) => {
                    let record = state.ccbs.get(&decoded(number)).cloned();
                    found(record.map(|r| json!({ "bank_credit_note": r })))
                }
                ("GET", ["v1", "duplicates", "bynumber", number]) => {
                    let record = state.duplicates.get(&decoded(number)).cloned();
                    found(record.map(|r| json!({ "duplicate": r })))
                }
                ("GET", ["v1", "batches", batch]) => {
                    let batch = id(batch).and_then(|id| state.batches.get(&id));
                    found(batch.map(|batch| {
                        let mut record = batch.record.clone();
                        let added = batch.placements.len();
                        record["quantity_added"] = json!(added);
                        // The manual: `pending`, then `checking` once the first is added.
                        record["status"] = json!(if added == 0 { "pending" } else { "checking" });
                        json!({ "batch": record })
                    }))
                }
                ("GET", ["v1", "batches", batch, "security_batches"]) => {
                    list_placements(&state, id(batch), false, &query)
                }
                ("GET", ["v1", "batches", batch, "duplicates", "security_batches"]) => {
                    list_placements(&state, id(batch), true, &query)
                }
                ("POST", ["v1", "batches", batch, "security_batches"]) => {
                    place(&mut state, id(batch), false, &body, config)
                }
                ("POST", ["v1", "batches", batch, "duplicates", "security_batches"]) => {
                    place(&mut state, id(batch), true, &body, config)
                }
                _ => reply(
                    404,
                    &json!({"error": format!("the fake has no {method} {path}")}),
                    None,
                ),
            }
        }
    }
}

/// A path segment as the client sent it: every byte but the unreserved ones percent-encoded.
fn decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

fn found(body: Option<Value>) -> Answer {
    match body {
        Some(body) => reply(200, &body, None),
        None => reply(404, &json!({"error": "Not found"}), None),
    }
}

/// A 422 with the API's shape of messages.
fn refuse(state: &mut State, key: &str, message: &str) -> Answer {
    state.refused += 1;
    reply(422, &json!({ "errors": { key: [message] } }), None)
}

/// One page (`page=n` in `query`, 1 when absent) of the CCB or duplicata placements of a batch.
fn list_placements(state: &State, batch: Option<i64>, duplicates: bool, query: &str) -> Answer {
    let Some(batch) = batch.and_then(|id| state.batches.get(&id)) else {
        return found(None);
    };
    let page = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let all: Vec<&Value> = batch
        .placements
        .iter()
        .filter(|p| p.duplicate == duplicates)
        .map(|p| &p.record)
        .collect();
    let total = all.len().div_ceil(PAGE_SIZE).max(1);
    let items: Vec<&Value> = all
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let (first, last) = (page == 1, page >= total);
    let page_infos = json!({
        "total_pages": total,
        "current_page": page,
        "next_page": if last { Value::Null } else { json!(page + 1) },
        "prev_page": if first { Value::Null } else { json!(page - 1) },
        "first_page?": first,
        "last_page?": last,
    });
    reply(
        200,
        &json!({ "security_batches": items, "page_infos": page_infos }),
        None,
    )
}

/// `create_security_batch` (a CCB the fake knows) or `create_duplicate_security_batch` (which
/// creates the duplicata), under the batch's rules.
fn place(
    state: &mut State,
    batch: Option<i64>,
    duplicate: bool,
    body: &[u8],
    config: &Config,
) -> Answer {
    let Some(batch_id) = batch.filter(|id| state.batches.contains_key(id)) else {
        return found(None);
    };
    let Some(number) = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        v["security_batch"]["security_data"]["number"]
            .as_str()
            .map(String::from)
    }) else {
        return refuse(state, "number", "obrigatório");
    };
    *state.placement_posts.entry(number.clone()).or_default() += 1;
    let batch = &state.batches[&batch_id];
    if batch
        .placements
        .iter()
        .any(|p| p.number == number && p.duplicate == duplicate)
    {
        let message = "Não será permitido enviar uma CCB que já esteja no lote";
        return refuse(state, "security_data", message);
    }
    if batch.placements.len() as i64 >= batch.record["quantity"].as_i64().unwrap_or(0) {
        let message = "Não será permitido enviar uma quantidade de CCBs maior que quantity";
        return refuse(state, "quantity", message);
    }
    let security_id = if duplicate {
        if state.duplicates.contains_key(&number) {
            return refuse(state, "number", "já está em uso");
        }
        let mut record = success_example("get_duplicate_by_number").1["duplicate"].clone();
        let id = state.new_id();
        record["id"] = json!(id);
        record["number"] = json!(number);
        state.duplicates.insert(number.clone(), record);
        id
    } else {
        match state.ccbs.get(&number).and_then(|ccb| ccb["id"].as_i64()) {
            Some(id) => id,
            None => return refuse(state, "number", "CCB não encontrada"),
        }
    };
    let operation = if duplicate {
        "create_duplicate_security_batch"
    } else {
        "create_security_batch"
    };
    let mut record = success_example(operation).1["security_batch"].clone();
    let id = state.new_id();
    record["id"] = json!(id);
    record["security_id"] = json!(security_id);
    record["batch_id"] = json!(batch_id);
    let placement = Placement {
        number,
        duplicate,
        record: record.clone(),
    };
    if let Some(batch) = state.batches.get_mut(&batch_id) {
        batch.placements.push(placement);
    }
    if let Some(fault) = commit(state, config) {
        return fault;
    }
    reply(201, &json!({ "security_batch": record }), None)
}

/// Counts a commit and answers with the fault it is due, if any.
fn commit(state: &mut State, config: &Config) -> Option<Answer> {
    state.commits += 1;
    let every = |n: Option<usize>| n.is_some_and(|n| state.commits.is_multiple_of(n));
    if every(config.lose_every) {
        state.faulted += 1;
        return Some(Err(std::io::Error::other(
            "the answer is lost after the commit",
        )));
    }
    if every(config.bad_gateway_every) {
        state.faulted += 1;
        return Some(reply(502, &json!({}), None));
    }
    None
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
    if let Some(fault) = commit(state, config) {
        return fault;
    }
    reply(201, &json!({ "proposal": record }), None)
}
