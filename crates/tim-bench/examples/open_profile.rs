//! Profiling aid: builds a store of N conversations (one message each), then times opening it
//! (start, login, first page) and prints resident memory per conversation.
//! `cargo build --release -p tim-bench --example open_profile && target/release/examples/open_profile 100000`
//! With a folder after the count it only builds the store there; then
//! `target/release/tim-bench --open-probe DIR` measures opening it in a fresh process (as W4 does).
//! `MESSAGES=K` in the environment gives every conversation K messages instead of one.

use std::time::Instant;

use tim_core::{ConvFilter, Sdk, SdkConfig, block_on};
use tim_types::{ConvType, Elem, Message};

fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .map_or(0, |pages| pages * 4096)
}

fn main() {
    let conversations: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    // With a folder as second argument: only build the store there (for `tim-bench --open-probe`,
    // which measures opening it in a fresh process).
    let keep = std::env::args().nth(2).map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let dir_path = keep.clone().unwrap_or_else(|| dir.path().to_owned());
    let per_conversation: usize = std::env::var("MESSAGES").ok().and_then(|k| k.parse().ok()).unwrap_or(1);
    {
        let sdk = Sdk::start(SdkConfig::new(&dir_path)).unwrap();
        let client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        let messages = conversations * per_conversation;
        for batch in 0..messages.div_ceil(1000) {
            let list = (batch * 1000..((batch + 1) * 1000).min(messages))
                .map(|m| {
                    let n = m % conversations;
                    let mut msg =
                        Message::from_elems(vec![Elem::text(format!("message {n:08} {}", "x".repeat(180)))]);
                    msg.message_sender = Some(format!("u{n:06}"));
                    msg.message_conv_type = Some(ConvType::C2C);
                    msg.message_msg_id = Some(format!("m{m}"));
                    msg
                })
                .collect();
            block_on(client.deliver(list)).unwrap();
        }
        sdk.shutdown();
    }
    if keep.is_some() {
        return;
    }
    // The phases, measured apart: reading and decoding the records, then building the state.
    {
        let start = Instant::now();
        let (store, loaded) = tim_core::store::Store::open(dir.path(), "bench").unwrap();
        let read = start.elapsed();
        let start = Instant::now();
        let state =
            tim_core::state::ConvState::load(loaded.conversations, loaded.next_order_key, loaded.groups);
        println!(
            "store open+decode {read:?}, state build {:?} ({} conversations)",
            start.elapsed(),
            state.len()
        );
        drop(store);
    }
    let before = rss();
    let start = Instant::now();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let page = block_on(client.conversation_page(ConvFilter::default(), 0, 100)).unwrap();
    let took = start.elapsed();
    let per_conv = (rss() - before) as f64 / conversations as f64;
    println!(
        "{conversations} conversations: open to first page {took:?} ({} listed), {per_conv:.0} bytes each",
        page.list.len()
    );
    sdk.shutdown();
}
