//! `cargo xtask breaking`: breaking changes of the spec since the last release, found by Optic
//! (`@useoptic/optic`, pinned in `package.json`, run offline with its telemetry off), and the
//! release rules they call for.
//!
//! The last release is named in `openapi/RELEASED` (version and commit); its spec is read with
//! `git show <commit>:openapi/securities-api.yaml`. When Optic finds a breaking change:
//!
//! 1. the crate's version in `Cargo.toml` must be a semver-breaking bump of the released one;
//! 2. `info.version` of the spec must differ from the released spec's;
//! 3. `CHANGELOG.md` must have a section `## [<new crate version>]` in which each breaking
//!    change is named in one top-level bullet (`- ` or `* ` and its indented continuation
//!    lines): the operation, as `` `METHOD /path` `` or `` `operationId` ``, and the field,
//!    parameter or response status it concerns, if any, in backticks too.
//!
//! Optic reports a change once per place it reaches (a removed operation also removes each of
//! its responses): a finding inside another of the same side (same JSON pointer prefix) is
//! part of it, not a change of its own.

use crate::spec::{self, str_at};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The file naming the last release, relative to the repository root.
pub const RELEASED: &str = "openapi/RELEASED";

/// One breaking change, as Optic reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `METHOD /path`.
    pub operation: String,
    /// The operation's ids in the released and the current spec (usually one).
    pub operation_ids: Vec<String>,
    /// The field, parameter or response status the change is about, if any.
    pub name: Option<String>,
    /// Optic's rule and message.
    pub rule: String,
    pub message: String,
}

impl Change {
    /// How the changelog must name it.
    fn wanted(&self) -> String {
        let mut names = vec![format!("`{}`", self.operation)];
        names.extend(self.operation_ids.iter().map(|id| format!("`{id}`")));
        let operation = names.join(" or ");
        match &self.name {
            Some(name) => format!("{operation}, with `{name}`"),
            None => operation,
        }
    }
}

/// The last release, from `openapi/RELEASED`.
#[derive(Debug)]
pub struct Release {
    pub version: String,
    pub commit: String,
}

pub fn parse_released(text: &str) -> Result<Release, String> {
    let value = |key: &str| {
        value_of(text, key)
            .filter(|v| !v.is_empty())
            .ok_or(format!("{RELEASED}: no `{key} = ...` line"))
    };
    Ok(Release {
        version: value("version")?,
        commit: value("commit")?,
    })
}

/// `cargo xtask breaking`: the spec against the last release.
pub fn run(root: &Path) -> ExitCode {
    crate::finish("breaking", check_release(root))
}

/// `cargo xtask breaking --diff BASE NEW`: Optic's breaking changes between two files.
pub fn run_diff(root: &Path, base: &Path, new: &Path) -> ExitCode {
    // One directory per run: Optic writes its report under a fixed name.
    let work = root.join(format!("target/breaking/diff-{}", std::process::id()));
    let result = optic(root, &work, base, new);
    let _ = std::fs::remove_dir_all(&work);
    let passed = result.map(|changes| {
        print_changes(&changes);
        changes.is_empty()
    });
    crate::finish("breaking", passed)
}

