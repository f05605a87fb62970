//! Documentation from the spec: every public item progenitor and typify leave without a doc
//! comment (builder setters, fields whose schema is a `$ref`, the mock's matchers) gets the
//! spec's own words: the property's description (for a `$ref` property, the referenced
//! schema's), the parameter's, the request body's or the response's. An undocumented public
//! item that the spec has no words for is an error, so no placeholder text is ever generated.
//!
//! Also here: `#[deprecated]` on the legacy bridge's methods, and the generated constructors
//! that cannot be called from outside the crate made crate-private.

use super::analysis::{self, pascal_case, Operation};
use openapiv3::OpenAPI;
use syn::ext::IdentExt;
use syn::visit_mut::VisitMut;

/// An operation: its id, method, path and definition.
type Op<'a> = (&'a str, &'a str, &'a str, &'a openapiv3::Operation);

/// `text` as doc attributes, one per line, each starting with a space as `///` does.
fn doc_attrs(text: &str) -> Vec<syn::Attribute> {
    text.trim_end()
        .lines()
        .map(|line| {
            let line = (!line.is_empty()).then(|| format!(" {line}"));
            let line = line.unwrap_or_default();
            syn::parse_quote!(#[doc = #line])
        })
        .collect()
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// The doc text of `attrs`, as `///` lines hold it.
fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta.require_name_value().ok()?.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).to_string())
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The description of property `field` (a Rust identifier) of schema `owner`: its own, or
/// for a `$ref`, the referenced schema's.
fn property_description(spec: &OpenAPI, owner: &str, field: &str) -> Option<String> {
    let schema = analysis::schema(spec, owner)?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let (_, property) = object
        .properties
        .iter()
        .find(|(name, _)| analysis::ident_of(name) == field)?;
    analysis::schema_description(spec, property)
}

/// The description of the parameter `name` of `op`.
fn parameter_description(spec: &OpenAPI, op: &openapiv3::Operation, name: &str) -> Option<String> {
    op.parameters.iter().find_map(|p| {
        let data = analysis::resolve(spec, p, |c, name| c.parameters.get(name))?;
        let data = data.parameter_data_ref();
        (analysis::ident_of(&data.name) == name).then(|| data.description.clone())?
    })
}

/// The description of the request body of `op`: its own, or its schema's.
fn body_description(spec: &OpenAPI, op: &openapiv3::Operation) -> Option<String> {
    let body = op.request_body.as_ref()?;
    let body = analysis::resolve(spec, body, |c, name| c.request_bodies.get(name))?;
    body.description.clone().or_else(|| {
        let schema = body.content.get("application/json")?.schema.as_ref()?;
        analysis::schema_description(spec, schema)
    })
}

/// The operation whose builder is named `name`.
fn operation_named<'a>(spec: &'a OpenAPI, name: &str) -> Option<Op<'a>> {
    analysis::operation(spec, |id| pascal_case(id) == name)
}

/// The operation of a mock's `<Op>When` or `<Op>Then`, and whether it is the `When`.
fn mock_operation<'a>(spec: &'a OpenAPI, owner: &str) -> Option<(Op<'a>, bool)> {
    match owner.strip_suffix("When") {
        Some(name) => Some((operation_named(spec, name)?, true)),
        None => Some((operation_named(spec, owner.strip_suffix("Then")?)?, false)),
    }
}

/// Where the visitor is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// typify's `types` module.
    Types,
    /// typify's `types::builder` module.
    TypeBuilders,
    /// progenitor's `builder` module (one request builder per operation).
    Requests,
    /// progenitor's mock `operations` module.
    Mock,
    Elsewhere,
}

/// Fills the missing docs; collects what it cannot document.
struct Fill<'a> {
    spec: &'a OpenAPI,
    /// The docs of the structs of `types` (`Name`) and their fields (`Name.field`), as filled:
    /// their builders and setters take the same.
    types: std::collections::HashMap<String, String>,
    place: Place,
    /// The type whose fields or impl are being visited.
    owner: Option<String>,
    filled: usize,
    missing: Vec<String>,
}

