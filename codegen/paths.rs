//! Path parameters: progenitor's `encode_path` leaves `\`, `.` and other characters a URL
//! parser reinterprets as they are, so every call of it becomes the crate's own
//! `crate::path::encode_segment`, which encodes all but the unreserved characters.

/// Replaces every `encode_path(value)` call with `crate::path::encode_segment(value)`, and
/// returns how many it replaced. Fails if progenitor formats a path parameter some other way
/// (a path parameter left out of `encode_segment` would escape its segment).
pub fn encode_segments(file: &mut syn::File, parameters: usize) -> Result<usize, String> {
    use syn::visit_mut::VisitMut;

    struct Swap(usize);
    impl VisitMut for Swap {
        /// progenitor formats the URL with `format!`, whose arguments are only tokens to syn:
        /// they are parsed as expressions, visited and put back.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            use syn::{parse::Parser, punctuated::Punctuated};
            if !mac.path.is_ident("format") {
                return;
            }
            let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            let Ok(mut arguments) = parser.parse2(mac.tokens.clone()) else {
                return;
            };
            let before = self.0;
            arguments.iter_mut().for_each(|a| self.visit_expr_mut(a));
            if self.0 != before {
                mac.tokens = quote::quote!(#arguments);
            }
        }

        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            if matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("encode_path")) {
                *call.func = syn::parse_quote!(crate::path::encode_segment);
                self.0 += 1;
            }
        }
    }
    let mut swap = Swap(0);
    swap.visit_file_mut(file);
    if swap.0 != parameters {
        return Err(format!(
            "progenitor's output changed: {} `encode_path` calls for {parameters} path \
             parameters; update codegen/paths.rs",
            swap.0
        ));
    }
    Ok(swap.0)
}

#[cfg(test)]
mod tests {
    use crate::codegen::testing;

    #[test]
    fn every_path_parameter_goes_through_encode_segment() {
        let spec = testing::fixture();
        let code = crate::codegen::generate("small.yaml", &spec)
            .expect("client")
            .code;
        // One path parameter (`/v1/widgets/{id}`), formatted by `into_request()`.
        assert_eq!(code.matches("path::encode_segment(").count(), 1, "{code}");
        assert_eq!(code.matches("encode_path(").count(), 0);
    }

    #[test]
    fn a_path_parameter_formatted_another_way_fails_the_build() {
        let mut file = testing::client();
        let error = super::encode_segments(&mut file, 2).expect_err("one too few");
        assert!(error.contains("codegen/paths.rs"), "{error}");
    }
}
