//! Duplicatas in a batch (Duplicatas em Lote): `/v1/batches/{batch_id}/duplicates/security_batches`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;
use securities_api::types;

#[tokio::test]
async fn list_duplicate_security_batches() {
    check_operation(
        Expect {
            op: "list_duplicate_security_batches",
            method: "GET",
            path: "/v1/batches/415/duplicates/security_batches",
            query: &[("page", "1")],
            body: false,
        },
        |c| {
            async move {
                c.list_duplicate_security_batches()
                    .batch_id(415)
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
async fn get_duplicate_security_batch() {
    check_operation(
        Expect {
            op: "get_duplicate_security_batch",
            method: "GET",
            path: "/v1/batches/415/duplicates/security_batches/1310",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_duplicate_security_batch()
                    .batch_id(415)
                    .id(1310)
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
async fn create_duplicate_security_batch() {
    check_operation(
        Expect {
            op: "create_duplicate_security_batch",
            method: "POST",
            path: "/v1/batches/415/duplicates/security_batches",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                // The spec's request example, written as a caller would.
                let body = types::NewDuplicateSecurityBatchRequest {
                    security_batch: types::NewDuplicateSecurityBatch {
                        security_data: types::DuplicateSecurityData {
                            number: "DM-2023-0310".into(),
                            issuer_full_name: "Metalúrgica Vale do Aço Ltda.".into(),
                            issuer_document: "12345678000195".into(),
                            total_value: 18430.9,
                            invoice: "000451".into(),
                            extra: Default::default(),
                        },
                    },
                };
                c.create_duplicate_security_batch()
                    .batch_id(415)
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
