//! `OPERATIONS`, what the spec says of every operation, and on every generated request
//! builder `into_request()` (the request, built once) and `call()`, which hands it with its own
//! entry of `OPERATIONS` to `crate::transport::call`: the decoded body, or the crate's `Error`
//! naming the operation and the status, without a search.

use super::analysis::Operation;
use proc_macro2::Literal;
use quote::{format_ident, quote, ToTokens};

pub fn items(operations: &[Operation]) -> Vec<syn::Item> {
    let entries = operations.iter().map(|op| {
        let (id, method, path) = (&op.id, &op.method, &op.path);
        let (deprecated, paginated) = (op.deprecated, op.paginated);
        let success = Literal::u16_unsuffixed(op.success);
        let errors = op.errors.iter().map(|&e| Literal::u16_unsuffixed(e));
        quote! {
            crate::Operation {
                id: #id,
                method: #method,
                path: #path,
                success_status: #success,
                error_statuses: &[#(#errors),*],
                deprecated: #deprecated,
                paginated: #paginated,
            }
        }
    });
    let mut out: Vec<syn::Item> = vec![syn::parse_quote! {
        /// Every operation of the spec, in the order of its paths.
        pub const OPERATIONS: &[crate::Operation] = &[#(#entries),*];
    }];
    for (index, op) in operations.iter().enumerate() {
        // The generated builders get their `call()` from `add_calls`.
        if !op.handwritten {
            continue;
        }
        let index = Literal::usize_unsuffixed(index);
        // The hand-written builder in `src/` passes this to `crate::transport::call`.
        let name = format_ident!("{}", op.id.to_ascii_uppercase());
        let doc = format!(" The entry of `{}` in [`OPERATIONS`].", op.id);
        out.push(syn::parse_quote! {
            #[doc = #doc]
            pub(crate) const #name: &crate::Operation = &OPERATIONS[#index];
        });
    }
    out
}

/// Gives every generated request builder one place that builds its request, used by both ways
/// to send it, and returns how many builders it changed.
///
/// progenitor's `send()` builds the request (parameters, URL, query, body, headers), then runs
/// the hooks (`pre`, `exec`, `post`) and decodes the answer. Its statements up to
/// `let info = OperationInfo { … }` move, unchanged, into a private `into_request()` that
/// returns the client and the request; `send()` starts with a call of it and goes on as
/// progenitor wrote it. The new `call()` hands the same request to `crate::transport::call`,
/// which sends it and makes the decoded body or the crate's `Error` (see src/transport.rs).
///
/// It fails (stopping the build) unless every `send()` has exactly one such `OperationInfo`,
/// naming an operation of the spec whose success type `send()` returns, right after the
/// request is built.
pub fn add_calls(file: &mut syn::File, operations: &[Operation]) -> Result<usize, String> {
    let builder = super::module_mut(file, "builder")?;
    let mut added = 0;
    let mut errors = Vec::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let send = block.items.iter_mut().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some() => Some(f),
            _ => None,
        });
        let Some(send) = send else {
            continue;
        };
        match split_send(send, operations) {
            Ok([into_request, call]) => {
                block.items.push(into_request);
                block.items.push(call);
                added += 1;
            }
            Err(e) => errors.push(format!("{}: {e}", block.self_ty.to_token_stream())),
        }
    }
    let generated = operations.iter().filter(|op| !op.handwritten).count();
    if !errors.is_empty() || added != generated {
        return Err(format!(
            "progenitor's output changed shape: `call()` added to {added} of {generated} \
             builders; failures: {errors:?}. Update `add_calls` in codegen/operations.rs"
        ));
    }
    Ok(added)
}

/// `T` and `E` of `send()`'s `Result<ResponseValue<T>, E>`.
fn send_types(send: &syn::ImplItemFn) -> Result<(syn::Type, syn::Type), String> {
    let syn::ReturnType::Type(_, output) = &send.sig.output else {
        return Err("`send()` returns nothing".into());
    };
    let args = |ty: &syn::Type, name: &str| -> Option<Vec<syn::Type>> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last().filter(|s| s.ident == name)?;
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args
            .iter()
            .map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    let shape = || format!("`send()` returns `{}`", output.to_token_stream());
    let [ok, error] = <[syn::Type; 2]>::try_from(args(output, "Result").ok_or_else(shape)?)
        .map_err(|_| shape())?;
    let [success] = <[syn::Type; 1]>::try_from(args(&ok, "ResponseValue").ok_or_else(shape)?)
        .map_err(|_| shape())?;
    Ok((success, error))
}

/// The operation `let info = OperationInfo { operation_id: "…" };` names, if `stmt` is that.
fn operation_of(stmt: &syn::Stmt) -> Option<String> {
    let syn::Stmt::Local(syn::Local {
        pat: syn::Pat::Ident(p),
        init: Some(init),
        ..
    }) = stmt
    else {
        return None;
    };
    match &*init.expr {
        syn::Expr::Struct(s) if p.ident == "info" && s.path.is_ident("OperationInfo") => {
            match &s.fields.first()?.expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(id),
                    ..
                }) => Some(id.value()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether `stmt` is progenitor's `header_map.append(…"api-version"…, …);`.
fn is_api_version(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) => {
            call.method == "append"
                && call.args.first().is_some_and(|name| {
                    name.to_token_stream()
                        .to_string()
                        .contains("\"api-version\"")
                })
        }
        _ => false,
    }
}

