//! Rule 9: enumerations are open. An OpenAPI 3.0 `enum` is closed: the clients other
//! languages generate from it (TypeScript unions, Python and Java enums) fail on the first
//! value the platform adds, and the manual lists its values with "...". Known values go in
//! `x-extensible-enum` on a plain string instead; `codegen/open_enums.rs` turns each into an open Rust
//! enum with `Unknown(String)`.

use super::Problem;
use crate::spec;
use serde_json::Value;

pub fn check(doc: &Value, problems: &mut Vec<Problem>) {
    walk(doc, "", problems);
}

fn walk(value: &Value, at: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("enum") {
                problems.push(Problem::new(
                    at,
                    "a closed `enum`: list the known values in `x-extensible-enum` on a plain \
                     string instead, so that clients in every language accept new values",
                ));
            }
            if let Some(values) = map.get("x-extensible-enum") {
                let strings: Option<Vec<&str>> = values
                    .as_array()
                    .map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
                    .unwrap_or_default();
                let is_string = value["type"] == "string";
                match strings {
                    Some(list) if is_string && !list.is_empty() => {
                        if (1..list.len()).any(|i| list[..i].contains(&list[i])) {
                            problems
                                .push(Problem::new(at, "`x-extensible-enum` lists a value twice"));
                        }
                    }
                    _ => problems.push(Problem::new(
                        at,
                        "`x-extensible-enum` must be a non-empty list of strings on a \
                         `type: string` schema",
                    )),
                }
            }
            for (key, child) in map {
                // Examples are data, not schemas: a key named `enum` there is a value.
                if matches!(key.as_str(), "example" | "examples" | "x-extensible-enum") {
                    continue;
                }
                walk(child, &spec::join(at, key), problems);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &spec::join(at, &i.to_string()), problems);
            }
        }
        _ => {}
    }
}
