//! Generates the client from the spec with progenitor (see `codegen/`), and, for the features
//! that need them, the httpmock helpers (`mock`) and the CLI (`cli`).
//!
//! It reads `openapi/securities-api.json`, the JSON rendering of the hand-maintained
//! `openapi/securities-api.yaml` that `cargo xtask generate` writes (and `generate --check`
//! keeps in step in CI), so that a consumer's build needs no YAML parser.

#[path = "codegen/mod.rs"]
mod codegen;

use std::path::Path;

const SPEC: &str = "openapi/securities-api.json";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=codegen");
    let json = match std::fs::read_to_string(SPEC) {
        Ok(json) => json,
        Err(e) => fail(&format!("{SPEC}: cannot read the spec: {e}")),
    };
    let spec: openapiv3::OpenAPI = match serde_json::from_str(&json) {
        Ok(spec) => spec,
        Err(e) => fail(&format!("{SPEC}: not a valid OpenAPI document: {e}")),
    };
    let started = std::time::Instant::now();
    let generated = match codegen::generate(SPEC, &spec) {
        Ok(generated) => generated,
        Err(message) => fail(&message),
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    write(&out.join("client.rs"), &generated.code);
    build_print::info!(
        "securities-api: generated {} operations and {} schema types from {SPEC} ({} lines, {} ms)",
        generated.operations,
        generated.schemas,
        generated.code.lines().count(),
        started.elapsed().as_millis()
    );
    // Only generated for the features that compile them, to keep default builds lean.
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        match codegen::generate_mock(SPEC, &spec) {
            Ok(code) => write(&out.join("mock.rs"), &code),
            Err(message) => fail(&message),
        }
    }
    if std::env::var_os("CARGO_FEATURE_CLI").is_some() {
        match codegen::generate_cli(SPEC, &spec) {
            Ok(code) => write(&out.join("cli.rs"), &code),
            Err(message) => fail(&message),
        }
    }
}

fn write(target: &Path, code: &str) {
    if let Err(e) = std::fs::write(target, code) {
        fail(&format!("cannot write {}: {e}", target.display()));
    }
}

/// Stops the build with `message` as cargo's error, instead of a panic's backtrace.
fn fail(message: &str) -> ! {
    build_print::error!("{message}");
    std::process::exit(1);
}
