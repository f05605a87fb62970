//! Pagination: `PAGINATED_OPERATIONS`, the `Page` impl of every list type, and `pages()` and
//! `stream()` on the request builder of every list operation, thin calls into the
//! hand-written `src/pagination.rs`.

use super::analysis::{is_lower_name, operations, pascal_case, schema_ref_name};
use quote::format_ident;

/// A list operation whose pages the client can follow: a `page` query parameter and a success
/// answer whose schema holds `page_infos` and exactly one array property.
pub struct PaginatedList {
    /// The `operationId`, snake case (the client's method).
    id: String,
    /// The schema of the whole page, such as `ProposalList`.
    page_type: String,
    /// The array property holding the items, such as `proposals`.
    items_field: String,
    /// The schema of one item, such as `Proposal`.
    item_type: String,
}

/// Every paginated operation (see [`analysis::operations`](super::analysis::operations)),
/// checked to be followable: an operation with `page` whose answer has no `page_infos` is a
/// spec error, not a silent omission, because the client would have no way to reach the next
/// page.
pub fn lists(spec: &openapiv3::OpenAPI) -> Result<Vec<PaginatedList>, String> {
    let mut out = Vec::new();
    for op in operations(spec)?.into_iter().filter(|op| op.paginated) {
        let at = format!("{} ({} {})", op.id, op.method, op.path);
        let (items_field, item_type) = list_shape(spec, &at, &op.success_type)?;
        if !is_lower_name(&op.id, '_') || !is_lower_name(&items_field, '_') {
            return Err(format!(
                "{at}: `{}` and `{items_field}` must be snake_case identifiers",
                op.id
            ));
        }
        out.push(PaginatedList {
            id: op.id,
            page_type: op.success_type,
            items_field,
            item_type,
        });
    }
    Ok(out)
}

/// The items of the page schema `page_type`: its one array property and the schema of its
/// items, once `page_infos` is checked to be there.
fn list_shape(
    spec: &openapiv3::OpenAPI,
    at: &str,
    page_type: &str,
) -> Result<(String, String), String> {
    let schema = super::analysis::schema(spec, page_type)
        .ok_or_else(|| format!("{at}: schema `{page_type}` is missing or is a $ref"))?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return Err(format!("{at}: `{page_type}` is not an object"));
    };
    if !object.properties.contains_key("page_infos") {
        return Err(format!(
            "{at}: takes `page` but `{page_type}` has no `page_infos` to find the next page"
        ));
    }
    let arrays: Vec<(&String, Option<String>)> = object
        .properties
        .iter()
        .filter_map(|(name, property)| match &property.as_item()?.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => {
                let item = match array.items.as_ref().map(|i| i.clone().unbox()) {
                    Some(openapiv3::ReferenceOr::Reference { reference }) => {
                        schema_ref_name(&reference).map(str::to_string)
                    }
                    _ => None,
                };
                Some((name, item))
            }
            _ => None,
        })
        .collect();
    match arrays.as_slice() {
        [(name, Some(item))] => Ok(((*name).clone(), item.clone())),
        [(name, None)] => Err(format!(
            "{at}: the items of `{page_type}.{name}` must be a $ref to a named schema"
        )),
        _ => Err(format!(
            "{at}: `{page_type}` must have exactly one array property (it has {})",
            arrays.len()
        )),
    }
}

/// Per paginated list: the `Page` impl of its page type and the `pages()`/`stream()`
/// methods of its request builder.
pub fn items(lists: &[PaginatedList]) -> Vec<syn::Item> {
    let ids = lists.iter().map(|l| &l.id);
    let mut out: Vec<syn::Item> = vec![syn::parse_quote! {
        /// Every list operation whose pages `pages()` and `stream()` follow.
        pub const PAGINATED_OPERATIONS: &[&str] = &[#(#ids),*];
    }];
    let mut page_types = std::collections::BTreeSet::new();
    for list in lists {
        let id = &list.id;
        let page_type = format_ident!("{}", list.page_type);
        let item_type = format_ident!("{}", list.item_type);
        let items_field = format_ident!("{}", list.items_field);
        let builder = format_ident!("{}", pascal_case(id));
        // Two operations may answer with the same list type (signers and document signers).
        if page_types.insert(list.page_type.as_str()) {
            out.push(syn::parse_quote! {
                impl crate::pagination::Page for types::#page_type {
                    type Item = types::#item_type;
                    fn page_infos(&self) -> &types::PageInfos {
                        &self.page_infos
                    }
                    fn into_items(self) -> ::std::vec::Vec<types::#item_type> {
                        self.#items_field
                    }
                }
            });
        }
        let pages_doc = format!(
            " Every page of [`Client::{id}`], starting from the page set on this request (the first"
        );
        let stream_doc = format!(
            " Every item of every page of [`Client::{id}`] (the `{}` of each page), in",
            list.items_field
        );
        out.push(syn::parse_quote! {
            impl<'a> builder::#builder<'a> {
                #[doc = #pages_doc]
                /// one when none is) and following `page_infos.next_page` until it is null: lazily, one
                /// request per page, ending after the first error. See [`crate::pagination`].
                pub fn pages(
                    self,
                ) -> impl futures::Stream<Item = Result<types::#page_type, crate::Error>> + Unpin + 'a {
                    crate::pagination::pages(#id, self, |request: Self, page: Option<i32>| {
                        let request = match page {
                            Some(page) => request.page(page),
                            None => request,
                        };
                        request.call()
                    })
                }

                #[doc = #stream_doc]
                /// order; see [`pages`](Self::pages).
                pub fn stream(
                    self,
                ) -> impl futures::Stream<Item = Result<types::#item_type, crate::Error>> + Unpin + 'a {
                    crate::pagination::items(self.pages())
                }
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_s_list_is_followed() {
        let spec = crate::codegen::testing::fixture();
        let lists = lists(&spec).expect("followable");
        assert_eq!(lists.len(), 1);
        let PaginatedList {
            id,
            page_type,
            items_field,
            item_type,
        } = &lists[0];
        assert_eq!(
            [id.as_str(), page_type, items_field, item_type],
            ["list_widgets", "WidgetList", "widgets", "Widget"]
        );
        // The constant, the `Page` impl, `pages()` and `stream()`.
        let items = items(&lists);
        assert_eq!(items.len(), 3);
        let code = crate::codegen::testing::unparse(items);
        assert!(
            code.contains("impl crate::pagination::Page for types::WidgetList {"),
            "{code}"
        );
        assert!(
            code.contains("impl<'a> builder::ListWidgets<'a> {"),
            "{code}"
        );
    }

    #[test]
    fn a_page_without_page_infos_is_an_error() {
        let mut spec = crate::codegen::testing::fixture();
        let schemas = &mut spec.components.as_mut().unwrap().schemas;
        let openapiv3::ReferenceOr::Item(list) = schemas.get_mut("WidgetList").unwrap() else {
            unreachable!()
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &mut list.schema_kind
        else {
            unreachable!()
        };
        object.properties.shift_remove("page_infos");
        let error = lists(&spec).err().expect("refused");
        assert!(error.contains("no `page_infos`"), "{error}");
    }
}
