//! Profiling aid: the latency of a history page (`TIMMsgGetMsgList`'s work through the Rust API),
//! newest 20 messages of a conversation, after `MESSAGES` (default 1,000,000) messages in 10,000
//! conversations, in a fresh instance (the page cache warm, redb's cache cold).
//! `cargo build --release -p tim-bench --example history_probe && target/release/examples/history_probe`

mod common;

use std::time::{Duration, Instant};

use tim_core::{ConvKey, HistoryQuery, Sdk, SdkConfig, block_on};

fn main() {
    let messages = common::env_number("MESSAGES", 1_000_000);
    let conversations = 10_000;
    let dir = tempfile::tempdir().unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        common::deliver_w1(&client, messages, conversations);
        sdk.shutdown();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let mut took: Vec<Duration> = (0..2000)
        .map(|i| {
            let key = ConvKey::c2c(format!("u{:06}", (i * 7919) % conversations)).unwrap();
            let start = Instant::now();
            let page =
                block_on(client.message_list(key, HistoryQuery { count: 20, ..Default::default() })).unwrap();
            assert_eq!(page.len(), 20.min(messages / conversations));
            start.elapsed()
        })
        .collect();
    took.sort();
    println!("history page of 20 after {messages} messages: p50 {:?}, p99 {:?}", took[1000], took[1980]);
    sdk.shutdown();
}
