//! The integration tests, one binary built and linked once: every operation checked on the
//! wire from its row of `common::ops::ALL` (`operations`), what a row cannot say
//! (`resources`) and the multipart upload (`upload`); then the suites that sweep the whole API
//! with the same calls (`no_panic`, `pagination`, `prism`), the spec's conformance to the
//! manual (`spec`), those of the client's behaviour (`client`, `faults`, `observability`,
//! `once`, `request_path`), the `mock` helpers and the `cli` binary (with their features).
//!
//! `cargo test --test it <filter>` runs a part (`operations::`, `pagination::`, ...); the
//! Prism suite is ignored unless asked for: `cargo test --test it -- --ignored prism::`.

mod common;

// Every operation: from its row of `common::ops::ALL`, then what a row cannot say.
mod operations;
mod resources;
mod upload;

// The whole API, through the calls of `common::ops`.
mod no_panic;
mod pagination;
mod prism;

// The spec against the manual and the generated client.
mod spec;

// The client's behaviour.
mod client;
mod faults;
mod fill;
mod generated_snapshot;
mod limit;
mod observability;
mod once;
mod request_path;
mod wait;

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "mock")]
mod mock;

/// `tests/` holds this binary only and every file of it is a module: Cargo builds no other test
/// binary (`autotests = false`), so a test file left out would silently never run.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| {
                entry
                    .expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into()
            })
            .collect();
        names.sort();
        names
    };
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    assert_eq!(names(&tests), ["it"], "tests/ holds tests/it only");
    let main = include_str!("main.rs");
    for name in names(&tests.join("it")) {
        if name == "main.rs" {
            continue;
        }
        let module = name.strip_suffix(".rs").unwrap_or(&name);
        assert!(
            main.contains(&format!("\nmod {module};\n")),
            "tests/it/{name} is not a module of tests/it/main.rs"
        );
    }
}
