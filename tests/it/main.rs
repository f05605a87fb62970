//! The integration tests, one binary built and linked once: a module per resource (each
//! operation checked on the wire with its call of `common::ops::ALL`), then the suites that
//! sweep the whole API with the same calls (`no_panic`, `pagination`, `prism`, `spec`) and
//! those of the client's behaviour (`client`, `faults`, `observability`, `upload`), the
//! `mock` helpers and the `cli` binary (with their features).
//!
//! `cargo test --test it <filter>` runs a part (`proposals::`, `pagination::`, ...); the Prism
//! suite is ignored unless asked for: `cargo test --test it -- --ignored prism::`.

mod common;

// One module per resource of the API.
mod arrangements;
mod assignments;
mod bank_credit_notes;
mod batches;
mod documents;
mod duplicate_batches;
mod duplicates;
mod legacy;
mod proposals;
mod security_batches;
mod signer_links;
mod signers;
mod upload;

// The whole API, through the calls of `common::ops`.
mod no_panic;
mod pagination;
mod prism;
mod spec;

// The client's behaviour.
mod client;
mod faults;
mod generated_snapshot;
mod observability;
mod request_path;

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "mock")]
mod mock;

/// Every operation of `common::ops::ALL` is checked by the module of its resource, and by one
/// only.
#[test]
fn every_operation_is_checked_by_one_resource() {
    let mut checked = [
        arrangements::CHECKED,
        assignments::CHECKED,
        bank_credit_notes::CHECKED,
        batches::CHECKED,
        documents::CHECKED,
        duplicate_batches::CHECKED,
        duplicates::CHECKED,
        legacy::CHECKED,
        proposals::CHECKED,
        security_batches::CHECKED,
        signer_links::CHECKED,
        signers::CHECKED,
        upload::CHECKED,
    ]
    .concat();
    let mut all: Vec<&str> = common::ops::ALL.iter().map(|op| op.id).collect();
    checked.sort_unstable();
    all.sort_unstable();
    assert_eq!(checked, all);
}

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
