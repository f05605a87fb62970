//! Generates the client from `openapi/securities-api.yaml` with progenitor (see `codegen.rs`),
//! and, for the features that need them, the httpmock helpers (`mock`) and the CLI (`cli`).

#[path = "codegen.rs"]
mod codegen;

use std::path::Path;

const SPEC: &str = "openapi/securities-api.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=codegen.rs");
    let yaml = match std::fs::read_to_string(SPEC) {
        Ok(yaml) => yaml,
        Err(e) => fail(&format!("{SPEC}: cannot read the spec: {e}")),
    };
    let started = std::time::Instant::now();
    let generated = match codegen::generate(SPEC, &yaml) {
        Ok(generated) => generated,
        Err(message) => fail(&message),
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    write(&out.join("client.rs"), &generated.code);
    build_print::info!(
        "securities-api: generated {} operations and {} schema types from {SPEC} ({} lines, {} ms)",
        generated.operations,
        generated.schemas,
        generated.lines,
        started.elapsed().as_millis()
    );
    // Only generated for the features that compile them, to keep default builds lean.
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        match codegen::generate_mock(SPEC, &yaml) {
            Ok(code) => write(&out.join("mock.rs"), &code),
            Err(message) => fail(&message),
        }
    }
    if std::env::var_os("CARGO_FEATURE_CLI").is_some() {
        match codegen::generate_cli(SPEC, &yaml) {
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
