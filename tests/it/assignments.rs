//! Assignment terms (Termos de Cessão): `/v1/assignments`, the unwrapped, unpaginated resource.

use futures::FutureExt;
use securities_api::types;

use crate::common::{
    check_escaped_number, check_operation, check_operations, ops, to_json, AWKWARD_NUMBER,
};

check_operations!(
    list_assignments,
    create_assignment,
    get_assignment,
    get_assignment_by_number,
);

#[tokio::test]
async fn create_assignment_as_a_caller_writes_it() {
    check_operation(ops::get("create_assignment").expect(), |c| {
        async move {
            let body = types::NewAssignmentRequest {
                assignment: types::NewAssignment {
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
    })
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
