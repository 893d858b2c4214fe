//! Probe of the idle fold (`recent.rs`, `FoldWhenIdle`): drafts set one at a time with a pause
//! before each, on a store that W1-like messages filled first, and the latency of each draft.
//! A draft that lands while an idle fold runs waits for it, or stops it.
//! `cargo build --release -p tim-bench --example pause_probe && target/release/examples/pause_probe`
//! (`DRAFTS=N` drafts, default 3,000; `PAUSE_US=N` before each, default 3,000; `INGEST=N`
//! messages first, default 200,000, over `CONVS=N` conversations, default 10,000; `SHOW_SLOW=1`
//! lists the drafts over 5 ms.)

mod common;

use std::time::{Duration, Instant};

use tim_core::{ConvKey, Sdk, SdkConfig, block_on};
use tim_types::{Draft, Elem, Message};

fn main() {
    let env = common::env_number;
    let (drafts, pause) = (env("DRAFTS", 3_000), Duration::from_micros(env("PAUSE_US", 3_000) as u64));
    let (ingest, conversations) = (env("INGEST", 200_000), env("CONVS", 10_000));
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    common::deliver_w1(&client, ingest, conversations);
    let mut took = Vec::with_capacity(drafts);
    for n in 0..drafts {
        std::thread::sleep(pause);
        let key = ConvKey::c2c(format!("u{:06}", n * 7919 % conversations)).unwrap();
        let draft = Draft {
            draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
            draft_user_define: String::new(),
            draft_edit_time: 0,
        };
        let started = Instant::now();
        client.set_draft_blocking(key, draft).unwrap();
        took.push(started.elapsed());
        if std::env::var_os("SHOW_SLOW").is_some() && started.elapsed() > Duration::from_millis(5) {
            eprintln!("draft {n}: {:?}", started.elapsed());
        }
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    let slow = took.iter().filter(|t| **t > Duration::from_millis(5)).count();
    println!(
        "{drafts} drafts, {pause:?} before each: p50 {:?} p99 {:?} p99.9 {:?} max {:?}; {slow} over 5 ms",
        at(0.5),
        at(0.99),
        at(0.999),
        took[took.len() - 1]
    );
    sdk.shutdown();
}
