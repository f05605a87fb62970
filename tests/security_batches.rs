//! CCBs in a batch (CCB em Lote): `/v1/batches/{batch_id}/security_batches`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;
use securities_api::types;

#[tokio::test]
async fn list_security_batches() {
    check_operation(
        Expect {
            op: "list_security_batches",
            method: "GET",
            path: "/v1/batches/402/security_batches",
            query: &[("page", "1")],
            body: false,
        },
        |c| {
            async move {
                c.list_security_batches()
                    .batch_id(402)
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
async fn get_security_batch() {
    check_operation(
        Expect {
            op: "get_security_batch",
            method: "GET",
            path: "/v1/batches/402/security_batches/1207",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_security_batch()
                    .batch_id(402)
                    .id(1207)
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
async fn create_security_batch() {
    check_operation(
        Expect {
            op: "create_security_batch",
            method: "POST",
            path: "/v1/batches/402/security_batches",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                // The spec's request example, written as a caller would.
                let body = types::NewSecurityBatchRequest {
                    security_batch: types::NewSecurityBatch {
                        security_data: types::SecurityData {
                            number: "CCB-2023-0042".into(),
                            assignor_name: Some("Crédito Serra Azul SCD S.A.".into()),
                            cession_value: Some("48250.75".into()),
                        },
                    },
                };
                c.create_security_batch()
                    .batch_id(402)
                    .body(body)
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
