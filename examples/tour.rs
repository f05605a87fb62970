//! A tour of the CCB workflow as the manual describes it today (2024-01): create a proposal
//! and see its document, find its CCB by number, upload a CCB signed elsewhere, pick the
//! arrangement, create a batch and its assignment term (Termo de Cessão) under the
//! arrangement, add both CCBs to the batch by number, have a signer sign the proposal's
//! document, then read the batch back.
//!
//! ```sh
//! cargo run --example tour
//! ```
//!
//! Without `SECURITIES_TOKEN` it starts a local mock server in this process, which answers
//! every operation with the spec's own example, so it runs anywhere without an account. With
//! `SECURITIES_TOKEN` set it talks to the environment of `SECURITIES_ENV` /
//! `SECURITIES_BASE_URL` (see `Client::from_env`); because it creates real records, it refuses
//! production unless given `--production`.

use securities_api::{types, Client, Environment};
use serde_json::{json, Value};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    // Kept alive until the end: dropping it stops the mock server.
    let (client, _mock) = match std::env::var_os("SECURITIES_TOKEN") {
        Some(_) => (real_client()?, None),
        None => {
            let server = mock::start().await?;
            println!(
                "SECURITIES_TOKEN is not set: talking to a local mock server at {} that \
                 answers with the spec's examples.\n",
                server.uri()
            );
            let client = Client::builder()
                .token("tour-without-an-account")
                .base_url(server.uri())
                .build()?;
            (client, Some(server))
        }
    };
    tour(&client).await?;
    println!("\nThe tour is complete.");
    Ok(())
}

/// The client of `SECURITIES_*`, refusing to create records in production by accident.
fn real_client() -> Result<Client> {
    let client = Client::from_env()?;
    if client.environment() == Some(Environment::Production)
        && !std::env::args().any(|a| a == "--production")
    {
        return Err(
            "the tour creates a proposal, a batch, an assignment and a signer: run it against \
             staging (SECURITIES_ENV=staging), or pass --production if you really mean it"
                .into(),
        );
    }
    println!("Talking to {}.\n", client.base_url());
    Ok(client)
}

async fn tour(client: &Client) -> Result<()> {
    // 1. The proposal (Proposta): the CCB before the borrower signs it, with the document
    //    sent for signature.
    let proposal = client
        .create_proposal()
        .body(typed::<types::NewProposalRequest>(json!({
            "proposal": {
                "number": "CCB-2023-0042",
                "issuer_full_name": "Renata Albuquerque Prado",
                "issuer_document": "318.442.907-15",
                "installments": 36,
                "template_key": "4b1f0c3e-8d2a-4f61-9a7e-2c5d9e0b7a14",
                "document_data": {
                    "issuer_full_name": "Renata Albuquerque Prado",
                    "financed_amount": 48250.75,
                    "first_installment_due_date": "10/11/2023"
                }
            }
        }))?)
        .call()
        .await?
        .proposal;
    let number = proposal.number.clone().unwrap_or_default();
    let document = proposal
        .documents
        .first()
        .ok_or("the proposal has no document to sign yet")?;
    let document_id = document.id.ok_or("the proposal's document has no id")?;
    step(
        1,
        "create a proposal",
        format!(
            "proposal {} ({number}), document {document_id} ({})",
            proposal.id,
            text(&document.status)
        ),
    );

    // 2. Once the borrower has signed, the proposal is a CCB with the same number.
    let ccb = client
        .get_bank_credit_note_by_number()
        .number(number.as_str())
        .call()
        .await?
        .bank_credit_note;
    step(
        2,
        "find its CCB by number",
        format!(
            "CCB {} ({number}), signed with {}, {} document(s)",
            ccb.id,
            text(&ccb.signature_provider),
            ccb.documents.len()
        ),
    );

    // 3. A CCB signed outside the platform comes in as its PDF (here a few bytes in memory;
    //    `file_path` streams a file).
    let uploaded = client
        .create_bank_credit_note()
        .file_bytes("CCB-2023-0107.pdf", b"%PDF-1.7 signed elsewhere".to_vec())
        .signed(true)
        .signature_provider(types::UploadSignatureProvider::Docusign)
        .number("CCB-2023-0107")
        .issuer_full_name("Caio Figueiredo Neves")
        .issuer_document("527.190.384-62")
        .installments(24)
        .document_data(&json!({ "financed_amount": 30500.0 }))
        .call()
        .await?
        .bank_credit_note;
    step(
        3,
        "upload a CCB signed elsewhere",
        format!(
            "CCB {} ({}), signed with {}",
            uploaded.id,
            uploaded.number.as_deref().unwrap_or("?"),
            text(&uploaded.signature_provider)
        ),
    );

    // 4. The arrangement (Arranjo) the assignment is made under.
    let arrangements = client.list_arrangements().call().await?.arrangements;
    let arrangement = arrangements
        .first()
        .ok_or("the organization takes part in no arrangement")?;
    step(
        4,
        "pick the arrangement",
        format!(
            "arrangement {} ({})",
            arrangement.id,
            arrangement.name.as_deref().unwrap_or("no name")
        ),
    );

    // 5. A batch (Lote) for the CCBs to assign together.
    let batch = client
        .create_batch()
        .body(types::NewBatchRequest {
            batch: types::NewBatch {
                number: "L-2023-118".into(),
                quantity: 2,
            },
        })
        .call()
        .await?
        .batch;
    step(
        5,
        "create a batch",
        format!("batch {} ({})", batch.id, text(&batch.status)),
    );

    // 6. The assignment term (Termo de Cessão) of the batch, under the arrangement, before
    //    any CCB goes in.
    let assignment = client
        .create_assignment()
        .body(types::NewAssignmentRequest {
            assignment: types::NewAssignment {
                arrangement_id: arrangement.id,
                number: "TC-2023-061".into(),
                issue_date: chrono::NaiveDate::from_ymd_opt(2023, 10, 2).ok_or("not a date")?,
                full_amount: 96500.5,
                batch_id: batch.id,
            },
        })
        .call()
        .await?;
    step(
        6,
        "create the assignment (termo de cessão)",
        format!(
            "assignment {} under arrangement {}, amount {}",
            assignment.id,
            assignment.arrangement_id.unwrap_or(arrangement.id),
            assignment.full_amount.as_deref().unwrap_or("?")
        ),
    );

    // 7. Both CCBs go into the batch, identified by their numbers in `security_data`.
    let mut placed = Vec::new();
    for (ccb_number, value) in [(number.as_str(), "48250.75"), ("CCB-2023-0107", "30500.00")] {
        let placement = client
            .create_security_batch()
            .batch_id(batch.id)
            .body(typed::<types::NewSecurityBatchRequest>(json!({
                "security_batch": {
                    "security_data": { "number": ccb_number, "cession_value": value }
                }
            }))?)
            .call()
            .await?
            .security_batch;
        placed.push(format!("{ccb_number} ({})", text(&placement.status)));
    }
    step(
        7,
        "add both CCBs to the batch by number",
        format!("{} in batch {}", placed.join(" and "), batch.id),
    );

    // 8. A signer, then the link that makes them sign the proposal's document.
    let signer = client
        .create_signer()
        .body(typed::<types::NewSignerRequest>(json!({
            "signer": {
                "full_name": "Tiago Menezes Lobo",
                "has_documentation": true,
                "documentation": "204.889.513-70",
                "birthday": "1979-04-18",
                "email": "tiago.lobo@example.com",
                "phone_number": "21973104482",
                "auth": "email",
                "communicate_by": "email",
                "sign_as": "party"
            }
        }))?)
        .call()
        .await?
        .signer;
    let link = client
        .link_signer()
        .body(types::NewSignerLinkRequest {
            list: types::NewSignerLink {
                signer_id: signer.id,
                document_id,
                sign_as: types::SignAs::Party,
                group: std::num::NonZeroU32::new(1),
                message: Some("Please sign the credit note.".into()),
                refusable: Some(false),
            },
        })
        .call()
        .await?
        .list;
    step(
        8,
        "add a signer and link it to the document",
        format!(
            "signer {} signs document {document_id} (link {})",
            signer.id, link.id
        ),
    );

    // 9. The batch, read back.
    let batch = client.get_batch().id(batch.id).call().await?.batch;
    step(
        9,
        "read the batch back",
        format!(
            "batch {} is {}, {} of {} CCBs added",
            batch.id,
            text(&batch.status),
            batch.quantity_added.unwrap_or(0),
            batch.quantity.unwrap_or(0)
        ),
    );
    Ok(())
}

