//! progenitor's clap CLI (the `cli` feature), adapted to the `securities` binary on the parsed
//! syntax tree: [`adapt`] for the `--json-body` flag, [`split_requests`] for the requests and
//! the output callbacks.

use super::analysis::pascal_case;
use syn::visit_mut::VisitMut;

/// How many edits [`adapt`] made, one of each per operation with a body.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Adapted {
    /// `std::fs::read_to_string(value)` -> `read_json_body(value)`.
    pub reads: usize,
    /// The help text of `--json-body`.
    pub helps: usize,
    /// `--json-body-template` flags taken out.
    pub templates: usize,
}

const HELP: &str = "Path to a file that contains the full json body.";
const NEW_HELP: &str = "File holding the JSON request body, or `-` to read it from stdin.";

/// Adapts the `--json-body` flag:
///
/// - it also takes `-` for stdin: the file is read by the binary's `read_json_body` instead
///   of `std::fs::read_to_string`;
/// - its help says so;
/// - the `--json-body-template` flag goes: progenitor declares it (with the help text "XXX")
///   but never reads it.
///
/// Every edit is counted, and the counts must agree (one of each per operation with a body),
/// so a change in progenitor's output fails the build.
pub fn adapt(file: &mut syn::File) -> Result<Adapted, String> {
    let mut adapted = Adapted::default();
    adapted.visit_file_mut(file);
    if adapted.reads == 0 || adapted.helps != adapted.reads || adapted.templates != adapted.reads {
        return Err(format!(
            "progenitor's CLI output changed ({adapted:?}); update `adapt` in codegen/cli.rs"
        ));
    }
    Ok(adapted)
}

