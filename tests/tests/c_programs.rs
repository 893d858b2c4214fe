//! Builds the C and C++ programs of `tests/c/` against the hand-written headers and the release
//! build of `tim-ffi`, and runs each with a fresh data folder.
//!
//! - The library is built once per test process with `$CARGO build --release -p tim-ffi`.
//! - Every `tests/c/*.c` is compiled with `gcc -std=c99 -Wall -Wextra -Werror -pedantic` and run;
//!   then compiled again with `-fsanitize=address,undefined` and run again.
//! - `tests/c/seed_examples.cpp` (the seed's examples, verbatim) is compiled with `g++ -std=c++11`
//!   and jsoncpp, and run.
//! - `tests/c/all_signatures.cpp` (every `TIMConv*` function and conversation callback setter,
//!   called with Tencent's argument types and lambdas) is compiled with
//!   `g++ -std=c++11 -Wall -Wextra -Werror` and run.
//! - `nm -D` must list every function `TIMCloud.h` declares, and `libtim_ffi.a` must exist.
//! - README.md's C quick start is compiled with the README's command and run.
//!
//! Each program is its own test, so a failure names it. A program must exit 0; its output is
//! printed when it does not, or when it runs longer than the timeout.

use std::ffi::OsString;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tim_tests::header_check::declared_functions;
use tim_tests::workspace_root;

/// How long one program may run.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

/// The C flags every program must compile with.
const C_FLAGS: &[&str] = &["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];

/// The extra flags of the sanitizer builds.
const SANITIZE_FLAGS: &[&str] =
    &["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"];

/// The jsoncpp header the C++ program needs.
const JSONCPP_HEADER: &str = "/usr/include/jsoncpp/json/json.h";

/// The functions the library must export.
const REQUIRED_EXPORTS: &[&str] = tim_tests::API_FUNCTIONS;

/// The target folder (`$CARGO_TARGET_DIR` or `<root>/target`).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { workspace_root().join(dir) }
        }
        None => workspace_root().join("target"),
    }
}

/// `<target>/release`, after building the library there once.
fn release_dir() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let output = Command::new(&cargo)
            .args(["build", "--release", "-p", "tim-ffi"])
            .current_dir(workspace_root())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", cargo.to_string_lossy()))?;
        if !output.status.success() {
            return Err(format!(
                "`cargo build --release -p tim-ffi` failed ({}):\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let dir = target_dir().join("release");
        if !dir.join("libtim_ffi.so").is_file() {
            return Err(format!("{} was not built", dir.join("libtim_ffi.so").display()));
        }
        Ok(dir)
    });
    match built {
        Ok(dir) => dir,
        Err(e) => panic!("{e}"),
    }
}

fn include_dir() -> PathBuf {
    workspace_root().join("crates/tim-ffi/include")
}

fn c_dir() -> PathBuf {
    workspace_root().join("tests/c")
}

