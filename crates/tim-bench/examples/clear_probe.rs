//! Profiling aid: the time `TIMMsgClearHistoryMessage`'s work takes through the Rust API on one
//! conversation of `MESSAGES` (default 75,000) messages (or of its share of them among
//! `CONVERSATIONS`; groups with `GROUP=1`), after a restart (the index rows folded
//! into their trees) and, in a second store, right after the delivery (rows still pending); then
//! the slowest of the drafts set every 3 ms while its rows are removed at idle moments
//! (`TIM_PURGE_CHUNK` sets the rows a part of that removal passes).
//! `cargo build --release -p tim-bench --example clear_probe && target/release/examples/clear_probe`

mod common;

use std::time::Instant;

use tim_core::{ConvKey, Sdk, SdkConfig, block_on};

fn main() {
    let messages = common::env_number("MESSAGES", 75_000);
    // Over this many conversations, their messages interleaved in the log (the cleared one has
    // its share).
    let conversations = common::env_number("CONVERSATIONS", 1);
    for restart in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let mut client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        let group = std::env::var_os("GROUP").is_some();
        for batch in 0..messages / 1000 {
            let list = (batch * 1000..(batch + 1) * 1000)
                .map(|n| {
                    let mut msg = common::w1_message(n, conversations);
                    if group {
                        // The same messages in groups `g000000`..: each with its sequence row.
                        msg.message_conv_id = Some(format!("g{:06}", n % conversations));
                        msg.message_conv_type = Some(tim_types::ConvType::Group);
                    }
                    msg
                })
                .collect();
            block_on(client.deliver(list)).unwrap();
        }
        if restart {
            sdk.shutdown();
            sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
            client = sdk.client();
            block_on(client.login("bench", "")).unwrap();
        }
        let key = if group { ConvKey::group("g000000") } else { ConvKey::c2c("u000000") }.unwrap();
        let start = Instant::now();
        block_on(client.clear_history(key.clone())).unwrap();
        let label = if restart { "after a restart" } else { "right after delivery" };
        let share = messages / conversations;
        println!("clear of {share} of {messages} messages {label}: {:?}", start.elapsed());
        // The calls that come while the cleared rows are removed (a chunk at a time, at idle
        // moments): each waits for at most the chunk under way.
        let mut slowest = std::time::Duration::ZERO;
        let draft = tim_types::Draft {
            draft_msg: tim_types::Message::from_elems(vec![tim_types::Elem::text("probe")]),
            draft_user_define: String::new(),
            draft_edit_time: 0,
        };
        let probing = Instant::now();
        while probing.elapsed() < std::time::Duration::from_millis(1_500) {
            std::thread::sleep(std::time::Duration::from_millis(3));
            let call = Instant::now();
            block_on(client.set_draft(key.clone(), draft.clone())).unwrap();
            slowest = slowest.max(call.elapsed());
        }
        println!("  drafts set every 3 ms for 1.5 s after it: slowest {slowest:?}");
        sdk.shutdown();
    }
}
