//! `cargo xtask lint [SPEC]`: the ecosystem's OpenAPI linters on the spec, Spectral
//! (`spectral:oas`, configured by `.spectral.yaml`) and Redocly CLI (`recommended`, configured
//! by `redocly.yaml`), installed locally by `npm ci` from the pinned `package.json`.
//!
//! Both report in JSON, so their findings print in the same `SPEC:<pointer>: ...` form as
//! `validate`. Any error or warning fails the task. What they catch, `validate` leaves to them
//! (keyword typos, `$ref`s, operationIds, tags, summaries, path parameters): the planted
//! defects of `tests/lint.rs` show it.

use crate::spec::join;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, ExitCode};

/// One finding of a linter.
struct Finding {
    at: String,
    line: Option<u64>,
    rule: String,
    /// `error`, `warning`, `info` or `hint`.
    severity: &'static str,
    message: String,
}

impl Finding {
    fn fails(&self) -> bool {
        matches!(self.severity, "error" | "warning")
    }
}

/// Runs one linter (root, executable, spec) and reads its findings.
type Linter = fn(&Path, &Path, &str) -> Result<Vec<Finding>, String>;

/// Lints the spec at `path`, named `name` in the findings.
pub fn run(root: &Path, path: &Path, name: &str) -> ExitCode {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let path = path.to_string_lossy();
    let bin = root.join("node_modules/.bin");
    let in_ci = crate::in_ci();
    let mut failed = false;
    let tools: [(&str, Linter); 2] = [("spectral", spectral), ("redocly", redocly)];
    for (tool, lint) in tools {
        let exe = bin.join(tool);
        if !exe.exists() {
            let message = format!("{tool}: not installed (run `npm ci` at the repository root)");
            if in_ci {
                eprintln!("{message}");
                failed = true;
            } else {
                println!("{message}; skipped");
            }
            continue;
        }
        let version = version(&exe);
        match lint(root, &exe, &path) {
            Ok(findings) => {
                let count = |s: &str| findings.iter().filter(|f| f.severity == s).count();
                for f in &findings {
                    let line = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
                    let text = format!(
                        "{name}:{}: {tool} {} {}: {}{line}",
                        if f.at.is_empty() { "/" } else { &f.at },
                        f.severity,
                        f.rule,
                        f.message
                    );
                    if f.fails() {
                        eprintln!("{text}");
                    } else {
                        println!("{text}");
                    }
                }
                println!(
                    "{tool} {version}: {} errors, {} warnings, {} infos, {} hints",
                    count("error"),
                    count("warning"),
                    count("info"),
                    count("hint")
                );
                failed |= findings.iter().any(Finding::fails);
            }
            Err(e) => {
                eprintln!("{tool}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn version(exe: &Path) -> String {
    Command::new(exe)
        .arg("--version")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("REDOCLY_TELEMETRY", "off")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().last().map(|l| l.trim().to_string()))
        .unwrap_or_else(|| "(unknown version)".to_string())
}

/// Runs a linter that prints JSON on stdout; its exit code only says whether it found
/// something, so a failure is when no JSON comes out.
fn run_json(root: &Path, exe: &Path, args: &[&str]) -> Result<Value, String> {
    let output = Command::new(exe)
        .args(args)
        .current_dir(root)
        // No update checks nor usage reports: CI has no network beyond package registries.
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("REDOCLY_TELEMETRY", "off")
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let start = stdout.find(['[', '{']).unwrap_or(stdout.len());
    serde_json::from_str(&stdout[start..]).map_err(|e| {
        format!(
            "no JSON report ({e}); it said:\n{}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn spectral(root: &Path, exe: &Path, spec: &str) -> Result<Vec<Finding>, String> {
    let report = run_json(
        root,
        exe,
        &[
            "lint",
            "--quiet",
            "--ruleset",
            ".spectral.yaml",
            "--format",
            "json",
            "--fail-severity",
            "hint",
            spec,
        ],
    )?;
    let results = report
        .as_array()
        .ok_or("the report is not a JSON array of results")?;
    Ok(results
        .iter()
        .map(|r| Finding {
            at: r
                .get("path")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .fold(String::new(), |at, segment| {
                    join(
                        &at,
                        &segment
                            .as_str()
                            .map_or_else(|| segment.to_string(), String::from),
                    )
                }),
            // Spectral counts lines from 0.
            line: r
                .pointer("/range/start/line")
                .and_then(Value::as_u64)
                .map(|l| l + 1),
            rule: text(r, "code"),
            severity: match r.get("severity").and_then(Value::as_u64) {
                Some(0) => "error",
                Some(1) => "warning",
                Some(2) => "info",
                _ => "hint",
            },
            message: text(r, "message"),
        })
        .collect())
}

fn redocly(root: &Path, exe: &Path, spec: &str) -> Result<Vec<Finding>, String> {
    let report = run_json(
        root,
        exe,
        &["lint", "--config", "redocly.yaml", "--format", "json", spec],
    )?;
    let problems = report
        .get("problems")
        .and_then(Value::as_array)
        .ok_or("the report has no `problems` list")?;
    Ok(problems
        .iter()
        .map(|p| Finding {
            at: p
                .pointer("/location/0/pointer")
                .and_then(Value::as_str)
                .map(|s| s.trim_start_matches('#').to_string())
                .unwrap_or_default(),
            line: p.pointer("/location/0/start/line").and_then(Value::as_u64),
            rule: text(p, "ruleId"),
            severity: match p.get("severity").and_then(Value::as_str) {
                Some("error") => "error",
                Some("warn") => "warning",
                _ => "info",
            },
            message: text(p, "message"),
        })
        .collect())
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
