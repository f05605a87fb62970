//! Rule 3: operationIds are snake_case, as the Rust method names made from them are. Missing
//! or repeated ids, tags, summaries and path parameters are the linters' (`cargo xtask lint`).

use super::walk::Index;
use super::Problem;
use serde_json::Value;

pub fn check(index: &Index<'_>, problems: &mut Vec<Problem>) {
    for op in &index.operations {
        let Some(id) = op.value.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        if !is_snake_case(id) {
            problems.push(Problem::new(
                id,
                format!(
                    "operationId `{id}` is not snake_case (lowercase words joined by `_`, as \
                     the Rust method names are)"
                ),
            ));
        }
    }
}

fn is_snake_case(id: &str) -> bool {
    let snake = regex::Regex::new("^[a-z][a-z0-9]*(_[a-z0-9]+)*$").expect("a valid regex");
    snake.is_match(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case() {
        for ok in ["list_proposals", "get_v1", "a"] {
            assert!(is_snake_case(ok), "{ok}");
        }
        for bad in ["listProposals", "List", "a__b", "_a", "a_", "a-b", "1a", ""] {
            assert!(!is_snake_case(bad), "{bad}");
        }
    }
}
