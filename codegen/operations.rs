//! `OPERATIONS`, what the spec says of every operation, and `call()` on every generated
//! request builder: `send()` and then the crate's `Error`, which names the operation and the
//! status, and the body alone. Each `call()` hands its own entry of `OPERATIONS` to
//! `crate::error::finish`, so an error knows its operation without a search.

use super::analysis::{pascal_case, Operation};
use super::handwritten::HANDWRITTEN;
use quote::{format_ident, quote};

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
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        if HANDWRITTEN.iter().any(|(id, _)| *id == op.id) {
            // The hand-written builder in `src/` passes this to `crate::error::finish`.
            let name = format_ident!("{}", op.id.to_ascii_uppercase());
            let doc = format!(" The entry of `{}` in [`OPERATIONS`].", op.id);
            out.push(syn::parse_quote! {
                #[doc = #doc]
                pub(crate) const #name: &crate::Operation = &OPERATIONS[#index];
            });
            continue;
        }
        let builder = format_ident!("{}", pascal_case(&op.id));
        let ty = format_ident!("{}", op.success_type);
        let summary = format!(
            " Sends the request and returns the decoded body of the `{}` answer.",
            op.success
        );
        let failures = format!(
            " operation (`{}`), the HTTP status and the body, and says whether a retry could help.",
            op.id
        );
        out.push(syn::parse_quote! {
            impl builder::#builder<'_> {
                #[doc = #summary]
                ///
                /// Unlike [`send`](Self::send), failures are a [`crate::Error`] that names the
                #[doc = #failures]
                pub async fn call(self) -> ::std::result::Result<types::#ty, crate::Error> {
                    crate::error::finish(&OPERATIONS[#index], self.send().await).await
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
    fn a_table_entry_per_operation_and_a_call_per_generated_one() {
        let spec = crate::codegen::testing::fixture();
        let ops = crate::codegen::analysis::operations(&spec).expect("reads");
        let items = items(&ops);
        // The table, four `call()`s and the upload's constant.
        assert_eq!(items.len(), 1 + 4 + 1);
        let code = crate::codegen::testing::unparse(items);
        assert_eq!(code.matches("crate::Operation {").count(), 5, "{code}");
        assert!(
            code.contains("crate::error::finish(&OPERATIONS[1], self.send().await)"),
            "{code}"
        );
        assert!(
            code.contains(
                "pub(crate) const CREATE_BANK_CREDIT_NOTE: &crate::Operation = &OPERATIONS[3];"
            ),
            "{code}"
        );
        assert!(code.contains("success_status: 201,"), "{code}");
    }
}
