//! Batches (Lotes): `/v1/batches`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;
use securities_api::types;

#[tokio::test]
async fn list_batches() {
    check_operation(
        Expect {
            op: "list_batches",
            method: "GET",
            path: "/v1/batches",
            query: &[("page", "1")],
            body: false,
        },
        |c| async move { c.list_batches().page(1).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_batch() {
    check_operation(
        Expect {
            op: "get_batch",
            method: "GET",
            path: "/v1/batches/402",
            query: &[],
            body: false,
        },
        |c| async move { c.get_batch().id(402).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn create_batch() {
    check_operation(
        Expect {
            op: "create_batch",
            method: "POST",
            path: "/v1/batches",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body = types::NewBatchRequest {
                    batch: types::NewBatch {
                        number: "L-2023-118".into(),
                        quantity: 2,
                    },
                };
                c.create_batch().body(body).call().await.map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
