//! Recent records: a commit that changes a few conversations appends their records to a log
//! ([`RECENT_RECORDS`]) instead of rewriting them in place in the records tree
//! ([`CONVERSATIONS`]); a later commit folds the log into the tree.
//!
//! Why: on a store of 10,000 conversations the records tree is three levels deep and the
//! conversations of a small commit (a draft, a pin, a read mark, one delivered message) sit in
//! random leaves: a commit of eight drafts copied eight leaves and most of the branches above
//! them, about five times the pages of one, so eight callers measured under 4× one caller (W3 in
//! docs/performance.md). Appended, a commit's records share the log's last leaf. Once the log
//! holds [`FOLD_ENTRIES`] entries or [`FOLD_BYTES`] of records, the next commit that writes
//! folds it in first: each conversation's newest entry goes to the tree (in key order), and the
//! log is emptied, in the same transaction. Usually the fold comes earlier, off every caller's
//! path: when the conversation actor has been idle for a moment and the log is a quarter full,
//! the store thread folds it in a commit of its own ([`RecentIndex::worth_an_idle_fold`]). A
//! commit of many conversations (an import) writes the tree directly, as before.
//!
//! Invariants:
//! - A conversation's current record is its newest log entry if it has one (an empty record
//!   marks a deletion), else its row in the tree. Every read of a record goes through
//!   [`read`], [`for_each_current`] or [`newest_records`].
//! - A conversation with log entries is written to the log, even by a large commit: its row in
//!   the tree would be shadowed by the older entry at the next load.
//! - [`RecentIndex`] is what the file holds after the last successful commit. The store keeps it
//!   only across successful commits: a failed one may or may not have reached the file, so the
//!   next write transaction reads the log again ([`RecentIndex::read`]).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::HashMap;
use redb::{ReadableTable, Table, WriteTransaction};
use tim_types::ConvType;

use super::record;
use super::redb_store::StoreError;
use super::schema::{CONVERSATIONS, RECENT_RECORDS, RecentEntry, conv_row};
use crate::ids::ConvKey;
use crate::state::Conversation;

/// A commit that writes at most this many conversations appends their records to the log.
pub const APPEND_AT_MOST: usize = 64;

/// The log is folded into the tree when it holds this many entries (by default; see
/// [`fold_recent_records_at`])...
pub const FOLD_ENTRIES: u64 = 4096;

/// The entries at which the log is folded, for every store of the process. In this crate's
/// unit tests 16, so that every test that writes a few dozen times folds.
static FOLD_AT: AtomicU64 = AtomicU64::new(if cfg!(test) { 16 } else { FOLD_ENTRIES });

/// Sets the number of entries at which every store of this process folds its recent records
/// into the records tree (default `FOLD_ENTRIES`, 4,096). For tests that want folds to happen within
/// a few dozen writes; any value keeps the stores correct, only their speed changes.
pub fn fold_recent_records_at(entries: u64) {
    FOLD_AT.store(entries.max(1), Ordering::Relaxed);
}

/// ... or this many bytes of records. Why these sizes: loading reads the whole log (4 MiB in a
/// few milliseconds), and a fold rewrites each conversation in it once, about 37 ms on a store
/// of 10,000 conversations: some 9 µs for each of the 4,096 small commits before it, against
/// the 200-300 µs each costs (W3 in docs/performance.md). A larger log spreads a fold further
/// (its cost is bounded by the records tree) and is read at every login.
pub const FOLD_BYTES: u64 = 4 << 20;

/// Where each conversation's newest log entry is, and how full the log is.
#[derive(Debug, Default, Clone)]
pub struct RecentIndex {
    newest: HashMap<ConvKey, u64>,
    /// The next entry's number; entries are numbered from 0 after each fold, so also the count.
    next_id: u64,
    /// The bytes of the records in the log.
    bytes: u64,
}

impl RecentIndex {
    /// Reads the index from the log as `table` holds it.
    pub fn read(table: &impl ReadableTable<u64, RecentEntry>) -> Result<Self, StoreError> {
        let mut index = RecentIndex::default();
        scan(table, |key, id, record| index.add(key, id, record))?;
        Ok(index)
    }

    /// Counts entry `id` of `key`, the newest so far.
    fn add(&mut self, key: ConvKey, id: u64, record: &[u8]) {
        self.newest.insert(key, id);
        self.next_id = id + 1;
        self.bytes += record.len() as u64;
    }

