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

const SEVERITIES: [&str; 4] = ["error", "warning", "info", "hint"];

/// Each linter's arguments, before the spec's path.
const SPECTRAL: &str = "lint --quiet --ruleset .spectral.yaml --format json --fail-severity hint";
const REDOCLY: &str = "lint --config redocly.yaml --format json";

/// Reads a linter's JSON report.
type Reader = fn(&Value) -> Option<Vec<Finding>>;

/// Lints the spec at `path`, named `name` in the findings.
pub fn run(root: &Path, path: &Path, name: &str) -> ExitCode {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let tools: [(&str, &str, Reader); 2] = [
        ("spectral", SPECTRAL, spectral),
        ("redocly", REDOCLY, redocly),
    ];
    let mut failed = false;
    for (tool, args, read) in tools {
        let Ok(exe) = crate::npm_bin(root, tool) else {
            let message = format!("{tool}: not installed (run `npm ci` at the repository root)");
            if crate::in_ci() {
                eprintln!("{message}");
                failed = true;
            } else {
                println!("{message}; skipped");
            }
            continue;
        };
        let findings = run_json(root, &exe, args, &path)
            .and_then(|report| read(&report).ok_or(format!("unexpected report: {report}")));
        let findings = match findings {
            Ok(findings) => findings,
            Err(e) => {
                eprintln!("{tool}: {e}");
                failed = true;
                continue;
            }
        };
        for f in &findings {
            let line = f.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            let at = if f.at.is_empty() { "/" } else { &f.at };
            let text = format!(
                "{name}:{at}: {tool} {} {}: {}{line}",
                f.severity, f.rule, f.message
            );
            if f.severity == "error" || f.severity == "warning" {
                failed = true;
                eprintln!("{text}");
            } else {
                println!("{text}");
            }
        }
        let counts = SEVERITIES.map(|s| {
            let count = findings.iter().filter(|f| f.severity == s).count();
            format!("{count} {s}s")
        });
        let version = tool_command(&exe).arg("--version").output();
        let version = version.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        let version = version.unwrap_or_default();
        let version = version.lines().last().unwrap_or("?").trim();
        println!("{tool} {version}: {}", counts.join(", "));
    }
    crate::finish("lint", Ok(!failed))
}

/// The linter, without update checks nor usage reports: CI reaches no network beyond package
/// registries.
pub fn tool_command(exe: &Path) -> Command {
    let mut command = Command::new(exe);
    command
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("REDOCLY_TELEMETRY", "off")
        .env("NO_COLOR", "1");
    command
}

/// Runs a linter that prints JSON on stdout; its exit code only says whether it found
/// something, so a failure is when no JSON comes out.
fn run_json(root: &Path, exe: &Path, args: &str, spec: &Path) -> Result<Value, String> {
    let output = tool_command(exe)
        .args(args.split(' '))
        .arg(spec)
        .current_dir(root)
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

fn spectral(report: &Value) -> Option<Vec<Finding>> {
    let finding = |r: &Value| Finding {
        at: r["path"]
            .as_array()
            .into_iter()
            .flatten()
            .fold(String::new(), |at, segment| match segment.as_str() {
                Some(s) => join(&at, s),
                None => join(&at, &segment.to_string()),
            }),
        // Spectral counts lines from 0.
        line: r
            .pointer("/range/start/line")
            .and_then(Value::as_u64)
            .map(|l| l + 1),
        rule: text(r, "/code"),
        severity: SEVERITIES[r["severity"].as_u64().map_or(3, |s| s.min(3) as usize)],
        message: text(r, "/message"),
    };
    Some(report.as_array()?.iter().map(finding).collect())
}

fn redocly(report: &Value) -> Option<Vec<Finding>> {
    let finding = |p: &Value| Finding {
        at: text(p, "/location/0/pointer")
            .trim_start_matches('#')
            .to_string(),
        line: p.pointer("/location/0/start/line").and_then(Value::as_u64),
        rule: text(p, "/ruleId"),
        severity: match p["severity"].as_str() {
            Some("error") => "error",
            Some("warn") => "warning",
            _ => "info",
        },
        message: text(p, "/message"),
    };
    Some(report["problems"].as_array()?.iter().map(finding).collect())
}

fn text(value: &Value, pointer: &str) -> String {
    crate::spec::str_at(value, pointer)
        .unwrap_or_default()
        .to_string()
}
