//! Profiling aid: what the C ABI's JSON costs per call of W1 — parsing the 1,000 messages a C
//! app delivers and writing the 1,000 the callback reports — without the store.

mod common;

use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let list: Vec<_> = (0..1000).map(|n| common::w1_message(n, 10_000)).collect();
    let text = serde_json::to_string(&list).unwrap();
    let started = Instant::now();
    for _ in 0..rounds {
        let parsed = tim_types::parse::parse_message_array(&text).unwrap();
        assert_eq!(parsed.len(), 1000);
    }
    let parsing = started.elapsed() / rounds as u32;
    let started = Instant::now();
    for _ in 0..rounds {
        assert!(serde_json::to_string(&list).unwrap().len() > 200_000);
    }
    let writing = started.elapsed() / rounds as u32;
    println!("per 1,000 messages ({} bytes): parse {parsing:?}, write {writing:?}", text.len());
}
