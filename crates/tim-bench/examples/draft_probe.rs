//! Profiling aid for W3: durable drafts from 1 caller, each followed by one raw redb durable
//! commit (the floor, interleaved so that both see the same disk), then drafts from 8 callers at
//! once (group commit).
//! `cargo build --release -p tim-bench --example draft_probe && target/release/examples/draft_probe [N]`
//! (`BACK_TO_BACK=1`: all drafts, then all raw commits, as `tim-bench` does. `INGEST=N`: deliver
//! N messages to the drafts' conversations first, then `sync`, as W3 follows W1; with `FRESH=1`
//! the drafts then go to a new SDK instance on that store instead of the one that ingested.
//! `CONVS=N`: the drafts and messages spread over N conversations, default 1,000.)

use std::time::{Duration, Instant};

use tim_core::{ConvKey, Sdk, SdkConfig, block_on};
use tim_types::{ConvType, Draft, Elem, Message};

fn draft(n: usize) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
        draft_user_define: String::new(),
        draft_edit_time: 0,
    }
}

/// One durable single-row commit of raw redb.
fn raw_commit(db: &redb::Database, n: u64) -> Duration {
    const ROWS: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new("rows");
    let one = Instant::now();
    let txn = db.begin_write().unwrap();
    txn.open_table(ROWS).unwrap().insert(n, [7u8; 200].as_slice()).unwrap();
    txn.commit().unwrap();
    one.elapsed()
}

fn main() {
    let per_thread: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300);
    // Back to back, as `tim-bench` measures: all drafts, then all raw commits.
    let back_to_back = std::env::var_os("BACK_TO_BACK").is_some();
    let dir = tempfile::tempdir().unwrap();
    let mut sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let mut client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let convs: usize = std::env::var("CONVS").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let key = move |n: usize| ConvKey::c2c(format!("u{:06}", n.wrapping_mul(7919) % convs)).unwrap();
    let ingest: usize = std::env::var("INGEST").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    for batch in 0..ingest.div_ceil(1000) {
        let list = (batch * 1000..((batch + 1) * 1000).min(ingest))
            .map(|n| {
                let mut msg =
                    Message::from_elems(vec![Elem::text(format!("message {n:08} {}", "x".repeat(180)))]);
                msg.message_sender = Some(format!("u{:06}", n % convs));
                msg.message_conv_type = Some(ConvType::C2C);
                msg.message_msg_id = Some(format!("m{n}"));
                msg
            })
            .collect();
        block_on(client.deliver(list)).unwrap();
    }
    if ingest > 0 && std::env::var_os("FRESH").is_some() {
        sdk.shutdown();
        sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
    }
    let _ = std::process::Command::new("sync").status();
    let raw_db = redb::Database::create(dir.path().join("raw.redb")).unwrap();
    let mut took = Vec::with_capacity(per_thread);
    let mut raw = Vec::with_capacity(per_thread);
    for i in 0..per_thread {
        let one = Instant::now();
        client.set_draft_blocking(key(i), draft(i)).unwrap();
        took.push(one.elapsed());
        if !back_to_back {
            raw.push(raw_commit(&raw_db, i as u64));
        }
    }
    if back_to_back {
        raw = (0..per_thread as u64).map(|i| raw_commit(&raw_db, i)).collect();
    }
    let single = per_thread as f64 / took.iter().sum::<Duration>().as_secs_f64();
    took.sort();
    raw.sort();
    let (p50, raw_p50) = (took[per_thread / 2], raw[per_thread / 2]);
    println!(
        "1 caller p50 {p50:?} p99 {:?}; raw redb commit p50 {raw_p50:?}: {:.2}x",
        took[per_thread * 99 / 100],
        p50.as_secs_f64() / raw_p50.as_secs_f64()
    );
    let start = Instant::now();
    let slowest = std::thread::scope(|s| {
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let client = client.clone();
                s.spawn(move || {
                    let mut slowest = Duration::ZERO;
                    for i in 0..per_thread {
                        let one = Instant::now();
                        client.set_draft_blocking(key(t * per_thread + i), draft(i)).unwrap();
                        slowest = slowest.max(one.elapsed());
                    }
                    slowest
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).max().unwrap_or_default()
    });
    let eight = (8 * per_thread) as f64 / start.elapsed().as_secs_f64();
    println!(
        "1 caller {single:.0}/s, 8 callers {eight:.0}/s: {:.2}x (slowest draft of the 8 callers {slowest:?})",
        eight / single
    );
    sdk.shutdown();
}
