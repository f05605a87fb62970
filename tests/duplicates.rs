//! Duplicatas (trade bills): `/v1/duplicates`.

mod common;

use common::{check_escaped_number, check_operation, to_json, Expect, AWKWARD_NUMBER};
use futures::FutureExt;

#[tokio::test]
async fn list_duplicates() {
    check_operation(
        Expect {
            op: "list_duplicates",
            method: "GET",
            path: "/v1/duplicates",
            query: &[("number", "DM-2023-0310"), ("page", "2")],
            body: false,
        },
        |c| {
            async move {
                c.list_duplicates()
                    .number("DM-2023-0310")
                    .page(2)
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
async fn list_duplicates_without_filters_sends_no_query() {
    check_operation(
        Expect {
            op: "list_duplicates",
            method: "GET",
            path: "/v1/duplicates",
            query: &[],
            body: false,
        },
        |c| async move { c.list_duplicates().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_duplicate() {
    check_operation(
        Expect {
            op: "get_duplicate",
            method: "GET",
            path: "/v1/duplicates/350",
            query: &[],
            body: false,
        },
        |c| async move { c.get_duplicate().id(350).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_duplicate_by_number() {
    check_operation(
        Expect {
            op: "get_duplicate_by_number",
            method: "GET",
            path: "/v1/duplicates/bynumber/DM-2023-0310",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_duplicate_by_number()
                    .number("DM-2023-0310")
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
async fn get_duplicate_by_number_escapes_the_number() {
    check_escaped_number("get_duplicate_by_number", "/v1/duplicates/bynumber", |c| {
        async move {
            c.get_duplicate_by_number()
                .number(AWKWARD_NUMBER)
                .call()
                .await
                .map(to_json)
        }
        .boxed()
    })
    .await;
}
