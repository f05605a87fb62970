//! Proposals (Propostas): `/v1/proposals`.

mod common;

use common::{
    check_escaped_number, check_operation, request_body, to_json, Expect, AWKWARD_NUMBER,
};
use futures::FutureExt;

#[tokio::test]
async fn list_proposals() {
    check_operation(
        Expect {
            op: "list_proposals",
            method: "GET",
            path: "/v1/proposals",
            query: &[("page", "2")],
            body: false,
        },
        |c| async move { c.list_proposals().page(2).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn list_proposals_without_page_sends_no_query() {
    check_operation(
        Expect {
            op: "list_proposals",
            method: "GET",
            path: "/v1/proposals",
            query: &[],
            body: false,
        },
        |c| async move { c.list_proposals().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_proposal() {
    check_operation(
        Expect {
            op: "get_proposal",
            method: "GET",
            path: "/v1/proposals/5120",
            query: &[],
            body: false,
        },
        |c| async move { c.get_proposal().id(5120).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn create_proposal() {
    check_operation(
        Expect {
            op: "create_proposal",
            method: "POST",
            path: "/v1/proposals",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body: securities_api::types::NewProposalRequest =
                    request_body("create_proposal");
                c.create_proposal().body(body).call().await.map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn get_proposal_by_number() {
    check_operation(
        Expect {
            op: "get_proposal_by_number",
            method: "GET",
            path: "/v1/proposals/bynumber/CCB-2023-0042",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_proposal_by_number()
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