    /// Reads the index from the log in `txn`.
    pub fn read_in(txn: &WriteTransaction) -> Result<Self, StoreError> {
        Self::read(&txn.open_table(RECENT_RECORDS)?)
    }

    /// How many entries the log holds.
    pub fn entries(&self) -> u64 {
        self.next_id
    }

    fn fold_due(&self) -> bool {
        self.next_id >= FOLD_AT.load(Ordering::Relaxed) || self.bytes >= FOLD_BYTES
    }

    /// Whether the log is worth folding in a commit of its own while the store is idle: a
    /// quarter full. Why: a fold costs tens of milliseconds (its cost bounded by the records
    /// tree, not the log); done by the small commit that finds the log full, it lands on one
    /// caller's write, done while nobody writes, on nobody's.
    pub fn worth_an_idle_fold(&self) -> bool {
        self.next_id >= (FOLD_AT.load(Ordering::Relaxed) / 4).max(1) || self.bytes >= FOLD_BYTES / 4
    }
}

/// Writes the conversation records of one commit, each where [the invariants](self) put it.
pub struct RecordWriter<'txn, 'i> {
    records: Table<'txn, (u8, &'static str), &'static [u8]>,
    log: Table<'txn, u64, RecentEntry>,
    index: &'i mut RecentIndex,
    append: bool,
}

impl<'txn, 'i> RecordWriter<'txn, 'i> {
    /// Opens the record tables for a commit that writes `count` conversations, folding the log
    /// into the tree first when it is full.
    pub fn open(
        txn: &'txn WriteTransaction,
        index: &'i mut RecentIndex,
        count: usize,
    ) -> Result<Self, StoreError> {
        if index.fold_due() {
            fold(txn, index)?;
        }
        Ok(RecordWriter {
            records: txn.open_table(CONVERSATIONS)?,
            log: txn.open_table(RECENT_RECORDS)?,
            index,
            append: count <= APPEND_AT_MOST,
        })
    }

    /// Writes a conversation's record.
    pub fn put(&mut self, key: &ConvKey, conv: &Conversation) -> Result<(), StoreError> {
        let bytes = record::encode(conv);
        if self.append || self.index.newest.contains_key(key) {
            self.append_entry(key, &bytes)
        } else {
            self.records.insert(conv_row(key), bytes.as_slice())?;
            Ok(())
        }
    }

    /// Removes a conversation's record; whether it may have had one (a row, or log entries).
    /// Where records are appended, a deletion is appended too (an empty entry: the row, left
    /// in place, goes at the next fold); elsewhere the row is removed.
    pub fn remove(&mut self, key: &ConvKey) -> Result<bool, StoreError> {
        let logged = self.index.newest.contains_key(key);
        if self.append || logged {
            let had_row = self.records.get(conv_row(key))?.is_some();
            if had_row || logged {
                self.append_entry(key, &[])?;
            }
            return Ok(had_row || logged);
        }
        Ok(self.records.remove(conv_row(key))?.is_some())
    }

    fn append_entry(&mut self, key: &ConvKey, bytes: &[u8]) -> Result<(), StoreError> {
        let id = self.index.next_id;
        let (conv_type, conv_id) = conv_row(key);
        self.log.insert(id, (conv_type, conv_id, bytes))?;
        self.index.newest.insert(key.clone(), id);
        self.index.next_id += 1;
        self.index.bytes += bytes.len() as u64;
        Ok(())
    }
}

/// Moves each conversation's newest log entry to the tree and empties the log.
pub fn fold(txn: &WriteTransaction, index: &mut RecentIndex) -> Result<(), StoreError> {
    let newest = newest_records(&txn.open_table(RECENT_RECORDS)?)?;
    {
        let mut records = txn.open_table(CONVERSATIONS)?;
        // In key order: neighbouring records share leaves.
        for (key, record) in &newest {
            match record {
                Some(bytes) => {
                    records.insert(conv_row(key), bytes.as_slice())?;
                }
                None => {
                    records.remove(conv_row(key))?;
                }
            }
        }
    }
    txn.delete_table(RECENT_RECORDS)?;
    // Made again, empty: a read transaction cannot create it, and after an idle fold no write
    // may come before the next read of the log (`read_records`, `recent_record_entries`).
    txn.open_table(RECENT_RECORDS)?;
    *index = RecentIndex::default();
    Ok(())
}

