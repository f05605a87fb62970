//! The client covers exactly the operations of the manual (as `ops::ALL` lists them: method,
//! path, success status), as the spec declares them.

use serde_json::Value;

use crate::common::{self, ops};

/// The operations the spec declares: operationId, method, path and success status.
fn specified() -> Vec<(String, String, String, u16)> {
    let mut operations = Vec::new();
    for (path, item) in common::spec()["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let successes: Vec<u16> = op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .filter(|status| status.starts_with('2'))
                .map(|status| status.parse().expect("numeric status"))
                .collect();
            assert_eq!(successes.len(), 1, "{id}: one success status");
            operations.push((
                id.to_string(),
                method.to_uppercase(),
                path.clone(),
                successes[0],
            ));
        }
    }
    operations
}

/// The manual's operations: operationId, method, path and success status.
fn manual() -> Vec<(&'static str, &'static str, &'static str, u16)> {
    ops::ALL
        .iter()
        .map(|op| (op.id, op.method, op.template, op.status))
        .collect()
}

#[test]
fn the_spec_has_exactly_the_operations_of_the_manual() {
    let mut spec = specified();
    let mut manual: Vec<(String, String, String, u16)> = manual()
        .into_iter()
        .map(|(id, method, path, status)| (id.into(), method.into(), path.into(), status))
        .collect();
    assert_eq!(spec.len(), 46);
    spec.sort();
    manual.sort();
    assert_eq!(spec, manual);
}

#[test]
fn the_client_has_every_operation_of_the_manual() {
    let mut generated: Vec<_> = securities_api::OPERATIONS
        .iter()
        .map(|op| (op.id, op.method, op.path, op.success_status))
        .collect();
    let mut manual = manual();
    assert_eq!(generated.len(), 46);
    generated.sort();
    manual.sort();
    assert_eq!(generated, manual);
}

#[test]
fn the_client_lists_the_operations_in_the_order_of_the_spec() {
    let generated: Vec<&str> = securities_api::OPERATIONS.iter().map(|op| op.id).collect();
    // The YAML document itself, whose maps keep their order (the JSON view sorts its keys).
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/securities-api.yaml");
    let yaml: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(path).expect("the spec")).expect("YAML");
    let mut spec = Vec::new();
    for (_, item) in yaml["paths"].as_mapping().expect("paths") {
        for (_, op) in item.as_mapping().expect("path item") {
            if let Some(id) = op["operationId"].as_str() {
                spec.push(id);
            }
        }
    }
    assert_eq!(generated, spec);
}

/// Every object anywhere under `value` that has the key `key`, with its JSON pointer.
fn objects_with<'a>(value: &'a Value, key: &str, at: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key(key) {
                found.push((at.clone(), value));
            }
            for (k, v) in map {
                objects_with(v, key, format!("{at}/{k}"), found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                objects_with(v, key, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn no_schema_has_a_closed_enum() {
    let mut closed = Vec::new();
    objects_with(common::spec(), "enum", String::new(), &mut closed);
    let at: Vec<&str> = closed.iter().map(|(at, _)| at.as_str()).collect();
    assert!(at.is_empty(), "closed enumerations: {at:?}");

    // The open ones are strings that list their known values.
    let mut open = Vec::new();
    objects_with(
        common::spec(),
        "x-extensible-enum",
        String::new(),
        &mut open,
    );
    assert!(!open.is_empty(), "the spec has open enumerations");
    for (at, schema) in open {
        assert_eq!(schema["type"], "string", "{at}");
        let known = schema["x-extensible-enum"].as_array().expect("a list");
        assert!(!known.is_empty(), "{at}: known values");
        assert!(known.iter().all(Value::is_string), "{at}: {known:?}");
    }
}

#[test]
fn the_servers_are_the_manuals_hosts_in_order() {
    let servers: Vec<&str> = common::spec()["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .map(|s| s["url"].as_str().expect("url"))
        .collect();
    assert_eq!(
        servers,
        [
            "https://app.securities.com.br/api",
            "https://app-sandbox.securities.com.br/api",
            "https://api.securities.com.br",
            "https://api-staging.securities.com.br",
        ]
    );
    let environments: Vec<&str> = securities_api::Environment::ALL
        .iter()
        .map(|e| e.base_url())
        .collect();
    assert_eq!(environments, servers);
}

#[test]
fn the_upload_is_the_only_operation_without_a_json_body_example_it_needs() {
    for op in securities_api::OPERATIONS {
        let (_, _, spec) = common::operation(op.id);
        if spec.get("requestBody").is_none() {
            continue;
        }
        let json = common::request_example(op.id);
        let form = common::form_example(op.id);
        if op.id == "create_bank_credit_note" {
            assert!(json.is_null(), "{}: not JSON", op.id);
            let mut parts: Vec<&str> = form
                .as_object()
                .expect("the parts of the multipart example")
                .keys()
                .map(String::as_str)
                .collect();
            parts.sort_unstable();
            assert_eq!(
                parts,
                [
                    "document_data",
                    "file",
                    "installments",
                    "issuer_document",
                    "issuer_full_name",
                    "number",
                    "signature_provider",
                    "signed",
                ]
            );
            let data = form["document_data"]
                .as_str()
                .expect("document_data is text");
            assert!(
                serde_json::from_str::<Value>(data).is_ok_and(|v| v.is_object()),
                "document_data is a JSON object serialised as text: {data}"
            );
        } else {
            assert!(json.is_object(), "{}: a JSON request example", op.id);
            assert!(form.is_null(), "{}", op.id);
        }
    }
}

#[test]
fn legacy_operations_are_deprecated_and_only_they() {
    for op in securities_api::OPERATIONS {
        assert_eq!(op.deprecated, op.id.starts_with("legacy_"), "{}", op.id);
    }
}

#[test]
fn paginated_operations_are_the_lists_with_page_infos() {
    let paginated: Vec<_> = securities_api::OPERATIONS
        .iter()
        .filter(|op| op.paginated)
        .map(|op| op.id)
        .collect();
    assert_eq!(paginated.len(), 10, "{paginated:?}");
    for id in paginated {
        let (_, example) = common::success_example(id);
        assert!(
            example.get("page_infos").is_some(),
            "{id} answers page_infos"
        );
    }
}

#[test]
fn every_operation_references_the_eight_shared_errors() {
    for op in securities_api::OPERATIONS {
        let (_, _, spec) = common::operation(op.id);
        for (status, name) in common::ERROR_STATUSES {
            assert_eq!(
                spec["responses"][status.to_string()]["$ref"],
                format!("#/components/responses/{name}"),
                "{} {status}",
                op.id
            );
        }
    }
}
