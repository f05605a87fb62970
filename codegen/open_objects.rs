//! Open objects: an object schema that declares properties *and* accepts any other key
//! (`additionalProperties: true`, such as a CCB's `security_data`). typify would drop the
//! other keys on the way in and offer no way to send them, so it is generated here, with the
//! declared properties as fields and every other key in `extra`.

pub struct OpenObject {
    pub name: String,
    description: String,
    fields: Vec<OpenField>,
}

struct OpenField {
    name: String,
    description: String,
    ty: proc_macro2::TokenStream,
    required: bool,
}

pub fn find(spec: &openapiv3::OpenAPI) -> Result<Vec<OpenObject>, String> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind
        else {
            continue;
        };
        let open = matches!(
            object.additional_properties,
            Some(openapiv3::AdditionalProperties::Any(true))
        );
        // `ApiError` has a hand-written type of its own (`crate::ApiError`).
        if !open || object.properties.is_empty() || name == "ApiError" {
            continue;
        }
        let mut fields = Vec::new();
        for (field, property) in &object.properties {
            let at = format!("{name}.{field}");
            let property = property
                .as_item()
                .ok_or_else(|| format!("{at}: an open object's property must be inline"))?;
            if syn::parse_str::<syn::Ident>(field).is_err() {
                return Err(format!("{at}: not usable as a Rust field name"));
            }
            use openapiv3::{IntegerFormat, SchemaKind, Type, VariantOrUnknownOrEmpty as F};
            let ty = match &property.schema_kind {
                SchemaKind::Type(Type::String(_)) => quote::quote!(::std::string::String),
                SchemaKind::Type(Type::Number(_)) => quote::quote!(f64),
                SchemaKind::Type(Type::Boolean(_)) => quote::quote!(bool),
                SchemaKind::Type(Type::Integer(i)) => match i.format {
                    F::Item(IntegerFormat::Int32) => quote::quote!(i32),
                    _ => quote::quote!(i64),
                },
                _ => {
                    return Err(format!(
                        "{at}: an open object's property must be a string, number, integer or \
                         boolean (extend `open_objects::find` in codegen/open_objects.rs for more)"
                    ))
                }
            };
            fields.push(OpenField {
                name: field.clone(),
                description: property.schema_data.description.clone().unwrap_or_default(),
                ty,
                required: object.required.contains(field),
            });
        }
        out.push(OpenObject {
            name: name.clone(),
            description: schema.schema_data.description.clone().unwrap_or_default(),
            fields,
        });
    }
    Ok(out)
}

pub fn item(object: &OpenObject) -> syn::Item {
    let name = quote::format_ident!("{}", object.name);
    let doc = object.description.trim_end();
    let fields = object.fields.iter().map(|field| {
        let ident = quote::format_ident!("{}", field.name);
        let doc = field.description.trim_end();
        let ty = &field.ty;
        if field.required {
            quote::quote! {
                #[doc = #doc]
                pub #ident: #ty,
            }
        } else {
            quote::quote! {
                #[doc = #doc]
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #ident: ::std::option::Option<#ty>,
            }
        }
    });
    syn::parse_quote! {
        #[doc = #doc]
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq, schemars::JsonSchema)]
        pub struct #name {
            #(#fields)*
            /// Every other key, as sent or received: the spec accepts any.
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keep_every_other_key() {
        let spec = crate::codegen::testing::fixture();
        let objects = find(&spec).expect("reads");
        // `ApiError` is open too, but has a hand-written type.
        assert_eq!(
            objects.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
            ["Details"]
        );
        let item = item(&objects[0]);
        let code = crate::codegen::testing::unparse(vec![item]);
        assert!(
            code.contains("pub note: ::std::option::Option<::std::string::String>,"),
            "{code}"
        );
        assert!(code.contains("#[serde(flatten)]"), "{code}");
    }
}
