//! Every operation of the API, once: one realistic call of it through the client (the spec's
//! request examples as bodies, ids and numbers of its examples as parameters), with the
//! request that call must send. What the spec says of the operation (method, path template,
//! statuses) is not repeated here: [`Op::operation`] reads it from the generated
//! `securities_api::OPERATIONS`, and `tests/it/spec.rs` pins that to the manual.
//!
//! Every suite that goes through the whole API takes its calls from [`ALL`]: the table-driven
//! checks of `tests/it/operations.rs` (request, answer, errors, escaped numbers), the no-panic
//! property (`call()`), the Prism conformance suite (`send()` and `call()`) and pagination
//! (`stream()` and `pages()` of the lists). A plain JSON operation is checked by all of them
//! once it has its row here.

use futures::{future::BoxFuture, stream::BoxStream, FutureExt, StreamExt, TryStreamExt};
use reqwest::header::HeaderMap;
use securities_api::{types, Client, Error, ErrorKind, Operation, ResponseValue, SendError};
use serde_json::Value;

use super::{request_body, request_example, to_json, Call, Expect};

/// One operation: its call and the request the call sends.
pub struct Op {
    /// The operationId.
    pub id: &'static str,
    /// The path [`Calls`] request, without the base URL's prefix (`/v1/proposals/5120`).
    pub path: &'static str,
    /// The exact query [`Calls`] send, in any order.
    pub query: &'static [(&'static str, &'static str)],
    /// The call, finished in each of the ways the suites need.
    pub calls: Calls,
}

/// One call of an operation (the same request builder), finished in each way the suites need.
pub struct Calls {
    /// `call()`: the decoded success body as JSON, or the crate's `Error`.
    pub call: Call,
    /// `send()`: progenitor's answer with its status and headers (for the hand-written upload,
    /// which has no `send()`, `call()` in that shape: see [`upload_outcome`]).
    pub send: SendCall,
    /// For a paginated list: its pages, followed from the first one.
    pub list: Option<List>,
    /// For a lookup by number (`.../bynumber/{number}`): the same call with any number, so
    /// that a test can ask for one that must be escaped.
    pub by_number: Option<ByNumber>,
}

/// A lookup by number, with the number to ask for.
pub type ByNumber = fn(Client, &'static str) -> BoxFuture<'static, Result<Value, Error>>;

/// A call finished with `send()`.
pub type SendCall = fn(Client) -> BoxFuture<'static, Sent>;

/// What `send()` returns, the body decoded and turned into JSON.
#[allow(clippy::result_large_err)] // The error of `send()`, which progenitor defines.
pub type Sent = Result<Answer, SendError<types::ApiError>>;

/// A success answer of `send()`.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body, serialized back to JSON for comparisons.
    pub body: Value,
}

/// The pages of a list, from the same request builder as its call but without its `page`: the
/// stream starts at the API's first page.
pub struct List {
    /// `stream()`: every item of every page, as JSON.
    pub stream: Pages,
    /// `pages()`: every page, as JSON.
    pub pages: Pages,
}

/// A stream of a list's items or pages, as JSON.
pub type Pages = for<'a> fn(&'a Client) -> BoxStream<'a, Result<Value, Error>>;

impl Op {
    /// The generated entry of the operation: method, path template, statuses.
    pub fn operation(&self) -> &'static Operation {
        super::generated(self.id)
    }

    /// What the server must receive from [`Calls::call`].
    pub fn expect(&self) -> Expect {
        Expect {
            op: self.id,
            method: self.operation().method,
            path: self.path,
            query: self.query,
            body: !request_example(self.id).is_null(),
        }
    }

    /// The pages of the list; panics if the operation is not a paginated list.
    pub fn list(&self) -> &List {
        self.calls
            .list
            .as_ref()
            .unwrap_or_else(|| panic!("{} is not a paginated list", self.id))
    }
}

/// The operation `id` of [`ALL`].
pub fn get(id: &str) -> &'static Op {
    ALL.iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("no operation {id} in ops::ALL"))
}

fn answer<T: serde::Serialize>(response: ResponseValue<T>) -> Answer {
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: to_json(response.into_inner()),
    }
}

/// The outcome of the hand-written upload (`create_bank_credit_note`), which has `call()` and
/// no `send()`, in the shape of `send()`'s. `call()` succeeds only on the spec's 201, so a
/// success is a 201 (without the headers it came with); an error answer keeps its status,
/// headers and body.
#[allow(clippy::result_large_err)] // The outcome of `send()`, whose error progenitor defines.
fn upload_outcome(result: Result<types::BankCreditNoteEnvelope, Error>) -> Sent {
    match result {
        Ok(envelope) => Ok(Answer {
            status: 201,
            headers: HeaderMap::new(),
            body: to_json(envelope),
        }),
        Err(error) => Err(match (error.kind(), error.status(), error.body()) {
            (ErrorKind::Api, Some(status), Some(body)) => SendError::ErrorResponse(
                ResponseValue::new(body.clone(), status, error.headers().clone()),
            ),
            _ => SendError::Custom(format!("{error} (headers {:?})", error.headers())),
        }),
    }
}

