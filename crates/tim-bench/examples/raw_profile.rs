//! Profiling aid: raw redb doing W1's B-tree writes with no engine code, for `perf` and `time`
//! side by side with `ingest_profile`. `raw_profile [N] [CACHE_MIB] [VALUE_BYTES]`, and `LAYOUT`:
//! - unset: the bench's raw redb rows, `(conversation, n)` → VALUE_BYTES (200);
//! - `append`: the same rows keyed by `n` alone (arrival order: what the message log does);
//! - `numbered`: each message's writes in this engine's layout — the record (VALUE_BYTES, say
//!   334) in the log by uid, a key-only row `(conversation number, time, uid)` in the
//!   per-conversation index (the number looked up), the ID index entry, and the conversation's
//!   record (684 bytes);
//! - `log`: the same with the index keyed by conversation type and ID (schema 4 and 5);
//! - `position`: the same writes with the record keyed by position (schema 3 and before).
//!
//! `RECORD_BYTES` sets the conversation record's size in the last three; `SKIP` leaves writes out
//! of them, any of `ids`, `records` and `index` (the last in `numbered` only): what each costs.

use std::time::Instant;

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};

type Pos<'a> = (u8, &'a str, u64, u64);
const ROWS: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("rows");
const BY_POSITION: TableDefinition<Pos, &[u8]> = TableDefinition::new("messages");
const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("message_log");
const INDEX: TableDefinition<Pos, ()> = TableDefinition::new("message_index");
const IDS: TableDefinition<&str, Pos> = TableDefinition::new("message_ids");
const CONVERSATIONS: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("conversations");
const NUMBERED_INDEX: TableDefinition<(u32, u64, u64), ()> = TableDefinition::new("message_order");
const NUMBERS: TableDefinition<(u8, &str), u32> = TableDefinition::new("conversation_numbers");

fn main() {
    let arg = |n: usize| std::env::args().nth(n).and_then(|a| a.parse::<usize>().ok());
    let rows = arg(1).unwrap_or(200_000);
    let cache_mib = arg(2).filter(|&m| m > 0);
    let value = vec![b'x'; arg(3).unwrap_or(200)];
    let record = vec![b'r'; std::env::var("RECORD_BYTES").ok().and_then(|b| b.parse().ok()).unwrap_or(684)];
    let layout = std::env::var("LAYOUT").unwrap_or_default();
    let skip = std::env::var("SKIP").unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let mut builder = Database::builder();
    if let Some(mib) = cache_mib {
        builder.set_cache_size(mib << 20);
    }
    let db = builder.create(dir.path().join("raw.redb")).unwrap();
    let start = Instant::now();
    for batch in 0..rows / 1000 {
        let txn = db.begin_write().unwrap();
        if layout.is_empty() {
            let mut table = txn.open_table(ROWS).unwrap();
            for i in batch * 1000..(batch + 1) * 1000 {
                table.insert(((i % 10_000) as u32, i as u64), value.as_slice()).unwrap();
            }
        } else if layout == "append" {
            let mut table = txn.open_table(LOG).unwrap();
            for i in batch * 1000..(batch + 1) * 1000 {
                table.insert(i as u64, value.as_slice()).unwrap();
            }
        } else {
            let mut by_position = txn.open_table(BY_POSITION).unwrap();
            let mut log = txn.open_table(LOG).unwrap();
            let mut index = txn.open_table(INDEX).unwrap();
            let mut ids = txn.open_table(IDS).unwrap();
            let mut conversations = txn.open_table(CONVERSATIONS).unwrap();
            let mut numbered_index = txn.open_table(NUMBERED_INDEX).unwrap();
            let mut numbers = txn.open_table(NUMBERS).unwrap();
            for i in batch * 1000..(batch + 1) * 1000 {
                let peer = format!("u{:06}", i % 10_000);
                let pos = (1, peer.as_str(), 1_700_000_000 + i as u64, i as u64 + 1);
                if layout == "numbered" {
                    let number = numbers.get((1, peer.as_str())).unwrap().map(|g| g.value());
                    let number = match number {
                        Some(n) => n,
                        None => {
                            let n = numbers.len().unwrap() as u32;
                            numbers.insert((1, peer.as_str()), n).unwrap();
                            n
                        }
                    };
                    log.insert(pos.3, value.as_slice()).unwrap();
                    if !skip.contains("index") {
                        numbered_index.insert((number, pos.2, pos.3), ()).unwrap();
                    }
                } else if layout == "position" {
                    by_position.insert(pos, value.as_slice()).unwrap();
                } else {
                    log.insert(pos.3, value.as_slice()).unwrap();
                    index.insert(pos, ()).unwrap();
                }
                if !skip.contains("ids") {
                    ids.insert(format!("m{i}").as_str(), pos).unwrap();
                }
                if !skip.contains("records") {
                    conversations.insert((1, peer.as_str()), record.as_slice()).unwrap();
                }
            }
        }
        txn.commit().unwrap();
    }
    let took = start.elapsed();
    println!("{rows} rows in {took:?}: {:.0}/s", rows as f64 / took.as_secs_f64());
}
