//! Profiling aid for W3: durable drafts from 1 caller, then from 8 callers at once (group commit).
//! `cargo build --release -p tim-bench --example draft_probe && target/release/examples/draft_probe`

use std::time::Instant;

use tim_core::{ConvKey, Sdk, SdkConfig, block_on};
use tim_types::{Draft, Elem, Message};

fn draft(n: usize) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
        draft_user_define: String::new(),
        draft_edit_time: 0,
    }
}

fn main() {
    let per_thread: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let key = |n: usize| ConvKey::c2c(format!("u{:04}", n % 1000)).unwrap();
    let start = Instant::now();
    let mut took = Vec::with_capacity(per_thread);
    for i in 0..per_thread {
        let one = Instant::now();
        client.set_draft_blocking(key(i), draft(i)).unwrap();
        took.push(one.elapsed());
    }
    let single = per_thread as f64 / start.elapsed().as_secs_f64();
    took.sort();
    println!("1 caller p50 {:?} p99 {:?}", took[took.len() / 2], took[took.len() * 99 / 100]);
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..8 {
            let client = client.clone();
            s.spawn(move || {
                for i in 0..per_thread {
                    client.set_draft_blocking(key(t * per_thread + i), draft(i)).unwrap();
                }
            });
        }
    });
    let eight = (8 * per_thread) as f64 / start.elapsed().as_secs_f64();
    println!("1 caller {single:.0}/s, 8 callers {eight:.0}/s: {:.2}x", eight / single);
    sdk.shutdown();
}
