//! progenitor's httpmock helpers (the `mock` feature), made to work under a base URL with a
//! path prefix.
//!
//! progenitor anchors each operation's path regex at the start (`^/v1/proposals$`), so a
//! client whose base URL is `http://host/gateway` never matches. [`allow_path_prefix`] edits
//! the parsed output:
//!
//! - each `XWhen::new(inner)` moves into `XWhen::with_prefix(inner, prefix)`, whose path regex
//!   is anchored after the (escaped) prefix, and `new` calls it with `""`: the path is still
//!   matched exactly;
//! - the regexes of the path-parameter matchers (`.id(5120)`), which repeat the whole path,
//!   are anchored at the end only (the exact path is already enforced by `with_prefix`);
//! - `impl MockServerExt for MockServer` is copied for `crate::mock::Prefixed`, which passes
//!   its prefix to `with_prefix`.

use super::analysis::Operation;
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// Every edit is counted, and a count that does not match the operations and their path
/// parameters fails the build instead of silently producing helpers that match nothing.
pub fn allow_path_prefix(file: &mut syn::File, operations: &[Operation]) -> Result<(), String> {
    let changed = |what: String| {
        format!(
            "progenitor's httpmock output changed ({what}); update `allow_path_prefix` in \
             codegen/mock.rs"
        )
    };
    let mut whens = Whens::default();
    whens.visit_file_mut(file);
    let at = file
        .items
        .iter()
        .position(|item| {
            matches!(item, syn::Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(t, _)| t.is_ident("MockServerExt"))
                    && super::type_ident(&i.self_ty).is_some_and(|name| name == "MockServer"))
        })
        .ok_or_else(|| changed("no `impl MockServerExt for MockServer`".into()))?;
    let syn::Item::Impl(mut prefixed) = file.items[at].clone() else {
        unreachable!("matched above")
    };
    prefixed.self_ty = Box::new(syn::parse_quote!(crate::mock::Prefixed<'_>));
    let mut calls = PrefixedCalls::default();
    calls.visit_item_impl_mut(&mut prefixed);
    file.items.insert(at + 1, syn::Item::Impl(prefixed));

    let parameters = operations.iter().map(|op| op.path.matches('{').count());
    let expected = (operations.len(), parameters.sum(), operations.len());
    let edits = (whens.constructors, whens.regexes.parameters, calls.calls);
    if edits != expected || calls.mocks != operations.len() || !whens.errors.is_empty() {
        return Err(changed(format!(
            "`new`, path parameters and `Prefixed` calls edited: {edits:?} of {expected:?}; \
             `self.mock` calls: {}; {}",
            calls.mocks,
            whens.errors.join(", ")
        )));
    }
    Ok(())
}

/// The `impl XWhen` blocks.
#[derive(Default)]
struct Whens {
    constructors: usize,
    regexes: Regexes,
    errors: Vec<String>,
}

impl VisitMut for Whens {
    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let is_when = block.trait_.is_none()
            && super::type_ident(&block.self_ty).is_some_and(|n| n.to_string().ends_with("When"));
        let Some(at) = block
            .items
            .iter()
            .position(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
            .filter(|_| is_when)
        else {
            return syn::visit_mut::visit_item_impl_mut(self, block);
        };
        let syn::ImplItem::Fn(new) = &mut block.items[at] else {
            unreachable!("matched above")
        };
        let mut with_prefix = new.clone();
        with_prefix.sig.ident = quote::format_ident!("with_prefix");
        with_prefix.sig.inputs.push(syn::parse_quote!(prefix: &str));
        let doc = " Matches the operation's method and path under `prefix` (such as \
            `/gateway`, the path of the client's base URL; empty for none).";
        with_prefix.attrs = vec![syn::parse_quote!(#[doc = #doc])];
        new.block = syn::parse_quote!({ Self::with_prefix(inner, "") });
        block.items.insert(at + 1, syn::ImplItem::Fn(with_prefix));
        self.constructors += 1;
        let paths = self.regexes.paths;
        self.regexes.visit_item_impl_mut(block);
        if self.regexes.paths != paths + 1 {
            let (found, name) = (self.regexes.paths - paths, block.self_ty.to_token_stream());
            self.errors
                .push(format!("{found} path regexes in `{name}`"));
        }
    }
}

/// The regexes of a `When`: `Regex::new("^/v1/x$")` (its path, in `with_prefix`) ->
/// `Regex::new(&format!("^{}{}", regex::escape(prefix), "/v1/x$"))`, and
/// `Regex::new(&format!("^/v1/x/{}$", v))` (a path parameter's) ->
/// `Regex::new(&format!("/v1/x/{}$", v))`.
#[derive(Default)]
struct Regexes {
    paths: usize,
    parameters: usize,
}

impl VisitMut for Regexes {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        let is_regex_new = matches!(&*call.func, syn::Expr::Path(f)
            if f.path.segments.iter().rev().take(2).map(|s| s.ident.to_string()).eq(["new", "Regex"]));
        if !is_regex_new || call.args.len() != 1 {
            return syn::visit_mut::visit_expr_call_mut(self, call);
        }
        match &mut call.args[0] {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(path),
                ..
            }) if path.value().starts_with("^/") => {
                let rest = &path.value()[1..];
                call.args[0] = syn::parse_quote!(&format!("^{}{}", regex::escape(prefix), #rest));
                self.paths += 1;
            }
            syn::Expr::Reference(syn::ExprReference { expr, .. }) => {
                let syn::Expr::Macro(format) = &mut **expr else {
                    return;
                };
                let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
                let Ok(mut args) = format.mac.parse_body_with(parser) else {
                    return;
                };
                let Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(template),
                    ..
                })) = args.first_mut()
                else {
                    return;
                };
                let Some(rest) = template.value().strip_prefix('^').map(str::to_string) else {
                    return;
                };
                *template = syn::LitStr::new(&rest, template.span());
                format.mac.tokens = quote::quote!(#args);
                self.parameters += 1;
            }
            _ => {}
        }
    }
}

