//! Batches (Lotes): `/v1/batches`.

use futures::FutureExt;
use securities_api::types;

use crate::common::{check_operation, check_operations, ops, to_json};

check_operations!(list_batches, create_batch, get_batch);

#[tokio::test]
async fn create_batch_as_a_caller_writes_it() {
    check_operation(ops::get("create_batch").expect(), |c| {
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
    })
    .await;
}
