//! What the unit tests of codegen/ share: the small spec of `fixtures/small.yaml`, and
//! progenitor's untouched output for it.

/// The small spec of `fixtures/small.yaml`.
pub fn fixture() -> openapiv3::OpenAPI {
    serde_norway::from_str(include_str!("fixtures/small.yaml")).expect("the fixture parses")
}

/// progenitor's client for the fixture, parsed, before any edit of ours.
pub fn client() -> syn::File {
    let spec = fixture();
    let generated = super::handwritten::without_handwritten(&spec).expect("no other multipart");
    let tokens = progenitor::Generator::new(&super::settings::settings(&spec))
        .generate_tokens(&generated)
        .expect("progenitor generates");
    syn::parse2(tokens).expect("parses")
}

/// The generated code of one of the extra generators, parsed again for inspection.
pub fn parse(code: &str) -> syn::File {
    syn::parse_str(code).expect("the generated code parses")
}

/// Every `#[doc]` text of the file, in order.
pub fn docs(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|l| l.trim_start().strip_prefix("///"))
        .map(str::to_string)
        .collect()
}

/// Items as prettyplease prints them in a file.
pub fn unparse(items: Vec<syn::Item>) -> String {
    prettyplease::unparse(&syn::parse_quote!(#(#items)*))
}

/// The public items, fields and inherent methods of `file` without a doc comment.
pub fn undocumented(file: &syn::File) -> Vec<String> {
    use syn::visit::Visit;
    struct Find(Vec<String>);
    fn check(
        found: &mut Vec<String>,
        vis: &syn::Visibility,
        attrs: &[syn::Attribute],
        what: String,
    ) {
        let documented = attrs.iter().any(|a| a.path().is_ident("doc"));
        if matches!(vis, syn::Visibility::Public(_)) && !documented {
            found.push(what);
        }
    }
    impl<'ast> Visit<'ast> for Find {
        fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
            check(&mut self.0, &i.vis, &i.attrs, i.ident.to_string());
            syn::visit::visit_item_struct(self, i);
        }
        fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
            check(&mut self.0, &i.vis, &i.attrs, i.ident.to_string());
            syn::visit::visit_item_enum(self, i);
        }
        fn visit_field(&mut self, f: &'ast syn::Field) {
            if let Some(ident) = &f.ident {
                check(&mut self.0, &f.vis, &f.attrs, ident.to_string());
            }
        }
        fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
            if i.trait_.is_none() {
                syn::visit::visit_item_impl(self, i);
            }
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            check(&mut self.0, &f.vis, &f.attrs, f.sig.ident.to_string());
        }
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            check(&mut self.0, &f.vis, &f.attrs, f.sig.ident.to_string());
        }
        fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
            check(&mut self.0, &c.vis, &c.attrs, c.ident.to_string());
        }
    }
    let mut find = Find(Vec::new());
    find.visit_file(file);
    find.0
}

/// The placeholder texts of the old `FillDocs` visitor, which nothing may generate any more.
pub const PLACEHOLDERS: &[&str] = &[
    "Sets `",
    "(see its type)",
    "Creates it;",
    "Generated `",
    "Starts a builder of this type.",
];
