//! Project automation, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! Commands:
//! - `check-header`: compares the C headers in `crates/tim-ffi/include/` with the Rust tables of
//!   `tim-types` and the exports of `tim-ffi` (see `tim_tests::header_check`); exits non-zero
//!   with the list of mismatches.
//! - `ci`: the whole CI sequence, stopping at the first failure: install missing system packages
//!   (g++, jsoncpp, pkg-config; as root with apt-get), `cargo fmt --check`, `cargo clippy`,
//!   `cargo doc` (warnings denied), `cargo build --release -p tim-ffi`, the header check,
//!   `cargo test --workspace`, and the
//!   quick benchmarks (`tim-bench --quick`: the engines must end in the same state).
//! - `bench`: the benchmarks (`--quick` for small sizes, `--out DIR` for the report).
//!
//! Only `std::process::Command` is used; the output of every command streams through.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The jsoncpp header the C++ test program needs.
const JSONCPP_HEADER: &str = "/usr/include/jsoncpp/json/json.h";

/// The Debian packages the C and C++ tests need.
const SYSTEM_PACKAGES: &[&str] = &["gcc", "g++", "libjsoncpp-dev", "pkg-config", "binutils"];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check-header") => check_header(),
        Some("ci") => ci(),
        Some("bench") => bench(&args[1..]),
        Some("help" | "-h" | "--help") | None => {
            print_help();
            Ok(())
        }
        Some(other) => {
            print_help();
            Err(format!("unknown command `{other}`"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    eprintln!(
        "usage: cargo xtask <command>\n\n\
         commands:\n  \
         check-header  compare crates/tim-ffi/include/*.h with tim-types and the tim-ffi exports\n  \
         ci            install missing system packages, then fmt, clippy, release build,\n                \
         header check, tests and the quick benchmarks; stops at the first failure\n  \
         bench         run the benchmarks (--quick for small sizes; --out DIR for the report)"
    );
}

/// The workspace root: the parent of this package's folder.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// The cargo binary running us (`$CARGO`), or `cargo`.
fn cargo() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn check_header() -> Result<(), String> {
    let root = workspace_root();
    match tim_tests::check_headers(&root) {
        Ok(()) => {
            println!("check-header: the headers match tim-types and the tim-ffi exports");
            Ok(())
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("  {e}");
            }
            Err(format!("check-header: {} mismatch(es)", errors.len()))
        }
    }
}

/// Runs a command in the workspace root with inherited output; fails unless it exits 0.
fn run(program: impl Into<OsString>, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    let program = program.into();
    let shown = format!("{} {}", program.to_string_lossy(), args.join(" "));
    println!("\n==> {shown}");
    let mut cmd = Command::new(&program);
    cmd.args(args).current_dir(workspace_root());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd.status().map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
}

/// Whether `name` is an executable file on `PATH`.
fn on_path(name: &str) -> bool {
    env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false)
}

/// Whether we run as root (`id -u` prints 0).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs gcc, g++, jsoncpp, pkg-config and binutils (nm) with apt-get when something is missing and we are root.
fn install_system_packages() -> Result<(), String> {
    let mut missing = Vec::new();
    for tool in ["gcc", "g++", "pkg-config", "nm"] {
        if !on_path(tool) {
            missing.push(tool.to_owned());
        }
    }
    if !Path::new(JSONCPP_HEADER).is_file() {
        missing.push(JSONCPP_HEADER.to_owned());
    }
    if missing.is_empty() {
        println!("==> system packages: gcc, g++, pkg-config, nm and the jsoncpp header are present");
        return Ok(());
    }
    println!("==> system packages: missing {}", missing.join(", "));
    if !is_root() {
        println!(
            "==> not root: not installing; install {} yourself (the C/C++ tests need them)",
            SYSTEM_PACKAGES.join(" ")
        );
        return Ok(());
    }
    if !on_path("apt-get") {
        return Err(format!("apt-get not found; install {} yourself", SYSTEM_PACKAGES.join(" ")));
    }
    let noninteractive = [("DEBIAN_FRONTEND", "noninteractive")];
    run("apt-get", &["update"], &noninteractive)?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(SYSTEM_PACKAGES);
    run("apt-get", &args, &noninteractive)
}

/// `cargo xtask bench [--quick] [--out DIR]`: the benchmark crate in release mode.
fn bench(args: &[String]) -> Result<(), String> {
    let mut full = vec!["run".to_owned(), "--release".into(), "-p".into(), "tim-bench".into(), "--".into()];
    full.extend(args.iter().cloned());
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    run(cargo(), &full, &[])
}

fn ci() -> Result<(), String> {
    install_system_packages()?;
    run(cargo(), &["fmt", "--all", "--", "--check"], &[])?;
    run(cargo(), &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])?;
    // The `//!` and `///` docs: a link to an item that moved or is private fails here.
    run(cargo(), &["doc", "--no-deps", "--workspace"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    run(cargo(), &["build", "--release", "-p", "tim-ffi"], &[])?;
    println!("\n==> check-header");
    check_header()?;
    run(cargo(), &["test", "--workspace"], &[("INSTA_UPDATE", "no")])?;
    // The benchmarks at small sizes: they keep building and the engines keep agreeing (the bench
    // fails if their end states differ); no timing is asserted.
    bench(&["--quick".to_owned()])?;
    println!("\nci: all steps passed");
    Ok(())
}