/// Runs a compiler command; panics with its output on failure.
fn compile(mut cmd: Command, what: &str) {
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot run the compiler for {what}: {e}"));
    if !output.status.success() {
        panic!(
            "compiling {what} failed ({}):\n{:?}\n{}{}",
            output.status,
            cmd,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The linker flags for the library: `-L<release> -ltim_ffi -Wl,-rpath,<release>`.
fn link_flags(release: &Path) -> Vec<OsString> {
    let mut rpath = OsString::from("-Wl,-rpath,");
    rpath.push(release);
    let mut l = OsString::from("-L");
    l.push(release);
    vec![l, "-ltim_ffi".into(), rpath]
}

/// Compiles `tests/c/<name>.c` into `out`, optionally with the sanitizers.
fn build_c(name: &str, out: &Path, sanitize: bool) {
    let release = release_dir();
    let mut cmd = Command::new("gcc");
    cmd.args(C_FLAGS);
    if sanitize {
        cmd.args(SANITIZE_FLAGS);
    }
    cmd.arg("-I").arg(include_dir()).arg("-o").arg(out).arg(c_dir().join(format!("{name}.c")));
    cmd.args(link_flags(release)).arg("-lpthread");
    compile(cmd, &format!("{name}.c"));
}

/// Runs a program with a fresh, empty data folder; panics with its output unless it exits 0.
fn run_program(exe: &Path, what: &str, envs: &[(&str, &str)]) {
    let work = tempfile::tempdir().expect("temp dir");
    let data = work.path().join("data");
    fs::create_dir(&data).expect("data dir");
    let stdout_path = work.path().join("stdout.txt");
    let stderr_path = work.path().join("stderr.txt");
    let mut cmd = Command::new(exe);
    // cargo test puts target/debug (and its deps) on LD_LIBRARY_PATH, which the dynamic loader
    // searches before the program's RUNPATH: a stale debug libtim_ffi.so there would be tested
    // instead of the release library the program was linked against.
    cmd.env_remove("LD_LIBRARY_PATH");
    cmd.arg(&data)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("stdout file"))
        .stderr(File::create(&stderr_path).expect("stderr file"))
        .env("RUST_BACKTRACE", "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
    let tail = |s: &str| {
        let start = s.len().saturating_sub(20_000);
        let start = (start..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
        s[start..].to_owned()
    };
    match status {
        Some(status) if status.success() => {
            print!("{stdout}");
        }
        Some(status) => panic!(
            "{what} failed ({status})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            tail(&stdout),
            tail(&stderr)
        ),
        None => panic!(
            "{what} did not finish within {} s (deadlock?)\n--- stdout ---\n{}\n--- stderr ---\n{}",
            RUN_TIMEOUT.as_secs(),
            tail(&stdout),
            tail(&stderr)
        ),
    }
}

/// Builds and runs `tests/c/<name>.c`, plain or with the sanitizers.
fn c_program(name: &str, sanitize: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = dir.path().join(name);
    build_c(name, &exe, sanitize);
    if sanitize {
        run_program(
            &exe,
            &format!("{name} (ASan/UBSan)"),
            &[
                // The Rust library keeps global state for the life of the process.
                ("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:halt_on_error=1"),
                ("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1"),
            ],
        );
    } else {
        run_program(&exe, name, &[]);
    }
}

macro_rules! c_tests {
    ($( $name:ident ),+ $(,)?) => {
        mod c {
            //! The C programs, built with the strict C99 flags and run.
            $(
                #[test]
                fn $name() {
                    super::c_program(stringify!($name), false);
                }
            )+
        }
        mod c_sanitized {
            //! The C programs, built again with AddressSanitizer and UBSan and run.
            $(
                #[test]
                fn $name() {
                    super::c_program(stringify!($name), true);
                }
            )+
        }

        /// Every `tests/c/*.c` has a test above.
        #[test]
        fn every_c_program_has_a_test() {
            let known = [$( stringify!($name) ),+];
            for entry in fs::read_dir(c_dir()).expect("tests/c") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "c") {
                    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                    assert!(known.contains(&stem.as_str()), "tests/c/{stem}.c has no test in c_programs.rs");
                }
            }
        }
    };
}

c_tests!(
    happy_path,
    errors,
    reentrancy,
    threads,
    uninit_pending,
    persistence,
    messages,
    unread,
    conversation_api,
    paging,
);

/// How many acknowledged messages the crash test waits for before the kill: more than one fold
/// of the index rows written behind (65,536), so that the store has folded rows, pending rows
/// and, likely, a call in flight when it dies.
const ACKED_BEFORE_KILL: u64 = 70_000;

/// A C program delivering messages (`tests/c/crash/writer.c`, 500 per call) is killed with
/// SIGKILL once it was told that 70,000 were stored: the store it leaves opens, holds every
/// message it was told of, in each sender's history, and the doctor finds nothing to correct
/// and no record unindexed. What it tests: a success reported to the caller is durable, and the
/// index rows written behind are found again from the log (docs/performance.md, W1).
#[test]
fn every_acknowledged_message_survives_a_kill() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = dir.path().join("writer");
    build_c("crash/writer", &exe, false);
    let data = dir.path().join("data");
    fs::create_dir(&data).expect("data dir");
    let mut child = Command::new(&exe)
        .env_remove("LD_LIBRARY_PATH")
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the writer");
    let stdout = child.stdout.take().expect("stdout");
    let (acks, acked) = std::sync::mpsc::channel::<u64>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("acked ").and_then(|n| n.parse().ok()) {
                let _ = acks.send(n);
            }
        }
    });
    let started = Instant::now();
    let mut last = 0;
    while last < ACKED_BEFORE_KILL {
        match acked.recv_timeout(Duration::from_secs(1)) {
            Ok(n) => last = n,
            Err(_) => {
                if let Some(status) = child.try_wait().expect("wait") {
                    panic!("the writer stopped by itself ({status}) after {last} messages");
                }
                assert!(started.elapsed() < RUN_TIMEOUT, "only {last} messages acknowledged in time");
            }
        }
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    reader.join().expect("reader");
    // What it printed before it died was acknowledged too.
    last = acked.try_iter().fold(last, u64::max);

    let (store, _) = tim_core::store::Store::open(&data, "alice").expect("the store opens after the kill");
    let mut stored = std::collections::HashSet::new();
    for sender in 0..7 {
        let key = tim_core::ConvKey::c2c(format!("peer{sender}")).unwrap();
        let query = tim_core::HistoryQuery { count: usize::MAX, ..tim_core::HistoryQuery::default() };
        let read = tim_core::store::ops::MsgOp::History { key, query };
        let outcome = store.execute(vec![read], 0, 1, false, Vec::new()).expect("history");
        let Ok(tim_core::store::ops::OpOutput::Messages(found)) = &outcome.results[0] else {
            panic!("{:?}", outcome.results)
        };
        stored.extend(found.iter().filter_map(|m| m.message_msg_id.clone()));
    }
    let lost: Vec<u64> = (0..last).filter(|n| !stored.contains(&format!("m{n}"))).collect();
    assert!(lost.is_empty(), "{} of {last} acknowledged messages lost, the first m{}", lost.len(), lost[0]);
    let doctor = tim_core::store::ops::MsgOp::Doctor { fix: false };
    let outcome = store.execute(vec![doctor], 0, 1, false, Vec::new()).expect("doctor");
    let Ok(tim_core::store::ops::OpOutput::Report(report)) = &outcome.results[0] else {
        panic!("{:?}", outcome.results)
    };
    assert!(report.mismatches.is_empty() && report.unreadable_records.is_empty(), "{report:?}");
    assert_eq!(report.unindexed_records, 0, "{report:?}");
    assert_eq!(report.messages as usize, stored.len(), "{report:?}");
    println!("killed after {last} acknowledged messages; {} stored, none lost", stored.len());
}

