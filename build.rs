//! Generates the client from `openapi/securities-api.yaml` with progenitor (see `codegen.rs`).

#[path = "codegen.rs"]
mod codegen;

const SPEC: &str = "openapi/securities-api.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=codegen.rs");
    let yaml = match std::fs::read_to_string(SPEC) {
        Ok(yaml) => yaml,
        Err(e) => fail(&format!("{SPEC}: cannot read the spec: {e}")),
    };
    let generated = match codegen::generate(SPEC, &yaml) {
        Ok(generated) => generated,
        Err(message) => fail(&message),
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let target = out.join("client.rs");
    if let Err(e) = std::fs::write(&target, &generated.code) {
        fail(&format!("cannot write {}: {e}", target.display()));
    }
    build_print::info!(
        "securities-api: generated {} operations and {} schema types from {SPEC} ({} lines)",
        generated.operations,
        generated.schemas,
        generated.lines
    );
}

/// Stops the build with `message` as cargo's error, instead of a panic's backtrace.
fn fail(message: &str) -> ! {
    build_print::error!("{message}");
    std::process::exit(1);
}
