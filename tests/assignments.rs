//! Assignment terms (Termos de Cessão): `/v1/assignments`, the unwrapped, unpaginated resource.

mod common;

use common::{check_operation, request_body, to_json, Expect};
use futures::FutureExt;

#[tokio::test]
async fn list_assignments() {
    check_operation(
        Expect {
            op: "list_assignments",
            method: "GET",
            path: "/v1/assignments",
            query: &[],
            body: false,
        },
        |c| async move { c.list_assignments().call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn get_assignment() {
    check_operation(
        Expect {
            op: "get_assignment",
            method: "GET",
            path: "/v1/assignments/61",
            query: &[],
            body: false,
        },
        |c| async move { c.get_assignment().id(61).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn create_assignment() {
    check_operation(
        Expect {
            op: "create_assignment",
            method: "POST",
            path: "/v1/assignments",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body: securities_api::types::NewAssignmentRequest =
                    request_body("create_assignment");
                c.create_assignment().body(body).call().await.map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
