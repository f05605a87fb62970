//! Nothing: the tasks are the `xtask` binary (src/main.rs).
//!
//! This library exists so that the package can name itself as a dev-dependency with the
//! `generate` feature (see Cargo.toml): Cargo only accepts a dependency on a package with a
//! library.
