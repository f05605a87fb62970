//! The reviewable snapshots in `generated/` are the code that build.rs generated for this
//! build, byte for byte (both come from `codegen/`): the client, and the code of the `mock`
//! and `cli` features when they are on (build.rs generates it only then).

/// Fails unless `generated/<name>` is the `<name>` build.rs wrote into `OUT_DIR`.
macro_rules! same {
    ($name:literal) => {
        assert!(
            include_str!(concat!(env!("OUT_DIR"), "/", $name))
                == include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/", $name)),
            "generated/{} is out of date with openapi/securities-api.yaml: \
             run `cargo xtask generate` and commit the result",
            $name
        )
    };
}

#[test]
fn the_snapshot_is_the_compiled_client() {
    same!("client.rs");
}

#[cfg(feature = "mock")]
#[test]
fn the_snapshot_is_the_compiled_mock() {
    same!("mock.rs");
}

#[cfg(feature = "cli")]
#[test]
fn the_snapshot_is_the_compiled_cli() {
    same!("cli.rs");
}

/// build.rs reads `openapi/securities-api.json`, which `cargo xtask generate` renders from the
/// hand-maintained YAML: a YAML edited without regenerating fails here (and in
/// `cargo xtask generate --check`), not silently in a build that ignores the edit.
#[test]
fn the_json_spec_is_the_yaml() {
    let yaml: serde_norway::Value =
        serde_norway::from_str(include_str!("../../openapi/securities-api.yaml")).expect("YAML");
    let yaml = serde_json::to_value(yaml).expect("representable as JSON");
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/securities-api.json")).expect("JSON");
    json["info"]
        .as_object_mut()
        .expect("info")
        .remove("x-generated");
    assert!(
        yaml == json,
        "openapi/securities-api.json is out of date with openapi/securities-api.yaml: \
         run `cargo xtask generate` and commit the result"
    );
}
