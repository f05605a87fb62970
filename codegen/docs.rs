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
use syn::visit_mut::VisitMut;

/// `text` as doc attributes, one per line, each starting with a space as `///` does.
fn doc_attrs(text: &str) -> Vec<syn::Attribute> {
    text.trim_end()
        .lines()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            syn::parse_quote!(#[doc = #line])
        })
        .collect()
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn bare(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map_or(name.clone(), str::to_string)
}

/// The description of property `field` (a Rust identifier) of schema `owner`: its own, or
/// for a `$ref`, the referenced schema's.
fn property_description(spec: &OpenAPI, owner: &str, field: &str) -> Option<String> {
    let schema = analysis::schema(spec, owner)?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    object
        .properties
        .iter()
        .find(|(name, _)| analysis::ident_of(name) == field)
        .and_then(|(_, property)| analysis::boxed_description(spec, property))
}

/// The description of the parameter `name` of operation `id`.
fn parameter_description(spec: &OpenAPI, id: &str, name: &str) -> Option<String> {
    let (_, _, op) = analysis::operation(spec, id)?;
    op.parameters.iter().find_map(|p| {
        let data = analysis::resolve_parameter(spec, p)?;
        if analysis::ident_of(&data.name) != name {
            return None;
        }
        data.description.clone()
    })
}

/// The description of the request body of operation `id`: its own, or its schema's.
fn body_description(spec: &OpenAPI, id: &str) -> Option<String> {
    let (_, _, op) = analysis::operation(spec, id)?;
    let body = analysis::resolve_request_body(spec, op.request_body.as_ref()?)?;
    body.description.clone().or_else(|| {
        let schema = body.content.get("application/json")?.schema.as_ref()?;
        analysis::schema_description(spec, schema)
    })
}

/// The operation whose builder (or mock wrapper, without its suffix) is named `name`.
fn operation_named(spec: &OpenAPI, name: &str) -> Option<String> {
    spec.paths.iter().find_map(|(_, item)| {
        item.as_item()?.iter().find_map(|(_, op)| {
            let id = op.operation_id.as_ref()?;
            (pascal_case(id) == name).then(|| id.clone())
        })
    })
}

/// The doc text of `attrs`, as `///` lines hold it.
fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .collect();
    (!lines.is_empty()).then(|| {
        lines
            .iter()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The docs typify gave the structs of `types` and their fields (for inline schemas, which
/// have no name in the spec, such as a document's `file`): a builder's are the same.
#[derive(Default)]
struct TypeDocs(std::collections::HashMap<String, (Option<String>, FieldDocs)>);

/// Each field's name and doc.
type FieldDocs = Vec<(String, String)>;

impl TypeDocs {
    fn of(file: &syn::File) -> Self {
        let mut docs = TypeDocs::default();
        let types = file.items.iter().find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
            _ => None,
        });
        for item in types.map(|(_, items)| items.as_slice()).unwrap_or_default() {
            let syn::Item::Struct(s) = item else { continue };
            let fields = s
                .fields
                .iter()
                .filter_map(|f| Some((bare(f.ident.as_ref()?), doc_text(&f.attrs)?)))
                .collect();
            docs.0
                .insert(s.ident.to_string(), (doc_text(&s.attrs), fields));
        }
        docs
    }

    fn field(&self, owner: &str, field: &str) -> Option<String> {
        let (_, fields) = self.0.get(owner)?;
        fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, doc)| doc.clone())
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
    types: TypeDocs,
    place: Place,
    /// The type whose fields or impl are being visited.
    owner: Option<String>,
    filled: usize,
    missing: Vec<String>,
}

