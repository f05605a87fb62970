//! Duplicatas in a batch (Duplicatas em Lote): `/v1/batches/{batch_id}/duplicates/security_batches`.

use futures::FutureExt;
use securities_api::types;

use crate::common::{check_operation, check_operations, ops, to_json};

check_operations!(
    list_duplicate_security_batches,
    create_duplicate_security_batch,
    get_duplicate_security_batch,
);

#[tokio::test]
async fn create_duplicate_security_batch_as_a_caller_writes_it() {
    check_operation(ops::get("create_duplicate_security_batch").expect(), |c| {
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
    })
    .await;
}
