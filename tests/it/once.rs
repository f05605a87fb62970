//! Creates that happen once (`create_proposal_once`, `create_assignment_once`), against a
//! server on 127.0.0.1 that loses answers: what the caller gets, and which requests were sent.

use std::time::Duration;

use securities_api::{types, Client, Error, ErrorKind, Once, OnceMode, RetryPolicy};

use crate::common::raw::{RawServer, Received, Reply};
use crate::common::{request_body, success_example};

fn client(server: &RawServer) -> Client {
    Client::builder()
        .token("once-token")
        .base_url(&server.url)
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client")
}

fn proposal() -> types::NewProposalRequest {
    request_body("create_proposal")
}

/// `create_proposal_once` of the example proposal on `server`.
async fn create_once(
    server: &RawServer,
    mode: OnceMode,
) -> Result<Once<types::ProposalEnvelope>, Error> {
    client(server).create_proposal_once(proposal(), mode).await
}

/// The proposal the server holds once created.
fn created() -> Reply {
    let (status, body) = success_example("create_proposal");
    Reply::json(status, &body)
}

fn found() -> Reply {
    Reply::json(200, &success_example("get_proposal_by_number").1)
}

fn not_found() -> Reply {
    Reply::json(404, &serde_json::json!({"error": "Not found"}))
}

/// What the server received, as `METHOD path` lines.
fn sent(server: &RawServer) -> Vec<String> {
    let number = proposal().proposal.number;
    server
        .received()
        .iter()
        .map(|r: &Received| format!("{} {}", r.method, r.target).replace(&number, "{number}"))
        .collect()
}

const POST: &str = "POST /v1/proposals";
const LOOK_UP: &str = "GET /v1/proposals/bynumber/{number}";

#[tokio::test]
async fn an_answer_lost_after_the_create_is_found_by_its_number() {
    // The first POST is carried out, then its connection dies before the answer.
    let server = RawServer::start(|n, _| match n {
        0 => Reply::ResetBeforeHead,
        _ => found(),
    })
    .await;
    let outcome = create_once(&server, OnceMode::CreateFirst)
        .await
        .expect("settled");
    assert!(matches!(outcome, Once::Found(_)), "{outcome:?}");
    assert_eq!(sent(&server), [POST, LOOK_UP]);
}

#[tokio::test]
async fn a_gateway_error_then_not_found_sends_again() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::json(502, &serde_json::json!({})),
        1 => not_found(),
        _ => created(),
    })
    .await;
    let outcome = create_once(&server, OnceMode::CreateFirst)
        .await
        .expect("created");
    assert!(outcome.was_created(), "{outcome:?}");
    assert_eq!(sent(&server), [POST, LOOK_UP, POST]);
}

#[tokio::test]
async fn a_timeout_then_a_refusal_is_the_first_attempt_found() {
    // The first POST times out but lands late; the lookup still misses it; the second POST is
    // refused (the number is taken), and a second lookup finds the first attempt's record.
    let server = RawServer::start(|n, _| match n {
        0 => Reply::Delayed(Duration::from_secs(2), Box::new(created())),
        1 => not_found(),
        2 => Reply::json(
            422,
            &serde_json::json!({"errors": {"number": ["já existe"]}}),
        ),
        _ => found(),
    })
    .await;
    let outcome = create_once(&server, OnceMode::CreateFirst)
        .await
        .expect("settled");
    assert!(matches!(outcome, Once::Found(_)), "{outcome:?}");
    assert_eq!(sent(&server), [POST, LOOK_UP, POST, LOOK_UP]);
}

#[tokio::test]
async fn a_refusal_of_a_first_send_is_returned_without_a_lookup() {
    let server = RawServer::always(Reply::json(
        422,
        &serde_json::json!({"errors": ["inválido"]}),
    ))
    .await;
    let error = create_once(&server, OnceMode::CreateFirst)
        .await
        .expect_err("422");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(sent(&server), [POST]);
}

#[tokio::test]
async fn an_outcome_that_stays_unknown_gives_up_after_three_sends() {
    let server = RawServer::start(|n, _| match n % 2 {
        0 => Reply::json(503, &serde_json::json!({})),
        _ => not_found(),
    })
    .await;
    let error = create_once(&server, OnceMode::CreateFirst)
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(sent(&server), [POST, LOOK_UP, POST, LOOK_UP, POST, LOOK_UP]);
}

#[tokio::test]
async fn look_up_first_creates_only_what_is_missing() {
    let there = RawServer::always(found()).await;
    let outcome = create_once(&there, OnceMode::LookUpFirst)
        .await
        .expect("found");
    assert!(matches!(outcome, Once::Found(_)), "{outcome:?}");
    assert_eq!(sent(&there), [LOOK_UP]);

    let missing = RawServer::start(|n, _| if n == 0 { not_found() } else { created() }).await;
    let outcome = create_once(&missing, OnceMode::LookUpFirst)
        .await
        .expect("created");
    assert!(outcome.was_created(), "{outcome:?}");
    assert_eq!(sent(&missing), [LOOK_UP, POST]);
}

#[tokio::test]
async fn an_assignment_is_looked_up_by_its_own_number() {
    let body: types::NewAssignmentRequest = request_body("create_assignment");
    let number = body.assignment.number.clone();
    let server = RawServer::start(|n, _| match n {
        0 => Reply::ResetBeforeHead,
        _ => Reply::json(200, &success_example("get_assignment_by_number").1),
    })
    .await;
    let outcome = client(&server)
        .create_assignment_once(body, OnceMode::CreateFirst)
        .await
        .expect("settled");
    assert!(matches!(outcome, Once::Found(_)), "{outcome:?}");
    let targets: Vec<String> = server.received().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/v1/assignments".to_string(),
            format!("/v1/assignments/bynumber/{number}")
        ]
    );
}

