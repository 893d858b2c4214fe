//! Index rows written behind: the per-conversation index rows ([`MESSAGE_INDEX`]) and ID index
//! rows ([`MESSAGE_IDS`]) of the messages stored since the last fold, held in memory and folded
//! into their trees in key order, many at a time.
//!
//! Why: a call of 1,000 messages for 1,000 conversations put one row into each conversation's
//! key range of the index and one at a random place of the ID index, and redb, copying on write,
//! wrote a leaf (and the branches above it) for nearly every row: the two indexes were about
//! half of W1's B-tree writes. Folded 65,536 rows at a time, a leaf takes many rows at once.
//! The same writes without engine code (`raw_profile LAYOUT=behind`, 500k messages): 137k
//! rows/s against 74k with every row written by its own call (W1 in docs/performance.md,
//! "Index rows written behind").
//!
//! Invariants:
//! - Every message record in [`MESSAGE_LOG`] whose uid is below the mark
//!   ([`META_INDEXED_BELOW`]) has its rows in the index trees; every one at or above it has them
//!   here instead (or in the trees, if a fold wrote them while the mark was held back by a
//!   stranded record, below), never in both (an insert checks that the ID is not in use first;
//!   the rebuild skips a record whose row the tree has).
//! - So these rows can always be read again from the file: the log from the mark on
//!   ([`MessageTables::open`](super::messages::MessageTables::open) does it when handed none).
//!   A store keeps them across transactions as it keeps the recent records' index: put back
//!   after a commit, or after an abort that did not change them; otherwise dropped and read
//!   again by the next transaction.
//! - A record past the mark whose conversation has no number (only a damaged file has one: the
//!   pair lost while the rows were only in memory) is *stranded*: listed here, its ID taken (so
//!   that it is not stored twice; no call finds it by its ID, as it is in no history), never
//!   indexed, and the mark never moves past it, so that
//!   once its conversation has a number again (the doctor's fix, or a message stored in it) its
//!   rows are made from the log like the others; deleting the conversation removes it. A record
//!   that cannot have rows at all (it does not read, or its ID or uid is another's) is left
//!   out: like any record nothing indexes, the doctor counts it as unindexed.
//! - A fold writes all of them and moves the mark in one transaction: by the message operation
//!   that finds [`fold_due`] (at its end, and an operation of many messages also after each
//!   chunk it writes, where every message it numbered is written: so one import of a million
//!   messages does not hold a million rows), and when the store closes. Not when the actor is idle (as the
//!   recent records are): a writer pausing a millisecond between calls looks idle, and a
//!   fold of many rows costs tens of milliseconds and is worth most when done at once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use hashbrown::HashMap;
use redb::{ReadableTable, Table};

use super::redb_store::{StoreError, read_u64};
#[cfg(doc)]
use super::schema::{MESSAGE_IDS, MESSAGE_INDEX, MESSAGE_LOG};
use super::schema::{META_INDEXED_BELOW, conv_row};
use crate::ids::ConvKey;

/// A row of the per-conversation index: the conversation's number, the message's time and uid.
pub type IndexRow = (u32, u64, u64);

/// The value of an ID index row, held: the conversation, the message's time and uid (a key holds
/// an ID of up to 21 bytes inline: no allocation per message for most).
pub type HeldMsgKey = (ConvKey, u64, u64);

/// The rows at which a message operation folds them (by default; see [`fold_pending_rows_at`]).
/// Why this many: at 16,384 the same writes without engine code measured 128k rows/s, at
/// 65,536 about 200k, at 262,144 220k; the rows take roughly 100 bytes each in memory (under
/// 10 MB), and a store that did not close cleanly reads them again from the log at its first
/// message operation (about 120 ms for 65,000, `rebuild_probe`).
pub const FOLD_ROWS: usize = 65_536;

/// The rows at which every store of the process folds. In this crate's unit tests 8, so that
/// every test that stores a few messages folds.
static FOLD_AT: AtomicUsize = AtomicUsize::new(if cfg!(test) { 8 } else { FOLD_ROWS });

