//! Reading the spec: its operations as the hand-written layer sees them, the schemas of
//! their answers, the descriptions the docs take, and the names progenitor gives things.

use openapiv3::{OpenAPI, ReferenceOr};
use std::borrow::Borrow;

/// One operation of the spec, as the hand-written layer sees it.
pub struct Operation {
    pub id: String,
    /// The Rust type of the success body (a schema of `components.schemas`).
    pub success_type: String,
    pub method: String,
    pub path: String,
    pub success: u16,
    /// The error statuses the operation lists (4xx and 5xx), in the spec's order.
    pub errors: Vec<u16>,
    pub deprecated: bool,
    pub paginated: bool,
    /// Marked `x-handwritten` in the spec: `src/` implements it, progenitor does not see it.
    pub handwritten: bool,
}

/// Every operation, in the order of the spec's paths.
pub fn operations(spec: &OpenAPI) -> Result<Vec<Operation>, String> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let item = item
            .as_item()
            .ok_or_else(|| format!("path `{path}` is a $ref; progenitor needs it inline"))?;
        for (method, op) in item.iter() {
            let id = op
                .operation_id
                .clone()
                .ok_or_else(|| format!("{} {path} has no operationId", method.to_uppercase()))?;
            let codes = op
                .responses
                .responses
                .iter()
                .filter_map(|(code, response)| match code {
                    openapiv3::StatusCode::Code(code) => Some((*code, response)),
                    openapiv3::StatusCode::Range(_) => None,
                });
            let (success, response) = (codes.clone())
                .find(|(code, _)| (200..300).contains(code))
                .ok_or_else(|| format!("{id}: no 2xx response"))?;
            let success_type = success_schema(spec, response).ok_or_else(|| {
                format!(
                    "{id}: the {success} response must be JSON with a $ref to components.schemas"
                )
            })?;
            // The one definition of a paginated list: it takes a `page` query parameter.
            let paginated = op.parameters.iter().any(|p| match p {
                ReferenceOr::Item(p) => {
                    p.parameter_data_ref().name == "page"
                        && matches!(p, openapiv3::Parameter::Query { .. })
                }
                ReferenceOr::Reference { reference } => reference.ends_with("/Page"),
            });
            out.push(Operation {
                id,
                success_type,
                method: method.to_uppercase(),
                path: path.clone(),
                success,
                errors: codes
                    .filter(|(code, _)| *code >= 400)
                    .map(|(c, _)| c)
                    .collect(),
                deprecated: op.deprecated,
                paginated,
                handwritten: super::handwritten::is_handwritten(op),
            });
        }
    }
    Ok(out)
}

/// The name of the schema of a success response: `$ref`s to `components.responses` and to
/// `components.schemas` are followed.
pub fn success_schema(
    spec: &OpenAPI,
    response: &ReferenceOr<openapiv3::Response>,
) -> Option<String> {
    let response = resolve(spec, response, |c, name| c.responses.get(name))?;
    match response.content.get("application/json")?.schema.as_ref()? {
        ReferenceOr::Reference { reference } => Some(schema_ref_name(reference)?.to_string()),
        ReferenceOr::Item(_) => None,
    }
}

/// `#/components/schemas/Name` -> `Name`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The item, or the one of `components` it refers to (`get` finds it by name).
pub fn resolve<'a, T>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    get: impl FnOnce(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
) -> Option<&'a T> {
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let (_, name) = reference.rsplit_once('/')?;
            get(spec.components.as_ref()?, name)?.as_item()
        }
    }
}

/// A named schema of `components.schemas`.
pub fn schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a openapiv3::Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

/// The description of a schema (boxed, as properties hold them, or not), or of the named
/// schema it refers to.
pub fn schema_description<S: Borrow<openapiv3::Schema>>(
    spec: &OpenAPI,
    schema: &ReferenceOr<S>,
) -> Option<String> {
    let schema = match schema {
        ReferenceOr::Item(s) => s.borrow(),
        ReferenceOr::Reference { reference } => self::schema(spec, schema_ref_name(reference)?)?,
    };
    schema.schema_data.description.clone()
}

/// The first operation whose `operationId` satisfies `id`: its id, method, path and itself.
pub fn operation(
    spec: &OpenAPI,
    id: impl Fn(&str) -> bool,
) -> Option<(&str, &str, &str, &openapiv3::Operation)> {
    spec.paths.iter().find_map(|(path, item)| {
        item.as_item()?.iter().find_map(|(method, op)| {
            let op_id = op.operation_id.as_deref().filter(|op_id| id(op_id))?;
            Some((op_id, method, path.as_str(), op))
        })
    })
}

/// A property name as a Rust identifier, as typify and progenitor make it: `first_page?` ->
/// `first_page`.
pub fn ident_of(name: &str) -> String {
    let snake: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    snake.join("_").to_ascii_lowercase()
}

/// Lowercase ASCII letters, digits and `separator`, from a letter: `list_batches` with `_` (a
/// Rust identifier as it is), `api-staging` with `-` (a server's `x-environment`).
pub fn is_lower_name(name: &str, separator: char) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == separator)
}

/// A name in PascalCase, as progenitor names an operation's builder (`list_proposals` ->
/// `ListProposals`) and as codegen names a variant (`api-staging` -> `ApiStaging`).
pub fn pascal_case(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal_case("list_proposals"), "ListProposals");
        assert_eq!(pascal_case("api-staging"), "ApiStaging");
        assert_eq!(ident_of("first_page?"), "first_page");
        assert!(is_lower_name("list_batches", '_') && !is_lower_name("List", '_'));
        assert!(is_lower_name("api-staging", '-') && !is_lower_name("api_staging", '-'));
    }

    #[test]
    fn operations_of_the_fixture() {
        let spec = crate::codegen::testing::fixture();
        let ops = operations(&spec).expect("reads");
        let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "list_widgets",
                "create_widget",
                "get_widget",
                "create_bank_credit_note",
                "legacy_ping"
            ]
        );
        assert_eq!(
            (ops[1].success, ops[1].success_type.as_str()),
            (201, "WidgetEnvelope")
        );
        assert!(ops[0].paginated && !ops[2].paginated && ops[4].deprecated);
        assert!(ops[3].handwritten && ops.iter().filter(|o| o.handwritten).count() == 1);
    }
}
