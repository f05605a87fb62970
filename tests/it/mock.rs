//! The typed httpmock helpers of the `mock` feature, driven through the client.

use crate::common::{request_body, success_example, TOKEN};
use httpmock::MockServer;
use securities_api::{
    mock::{HandwrittenMockExt, MockServerExt, Prefixed},
    types, ApiError, Client,
};

fn client(base_url: String) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(base_url)
        .build()
        .expect("client")
}

/// The spec's success example of `op`, as the client's type for it.
fn example<T: serde::de::DeserializeOwned>(op: &str) -> T {
    serde_json::from_value(success_example(op).1).expect("the example fits the type")
}

#[tokio::test]
async fn a_typed_mock_answers_the_matching_call_only() {
    let server = MockServer::start_async().await;
    let envelope: types::ProposalEnvelope = example("get_proposal");
    let id = envelope.proposal.id;
    let found = server.get_proposal(|when, then| {
        when.id(id);
        then.ok(&envelope);
    });
    let client = client(server.base_url());

    let proposal = client
        .get_proposal()
        .id(id)
        .send()
        .await
        .expect("the mock answers")
        .into_inner()
        .proposal;
    assert_eq!(proposal.id, id);
    assert_eq!(proposal.number, envelope.proposal.number);
    found.assert();

    // Another id is not this mock's business.
    let other = client.get_proposal().id(id + 1).send().await;
    assert!(other.is_err());
    assert_eq!(found.calls(), 1);
}

#[tokio::test]
async fn query_body_and_error_responses_are_typed() {
    let server = MockServer::start_async().await;
    let page: types::BatchList = example("list_batches");
    let second_page = server.list_batches(|when, then| {
        when.page(2);
        then.ok(&page);
    });
    let request: types::NewBatchRequest = request_body("create_batch");
    let error: types::ApiError =
        serde_json::from_value(crate::common::error_example("UnprocessableEntity"))
            .expect("ApiError");
    let rejected = server.create_batch(|when, then| {
        when.body(&request);
        then.unprocessable_entity(&error);
    });
    let client = client(server.base_url());

    let answer = client.list_batches().page(2).send().await.expect("page 2");
    assert_eq!(answer.batches.len(), page.batches.len());
    second_page.assert();

    match client.create_batch().body(request.clone()).call().await {
        Err(e) => {
            assert!(e.is_validation(), "{e}");
            assert_eq!(
                e.body().map(|b| b.to_json()),
                serde_json::to_value(&error).ok()
            );
        }
        Ok(other) => panic!("expected the mocked 422, got {other:?}"),
    }
    rejected.assert();
}

// On the multi-threaded runtime too: the helpers are synchronous, as httpmock's `mock` is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefixed_mocks_match_under_the_prefix_exactly() {
    let server = MockServer::start_async().await;
    let gateway = Prefixed::new(&server, "/gateway/securities/");
    assert_eq!(gateway.prefix(), "/gateway/securities");
    let envelope: types::BatchEnvelope = example("get_batch");
    let id = envelope.batch.id;
    let prefixed = gateway.get_batch(|when, then| {
        when.id(id);
        then.ok(&envelope);
    });
    let page: types::SecurityBatchList = example("list_security_batches");
    let nested = gateway.list_security_batches(|when, then| {
        when.batch_id(id);
        then.ok(&page);
    });

    let through_gateway = client(gateway.base_url());
    let batch = through_gateway
        .get_batch()
        .id(id)
        .send()
        .await
        .expect("the prefixed mock answers")
        .into_inner()
        .batch;
    assert_eq!(batch.id, id);
    let listed = through_gateway
        .list_security_batches()
        .batch_id(id)
        .send()
        .await
        .expect("the prefixed mock answers");
    assert_eq!(listed.security_batches.len(), page.security_batches.len());
    prefixed.assert();
    nested.assert();

    // Without the prefix, or under another one, nothing matches.
    for base in [server.base_url(), server.url("/other/securities")] {
        let answer = client(base).get_batch().id(id).send().await;
        assert!(answer.is_err(), "{answer:?}");
    }
    assert_eq!(prefixed.calls(), 1);

    // And the unprefixed helpers do not match a prefixed path.
    let plain = server.get_batch(|when, then| {
        when.id(id);
        then.ok(&envelope);
    });
    let answer = client(server.url("/elsewhere"))
        .get_batch()
        .id(id)
        .send()
        .await;
    assert!(answer.is_err());
    assert_eq!(plain.calls(), 0);
}