/// Sets the rows at which every store of this process folds its pending index rows (default
/// 65,536). For tests that want folds within a few messages; any value keeps the stores
/// correct, only their speed changes.
pub fn fold_pending_rows_at(rows: usize) {
    FOLD_AT.store(rows.max(1), Ordering::Relaxed);
}

/// Whether `rows` pending rows are due a fold by the message operation that made them.
pub fn fold_due(rows: usize) -> bool {
    rows >= FOLD_AT.load(Ordering::Relaxed)
}

/// A record past the mark whose conversation has no number (see the invariants).
#[derive(Debug, Clone, PartialEq)]
pub struct Stranded {
    /// Its conversation, as stored: type and ID.
    pub conv: (u8, String),
    /// Its message ID.
    pub msg_id: String,
}

/// The index rows of the messages stored since the last fold.
#[derive(Debug, Default)]
pub struct PendingRows {
    index: BTreeSet<IndexRow>,
    ids: HashMap<String, HeldMsgKey>,
    /// The records past the mark whose conversation has no number, by uid.
    stranded: BTreeMap<u64, Stranded>,
    /// Their uids by message ID.
    stranded_ids: HashMap<String, u64>,
    /// The mark as the file has it: the log from here on is what these rows were made from.
    indexed_below: u64,
    /// Whether the file has no mark (damaged): the next fold writes it, even of no rows, so that
    /// the opens after it do not read the whole log again.
    needs_mark: bool,
    /// Whether a row was added or removed since the store last put these back: an aborted
    /// transaction that changed them leaves the store without (see the invariants).
    changed: bool,
    /// The most messages whose rows were held at once since these rows were read: an operation
    /// of many messages folds as it goes, so this stays near the fold size whatever its size.
    most_held: usize,
}

impl PendingRows {
    /// How many messages have their rows here.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether no message has its rows here.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The most messages whose rows were held at once since these rows were read.
    pub fn most_held(&self) -> usize {
        self.most_held
    }

    /// Whether a row was added or removed since [`Self::settled`].
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Marks these rows as differing from the file's until the transaction commits.
    pub fn mark_changed(&mut self) {
        self.changed = true;
    }

    /// These rows, as the file now has them (after a commit, or an abort that did not change
    /// them).
    pub fn settled(mut self) -> Self {
        self.changed = false;
        self
    }

    /// Adds the rows of a message of `conv` (its ID is in use nowhere: the caller checked).
    pub fn insert(&mut self, row: IndexRow, msg_id: &str, conv: &ConvKey) {
        self.changed = true;
        self.index.insert(row);
        self.most_held = self.most_held.max(self.index.len());
        let earlier = self.ids.insert(msg_id.to_owned(), (conv.clone(), row.1, row.2));
        debug_assert!(earlier.is_none(), "message ID {msg_id} indexed twice");
    }

    /// Starts the rows read from the log past the mark `indexed_below` (`None`: the file has
    /// none, and the whole log is read).
    pub fn read_from(indexed_below: Option<u64>) -> Self {
        PendingRows {
            indexed_below: indexed_below.unwrap_or(0),
            needs_mark: indexed_below.is_none(),
            ..PendingRows::default()
        }
    }

    /// The mark these rows were read from (and folds moved since), as [`Self::read_from`] takes it.
    pub fn indexed_below(&self) -> Option<u64> {
        (!self.needs_mark).then_some(self.indexed_below)
    }

    /// Whether a close should fold: rows to write, or a mark the file lacks.
    pub fn worth_a_fold_at_close(&self) -> bool {
        !self.index.is_empty() || self.needs_mark
    }

    /// Lists a record past the mark whose conversation has no number.
    pub fn strand(&mut self, uid: u64, record: Stranded) {
        self.stranded_ids.insert(record.msg_id.clone(), uid);
        self.stranded.insert(uid, record);
    }

    /// The records past the mark whose conversation has no number, by uid.
    pub fn stranded(&self) -> &BTreeMap<u64, Stranded> {
        &self.stranded
    }

    /// Whether a stranded record has this message ID.
    pub fn strands_id(&self, msg_id: &str) -> bool {
        self.stranded_ids.contains_key(msg_id)
    }

