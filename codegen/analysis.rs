//! Reading the spec: its operations as the hand-written layer sees them, the schemas of
//! their answers, the descriptions the docs take, and the names progenitor gives things.

use openapiv3::{OpenAPI, ReferenceOr};

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
            let (success, response) = op
                .responses
                .responses
                .iter()
                .find_map(|(code, response)| match code {
                    openapiv3::StatusCode::Code(c) if (200..300).contains(c) => {
                        Some((*c, response))
                    }
                    _ => None,
                })
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
            let errors = op
                .responses
                .responses
                .keys()
                .filter_map(|code| match code {
                    openapiv3::StatusCode::Code(c) if *c >= 400 => Some(*c),
                    _ => None,
                })
                .collect();
            out.push(Operation {
                id,
                success_type,
                method: method.to_uppercase(),
                path: path.clone(),
                success,
                errors,
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
    match resolve_response(spec, response)?
        .content
        .get("application/json")?
        .schema
        .as_ref()?
    {
        ReferenceOr::Reference { reference } => Some(schema_ref_name(reference)?.to_string()),
        ReferenceOr::Item(_) => None,
    }
}

/// `#/components/schemas/Name` -> `Name`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

pub fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<openapiv3::Response>,
) -> Option<&'a openapiv3::Response> {
    match response {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            spec.components.as_ref()?.responses.get(name)?.as_item()
        }
    }
}

pub fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<openapiv3::Parameter>,
) -> Option<&'a openapiv3::ParameterData> {
    match parameter {
        ReferenceOr::Item(p) => Some(p.parameter_data_ref()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            Some(
                spec.components
                    .as_ref()?
                    .parameters
                    .get(name)?
                    .as_item()?
                    .parameter_data_ref(),
            )
        }
    }
}

pub fn resolve_request_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
) -> Option<&'a openapiv3::RequestBody> {
    match body {
        ReferenceOr::Item(b) => Some(b),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            spec.components
                .as_ref()?
                .request_bodies
                .get(name)?
                .as_item()
        }
    }
}

/// A named schema of `components.schemas`.
pub fn schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a openapiv3::Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

/// The description of a schema, or of the named schema it refers to.
pub fn schema_description(
    spec: &OpenAPI,
    schema: &ReferenceOr<openapiv3::Schema>,
) -> Option<String> {
    let schema = match schema {
        ReferenceOr::Item(s) => s,
        ReferenceOr::Reference { reference } => self::schema(spec, schema_ref_name(reference)?)?,
    };
    schema.schema_data.description.clone()
}

/// The description of a boxed schema (as properties hold them).
pub fn boxed_description(
    spec: &OpenAPI,
    schema: &ReferenceOr<Box<openapiv3::Schema>>,
) -> Option<String> {
    schema_description(spec, &schema.clone().unbox())
}

/// The operation whose `operationId` is `id`, with its method and path.
pub fn operation<'a>(
    spec: &'a OpenAPI,
    id: &str,
) -> Option<(&'a str, &'a str, &'a openapiv3::Operation)> {
    spec.paths.iter().find_map(|(path, item)| {
        item.as_item()?
            .iter()
            .find(|(_, op)| op.operation_id.as_deref() == Some(id))
            .map(|(method, op)| (method, path.as_str(), op))
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

pub fn is_snake_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `list_proposals` -> `ListProposals`, as progenitor names the builder of an operation.
pub fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// An enum value as a Rust variant name: `canceling` -> `Canceling`.
pub fn variant_name(s: &str) -> String {
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
        assert_eq!(variant_name("api-staging"), "ApiStaging");
        assert_eq!(ident_of("first_page?"), "first_page");
        assert!(is_snake_identifier("list_batches") && !is_snake_identifier("List"));
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
