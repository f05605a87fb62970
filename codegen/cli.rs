//! progenitor's clap CLI (the `cli` feature), adapted to the `securities` binary on the parsed
//! syntax tree by [`adapt`].

use super::analysis::pascal_case;
use quote::ToTokens;
use syn::visit_mut::VisitMut;

const HELP: &str = "Path to a file that contains the full json body.";
const NEW_HELP: &str = "File holding the JSON request body, or `-` to read it from stdin.";

/// Adapts progenitor's `Cli` and `CliConfig`:
///
/// - `--json-body` also takes `-` for stdin: the file is read by the binary's `read_json_body`
///   instead of `std::fs::read_to_string`, and its help says so;
/// - the `--json-body-template` flag goes: progenitor declares it (with the help text "XXX")
///   but never reads it;
/// - each `Cli::execute_<op>` is split in two: `request_<op>(matches)` builds the request from
///   the subcommand's arguments (with the `CliConfig::execute_<op>` hook), and `execute_<op>`
///   sends it; the binary builds list requests with the same code to follow their pages;
/// - the request is sent with `call()` instead of `send()`, so that a failure is the crate's
///   `Error` (bounded text naming the operation and the status): `CliConfig::success_item`
///   takes the body and `CliConfig::error` that error, and the callbacks that progenitor
///   declares but never calls for this spec (`success_no_item`, `list_*`) go.
///
/// Every edit is counted (one of each `--json-body` edit per operation with a body, one split
/// per operation), so a change in progenitor's output fails the build.
pub fn adapt(file: &mut syn::File, operations: usize) -> Result<(), String> {
    let mut body = JsonBody::default();
    body.visit_file_mut(file);
    if body.reads == 0 || body.helps != body.reads || body.templates != body.reads {
        return Err(changed(&format!("{body:?}")));
    }
    let (mut split, mut callbacks) = (0, 0);
    for item in &mut file.items {
        match item {
            syn::Item::Impl(cli)
                if cli.trait_.is_none()
                    && super::type_ident(&cli.self_ty).is_some_and(|name| name == "Cli") =>
            {
                let mut requests = Vec::new();
                for member in &mut cli.items {
                    if let syn::ImplItem::Fn(execute) = member {
                        requests.extend(split_execute(execute)?);
                    }
                }
                split += requests.len();
                cli.items.extend(requests);
            }
            syn::Item::Trait(config) if config.ident == "CliConfig" => {
                callbacks = replace_callbacks(config);
            }
            _ => {}
        }
    }
    if split != operations || callbacks != 7 {
        return Err(changed(&format!(
            "{split} of the {operations} operations split, `CliConfig` has {callbacks} of the 7 \
             output callbacks"
        )));
    }
    Ok(())
}

fn changed(what: &str) -> String {
    format!("progenitor's CLI output changed ({what}); update `adapt` in codegen/cli.rs")
}

fn text(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

/// How many edits of `--json-body` were made.
#[derive(Debug, Default)]
struct JsonBody {
    /// `std::fs::read_to_string(value)` -> `read_json_body(value)`.
    reads: usize,
    /// Its help text.
    helps: usize,
    /// `--json-body-template` flags taken out.
    templates: usize,
}

impl VisitMut for JsonBody {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        match expr {
            syn::Expr::Call(call) if text(&call.func) == "std :: fs :: read_to_string" => {
                *call.func = syn::parse_quote!(read_json_body);
                self.reads += 1;
            }
            // `.arg(::clap::Arg::new("json-body-template")…)`: the receiver alone.
            syn::Expr::MethodCall(call)
                if call.method == "arg"
                    && text(&call.args).contains("Arg :: new (\"json-body-template\")") =>
            {
                *expr = (*call.receiver).clone();
                self.templates += 1;
                return self.visit_expr_mut(expr);
            }
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(help),
                ..
            }) if help.value() == HELP => {
                *help = syn::LitStr::new(NEW_HELP, help.span());
                self.helps += 1;
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// For `execute_<op>`: moves its statements up to `request.send()` into a new
/// `request_<op>()` (returned), and makes it call that and then `call()`. `None` for any
/// other method.
fn split_execute(execute: &mut syn::ImplItemFn) -> Result<Option<syn::ImplItem>, String> {
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
    let callbacks: [syn::TraitItem; 2] = [
        syn::parse_quote! {
            /// The body of a success answer.
            fn success_item<T>(&self, value: &T)
            where
                T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug;
        },
        syn::parse_quote! {
            /// A failure, as the crate's error.
            fn error(&self, value: &securities_api::Error);
        },
    ];
    config.items.splice(0..0, callbacks);
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

    /// Four operations in the fixture; `create_widget` is the one with a body.
    #[test]
    fn the_cli_is_adapted() {
        let mut file = cli_file();
        adapt(&mut file, 4).expect("progenitor's shape");
        let code = prettyplease::unparse(&file);
        assert_eq!(code.matches("read_json_body(value)").count(), 1, "{code}");
        assert_eq!(code.matches(NEW_HELP).count(), 1, "{code}");
        assert!(
            !code.contains("json-body-template") && !code.contains("XXX"),
            "{code}"
        );
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
        // Nothing left to adapt: a second pass is an error.
        assert!(adapt(&mut file, 4).is_err());
    }

    #[test]
    fn a_wrong_count_is_an_error() {
        let error = adapt(&mut cli_file(), 5).unwrap_err();
        assert!(error.contains("4 of the 5 operations split"), "{error}");
    }
}
