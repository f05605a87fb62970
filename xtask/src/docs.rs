//! `cargo xtask docs [--check]`: the API reference page, one self-contained HTML file rendered
//! from the spec by Redocly CLI's `build-docs` (Redoc 3, scripts inlined), pinned in
//! `package.json` and installed by `npm ci`.
//!
//! With `--check`, the page is opened in headless Chromium by `scripts/docs/check-page.cjs`
//! (playwright-core, pinned too), which visits the route of every operation of the spec and
//! looks for its summary, method, path, security and response codes in the rendered text, the
//! servers on the overview and the bearer scheme's details, and saves screenshots. What it
//! looks for is written here, from the spec, into `expected.json` beside the page.

use crate::spec::{self, str_at};
use crate::validate::index;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Where the page goes, relative to the repository root.
pub const DEFAULT_OUT: &str = "target/api-docs";

/// An operationId and summary that no spec here has: the check must not find them.
const CONTROL_ID: &str = "xtask_control_not_in_the_spec";
const CONTROL_SUMMARY: &str = "Control operation that is not in the spec";

pub struct Options {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub check: bool,
}

pub fn run(root: &Path, options: &Options) -> ExitCode {
    let built = build(root, options);
    let checked = built.and_then(|page| match options.check {
        true => check(root, &page, &options.out),
        false => Ok(()),
    });
    crate::finish("docs", checked.map(|()| true))
}

/// Renders the page and writes what the browser check expects; returns the page's path.
fn build(root: &Path, options: &Options) -> Result<PathBuf, String> {
    let started = Instant::now();
    let redocly = crate::npm_bin(root, "redocly")?;
    let doc = spec::read_json(&options.spec)?;
    let expected = expected(&doc)?;
    std::fs::create_dir_all(&options.out)
        .map_err(|e| format!("cannot create {}: {e}", options.out.display()))?;
    let page = options.out.join("index.html");
    let title = format!(
        "{} {} API reference · securities-api",
        str_at(&doc, "/info/title").unwrap_or("API"),
        str_at(&doc, "/info/version").unwrap_or_default()
    );
    // lint's environment also keeps readers' browsers from sending telemetry: the page would
    // unless built with telemetry off.
    let output = crate::lint::tool_command(&redocly)
        .arg("build-docs")
        .arg(&options.spec)
        .arg("--output")
        .arg(&page)
        // The Redoc scripts inside the file, not loaded from Redocly's CDN.
        .arg("--inlineBundle")
        .args(["--title", &title])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", redocly.display()))?;
    if !output.status.success() || !page.exists() {
        return Err(format!(
            "redocly build-docs failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let expected_file = options.out.join("expected.json");
    let pretty = serde_json::to_string_pretty(&expected).map_err(|e| e.to_string())?;
    std::fs::write(&expected_file, pretty + "\n")
        .map_err(|e| format!("cannot write {}: {e}", expected_file.display()))?;
    let size = std::fs::metadata(&page).map(|m| m.len()).unwrap_or(0);
    println!(
        "docs: {} ({} KiB, self-contained; {} operations) in {} ms; open it with \
         `xdg-open {}` or any browser",
        page.display(),
        size / 1024,
        expected["operations"].as_array().map_or(0, Vec::len),
        started.elapsed().as_millis(),
        page.display()
    );
    Ok(page)
}

/// What a reader must find on the page, read from the spec: every operation with the tag
/// that holds its route, the servers, and the bearer scheme.
pub fn expected(doc: &Value) -> Result<Value, String> {
    let mut operations = Vec::new();
    for op in index(doc).operations {
        let id =
            str_at(op.value, "/operationId").ok_or(format!("{}: no operationId", op.label()))?;
        let responses = op.value["responses"].as_object().into_iter().flatten();
        let responses: Vec<&String> = responses.map(|(status, _)| status).collect();
        operations.push(json!({
            "operationId": id,
            "tag": str_at(op.value, "/tags/0").ok_or(format!("{id}: no tag"))?,
            "method": op.method,
            "path": op.path,
            "summary": str_at(op.value, "/summary").ok_or(format!("{id}: no summary"))?,
            "responses": responses,
        }));
    }
    if operations.is_empty() {
        return Err("the spec has no operations".into());
    }
    let servers = doc["servers"].as_array().into_iter().flatten();
    let servers: Vec<&str> = servers.filter_map(|s| str_at(s, "/url")).collect();
    let schemes = doc["components"]["securitySchemes"].as_object();
    let bearer = schemes.into_iter().flatten().find(|(_, s)| {
        str_at(s, "/type") == Some("http")
            && str_at(s, "/scheme").is_some_and(|v| v.eq_ignore_ascii_case("bearer"))
    });
    let (scheme, _) = bearer.ok_or("the spec has no http bearer security scheme")?;
    Ok(json!({
        "title": str_at(doc, "/info/title").unwrap_or_default(),
        "servers": servers,
        // Redoc shows a scheme's details in a dialog: its type, and its description, which
        // here names the header.
        "scheme": { "name": scheme, "shows": ["HTTP Authorization Scheme", "Bearer"] },
        "control": { "operationId": CONTROL_ID, "summary": CONTROL_SUMMARY },
        "operations": operations,
    }))
}

/// Opens the page in headless Chromium through the pinned playwright-core.
fn check(root: &Path, page: &Path, out: &Path) -> Result<(), String> {
    let started = Instant::now();
    let chromium =
        PathBuf::from(std::env::var_os("CHROMIUM").unwrap_or("/usr/bin/chromium".into()));
    if !chromium.exists() {
        return Err(format!(
            "no Chromium at {} (set CHROMIUM to another path, or install it: \
             `apt-get install -y chromium`)",
            chromium.display()
        ));
    }
    if !root.join("node_modules/playwright-core").exists() {
        return Err("playwright-core is not installed: run `npm ci` at the repository root".into());
    }
    let screenshot = out.join("screenshot.png");
    let status = Command::new("node")
        .arg(root.join("scripts/docs/check-page.cjs"))
        .arg(page)
        .arg(out.join("expected.json"))
        .arg(&screenshot)
        .current_dir(root)
        .env("CHROMIUM", &chromium)
        .status()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the page in Chromium misses what the spec promises (above); rebuild it with \
             `cargo xtask docs` and look at {}",
            page.display()
        ));
    }
    println!(
        "docs: checked in Chromium in {:.1} s; screenshots {} and {}",
        started.elapsed().as_secs_f64(),
        screenshot.display(),
        out.join("screenshot-security.png").display()
    );
    Ok(())
}
