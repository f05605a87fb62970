//! Duplicatas (trade bills): `/v1/duplicates`.

use futures::FutureExt;

use crate::common::{
    check_escaped_number, check_operation, check_operations, ops, to_json, Expect, AWKWARD_NUMBER,
};

check_operations!(list_duplicates, get_duplicate, get_duplicate_by_number);

#[tokio::test]
async fn list_duplicates_without_filters_sends_no_query() {
    check_operation(
        Expect {
            query: &[],
            ..ops::get("list_duplicates").expect()
        },
        |c| async move { c.list_duplicates().call().await.map(to_json) }.boxed(),
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