/// The [`Calls`] of a request builder, `|c| c.get_proposal().id(5120)`: `call()` and `send()`.
macro_rules! request {
    (|$c:ident| $request:expr) => {
        Calls {
            call: |$c| async move { $request.call().await.map(to_json) }.boxed(),
            send: |$c| async move { $request.send().await.map(answer) }.boxed(),
            list: None,
            by_number: None,
        }
    };
}

/// The [`Calls`] of a paginated list's request builder without its page,
/// `|c| c.list_proposals(), page = 2`: `call()` and `send()` of the given page, and the
/// `stream()` and `pages()` of the builder as it is.
macro_rules! list {
    (|$c:ident| $request:expr, page = $page:literal) => {
        Calls {
            call: |$c| async move { $request.page($page).call().await.map(to_json) }.boxed(),
            send: |$c| async move { $request.page($page).send().await.map(answer) }.boxed(),
            list: Some(List {
                stream: {
                    fn stream($c: &Client) -> BoxStream<'_, Result<Value, Error>> {
                        $request.stream().map_ok(to_json).boxed()
                    }
                    stream
                },
                pages: {
                    fn pages($c: &Client) -> BoxStream<'_, Result<Value, Error>> {
                        $request.pages().map_ok(to_json).boxed()
                    }
                    pages
                },
            }),
            by_number: None,
        }
    };
}

/// The [`Calls`] of a lookup by number, `|c, number| c.get_proposal_by_number().number(number),
/// number = "CCB-2023-0042"`: `call()` and `send()` with that number, and the lookup itself for
/// any other number.
macro_rules! by_number {
    (|$c:ident, $n:ident| $request:expr, number = $number:literal) => {
        Calls {
            call: |$c| {
                async move {
                    let $n = $number;
                    $request.call().await.map(to_json)
                }
                .boxed()
            },
            send: |$c| {
                async move {
                    let $n = $number;
                    $request.send().await.map(answer)
                }
                .boxed()
            },
            list: None,
            by_number: Some(|$c, $n| async move { $request.call().await.map(to_json) }.boxed()),
        }
    };
}

/// The [`Calls`] of the hand-written upload: `call()`, also in the place of `send()`.
macro_rules! upload {
    (|$c:ident| $request:expr) => {
        Calls {
            call: |$c| async move { $request.call().await.map(to_json) }.boxed(),
            send: |$c| async move { upload_outcome($request.call().await) }.boxed(),
            list: None,
            by_number: None,
        }
    };
}

