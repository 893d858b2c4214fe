//! Profiling aid: history queries that must look past many messages: an element-type filter
//! that matches little (an image every 10,000 messages: a chat's media gallery) and C2C
//! sequences (C2C has no sequence index), in one conversation of `MESSAGES` (default 100,000)
//! text messages, each with a sequence.
//! `cargo build --release -p tim-bench --example filter_probe && target/release/examples/filter_probe`

mod common;

use std::time::{Duration, Instant};

use tim_core::{ConvKey, HistoryQuery, Sdk, SdkConfig, block_on};
use tim_types::{Elem, ElemType};

fn median(mut took: Vec<Duration>) -> Duration {
    took.sort();
    took[took.len() / 2]
}

fn main() {
    let messages = common::env_number("MESSAGES", 100_000).max(1000) / 1000 * 1000;
    let dir = tempfile::tempdir().unwrap();
    let image: Elem =
        serde_json::from_value(serde_json::json!({"elem_type": 1, "image_elem_orig_path": "/a.jpg"}))
            .unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        common::deliver_w1_edited(&client, messages, 1, |n, msg| {
            msg.message_seq = Some(n as u64 + 1);
            if n % 10_000 == 0 {
                msg.message_elem_array = vec![image.clone()];
            }
        });
        sdk.shutdown();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let key = ConvKey::c2c("u000000").unwrap();
    let run = |query: HistoryQuery, expect: usize| {
        median(
            (0..7)
                .map(|_| {
                    let start = Instant::now();
                    let page = block_on(client.message_list(key.clone(), query.clone())).unwrap();
                    assert_eq!(page.len(), expect);
                    start.elapsed()
                })
                .collect(),
        )
    };
    let images = messages.div_ceil(10_000);
    let gallery =
        run(HistoryQuery { count: 100, types: vec![ElemType::Image], ..Default::default() }, images);
    println!("{messages} messages: images (a type filter), all {images}: {gallery:?}");
    let seqs = HistoryQuery { seqs: Some(vec![1, messages as u64 / 2]), ..Default::default() };
    println!("{messages} messages: two C2C sequences, one old: {:?}", run(seqs, 2));
    sdk.shutdown();
}