/// At volume, against the fake's rules: 200 creates (`ONCE_CREATES` for another number: the
/// benchmark's 1,000), 16 at a time, every 5th commit losing its answer and every 7th
/// answering 502 after the commit. Exactly as many records as creates, none twice, no error
/// for a record that exists, and one `Found` per faulted commit.
#[tokio::test]
async fn creates_with_lost_answers_make_one_record_each() {
    use crate::common::fake::{Config, Fake};
    use futures::StreamExt;

    let creates: usize = crate::common::sized("ONCE_CREATES", 200);

    let fake = Fake::start(Config::faulty()).await;
    let client = Client::builder()
        .token("once-token")
        .base_url(&fake.url)
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    let outcomes: Vec<_> = futures::stream::iter(0..creates)
        .map(|i| {
            let mut body = proposal();
            body.proposal.number = format!("CCB-VOL-{i:04}");
            let client = client.clone();
            async move {
                client
                    .create_proposal_once(body, OnceMode::CreateFirst)
                    .await
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let found = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Once::Found(_))))
        .count();
    let state = fake.state.lock().expect("state");
    println!(
        "{creates} creates: {} records, {} faulted commits, {found} found, {} refused, {} errors, {:?}",
        state.proposals.len(),
        state.faulted,
        state.refused,
        errors.len(),
        started.elapsed()
    );
    assert_eq!(state.proposals.len(), creates, "one record per number");
    assert_eq!(
        state.refused, 0,
        "no create was sent again for a record that exists"
    );
    assert!(state.faulted >= 60, "faults injected: {}", state.faulted);
    assert_eq!(
        found, state.faulted,
        "each faulted commit found by its number"
    );
}

/// The fake's limit: 20 requests a second, 60 lookups in a row. The client's retry policy
/// waits what `Retry-After` says, so every call ends well.
#[tokio::test]
async fn a_rate_limit_is_waited_out() {
    use crate::common::fake::{Config, Fake};

    let fake = Fake::start(Config {
        limit: Some((20, Duration::from_secs(1))),
        ..Config::default()
    })
    .await;
    let client = Client::builder()
        .token("once-token")
        .base_url(&fake.url)
        .retry_policy(RetryPolicy::default().max_retries(5))
        .build()
        .expect("client");
    for i in 0..60 {
        let error = client
            .get_proposal_by_number()
            .number(format!("CCB-RL-{i}"))
            .call()
            .await
            .expect_err("the fake holds no proposal");
        assert!(error.is_not_found(), "{error}");
    }
    let state = fake.state.lock().expect("state");
    assert!(state.limited > 0, "the limit was reached");
    assert_eq!(state.requests, 60 + state.limited);
}

/// The PDF the upload sends, found in every POST's body.
const PDF: &[u8] = b"%PDF-1.7 once";

/// `create_bank_credit_note_once` of a PDF from memory, numbered as the lookup's example.
async fn upload_once(server: &RawServer) -> Result<Once<types::BankCreditNoteEnvelope>, Error> {
    let number = success_example("get_bank_credit_note_by_number").1["bank_credit_note"]["number"]
        .as_str()
        .expect("the example has a number")
        .to_string();
    client(server)
        .create_bank_credit_note_once(
            |upload| {
                upload
                    .file_bytes("ccb.pdf", PDF)
                    .number(number.clone())
                    .signed(true)
            },
            OnceMode::CreateFirst,
        )
        .await
}

fn uploads_sent(server: &RawServer) -> Vec<String> {
    let number = success_example("get_bank_credit_note_by_number").1["bank_credit_note"]["number"]
        .as_str()
        .expect("a number")
        .to_string();
    server
        .received()
        .iter()
        .map(|r| {
            if r.method == "POST" {
                let whole = r.body.windows(PDF.len()).any(|w| w == PDF);
                format!("POST {} pdf={whole}", r.target)
            } else {
                format!("{} {}", r.method, r.target).replace(&number, "{number}")
            }
        })
        .collect()
}

#[tokio::test]
async fn an_upload_whose_answer_is_lost_is_found_by_its_number() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::ResetBeforeHead,
        _ => Reply::json(200, &success_example("get_bank_credit_note_by_number").1),
    })
    .await;
    let outcome = upload_once(&server).await.expect("settled");
    assert!(matches!(outcome, Once::Found(_)), "{outcome:?}");
    assert_eq!(
        uploads_sent(&server),
        [
            "POST /v1/bank_credit_notes pdf=true",
            "GET /v1/bank_credit_notes/bynumber/{number}"
        ]
    );
}

#[tokio::test]
async fn an_upload_after_a_gateway_error_and_no_record_is_sent_again_whole() {
    let server = RawServer::start(|n, _| match n {
        0 => Reply::json(502, &serde_json::json!({})),
        1 => not_found(),
        _ => {
            let (status, body) = success_example("create_bank_credit_note");
            Reply::json(status, &body)
        }
    })
    .await;
    let outcome = upload_once(&server).await.expect("created");
    assert!(outcome.was_created(), "{outcome:?}");
    assert_eq!(
        uploads_sent(&server),
        [
            "POST /v1/bank_credit_notes pdf=true",
            "GET /v1/bank_credit_notes/bynumber/{number}",
            "POST /v1/bank_credit_notes pdf=true"
        ]
    );
}

#[tokio::test]
async fn an_upload_without_a_number_is_not_sent() {
    let server = RawServer::always(not_found()).await;
    let error = client(&server)
        .create_bank_credit_note_once(
            |upload| upload.file_bytes("ccb.pdf", PDF),
            OnceMode::LookUpFirst,
        )
        .await
        .expect_err("no number");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.count(), 0);
}
