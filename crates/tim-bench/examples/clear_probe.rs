//! Profiling aid: the time `TIMMsgClearHistoryMessage`'s work takes through the Rust API on one
//! conversation of `MESSAGES` (default 75,000) messages, after a restart (the index rows folded
//! into their trees) and, in a second store, right after the delivery (rows still pending).
//! `cargo build --release -p tim-bench --example clear_probe && target/release/examples/clear_probe`

mod common;

use std::time::Instant;

use tim_core::{ConvKey, Sdk, SdkConfig, block_on};

fn main() {
    let messages = common::env_number("MESSAGES", 75_000);
    for restart in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let mut client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        common::deliver_w1(&client, messages, 1);
        if restart {
            sdk.shutdown();
            sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
            client = sdk.client();
            block_on(client.login("bench", "")).unwrap();
        }
        let key = ConvKey::c2c("u000000").unwrap();
        let start = Instant::now();
        block_on(client.clear_history(key)).unwrap();
        let label = if restart { "after a restart" } else { "right after delivery" };
        println!("clear of {messages} messages {label}: {:?}", start.elapsed());
        sdk.shutdown();
    }
}
