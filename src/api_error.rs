//! The body of an error response, whatever the server sent.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The body of an error response (the spec's `ApiError`).
///
/// The manual does not document error bodies, so this type accepts anything: a JSON object
/// fills the known keys and keeps the others in [`extra`](Self::extra); any other body (an
/// HTML page from a gateway, plain text, a JSON array) is kept as it came in
/// [`text`](Self::text). Decoding it never fails.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiError {
    /// `error`: a short description, when the server sent one as a string.
    pub error: Option<String>,
    /// `errors`: validation messages, as a list or as an object of field to messages.
    pub errors: Option<Value>,
    /// `message`: a human-readable message, when the server sent one as a string.
    pub message: Option<String>,
    /// Every other key of a JSON object body.
    pub extra: Map<String, Value>,
    /// The body as text, when it was not a JSON object.
    pub text: Option<String>,
}

impl ApiError {
    /// Builds the value from any JSON.
    pub fn from_json(value: Value) -> Self {
        match value {
            Value::Object(mut map) => {
                let mut take_string = |key: &str| match map.remove(key) {
                    Some(Value::String(s)) => Some(s),
                    Some(other) => {
                        // Not a string after all: keep it, untouched, with the other keys.
                        map.insert(key.to_string(), other);
                        None
                    }
                    None => None,
                };
                let error = take_string("error");
                let message = take_string("message");
                let errors = map.remove("errors").filter(|v| !v.is_null());
                ApiError {
                    error,
                    errors,
                    message,
                    extra: map,
                    text: None,
                }
            }
            Value::String(text) => ApiError {
                text: Some(text),
                ..ApiError::default()
            },
            other => ApiError {
                text: Some(other.to_string()),
                ..ApiError::default()
            },
        }
    }

    /// Builds the value from raw body bytes: JSON when they parse, text otherwise.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => Self::from_json(value),
            Err(_) => ApiError {
                text: Some(String::from_utf8_lossy(bytes).into_owned()),
                ..ApiError::default()
            },
        }
    }

    /// The body as JSON again (a string when it was not a JSON object).
    pub fn to_json(&self) -> Value {
        if let Some(text) = &self.text {
            return Value::String(text.clone());
        }
        let mut map = self.extra.clone();
        if let Some(error) = &self.error {
            map.insert("error".into(), Value::String(error.clone()));
        }
        if let Some(errors) = &self.errors {
            map.insert("errors".into(), errors.clone());
        }
        if let Some(message) = &self.message {
            map.insert("message".into(), Value::String(message.clone()));
        }
        Value::Object(map)
    }

    /// The messages a person should read: `error`, `message` and every validation message
    /// (`errors` as a list, or as `field: message` for an object of field to messages).
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.error.iter().cloned());
        out.extend(self.message.iter().cloned());
        match &self.errors {
            Some(Value::Array(items)) => out.extend(items.iter().map(plain)),
            Some(Value::Object(fields)) => {
                for (field, messages) in fields {
                    match messages {
                        Value::Array(items) => {
                            out.extend(items.iter().map(|m| format!("{field}: {}", plain(m))))
                        }
                        other => out.push(format!("{field}: {}", plain(other))),
                    }
                }
            }
            Some(other) => out.push(plain(other)),
            None => {}
        }
        out
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(ApiError::from_json)
    }
}

impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl schemars::JsonSchema for ApiError {
    fn schema_name() -> String {
        "ApiError".into()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        // Anything goes: see the type's documentation.
        schemars::schema::Schema::Bool(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_fill_known_keys_and_keep_the_rest() {
        let body = ApiError::from_json(json!({
            "error": "Not found", "status": 404, "errors": {"number": ["can't be blank"]}
        }));
        assert_eq!(body.error.as_deref(), Some("Not found"));
        assert_eq!(body.extra["status"], 404);
        assert_eq!(body.messages(), ["Not found", "number: can't be blank"]);
        assert_eq!(body.to_json()["status"], 404);
    }

    #[test]
    fn anything_else_is_text() {
        assert_eq!(
            ApiError::from_bytes(b"<html>502</html>").text.as_deref(),
            Some("<html>502</html>")
        );
        assert_eq!(
            ApiError::from_bytes(b"[1,2]").text.as_deref(),
            Some("[1,2]")
        );
        assert_eq!(ApiError::from_bytes(b"").text.as_deref(), Some(""));
        let odd = ApiError::from_json(json!({"error": {"code": 7}}));
        assert_eq!(odd.error, None);
        assert_eq!(odd.extra["error"]["code"], 7);
    }
}