/// In the copy of `impl MockServerExt` for `Prefixed`.
#[derive(Default)]
struct PrefixedCalls {
    calls: usize,
    mocks: usize,
}

impl VisitMut for PrefixedCalls {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        match expr {
            // `self.mock(…)` -> `self.server.mock(…)`
            syn::Expr::MethodCall(call)
                if call.method == "mock"
                    && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("self")) =>
            {
                *call.receiver = syn::parse_quote!(self.server);
                self.mocks += 1;
            }
            // `operations::XWhen::new(when)` -> `operations::XWhen::with_prefix(when, &self.prefix)`
            syn::Expr::Call(call)
                if call.args.len() == 1
                    && matches!(&call.args[0], syn::Expr::Path(p) if p.path.is_ident("when")) =>
            {
                if let syn::Expr::Path(func) = &mut *call.func {
                    let last = func.path.segments.last_mut();
                    if let Some(last) = last.filter(|last| last.ident == "new") {
                        last.ident = quote::format_ident!("with_prefix");
                        call.args.push(syn::parse_quote!(&self.prefix));
                        self.calls += 1;
                    }
                }
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock_file() -> syn::File {
        let spec = crate::codegen::testing::fixture();
        let generated = crate::codegen::handwritten::without_handwritten(&spec).unwrap();
        let tokens = progenitor::Generator::new(&crate::codegen::settings::settings(&spec))
            .httpmock(&generated, "crate")
            .expect("generates");
        syn::parse2(tokens).expect("parses")
    }

    fn operations() -> Vec<Operation> {
        let spec = crate::codegen::testing::fixture();
        let generated = crate::codegen::handwritten::without_handwritten(&spec).unwrap();
        crate::codegen::analysis::operations(&generated).unwrap()
    }

    /// Four operations in the fixture; `get_widget` has the one path parameter.
    #[test]
    fn every_matcher_is_edited() {
        let mut file = mock_file();
        allow_path_prefix(&mut file, &operations()).expect("progenitor's shape");
        let code = prettyplease::unparse(&file);
        assert_eq!(code.matches("Self::with_prefix(inner, \"\")").count(), 4);
        assert_eq!(code.matches("regex::escape(prefix)").count(), 4);
        assert_eq!(code.matches("self.server\n").count(), 4, "{code}");
        assert!(
            code.contains("pub fn with_prefix(inner: ::httpmock::When, prefix: &str) -> Self"),
            "{code}"
        );
        assert!(
            code.contains(r#"&format!("^{}{}", regex::escape(prefix), "/v1/widgets/[^/]*$")"#)
                || code.contains(r#"regex::escape(prefix), "/v1/widgets/"#),
            "{code}"
        );
        assert!(
            code.contains(r#"&format!("/v1/widgets/{}$", value.to_string())"#),
            "{code}"
        );
        assert!(
            code.contains("impl MockServerExt for crate::mock::Prefixed<'_> {"),
            "{code}"
        );
        assert_eq!(
            code.matches("::with_prefix(when, &self.prefix)").count(),
            4,
            "{code}"
        );
        assert!(!code.contains("Regex::new(\"^/"), "{code}");
    }

    #[test]
    fn a_wrong_count_is_an_error() {
        let mut operations = operations();
        operations[0].path.push_str("/{extra}");
        let error = allow_path_prefix(&mut mock_file(), &operations).unwrap_err();
        assert!(error.contains("update `allow_path_prefix`"), "{error}");
        assert!(error.contains("(4, 1, 4) of (4, 2, 4)"), "{error}");
    }
}