/// The compiler flags for jsoncpp: `pkg-config --cflags jsoncpp`, or `/usr/include/jsoncpp`.
fn jsoncpp_cflags() -> Vec<String> {
    if let Ok(out) = Command::new("pkg-config").args(["--cflags", "jsoncpp"]).output()
        && out.status.success()
    {
        let flags: Vec<String> =
            String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_owned).collect();
        if !flags.is_empty() {
            return flags;
        }
    }
    vec!["-I/usr/include/jsoncpp".to_owned()]
}

#[test]
fn cpp_seed_examples() {
    let have_header = Path::new(JSONCPP_HEADER).is_file()
        || Command::new("pkg-config").args(["--exists", "jsoncpp"]).status().is_ok_and(|s| s.success());
    assert!(
        have_header,
        "jsoncpp is not installed ({JSONCPP_HEADER} is missing): run `cargo xtask ci`, which installs \
         libjsoncpp-dev (or `apt-get install -y g++ libjsoncpp-dev pkg-config`)"
    );
    let release = release_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = dir.path().join("seed_examples");
    let mut cmd = Command::new("g++");
    cmd.args(["-std=c++11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-g"])
        .arg("-I")
        .arg(include_dir())
        .args(jsoncpp_cflags())
        .arg("-o")
        .arg(&exe)
        .arg(c_dir().join("seed_examples.cpp"))
        .args(link_flags(release))
        .args(["-ljsoncpp", "-pthread"]);
    compile(cmd, "seed_examples.cpp");
    run_program(&exe, "seed_examples", &[]);
}

