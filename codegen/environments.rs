//! `Environment`: one variant per server of the spec (each names itself with
//! `x-environment`), the first one the default, so that the spec, the client and the CLI cannot
//! disagree on a host. `src/environment.rs` adds parsing and display on top of `ALL` and
//! `name()`.

use super::analysis::{is_lower_name, pascal_case};

/// One of the spec's `servers`, as a variant of the client's `Environment`.
pub struct Server {
    /// Its `x-environment`: the name `SECURITIES_ENV` and `--env` take, such as `api-staging`.
    name: String,
    url: String,
    description: String,
}

/// The servers of the spec, in order.
pub fn servers(spec: &openapiv3::OpenAPI) -> Result<Vec<Server>, String> {
    let mut out: Vec<Server> = Vec::new();
    for (i, server) in spec.servers.iter().enumerate() {
        let name = server
            .extensions
            .get("x-environment")
            .and_then(|v| v.as_str())
            .ok_or_else(|| format!("servers[{i}] ({}) has no `x-environment` name", server.url))?;
        if !is_lower_name(name, '-') || out.iter().any(|s| s.name == name) {
            return Err(format!(
                "servers[{i}]: `x-environment: {name}` must be a unique kebab-case name"
            ));
        }
        out.push(Server {
            name: name.to_string(),
            url: server.url.trim_end_matches('/').to_string(),
            description: server.description.clone().unwrap_or_default(),
        });
    }
    if out.is_empty() {
        return Err("`servers` is empty: the client needs a default environment".into());
    }
    Ok(out)
}

/// The `Environment` enum and its `ALL`, `base_url()` and `name()`.
pub fn items(servers: &[Server]) -> Vec<syn::Item> {
    let variants: Vec<syn::Ident> = servers
        .iter()
        .map(|s| quote::format_ident!("{}", pascal_case(&s.name)))
        .collect();
    let docs = servers.iter().map(|s| {
        format!(
            " {} (`{}`, `{}`)",
            s.description.trim_end_matches('.'),
            s.name,
            s.url
        )
    });
    let defaults = (0..servers.len()).map(|i| (i == 0).then(|| quote::quote!(#[default])));
    let urls = servers.iter().map(|s| &s.url);
    let names = servers.iter().map(|s| &s.name);
    let file: syn::File = syn::parse_quote! {
        /// A Securities environment: one of the spec's `servers`, so that the spec and the client
        /// cannot disagree on a host. Select one with [`ClientBuilder::environment`](crate::ClientBuilder::environment),
        /// `SECURITIES_ENV` or the CLI's `--env`, by [`name`](Self::name).
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub enum Environment {
            #(
                #[doc = #docs]
                #defaults
                #variants,
            )*
        }

        impl Environment {
            /// Every environment, in the order of the spec's `servers`.
            pub const ALL: &'static [Environment] = &[#(Self::#variants),*];

            /// The base URL of the environment, without a trailing slash; paths start at `/v1/...`.
            pub fn base_url(self) -> &'static str {
                match self {
                    #(Self::#variants => #urls,)*
                }
            }

            /// The name `SECURITIES_ENV` and the CLI's `--env` take for it.
            pub fn name(self) -> &'static str {
                match self {
                    #(Self::#variants => #names,)*
                }
            }
        }
    };
    file.items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_variant_per_server_the_first_the_default() {
        let spec = crate::codegen::testing::fixture();
        let servers = servers(&spec).expect("named");
        let code = crate::codegen::testing::unparse(items(&servers));
        assert!(code.contains("#[default]\n    Production,"), "{code}");
        assert!(code.contains("Self::SandBox => \"sand-box\","), "{code}");
        // The trailing slash of the spec's URL goes.
        assert!(
            code.contains("Self::Production => \"https://example.com/api\","),
            "{code}"
        );
        assert!(
            code.contains("/// The sandbox (`sand-box`, `https://sandbox.example.com/api`)"),
            "{code}"
        );
    }

    #[test]
    fn a_server_without_a_name_is_an_error() {
        let mut spec = crate::codegen::testing::fixture();
        spec.servers[1].extensions.clear();
        assert!(servers(&spec).err().unwrap().contains("servers[1]"));
    }
}