    /// Whether a stranded record names this conversation.
    pub fn strands(&self, conv: (u8, &str)) -> bool {
        self.stranded.values().any(|r| (r.conv.0, r.conv.1.as_str()) == conv)
    }

    /// Takes the stranded records of a conversation off the list (it is deleted with its
    /// messages); returns their uids.
    pub fn unstrand(&mut self, conv: (u8, &str)) -> Vec<u64> {
        let uids: Vec<u64> = self
            .stranded
            .iter()
            .filter(|(_, r)| (r.conv.0, r.conv.1.as_str()) == conv)
            .map(|(&uid, _)| uid)
            .collect();
        for uid in &uids {
            if let Some(record) = self.stranded.remove(uid) {
                self.stranded_ids.remove(&record.msg_id);
            }
        }
        self.changed |= !uids.is_empty();
        uids
    }

    /// Whether the index row is here.
    pub fn contains(&self, row: &IndexRow) -> bool {
        self.index.contains(row)
    }

    /// Removes an index row; whether it was here.
    pub fn remove_row(&mut self, row: &IndexRow) -> bool {
        let removed = self.index.remove(row);
        self.changed |= removed;
        removed
    }

    /// Removes an ID row; whether it was here.
    pub fn remove_id(&mut self, msg_id: &str) -> bool {
        let removed = self.ids.remove(msg_id).is_some();
        self.changed |= removed;
        removed
    }

    /// The ID row of `msg_id`, if it is here.
    pub fn find_id(&self, msg_id: &str) -> Option<&HeldMsgKey> {
        self.ids.get(msg_id)
    }

    /// The index rows within `range`, in key order.
    pub fn range(
        &self,
        range: std::ops::RangeInclusive<IndexRow>,
    ) -> std::collections::btree_set::Range<'_, IndexRow> {
        self.index.range(range)
    }

    /// The largest index row.
    pub fn last(&self) -> Option<IndexRow> {
        self.index.last().copied()
    }

    /// Writes every row into its tree, in key order, and empties this; returns the new mark: the
    /// uid counter `next_uid`, or the first stranded record's uid if that is lower (it stays
    /// past the mark, to be indexed once it can be).
    pub fn fold_into(
        &mut self,
        index: &mut Table<'_, IndexRow, ()>,
        ids: &mut Table<'_, &'static str, (u8, &'static str, u64, u64)>,
        next_uid: u64,
    ) -> Result<u64, StoreError> {
        for row in &self.index {
            index.insert(row, ())?;
        }
        let mut by_id: Vec<(String, HeldMsgKey)> = std::mem::take(&mut self.ids).into_iter().collect();
        by_id.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (id, (conv, time, uid)) in &by_id {
            let (conv_type, conv_id) = conv_row(conv);
            ids.insert(id.as_str(), (conv_type, conv_id, *time, *uid))?;
        }
        self.index = BTreeSet::new();
        self.changed = true;
        let mark = self.stranded.keys().next().map_or(next_uid, |&first| first.min(next_uid));
        self.indexed_below = mark;
        self.needs_mark = false;
        Ok(mark)
    }
}