/// Each conversation's newest log entry: its record, or `None` for a deletion.
pub type NewestRecords = BTreeMap<ConvKey, Option<Vec<u8>>>;

/// Each conversation's newest log entry ([`NewestRecords`]).
pub fn newest_records(log: &impl ReadableTable<u64, RecentEntry>) -> Result<NewestRecords, StoreError> {
    let mut newest = BTreeMap::new();
    scan(log, |key, _, record| {
        newest.insert(key, (!record.is_empty()).then(|| record.to_vec()));
    })?;
    Ok(newest)
}

/// [`newest_records`] and the [`RecentIndex`] of the log, from one reading of it (a login needs
/// both: the records to load, the index for its first write).
pub fn read_log(
    log: &impl ReadableTable<u64, RecentEntry>,
) -> Result<(RecentIndex, NewestRecords), StoreError> {
    let mut index = RecentIndex::default();
    let mut newest = BTreeMap::new();
    scan(log, |key, id, record| {
        newest.insert(key.clone(), (!record.is_empty()).then(|| record.to_vec()));
        index.add(key, id, record);
    })?;
    Ok((index, newest))
}

/// Calls `each` with every log entry in order: its conversation, number and record.
fn scan(
    log: &impl ReadableTable<u64, RecentEntry>,
    mut each: impl FnMut(ConvKey, u64, &[u8]),
) -> Result<(), StoreError> {
    for row in log.iter()? {
        let (id, entry) = row?;
        let (conv_type, conv_id, record) = entry.value();
        each(conv_key(conv_type, conv_id)?, id.value(), record);
    }
    Ok(())
}

/// The current record of one conversation in a write transaction (see the invariants).
pub fn read(
    txn: &WriteTransaction,
    index: &RecentIndex,
    key: &ConvKey,
) -> Result<Option<Conversation>, StoreError> {
    match index.newest.get(key) {
        Some(id) => {
            let log = txn.open_table(RECENT_RECORDS)?;
            let entry = log.get(id)?.ok_or_else(|| StoreError::Corrupt {
                key: key.to_string(),
                detail: format!("recent record {id} is missing"),
            })?;
            let (_, _, bytes) = entry.value();
            if bytes.is_empty() { Ok(None) } else { decode(key, bytes).map(Some) }
        }
        None => {
            let records = txn.open_table(CONVERSATIONS)?;
            let row = records.get(conv_row(key))?;
            row.map(|bytes| decode(key, bytes.value())).transpose()
        }
    }
}

