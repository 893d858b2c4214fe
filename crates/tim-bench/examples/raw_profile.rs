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
//! - `behind`: the log alone at each call, the index and ID rows kept in memory and written in
//!   key order every `FOLD_EVERY` calls (64) with the conversations' records (what
//!   `tim_core`'s pending rows do for the two indexes); `RECORDS=inplace` writes the records
//!   at each call instead (what the engine does), `RECORDS=append` appends them to a log
//!   folded with the rest, `RECORDS=thin` appends 110-byte entries instead (a record without
//!   its last message's JSON, which the fold reads back from the log).
//!
//! `RECORD_BYTES` sets the conversation record's size in the last four; `SKIP` leaves writes out
//! of `numbered`, `log` and `position`, any of `ids`, `records` and `index` (the last in
//! `numbered` only): what each costs.

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
const RECENT: TableDefinition<u64, &[u8]> = TableDefinition::new("recent_records");
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
    let fold_every = std::env::var("FOLD_EVERY").ok().and_then(|b| b.parse().ok()).unwrap_or(64usize);
    let mut pending: Vec<(u32, u64, u64, String)> = Vec::new();
    let mut dirty = std::collections::BTreeSet::new();
    let start = Instant::now();
    for batch in 0..rows / 1000 {
        let txn = db.begin_write().unwrap();
        if layout == "behind" {
            let mut log = txn.open_table(LOG).unwrap();
            for i in batch * 1000..(batch + 1) * 1000 {
                let c = (i % 10_000) as u32;
                log.insert(i as u64 + 1, value.as_slice()).unwrap();
                pending.push((c, 1_700_000_000 + i as u64, i as u64 + 1, format!("m{i}")));
                dirty.insert(c);
            }
            let records_at = std::env::var("RECORDS").unwrap_or_default();
            if records_at == "inplace" {
                let mut conversations = txn.open_table(CONVERSATIONS).unwrap();
                for i in batch * 1000..(batch + 1) * 1000 {
                    let peer = format!("u{:06}", i % 10_000);
                    conversations.insert((1, peer.as_str()), record.as_slice()).unwrap();
                }
                dirty.clear();
            }
            if records_at == "thin" {
                let thin = vec![b't'; 110];
                let mut recent = txn.open_table(RECENT).unwrap();
                for i in batch * 1000..(batch + 1) * 1000 {
                    recent.insert(i as u64, thin.as_slice()).unwrap();
                }
            }
            if records_at == "append" {
                let mut recent = txn.open_table(RECENT).unwrap();
                for i in batch * 1000..(batch + 1) * 1000 {
                    recent.insert(i as u64, record.as_slice()).unwrap();
                }
            }
            if (batch + 1) % fold_every == 0 || batch + 1 == rows / 1000 {
                let mut index = txn.open_table(NUMBERED_INDEX).unwrap();
                let mut ids = txn.open_table(IDS).unwrap();
                let mut conversations = txn.open_table(CONVERSATIONS).unwrap();
                pending.sort_unstable();
                for (c, t, u, _) in &pending {
                    index.insert((*c, *t, *u), ()).unwrap();
                }
                pending.sort_unstable_by(|a, b| a.3.cmp(&b.3));
                for (c, t, u, id) in &pending {
                    let peer = format!("u{c:06}");
                    ids.insert(id.as_str(), (1, peer.as_str(), *t, *u)).unwrap();
                }
                for c in std::mem::take(&mut dirty) {
                    let peer = format!("u{c:06}");
                    if records_at == "thin" {
                        // The last message read back from the log to make the full record.
                        let last = (batch * 1000) as u64 + 1 + c as u64 % 1000;
                        assert!(log.get(last).unwrap().is_some());
                    }
                    conversations.insert((1, peer.as_str()), record.as_slice()).unwrap();
                }
                pending.clear();
                if records_at == "append" || records_at == "thin" {
                    txn.delete_table(RECENT).unwrap();
                }
            }
        } else if layout.is_empty() {
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