/// Moves the building of the request out of `send` and returns `into_request()` and `call()`.
fn split_send(
    send: &mut syn::ImplItemFn,
    operations: &[Operation],
) -> Result<[syn::ImplItem; 2], String> {
    let (success, error) = send_types(send)?;
    let stmts = &send.block.stmts;
    let infos: Vec<(usize, String)> = stmts
        .iter()
        .enumerate()
        .filter_map(|(at, stmt)| operation_of(stmt).map(|id| (at, id)))
        .collect();
    let [(at, id)] = &infos[..] else {
        return Err(format!("{} `OperationInfo`s", infos.len()));
    };
    let index = operations
        .iter()
        .position(|op| op.id == *id)
        .ok_or_else(|| format!("`{id}` is not an operation of the spec"))?;
    let expected = format_ident!("{}", operations[index].success_type);
    if success.to_token_stream().to_string() != quote!(types::#expected).to_string() {
        return Err(format!(
            "`send()` of `{id}` gives `{}`, the spec `types::{expected}`",
            success.to_token_stream()
        ));
    }
    let (building, sending) = stmts.split_at(*at);
    // progenitor versions every request with an `api-version` header; this API versions by
    // path (`/v1`), so the header is not built, and the map starts empty (no allocation
    // unless a header parameter is set).
    let building: Vec<syn::Stmt> = building
        .iter()
        .filter(|s| !is_api_version(s))
        .map(|s| match s {
            syn::Stmt::Local(l) if l.pat.to_token_stream().to_string() == "mut header_map" => {
                syn::parse_quote! {
                    #[allow(unused_mut)]
                    let mut header_map = ::reqwest::header::HeaderMap::new();
                }
            }
            other => other.clone(),
        })
        .collect();
    if building.len() + 1 != *at {
        return Err("no one `api-version` header to leave out".into());
    }
    let into_request: syn::ImplItem = syn::parse_quote! {
        /// The request that [`send`](Self::send) and [`call`](Self::call) send, and the client
        /// to send it with.
        fn into_request(
            self,
        ) -> ::std::result::Result<(&'a super::Client, ::reqwest::Request), #error> {
            #(#building)*
            ::std::result::Result::Ok((client, request))
        }
    };
    send.block = syn::parse_quote!({
        let (client, mut request) = self.into_request()?;
        #(#sending)*
    });
    let summary = format!(
        " Sends the request and returns the decoded body of the `{}` answer.",
        operations[index].success
    );
    let index = Literal::usize_unsuffixed(index);
    let failures = format!(
        " operation (`{id}`), the HTTP status and the body, and says whether a retry could help."
    );
    let call: syn::ImplItem = syn::parse_quote! {
        #[doc = #summary]
        ///
        /// Unlike [`send`](Self::send), failures are a [`crate::Error`] that names the
        #[doc = #failures]
        pub async fn call(self) -> ::std::result::Result<#success, crate::Error> {
            let op = &crate::OPERATIONS[#index];
            let (client, request) = self
                .into_request()
                .map_err(|error| crate::Error::unsent(op, error))?;
            crate::transport::call(client, op, request).await
        }
    };
    Ok([into_request, call])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_entry_per_operation() {
        let spec = crate::codegen::testing::fixture();
        let ops = crate::codegen::analysis::operations(&spec).expect("reads");
        let items = items(&ops);
        // The table and the upload's constant.
        assert_eq!(items.len(), 1 + 1);
        let code = crate::codegen::testing::unparse(items);
        assert_eq!(code.matches("crate::Operation {").count(), 5, "{code}");
        assert!(
            code.contains(
                "pub(crate) const CREATE_BANK_CREDIT_NOTE: &crate::Operation = &OPERATIONS[3];"
            ),
            "{code}"
        );
        assert!(code.contains("success_status: 201,"), "{code}");
    }

    /// Every generated builder builds its request once, in `into_request()`, which `send()`
    /// and `call()` use; a `send()` of another shape stops the build.
    #[test]
    fn one_request_builder_per_generated_builder() {
        let spec = crate::codegen::testing::fixture();
        let ops = crate::codegen::analysis::operations(&spec).expect("reads");
        let mut file = crate::codegen::testing::client();
        let before = prettyplease::unparse(&file);
        assert_eq!(before.matches("let info = OperationInfo {").count(), 4);
        assert_eq!(add_calls(&mut file, &ops), Ok(4));
        let after = prettyplease::unparse(&file);
        for (expected, times) in [
            ("fn into_request(", 4),
            ("let (client, mut request) = self.into_request()?;", 4),
            ("pub async fn call(", 4),
            ("crate::transport::call(client, op, request).await", 4),
            // The request is built once per builder, as progenitor wrote it.
            ("let url = format!(", 4),
            ("client.exec(request, &info)", 4),
            ("\"api-version\"", 0),
            (
                "let mut header_map = ::reqwest::header::HeaderMap::new();",
                4,
            ),
        ] {
            assert_eq!(
                after.matches(expected).count(),
                times,
                "{expected}\n{after}"
            );
        }
        assert!(after.contains("let op = &crate::OPERATIONS[1];"), "{after}");

        let mut changed = crate::codegen::testing::client();
        let send = changed
            .items
            .iter_mut()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
                _ => None,
            })
            .and_then(|(_, items)| {
                items.iter_mut().find_map(|item| match item {
                    syn::Item::Impl(i) => i.items.iter_mut().find_map(|item| match item {
                        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                        _ => None,
                    }),
                    _ => None,
                })
            })
            .expect("a send()");
        send.block
            .stmts
            .retain(|stmt| super::operation_of(stmt).is_none());
        let error = add_calls(&mut changed, &ops).expect_err("refused");
        assert!(
            error.contains("`call()` added to 3 of 4 builders")
                && error.contains("0 `OperationInfo`s"),
            "{error}"
        );
    }
}
