//! The reviewable snapshot `generated/client.rs` is the code that build.rs generated for this
//! build, byte for byte (both come from `codegen.rs`).

#[test]
fn the_snapshot_is_the_compiled_client() {
    let compiled = include_str!(concat!(env!("OUT_DIR"), "/client.rs"));
    let snapshot = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/client.rs"));
    assert!(
        compiled == snapshot,
        "generated/client.rs is out of date with openapi/securities-api.yaml: \
         run `cargo xtask generate` and commit the result"
    );
}
