//! The reference page in Chromium: the check passes on the page of the spec, and fails on a
//! page that lacks an operation the spec has (so it finds what is rendered, not what is hoped).
//!
//! Needs Redocly CLI and playwright-core (`npm ci`) and Chromium (`apt-get install chromium`):
//! ignored by default, run by CI with `cargo test -p xtask --test docs -- --ignored`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn show(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
#[ignore = "needs npm ci and Chromium"]
fn a_page_without_an_operation_fails_the_check() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-planted");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("openapi/securities-api.yaml")).unwrap();
    let mut spec: Value = serde_norway::from_str(&text).unwrap();
    let removed = spec["paths"]["/v1/batches/{id}"]
        .as_object_mut()
        .unwrap()
        .remove("get")
        .expect("GET /v1/batches/{id}");
    let id = removed["operationId"].as_str().unwrap().to_string();
    let planted = dir.join("planted.json");
    std::fs::write(&planted, serde_json::to_string(&spec).unwrap()).unwrap();

    // The page of the planted spec, but what the real spec promises.
    let out = dir.join("page");
    let built = xtask(&[
        "docs",
        "--spec",
        planted.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(built.status.success(), "{}", show(&built));
    let full = dir.join("full");
    let built = xtask(&["docs", "--out", full.to_str().unwrap()]);
    assert!(built.status.success(), "{}", show(&built));
    std::fs::copy(full.join("expected.json"), out.join("expected.json")).unwrap();

    let check = Command::new("node")
        .arg(root().join("scripts/docs/check-page.cjs"))
        .arg(out.join("index.html"))
        .arg(out.join("expected.json"))
        .arg(out.join("screenshot.png"))
        .output()
        .unwrap();
    let said = show(&check);
    println!("{said}");
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!(
            "docs check: {id} (GET /v1/batches/{{id}}): not on its page"
        )),
        "{said}"
    );
    let total = serde_json::from_str::<Value>(
        &std::fs::read_to_string(full.join("expected.json")).unwrap(),
    )
    .unwrap()["operations"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        said.contains(&format!("{} of {total} operations", total - 1)),
        "{said}"
    );
}
