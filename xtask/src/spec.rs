//! Reading the spec: YAML text to values, and JSON pointers into them.

use serde_json::Value;
use std::path::Path;

/// Where the spec lives, relative to the repository root.
pub const DEFAULT_SPEC: &str = "openapi/securities-api.yaml";

/// A YAML error, with the position the parser gave (1-based).
pub struct ParseError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Parses YAML text, keeping the document order of mappings (for the JSON rendering).
///
/// serde_norway rejects duplicate mapping keys here, with their position, instead of keeping
/// the last one silently.
pub fn parse_yaml(text: &str) -> Result<serde_norway::Value, ParseError> {
    let mut value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
        let location = e.location();
        let mut error = ParseError {
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: strip_location(&e.to_string()),
        };
        // serde_norway places a duplicate key at the start of its mapping; point at the
        // duplicate itself when the mapping is in block style.
        if let (Some(line), Some(column), Some(key)) =
            (error.line, error.column, duplicate_key(&error.message))
        {
            if let Some(duplicate) = duplicate_line(text, line, column, &key) {
                error.message = format!("{} (the mapping starts at line {line})", error.message);
                error.line = Some(duplicate);
            }
        }
        error
    })?;
    value.apply_merge().map_err(|e| ParseError {
        line: None,
        column: None,
        message: e.to_string(),
    })?;
    Ok(value)
}

/// The same document as a JSON value (mapping keys such as unquoted status codes become
/// strings, as in JSON).
pub fn to_json(yaml: &serde_norway::Value) -> Result<Value, String> {
    serde_json::to_value(yaml).map_err(|e| format!("not representable as JSON: {e}"))
}

/// The key of serde_norway's "duplicate entry with key \"k\"" message.
fn duplicate_key(message: &str) -> Option<String> {
    const PREFIX: &str = "duplicate entry with key ";
    let rest = &message[message.find(PREFIX)? + PREFIX.len()..];
    Some(serde_json::from_str::<String>(rest).unwrap_or_else(|_| rest.to_string()))
}

/// The line of the second `key:` of the block mapping that starts at `line`/`column`.
fn duplicate_line(text: &str, line: usize, column: usize, key: &str) -> Option<usize> {
    let indent = column.checked_sub(1)?;
    let mut seen = false;
    for (i, l) in text.lines().enumerate().skip(line - 1) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let own_indent = l.len() - trimmed.len();
        // A `- ` item opens the mapping on its own line.
        let (own_indent, trimmed) = if i + 1 == line && own_indent < indent {
            (indent, l.get(indent..).unwrap_or(""))
        } else {
            (own_indent, trimmed)
        };
        if own_indent < indent {
            break;
        }
        if own_indent > indent {
            continue;
        }
        let is_key = [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .any(|k| {
                trimmed
                    .strip_prefix(k.as_str())
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            });
        if is_key {
            if seen {
                return Some(i + 1);
            }
            seen = true;
        }
    }
    None
}

/// serde_norway writes the position into its messages (" at line L column C"); the position
/// is reported apart.
pub fn strip_location(message: &str) -> String {
    let position = regex::Regex::new(r" at line [0-9]+ column [0-9]+").expect("a valid regex");
    position.replace_all(message, "").into_owned()
}

/// The 1-based line of the first top-level `key:` in the text, for problems that the parser
/// itself does not place (such as an unsupported `openapi` version).
pub fn top_level_line(text: &str, key: &str) -> Option<usize> {
    let keys = [format!("{key}:"), format!("\"{key}\":")];
    text.lines()
        .position(|line| keys.iter().any(|k| line.starts_with(k.as_str())))
        .map(|i| i + 1)
}

/// `base` extended by one segment, escaped (RFC 6901).
pub fn join(base: &str, segment: &str) -> String {
    format!("{base}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// The value a local `$ref` (`#/...`) points to, if any.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    // A `$ref` may escape characters that URIs forbid as `%XX`.
    let pointer = percent_encoding::percent_decode_str(reference.strip_prefix('#')?);
    doc.pointer(&pointer.decode_utf8_lossy())
}

/// The `$ref` string of a reference object.
pub fn reference(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// `value`, or what its `$ref` chain points to (`None` when it does not resolve or loops).
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let mut current = value;
    for _ in 0..16 {
        match reference(current) {
            Some(r) => current = resolve(doc, r)?,
            None => return Some(current),
        }
    }
    None
}

/// The spec text `text`, named `name` in errors, as a JSON value.
pub fn parse_json(text: &str, name: &str) -> Result<Value, String> {
    let yaml = parse_yaml(text).map_err(|e| format!("{name}: {}", e.message))?;
    to_json(&yaml).map_err(|e| format!("{name}: {e}"))
}

/// The spec at `path` as a JSON value.
pub fn read_json(path: &Path) -> Result<Value, String> {
    let name = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read the spec: {e}"))?;
    parse_json(&text, &name.to_string())
}

/// The string at `pointer` in `value`.
pub fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_rejected_with_their_line() {
        let e = parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n").expect_err("duplicate key accepted");
        assert_eq!(e.line, Some(4), "{}", e.message);
        assert!(
            e.message.contains("duplicate entry with key \"c\""),
            "{}",
            e.message
        );
        let e = parse_yaml("a: 1\nb: 2\na: 3\n").expect_err("duplicate key accepted");
        assert_eq!(e.line, Some(3), "{}", e.message);
        let e = parse_yaml("l:\n  - x: 1\n    x: 2\n").expect_err("duplicate key accepted");
        assert_eq!(e.line, Some(3), "{}", e.message);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let e = parse_yaml("a: [1, 2\nb: 3\n").expect_err("bad YAML accepted");
        assert!(e.line.is_some(), "{}", e.message);
    }

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(
            strip_location("did not find ',' at line 20 column 14, while parsing"),
            "did not find ',', while parsing"
        );
        assert_eq!(strip_location("x at line 3 column 1"), "x");
        assert_eq!(strip_location("at line one"), "at line one");
    }

    #[test]
    fn pointers_escape_and_resolve() {
        let doc = serde_json::json!({"paths": {"/v1/a": {"get": {"x": 1}}}, "k%": 2});
        let at = join("/paths", "/v1/a");
        assert_eq!(at, "/paths/~1v1~1a");
        assert_eq!(
            resolve(&doc, &format!("#{at}/get/x")),
            Some(&serde_json::json!(1))
        );
        assert_eq!(resolve(&doc, "#/k%25"), Some(&serde_json::json!(2)));
        assert_eq!(resolve(&doc, "#/nope"), None);
        assert_eq!(resolve(&doc, "other.yaml#/k"), None);
    }

    #[test]
    fn top_level_keys_are_found() {
        assert_eq!(
            top_level_line("info:\n  openapi: x\nopenapi: 3.1.0\n", "openapi"),
            Some(3)
        );
    }
}