impl VisitMut for Adapted {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        match expr {
            syn::Expr::Call(call)
                if matches!(&*call.func, syn::Expr::Path(p)
                    if quote::ToTokens::to_token_stream(&p.path).to_string()
                        == "std :: fs :: read_to_string") =>
            {
                *call.func = syn::parse_quote!(read_json_body);
                self.reads += 1;
            }
            // `.arg(::clap::Arg::new("json-body-template")…)`: the receiver alone.
            syn::Expr::MethodCall(call) if call.method == "arg" && call.args.len() == 1 => {
                let mut names = ArgName(None);
                names.visit_expr_mut(&mut call.args[0]);
                if names.0.as_deref() == Some("json-body-template") {
                    *expr = (*call.receiver).clone();
                    self.templates += 1;
                    return self.visit_expr_mut(expr);
                }
            }
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) if text.value() == HELP => {
                *text = syn::LitStr::new(NEW_HELP, text.span());
                self.helps += 1;
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The name of the innermost `Arg::new("name")` of an expression.
struct ArgName(Option<String>);

impl VisitMut for ArgName {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        let is_arg_new = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.len() >= 2
                && p.path.segments[p.path.segments.len() - 2].ident == "Arg"
                && p.path.segments[p.path.segments.len() - 1].ident == "new");
        if let (
            true,
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })),
        ) = (is_arg_new, call.args.first())
        {
            self.0 = Some(name.value());
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

/// Adapts progenitor's `Cli` and `CliConfig`, on the parsed CLI code:
///
/// - each `Cli::execute_<op>` is split in two: `request_<op>(matches)` builds the request from
///   the subcommand's arguments (with the `CliConfig::execute_<op>` hook), and `execute_<op>`
///   sends it; the binary builds list requests with the same code to follow their pages;
/// - the request is sent with `call()` instead of `send()`, so that a failure is the crate's
///   `Error` (bounded text naming the operation and the status): `CliConfig::success_item`
///   takes the body and `CliConfig::error` that error, and the callbacks that progenitor
///   declares but never calls for this spec (`success_no_item`, `list_*`) go.
///
/// Returns how many operations were split; the caller checks that it is all of them.
pub fn split_requests(file: &mut syn::File) -> Result<usize, String> {
    let mut split = 0;
    let mut callbacks = 0;
    for item in &mut file.items {
        match item {
            syn::Item::Impl(cli)
                if cli.trait_.is_none()
                    && matches!(&*cli.self_ty, syn::Type::Path(ty)
                        if ty.path.segments.last().is_some_and(|s| s.ident == "Cli")) =>
            {
                let mut requests: Vec<syn::ImplItem> = Vec::new();
                for member in &mut cli.items {
                    let syn::ImplItem::Fn(execute) = member else {
                        continue;
                    };
                    if let Some(request) = split_execute(execute)? {
                        requests.push(request);
                        split += 1;
                    }
                }
                cli.items.extend(requests);
            }
            syn::Item::Trait(config) if config.ident == "CliConfig" => {
                callbacks = replace_callbacks(config);
            }
            _ => {}
        }
    }
    if callbacks != 7 {
        return Err(changed(&format!(
            "`CliConfig` has {callbacks} of the 7 output callbacks"
        )));
    }
    Ok(split)
}

fn changed(what: &str) -> String {
    format!("progenitor's CLI output changed ({what}); update `split_requests` in codegen/cli.rs")
}

/// For `execute_<op>`: moves its statements up to `request.send()` into a new
/// `request_<op>()` (returned), and makes it call that and then `call()`. `None` for any
/// other method.
fn split_execute(execute: &mut syn::ImplItemFn) -> Result<Option<syn::ImplItem>, String> {
    let text = |stmt: &syn::Stmt| quote::quote!(#stmt).to_string();
    let send: syn::Stmt = syn::parse_quote!(let result = request.send().await;);
    let name = execute.sig.ident.to_string();
    let Some(op) = name.strip_prefix("execute_") else {
        return Ok(None);
    };
    let stmts = &mut execute.block.stmts;
    let at = stmts
        .iter()
        .position(|stmt| text(stmt) == text(&send))
        .ok_or_else(|| changed(&format!("`{name}` has no `request.send()`")))?;
    let build: Vec<syn::Stmt> = stmts.drain(..at).collect();
    stmts[0] = syn::parse_quote!(let result = request.call().await;);
    let request = quote::format_ident!("request_{op}");
    stmts.insert(0, syn::parse_quote!(let request = self.#request(matches)?;));
    let builder = quote::format_ident!("{}", pascal_case(op));
    let doc = format!(
        " The `{op}` request that the subcommand's arguments describe, after \
         `CliConfig::execute_{op}`."
    );
    Ok(Some(syn::parse_quote! {
        #[doc = #doc]
        pub fn #request(
            &self,
            matches: &::clap::ArgMatches,
        ) -> anyhow::Result<builder::#builder<'_>> {
            #(#build)*
            Ok(request)
        }
    }))
}

/// `CliConfig`'s output callbacks of progenitor's (one per kind of answer, and the list
/// ones) replaced by `success_item` and the crate's `error`; returns how many went.
fn replace_callbacks(config: &mut syn::ItemTrait) -> usize {
    let before = config.items.len();
    config.items.retain(|member| {
        let syn::TraitItem::Fn(f) = member else {
            return true;
        };
        let name = f.sig.ident.to_string();
        !(matches!(name.as_str(), "success_item" | "error" | "success_no_item")
            || name.starts_with("list_"))
    });
    let removed = before - config.items.len();
    config.items.insert(
        0,
        syn::parse_quote! {
            /// A failure, as the crate's error.
            fn error(&self, value: &securities_api::Error);
        },
    );
    config.items.insert(
        0,
        syn::parse_quote! {
            /// The body of a success answer.
            fn success_item<T>(&self, value: &T)
            where
                T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug;
        },
    );
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli_file() -> syn::File {
        let spec = crate::codegen::testing::fixture();
        let generated = crate::codegen::handwritten::without_handwritten(&spec).unwrap();
        let tokens = progenitor::Generator::new(&crate::codegen::settings::settings(&spec))
            .cli(&generated, "securities_api")
            .expect("generates");
        syn::parse2(tokens).expect("parses")
    }

    /// `create_widget` is the fixture's one operation with a body.
    #[test]
    fn the_json_body_flag_is_adapted() {
        let mut file = cli_file();
        let adapted = adapt(&mut file).expect("progenitor's shape");
        assert_eq!(
            adapted,
            Adapted {
                reads: 1,
                helps: 1,
                templates: 1
            }
        );
        let code = prettyplease::unparse(&file);
        assert!(code.contains("read_json_body(value)"), "{code}");
        assert!(code.contains(NEW_HELP), "{code}");
        assert!(
            !code.contains("json-body-template") && !code.contains("XXX"),
            "{code}"
        );
        // Nothing left to adapt: a second pass is an error.
        assert!(adapt(&mut file).is_err());
    }

    #[test]
    fn every_request_is_split() {
        let mut file = cli_file();
        assert_eq!(split_requests(&mut file), Ok(4));
        let code = prettyplease::unparse(&file);
        assert!(code.contains("pub fn request_get_widget("), "{code}");
        assert!(
            code.contains("let result = request.call().await;"),
            "{code}"
        );
        assert!(!code.contains("request.send().await"), "{code}");
        assert!(
            code.contains("fn error(&self, value: &securities_api::Error);"),
            "{code}"
        );
    }
}