/// A PDF's bytes, with a marker the mocks can look for.
const PDF: &[u8] = b"%PDF-1.7 signed-ccb-marker-0107 %%EOF";

#[tokio::test]
async fn the_upload_mock_matches_the_parts_and_the_file() {
    let server = MockServer::start_async().await;
    let created: types::BankCreditNoteEnvelope = example("create_bank_credit_note");
    let number = created
        .bank_credit_note
        .number
        .clone()
        .expect("the example has a number");
    let upload = server.create_bank_credit_note(|when, then| {
        when.part("number", &number)
            .part("signature_provider", "docusign")
            .part("installments", "24")
            .part("signed", "true")
            .file_name("signed.pdf")
            .body_includes("signed-ccb-marker-0107");
        then.created(&created);
    });
    let client = client(server.base_url());
    let upload_with = |number: &str| {
        client
            .create_bank_credit_note()
            .file_bytes("signed.pdf", PDF.to_vec())
            .number(number.to_string())
            .signature_provider("docusign")
            .installments(24)
            .signed(true)
    };

    let ccb = upload_with(&number)
        .call()
        .await
        .expect("the mock answers")
        .bank_credit_note;
    assert_eq!(ccb.id, created.bank_credit_note.id);
    assert_eq!(ccb.number, created.bank_credit_note.number);
    upload.assert();

    // Another number is not this mock's business.
    let other = upload_with("CCB-2023-9999").call().await;
    assert!(other.is_err(), "{other:?}");
    assert_eq!(upload.calls(), 1);
}

#[tokio::test]
async fn the_upload_mock_answers_the_api_errors() {
    let server = MockServer::start_async().await;
    let error: ApiError =
        serde_json::from_value(crate::common::error_example("UnprocessableEntity"))
            .expect("the example is an ApiError");
    let rejected = server.create_bank_credit_note(|when, then| {
        when.file_name("signed.pdf");
        then.error(422, &error);
    });
    let answer = client(server.base_url())
        .create_bank_credit_note()
        .file_bytes("signed.pdf", PDF.to_vec())
        .call()
        .await;
    match answer {
        Err(e) => {
            assert!(e.is_validation(), "{e}");
            assert_eq!(e.operation(), "create_bank_credit_note");
            assert_eq!(e.body().map(ApiError::to_json), Some(error.to_json()));
        }
        Ok(other) => panic!("expected the mocked 422, got {other:?}"),
    }
    rejected.assert();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_mock_matches_under_the_prefix_exactly() {
    let server = MockServer::start_async().await;
    let gateway = Prefixed::new(&server, "gateway/securities/");
    let created: types::BankCreditNoteEnvelope = example("create_bank_credit_note");
    let upload = gateway.create_bank_credit_note(|when, then| {
        when.file_name("signed.pdf")
            .body_includes("signed-ccb-marker-0107");
        then.created(&created);
    });
    let send = |base: String| async move {
        client(base)
            .create_bank_credit_note()
            .file_bytes("signed.pdf", PDF.to_vec())
            .call()
            .await
    };

    let ccb = send(gateway.base_url())
        .await
        .expect("the prefixed mock answers")
        .bank_credit_note;
    assert_eq!(ccb.id, created.bank_credit_note.id);
    upload.assert();

    // Without the prefix, or under another one, nothing matches.
    for base in [server.base_url(), server.url("/other/securities")] {
        let answer = send(base).await;
        assert!(answer.is_err(), "{answer:?}");
    }
    assert_eq!(upload.calls(), 1);

    // And the unprefixed mock does not match a prefixed path.
    let plain = server.create_bank_credit_note(|when, then| {
        when.file_name("signed.pdf");
        then.created(&created);
    });
    assert!(send(server.url("/elsewhere")).await.is_err());
    assert_eq!(plain.calls(), 0);
    assert!(send(server.base_url()).await.is_ok());
    plain.assert();
}
