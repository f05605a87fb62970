//! progenitor's generation settings: the builder interface, the hooks, the client's inner
//! type, and the replacements of the spec's types by ours (open enums, open objects,
//! `ApiError`). The mock and CLI generators use the same settings, so that they name the same
//! types.

pub fn settings(spec: &openapiv3::OpenAPI) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    for e in &super::open_enums::find(spec) {
        settings.with_replacement(
            &e.name,
            format!("crate::types::{}", e.name),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
    for o in super::open_objects::find(spec).unwrap_or_default() {
        settings.with_replacement(
            &o.name,
            format!("crate::types::{}", o.name),
            std::iter::empty(),
        );
    }
    // Error bodies may be anything (an HTML page from a gateway): a hand-written type that
    // never fails to decode replaces the spec's permissive object.
    settings.with_replacement("ApiError", "crate::ApiError", std::iter::empty());
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        // The configuration lives in the client's inner value; with no public constructor
        // for it, the generated `Client::new` cannot be called from outside the crate (see
        // `docs::hide_constructors`), so every client is built by `Client::builder()`.
        .with_inner_type(quote::quote!(crate::client::Inner))
        .with_derive("schemars::JsonSchema");
    settings
}

#[cfg(test)]
mod tests {
    /// The replaced types are referred to, never defined, by progenitor's output.
    #[test]
    fn replaced_types_are_not_generated() {
        let file = crate::codegen::testing::client();
        let code = prettyplease::unparse(&file);
        for name in ["WidgetStatus", "Details", "ApiError"] {
            assert!(!code.contains(&format!("pub struct {name}")), "{name}");
            assert!(!code.contains(&format!("pub enum {name}")), "{name}");
        }
        assert!(code.contains("crate::types::WidgetStatus"));
        assert!(code.contains("crate::types::Details"));
        assert!(code.contains("crate::ApiError"));
    }
}