/// The mark: every message record with a uid below it has its rows in the index trees. `None`
/// for a file without one, or with one that does not read (damaged: an upgrade writes it): its
/// whole log is read again, each record's rows taken as pending only where the trees do not
/// have them.
pub fn indexed_below(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<u64>, StoreError> {
    // A value that is not 8 bytes is as good as none (and is written again at the next fold).
    Ok(meta.get(META_INDEXED_BELOW)?.filter(|v| v.value().len() == 8).map(|v| read_u64(v.value())))
}

/// Moves the mark (in the transaction of a fold, or of an upgrade whose rows are all in the
/// trees).
pub fn mark_indexed_below(
    meta: &mut Table<'_, &'static str, &'static [u8]>,
    uid: u64,
) -> Result<(), StoreError> {
    meta.insert(META_INDEXED_BELOW, uid.to_le_bytes().as_slice())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use redb::{Database, ReadableDatabase, ReadableTableMetadata};
    use tim_types::{Elem, Message};

    use super::indexed_below;
    use crate::ids::ConvKey;
    use crate::state::messages::Origin;
    use crate::store::ops::{HistoryQuery, MsgOp, OpOutput};
    use crate::store::redb_store::read_u64;
    use crate::store::schema::{MESSAGE_IDS, MESSAGE_INDEX, META, META_INDEXED_BELOW, META_NEXT_MSG_UID};
    use crate::store::{Store, user_store_path};

    fn messages(ids: &[&str]) -> Vec<Message> {
        ids.iter()
            .map(|id| {
                let mut msg = Message::from_elems(vec![Elem::text(*id)]);
                msg.message_msg_id = Some((*id).into());
                msg
            })
            .collect()
    }

    /// Imports `ids` into bob's conversation in one operation (fewer than the 8 rows at which
    /// this crate's tests fold: they stay pending).
    fn import(store: &Store, ids: &[&str]) -> usize {
        let key = ConvKey::c2c("bob").unwrap();
        let insert = MsgOp::Insert { key, messages: messages(ids), origin: Origin::Imported };
        match store.execute(vec![insert], 100, 100, false, Vec::new()).unwrap().results.remove(0) {
            Ok(OpOutput::Messages(stored)) => stored.len(),
            Ok(OpOutput::Count(n)) => n,
            other => panic!("{other:?}"),
        }
    }

    /// Bob's history, oldest first, by message ID.
    fn history(store: &Store) -> Vec<String> {
        let key = ConvKey::c2c("bob").unwrap();
        let read = MsgOp::History { key, query: HistoryQuery::default() };
        let Ok(OpOutput::Messages(found)) =
            store.execute(vec![read], 100, 100, false, Vec::new()).unwrap().results.remove(0)
        else {
            panic!()
        };
        let mut ids: Vec<String> = found.into_iter().filter_map(|m| m.message_msg_id).collect();
        ids.reverse();
        ids
    }

    /// The doctor's message count, unindexed records and mismatches.
    fn doctor(store: &Store) -> (u64, u64, Vec<String>) {
        let Ok(OpOutput::Report(report)) = store
            .execute(vec![MsgOp::Doctor { fix: false }], 100, 100, false, Vec::new())
            .unwrap()
            .results
            .remove(0)
        else {
            panic!()
        };
        (report.messages, report.unindexed_records, report.mismatches)
    }

    /// The rows of the two index trees and the mark, as the file holds them.
    fn in_trees(dir: &Path) -> (u64, u64, u64, u64) {
        let db = Database::create(user_store_path(dir, "alice")).unwrap();
        let txn = db.begin_read().unwrap();
        let meta = txn.open_table(META).unwrap();
        let next_uid = read_u64(meta.get(META_NEXT_MSG_UID).unwrap().unwrap().value());
        (
            txn.open_table(MESSAGE_INDEX).unwrap().len().unwrap(),
            txn.open_table(MESSAGE_IDS).unwrap().len().unwrap(),
            indexed_below(&meta).unwrap().unwrap_or(0),
            next_uid,
        )
    }

    #[test]
    fn rows_not_folded_are_read_again_from_the_log_after_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            assert_eq!(import(&store, &["b1", "b2", "b3"]), 3);
            assert_eq!(history(&store), ["b1", "b2", "b3"], "the pending rows are read");
            // Dropped without closing: as after a crash.
        }
        let (index_rows, id_rows, mark, next_uid) = in_trees(dir.path());
        assert_eq!((index_rows, id_rows), (0, 0), "written behind: not in the trees yet");
        assert!(mark < next_uid);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history(&store), ["b1", "b2", "b3"]);
        assert_eq!(import(&store, &["b2", "b4"]), 1, "b2 is known again: a duplicate");
        let key = ConvKey::c2c("bob").unwrap();
        let delete = MsgOp::Delete { key, message: "b1".into() };
        assert!(store.execute(vec![delete], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
        assert_eq!(history(&store), ["b2", "b3", "b4"]);
        assert_eq!(doctor(&store), (3, 0, vec![]));
        assert!(store.fold_pending_rows().unwrap());
        drop(store);
        let (index_rows, id_rows, mark, next_uid) = in_trees(dir.path());
        assert_eq!((index_rows, id_rows, mark), (3, 3, next_uid), "folded, the mark moved past them");
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history(&store), ["b2", "b3", "b4"]);
        assert!(!store.fold_pending_rows().unwrap(), "nothing pending");
    }

    #[test]
    fn an_operation_that_finds_the_rows_due_folds_them_and_history_merges_both() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        import(&store, &["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"]);
        import(&store, &["b9", "b10"]);
        assert_eq!(history(&store), ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10"]);
        let key = ConvKey::c2c("bob").unwrap();
        // One folded message and one pending deleted; then a page across both.
        for id in ["b4", "b9"] {
            let delete = MsgOp::Delete { key: key.clone(), message: id.into() };
            assert!(store.execute(vec![delete], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
        }
        let page = MsgOp::History { key, query: HistoryQuery { count: 3, ..HistoryQuery::default() } };
        let Ok(OpOutput::Messages(newest)) =
            store.execute(vec![page], 100, 100, false, Vec::new()).unwrap().results.remove(0)
        else {
            panic!()
        };
        let ids: Vec<_> = newest.iter().filter_map(|m| m.message_msg_id.as_deref()).collect();
        assert_eq!(ids, ["b10", "b8", "b7"], "newest first, across the pending rows and the tree");
        assert_eq!(doctor(&store), (8, 0, vec![]));
        drop(store);
        let (index_rows, id_rows, ..) = in_trees(dir.path());
        assert_eq!((index_rows, id_rows), (7, 7), "the first eight folded, one of them deleted since");
    }

    #[test]
    fn a_large_operation_folds_as_it_goes() {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<String> = (0..10_000).map(|n| format!("m{n}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            assert_eq!(import(&store, &ids), 10_000);
            // Folded after each chunk of 4,096 written (this crate's tests fold at 8 rows), not
            // all 10,000 held until the end.
            assert_eq!(store.pending_rows_most_held(), 4096);
            // Dropped without closing: whatever was folded mid-operation is consistent with the
            // mark, and the rest is read again from the log.
        }
        let (index_rows, id_rows, mark, next_uid) = in_trees(dir.path());
        assert_eq!(
            (index_rows, id_rows, mark),
            (10_000, 10_000, next_uid),
            "the operation's end folds the rest"
        );
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(doctor(&store), (10_000, 0, vec![]));
        assert_eq!(import(&store, &["m0", "m4095", "m4096", "m9999", "new"]), 1, "all four are known");
    }

    #[test]
    fn a_file_without_the_mark_reads_its_whole_log_without_doubling_a_row() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"]);
            import(&store, &["b9"]);
        }
        {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(META).unwrap().remove(META_INDEXED_BELOW).unwrap();
            txn.commit().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history(&store), ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"]);
        assert_eq!(doctor(&store), (9, 0, vec![]));
        assert_eq!(import(&store, &["b1", "b9", "b10"]), 1, "b1 and b9 are duplicates");
        // A close writes the mark again, so that the next open reads only what is past it.
        assert!(store.fold_pending_rows().unwrap());
        drop(store);
        let (.., mark, next_uid) = in_trees(dir.path());
        assert_eq!(mark, next_uid);
    }

    #[test]
    fn a_close_writes_a_lost_mark_even_with_no_row_to_fold() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"]);
        }
        let remove_mark = || {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(META).unwrap().remove(META_INDEXED_BELOW).unwrap();
            txn.commit().unwrap();
        };
        remove_mark();
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history(&store).len(), 8, "a read reads the whole log once");
        assert!(store.fold_pending_rows().unwrap(), "the mark is written though no row is pending");
        assert!(!store.fold_pending_rows().unwrap(), "then there is nothing to do");
        drop(store);
        let (index_rows, _, mark, next_uid) = in_trees(dir.path());
        assert_eq!((index_rows, mark), (8, next_uid));
    }
}
