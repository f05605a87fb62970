//! Proposals (Propostas): `/v1/proposals`.

use futures::FutureExt;

use crate::common::{
    check_escaped_number, check_operation, check_operations, ops, to_json, Expect, AWKWARD_NUMBER,
};

check_operations!(
    list_proposals,
    create_proposal,
    get_proposal,
    get_proposal_by_number,
);

#[tokio::test]
async fn list_proposals_without_page_sends_no_query() {
    check_operation(
        Expect {
            query: &[],
            ..ops::get("list_proposals").expect()
        },
        |c| async move { c.list_proposals().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_proposal_by_number_escapes_the_number() {
    check_escaped_number("get_proposal_by_number", "/v1/proposals/bynumber", |c| {
        async move {
            c.get_proposal_by_number()
                .number(AWKWARD_NUMBER)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}
