//! CCBs (Cédulas de Crédito Bancário): `/v1/bank_credit_notes` (`/v1/securities` until July
//! 2023). The multipart upload, `create_bank_credit_note`, has its own file: tests/upload.rs.

mod common;

use common::{check_escaped_number, check_operation, to_json, Expect, AWKWARD_NUMBER};
use futures::FutureExt;

#[tokio::test]
async fn list_bank_credit_notes() {
    check_operation(
        Expect {
            op: "list_bank_credit_notes",
            method: "GET",
            path: "/v1/bank_credit_notes",
            query: &[("number", "CCB-2023-0042"), ("page", "1")],
            body: false,
        },
        |c| {
            async move {
                c.list_bank_credit_notes()
                    .number("CCB-2023-0042")
                    .page(1)
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn list_bank_credit_notes_without_filters_sends_no_query() {
    check_operation(
        Expect {
            op: "list_bank_credit_notes",
            method: "GET",
            path: "/v1/bank_credit_notes",
            query: &[],
            body: false,
        },
        |c| async move { c.list_bank_credit_notes().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn list_bank_credit_notes_encodes_the_number_filter() {
    check_operation(
        Expect {
            op: "list_bank_credit_notes",
            method: "GET",
            path: "/v1/bank_credit_notes",
            // The decoded query: the number arrives whole, `&` and `#` included.
            query: &[("number", "CCB 2023/0042#1&x=y")],
            body: false,
        },
        |c| {
            async move {
                c.list_bank_credit_notes()
                    .number("CCB 2023/0042#1&x=y")
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn get_bank_credit_note() {
    check_operation(
        Expect {
            op: "get_bank_credit_note",
            method: "GET",
            path: "/v1/bank_credit_notes/931",
            query: &[],
            body: false,
        },
        |c| async move { c.get_bank_credit_note().id(931).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_bank_credit_note_by_number() {
    check_operation(
        Expect {
            op: "get_bank_credit_note_by_number",
            method: "GET",
            path: "/v1/bank_credit_notes/bynumber/CCB-2023-0042",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_bank_credit_note_by_number()
                    .number("CCB-2023-0042")
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn get_bank_credit_note_by_number_escapes_the_number() {
    check_escaped_number(
        "get_bank_credit_note_by_number",
        "/v1/bank_credit_notes/bynumber",
        |c| {
            async move {
                c.get_bank_credit_note_by_number()
                    .number(AWKWARD_NUMBER)
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