impl<'a> Fill<'a> {
    fn new(spec: &'a OpenAPI, types: TypeDocs) -> Self {
        Fill {
            spec,
            types,
            place: Place::Elsewhere,
            owner: None,
            filled: 0,
            missing: Vec::new(),
        }
    }

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
            Place::TypeBuilders => {
                property_description(spec, owner, name).or_else(|| self.types.field(owner, name))
            }
            Place::Requests => {
                let id = operation_named(spec, owner)?;
                match name {
                    "new" => Some(format!(
                        "A `{id}` request with nothing set; [`Client::{id}`](super::Client::{id}) \
                         is the usual way to get one."
                    )),
                    "body" => body_description(spec, &id),
                    "body_map" => body_description(spec, &id).map(|d| {
                        format!(
                            "Changes the request body with `f`, starting from the one set so \
                             far.\n\nThe body: {d}"
                        )
                    }),
                    parameter => parameter_description(spec, &id, parameter),
                }
            }
            Place::Mock => {
                let (id, when) = match (owner.strip_suffix("When"), owner.strip_suffix("Then")) {
                    (Some(op), _) => (operation_named(spec, op)?, true),
                    (_, Some(op)) => (operation_named(spec, op)?, false),
                    _ => return None,
                };
                let (method, path, op) = analysis::operation(spec, &id)?;
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
                    ("body", true) => body_description(spec, &id).map(|d| {
                        format!("Matches a JSON request body equal to `value`.\n\nThe body: {d}")
                    }),
                    (parameter, true) => parameter_description(spec, &id, parameter)
                        .map(|d| format!("Matches the `{parameter}` parameter.\n\n{d}")),
                    (_, false) => {
                        let mut status = Status(None);
                        status.visit_block(body);
                        let code = status.0?;
                        let response = op
                            .responses
                            .responses
                            .get(&openapiv3::StatusCode::Code(code))?;
                        let description = &analysis::resolve_response(spec, response)?.description;
                        Some(format!(
                            "Answers `{code}` with `value` as JSON: {description}"
                        ))
                    }
                }
            }
            Place::Types | Place::Elsewhere => None,
        }
    }
}

/// The status literal of `….status(200u16)` in a mock's answer.
struct Status(Option<u16>);

