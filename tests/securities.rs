//! CCBs (Cédulas de Crédito Bancário): `/v1/securities`.

mod common;

use common::{check_operation, to_json, Expect};
use futures::FutureExt;

#[tokio::test]
async fn list_securities() {
    check_operation(
        Expect {
            op: "list_securities",
            method: "GET",
            path: "/v1/securities",
            query: &[("number", "CCB-2022-0042"), ("page", "1")],
            body: false,
        },
        |c| {
            async move {
                c.list_securities()
                    .number("CCB-2022-0042")
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
async fn get_security() {
    check_operation(
        Expect {
            op: "get_security",
            method: "GET",
            path: "/v1/securities/931",
            query: &[],
            body: false,
        },
        |c| async move { c.get_security().id(931).call().await.map(to_json) }.boxed(),
    )
    .await;
}
