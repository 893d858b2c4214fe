//! Workspace-level tests of the TIM conversation C API.
//!
//! - [`header_check`]: compares the hand-written C headers with the Rust tables of `tim-types`
//!   and the exports of `tim-ffi` (used by `cargo xtask check-header` and by `tests/header.rs`).
//! - `tests/c_programs.rs`: builds the C and C++ programs of `tests/c/` against the headers and
//!   the release library and runs them.

pub mod header_check;

pub use header_check::check_headers;

use std::path::PathBuf;

/// The workspace root: the parent of this package's folder.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