impl Fill<'_> {
    fn fill(&mut self, attrs: &mut Vec<syn::Attribute>, what: &str, text: Option<String>) {
        if has_doc(attrs) {
            return;
        }
        match text {
            Some(text) if !text.trim().is_empty() => {
                attrs.extend(doc_attrs(&text));
                self.filled += 1;
            }
            _ => self.missing.push(what.to_string()),
        }
    }

    /// The doc of a public method `name` of the type being visited, with `body` its block.
    fn method_doc(&self, name: &str, body: &syn::Block) -> Option<String> {
        let owner = self.owner.as_deref()?;
        let spec = self.spec;
        match self.place {
            Place::Types if name == "builder" => Some(format!(
                "A [`builder::{owner}`] to set the fields of `{owner}` one by one."
            )),
            Place::TypeBuilders => self.types.get(&format!("{owner}.{name}")).cloned(),
            Place::Requests => {
                let (id, _, _, op) = operation_named(spec, owner)?;
                match name {
                    "new" => Some(format!(
                        "A `{id}` request with nothing set; [`Client::{id}`](super::Client::{id}) \
                         is the usual way to get one."
                    )),
                    "body" => body_description(spec, op),
                    "body_map" => body_description(spec, op).map(|d| {
                        format!(
                            "Changes the request body with `f`, starting from the one set so \
                             far.\n\nThe body: {d}"
                        )
                    }),
                    parameter => parameter_description(spec, op, parameter),
                }
            }
            Place::Mock => {
                let ((id, method, path, op), when) = mock_operation(spec, owner)?;
                let method = method.to_uppercase();
                match (name, when) {
                    ("new", true) => Some(format!(
                        "Matches `{method} {path}` exactly; see [`with_prefix`](Self::with_prefix)."
                    )),
                    ("new", false) => Some(format!(
                        "The answer of the mock of `{id}`, to be set by the methods below."
                    )),
                    ("into_inner", true) => Some(
                        "httpmock's `When` underneath, to match more than these methods do."
                            .to_string(),
                    ),
                    ("into_inner", false) => Some(
                        "httpmock's `Then` underneath, to answer what these methods do not."
                            .to_string(),
                    ),
                    ("body", true) => body_description(spec, op).map(|d| {
                        format!("Matches a JSON request body equal to `value`.\n\nThe body: {d}")
                    }),
                    (parameter, true) => parameter_description(spec, op, parameter)
                        .map(|d| format!("Matches the `{parameter}` parameter.\n\n{d}")),
                    (_, false) => {
                        // progenitor answers with `….status(404u16)`.
                        let body = quote::quote!(#body).to_string();
                        let (_, status) = body.split_once(". status (")?;
                        let code = status.split_once("u16")?.0.parse().ok()?;
                        let status = openapiv3::StatusCode::Code(code);
                        let response = op.responses.responses.get(&status)?;
                        let response =
                            analysis::resolve(spec, response, |c, name| c.responses.get(name))?;
                        Some(format!(
                            "Answers `{code}` with `value` as JSON: {}",
                            response.description
                        ))
                    }
                }
            }
            Place::Types | Place::Elsewhere => None,
        }
    }
}

