//! The legacy bridge (API Legada): `/legacy/...`, deprecated but callable.

#![allow(deprecated)]

use futures::FutureExt;
use securities_api::types;

use crate::common::{check_operation, check_operations, ops, to_json};

check_operations!(
    legacy_create_proposal,
    legacy_get_security,
    legacy_create_assignment,
    legacy_get_assignment,
    legacy_cancel_assignment,
    legacy_create_signer,
    legacy_link_signer,
    legacy_execute_assignment,
);

#[tokio::test]
async fn legacy_link_signer_as_a_caller_writes_it() {
    check_operation(ops::get("legacy_link_signer").expect(), |c| {
        async move {
            let body = types::LegacyNewSignerLinkRequest {
                list: types::LegacyNewSignerLink {
                    document_id: 7785,
                    group: std::num::NonZeroU32::new(1),
                    message: Some("Por favor, assine a CCB 43.".into()),
                    sequence_enabled: None,
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
    })
    .await;
}

#[tokio::test]
async fn legacy_execute_assignment_as_a_caller_writes_it() {
    check_operation(ops::get("legacy_execute_assignment").expect(), |c| {
        async move {
            let body = types::LegacyExecuteAssignment {
                process: "58".into(),
                contracts: vec![
                    types::LegacyContract {
                        number: Some("43".into()),
                        issuer_name: Some("Otávio Campos Reis".into()),
                        extra: Default::default(),
                    },
                    types::LegacyContract {
                        number: Some("44".into()),
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
    })
    .await;
}
