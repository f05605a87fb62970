//! Open enums: a string schema with `x-extensible-enum` becomes an enum that decodes values
//! it does not know into `Unknown(String)` instead of failing, because the platform adds
//! statuses and roles over time. (The spec lists known values in `x-extensible-enum` rather
//! than `enum`, which other languages' generators would turn into closed types.)

use super::analysis::pascal_case;

/// A string enum of `components.schemas`, generated as an open enum.
pub struct OpenEnum {
    pub name: String,
    description: String,
    values: Vec<String>,
}

pub fn find(spec: &openapiv3::OpenAPI) -> Vec<OpenEnum> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let schema = schema.as_item()?;
            let openapiv3::SchemaKind::Type(openapiv3::Type::String(_)) = &schema.schema_kind
            else {
                return None;
            };
            let values = schema
                .schema_data
                .extensions
                .get("x-extensible-enum")?
                .as_array()?
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            Some(OpenEnum {
                name: name.clone(),
                description: schema.schema_data.description.clone().unwrap_or_default(),
                values,
            })
        })
        .collect()
}

/// The enum and its impls (`as_str`, `Display`, `From<&str>`, `FromStr`, serde, schemars), for
/// the `types` module: the wire value of a known variant is its spec value, any other string is
/// `Unknown`.
pub fn items(e: &OpenEnum) -> Result<Vec<syn::Item>, String> {
    let name_text = &e.name;
    let ident = |text: &str| {
        syn::parse_str::<syn::Ident>(text)
            .map_err(|_| format!("open enum {name_text}: `{text}` is not usable as a Rust name"))
    };
    let name = ident(name_text)?;
    let values = &e.values;
    let variants = values
        .iter()
        .map(|v| ident(&pascal_case(v)))
        .collect::<Result<Vec<_>, _>>()?;
    let value_docs = values.iter().map(|v| format!(" `{v}`"));
    let description = e.description.lines().map(|l| format!(" {l}"));
    let unknown = format!(
        " Values this version of the client does not know decode as [`{name_text}::Unknown`], \
         so a new"
    );
    let file: syn::File = syn::parse_quote! {
            #(#[doc = #description])*
            ///
            #[doc = #unknown]
            /// value on the server never breaks the decoding of a response.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #(
                    #[doc = #value_docs]
                    #variants,
                )*
                /// A value this version of the client does not know, as the server sent it.
                Unknown(::std::string::String),
            }

            impl #name {
                /// Every value the spec lists.
                pub const KNOWN: &'static [#name] = &[#(Self::#variants),*];

                /// The value as it is on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#variants => #values,)*
                        Self::Unknown(other) => other,
                    }
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#values => Self::#variants,)*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(
                    &self,
                    serializer: S,
                ) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<Self, D::Error> {
                    let value =
                        <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value.as_ref()))
                }
            }

            impl ::schemars::JsonSchema for #name {
                fn schema_name() -> ::std::string::String {
                    #name_text.to_string()
                }
                // Open: any string is accepted; the known values are documented on the type.
                fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                    ::schemars::schema::SchemaObject {
                        instance_type: Some(::schemars::schema::InstanceType::String.into()),
                        ..Default::default()
                    }
                    .into()
                }
            }
    };
    Ok(file.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_s_status_is_open() {
        let spec = crate::codegen::testing::fixture();
        let enums = find(&spec);
        assert_eq!(enums.len(), 1);
        let items = items(&enums[0]).expect("builds");
        // The enum and its impls: inherent, Display, From, FromStr, Serialize, Deserialize,
        // JsonSchema.
        assert_eq!(items.len(), 8);
        let code = crate::codegen::testing::unparse(items);
        assert!(code.contains("pub enum WidgetStatus {"), "{code}");
        assert!(code.contains("Self::Retired => \"retired\","), "{code}");
        assert!(
            code.contains("/// Where the widget is in its life."),
            "{code}"
        );
        assert!(code.contains("Unknown(::std::string::String)"), "{code}");
    }
}
