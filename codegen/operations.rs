//! `OPERATIONS`, what the spec says of every operation, and `call()` on every generated
//! request builder: the request `send()` builds, and then the decoded body or the crate's
//! `Error`, which names the operation and the status, and the body alone. Each `call()` hands
//! its own entry of `OPERATIONS` to `crate::error`, so an error knows its operation without a
//! search.

use super::analysis::Operation;
use super::handwritten::HANDWRITTEN;
use quote::{format_ident, quote, ToTokens};

pub fn items(operations: &[Operation]) -> Vec<syn::Item> {
    let entries = operations.iter().map(|op| {
        let Operation {
            id,
            method,
            path,
            success,
            deprecated,
            paginated,
            ..
        } = op;
        let success = proc_macro2::Literal::u16_unsuffixed(*success);
        quote! {
            crate::Operation {
                id: #id,
                method: #method,
                path: #path,
                success_status: #success,
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
        if !HANDWRITTEN.iter().any(|(id, _)| *id == op.id) {
            continue;
        }
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        // The hand-written builder in `src/` passes this to `crate::error::finish`.
        let name = format_ident!("{}", op.id.to_ascii_uppercase());
        let doc = format!(" The entry of `{}` in [`OPERATIONS`].", op.id);
        out.push(syn::parse_quote! {
            #[doc = #doc]
            pub(crate) const #name: &crate::Operation = &OPERATIONS[#index];
        });
    }
    out
}

/// Adds `call()` to every generated request builder, next to progenitor's `send()`, and
/// returns how many it added.
///
/// `call()` builds the request with `send()`'s own statements (copied from the syntax tree, so
/// parameters, URL, query, body and headers are progenitor's), then hands it to
/// `Client::answer` (the request hook's retries, span and size cap, without the
/// `reqwest::Response` that the hook must rebuild for progenitor) and to
/// `crate::error::conclude`, which decodes the success body with `serde_json::from_slice` and
/// turns every failure into the same `crate::Error` as `crate::error::finish` makes of
/// `send()`'s outcome. The status is classified with the arms of `send()`'s own `match`.
///
/// It fails (stopping the build) unless every `send()` ends exactly as progenitor 0.15 writes
/// it: `let result = client.exec(request, &info).await;`, `client.post(&result, &info).await?;`,
/// `let response = result?;` and a `match response.status().as_u16()` whose arms decode the
/// success type, decode an `ErrorResponse` or hand over an `UnexpectedResponse` (`_`, last),
/// with one `OperationInfo` naming an operation of the spec and one `call()` per generated
/// operation.
pub fn add_calls(file: &mut syn::File, operations: &[Operation]) -> Result<usize, String> {
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .map(|(_, items)| items)
        .ok_or("progenitor's output has no `builder` module")?;
    let mut added = 0;
    let mut errors = Vec::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let send = block.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some() => Some(f),
            _ => None,
        });
        let Some(send) = send else {
            continue;
        };
        match call_for(send, operations) {
            Ok(call) => {
                block.items.push(syn::ImplItem::Fn(call));
                added += 1;
            }
            Err(e) => errors.push(format!("{}: {e}", block.self_ty.to_token_stream())),
        }
    }
    let generated = operations
        .iter()
        .filter(|op| !HANDWRITTEN.iter().any(|(id, _)| *id == op.id))
        .count();
    if !errors.is_empty() || added != generated {
        return Err(format!(
            "progenitor's output changed shape: `call()` added to {added} of {generated} \
             builders; failures: {errors:?}. Update `add_calls` in codegen/operations.rs"
        ));
    }
    Ok(added)
}

/// `expr` without the braces of a block that holds nothing else (progenitor writes some arms
/// with them, some without).
fn bare(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Block(b) if b.attrs.is_empty() && b.label.is_none() => {
            match &b.block.stmts[..] {
                [syn::Stmt::Expr(inner, None)] => bare(inner),
                _ => expr,
            }
        }
        _ => expr,
    }
}

