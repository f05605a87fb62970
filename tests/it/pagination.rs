//! `pages()` and `stream()` of the list operations, against a local server that serves pages:
//! how a stream follows pages (with `list_proposals`), then every paginated list of `ops::ALL`.

use futures::{StreamExt, TryStreamExt};
use securities_api::{pagination::PAGINATED_OPERATIONS, ErrorKind, OPERATIONS};
use serde_json::{json, Value};
use wiremock::{
    matchers::{method, path, query_param, query_param_is_missing},
    Mock, MockServer, ResponseTemplate,
};

use crate::common::{client, ops, same_json, strict_server, success_example};

/// A page of proposals with the given ids, saying it is page `current` and pointing at `next`.
fn proposals_page(ids: &[i64], current: i64, next: Option<i64>) -> Value {
    json!({
        "proposals": ids.iter().map(|id| json!({"id": id, "number": format!("CCB-{id}")})).collect::<Vec<_>>(),
        "page_infos": {
            "total_pages": 3,
            "current_page": current,
            "next_page": next,
            "prev_page": if current > 1 { Some(current - 1) } else { None },
            "first_page?": current == 1,
            "last_page?": next.is_none(),
        }
    })
}

/// Serves `body` for `GET /v1/proposals`, with `page=<page>` or without `page` when `None`,
/// expecting exactly `times` such requests.
async fn serve_page(server: &MockServer, page: Option<&str>, body: Value, times: u64) {
    let mock = Mock::given(method("GET")).and(path("/v1/proposals"));
    let mock = match page {
        Some(page) => mock.and(query_param("page", page)),
        None => mock.and(query_param_is_missing("page")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn three_pages_in_order_one_request_each() {
    let server = strict_server().await;
    serve_page(&server, None, proposals_page(&[1, 2], 1, Some(2)), 1).await;
    serve_page(&server, Some("2"), proposals_page(&[3], 2, Some(3)), 1).await;
    serve_page(&server, Some("3"), proposals_page(&[4, 5], 3, None), 1).await;
    let client = client(&server, "");

    let ids: Vec<i64> = client
        .list_proposals()
        .stream()
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(3));

    let pages: Vec<_> = client
        .list_proposals()
        .pages()
        .try_collect()
        .await
        .expect("every page");
    let numbers: Vec<_> = pages.iter().map(|p| p.page_infos.current_page).collect();
    assert_eq!(numbers, [Some(1), Some(2), Some(3)]);
    server.reset().await;
}

#[tokio::test]
async fn lazily_one_request_per_page() {
    let server = strict_server().await;
    serve_page(&server, None, proposals_page(&[1, 2], 1, Some(2)), 1).await;
    serve_page(&server, Some("2"), proposals_page(&[3], 2, None), 1).await;
    let client = client(&server, "");

    let mut stream = client.list_proposals().stream();
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
    let first = stream.next().await.expect("an item").expect("no error");
    assert_eq!(first.id, 1);
    let second = stream.next().await.expect("an item").expect("no error");
    assert_eq!(second.id, 2);
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(1),
        "the second page is only fetched when the first is used up"
    );
    let third = stream.next().await.expect("an item").expect("no error");
    assert_eq!(third.id, 3);
    assert!(stream.next().await.is_none());
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
}

#[tokio::test]
async fn an_empty_first_page_is_an_empty_stream() {
    let server = strict_server().await;
    serve_page(&server, None, proposals_page(&[], 1, None), 1).await;
    let client = client(&server, "");
    let items: Vec<_> = client
        .list_proposals()
        .stream()
        .try_collect()
        .await
        .expect("no error");
    assert!(items.is_empty());
}

#[tokio::test]
async fn an_error_on_page_two_ends_the_stream_with_it() {
    let server = strict_server().await;
    // Two runs below: each asks for both pages once.
    serve_page(&server, None, proposals_page(&[1, 2], 1, Some(2)), 2).await;
    Mock::given(method("GET"))
        .and(path("/v1/proposals"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": "maintenance"})))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server, "");

    let results: Vec<_> = client.list_proposals().stream().collect().await;
    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    assert_eq!(results[0].as_ref().map(|p| p.id).ok(), Some(1));
    assert_eq!(results[1].as_ref().map(|p| p.id).ok(), Some(2));
    match &results[2] {
        Err(e) => {
            assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
            assert_eq!(e.operation(), "list_proposals");
        }
        other => panic!("expected the 503, got {other:?}"),
    }

    // try_collect stops at the same error.
    let collected: Result<Vec<_>, _> = client.list_proposals().stream().try_collect().await;
    assert!(matches!(collected, Err(e) if e.status().map(|s| s.as_u16()) == Some(503)));
}

#[tokio::test]
async fn a_next_page_that_points_back_ends_with_an_error() {
    let server = strict_server().await;
    serve_page(&server, None, proposals_page(&[1], 1, Some(2)), 1).await;
    // Page 2 points back at page 1: following it would loop forever.
    serve_page(&server, Some("2"), proposals_page(&[2], 2, Some(1)), 1).await;
    let client = client(&server, "");

    let results: Vec<_> = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        client.list_proposals().stream().collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[1].as_ref().map(|p| p.id).ok(), Some(2));
    match &results[2] {
        Err(e) if e.kind() == ErrorKind::Pagination => {
            assert!(e.to_string().contains("next page is 1"), "{e}")
        }
        other => panic!("expected the loop to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_next_page_that_repeats_itself_ends_with_an_error() {
    let server = strict_server().await;
    serve_page(&server, None, proposals_page(&[1], 1, Some(2)), 1).await;
    serve_page(&server, Some("2"), proposals_page(&[2], 2, Some(2)), 1).await;
    let client = client(&server, "");
    let results: Vec<_> = client.list_proposals().stream().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(matches!(&results[2], Err(e) if e.kind() == ErrorKind::Pagination));
}

#[tokio::test]
async fn starts_at_the_page_set_and_keeps_the_filters_under_a_path_prefix() {
    let server = strict_server().await;
    let page = |id: i64, current: i64, next: Option<i64>| {
        json!({
            "bank_credit_notes": [{"id": id, "number": "CCB-2023-0042"}],
            "page_infos": {"current_page": current, "next_page": next},
        })
    };
    for (asked, body) in [("4", page(40, 4, Some(5))), ("5", page(50, 5, None))] {
        Mock::given(method("GET"))
            .and(path("/gateway/v1/bank_credit_notes"))
            .and(query_param("page", asked))
            .and(query_param("number", "CCB-2023-0042"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server, "/gateway");
    let ids: Vec<i64> = client
        .list_bank_credit_notes()
        .number("CCB-2023-0042")
        .page(4)
        .stream()
        .map_ok(|s| s.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, [40, 50]);
}

#[tokio::test]
async fn the_duplicates_filter_follows_every_page() {
    let server = strict_server().await;
    let page = |id: i64, current: i64, next: Option<i64>| {
        json!({
            "duplicates": [{"id": id, "number": "DM-2023-0310"}],
            "page_infos": {"current_page": current, "next_page": next},
        })
    };
    Mock::given(method("GET"))
        .and(path("/v1/duplicates"))
        .and(query_param_is_missing("page"))
        .and(query_param("number", "DM-2023-0310"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(350, 1, Some(2))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/duplicates"))
        .and(query_param("page", "2"))
        .and(query_param("number", "DM-2023-0310"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(351, 2, None)))
        .expect(1)
        .mount(&server)
        .await;
    let numbers: Vec<(i64, Option<String>)> = client(&server, "")
        .list_duplicates()
        .number("DM-2023-0310")
        .stream()
        .map_ok(|d| (d.id, d.number))
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(
        numbers,
        [
            (350, Some("DM-2023-0310".to_string())),
            (351, Some("DM-2023-0310".to_string()))
        ]
    );
}

#[tokio::test]
async fn every_operation_with_page_is_paginated() {
    let with_page: Vec<&str> = OPERATIONS
        .iter()
        .filter(|op| op.paginated)
        .map(|op| op.id)
        .collect();
    assert_eq!(with_page, PAGINATED_OPERATIONS);
    assert!(!with_page.is_empty(), "the spec has paginated lists");
    // And they are exactly the lists whose answer has `page_infos` (and, in `spec`, those
    // that take the `page` parameter): the spec says which, not a list here.
    for op in OPERATIONS {
        let (_, example) = success_example(op.id);
        assert_eq!(
            example.get("page_infos").is_some(),
            PAGINATED_OPERATIONS.contains(&op.id),
            "{}",
            op.id
        );
    }
}

/// Every paginated list of `ops::ALL` (its request without the page) follows `next_page`
/// from the spec's own example page, through `stream()` and through `pages()`, keeping its
/// filters on every page.
#[tokio::test]
async fn every_paginated_list_follows_its_spec_example() {
    let server = strict_server().await;
    let client = client(&server, "");
    let lists: Vec<&ops::Op> = ops::ALL
        .iter()
        .filter(|op| op.calls.list.is_some())
        .collect();
    let listed: Vec<&str> = lists.iter().map(|op| op.id).collect();
    assert_eq!(listed, PAGINATED_OPERATIONS);

    for op in lists {
        let id = op.id;
        let (_, example) = success_example(id);
        let infos = &example["page_infos"];
        let items_key = example
            .as_object()
            .and_then(|o| o.keys().find(|k| *k != "page_infos"))
            .expect("an items key")
            .clone();
        let per_page = example[&items_key].as_array().map_or(0, Vec::len);
        assert!(per_page > 0, "{id}: the example page has items");
        // The example page, then (if it points to one) its next page as the last one.
        let mut last = example.clone();
        last["page_infos"]["current_page"] = infos["next_page"].clone();
        last["page_infos"]["next_page"] = Value::Null;
        // The request of `ops`, with its filters (and without its page) on every page.
        let filters: Vec<_> = op.query.iter().filter(|(k, _)| *k != "page").collect();
        let page = |page: Option<String>, body: &Value| {
            let mock = Mock::given(method("GET")).and(path(op.path));
            let mock = match page {
                Some(page) => mock.and(query_param("page", page)),
                None => mock.and(query_param_is_missing("page")),
            };
            let mock = filters
                .iter()
                .fold(mock, |mock, (k, v)| mock.and(query_param(*k, *v)));
            mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
                .expect(1)
        };
        let pages = || match infos["next_page"].as_i64() {
            Some(next) => vec![page(None, &example), page(Some(next.to_string()), &last)],
            None => vec![page(None, &example)],
        };
        let count = pages().len();

        server.reset().await;
        for mock in pages() {
            mock.mount(&server).await;
        }
        let items: Vec<Value> = (op.list().stream)(&client)
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{id} stream(): {e:?}"));
        assert_eq!(items.len(), per_page * count, "{id}");
        same_json(&example[&items_key][0], &items[0])
            .unwrap_or_else(|d| panic!("{id}: the first item: {d}"));
        server.verify().await;

        server.reset().await;
        for mock in pages() {
            mock.mount(&server).await;
        }
        let answers: Vec<Value> = (op.list().pages)(&client)
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{id} pages(): {e:?}"));
        assert_eq!(answers.len(), count, "{id}");
        assert_eq!(
            answers[0]["page_infos"]["current_page"], infos["current_page"],
            "{id}"
        );
        server.verify().await;
    }
}
