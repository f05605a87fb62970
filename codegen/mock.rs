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

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// How many edits of each kind [`allow_path_prefix`] made.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Edits {
    /// `XWhen::new` split into `new` and `with_prefix`.
    pub constructors: usize,
    /// Path regexes anchored after the prefix.
    pub paths: usize,
    /// Path-parameter regexes anchored at the end only.
    pub parameters: usize,
    /// `XWhen::new(when)` calls of the `Prefixed` impl turned into `with_prefix`.
    pub prefixed_calls: usize,
    /// `self.mock(…)` calls of the `Prefixed` impl turned into `self.server.mock(…)`.
    pub prefixed_mocks: usize,
}

/// Every edit is counted, and a count that does not match the operations (or no parameter
/// regex at all) fails the build instead of silently producing helpers that match nothing.
pub fn allow_path_prefix(file: &mut syn::File, operations: usize) -> Result<Edits, String> {
    let changed = |what: String| {
        format!(
            "progenitor's httpmock output changed ({what}); update `allow_path_prefix` in \
             codegen/mock.rs"
        )
    };
    let mut whens = Whens::default();
    whens.visit_file_mut(file);
    if let Some(error) = whens.error {
        return Err(changed(error));
    }
    let mut edits = whens.edits;

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
    edits.prefixed_calls = calls.calls;
    edits.prefixed_mocks = calls.mocks;
    file.items.insert(at + 1, syn::Item::Impl(prefixed));

    if edits.constructors != operations
        || edits.paths != operations
        || edits.parameters == 0
        || edits.prefixed_calls != operations
        || edits.prefixed_mocks != operations
    {
        return Err(changed(format!("{edits:?} for {operations} operations")));
    }
    Ok(edits)
}

fn is_regex_new(expr: &syn::Expr) -> Option<&syn::Expr> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let syn::Expr::Path(func) = &*call.func else {
        return None;
    };
    let names: Vec<String> = func
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    (names.ends_with(&["Regex".to_string(), "new".to_string()]) && call.args.len() == 1)
        .then(|| &call.args[0])
}

/// The `impl XWhen` blocks.
#[derive(Default)]
struct Whens {
    edits: Edits,
    error: Option<String>,
}

impl VisitMut for Whens {
    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let is_when = block.trait_.is_none()
            && super::type_ident(&block.self_ty)
                .is_some_and(|name| name.to_string().ends_with("When"));
        if !is_when {
            return syn::visit_mut::visit_item_impl_mut(self, block);
        }
        let mut added = Vec::new();
        for member in &mut block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            if method.sig.ident == "new" {
                let mut with_prefix = method.clone();
                with_prefix.sig.ident = quote::format_ident!("with_prefix");
                with_prefix.sig.inputs.push(syn::parse_quote!(prefix: &str));
                let doc = " Matches the operation's method and path under `prefix` (such as \
                    `/gateway`, the path of the client's base URL; empty for none).";
                with_prefix.attrs = vec![syn::parse_quote!(#[doc = #doc])];
                let mut paths = PathRegex::default();
                paths.visit_block_mut(&mut with_prefix.block);
                if paths.edited != 1 {
                    self.error = Some(format!(
                        "{} path regexes in `{}::new`",
                        paths.edited,
                        quote::ToTokens::to_token_stream(&block.self_ty)
                    ));
                }
                self.edits.paths += paths.edited;
                method.block = syn::parse_quote!({ Self::with_prefix(inner, "") });
                added.push(syn::ImplItem::Fn(with_prefix));
                self.edits.constructors += 1;
            } else {
                let mut parameters = ParameterRegex::default();
                parameters.visit_block_mut(&mut method.block);
                self.edits.parameters += parameters.edited;
                if let Some(error) = parameters.error {
                    self.error = Some(error);
                }
            }
        }
        // `with_prefix` right after `new`.
        let at = block
            .items
            .iter()
            .position(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
            .map_or(block.items.len(), |i| i + 1);
        for (i, item) in added.into_iter().enumerate() {
            block.items.insert(at + i, item);
        }
    }
}

/// `Regex::new("^/v1/x$")` -> `Regex::new(&format!("^{}{}", regex::escape(prefix), "/v1/x$"))`.
#[derive(Default)]
struct PathRegex {
    edited: usize,
}

impl VisitMut for PathRegex {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(path),
            ..
        })) = is_regex_new(expr)
        {
            if let Some(rest) = path.value().strip_prefix("^/") {
                let rest = format!("/{rest}");
                let syn::Expr::Call(call) = expr else {
                    unreachable!("a call")
                };
                call.args[0] = syn::parse_quote!(&format!("^{}{}", regex::escape(prefix), #rest));
                self.edited += 1;
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// `Regex::new(&format!("^/v1/x/{}$", v))` -> `Regex::new(&format!("/v1/x/{}$", v))`.
#[derive(Default)]
struct ParameterRegex {
    edited: usize,
    error: Option<String>,
}

impl VisitMut for ParameterRegex {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let Some(syn::Expr::Reference(reference)) = is_regex_new(expr) else {
            return syn::visit_mut::visit_expr_mut(self, expr);
        };
        let syn::Expr::Macro(format) = &*reference.expr else {
            return syn::visit_mut::visit_expr_mut(self, expr);
        };
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let mut args = match format.mac.parse_body_with(parser) {
            Ok(args) => args,
            Err(e) => {
                self.error = Some(format!("a `format!` that does not parse: {e}"));
                return;
            }
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
        let syn::Expr::Call(call) = expr else {
            unreachable!("a call")
        };
        call.args[0] = syn::parse_quote!(&format!(#args));
        self.edited += 1;
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
                    if let Some(last) = func.path.segments.last_mut() {
                        if last.ident == "new" {
                            last.ident = quote::format_ident!("with_prefix");
                            call.args.push(syn::parse_quote!(&self.prefix));
                            self.calls += 1;
                        }
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

    /// Four operations in the fixture; `get_widget` has the one path parameter.
    #[test]
    fn every_matcher_is_edited() {
        let mut file = mock_file();
        let edits = allow_path_prefix(&mut file, 4).expect("progenitor's shape");
        assert_eq!(
            edits,
            Edits {
                constructors: 4,
                paths: 4,
                parameters: 1,
                prefixed_calls: 4,
                prefixed_mocks: 4
            }
        );
        let code = prettyplease::unparse(&file);
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
        assert!(
            code.contains("operations::GetWidgetWhen::with_prefix(when, &self.prefix)"),
            "{code}"
        );
        assert!(!code.contains("Regex::new(\"^/"), "{code}");
    }

    #[test]
    fn a_wrong_count_is_an_error() {
        let mut file = mock_file();
        let error = allow_path_prefix(&mut file, 5).unwrap_err();
        assert!(error.contains("update `allow_path_prefix`"), "{error}");
    }
}
