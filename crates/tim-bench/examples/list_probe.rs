//! Profiling aid: the full conversation list (W2's second reading) through the Rust API, after
//! `MESSAGES` (default 200,000) messages in 10,000 conversations; `ROUNDS` lists (default 200), right after the last delivery or `SETTLE_MS` later.
//! `cargo build --release -p tim-bench --example list_probe && target/release/examples/list_probe`

mod common;

use std::time::{Duration, Instant};

use tim_core::{Sdk, SdkConfig, block_on};

fn main() {
    let messages: usize = std::env::var("MESSAGES").ok().and_then(|n| n.parse().ok()).unwrap_or(200_000);
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let conversations = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    for batch in 0..messages / 1000 {
        let list = (batch * 1000..(batch + 1) * 1000).map(|n| common::w1_message(n, conversations)).collect();
        block_on(client.deliver(list)).unwrap();
    }
    if let Some(ms) = std::env::var("SETTLE_MS").ok().and_then(|n| n.parse().ok()) {
        std::thread::sleep(Duration::from_millis(ms));
    }
    let mut took: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let listed = block_on(client.conversation_list()).unwrap().len();
            let took = start.elapsed();
            assert_eq!(listed, conversations);
            took
        })
        .collect();
    took.sort();
    println!("full list of {conversations}: p50 {:?}, min {:?}", took[rounds / 2], took[0]);
    sdk.shutdown();
}
