//! Profiling aid: raw redb doing W1's row inserts alone (the floor), for `perf` and `time`
//! side by side with `ingest_profile`. `raw_profile [N] [CACHE_MIB] [VALUE_BYTES]`; with
//! `MSG_KEY=1` the rows are keyed like this engine's message table (type, peer, time, uid).

use std::time::Instant;

use redb::{Database, TableDefinition};

const ROWS: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("rows");
const MESSAGES: TableDefinition<(u8, &str, u64, u64), &[u8]> = TableDefinition::new("messages");

fn main() {
    let arg = |n: usize| std::env::args().nth(n).and_then(|a| a.parse::<usize>().ok());
    let rows = arg(1).unwrap_or(200_000);
    let cache_mib = arg(2).filter(|&m| m > 0);
    let value = "x".repeat(arg(3).unwrap_or(200));
    let msg_key = std::env::var_os("MSG_KEY").is_some();
    let dir = tempfile::tempdir().unwrap();
    let mut builder = Database::builder();
    if let Some(mib) = cache_mib {
        builder.set_cache_size(mib << 20);
    }
    let db = builder.create(dir.path().join("raw.redb")).unwrap();
    let start = Instant::now();
    for batch in 0..rows / 1000 {
        let txn = db.begin_write().unwrap();
        if msg_key {
            let mut table = txn.open_table(MESSAGES).unwrap();
            for i in batch * 1000..(batch + 1) * 1000 {
                let peer = format!("u{:06}", i % 10_000);
                table
                    .insert((1, peer.as_str(), 1_700_000_000 + i as u64, i as u64), value.as_bytes())
                    .unwrap();
            }
        } else {
            let mut table = txn.open_table(ROWS).unwrap();
            for i in batch * 1000..(batch + 1) * 1000 {
                table.insert(((i % 10_000) as u32, i as u64), value.as_bytes()).unwrap();
            }
        }
        txn.commit().unwrap();
    }
    let took = start.elapsed();
    println!("{rows} rows in {took:?}: {:.0}/s", rows as f64 / took.as_secs_f64());
}
