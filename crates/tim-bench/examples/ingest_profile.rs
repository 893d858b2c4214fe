//! Profiling aid: only W1 through the Rust API, so `perf record` sees nothing else.
//! `cargo build --release -p tim-bench --example ingest_profile && perf record -g target/release/examples/ingest_profile`
//! `[MESSAGES]`; `FOLD_ROWS=N` folds the pending index rows at N instead of 65,536.

mod common;

use std::time::Instant;

use tim_core::{Sdk, SdkConfig, block_on};

fn main() {
    let messages: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let conversations = 10_000;
    if let Some(rows) = std::env::var("FOLD_ROWS").ok().and_then(|r| r.parse().ok()) {
        // What the pending index rows' fold size does (`tim_core::store::fold_pending_rows_at`).
        tim_core::store::fold_pending_rows_at(rows);
    }
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let start = Instant::now();
    common::deliver_w1(&client, messages, conversations);
    let took = start.elapsed();
    println!("{messages} messages in {took:?}: {:.0}/s", messages as f64 / took.as_secs_f64());
    sdk.shutdown();
}