/// The `call()` of the builder whose `send()` is `send`.
fn call_for(send: &syn::ImplItemFn, operations: &[Operation]) -> Result<syn::ImplItemFn, String> {
    let same = |a: &dyn ToTokens, b: proc_macro2::TokenStream| {
        a.to_token_stream().to_string() == b.to_string()
    };
    // The success type, from `Result<ResponseValue<T>, Error<crate::ApiError>>`.
    let syn::ReturnType::Type(_, output) = &send.sig.output else {
        return Err("`send()` returns nothing".into());
    };
    let (success, error) = match &**output {
        syn::Type::Path(p)
            if p.path.segments.len() == 1 && p.path.segments[0].ident == "Result" =>
        {
            match &p.path.segments[0].arguments {
                syn::PathArguments::AngleBracketed(args) if args.args.len() == 2 => {
                    let (ok, err) = (&args.args[0], &args.args[1]);
                    // `Error<crate::ApiError>`, or `Error<()>` for an operation without error
                    // statuses (none in the real spec).
                    let is_error = matches!(err, syn::GenericArgument::Type(syn::Type::Path(e))
                        if e.path.segments.len() == 1 && e.path.segments[0].ident == "Error");
                    if !is_error {
                        return Err(format!("`send()` fails with `{}`", err.to_token_stream()));
                    }
                    let ok = match ok {
                        syn::GenericArgument::Type(syn::Type::Path(v))
                            if v.path.segments.len() == 1
                                && v.path.segments[0].ident == "ResponseValue" =>
                        {
                            match &v.path.segments[0].arguments {
                                syn::PathArguments::AngleBracketed(t) if t.args.len() == 1 => {
                                    t.args[0].clone()
                                }
                                _ => return Err("`ResponseValue` without one type".into()),
                            }
                        }
                        _ => return Err(format!("`send()` gives `{}`", ok.to_token_stream())),
                    };
                    (ok, err.clone())
                }
                _ => return Err("`send()` returns a `Result` without two types".into()),
            }
        }
        other => return Err(format!("`send()` returns `{}`", other.to_token_stream())),
    };
    let stmts = &send.block.stmts;
    let tail: [proc_macro2::TokenStream; 3] = [
        quote!(let result = client.exec(request, &info).await;),
        quote!(client.post(&result, &info).await?;),
        quote!(let response = result?;),
    ];
    let n = stmts.len();
    if n < 5 || !(0..3).all(|i| same(&stmts[n - 4 + i], tail[i].clone())) {
        return Err("`send()` does not end with `exec`, `post`, `result?` and a `match`".into());
    }
    let syn::Stmt::Expr(syn::Expr::Match(answer), None) = &stmts[n - 1] else {
        return Err("`send()` does not end with a `match`".into());
    };
    if !same(&answer.expr, quote!(response.status().as_u16())) {
        return Err("the `match` is not on `response.status().as_u16()`".into());
    }
    let prefix = &stmts[..n - 4];
    if !same(
        &prefix[prefix.len() - 1],
        quote!(client.pre(&mut request, &info).await?;),
    ) {
        return Err("no `client.pre(&mut request, &info).await?` before `exec`".into());
    }
    // The operation, from `let info = OperationInfo { operation_id: "…" };`.
    let ids: Vec<String> = prefix
        .iter()
        .filter_map(|stmt| match stmt {
            syn::Stmt::Local(syn::Local {
                pat: syn::Pat::Ident(p),
                init: Some(init),
                ..
            }) if p.ident == "info" => match &*init.expr {
                syn::Expr::Struct(s) if s.path.is_ident("OperationInfo") && s.fields.len() == 1 => {
                    match &s.fields[0].expr {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(id),
                            ..
                        }) => Some(id.value()),
                        _ => None,
                    }
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    let [id] = &ids[..] else {
        return Err(format!("{} `OperationInfo`s", ids.len()));
    };
    let index = operations
        .iter()
        .position(|op| op.id == *id)
        .ok_or_else(|| format!("`{id}` is not an operation of the spec"))?;
    let op = &operations[index];
    let expected = format_ident!("{}", op.success_type);
    if !same(&success, quote!(types::#expected)) {
        return Err(format!(
            "`send()` of `{id}` gives `{}`, the spec `types::{expected}`",
            success.to_token_stream()
        ));
    }
    // The arms, as a classification of the status.
    // Strings, not `parse_quote!`: rustfmt would add trailing commas to the tokens.
    let arm = |code: &str| syn::parse_str::<syn::Expr>(code).expect("parses");
    let success_arm = arm("ResponseValue::from_response(response).await");
    let error_arm = arm("Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))");
    let unlisted_arm = arm("Err(Error::UnexpectedResponse(response))");
    let (mut successes, mut wild) = (0, 0);
    let mut arms = Vec::new();
    for (i, arm) in answer.arms.iter().enumerate() {
        let pat = &arm.pat;
        let is_wild = matches!(pat, syn::Pat::Wild(_));
        let is_status = matches!(
            pat,
            syn::Pat::Lit(syn::ExprLit {
                lit: syn::Lit::Int(_),
                ..
            })
        );
        if !(is_wild || is_status) {
            return Err(format!("an arm `{}`", pat.to_token_stream()));
        }
        let body = bare(&arm.body);
        let listed = if is_status && same(body, bare(&success_arm).to_token_stream()) {
            successes += 1;
            quote!(crate::error::Listed::Success)
        } else if is_status && same(body, bare(&error_arm).to_token_stream()) {
            quote!(crate::error::Listed::Error)
        } else if is_wild
            && i + 1 == answer.arms.len()
            && same(body, bare(&unlisted_arm).to_token_stream())
        {
            wild += 1;
            quote!(crate::error::Listed::Unlisted)
        } else {
            return Err(format!(
                "an arm `{} => {}`",
                pat.to_token_stream(),
                body.to_token_stream()
            ));
        };
        arms.push(quote!(#pat => #listed,));
    }
    if successes != 1 || wild != 1 {
        return Err(format!("{successes} success arms and {wild} `_` arms"));
    }
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let summary = format!(
        " Sends the request and returns the decoded body of the `{}` answer.",
        op.success
    );
    let failures = format!(
        " operation (`{}`), the HTTP status and the body, and says whether a retry could help.",
        op.id
    );
    Ok(syn::parse_quote! {
        #[doc = #summary]
        ///
        /// Unlike [`send`](Self::send), failures are a [`crate::Error`] that names the
        #[doc = #failures]
        pub async fn call(self) -> ::std::result::Result<#success, crate::Error> {
            let op = &crate::OPERATIONS[#index];
            // `send()`'s own statements up to the request hook.
            let prepared = async move {
                #(#prefix)*
                ::std::result::Result::Ok::<_, #error>((client, request, info))
            }
            .await;
            let (client, request, info) = match prepared {
                ::std::result::Result::Ok(prepared) => prepared,
                ::std::result::Result::Err(error) => {
                    return crate::error::finish::<#success>(op, ::std::result::Result::Err(error))
                        .await;
                }
            };
            let answer = client.answer(request, &info).await;
            crate::error::conclude(op, answer, |status| match status {
                #(#arms)*
            })
            .await
        }
    })
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

    /// A `call()` per generated builder, built from `send()`'s own statements; and progenitor's
    /// `send()` as `add_calls` expects it, so that a new progenitor fails here first.
    #[test]
    fn a_call_per_generated_builder_from_its_send() {
        let spec = crate::codegen::testing::fixture();
        let ops = crate::codegen::analysis::operations(&spec).expect("reads");
        let mut file = crate::codegen::testing::client();
        crate::codegen::api_version::drop_header(&mut file).expect("drops");
        let before = prettyplease::unparse(&file);
        // progenitor's shape, as `call_for` reads it.
        for (expected, times) in [
            ("let result = client.exec(request, &info).await;", 4),
            ("client.post(&result, &info).await?;", 4),
            ("let response = result?;", 4),
            ("match response.status().as_u16() {", 4),
            ("u16 => ResponseValue::from_response(response).await,", 4),
            // One operation of the fixture lists no error status.
            ("ResponseValue::from_response(response).await?", 3),
            ("_ => Err(Error::UnexpectedResponse(response)),", 4),
        ] {
            assert_eq!(
                before.matches(expected).count(),
                times,
                "{expected}\n{before}"
            );
        }
        assert_eq!(add_calls(&mut file, &ops), Ok(4));
        let after = prettyplease::unparse(&file);
        assert_eq!(after.matches("pub async fn call(").count(), 4, "{after}");
        assert_eq!(
            after
                .matches("let answer = client.answer(request, &info).await;")
                .count(),
            4
        );
        assert!(after.contains("let op = &crate::OPERATIONS[1];"), "{after}");
        assert!(
            after.contains("crate::error::conclude(")
                && after.contains("=> crate::error::Listed::Success,")
                && after.contains("=> crate::error::Listed::Error,")
                && after.contains("_ => crate::error::Listed::Unlisted,"),
            "{after}"
        );
        // `send()` is untouched: its `exec` is still there, once per builder.
        assert_eq!(after.matches("client.exec(request, &info)").count(), 4);
        // A `send()` of another shape stops the build instead of a `call()` half made.
        let mut changed = crate::codegen::testing::client();
        crate::codegen::api_version::drop_header(&mut changed).expect("drops");
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
        let n = send.block.stmts.len();
        send.block.stmts[n - 2] = syn::parse_quote!(let response = result.unwrap(););
        let error = add_calls(&mut changed, &ops).expect_err("refused");
        assert!(
            error.contains("`call()` added to 3 of 4 builders"),
            "{error}"
        );
    }
}
