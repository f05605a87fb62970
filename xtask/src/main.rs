//! `cargo xtask`: the project's tasks around its OpenAPI document (see `USAGE`).

// build.rs's generator, from the same files (see codegen/mod.rs); xtask leaves parts unused.
#[path = "../../codegen/mod.rs"]
#[allow(dead_code)]
mod codegen;

mod breaking;
mod docs;
mod generate;
mod lint;
mod manual;
mod spec;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  validate [SPEC]     check the OpenAPI document (default: openapi/securities-api.yaml)
  generate [--check]  regenerate openapi/securities-api.json and generated/ (client.rs,
                      mock.rs, cli.rs) from the spec; with --check, change nothing and
                      fail on any drift
  lint [SPEC]         run Spectral (spectral:oas) and Redocly CLI (recommended) on the spec;
                      install them first with `npm ci`
  docs [--check] [--spec SPEC] [--out DIR]
                      render the spec into one self-contained HTML page,
                      target/api-docs/index.html (Redocly CLI build-docs); with --check,
                      open it in headless Chromium, find every operation, the servers and
                      the bearer scheme, and save target/api-docs/screenshot.png
  breaking            compare the spec with the last release (openapi/RELEASED) using Optic;
                      a breaking change needs a breaking crate version, a new info.version
                      and a CHANGELOG.md section naming it
  breaking --diff BASE NEW
                      Optic's breaking changes between two spec files, nothing else
  manual [DIR]        validate every JSON example of the manual's 2024-01 revision (default:
                      ../shared/reference/api-docs-2024-01) against the spec, with every
                      object closed: a field the spec does not model fails";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root();
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("validate") => match rest {
            [] => validate_command(&root.join(spec::DEFAULT_SPEC), spec::DEFAULT_SPEC),
            [path] if !path.starts_with('-') => validate_command(Path::new(path), path),
            _ => usage_error("validate takes at most one SPEC path"),
        },
        Some("generate") => match rest {
            [] => generate::run(&root, false),
            [flag] if flag == "--check" => generate::run(&root, true),
            _ => usage_error("generate takes only --check"),
        },
        Some("lint") => match rest {
            [] => lint::run(&root, &root.join(spec::DEFAULT_SPEC), spec::DEFAULT_SPEC),
            [path] if !path.starts_with('-') => lint::run(&root, Path::new(path), path),
            _ => usage_error("lint takes at most one SPEC path"),
        },
        Some("docs") => docs_command(&root, rest),
        Some("breaking") => match rest {
            [] => breaking::run(&root),
            [flag, base, new] if flag == "--diff" => {
                breaking::run_diff(&root, Path::new(base), Path::new(new))
            }
            _ => usage_error("breaking takes nothing, or --diff BASE NEW"),
        },
        Some("manual") => match rest {
            [] => manual::run(&root, None),
            [dir] if !dir.starts_with('-') => manual::run(&root, Some(Path::new(dir))),
            _ => usage_error("manual takes at most one DIR"),
        },
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown task `{other}`")),
        None => usage_error("no task given"),
    }
}

/// Whether this runs under CI (`CI` set, and not to `false`): there, a missing tool or
/// reference is a failure rather than a skip, since `.ci/run` installs them all.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// A tool that `npm ci` installs from the pinned `package.json`.
fn npm_bin(root: &Path, name: &str) -> Result<PathBuf, String> {
    let exe = root.join("node_modules/.bin").join(name);
    exe.exists().then_some(exe).ok_or(format!(
        "{name} is not installed: run `npm ci` (or `bash scripts/interop.sh setup`) at the \
         repository root"
    ))
}

/// The exit code of a task that passed, failed, or could not run (`Err`, said so).
fn finish(task: &str, passed: Result<bool, String>) -> ExitCode {
    let passed = passed.unwrap_or_else(|e| {
        eprintln!("{task}: {e}");
        false
    });
    ExitCode::from(u8::from(!passed))
}

/// The repository root: xtask's own manifest directory is `<root>/xtask`.
fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn docs_command(root: &Path, args: &[String]) -> ExitCode {
    let mut options = docs::Options {
        spec: root.join(spec::DEFAULT_SPEC),
        out: root.join(docs::DEFAULT_OUT),
        check: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.clone().next()) {
            ("--check", _) => options.check = true,
            ("--spec", Some(path)) => {
                options.spec = PathBuf::from(path);
                args.next();
            }
            ("--out", Some(path)) => {
                options.out = PathBuf::from(path);
                args.next();
            }
            _ => return usage_error(&format!("docs: unexpected argument `{arg}`")),
        }
    }
    docs::run(root, &options)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("cargo xtask: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn validate_command(path: &Path, name: &str) -> ExitCode {
    finish("validate", Ok(validated(path, name).is_some()))
}

/// The spec's text if it keeps every rule; what is wrong with it is printed either way.
fn validated(path: &Path, name: &str) -> Option<String> {
    let started = Instant::now();
    let text = std::fs::read_to_string(path)
        .map_err(|e| eprintln!("{name}: cannot read the spec: {e}"))
        .ok()?;
    let report = validate::validate(&text);
    let elapsed = started.elapsed();
    if report.problems.is_empty() {
        println!(
            "{name}: valid OpenAPI {}: {} operations, {} schemas, {} examples checked \
             against their schemas ({} ms)",
            report.version.as_deref().unwrap_or("?"),
            report.operations,
            report.schemas,
            report.examples,
            elapsed.as_millis()
        );
        return Some(text);
    }
    for problem in &report.problems {
        eprintln!("{name}:{problem}");
    }
    eprintln!(
        "{name}: {} problem{}",
        report.problems.len(),
        if report.problems.len() == 1 { "" } else { "s" }
    );
    None
}