/// The C++ programs of `tests/c/`, each with its own test below.
const CPP_PROGRAMS: &[&str] = &["seed_examples", "all_signatures"];

/// Every `tests/c/*.cpp` has a test.
#[test]
fn every_cpp_program_has_a_test() {
    for entry in fs::read_dir(c_dir()).expect("tests/c") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "cpp") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(CPP_PROGRAMS.contains(&stem.as_str()), "tests/c/{stem}.cpp has no test in c_programs.rs");
        }
    }
}

/// Every `TIMConv*` function and conversation callback setter, called from C++11 with Tencent's
/// argument types and lambdas as callbacks; the strict warning flags must pass without
/// `-Wno-unused-parameter`.
#[test]
fn cpp_all_signatures() {
    let release = release_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = dir.path().join("all_signatures");
    let mut cmd = Command::new("g++");
    cmd.args(["-std=c++11", "-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(include_dir())
        .arg("-o")
        .arg(&exe)
        .arg(c_dir().join("all_signatures.cpp"))
        .args(link_flags(release))
        .arg("-pthread");
    compile(cmd, "all_signatures.cpp");
    run_program(&exe, "all_signatures", &[]);
}

#[test]
fn the_library_exports_every_declared_function() {
    let release = release_dir();
    let so = release.join("libtim_ffi.so");
    let output = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&so)
        .output()
        .unwrap_or_else(|e| panic!("cannot run nm: {e}"));
    assert!(output.status.success(), "nm failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let symbols: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().last()).collect();
    let declared = declared_functions(&workspace_root()).expect("headers parse");
    let mut names: Vec<&str> = declared.iter().map(|d| d.name.as_str()).collect();
    for required in REQUIRED_EXPORTS {
        assert!(names.contains(required), "{required} is not declared in TIMCloud.h");
    }
    let unlisted: Vec<&&str> = names.iter().filter(|n| !REQUIRED_EXPORTS.contains(n)).collect();
    assert!(unlisted.is_empty(), "declared in the headers but not in REQUIRED_EXPORTS: {unlisted:?}");
    assert_eq!(REQUIRED_EXPORTS.len(), 58);
    names.sort_unstable();
    let declared_count = names.len();
    names.dedup();
    assert_eq!(names.len(), declared_count, "a function is declared twice");
    let missing: Vec<&&str> = names.iter().filter(|n| !symbols.contains(n)).collect();
    assert!(missing.is_empty(), "{} does not export {missing:?}", so.display());
}

#[test]
fn a_program_linked_with_the_static_library_runs() {
    let release = release_dir();
    let a = release.join("libtim_ffi.a");
    assert!(a.is_file(), "{} is missing", a.display());
    // Exactly the flags README.md gives for static linking.
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = dir.path().join("happy_path_static");
    let mut cmd = Command::new("gcc");
    cmd.args(C_FLAGS)
        .arg("-I")
        .arg(include_dir())
        .arg("-o")
        .arg(&exe)
        .arg(c_dir().join("happy_path.c"))
        .arg(&a)
        .args(["-lpthread", "-ldl", "-lm"]);
    compile(cmd, "happy_path.c, statically linked");
    let dynamic = Command::new("nm").arg("-D").arg(&exe).output().expect("nm");
    assert!(
        !String::from_utf8_lossy(&dynamic.stdout).contains("TIMInit"),
        "the program must not import TIMInit from a shared library"
    );
    run_program(&exe, "happy_path (static)", &[]);
}

/// Every header compiles on its own, as C and as C++; and `TIMCloudDef.h` alone declares what
/// Tencent's declares and code including only it uses: the common callback (7.5 and later) and
/// the error codes (5.x).
#[test]
fn every_header_compiles_alone_and_the_def_header_declares_the_callback_and_the_codes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut headers: Vec<PathBuf> = std::fs::read_dir(include_dir())
        .expect("include dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "h"))
        .collect();
    headers.sort();
    assert!(headers.len() >= 10, "{headers:?}");
    for header in &headers {
        for (compiler, language, standard) in [("gcc", "c", "-std=c99"), ("g++", "c++", "-std=c++11")] {
            let mut cmd = Command::new(compiler);
            cmd.args([standard, "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only", "-x", language])
                .arg("-I")
                .arg(include_dir())
                .arg(header);
            compile(cmd, &format!("{} as {language}", header.display()));
        }
    }
    let source = dir.path().join("def_only.c");
    std::fs::write(
        &source,
        "#include \"TIMCloudDef.h\"\n\
         typedef struct { TIMCommCallback cb; const void* user_data; } Pending;\n\
         int code_kind(int code) {\n\
             switch (code) {\n\
             case ERR_SUCC: return 0;\n\
             case ERR_SVR_CONV_ADMIN_REQUIRED: return 1;\n\
             case ERR_SDK_NET_WAIT_ACK_TIMEOUT: return 2;\n\
             case ERR_SDK_COMM_INTERRUPT: return 3;\n\
             default: return 4;\n\
             }\n\
         }\n\
         int main(void) { Pending p = { 0, 0 }; return (p.cb != 0) + code_kind(ERR_SUCC); }\n",
    )
    .expect("write");
    let mut cmd = Command::new("gcc");
    cmd.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only"])
        .arg("-I")
        .arg(include_dir())
        .arg(&source);
    compile(cmd, "a file including only TIMCloudDef.h");
}

/// The C quick start of README.md, as it stands there, compiles with the command the README
/// gives (with warnings as errors; in the compiler's default dialect, as the README's command:
/// the example sleeps with POSIX `usleep`, which `-std=c99` hides), runs in a fresh folder and
/// lists the draft it set: a reader's first contact with the library must not be a broken
/// example.
#[test]
fn the_readme_c_quick_start_compiles_and_runs() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).expect("README.md");
    let source: String = readme
        .split("```c\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README.md has a ```c block")
        .to_owned();
    let command = "gcc app.c -I crates/tim-ffi/include -L target/release -ltim_ffi -Wl,-rpath,$PWD/target/release -lpthread";
    assert!(readme.contains(command), "README.md no longer gives `{command}`: update this test with it");
    let release = release_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("app.c"), &source).expect("app.c");
    let exe = dir.path().join("app");
    let mut cmd = Command::new("gcc");
    cmd.args(["-Wall", "-Wextra", "-Werror"])
        .arg(dir.path().join("app.c"))
        .arg("-I")
        .arg(include_dir())
        .args(link_flags(release))
        .arg("-lpthread")
        .arg("-o")
        .arg(&exe);
    compile(cmd, "README.md's C quick start");
    let output = Command::new(&exe)
        .current_dir(dir.path())
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::null())
        .output()
        .expect("run the quick start");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the quick start failed ({}): {stdout}", output.status);
    assert!(stdout.starts_with("code 0: [{\"conv_id\":\"bob\""), "unexpected output: {stdout}");
    assert!(stdout.contains("\"conv_is_has_draft\":true"), "the draft is not listed: {stdout}");
    assert!(dir.path().join("tim-data").is_dir(), "the store is not in ./tim-data");
}
