//! Profiling aid: the full conversation list (W2's second reading) through the Rust API, after
//! `MESSAGES` (default 200,000) messages in 10,000 conversations; `ROUNDS` lists (default 200), right after the last delivery or `SETTLE_MS` later.
//! `cargo build --release -p tim-bench --example list_probe && target/release/examples/list_probe`

mod common;

use std::time::{Duration, Instant};

use tim_core::{Sdk, SdkConfig, block_on};

fn main() {
    let messages = common::env_number("MESSAGES", 200_000);
    let rounds = common::env_number("ROUNDS", 200);
    let conversations = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    common::deliver_w1(&client, messages, conversations);
    std::thread::sleep(Duration::from_millis(common::env_number("SETTLE_MS", 0) as u64));
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
