//! The legacy bridge (API Legada): `/legacy/...`, deprecated but callable.

#![allow(deprecated)]

mod common;

use common::{check_operation, request_body, to_json, Expect};
use futures::FutureExt;
use securities_api::types;

#[tokio::test]
async fn legacy_create_proposal() {
    check_operation(
        Expect {
            op: "legacy_create_proposal",
            method: "POST",
            path: "/legacy/proposals",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body: types::LegacyProposalRequest = request_body("legacy_create_proposal");
                c.legacy_create_proposal()
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

#[tokio::test]
async fn legacy_get_security() {
    check_operation(
        Expect {
            op: "legacy_get_security",
            method: "GET",
            path: "/legacy/securities/931",
            query: &[],
            body: false,
        },
        |c| async move { c.legacy_get_security().id(931).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn legacy_get_assignment() {
    check_operation(
        Expect {
            op: "legacy_get_assignment",
            method: "GET",
            path: "/legacy/assignments/58",
            query: &[],
            body: false,
        },
        |c| async move { c.legacy_get_assignment().id(58).call().await.map(to_json) }.boxed(),
    )
    .await;
}

#[tokio::test]
async fn legacy_cancel_assignment() {
    check_operation(
        Expect {
            op: "legacy_cancel_assignment",
            method: "POST",
            path: "/legacy/assignments/58/cancel",
            query: &[],
            body: false,
        },
        |c| {
            async move {
                c.legacy_cancel_assignment()
                    .id(58)
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
async fn legacy_create_signer() {
    check_operation(
        Expect {
            op: "legacy_create_signer",
            method: "POST",
            path: "/legacy/signers",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body: types::LegacyNewSignerRequest = request_body("legacy_create_signer");
                c.legacy_create_signer()
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

#[tokio::test]
async fn legacy_link_signer() {
    check_operation(
        Expect {
            op: "legacy_link_signer",
            method: "POST",
            path: "/legacy/signers/312/lists",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body = types::LegacyNewSignerLinkRequest {
                    list: types::LegacyNewSignerLink {
                        document_id: 7785,
                        group: Some(1),
                        message: Some("Por favor, assine a CCB 43.".into()),
                        refusable: false,
                    },
                };
                c.legacy_link_signer()
                    .signer_id(312)
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

#[tokio::test]
async fn legacy_create_assignment() {
    check_operation(
        Expect {
            op: "legacy_create_assignment",
            method: "POST",
            path: "/legacy/assignments",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body: types::LegacyNewAssignment = request_body("legacy_create_assignment");
                c.legacy_create_assignment()
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

#[tokio::test]
async fn legacy_execute_assignment() {
    check_operation(
        Expect {
            op: "legacy_execute_assignment",
            method: "POST",
            path: "/legacy/contracts",
            query: &[],
            body: true,
        },
        |c| {
            async move {
                let body = types::LegacyExecuteAssignment {
                    process: "CS-2023-0311".into(),
                    contracts: vec![
                        types::LegacyContract {
                            number: "43".into(),
                            issuer_name: Some("Otávio Campos Reis".into()),
                            extra: Default::default(),
                        },
                        types::LegacyContract {
                            number: "44".into(),
                            issuer_name: Some("Lívia Moreira Santos".into()),
                            extra: Default::default(),
                        },
                    ],
                };
                c.legacy_execute_assignment()
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
