//! progenitor sends the spec's `info.version` as an `api-version` header on every request; the
//! Securities API versions by path (`/v1`), so the header is taken out of every `send()`.

/// Takes progenitor's `api-version` header out of every generated `send()`, and returns in
/// how many it did so.
///
/// progenitor sends the spec's `info.version` as `api-version` on every request: each `send()`
/// builds a `HeaderMap` for it (`let mut header_map = HeaderMap::with_capacity(n)`, then
/// `header_map.append(HeaderName::from_static("api-version"), …)`) and merges the map into the
/// request (`.headers(header_map)`). The Securities API versions by path (`/v1`), so the
/// header is noise, and building, merging and removing it again in the request hook cost
/// every call an allocation and two map operations. This removes the `append` statement,
/// lowers `n` by one, and, when the map is then empty and unused (an operation without header
/// parameters: all of them today), removes the map and the `.headers(header_map)` call too.
///
/// It edits the syntax tree, never the text, and fails (stopping the build) unless progenitor's
/// output has exactly the expected shape: one such map with one `api-version` append and one
/// `.headers(header_map)` per `send()`, one `send()` per `OperationInfo`, and no
/// `"api-version"` left anywhere afterwards. A new progenitor that builds headers another way
/// is then seen at once, instead of sending the header again or leaving code half-edited.
pub fn drop_header(file: &mut syn::File) -> Result<usize, String> {
    use syn::visit_mut::VisitMut;

    const MAP: &str = "header_map";
    const HEADER: &str = "api-version";

    fn is_ident(expr: &syn::Expr, name: &str) -> bool {
        matches!(expr, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(name))
    }
    fn ends_with(path: &syn::Path, names: &[&str]) -> bool {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        segments.len() >= names.len() && segments[segments.len() - names.len()..] == *names
    }
    /// `header_map.append(HeaderName::from_static("api-version"), …);`
    fn is_api_version_append(stmt: &syn::Stmt) -> bool {
        let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt else {
            return false;
        };
        let Some(syn::Expr::Call(name)) = call.args.first() else {
            return false;
        };
        is_ident(&call.receiver, MAP)
            && call.method == "append"
            && call.args.len() == 2
            && matches!(&*name.func, syn::Expr::Path(p) if ends_with(&p.path, &["HeaderName", "from_static"]))
            && matches!(
                name.args.first(),
                Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == HEADER
            )
    }
    /// The capacity literal of `let mut header_map = HeaderMap::with_capacity(n);`.
    fn map_capacity(stmt: &mut syn::Stmt) -> Option<&mut syn::LitInt> {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let syn::Pat::Ident(pat) = &local.pat else {
            return None;
        };
        if pat.ident != MAP {
            return None;
        }
        let syn::Expr::Call(call) = &mut *local.init.as_mut()?.expr else {
            return None;
        };
        let is_with_capacity = matches!(&*call.func, syn::Expr::Path(p) if ends_with(&p.path, &["HeaderMap", "with_capacity"]));
        if !is_with_capacity || call.args.len() != 1 {
            return None;
        }
        match call.args.first_mut() {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            })) => Some(n),
            _ => None,
        }
    }
    /// Counts the uses of `header_map` as a value, and replaces `x.headers(header_map)` with
    /// `x` when `unwrap` is set.
    struct Uses {
        uses: usize,
        unwrapped: usize,
        unwrap: bool,
    }
    impl VisitMut for Uses {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr {
                if self.unwrap
                    && call.method == "headers"
                    && call.args.len() == 1
                    && is_ident(&call.args[0], MAP)
                {
                    *expr = (*call.receiver).clone();
                    self.unwrapped += 1;
                    return self.visit_expr_mut(expr);
                }
            }
            if is_ident(expr, MAP) {
                self.uses += 1;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    /// The edit of one `send()` body.
    fn edit(block: &mut syn::Block) -> Result<(), String> {
        let appends: Vec<usize> = (0..block.stmts.len())
            .filter(|&i| is_api_version_append(&block.stmts[i]))
            .collect();
        let [append] = appends[..] else {
            return Err(format!("{} `{HEADER}` appends", appends.len()));
        };
        block.stmts.remove(append);
        let maps: Vec<usize> = (0..block.stmts.len())
            .filter(|&i| map_capacity(&mut block.stmts[i]).is_some())
            .collect();
        let [map] = maps[..] else {
            return Err(format!("{} `{MAP}` declarations", maps.len()));
        };
        let capacity = map_capacity(&mut block.stmts[map]).expect("found above");
        let left = capacity
            .base10_parse::<usize>()
            .map_err(|e| e.to_string())?
            .checked_sub(1)
            .ok_or("a `HeaderMap::with_capacity(0)` with an append")?;
        *capacity = syn::LitInt::new(&format!("{left}usize"), capacity.span());
        let mut uses = Uses {
            uses: 0,
            unwrapped: 0,
            unwrap: false,
        };
        for stmt in &mut block.stmts[map + 1..] {
            uses.visit_stmt_mut(stmt);
        }
        // Only `.headers(header_map)` uses an empty map: then both go.
        if left == 0 && uses.uses == 1 {
            block.stmts.remove(map);
            uses.unwrap = true;
            for stmt in &mut block.stmts[map..] {
                uses.visit_stmt_mut(stmt);
            }
            if uses.unwrapped != 1 {
                return Err(format!("{} `.headers({MAP})` calls", uses.unwrapped));
            }
        }
        Ok(())
    }
    struct Sends {
        edited: usize,
        infos: usize,
        errors: Vec<String>,
    }
    impl VisitMut for Sends {
        fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
            if item.sig.ident == "send" && item.sig.asyncness.is_some() {
                match edit(&mut item.block) {
                    Ok(()) => self.edited += 1,
                    Err(e) => self.errors.push(e),
                }
            }
            syn::visit_mut::visit_impl_item_fn_mut(self, item);
        }
        fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
            if expr.path.is_ident("OperationInfo") {
                self.infos += 1;
            }
            syn::visit_mut::visit_expr_struct_mut(self, expr);
        }
    }
    /// Any `"api-version"` left.
    struct Left(usize);
    impl VisitMut for Left {
        fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
            if lit.value() == HEADER {
                self.0 += 1;
            }
        }
    }

    let mut sends = Sends {
        edited: 0,
        infos: 0,
        errors: Vec::new(),
    };
    sends.visit_file_mut(file);
    let mut left = Left(0);
    left.visit_file_mut(file);
    if !sends.errors.is_empty() || sends.edited == 0 || sends.edited != sends.infos || left.0 != 0 {
        return Err(format!(
            "progenitor's output changed shape: the `{HEADER}` header was taken out of {} \
             `send()`s of {} operations, {} `\"{HEADER}\"` left; failures: {:?}. \
             Update `drop_header` in codegen/api_version.rs",
            sends.edited, sends.infos, left.0, sends.errors
        ));
    }
    Ok(sends.edited)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One edit per generated `send()` (four operations in the fixture), nothing left.
    #[test]
    fn the_header_goes_from_every_send() {
        let mut file = crate::codegen::testing::client();
        let before = prettyplease::unparse(&file);
        assert_eq!(
            before.matches("\"api-version\"").count(),
            4,
            "progenitor changed"
        );
        assert_eq!(drop_header(&mut file), Ok(4));
        let after = prettyplease::unparse(&file);
        assert!(!after.contains("api-version") && !after.contains("header_map"));
        // A second pass finds nothing to take out: that is an error, not a silent no-op.
        assert!(drop_header(&mut file).is_err());
    }
}
