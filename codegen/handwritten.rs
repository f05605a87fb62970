//! Operations the hand-written layer implements because progenitor cannot: it has no
//! `multipart/form-data` request bodies. They are left out of what progenitor sees, and
//! their builders (from `src/`) are re-exported into `builder`.

/// Each hand-written operation's id and its builder in `src/`.
pub const HANDWRITTEN: &[(&str, &str)] = &[(
    "create_bank_credit_note",
    "crate::upload::CreateBankCreditNote",
)];

/// Whether an operation's request body is `multipart/form-data`.
fn is_multipart(op: &openapiv3::Operation) -> bool {
    matches!(&op.request_body, Some(openapiv3::ReferenceOr::Item(body))
        if body.content.keys().any(|k| k.starts_with("multipart/form-data")))
}

/// The spec without the operations of [`HANDWRITTEN`]; any other multipart operation is an
/// error, since nothing would generate it.
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
            let id = op.operation_id.clone().unwrap_or_default();
            let handwritten = HANDWRITTEN.iter().any(|(h, _)| *h == id);
            if handwritten {
                *slot = None;
            } else if is_multipart(op) {
                return Err(format!(
                    "{id} ({} {path}) has a multipart/form-data body, which progenitor cannot \
                     generate: implement it in src/ and list it in HANDWRITTEN \
                     (codegen/handwritten.rs)",
                    method.to_uppercase()
                ));
            }
        }
    }
    Ok(spec)
}

/// Re-exports the hand-written builders into progenitor's `builder` module, beside the
/// generated ones.
pub fn add_builders(file: &mut syn::File) -> Result<(), String> {
    let module = super::module_mut(file, "builder")?;
    for (id, path) in HANDWRITTEN {
        let path: syn::Path =
            syn::parse_str(path).map_err(|e| format!("HANDWRITTEN path of {id}: {e}"))?;
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
        add_builders(&mut file).expect("has a builder module");
        let code = prettyplease::unparse(&file);
        assert!(code.contains("pub use crate::upload::CreateBankCreditNote;"));
    }

    #[test]
    fn another_multipart_operation_is_an_error() {
        let mut spec = crate::codegen::testing::fixture();
        let upload = spec.paths.paths.get_mut("/v1/bank_credit_notes").unwrap();
        let openapiv3::ReferenceOr::Item(item) = upload else {
            unreachable!()
        };
        item.post.as_mut().unwrap().operation_id = Some("other_upload".into());
        let error = without_handwritten(&spec).expect_err("refused");
        assert!(error.contains("other_upload"), "{error}");
    }
}
