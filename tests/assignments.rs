//! Assignment terms (Termos de Cessão): `/v1/assignments`, the unwrapped, unpaginated resource.

mod common;

use common::{
    check_escaped_number, check_operation, request_body, to_json, Expect, AWKWARD_NUMBER,
};
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

#[tokio::test]
async fn create_assignment_as_a_caller_writes_it() {
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
                let body = securities_api::types::NewAssignmentRequest {
                    assignment: securities_api::types::NewAssignment {
                        arrangement_id: 15,
                        number: "TC-2023-061".into(),
                        issue_date: chrono::NaiveDate::from_ymd_opt(2023, 10, 2).expect("date"),
                        full_amount: 96500.5,
                        batch_id: 402,
                    },
                };
                c.create_assignment().body(body).call().await.map(to_json)
            }
            .boxed()
        },
    )
    .await;
}

#[tokio::test]
async fn get_assignment_by_number() {
    check_operation(
        Expect {
            op: "get_assignment_by_number",
            method: "GET",
            path: "/v1/assignments/bynumber/TC-2023-061",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.get_assignment_by_number()
                    .number("TC-2023-061")
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
async fn get_assignment_by_number_escapes_the_number() {
    check_escaped_number(
        "get_assignment_by_number",
        "/v1/assignments/bynumber",
        |c| {
            async move {
                c.get_assignment_by_number()
                    .number(AWKWARD_NUMBER)
                    .call()
                    .await
                    .map(to_json)
            }
            .boxed()
        },
    )
    .await;
}
