//! Profiling aid: only W1 through the C ABI (`TIMExtDeliverIncomingMessages`, the JSON built
//! by the caller and the callback's JSON), so `perf record` sees nothing else.
//! `cargo build --release -p tim-bench --example ffi_ingest_profile && perf record -g target/release/examples/ffi_ingest_profile`

mod common;

use std::ffi::{CString, c_char, c_void};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use tim_ffi::*;

static DONE: Mutex<(u64, i32)> = Mutex::new((0, 0));
static ARRIVED: Condvar = Condvar::new();

unsafe extern "C" fn on_done(code: i32, _desc: *const c_char, _json: *const c_char, _user: *const c_void) {
    let mut done = DONE.lock().unwrap();
    *done = (done.0 + 1, code);
    ARRIVED.notify_all();
}

fn wait_for(count: u64) -> i32 {
    let mut done = DONE.lock().unwrap();
    while done.0 < count {
        done = ARRIVED.wait(done).unwrap();
    }
    done.1
}

fn main() {
    let messages: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let conversations = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let config = CString::new(format!(r#"{{"sdk_config_config_file_path":{:?}}}"#, dir.path())).unwrap();
    assert_eq!(TIMInit(0, config.as_ptr()), 0);
    assert_eq!(TIMLogin(c"bench".as_ptr(), c"".as_ptr(), Some(on_done), std::ptr::null()), 0);
    assert_eq!(wait_for(1), 0);
    let (mut building, mut calls) = (Duration::ZERO, Duration::ZERO);
    for batch in 0..messages / 1000 {
        let started = Instant::now();
        let list: Vec<_> =
            (batch * 1000..(batch + 1) * 1000).map(|n| common::w1_message(n, conversations)).collect();
        let json = CString::new(serde_json::to_string(&list).unwrap()).unwrap();
        let built = Instant::now();
        building += built - started;
        assert_eq!(TIMExtDeliverIncomingMessages(json.as_ptr(), Some(on_done), std::ptr::null()), 0);
        assert_eq!(wait_for(batch as u64 + 2), 0);
        calls += built.elapsed();
    }
    let took = building + calls;
    println!(
        "{messages} messages in {took:?} ({building:?} building the JSON): {:.0}/s",
        messages as f64 / took.as_secs_f64()
    );
    TIMUninit();
}