/// Every operation of the spec, in the spec's order.
// The legacy bridge is deprecated, and still part of the API to check.
#[allow(deprecated)]
pub static ALL: &[Op] = &[
    Op {
        id: "list_proposals",
        path: "/v1/proposals",
        query: &[("page", "2")],
        calls: list!(|c| c.list_proposals(), page = 2),
    },
    Op {
        id: "create_proposal",
        path: "/v1/proposals",
        query: &[],
        calls: request!(|c| c
            .create_proposal()
            .body(request_body::<types::NewProposalRequest>("create_proposal"))),
    },
    Op {
        id: "get_proposal",
        path: "/v1/proposals/5120",
        query: &[],
        calls: request!(|c| c.get_proposal().id(5120)),
    },
    Op {
        id: "get_proposal_by_number",
        path: "/v1/proposals/bynumber/CCB-2023-0042",
        query: &[],
        calls: by_number!(
            |c, number| c.get_proposal_by_number().number(number),
            number = "CCB-2023-0042"
        ),
    },
    Op {
        id: "list_signers",
        path: "/v1/signers",
        query: &[("page", "2")],
        calls: list!(|c| c.list_signers(), page = 2),
    },
    Op {
        id: "create_signer",
        path: "/v1/signers",
        query: &[],
        calls: request!(|c| c
            .create_signer()
            .body(request_body::<types::NewSignerRequest>("create_signer"))),
    },
    Op {
        id: "get_signer",
        path: "/v1/signers/209",
        query: &[],
        calls: request!(|c| c.get_signer().id(209)),
    },
    Op {
        id: "get_signer_by_key",
        path: "/v1/signers/bykey/2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10",
        query: &[],
        calls: request!(|c| c
            .get_signer_by_key()
            .key("2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10")),
    },
    Op {
        id: "list_document_signers",
        path: "/v1/documents/7781/signers",
        query: &[("page", "1")],
        calls: list!(|c| c.list_document_signers().document_id(7781), page = 1),
    },
    Op {
        id: "create_document_signer",
        path: "/v1/documents/7781/signers",
        query: &[],
        calls: request!(|c| c
            .create_document_signer()
            .document_id(7781)
            .body(request_body::<types::NewSignerRequest>(
                "create_document_signer"
            ))),
    },
    Op {
        id: "get_document_signer",
        path: "/v1/documents/7781/signers/209",
        query: &[],
        calls: request!(|c| c.get_document_signer().document_id(7781).id(209)),
    },
    Op {
        id: "get_document_signer_by_key",
        path: "/v1/documents/7781/signers/bykey/2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10",
        query: &[],
        calls: request!(|c| c
            .get_document_signer_by_key()
            .document_id(7781)
            .key("2b6e0f93-4d1a-4c87-b5e2-8f3a9c7d6e10")),
    },
    Op {
        id: "get_document_by_key",
        path: "/v1/documents/bykey/0c8e6a52-3b7d-4e19-a2f4-91d5b6c3e820",
        query: &[],
        calls: request!(|c| c
            .get_document_by_key()
            .key("0c8e6a52-3b7d-4e19-a2f4-91d5b6c3e820")),
    },
    Op {
        id: "list_bank_credit_notes",
        path: "/v1/bank_credit_notes",
        query: &[("number", "CCB-2023-0042"), ("page", "1")],
        calls: list!(
            |c| c.list_bank_credit_notes().number("CCB-2023-0042"),
            page = 1
        ),
    },
    Op {
        id: "create_bank_credit_note",
        path: "/v1/bank_credit_notes",
        query: &[],
        calls: upload!(|c| c
            .create_bank_credit_note()
            .file_bytes("ccb.pdf", b"%PDF-1.7 test".to_vec())
            .signed(true)
            .signature_provider("docusign")
            .number("CCB-2023-0107")
            .issuer_full_name("Caio Figueiredo Neves")
            .issuer_document("527.190.384-62")
            .installments(24)
            .document_data(&serde_json::json!({ "financed_amount": 30500.0 }))),
    },
    Op {
        id: "get_bank_credit_note",
        path: "/v1/bank_credit_notes/931",
        query: &[],
        calls: request!(|c| c.get_bank_credit_note().id(931)),
    },
    Op {
        id: "get_bank_credit_note_by_number",
        path: "/v1/bank_credit_notes/bynumber/CCB-2023-0042",
        query: &[],
        calls: by_number!(
            |c, number| c.get_bank_credit_note_by_number().number(number),
            number = "CCB-2023-0042"
        ),
    },
    Op {
        id: "list_arrangements",
        path: "/v1/arrangements",
        query: &[("page", "1")],
        calls: list!(|c| c.list_arrangements(), page = 1),
    },
    Op {
        id: "get_arrangement",
        path: "/v1/arrangements/15",
        query: &[],
        calls: request!(|c| c.get_arrangement().id(15)),
    },
    Op {
        id: "list_assignments",
        path: "/v1/assignments",
        query: &[],
        calls: request!(|c| c.list_assignments()),
    },
    Op {
        id: "create_assignment",
        path: "/v1/assignments",
        query: &[],
        calls: request!(|c| c.create_assignment().body(
            request_body::<types::NewAssignmentRequest>("create_assignment")
        )),
    },
    Op {
        id: "get_assignment",
        path: "/v1/assignments/61",
        query: &[],
        calls: request!(|c| c.get_assignment().id(61)),
    },
    Op {
        id: "get_assignment_by_number",
        path: "/v1/assignments/bynumber/TC-2023-061",
        query: &[],
        calls: by_number!(
            |c, number| c.get_assignment_by_number().number(number),
            number = "TC-2023-061"
        ),
    },
    Op {
        id: "list_batches",
        path: "/v1/batches",
        query: &[("page", "1")],
        calls: list!(|c| c.list_batches(), page = 1),
    },
    Op {
        id: "create_batch",
        path: "/v1/batches",
        query: &[],
        calls: request!(|c| c
            .create_batch()
            .body(request_body::<types::NewBatchRequest>("create_batch"))),
    },
    Op {
        id: "get_batch",
        path: "/v1/batches/402",
        query: &[],
        calls: request!(|c| c.get_batch().id(402)),
    },
    Op {
        id: "list_security_batches",
        path: "/v1/batches/402/security_batches",
        query: &[("page", "1")],
        calls: list!(|c| c.list_security_batches().batch_id(402), page = 1),
    },
    Op {
        id: "create_security_batch",
        path: "/v1/batches/402/security_batches",
        query: &[],
        calls: request!(
            |c| c.create_security_batch().batch_id(402).body(request_body::<
                types::NewSecurityBatchRequest,
            >("create_security_batch"))
        ),
    },
    Op {
        id: "get_security_batch",
        path: "/v1/batches/402/security_batches/1207",
        query: &[],
        calls: request!(|c| c.get_security_batch().batch_id(402).id(1207)),
    },
    Op {
        id: "list_duplicates",
        path: "/v1/duplicates",
        query: &[("number", "DM-2023-0310"), ("page", "1")],
        calls: list!(|c| c.list_duplicates().number("DM-2023-0310"), page = 1),
    },
    Op {
        id: "get_duplicate",
        path: "/v1/duplicates/350",
        query: &[],
        calls: request!(|c| c.get_duplicate().id(350)),
    },
    Op {
        id: "get_duplicate_by_number",
        path: "/v1/duplicates/bynumber/DM-2023-0310",
        query: &[],
        calls: by_number!(
            |c, number| c.get_duplicate_by_number().number(number),
            number = "DM-2023-0310"
        ),
    },
    Op {
        id: "list_duplicate_security_batches",
        path: "/v1/batches/415/duplicates/security_batches",
        query: &[("page", "1")],
        calls: list!(
            |c| c.list_duplicate_security_batches().batch_id(415),
            page = 1
        ),
    },
    Op {
        id: "create_duplicate_security_batch",
        path: "/v1/batches/415/duplicates/security_batches",
        query: &[],
        calls: request!(|c| c.create_duplicate_security_batch().batch_id(415).body(
            request_body::<types::NewDuplicateSecurityBatchRequest>(
                "create_duplicate_security_batch"
            )
        )),
    },
    Op {
        id: "get_duplicate_security_batch",
        path: "/v1/batches/415/duplicates/security_batches/1310",
        query: &[],
        calls: request!(|c| c.get_duplicate_security_batch().batch_id(415).id(1310)),
    },
    Op {
        id: "list_signer_links",
        path: "/v1/lists",
        query: &[("page", "1")],
        calls: list!(|c| c.list_signer_links(), page = 1),
    },
    Op {
        id: "link_signer",
        path: "/v1/lists",
        query: &[],
        calls: request!(|c| c
            .link_signer()
            .body(request_body::<types::NewSignerLinkRequest>("link_signer"))),
    },
    Op {
        id: "get_signer_link",
        path: "/v1/lists/877",
        query: &[],
        calls: request!(|c| c.get_signer_link().id(877)),
    },
    Op {
        id: "legacy_create_proposal",
        path: "/legacy/proposals",
        query: &[],
        calls: request!(|c| c.legacy_create_proposal().body(request_body::<
            types::LegacyProposalRequest,
        >("legacy_create_proposal"))),
    },
    Op {
        id: "legacy_get_security",
        path: "/legacy/securities/931",
        query: &[],
        calls: request!(|c| c.legacy_get_security().id(931)),
    },
    Op {
        id: "legacy_create_assignment",
        path: "/legacy/assignments",
        query: &[],
        calls: request!(|c| c.legacy_create_assignment().body(request_body::<
            types::LegacyNewAssignment,
        >(
            "legacy_create_assignment"
        ))),
    },
    Op {
        id: "legacy_get_assignment",
        path: "/legacy/assignments/58",
        query: &[],
        calls: request!(|c| c.legacy_get_assignment().id(58)),
    },
    Op {
        id: "legacy_cancel_assignment",
        path: "/legacy/assignments/58/cancel",
        query: &[],
        calls: request!(|c| c.legacy_cancel_assignment().id(58)),
    },
    Op {
        id: "legacy_create_signer",
        path: "/legacy/signers",
        query: &[],
        calls: request!(|c| c.legacy_create_signer().body(request_body::<
            types::LegacyNewSignerRequest,
        >("legacy_create_signer"))),
    },
    Op {
        id: "legacy_link_signer",
        path: "/legacy/signers/312/lists",
        query: &[],
        calls: request!(
            |c| c.legacy_link_signer().signer_id(312).body(request_body::<
                types::LegacyNewSignerLinkRequest,
            >("legacy_link_signer"))
        ),
    },
    Op {
        id: "legacy_execute_assignment",
        path: "/legacy/contracts",
        query: &[],
        calls: request!(|c| c.legacy_execute_assignment().body(request_body::<
            types::LegacyExecuteAssignment,
        >(
            "legacy_execute_assignment"
        ))),
    },
];
