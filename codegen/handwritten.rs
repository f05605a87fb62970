//! Operations the hand-written layer implements because progenitor cannot: the spec marks
//! them `x-handwritten` (a multipart/form-data body, which progenitor cannot send). They are
//! left out of what progenitor sees, and their builders (from `src/`) are re-exported into
//! `builder`.

use super::analysis::{pascal_case, Operation};

/// The extension that marks an operation as written by hand; its value says why.
pub const EXTENSION: &str = "x-handwritten";

/// The module of `src/` with the hand-written builders, each named as progenitor names a
/// builder: the operationId in CamelCase.
const BUILDERS: &str = "crate::upload";

/// Whether the spec marks the operation as written by hand.
pub fn is_handwritten(op: &openapiv3::Operation) -> bool {
    op.extensions
        .get(EXTENSION)
        .is_some_and(|v| !v.is_null() && v != &serde_json::Value::Bool(false))
}

/// Whether an operation's request body is `multipart/form-data`.
fn is_multipart(op: &openapiv3::Operation) -> bool {
    matches!(&op.request_body, Some(openapiv3::ReferenceOr::Item(body))
        if body.content.keys().any(|k| k.starts_with("multipart/form-data")))
}

/// The spec without the operations marked `x-handwritten`; any other multipart operation is
/// an error, since nothing would generate it.
pub fn without_handwritten(spec: &openapiv3::OpenAPI) -> Result<openapiv3::OpenAPI, String> {
    let mut spec = spec.clone();
    for (path, item) in spec.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, slot) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ] {
            let Some(op) = slot.as_ref() else { continue };
            if is_handwritten(op) {
                *slot = None;
            } else if is_multipart(op) {
                return Err(format!(
                    "{} ({} {path}) has a multipart/form-data body, which progenitor cannot \
                     generate: implement it in src/ and mark it `{EXTENSION}` in the spec",
                    op.operation_id.as_deref().unwrap_or_default(),
                    method.to_uppercase()
                ));
            }
        }
    }
    Ok(spec)
}

/// Re-exports the hand-written builders into progenitor's `builder` module, beside the
/// generated ones.
pub fn add_builders(file: &mut syn::File, operations: &[Operation]) -> Result<(), String> {
    let module = super::module_mut(file, "builder")?;
    for op in operations.iter().filter(|op| op.handwritten) {
        let id = &op.id;
        let path = format!("{BUILDERS}::{}", pascal_case(id));
        let path: syn::Path =
            syn::parse_str(&path).map_err(|e| format!("the builder of {id}, `{path}`: {e}"))?;
        let doc = format!(
            "Builder for [`Client::{id}`](super::Client::{id}), written by hand in `src/`."
        );
        module.push(syn::parse_quote!(#[doc = #doc] pub use #path;));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_is_left_out_and_its_builder_re_exported() {
        let spec = crate::codegen::testing::fixture();
        let generated = without_handwritten(&spec).expect("only the upload is multipart");
        assert!(generated.paths.paths.get("/v1/bank_credit_notes").is_some());
        let ops = crate::codegen::analysis::operations(&generated).expect("reads");
        assert!(ops.iter().all(|op| op.id != "create_bank_credit_note"));
        assert_eq!(ops.len(), 4);

        let mut file = crate::codegen::testing::client();
        let all = crate::codegen::analysis::operations(&spec).expect("reads");
        add_builders(&mut file, &all).expect("has a builder module");
        let code = prettyplease::unparse(&file);
        assert!(code.contains("pub use crate::upload::CreateBankCreditNote;"));
    }

    #[test]
    fn an_unmarked_multipart_operation_is_an_error() {
        let mut spec = crate::codegen::testing::fixture();
        let upload = spec.paths.paths.get_mut("/v1/bank_credit_notes").unwrap();
        let openapiv3::ReferenceOr::Item(item) = upload else {
            unreachable!()
        };
        item.post
            .as_mut()
            .unwrap()
            .extensions
            .shift_remove(EXTENSION);
        let error = without_handwritten(&spec).expect_err("refused");
        assert!(
            error.contains("create_bank_credit_note") && error.contains(EXTENSION),
            "{error}"
        );
    }
}