fn step(n: u8, what: &str, outcome: String) {
    println!("{n}. {what:<42} -> {outcome}");
}

/// An open enumeration's value as text, or `unknown` when the answer has none.
fn text<T: ToString>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "unknown".into(), ToString::to_string)
}

/// A request body written as JSON, as in the manual, checked against the client's type.
fn typed<T: serde::de::DeserializeOwned>(body: Value) -> Result<T> {
    Ok(serde_json::from_value(body)?)
}

/// The local stand-in for the API: every operation of the spec answers its own example.
mod mock {
    use serde_json::Value;
    use wiremock::{
        matchers::{method, path_regex},
        Mock, MockServer, ResponseTemplate,
    };

    const SPEC: &str = include_str!("../openapi/securities-api.yaml");

    pub async fn start() -> super::Result<MockServer> {
        let spec: Value = serde_norway::from_str(SPEC)?;
        let server = MockServer::start().await;
        let paths = spec["paths"].as_object().ok_or("the spec has no paths")?;
        for (template, item) in paths {
            for (verb, operation) in item.as_object().ok_or("a path item is not a map")? {
                let (status, example) = success_example(&spec, operation)
                    .ok_or_else(|| format!("{verb} {template}: no example to answer with"))?;
                Mock::given(method(verb.to_uppercase().as_str()))
                    .and(path_regex(path_pattern(template)))
                    .respond_with(ResponseTemplate::new(status).set_body_json(example))
                    .mount(&server)
                    .await;
            }
        }
        Ok(server)
    }

    /// `/v1/batches/{batch_id}/security_batches` -> `^/v1/batches/[^/]+/security_batches$`.
    fn path_pattern(template: &str) -> String {
        let segments: Vec<String> = template
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "[^/]+".to_string()
                } else {
                    regex_escape(segment)
                }
            })
            .collect();
        format!("^{}$", segments.join("/"))
    }

    fn regex_escape(text: &str) -> String {
        text.chars()
            .flat_map(|c| {
                let escape = !c.is_ascii_alphanumeric() && c != '_' && c != '-';
                escape.then_some('\\').into_iter().chain(std::iter::once(c))
            })
            .collect()
    }

    /// The status and example of the operation's success response, following `$ref`s.
    fn success_example(spec: &Value, operation: &Value) -> Option<(u16, Value)> {
        let (status, response) = operation["responses"]
            .as_object()?
            .iter()
            .find(|(status, _)| status.starts_with('2'))?;
        let response = match response["$ref"].as_str() {
            Some(reference) => spec.pointer(reference.trim_start_matches('#'))?,
            None => response,
        };
        let example = response["content"]["application/json"]["example"].clone();
        Some((status.parse().ok()?, example))
    }
}