impl VisitMut for Fill<'_> {
    fn visit_item_mod_mut(&mut self, item: &mut syn::ItemMod) {
        let previous = self.place;
        self.place = match (self.place, item.ident.to_string().as_str()) {
            (Place::Elsewhere, "types") => Place::Types,
            (Place::Types, "builder") => Place::TypeBuilders,
            (Place::Elsewhere, "builder") => Place::Requests,
            (Place::Elsewhere, "operations") => Place::Mock,
            _ => Place::Elsewhere,
        };
        syn::visit_mut::visit_item_mod_mut(self, item);
        self.place = previous;
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let name = item.ident.to_string();
        if matches!(item.vis, syn::Visibility::Public(_)) {
            let text = match self.place {
                Place::TypeBuilders => self.types.get(&name).map(|description| {
                    format!(
                        "Builder for [`{name}`](super::{name}), one field at a time; \
                         `try_into()` checks that the required ones are set.\n\n{description}"
                    )
                }),
                Place::Mock => {
                    mock_operation(self.spec, &name).map(|((id, method, path, _), when)| {
                        let method = method.to_uppercase();
                        let (what, must, side) = match when {
                            true => ("a request of", " must match", "when"),
                            false => ("the mock answers to", "", "then"),
                        };
                        format!(
                            "What {what} `{id}` (`{method} {path}`){must}: the `{side}` of \
                             `MockServerExt::{id}`."
                        )
                    })
                }
                _ => None,
            };
            self.fill(&mut item.attrs, &name, text);
        }
        let previous = self.owner.replace(name.clone());
        syn::visit_mut::visit_item_struct_mut(self, item);
        self.owner = previous;
        // `types::builder` comes after the structs of `types`.
        if self.place == Place::Types {
            let fields = item.fields.iter().filter_map(|f| {
                Some((
                    format!("{name}.{}", f.ident.as_ref()?.unraw()),
                    doc_text(&f.attrs)?,
                ))
            });
            self.types.extend(fields);
            self.types
                .extend(doc_text(&item.attrs).map(|doc| (name, doc)));
        }
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        if let (true, Some(ident), Some(owner)) = (
            matches!(field.vis, syn::Visibility::Public(_)),
            &field.ident,
            &self.owner,
        ) {
            let name = ident.unraw().to_string();
            let in_types = self.place == Place::Types;
            let text = in_types.then(|| property_description(self.spec, owner, &name));
            self.fill(&mut field.attrs, &format!("{owner}.{name}"), text.flatten());
        }
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let name = super::type_ident(&item.self_ty).map(ToString::to_string);
        let previous = std::mem::replace(&mut self.owner, name);
        syn::visit_mut::visit_item_impl_mut(self, item);
        self.owner = previous;
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
        if matches!(item.vis, syn::Visibility::Public(_)) {
            let name = item.sig.ident.unraw().to_string();
            let text = self.method_doc(&name, &item.block);
            let what = format!("{}::{name}", self.owner.as_deref().unwrap_or("?"));
            self.fill(&mut item.attrs, &what, text);
        }
        syn::visit_mut::visit_impl_item_fn_mut(self, item);
    }

    fn visit_trait_item_fn_mut(&mut self, item: &mut syn::TraitItemFn) {
        // The one generated trait is the mock server's: a method per operation.
        let id = item.sig.ident.to_string();
        let text = analysis::operation(self.spec, |i| i == id).map(|(_, method, path, op)| {
            let summary = op.summary.as_deref().unwrap_or("").trim_end_matches('.');
            format!(
                "Mocks `{id}` (`{} {path}`: {summary}): `config_fn` says what the request \
                 must match and what the mock answers.",
                method.to_uppercase()
            )
        });
        self.fill(&mut item.attrs, &id, text);
    }
}

/// Documents the undocumented public items of `file` (`what`: the client or the mock) from
/// the spec; returns how many.
pub fn document(file: &mut syn::File, spec: &OpenAPI, what: &str) -> Result<usize, String> {
    let mut fill = Fill {
        spec,
        types: Default::default(),
        place: Place::Elsewhere,
        owner: None,
        filled: 0,
        missing: Vec::new(),
    };
    fill.visit_file_mut(file);
    if !fill.missing.is_empty() {
        return Err(format!(
            "the spec has no description for these public items of {what}: {}; describe them \
             in the spec (or teach codegen/docs.rs where to find their words)",
            fill.missing.join(", ")
        ));
    }
    Ok(fill.filled)
}

/// The methods of `Client`'s inherent impls.
fn client_methods(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    let blocks = file.items.iter_mut().filter_map(|item| match item {
        syn::Item::Impl(block)
            if block.trait_.is_none()
                && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
        {
            Some(&mut block.items)
        }
        _ => None,
    });
    blocks.flatten().filter_map(|member| match member {
        syn::ImplItem::Fn(method) => Some(method),
        _ => None,
    })
}

/// Makes the generated `Client::new` and `Client::new_with_client` crate-private: they take
/// the crate-private `Inner`, so no one outside the crate can call them, and rustdoc should
/// not show them. `Client::builder()` builds every client; `new` is kept (unused) for
/// progenitor's sake. Returns how many it changed (2, or an error).
pub fn hide_constructors(file: &mut syn::File) -> Result<usize, String> {
    let mut hidden = 0;
    for method in client_methods(file) {
        let takes_inner = method.sig.inputs.iter().any(|input| {
            matches!(input, syn::FnArg::Typed(t)
                if quote::ToTokens::to_token_stream(&t.ty).to_string().ends_with(":: Inner"))
        });
        if takes_inner && (method.sig.ident == "new" || method.sig.ident == "new_with_client") {
            method.vis = syn::parse_quote!(pub(crate));
            if method.sig.ident == "new" {
                method.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
            }
            hidden += 1;
        }
    }
    if hidden != 2 {
        return Err(format!(
            "progenitor's output changed shape: {hidden} of the 2 constructors of `Client` that \
             take `Inner`; update `hide_constructors` in codegen/docs.rs"
        ));
    }
    Ok(hidden)
}

