//! Profiling aid: `TIMMsgMarkAllMessageAsRead` over many unread conversations: its time, the
//! callback's payload size and the process's peak memory. `CONVERSATIONS` (default 100,000)
//! conversations of one unread message each; `HANDLER=0` runs without a conversation event
//! handler; `KEEP` and `STORE` below.
//! `cargo build --release -p tim-bench --example markall_probe && target/release/examples/markall_probe`

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tim_core::{ReadScope, Sdk, SdkConfig, block_on};

fn status(field: &str) -> String {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines().find(|l| l.starts_with(field)).map(|l| l.trim().to_string()).unwrap_or_default()
}

fn main() {
    let conversations = common::env_number("CONVERSATIONS", 100_000).max(1000) / 1000 * 1000;
    let handler = common::env_number("HANDLER", 1) != 0;
    let temp = tempfile::tempdir().unwrap();
    // `STORE=<folder>`: a store made by an earlier run (copy it first: the run marks it read).
    let given = std::env::var_os("STORE").map(std::path::PathBuf::from);
    let dir = given.clone().unwrap_or_else(|| temp.path().to_path_buf());
    if given.is_none() {
        let sdk = Sdk::start(SdkConfig::new(&dir)).unwrap();
        let client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        common::deliver_w1(&client, conversations, conversations);
        sdk.shutdown();
    }
    // `KEEP=<folder>`: a copy of the store before the call, for later runs with `STORE` (to
    // profile the call alone).
    if let Some(kept) = std::env::var_os("KEEP") {
        let _ = std::fs::remove_dir_all(&kept);
        std::process::Command::new("cp").arg("-r").arg(&dir).arg(&kept).status().unwrap();
    }
    let sdk = Sdk::start(SdkConfig::new(&dir)).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let infos = Arc::new(AtomicUsize::new(0));
    let bytes = Arc::new(AtomicUsize::new(0));
    if handler {
        let (calls, infos, bytes) = (calls.clone(), infos.clone(), bytes.clone());
        client.set_conv_event_handler(Some(Arc::new(move |_, list: &[tim_types::ConvInfo]| {
            calls.fetch_add(1, Ordering::SeqCst);
            infos.fetch_add(list.len(), Ordering::SeqCst);
            bytes.fetch_add(serde_json::to_string(list).unwrap().len(), Ordering::SeqCst);
        })));
    }
    println!("{conversations} conversations, one unread message each; before: {}", status("VmRSS"));
    let start = Instant::now();
    block_on(client.mark_read(ReadScope::All(None))).unwrap();
    println!("mark all read: {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    block_on(client.total_unread()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    println!(
        "events: {} calls, {} ConvInfo, {} bytes of JSON; after: {}, {}",
        calls.load(Ordering::SeqCst),
        infos.load(Ordering::SeqCst),
        bytes.load(Ordering::SeqCst),
        status("VmRSS"),
        status("VmHWM")
    );
}