fn check_release(root: &Path) -> Result<bool, String> {
    let started = Instant::now();
    let read = |file: &str| {
        std::fs::read_to_string(root.join(file)).map_err(|e| format!("cannot read {file}: {e}"))
    };
    let release = parse_released(&read(RELEASED)?)?;
    let at_release = |file: &str| git_show(root, &release.commit, file);
    let base_text = at_release(spec::DEFAULT_SPEC)?;
    let released_version = crate_version(&at_release("Cargo.toml")?);
    if released_version.as_deref() != Some(release.version.as_str()) {
        return Err(format!(
            "{RELEASED} says version {} at commit {}, but that commit's Cargo.toml has {}: \
             fix {RELEASED}",
            release.version,
            release.commit,
            released_version.unwrap_or_else(|| "no version".into())
        ));
    }
    let work = root.join("target/breaking");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let base_file = work.join(format!("released-{}.yaml", release.version));
    std::fs::write(&base_file, &base_text)
        .map_err(|e| format!("cannot write {}: {e}", base_file.display()))?;
    let new_file = root.join(spec::DEFAULT_SPEC);
    let base_doc = spec::parse_json(&base_text, &base_file.display().to_string())?;
    let new_doc = spec::parse_json(&read(spec::DEFAULT_SPEC)?, spec::DEFAULT_SPEC)?;
    let changes = optic(root, &work, &base_file, &new_file)?;
    let commit = release.commit.get(..10).unwrap_or(&release.commit);
    println!(
        "breaking: {spec} against release {} (commit {commit}, `git show {commit}:{spec}`): \
         {} breaking change{} ({:.1} s)",
        release.version,
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        spec = spec::DEFAULT_SPEC,
    );
    if changes.is_empty() {
        return Ok(true);
    }
    print_changes(&changes);
    let versions = Versions {
        released_crate: &release.version,
        crate_version: &crate_version(&read("Cargo.toml")?).unwrap_or_default(),
        released_info: str_at(&base_doc, "/info/version").unwrap_or(""),
        info: str_at(&new_doc, "/info/version").unwrap_or(""),
    };
    let changelog = read("CHANGELOG.md").unwrap_or_default();
    let problems = release_problems(&changes, &versions, &changelog);
    for problem in &problems {
        eprintln!("breaking: {problem}");
    }
    if problems.is_empty() {
        println!("breaking: allowed: the crate's version, info.version and CHANGELOG.md say so");
    }
    Ok(problems.is_empty())
}