/// progenitor ignores `deprecated: true`: mark the client's methods of those operations
/// `#[deprecated]`, so that a caller of the legacy bridge is told by the compiler.
pub fn mark_deprecated(file: &mut syn::File, operations: &[Operation]) -> Result<usize, String> {
    let deprecated = operations.iter().filter(|op| op.deprecated);
    let deprecated: Vec<&str> = deprecated.map(|op| op.id.as_str()).collect();
    let note = "part of the legacy bridge (API Legada), kept for integrations with the previous \
                API; new integrations use the v1 operations";
    let mut marked = 0;
    for method in client_methods(file) {
        if deprecated.contains(&method.sig.ident.to_string().as_str()) {
            marked += 1;
            method
                .attrs
                .push(syn::parse_quote!(#[deprecated(note = #note)]));
        }
    }
    if marked != deprecated.len() {
        return Err(format!(
            "{marked} of the {} deprecated operations have a method on `Client`; update \
             `mark_deprecated` in codegen/docs.rs",
            deprecated.len()
        ));
    }
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::codegen::testing::PLACEHOLDERS;

    fn client() -> (syn::File, usize) {
        let spec = crate::codegen::testing::fixture();
        let mut file = crate::codegen::testing::client();
        let filled = document(&mut file, &spec, "the client").expect("every item described");
        (file, filled)
    }

    #[test]
    fn the_client_s_docs_come_from_the_spec() {
        let (file, filled) = client();
        // progenitor's output for the fixture leaves this many public items undocumented: a
        // change means progenitor documents (or leaves) other items; check the texts below.
        assert_eq!(filled, 33, "progenitor changed what it documents");
        let code = prettyplease::unparse(&file);
        // A setter of a type's builder: the property's description.
        assert!(
            code.contains("/// Name of the widget.\n            pub fn name<T>("),
            "{code}"
        );
        // A `$ref` field: the referenced schema's description.
        assert!(
            code.contains("/// Where a page is among the pages.\n        pub page_infos:"),
            "{code}"
        );
        // A request builder's setter: the parameter's description, through a `$ref`.
        assert!(
            code.contains("/// Page to return, counting from 1.\n        pub fn page<V>("),
            "{code}"
        );
        assert!(
            code.contains("/// The widget to create.\n        pub fn body<V>("),
            "{code}"
        );
        assert!(
            code.contains("/// Builder for [`Widget`](super::Widget), one field at a time;"),
            "{code}"
        );
        for placeholder in PLACEHOLDERS {
            assert!(!code.contains(placeholder), "{placeholder}");
        }
        let undocumented = crate::codegen::testing::undocumented(&file);
        assert!(undocumented.is_empty(), "{undocumented:#?}");
    }

    #[test]
    fn an_undescribed_property_is_an_error() {
        let mut spec = crate::codegen::testing::fixture();
        let openapiv3::ReferenceOr::Item(page_infos) = spec
            .components
            .as_mut()
            .unwrap()
            .schemas
            .get_mut("PageInfos")
            .unwrap()
        else {
            unreachable!()
        };
        page_infos.schema_data.description = None;
        let mut file = crate::codegen::testing::client();
        let error = document(&mut file, &spec, "the client").unwrap_err();
        assert!(error.contains("WidgetList.page_infos"), "{error}");
    }

    #[test]
    fn the_legacy_method_is_deprecated_and_the_constructors_hidden() {
        let spec = crate::codegen::testing::fixture();
        let ops = crate::codegen::analysis::operations(&spec).unwrap();
        let mut file = crate::codegen::testing::client();
        assert_eq!(mark_deprecated(&mut file, &ops), Ok(1));
        assert_eq!(hide_constructors(&mut file), Ok(2));
        let code = prettyplease::unparse(&file);
        assert!(code.contains("#[deprecated("), "{code}");
        assert!(code.contains("pub(crate) fn new(baseurl: &str"), "{code}");
        assert!(code.contains("pub(crate) fn new_with_client("), "{code}");
        assert!(!code.contains("pub fn new(baseurl"), "{code}");
    }

    #[test]
    fn the_mock_s_docs_come_from_the_spec() {
        let spec = crate::codegen::testing::fixture();
        let code = crate::codegen::generate_mock("small.yaml", &spec).expect("generates");
        for placeholder in PLACEHOLDERS {
            assert!(!code.contains(placeholder), "{placeholder}");
        }
        assert!(
            code.contains("/// Answers `404` with `value` as JSON: No such resource."),
            "{code}"
        );
        assert!(code.contains("/// Id of the widget."), "{code}");
    }
}
