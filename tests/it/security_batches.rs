//! CCBs in a batch (CCB em Lote): `/v1/batches/{batch_id}/security_batches`.

use futures::FutureExt;
use securities_api::types;
use serde_json::json;
use wiremock::{
    matchers::{body_json, method, path},
    Mock, ResponseTemplate,
};

use crate::common::{check_operation, check_operations, client, ops, strict_server, to_json};

check_operations!(
    list_security_batches,
    create_security_batch,
    get_security_batch,
);

#[tokio::test]
async fn create_security_batch_as_a_caller_writes_it() {
    check_operation(ops::get("create_security_batch").expect(), |c| {
        async move {
            // The spec's request example, written as a caller would.
            let body = types::NewSecurityBatchRequest {
                security_batch: types::NewSecurityBatch {
                    security_data: types::SecurityData {
                        number: "CCB-2023-0042".into(),
                        assignor_name: Some("Crédito Serra Azul SCD S.A.".into()),
                        cession_value: Some("48250.75".into()),
                        extra: Default::default(),
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
    })
    .await;
}

/// `security_data` accepts any key besides those the manual names: a key of the parties'
/// template is sent as it is, and one the server adds comes back in `extra`.
#[tokio::test]
async fn security_data_keeps_keys_the_spec_does_not_name() {
    let server = strict_server().await;
    let sent = json!({
        "security_batch": {
            "security_data": {
                "number": "CCB-2023-0042",
                "contract_date": "02/10/2023",
                "rate": 1.89
            }
        }
    });
    Mock::given(method("POST"))
        .and(path("/v1/batches/402/security_batches"))
        .and(body_json(&sent))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "security_batch": { "id": 1204, "security_id": 931, "batch_id": 402 }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let body: types::NewSecurityBatchRequest =
        serde_json::from_value(sent.clone()).expect("the body fits the type");
    let data = &body.security_batch.security_data;
    assert_eq!(data.number, "CCB-2023-0042");
    assert_eq!(data.extra.get("contract_date"), Some(&json!("02/10/2023")));
    assert_eq!(data.extra.get("rate"), Some(&json!(1.89)));
    let placed = client(&server, "")
        .create_security_batch()
        .batch_id(402)
        .body(body)
        .call()
        .await
        .expect("the request matches, extra keys included");
    assert_eq!(placed.security_batch.id, 1204);
}
