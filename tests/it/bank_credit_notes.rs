//! CCBs (Cédulas de Crédito Bancário): `/v1/bank_credit_notes` (`/v1/securities` until July
//! 2023). The multipart upload, `create_bank_credit_note`, has its own module: `upload`.

use futures::FutureExt;

use crate::common::{
    check_escaped_number, check_operation, check_operations, ops, to_json, Expect, AWKWARD_NUMBER,
};

check_operations!(
    list_bank_credit_notes,
    get_bank_credit_note,
    get_bank_credit_note_by_number,
);

#[tokio::test]
async fn list_bank_credit_notes_without_filters_sends_no_query() {
    check_operation(
        Expect {
            query: &[],
            ..ops::get("list_bank_credit_notes").expect()
        },
        |c| async move { c.list_bank_credit_notes().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn list_bank_credit_notes_encodes_the_number_filter() {
    check_operation(
        Expect {
            // The decoded query: the number arrives whole, `&` and `#` included.
            query: &[("number", "CCB 2023/0042#1&x=y")],
            ..ops::get("list_bank_credit_notes").expect()
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