fn git_show(root: &Path, commit: &str, file: &str) -> Result<String, String> {
    let output = Command::new("git")
        .args(["show", &format!("{commit}:{file}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cannot read {file} of the last release (commit {commit}, from {RELEASED}): {}\
             the commit must be in this clone: in a shallow clone run `git fetch --unshallow`; \
             if the commit is wrong, fix {RELEASED}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("{file} at {commit}: {e}"))
}

/// `version` of the `[package]` table of a Cargo.toml.
pub fn crate_version(manifest: &str) -> Option<String> {
    let tables = format!("\n{manifest}");
    let package = tables.split("\n[").find(|t| t.starts_with("package]"))?;
    value_of(package, "version")
}

/// The value of the first `key = value` line of `text`, unquoted (a `#` line is a comment).
fn value_of(text: &str, key: &str) -> Option<String> {
    let line = regex::Regex::new(&format!(r"(?m)^[ \t]*{key}[ \t]*=(.*)$")).expect("a valid regex");
    Some(line.captures(text)?[1].trim().trim_matches('"').to_string())
}

fn print_changes(changes: &[Change]) {
    for c in changes {
        let (operation, message, rule) = (&c.operation, &c.message, &c.rule);
        let name = c.name.as_ref().map(|n| format!(" `{n}`"));
        let name = name.unwrap_or_default();
        println!("breaking: {operation}{name}: {message} [optic: {rule}]");
    }
    println!(
        "breaking: Optic found {} breaking change{}",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
}

/// Runs Optic on two files in `work` (its report, `ci-run-details.json`, lands there) and
/// reads the breaking changes from the report.
fn optic(root: &Path, work: &Path, base: &Path, new: &Path) -> Result<Vec<Change>, String> {
    let (base_doc, new_doc) = (spec::read_json(base)?, spec::read_json(new)?);
    let exe = crate::npm_bin(root, "optic")?;
    std::fs::create_dir_all(work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let report = work.join("ci-run-details.json");
    let _ = std::fs::remove_file(&report);
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let output = Command::new(&exe)
        .arg("diff")
        .arg(absolute(base))
        .arg(absolute(new))
        .arg("--check")
        .current_dir(work)
        // CI=true makes Optic write its results as JSON (ci-run-details.json in the working
        // directory); its `--json` gives the changelog only, without the checks.
        .env("CI", "true")
        // Offline: no usage reports, no error reports, no update check.
        .env("OPTIC_TELEMETRY_LEVEL", "off")
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let text = std::fs::read_to_string(&report).map_err(|_| {
        format!(
            "Optic wrote no report (exit status {}); it said:\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", report.display()))?;
    let failed = &report["failed"];
    if failed.as_array().is_some_and(|f| !f.is_empty()) {
        return Err(format!("Optic could not compare the specs: {failed}"));
    }
    let completed = report["completed"].as_array().into_iter().flatten();
    let results: Vec<&Value> = completed
        .filter_map(|c| c["comparison"]["results"].as_array())
        .flatten()
        .collect();
    Ok(changes(&results, &base_doc, &new_doc))
}

/// The breaking changes among Optic's check results: failed, not exempted, of severity error,
/// and not inside another one.
pub fn changes(results: &[&Value], base: &Value, new: &Value) -> Vec<Change> {
    let failed: Vec<(&str, &str, &Value)> = results
        .iter()
        .filter(|r| r["passed"] == false && r["exempted"] != true)
        .filter(|r| r["severity"].as_u64().unwrap_or(2) >= 2)
        .map(|r| {
            let at = |key| str_at(r, key).unwrap_or("");
            (at("/location/jsonPath"), at("/location/spec"), *r)
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (pointer, side, result) in &failed {
        let inside = failed.iter().any(|(other, other_side, _)| {
            other_side == side
                && other.len() < pointer.len()
                && pointer.starts_with(other)
                && pointer.as_bytes()[other.len()] == b'/'
        });
        if inside {
            continue;
        }
        let place = str_at(result, "/where").unwrap_or("");
        let operation = operation_of(pointer)
            .unwrap_or_else(|| place.splitn(3, ' ').take(2).collect::<Vec<_>>().join(" "));
        let operation_ids = [base, new]
            .iter()
            .filter_map(|doc| operation_id(doc, &operation))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let change = Change {
            operation,
            operation_ids,
            name: name_of(pointer, place),
            rule: str_at(result, "/name").unwrap_or("").to_string(),
            message: str_at(result, "/error").unwrap_or("").to_string(),
        };
        if seen.insert((
            change.operation.clone(),
            change.name.clone(),
            change.rule.clone(),
        )) {
            out.push(change);
        }
    }
    out
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// `METHOD /path` of a pointer `/paths/<path>/<method>/...`.
fn operation_of(pointer: &str) -> Option<String> {
    let mut segments = pointer.strip_prefix("/paths/")?.split('/');
    let path = unescape(segments.next()?);
    let method = segments.next()?;
    Some(format!("{} {path}", method.to_uppercase()))
}

fn operation_id(doc: &Value, operation: &str) -> Option<String> {
    let (method, path) = operation.split_once(' ')?;
    let id = doc.get("paths")?.get(path)?.get(method.to_lowercase())?;
    str_at(id, "/operationId").map(String::from)
}

/// The field, parameter or response status a finding is about.
fn name_of(pointer: &str, place: &str) -> Option<String> {
    if let Some((_, parameter)) = place.rsplit_once("parameter: ") {
        return Some(parameter.trim().to_string());
    }
    if let Some((_, property)) = pointer.rsplit_once("/properties/") {
        return Some(unescape(property.split('/').next().unwrap_or(property)));
    }
    let (_, status) = pointer.rsplit_once("/responses/")?;
    (!status.contains('/')).then(|| status.to_string())
}

pub struct Versions<'a> {
    pub released_crate: &'a str,
    pub crate_version: &'a str,
    pub released_info: &'a str,
    pub info: &'a str,
}

/// Whether `new` is a semver-breaking bump of `old`: a version that Cargo's `^old` does not
/// accept (a new major, or for 0.x a new minor), and newer.
pub fn is_breaking_bump(old: &str, new: &str) -> bool {
    let (Ok(req), Ok(old), Ok(new)) = (
        semver::VersionReq::parse(&format!("^{old}")),
        semver::Version::parse(old),
        semver::Version::parse(new),
    ) else {
        return false;
    };
    new > old && !req.matches(&new)
}

/// What a release with these breaking changes lacks, each with its fix.
pub fn release_problems(changes: &[Change], v: &Versions, changelog: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !is_breaking_bump(v.released_crate, v.crate_version) {
        problems.push(format!(
            "Cargo.toml: version {} is not a breaking bump of the released {} (for 0.x a new \
             minor, otherwise a new major): set `version` in [package] of Cargo.toml",
            v.crate_version, v.released_crate
        ));
    }
    if v.info == v.released_info {
        problems.push(format!(
            "{}: info.version is still {:?}, as in the release: give the new API revision its \
             own info.version (then `cargo xtask generate`)",
            spec::DEFAULT_SPEC,
            v.info
        ));
    }
    let Some(section) = changelog_section(changelog, v.crate_version) else {
        problems.push(format!(
            "CHANGELOG.md: no section `## [{}]`: add it, with one bullet per breaking change \
             listed above",
            v.crate_version
        ));
        return problems;
    };
    let bullets = bullets(&section);
    let missing: Vec<&Change> = changes
        .iter()
        .filter(|c| !bullets.iter().any(|b| names(b, c)))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "CHANGELOG.md: the section `## [{}]` does not name {} of the {} breaking changes; \
             add a bullet naming each (in backticks, in the same bullet):",
            v.crate_version,
            missing.len(),
            changes.len()
        ));
        for c in missing {
            problems.push(format!("  missing: {} ({})", c.wanted(), c.message));
        }
    }
    problems
}

/// The lines of the `## [version]` section, up to the next `## ` heading.
fn changelog_section(changelog: &str, version: &str) -> Option<String> {
    let heading = format!("## [{version}]");
    let mut lines = changelog.lines().skip_while(|l| !l.starts_with(&heading));
    lines.next()?;
    Some(
        lines
            .take_while(|l| !l.starts_with("## "))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Top-level bullets (`- ` or `* ` at the start of a line) with their continuation lines.
fn bullets(section: &str) -> Vec<&str> {
    let bullet = regex::Regex::new(r"(?m)^[-*] .*(\n[ \t].*)*").expect("a valid regex");
    bullet.find_iter(section).map(|m| m.as_str()).collect()
}

fn names(bullet: &str, change: &Change) -> bool {
    let quoted = |s: &str| bullet.contains(&format!("`{s}`"));
    let operation = quoted(&change.operation) || change.operation_ids.iter().any(|id| quoted(id));
    operation && change.name.as_deref().is_none_or(quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(operation: &str, id: &str, name: Option<&str>) -> Change {
        Change {
            operation: operation.into(),
            operation_ids: vec![id.into()],
            name: name.map(String::from),
            rule: "rule".into(),
            message: "message".into(),
        }
    }

    const VERSIONS: Versions = Versions {
        released_crate: "0.1.0",
        crate_version: "0.2.0",
        released_info: "2022-12",
        info: "2024-01",
    };

    #[test]
    fn bumps() {
        assert!(is_breaking_bump("0.1.0", "0.2.0"));
        assert!(is_breaking_bump("0.1.3", "1.0.0"));
        assert!(!is_breaking_bump("0.1.0", "0.1.1"));
        assert!(is_breaking_bump("1.2.0", "2.0.0"));
        assert!(!is_breaking_bump("1.2.0", "1.3.0"));
        assert!(!is_breaking_bump("0.1.0", "nonsense"));
    }

    #[test]
    fn released_file() {
        let r = parse_released("# c\nversion = 0.1.0\ncommit = abc\n").unwrap();
        assert_eq!((r.version.as_str(), r.commit.as_str()), ("0.1.0", "abc"));
        assert!(parse_released("version = 0.1.0\n").is_err());
        assert_eq!(
            crate_version(
                "[package]\nname = \"x\"\nversion = \"0.2.0\"\n[dependencies]\nversion = 1"
            ),
            Some("0.2.0".into())
        );
    }

    #[test]
    fn a_changelog_that_names_every_change_passes() {
        let changes = [
            change("GET /v1/batches/{id}", "get_batch", None),
            change("GET /v1/batches", "list_batches", Some("quantity_signed")),
            change("POST /v1/batches", "create_batch", Some("fund_id")),
        ];
        let changelog = "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2024-01-15\n\n\
            ### Removed\n\n- `GET /v1/batches/{id}` (`get_batch`).\n\
            - `quantity_signed` is no longer in the batches of `list_batches`.\n\n\
            ### Changed\n\n- `create_batch` requires\n  `fund_id`.\n\n## [0.1.0]\n\n- first\n";
        assert_eq!(
            release_problems(&changes, &VERSIONS, changelog),
            Vec::<String>::new()
        );
    }

    #[test]
    fn what_is_missing_is_listed() {
        let changes = [
            change("GET /v1/batches/{id}", "get_batch", None),
            change("POST /v1/batches", "create_batch", Some("fund_id")),
        ];
        // `fund_id` is named, but not in the bullet of its operation; and the version was
        // not bumped.
        let changelog =
            "## [0.1.1]\n\n- `get_batch` removed.\n- `create_batch` changed.\n- `fund_id` added.\n";
        let versions = Versions {
            crate_version: "0.1.1",
            info: "2022-12",
            ..VERSIONS
        };
        let problems = release_problems(&changes, &versions, changelog);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("Cargo.toml: version 0.1.1 is not a breaking bump"));
        assert!(problems[1].contains("info.version is still \"2022-12\""));
        assert!(problems[2].contains("does not name 1 of the 2 breaking changes"));
        assert_eq!(
            problems[3],
            "  missing: `POST /v1/batches` or `create_batch`, with `fund_id` (message)"
        );
        let none = release_problems(&changes, &VERSIONS, "# Changelog\n");
        assert!(none[0].contains("no section `## [0.2.0]`"), "{none:#?}");
    }

    #[test]
    fn findings_inside_a_finding_are_part_of_it() {
        let result = |pointer: &str, side: &str, place: &str| {
            serde_json::json!({
                "passed": false, "exempted": false, "severity": 2, "name": "rule",
                "error": "e", "where": place, "location": { "jsonPath": pointer, "spec": side }
            })
        };
        let results = [
            result("/paths/~1v1~1batches~1{id}/get", "before", "GET /v1/batches/{id}"),
            result(
                "/paths/~1v1~1batches~1{id}/get/responses/200",
                "before",
                "GET /v1/batches/{id} response 200",
            ),
            result(
                "/paths/~1v1~1batches/post/requestBody/content/application~1json/schema/properties/batch/properties/fund_id",
                "after",
                "POST /v1/batches request body: application/json property: batch/fund_id",
            ),
            result(
                "/paths/~1v1~1proposals/get/parameters/1",
                "after",
                "GET /v1/proposals query parameter: fund",
            ),
        ];
        let refs: Vec<&Value> = results.iter().collect();
        let doc = serde_json::json!({ "paths": {
            "/v1/batches/{id}": { "get": { "operationId": "get_batch" } },
            "/v1/batches": { "post": { "operationId": "create_batch" } },
        }});
        let found = changes(&refs, &doc, &serde_json::json!({}));
        let summary: Vec<(String, Option<String>)> = found
            .iter()
            .map(|c| (c.operation.clone(), c.name.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                ("GET /v1/batches/{id}".to_string(), None),
                ("POST /v1/batches".to_string(), Some("fund_id".to_string())),
                ("GET /v1/proposals".to_string(), Some("fund".to_string())),
            ]
        );
        assert_eq!(found[0].operation_ids, ["get_batch"]);
    }
}