/// Calls `each` with every current record (see the invariants) as `(conv_type, conv_id,
/// record)`: the rows in key order, each replaced by its conversation's newest log entry
/// (`newest`, from [`newest_records`]) or left out for a deletion, then the conversations only
/// the log holds. With an empty log no key is built (a login reads every row through here).
pub fn for_each_current(
    records: &impl ReadableTable<(u8, &'static str), &'static [u8]>,
    mut newest: NewestRecords,
    mut each: impl FnMut(u8, &str, &[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for row in records.iter()? {
        let (key, value) = row?;
        let (conv_type, conv_id) = key.value();
        if !newest.is_empty() {
            match newest.remove(&conv_key(conv_type, conv_id)?) {
                None => {}
                Some(None) => continue,
                Some(Some(bytes)) => {
                    each(conv_type, conv_id, &bytes)?;
                    continue;
                }
            }
        }
        each(conv_type, conv_id, value.value())?;
    }
    for (key, record) in newest {
        if let Some(bytes) = record {
            let (conv_type, conv_id) = conv_row(&key);
            each(conv_type, conv_id, &bytes)?;
        }
    }
    Ok(())
}

/// The keys of every current conversation, in key order.
pub fn current_keys(
    records: &impl ReadableTable<(u8, &'static str), &'static [u8]>,
    log: &impl ReadableTable<u64, RecentEntry>,
) -> Result<Vec<ConvKey>, StoreError> {
    let mut keys = std::collections::BTreeSet::new();
    for_each_current(records, newest_records(log)?, |conv_type, conv_id, _| {
        keys.insert(conv_key(conv_type, conv_id)?);
        Ok(())
    })?;
    Ok(keys.into_iter().collect())
}

/// Decodes a record and checks that it is the record of `key`.
pub fn decode(key: &ConvKey, bytes: &[u8]) -> Result<Conversation, StoreError> {
    let conv =
        record::decode(bytes).map_err(|detail| StoreError::Corrupt { key: key.to_string(), detail })?;
    if &conv.key != key {
        return Err(StoreError::Corrupt {
            key: key.to_string(),
            detail: "record does not match its key".into(),
        });
    }
    Ok(conv)
}

/// The conversation key of a stored `(conv_type, conv_id)`.
pub fn conv_key(conv_type: u8, conv_id: &str) -> Result<ConvKey, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt { key: format!("{conv_type}/{conv_id}"), detail };
    let conv_type = ConvType::from_value(conv_type.into()).map_err(|_| corrupt("bad type".into()))?;
    ConvKey::existing(conv_type, conv_id).map_err(|e| corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use redb::ReadableDatabase;

    use super::*;
    use crate::store::{CommitBatch, Store};

    fn key(n: usize) -> ConvKey {
        ConvKey::c2c(format!("u{n:04}")).unwrap()
    }

    /// Conversation `n` in version `v` (its unread count tells the versions apart).
    fn conv(n: usize, v: u64) -> Conversation {
        let mut conv = Conversation::new(&key(n), n as u64 + 1);
        conv.unread = v;
        conv
    }

    fn commit(store: &Store, convs: Vec<(ConvKey, Option<Conversation>)>) {
        let batch = CommitBatch {
            conversations: convs,
            next_order_key: 100_000,
            groups: None,
            purged: BTreeSet::new(),
        };
        store.commit(&batch).unwrap();
    }

    fn put(store: &Store, list: &[(usize, u64)]) {
        commit(store, list.iter().map(|&(n, v)| (key(n), Some(conv(n, v)))).collect());
    }

    /// The rows of the records tree, without the log.
    fn rows(store: &Store) -> BTreeSet<ConvKey> {
        let txn = store.db.begin_read().unwrap();
        let table = txn.open_table(CONVERSATIONS).unwrap();
        table
            .iter()
            .unwrap()
            .map(|row| {
                let (k, _) = row.unwrap();
                let (t, id) = k.value();
                conv_key(t, id).unwrap()
            })
            .collect()
    }

    /// What a fresh open of the file loads: `(n, version)` in key order.
    fn reopened(dir: &std::path::Path, store: Store) -> Vec<(ConvKey, u64)> {
        drop(store);
        let (_store, loaded) = Store::open(dir, "me").unwrap();
        let mut list: Vec<_> = loaded.conversations.into_iter().map(|c| (c.key.clone(), c.unread)).collect();
        list.sort();
        list
    }

    // The unit tests of this crate fold at 16 entries (`FOLD_AT`).

    #[test]
    fn small_commits_append_and_a_reopen_loads_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        put(&store, &[(1, 10)]);
        put(&store, &[(1, 11), (2, 20)]);
        assert_eq!(store.recent_record_entries().unwrap(), 3);
        assert!(rows(&store).is_empty(), "nothing rewritten in the records tree");
        assert_eq!(
            store.read_records(&[key(1), key(3)]).unwrap(),
            vec![(key(1), Some(conv(1, 11))), (key(3), None)]
        );
        assert_eq!(store.conversation_record_bytes().unwrap().0, 2);
        assert_eq!(reopened(dir.path(), store), vec![(key(1), 11), (key(2), 20)]);
    }

    #[test]
    fn a_large_commit_writes_rows_but_a_conversation_in_the_log_stays_in_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        put(&store, &[(0, 1)]);
        let many: Vec<(usize, u64)> = (0..=APPEND_AT_MOST).map(|n| (n, 2)).collect();
        put(&store, &many);
        assert_eq!(store.recent_record_entries().unwrap(), 2, "only conversation 0 appended again");
        assert_eq!(rows(&store).len(), APPEND_AT_MOST, "the others written as rows");
        let loaded = reopened(dir.path(), store);
        assert_eq!(loaded.len(), APPEND_AT_MOST + 1);
        assert!(loaded.iter().all(|(_, v)| *v == 2), "the large commit's records, none shadowed: {loaded:?}");
    }

    #[test]
    fn deletions_hold_across_reopening_and_folding() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        // 0: a row with newer log entries, then deleted; 1: only ever in the log, deleted;
        // 2: a row, deleted by a small commit (an empty entry; the row goes at the fold); 3: kept.
        let many: Vec<(usize, u64)> = (0..=APPEND_AT_MOST).map(|n| (n, 1)).collect();
        put(&store, &many);
        commit(&store, vec![(key(0), Some(conv(0, 2)))]);
        commit(&store, vec![(key(0), None), (key(2), None)]);
        commit(&store, vec![(key(APPEND_AT_MOST + 1), Some(conv(APPEND_AT_MOST + 1, 1)))]);
        commit(&store, vec![(key(APPEND_AT_MOST + 1), None)]);
        put(&store, &[(3, 3)]);
        let loaded = reopened(dir.path(), store);
        let keys: BTreeSet<ConvKey> = loaded.iter().map(|(k, _)| k.clone()).collect();
        assert!(
            !keys.contains(&key(0)) && !keys.contains(&key(2)) && !keys.contains(&key(APPEND_AT_MOST + 1))
        );
        assert_eq!(loaded.len(), APPEND_AT_MOST + 1 - 2);
        assert!(loaded.contains(&(key(3), 3)));
        // Enough small commits to fold: the deletions reach the rows.
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        for v in 0..16 {
            put(&store, &[(3, 4 + v)]);
        }
        assert!(store.recent_record_entries().unwrap() < 16, "folded");
        let rows = rows(&store);
        assert!(!rows.contains(&key(0)) && !rows.contains(&key(2)) && rows.contains(&key(3)));
        let loaded = reopened(dir.path(), store);
        assert_eq!(loaded.len(), APPEND_AT_MOST - 1);
        assert!(loaded.contains(&(key(3), 19)));
    }

    #[test]
    fn the_log_folds_into_the_rows_when_full() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        for n in 0..20 {
            put(&store, &[(n % 12, n as u64)]);
        }
        // The 17th commit found 16 entries: it folded them, then appended its own; four since.
        assert_eq!(store.recent_record_entries().unwrap(), 4);
        assert_eq!(rows(&store).len(), 12, "every conversation of the first 16 commits folded");
        let loaded = reopened(dir.path(), store);
        let expected: Vec<(ConvKey, u64)> =
            (0..12).map(|n| (key(n), if n < 8 { n as u64 + 12 } else { n as u64 })).collect();
        assert_eq!(loaded, expected);
    }

    #[test]
    fn a_file_with_recent_records_is_refused_by_builds_that_would_ignore_them() {
        // A build of schema 4 reads the rows only: it would load what the log overrides.
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        put(&store, &[(1, 1)]);
        let txn = store.db.begin_read().unwrap();
        let meta = txn.open_table(crate::store::schema::META).unwrap();
        let version = meta.get(crate::store::schema::META_SCHEMA_VERSION).unwrap().unwrap();
        assert!(super::super::redb_store::read_u64(version.value()) >= 5);
    }

    #[test]
    fn the_index_a_login_reads_routes_the_first_write() {
        // Loading reads the log once and keeps its index for the first write.
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        put(&store, &[(0, 1)]);
        drop(store);
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        assert_eq!(store.recent_index().as_ref().map(RecentIndex::entries), Some(1));
        let many: Vec<(usize, u64)> = (0..=APPEND_AT_MOST).map(|n| (n, 2)).collect();
        put(&store, &many);
        assert!(!rows(&store).contains(&key(0)), "conversation 0 stays in the log");
        assert!(reopened(dir.path(), store).contains(&(key(0), 2)));
    }

    #[test]
    fn a_lost_index_is_read_back_from_the_file() {
        // After a failed commit the store does not know what reached the file: it reads the log
        // again. If it wrote conversation 0 as a row, the log's older entry would shadow it.
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        put(&store, &[(0, 1)]);
        *store.recent_index() = None;
        let many: Vec<(usize, u64)> = (0..=APPEND_AT_MOST).map(|n| (n, 2)).collect();
        put(&store, &many);
        assert!(!rows(&store).contains(&key(0)));
        assert!(reopened(dir.path(), store).contains(&(key(0), 2)));
    }
}
