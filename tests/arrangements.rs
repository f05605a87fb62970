//! Arrangements (Arranjos): `/v1/arrangements`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;

#[tokio::test]
async fn list_arrangements() {
    check_operation(
        Expect {
            op: "list_arrangements",
            method: "GET",
            path: "/v1/arrangements",
            query: &[("page", "3")],
            body: false,
        },
        |c| async move { c.list_arrangements().page(3).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_arrangement() {
    check_operation(
        Expect {
            op: "get_arrangement",
            method: "GET",
            path: "/v1/arrangements/14",
            query: &[],
            body: false,
        },
        |c| async move { c.get_arrangement().id(14).call().await.map(to_json) }.boxed(),
    )
    .await;
}