impl<'ast> syn::visit::Visit<'ast> for Status {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "status" {
            if let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(code),
                ..
            })) = call.args.first()
            {
                self.0 = code.base10_parse().ok();
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

impl Status {
    fn visit_block(&mut self, block: &syn::Block) {
        syn::visit::Visit::visit_block(self, block);
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
        if is_public(&item.vis) && !has_doc(&item.attrs) {
            let spec = self.spec;
            let text = match self.place {
                Place::TypeBuilders => analysis::schema(spec, &name)
                    .and_then(|schema| schema.schema_data.description.clone())
                    .or_else(|| self.types.0.get(&name).and_then(|(doc, _)| doc.clone()))
                    .map(|description| {
                        format!(
                            "Builder for [`{name}`](super::{name}), one field at a time; \
                         `try_into()` checks that the required ones are set.\n\n{description}"
                        )
                    }),
                Place::Mock => {
                    let op = |suffix| {
                        let id = operation_named(spec, name.strip_suffix(suffix)?)?;
                        let (method, path, _) = analysis::operation(spec, &id)?;
                        Some((id, method.to_uppercase(), path))
                    };
                    if let Some((id, method, path)) = op("When") {
                        Some(format!(
                            "What a request of `{id}` (`{method} {path}`) must match: the \
                             `when` of `MockServerExt::{id}`."
                        ))
                    } else {
                        op("Then").map(|(id, method, path)| {
                            format!(
                                "What the mock answers to `{id}` (`{method} {path}`): the \
                                 `then` of `MockServerExt::{id}`."
                            )
                        })
                    }
                }
                _ => None,
            };
            self.fill(&mut item.attrs, &name, text);
        }
        let previous = self.owner.replace(name);
        syn::visit_mut::visit_item_struct_mut(self, item);
        self.owner = previous;
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        if let (true, Some(ident), Some(owner)) = (is_public(&field.vis), &field.ident, &self.owner)
        {
            let name = bare(ident);
            let text = match self.place {
                Place::Types => property_description(self.spec, owner, &name),
                _ => None,
            };
            let what = format!("{owner}.{name}");
            self.fill(&mut field.attrs, &what, text);
        }
        syn::visit_mut::visit_field_mut(self, field);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let previous = std::mem::replace(&mut self.owner, type_name(&item.self_ty));
        syn::visit_mut::visit_item_impl_mut(self, item);
        self.owner = previous;
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
        if is_public(&item.vis) && !has_doc(&item.attrs) {
            let name = bare(&item.sig.ident);
            let text = self.method_doc(&name, &item.block);
            let what = format!("{}::{name}", self.owner.as_deref().unwrap_or("?"));
            self.fill(&mut item.attrs, &what, text);
        }
        syn::visit_mut::visit_impl_item_fn_mut(self, item);
    }

    fn visit_trait_item_fn_mut(&mut self, item: &mut syn::TraitItemFn) {
        // The one generated trait is the mock server's: a method per operation.
        if !has_doc(&item.attrs) {
            let id = item.sig.ident.to_string();
            let text = analysis::operation(self.spec, &id).map(|(method, path, op)| {
                let summary = op.summary.as_deref().unwrap_or("").trim_end_matches('.');
                format!(
                    "Mocks `{id}` (`{} {path}`: {summary}): `config_fn` says what the request \
                     must match and what the mock answers.",
                    method.to_uppercase()
                )
            });
            self.fill(&mut item.attrs, &id, text);
        }
        syn::visit_mut::visit_trait_item_fn_mut(self, item);
    }
}

/// Documents the client's undocumented public items from the spec; returns how many.
pub fn document_client(file: &mut syn::File, spec: &OpenAPI) -> Result<usize, String> {
    document(file, spec, "the client")
}

/// Documents the mock's undocumented public items from the spec; returns how many.
pub fn document_mock(file: &mut syn::File, spec: &OpenAPI) -> Result<usize, String> {
    document(file, spec, "the mock")
}

fn document(file: &mut syn::File, spec: &OpenAPI, what: &str) -> Result<usize, String> {
    // Twice: the fields of `types` first, whose docs the builders' setters then reuse.
    let mut fill = Fill::new(spec, TypeDocs::default());
    fill.visit_file_mut(file);
    let filled = fill.filled;
    let mut fill = Fill::new(spec, TypeDocs::of(file));
    fill.filled = filled;
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

/// Makes the generated `Client::new` and `Client::new_with_client` crate-private: they take
/// the crate-private `Inner`, so no one outside the crate can call them, and rustdoc should
/// not show them. `Client::builder()` builds every client; `new` is kept (unused) for
/// progenitor's sake. Returns how many it changed (2, or an error).
pub fn hide_constructors(file: &mut syn::File) -> Result<usize, String> {
    let mut hidden = 0;
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || block.trait_.is_some() {
            continue;
        }
        for member in &mut block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let takes_inner = method.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(t)
                    if quote::ToTokens::to_token_stream(&t.ty).to_string().ends_with(":: Inner"))
            });
            if takes_inner
                && matches!(
                    method.sig.ident.to_string().as_str(),
                    "new" | "new_with_client"
                )
            {
                method.vis = syn::parse_quote!(pub(crate));
                if method.sig.ident == "new" {
                    method.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
                }
                hidden += 1;
            }
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
    let deprecated: Vec<&str> = operations
        .iter()
        .filter(|op| op.deprecated)
        .map(|op| op.id.as_str())
        .collect();
    let mut marked = 0;
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || block.trait_.is_some() {
            continue;
        }
        for member in &mut block.items {
            if let syn::ImplItem::Fn(method) = member {
                if deprecated.contains(&method.sig.ident.to_string().as_str()) {
                    marked += 1;
                    method.attrs.push(syn::parse_quote!(
                        #[deprecated(note = "part of the legacy bridge (API Legada), kept for \
                            integrations with the previous API; new integrations use the v1 \
                            operations")]
                    ));
                }
            }
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
        let filled = document_client(&mut file, &spec).expect("every item described");
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
        let error = document_client(&mut file, &spec).unwrap_err();
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
