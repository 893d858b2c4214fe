//! The redb store of one user: open (creating or checking the file), load, commit a batch.
//!
//! Plain blocking code with no actix in it; the store actor runs it on its own thread.
//! Every commit is one `Durability::Immediate` transaction: when [`Store::commit`] returns `Ok`,
//! the batch is on disk.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use redb::{
    Database, DatabaseError, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction,
};

use super::messages::{MessageTables, PurgeSweep};
use super::numbers::NumberCache;
use super::ops::{MsgOp, OpsContext, OpsOutcome};
use super::path::user_store_path;
use super::pending::PendingRows;
use super::recent::{self, RecentIndex, RecordWriter};
use super::schema::*;
use crate::ids::ConvKey;
use crate::state::Conversation;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is open elsewhere (another process, or the CLI while the app runs).
    #[error("the store {0} is already open in another process or handle")]
    AlreadyOpen(PathBuf),
    /// The file was written by a newer build.
    #[error("the store has schema version {found}, newer than {SCHEMA_VERSION}")]
    NewerSchema {
        /// The version found.
        found: u64,
    },
    /// The file belongs to another user.
    #[error("the store belongs to another user")]
    WrongOwner,
    /// A record could not be read.
    #[error("corrupt record {key}: {detail}")]
    Corrupt {
        /// Which record.
        key: String,
        /// What was wrong.
        detail: String,
    },
    /// No store is open (no user logged in).
    #[error("no store is open")]
    NotOpen,
    /// Creating the folder failed.
    #[error("cannot create {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// redb could not open the file (not a store, damaged, no permission): the message names it,
    /// for whoever must look at it.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// Why (boxed: a path and an inline error made every store result large).
        source: Box<redb::Error>,
    },
    /// redb failed.
    #[error("redb: {0}")]
    Redb(#[from] redb::Error),
    /// The store's work panicked (redb asserts on some damage it finds in a file): the store is
    /// closed as after a failed write ([`contained`](super::contained)).
    #[error("the store failed on its file: {0}")]
    Panicked(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => { $( impl From<$t> for StoreError {
        fn from(e: $t) -> Self { StoreError::Redb(e.into()) }
    } )* };
}
from_redb!(redb::TransactionError, redb::TableError, redb::StorageError, redb::CommitError);

/// What a store holds when it is opened.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every conversation.
    pub conversations: Vec<Conversation>,
    /// The order-key counter.
    pub next_order_key: u64,
    /// The conversation group names, in creation order.
    pub groups: Vec<String>,
}

/// redb's page cache. Why this small (redb's default is 1 GiB): the conversation list lives in
/// the actor's memory, so the cache only serves message history and the B-tree paths of writes,
/// which the operating system's page cache serves as well: ingest (1M messages) measured the
/// same with 4 MiB, 16 MiB and 1 GiB, then with 1 MiB and 4 MiB, and 300k the same with 256 KiB.
/// Every page the cache holds is resident: with the default, every page read at login stayed,
/// about 700 bytes per conversation, with 16 MiB still about 140, with 4 MiB 37 more than now
/// (W4 in docs/performance.md).
pub const CACHE_BYTES: usize = 1 << 20;

/// Rows a part of the removal of deleted histories passes ([`Store::purge_retired_chunk`]):
/// a few milliseconds, so that a call that comes meanwhile waits little.
pub const PURGE_CHUNK: usize = 4096;

/// [`PURGE_CHUNK`], or `TIM_PURGE_CHUNK` where set (a probe compares sizes).
fn purge_chunk() -> usize {
    static CHUNK: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CHUNK.get_or_init(|| {
        std::env::var("TIM_PURGE_CHUNK")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(PURGE_CHUNK)
    })
}

/// Conversation records are handed over in chunks of this many while the store loads.
pub const LOAD_CHUNK: usize = 2048;

/// What a streaming load hands over, in order: how many records to expect, then the records.
#[derive(Debug)]
pub enum Loading {
    /// The number of stored conversations.
    Expect(usize),
    /// The next stored conversations.
    Records(Vec<Conversation>),
}

/// One group commit: the new state of every conversation touched (`None`: deleted).
#[derive(Debug, Default)]
pub struct CommitBatch {
    /// Conversations to write or remove.
    pub conversations: Vec<(ConvKey, Option<Conversation>)>,
    /// The order-key counter after the batch (informational; see [`Store::commit`]).
    pub next_order_key: u64,
    /// The conversation group names, when the batch changed them.
    pub groups: Option<Vec<String>>,
    /// Conversations deleted with their messages in this batch, including any created again
    /// after the deletion (they are in `conversations` with their new record).
    pub purged: BTreeSet<ConvKey>,
}

/// An open user store.
pub struct Store {
    pub(super) db: Database,
    data_dir: PathBuf,
    user_id: String,
    /// The recent records' index as the last successful commit left the file (or as loading
    /// read it); `None` before either and after a failed write (the next write reads it from
    /// the file).
    recent: Mutex<Option<RecentIndex>>,
    /// Conversation numbers the file holds, kept across successful message operations and
    /// emptied by a failed one (`numbers.rs`).
    numbers: Mutex<NumberCache>,
    /// The index rows written behind, as the last successful commit left the file (`pending.rs`);
    /// `None` before any write and after a failed one (the next write reads them from the log).
    pending: Mutex<Option<PendingRows>>,
    /// Where the removal of deleted histories' rows stands (`MessageTables::purge_retired`).
    purge_sweep: Mutex<PurgeSweep>,
}

impl Store {
    /// Opens (or creates) the store of `user_id` under `data_dir` and loads it.
    pub fn open(data_dir: &Path, user_id: &str) -> Result<(Store, Loaded), StoreError> {
        let mut conversations = Vec::new();
        let (store, mut loaded) = Store::open_streaming(data_dir, user_id, |part| match part {
            Loading::Expect(n) => conversations.reserve(n),
            Loading::Records(chunk) => conversations.extend(chunk),
        })?;
        loaded.conversations = conversations;
        Ok((store, loaded))
    }

    /// Opens the store like [`Self::open`] but hands the conversations to `sink` in chunks as
    /// they are read, so that another thread can build its state from one chunk while this one
    /// reads the next; the returned [`Loaded`] has no conversations. Why: at login, reading and
    /// building each take about half the time and this machine kind has two cores.
    pub fn open_streaming(
        data_dir: &Path,
        user_id: &str,
        sink: impl FnMut(Loading),
    ) -> Result<(Store, Loaded), StoreError> {
        let store = Store::open_file(data_dir, user_id)?;
        let loaded = store.load(sink)?;
        Ok((store, loaded))
    }

    /// Opens (or creates) the store's file, without loading it.
    pub fn open_file(data_dir: &Path, user_id: &str) -> Result<Store, StoreError> {
        let path = user_store_path(data_dir, user_id);
        let folder = path.parent().unwrap_or(data_dir);
        // The folders this creates, and the one they are made in, have new entries to flush
        // with a new store's name (`create_whole_if_missing`).
        let mut made_dirs: Vec<PathBuf> =
            folder.ancestors().skip(1).take_while(|dir| !dir.exists()).map(Path::to_owned).collect();
        if let Some(existing) = folder.ancestors().skip(1).find(|dir| dir.exists()) {
            made_dirs.push(existing.to_owned());
        }
        std::fs::create_dir_all(folder)
            .map_err(|source| StoreError::Io { path: folder.to_owned(), source })?;
        let mut builder = Database::builder();
        builder.set_cache_size(CACHE_BYTES);
        #[cfg(test)]
        let faulty = super::fault::backend_for(user_id, &path)
            .map_err(|source| StoreError::Io { path: path.clone(), source })?;
        #[cfg(test)]
        let opened = match faulty {
            Some(backend) => builder.create_with_backend(backend),
            None => {
                drop_cached_pages_if_unclean(&path);
                create_whole_if_missing(&path, folder, &made_dirs)
                    .and_then(|()| open_same_file(&builder, &path, || {}))
            }
        };
        #[cfg(not(test))]
        let opened = {
            drop_cached_pages_if_unclean(&path);
            create_whole_if_missing(&path, folder, &made_dirs)
                .and_then(|()| open_same_file(&builder, &path, || {}))
        };
        let db = match opened {
            Ok(db) => db,
            Err(DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::AlreadyOpen(path)),
            Err(e) => return Err(StoreError::Open { path, source: Box::new(e.into()) }),
        };
        let store = Store {
            db,
            data_dir: data_dir.to_owned(),
            user_id: user_id.to_owned(),
            recent: Mutex::new(None),
            numbers: Mutex::new(NumberCache::new()),
            purge_sweep: Mutex::new(PurgeSweep::default()),
            pending: Mutex::new(None),
        };
        store.initialize(user_id)?;
        Ok(store)
    }

    /// The data folder this store was opened from.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn initialize(&self, user_id: &str) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        // A file of this schema holds every table since the commit that wrote its version: its
        // open writes nothing (so it works on a full disk, where a history read still can).
        let current;
        // Only a file without a table is new (the first commit writes the version with every
        // table): one whose version was lost is damaged, not to be taken over as a new store.
        let new_file = txn.list_tables()?.next().is_none();
        {
            let mut meta = txn.open_table(META)?;
            let version = meta.get(META_SCHEMA_VERSION)?.map(|v| read_u64(v.value()));
            current = version == Some(SCHEMA_VERSION);
            match version {
                Some(found) if found > SCHEMA_VERSION => return Err(StoreError::NewerSchema { found }),
                Some(found) => {
                    let owner = meta.get(META_USER_ID)?.map(|v| v.value().to_vec());
                    if owner.as_deref() != Some(user_id.as_bytes()) {
                        return Err(StoreError::WrongOwner);
                    }
                    if found < SCHEMA_VERSION {
                        super::migrate::upgrade(&txn, &mut meta, found)?;
                        meta.insert(META_SCHEMA_VERSION, SCHEMA_VERSION.to_le_bytes().as_slice())?;
                        // The upgrade commits only if the file then loads: an older file whose
                        // records do not would be left marked with this schema, refused by the
                        // build that wrote it as well as by this one.
                        read_groups(&meta)?;
                        let newest = recent::newest_records(&txn.open_table(RECENT_RECORDS)?)?;
                        decode_current(&txn.open_table(CONVERSATIONS)?, newest, |_| {})?;
                    }
                }
                None if !new_file => {
                    return Err(StoreError::Corrupt {
                        key: META_SCHEMA_VERSION.into(),
                        detail: "missing from a store that holds tables".into(),
                    });
                }
                None => {
                    meta.insert(META_SCHEMA_VERSION, SCHEMA_VERSION.to_le_bytes().as_slice())?;
                    meta.insert(META_USER_ID, user_id.as_bytes())?;
                    meta.insert(META_NEXT_ORDER_KEY, 1u64.to_le_bytes().as_slice())?;
                    super::pending::mark_indexed_below(&mut meta, 1)?;
                }
            }
            txn.open_table(CONVERSATIONS)?;
            txn.open_table(RECENT_RECORDS)?;
            // A file that needs no upgrade may hold pending rows; they are read by the first write.
            MessageTables::open(&txn, Default::default(), Some(PendingRows::default()))?;
        }
        if current {
            txn.abort()?;
        } else {
            txn.commit()?;
        }
        Ok(())
    }

    /// The user this store belongs to.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Runs message operations in one durable transaction (see [`ops`](super::ops)).
    pub fn execute(
        &self,
        ops: Vec<MsgOp>,
        now: u64,
        next_order_key: u64,
        collect_received: bool,
        preloaded: Vec<(ConvKey, Option<Conversation>)>,
    ) -> Result<OpsOutcome, StoreError> {
        let txn = self.db.begin_write()?;
        let (mut held, mut recent) = self.take_recent_index(&txn)?;
        let ctx =
            OpsContext { self_id: self.user_id.clone(), now, next_order_key, collect_received, preloaded };
        // Taken for the transaction; put back only once it committed (a failure leaves it empty).
        let mut numbers = std::mem::take(&mut *self.numbers.lock().unwrap_or_else(PoisonError::into_inner));
        let mut pending_held = self.pending_rows();
        let mut pending = pending_held.take();
        let outcome = super::ops::execute(&txn, &mut recent, &mut numbers, &mut pending, ops, ctx)?;
        if outcome.wrote {
            txn.commit()?;
            *pending_held = pending.map(PendingRows::settled);
        } else {
            // Nothing to make durable: no commit, no fsync.
            txn.abort()?;
            *pending_held = pending.filter(|rows| !rows.changed());
        }
        *held = Some(recent);
        *self.numbers.lock().unwrap_or_else(PoisonError::into_inner) = numbers;
        Ok(outcome)
    }

    /// Folds the recent records into the records tree in a durable commit of its own if the log
    /// is worth it (`RecentIndex::worth_an_idle_fold`: a quarter full); whether it folded. For
    /// when the store is idle: the records do not change, only where they are kept. (Not the
    /// pending index rows, `pending.rs`: a writer that pauses a millisecond between calls of
    /// 1,000 messages looks idle, and a fold of many rows costs tens of milliseconds and is
    /// worth most when done at once; they wait for a message operation to find them due, or
    /// for the store to close.)
    pub fn fold_recent_records_if_worth_it(&self) -> Result<bool, StoreError> {
        // Asked after every pause of the actor: most of the time the log is short, and knowing
        // it needs no transaction. (No index in memory: a failed write has just been handled;
        // the next write reads it.)
        if !self.recent_index().as_ref().is_some_and(RecentIndex::worth_an_idle_fold) {
            return Ok(false);
        }
        // The slot holds the index just checked (the caller holds the store lock: no write
        // comes between), so it is taken, not read again.
        let txn = self.db.begin_write()?;
        let (mut held, mut recent) = self.take_recent_index(&txn)?;
        recent::fold(&txn, &mut recent)?;
        txn.commit()?;
        *held = Some(recent);
        Ok(true)
    }

    /// Folds the pending index rows, whatever their number, in a durable commit of its own, and
    /// writes the mark if the file had lost it; whether there was anything to do. For a store
    /// about to close: its next open then has nothing to read from the log.
    pub fn fold_pending_rows(&self) -> Result<bool, StoreError> {
        // The transaction before the slot, as every other write takes them.
        let txn = self.db.begin_write()?;
        let mut pending_held = self.pending_rows();
        if !pending_held.as_ref().is_some_and(PendingRows::worth_a_fold_at_close) {
            txn.abort()?;
            return Ok(false);
        }
        let folded = Self::fold_pending_in(&txn, pending_held.take())?;
        txn.commit()?;
        *pending_held = Some(folded.settled());
        Ok(true)
    }

    /// Folds every pending index row, those held in memory or, when none are held (a store just
    /// opened), those its log holds past the mark, in a durable commit of its own. For a
    /// compaction (`file_compaction.rs`): the rows a process killed before its store closed
    /// left behind would otherwise be written by the next session, growing the file again.
    pub fn fold_all_pending_rows(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        let mut pending_held = self.pending_rows();
        let folded = Self::fold_pending_in(&txn, pending_held.take())?;
        txn.commit()?;
        *pending_held = Some(folded.settled());
        Ok(())
    }

    /// Removes a part of the rows of retired conversation numbers (deleted or cleared long
    /// histories, `MessageTables::purge_retired`: 4,096 rows passed) in a durable commit of its
    /// own; whether any are left. For idle moments: the removal changes nothing any call sees.
    pub fn purge_retired_chunk(&self) -> Result<bool, StoreError> {
        // Most idle moments find nothing retired: read first, so that they make no commit.
        if !super::numbers::any_retired_in(&self.db.begin_read().map_err(redb::Error::from)?)? {
            *self.purge_sweep.lock().unwrap_or_else(PoisonError::into_inner) = PurgeSweep::default();
            return Ok(false);
        }
        // The transaction before the slot, as every other write takes them.
        let txn = self.db.begin_write()?;
        let mut pending_held = self.pending_rows();
        let left;
        let pending_after = {
            let mut tables = MessageTables::open(&txn, Default::default(), pending_held.take())?;
            let mut sweep = self.purge_sweep.lock().unwrap_or_else(PoisonError::into_inner);
            left = tables.purge_retired(&mut sweep, purge_chunk())?;
            tables.into_parts().1
        };
        txn.commit()?;
        *pending_held = Some(pending_after.settled());
        Ok(left)
    }

    /// Folds the pending rows (read from the file if `None`) in `txn`; returns them, empty.
    fn fold_pending_in(
        txn: &WriteTransaction,
        pending: Option<PendingRows>,
    ) -> Result<PendingRows, StoreError> {
        let next_uid = txn.open_table(META)?.get(META_NEXT_MSG_UID)?.map_or(1, |v| read_u64(v.value()));
        let mut tables = MessageTables::open(txn, Default::default(), pending)?;
        tables.fold_pending(&mut txn.open_table(META)?, next_uid)?;
        Ok(tables.into_parts().1)
    }

    /// The most messages whose index rows were held in memory at once (for tests: see
    /// [`PendingRows::most_held`]).
    #[cfg(test)]
    pub(crate) fn pending_rows_most_held(&self) -> usize {
        self.pending_rows().as_ref().map_or(0, PendingRows::most_held)
    }

    /// The pending index rows, held for one write transaction (see [`Store::pending`]).
    fn pending_rows(&self) -> MutexGuard<'_, Option<PendingRows>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The recent records' index, held for one write transaction (see [`Store::recent`]).
    pub(super) fn recent_index(&self) -> MutexGuard<'_, Option<RecentIndex>> {
        self.recent.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The recent records' index for the write transaction `txn`, taken out of its slot (read
    /// from the file if the slot is empty), with the slot held: the caller puts the index back
    /// once `txn` committed, or drops the slot empty so that the next write reads it again.
    fn take_recent_index(
        &self,
        txn: &WriteTransaction,
    ) -> Result<(MutexGuard<'_, Option<RecentIndex>>, RecentIndex), StoreError> {
        let mut held = self.recent_index();
        let index = match held.take() {
            Some(index) => index,
            None => RecentIndex::read_in(txn)?,
        };
        Ok((held, index))
    }

    /// How many conversation records are stored and their bytes in total (what the store holds
    /// for the conversations themselves; the benchmarks compare memory with it).
    pub fn conversation_record_bytes(&self) -> Result<(u64, u64), StoreError> {
        let txn = self.db.begin_read().map_err(redb::Error::from)?;
        let newest = recent::newest_records(&txn.open_table(RECENT_RECORDS)?)?;
        let mut count = 0;
        let mut bytes = 0;
        recent::for_each_current(&txn.open_table(CONVERSATIONS)?, newest, |_, _, record| {
            count += 1;
            bytes += record.len() as u64;
            Ok(())
        })?;
        Ok((count, bytes))
    }

    /// How many rows the message tables hold in their trees: `(log records, index rows, ID
    /// rows)`; after a clean close every stored message has one of each (rows written behind are
    /// folded then), and a deleted history's are gone once removed (`numbers.rs`). For tests.
    pub fn message_table_rows(&self) -> Result<(u64, u64, u64), StoreError> {
        let txn = self.db.begin_read().map_err(redb::Error::from)?;
        Ok((
            txn.open_table(MESSAGE_LOG)?.len()?,
            txn.open_table(MESSAGE_INDEX)?.len()?,
            txn.open_table(MESSAGE_IDS)?.len()?,
        ))
    }

    /// How many entries the recent records' log holds (see `recent.rs`).
    pub fn recent_record_entries(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read().map_err(redb::Error::from)?;
        Ok(RecentIndex::read(&txn.open_table(RECENT_RECORDS)?)?.entries())
    }

    /// The stored records of these conversations (`None`: no record), as the file has them now.
    pub fn read_records(&self, keys: &[ConvKey]) -> Result<Vec<(ConvKey, Option<Conversation>)>, StoreError> {
        let txn = self.db.begin_read().map_err(redb::Error::from)?;
        let newest = recent::newest_records(&txn.open_table(RECENT_RECORDS)?)?;
        let table = txn.open_table(CONVERSATIONS)?;
        keys.iter()
            .map(|key| {
                let conv = match newest.get(key) {
                    Some(newer) => newer.as_deref().map(|bytes| recent::decode(key, bytes)).transpose()?,
                    None => table
                        .get(conv_row(key))?
                        .map(|bytes| recent::decode(key, bytes.value()))
                        .transpose()?,
                };
                Ok((key.clone(), conv))
            })
            .collect()
    }

    fn load(&self, mut sink: impl FnMut(Loading)) -> Result<Loaded, StoreError> {
        let txn = self.db.begin_read().map_err(redb::Error::from)?;
        let meta = txn.open_table(META)?;
        let next_order_key = meta.get(META_NEXT_ORDER_KEY)?.map(|v| read_u64(v.value())).unwrap_or(1);
        let groups = read_groups(&meta)?;
        // The recent records override the rows they are newer than (`recent.rs`). Their index
        // is kept for the first write: nothing has written since this read.
        let (index, newest) = recent::read_log(&txn.open_table(RECENT_RECORDS)?)?;
        self.recent_index().get_or_insert(index);
        let table = txn.open_table(CONVERSATIONS)?;
        let mut expect = table.len()? as usize;
        for (key, record) in &newest {
            match (table.get(conv_row(key))?.is_some(), record.is_some()) {
                (false, true) => expect += 1,
                (true, false) => expect -= 1,
                _ => {}
            }
        }
        sink(Loading::Expect(expect));
        let mut chunk = Vec::with_capacity(LOAD_CHUNK);
        decode_current(&table, newest, |conv| {
            chunk.push(conv);
            if chunk.len() == LOAD_CHUNK {
                sink(Loading::Records(std::mem::replace(&mut chunk, Vec::with_capacity(LOAD_CHUNK))));
            }
        })?;
        if !chunk.is_empty() {
            sink(Loading::Records(chunk));
        }
        Ok(Loaded { conversations: Vec::new(), next_order_key, groups })
    }

    /// Writes a batch in one durable transaction.
    pub fn commit(&self, batch: &CommitBatch) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        let (mut held, mut recent) = self.take_recent_index(&txn)?;
        // Taken only with the message tables; put back once the commit is done (a failure leaves
        // the slot empty: the next write reads the rows from the file).
        let mut pending_held = self.pending_rows();
        let pending_after;
        {
            // Opened only for a deletion: most batches (drafts, pins, marks) touch no message, and
            // each open table is a lookup in the commit's path.
            let mut messages = None;
            let mut table = RecordWriter::open(&txn, &mut recent, batch.conversations.len())?;
            for (key, conv) in &batch.conversations {
                match conv {
                    Some(conv) => {
                        if batch.purged.contains(key) {
                            // Deleted and created again in this batch: the new record starts
                            // with no messages, so the old ones go first.
                            let messages = match &mut messages {
                                Some(messages) => messages,
                                None => messages.insert(MessageTables::open(
                                    &txn,
                                    Default::default(),
                                    pending_held.take(),
                                )?),
                            };
                            messages.retire_history(key)?;
                        }
                        table.put(key, conv)?;
                    }
                    None => {
                        // A deleted conversation takes its messages with it.
                        if table.remove(key)? {
                            let messages = match &mut messages {
                                Some(messages) => messages,
                                None => messages.insert(MessageTables::open(
                                    &txn,
                                    Default::default(),
                                    pending_held.take(),
                                )?),
                            };
                            messages.retire_history(key)?;
                        }
                    }
                }
            }
            // The order-key counter is not written here: loading recovers it as the largest
            // stored order key plus one, and leaving the meta table alone keeps the commit small.
            if let Some(groups) = &batch.groups {
                let mut meta = txn.open_table(META)?;
                let bytes = serde_json::to_vec(groups).map_err(|e| StoreError::Corrupt {
                    key: META_CONV_GROUPS.into(),
                    detail: e.to_string(),
                })?;
                meta.insert(META_CONV_GROUPS, bytes.as_slice())?;
            }
            if messages.is_some() {
                // A conversation gave its number up (`MessageTables::retire_history`): the
                // numbers the store remembers for the next operations may name it.
                self.numbers.lock().unwrap_or_else(PoisonError::into_inner).clear();
            }
            pending_after = messages.map(|messages| messages.into_parts().1);
        }
        txn.commit()?;
        *held = Some(recent);
        if let Some(rows) = pending_after {
            *pending_held = Some(rows.settled());
        }
        Ok(())
    }
}

/// Opens the store file at `path` (creating it if missing, as redb does) and takes redb's lock,
/// then checks that the file opened is still the one at `path`. A salvage replaces the file by a
/// rename while it holds the old one's lock and lets go of it after: an open that found the old
/// file just before the rename would get that lock and log in to a file without a name, every
/// change it acknowledged then lost (or, the old file being the damaged one, fail on it). Then
/// the file now at `path` is opened instead, whatever the old one gave (it is never created
/// again: a store deleted meanwhile fails this login, and the next one sets it up whole). A
/// file system whose file IDs differ between a file and its path (some overlay ones) would
/// never agree: after a few tries the last open stands, as it did before this check.
/// `before_lock` runs between the open and the lock (tests replace the file there).
fn open_same_file(
    builder: &redb::Builder,
    path: &Path,
    before_lock: impl Fn(),
) -> Result<Database, DatabaseError> {
    use std::os::unix::fs::MetadataExt;
    const TRIES: usize = 4;
    for attempt in 1..=TRIES {
        let file = std::fs::File::options()
            .read(true)
            .write(true)
            .create(attempt == 1)
            .truncate(false)
            .open(path)?;
        let opened = file.metadata()?;
        before_lock();
        let db = builder.create_with_backend(redb::backends::FileBackend::new(file)?);
        let same =
            std::fs::metadata(path).is_ok_and(|now| now.ino() == opened.ino() && now.dev() == opened.dev());
        if same || attempt == TRIES {
            return db;
        }
    }
    unreachable!("the last try returns")
}

/// Sets the store's file up whole when there is none, or only an empty one: under a name of its
/// own, then renamed into place. Why: redb sets up a new file in two flushes (the header, then
/// its magic number), and refuses for good a file that has the first without the second: a crash
/// during a user's first login left a store no later login could open.
///
/// The file in place (made empty here if missing: of two processes, one makes it) is locked while
/// it is replaced, and replaced only if it is still the empty file at `path`, so that a store
/// another process or SDK set up meanwhile (and may be writing) is never replaced. `made_dirs`
/// are the folders the open just created, flushed with the new name's folder.
fn create_whole_if_missing(path: &Path, folder: &Path, made_dirs: &[PathBuf]) -> Result<(), DatabaseError> {
    use std::os::unix::fs::MetadataExt;
    static CREATED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let in_place = match std::fs::File::options().read(true).write(true).create_new(true).open(path) {
        Ok(file) => file,
        // Not a plain file (a FIFO, whose read-only open would block the login for good, a
        // folder): redb's own open says what is there.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !is_plain_file(path) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match std::fs::File::open(path) {
            Ok(file) => file,
            // Gone meanwhile: redb's own open says what is there.
            Err(_) => return Ok(()),
        },
        Err(e) => return Err(e.into()),
    };
    if in_place.metadata()?.len() > 0 {
        return Ok(());
    }
    // Another process or SDK setting the same file up (or an older build's redb, setting it up
    // in place and holding it for its whole session) has it: the store is open elsewhere.
    let have_lock = match in_place.try_lock() {
        Ok(()) => true,
        Err(std::fs::TryLockError::WouldBlock) => return Err(DatabaseError::DatabaseAlreadyOpen),
        // A file system without such locks (some network ones): redb goes on without its own
        // lock there too.
        Err(std::fs::TryLockError::Error(_)) => false,
    };
    let locked = in_place.metadata()?;
    match std::fs::metadata(path) {
        Ok(now) if now.ino() == locked.ino() && now.dev() == locked.dev() && now.len() == 0 => {}
        _ => return Ok(()),
    }
    if have_lock {
        remove_cut_short_creations(path, folder);
    }
    let mut name = path.file_name().unwrap_or_default().to_owned();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let nth = CREATED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    name.push(format!(".creating-{}-{nanos}-{nth}", std::process::id()));
    let creating = folder.join(name);
    match std::fs::File::options().write(true).create_new(true).open(&creating) {
        Ok(_) => {}
        // A folder that takes no new name (its permissions, a read-only mount): set up in place
        // by redb, as before, rather than refused.
        // So does one whose file system has no inode (or quota) left for a second name, which
        // left the empty file in place failing every later login: redb sets that file up.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::ReadOnlyFilesystem
                    | std::io::ErrorKind::StorageFull
                    | std::io::ErrorKind::QuotaExceeded
            ) =>
        {
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    let made = Database::builder().create(&creating).map(drop).and_then(|()| {
        std::fs::rename(&creating, path)?;
        // The new names must survive a power loss as the file's own writes do.
        for dir in std::iter::once(folder).chain(made_dirs.iter().map(PathBuf::as_path)) {
            let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
            std::fs::File::open(dir).and_then(|dir| dir.sync_all())?;
        }
        Ok(())
    });
    if made.is_err() {
        let _ = std::fs::remove_file(&creating);
    }
    made
}

/// Removes the `<file>.creating-*` files that creations of the store at `path` cut short by a
/// crash left beside it (each can be as large as a new store). Called with the empty file in
/// place locked: every creation takes that lock before it makes its file, and renames or removes
/// it before it lets go, so any such file now is a dead creation's. Failures are ignored: the
/// leftovers are only space, never read.
fn remove_cut_short_creations(path: &Path, folder: &Path) {
    let mut prefix = path.file_name().unwrap_or_default().to_owned();
    prefix.push(".creating-");
    let prefix = prefix.as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir(if folder.as_os_str().is_empty() { Path::new(".") } else { folder })
    else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().as_encoded_bytes().starts_with(prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// redb's file header starts with its magic number, then its "god byte", in which this bit says
/// the file was not closed cleanly (it is set while a writer has the file open, and cleared by a
/// clean close). `unclean_flag_is_where_this_build_looks` checks both against the redb in use.
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];
const REDB_RECOVERY_REQUIRED: u8 = 2;

/// Whether the redb file at `path` was left without a clean close (a crash, a failed write, or a
/// writer that has it open now); `false` for a file that is not redb's or does not read.
pub(crate) fn left_unclean(path: &Path) -> bool {
    use std::os::unix::fs::FileExt;
    let mut head = [0; REDB_MAGIC.len() + 1];
    if !is_plain_file(path) {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else { return false };
    file.read_exact_at(&mut head, 0).is_ok()
        && head[..REDB_MAGIC.len()] == REDB_MAGIC
        && head[REDB_MAGIC.len()] & REDB_RECOVERY_REQUIRED != 0
}

/// Whether `path` is a plain file (following links): opening anything else read-only may block
/// (a FIFO with no writer).
fn is_plain_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Before a file left without a clean close is opened (and repaired), drops the kernel's cached
/// pages of it, so that redb reads what the disk holds.
///
/// Why: when a write of the file fails at its flush (a full thin-provisioned disk, a device
/// error), Linux reports the error once and keeps the pages it could not write in its cache,
/// marked clean. A reopen (the store reopens after a failed commit; a new process after a crash)
/// would read the failed commit from that cache, whole and with valid checksums, and redb's
/// repair and the next commits would make durable a header pointing at pages the disk never got:
/// a file that no later open could read once the cache was gone (a reboot, a remount). Read from
/// the disk, the failed commit is what a crash leaves, which redb's repair rolls back. Only for
/// an unclean file: a clean one has nothing a failed flush left, and keeps its cache (a login
/// reads the whole file). Best effort: the advice may drop fewer pages on some systems.
fn drop_cached_pages_if_unclean(path: &Path) {
    if left_unclean(path)
        && let Ok(file) = std::fs::File::open(path)
    {
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed);
    }
}

/// The conversation groups kept in `meta`.
fn read_groups(meta: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Vec<String>, StoreError> {
    match meta.get(META_CONV_GROUPS)? {
        Some(v) => serde_json::from_slice(v.value())
            .map_err(|e| StoreError::Corrupt { key: META_CONV_GROUPS.into(), detail: e.to_string() }),
        None => Ok(Vec::new()),
    }
}

/// Decodes every conversation's current record (`recent.rs`), each checked against its key.
fn decode_current(
    records: &impl ReadableTable<(u8, &'static str), &'static [u8]>,
    newest: recent::NewestRecords,
    mut each: impl FnMut(Conversation),
) -> Result<(), StoreError> {
    recent::for_each_current(records, newest, |conv_type, conv_id, bytes| {
        let corrupt = |detail: String| StoreError::Corrupt { key: format!("{conv_type}/{conv_id}"), detail };
        let conv = super::record::decode(bytes).map_err(corrupt)?;
        if conv_row(&conv.key) != (conv_type, conv_id) {
            return Err(corrupt("record does not match its key".into()));
        }
        each(conv);
        Ok(())
    })
}

pub(super) fn read_u64(bytes: &[u8]) -> u64 {
    bytes.try_into().map(u64::from_le_bytes).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ops::DoctorReport;

    #[test]
    fn unclean_flag_is_where_this_build_looks() {
        // `left_unclean` reads redb's header itself: this pins the format of the redb in use.
        let dir = tempfile::tempdir().unwrap();
        let path = user_store_path(dir.path(), "alice");
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert!(left_unclean(&path), "open for writing: flagged as a crash would leave it");
        drop(store);
        assert!(!left_unclean(&path), "closed cleanly");
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        // As a crash leaves it: the file as it is while open, without the close.
        let open_bytes = std::fs::read(&path).unwrap();
        drop(store);
        std::fs::write(&path, &open_bytes).unwrap();
        assert!(left_unclean(&path));
        drop_cached_pages_if_unclean(&path);
        Store::open(dir.path(), "alice").unwrap();
        assert!(!left_unclean(dir.path()), "not a redb file");
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        assert!(!left_unclean(&fifo), "a FIFO is not read (its open would block)");
        assert!(!left_unclean(&dir.path().join("missing")));
    }

    /// Commits a new conversation `key` with order key `order` (the next order key past it).
    fn commit_one(store: &Store, key: &ConvKey, order: u64) {
        let batch = CommitBatch {
            conversations: vec![(key.clone(), Some(Conversation::new(key, order)))],
            next_order_key: order + 1,
            groups: None,
            purged: BTreeSet::new(),
        };
        store.commit(&batch).unwrap();
    }

    #[test]
    fn a_conversation_an_older_build_stored_with_a_nul_in_its_id_can_be_named_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::existing(tim_types::ConvType::C2C, "a\0b").unwrap();
        {
            // As a build before the NUL check stored it (from a delivered message's JSON).
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            commit_one(&store, &key, 5);
        }
        let sdk = crate::Sdk::start(crate::SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        crate::block_on(client.login("alice", "")).unwrap();
        let listed = crate::block_on(client.conversation_list()).unwrap();
        assert_eq!(listed.iter().map(|c| c.conv_id.as_str()).collect::<Vec<_>>(), ["a\0b"]);
        // Named as TIMConvGetConvInfo and TIMConvDeleteConversationList name it.
        let info = crate::block_on(client.conversation_info(vec![key.clone()])).unwrap();
        assert_eq!(info.len(), 1);
        let named = ConvKey::from_conversation_id("c2c_a\0b").unwrap();
        crate::block_on(client.delete_conversation(named)).unwrap();
        assert!(crate::block_on(client.conversation_list()).unwrap().is_empty());
        // Created again with that ID: refused, as every new conversation with a NUL is.
        let again = crate::block_on(client.create_conversation(key.clone())).unwrap_err();
        assert!(matches!(again, crate::Error::Rejected(crate::CallError::Param(_))), "{again:?}");
        let draft = tim_types::Draft {
            draft_msg: tim_types::Message::from_elems(vec![tim_types::Elem::text("d")]),
            draft_user_define: String::new(),
            draft_edit_time: 1,
        };
        assert!(matches!(client.set_draft_blocking(key.clone(), draft), Err(crate::CallError::Param(_))));
        let message = tim_types::Message::from_elems(vec![tim_types::Elem::text("m")]);
        assert!(crate::block_on(client.import_messages(key, vec![message])).is_err());
        assert!(crate::block_on(client.conversation_list()).unwrap().is_empty());
        sdk.shutdown();
    }

    #[test]
    fn a_commit_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::group("g").unwrap();
        {
            let (store, loaded) = Store::open(dir.path(), "alice").unwrap();
            assert!(loaded.conversations.is_empty());
            commit_one(&store, &key, 5);
        }
        let (_store, loaded) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(loaded.conversations, vec![Conversation::new(&key, 5)]);
        let state = crate::state::ConvState::load(loaded.conversations, loaded.next_order_key, loaded.groups);
        assert_eq!(state.next_order_key(), 6, "recovered from the largest stored order key");
    }

    #[test]
    fn a_streaming_load_hands_over_every_record_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let count = 2 * LOAD_CHUNK + 100;
        let written: Vec<Conversation> = (0..count)
            .map(|n| Conversation::new(&ConvKey::c2c(format!("peer{n:05}")).unwrap(), n as u64 + 1))
            .collect();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let conversations = written.iter().map(|c| (c.conv_key(), Some(c.clone()))).collect();
            store
                .commit(&CommitBatch {
                    conversations,
                    next_order_key: 1,
                    groups: None,
                    purged: BTreeSet::new(),
                })
                .unwrap();
        }
        let mut parts = Vec::new();
        let (_store, loaded) = Store::open_streaming(dir.path(), "alice", |part| parts.push(part)).unwrap();
        assert!(loaded.conversations.is_empty(), "the records went to the sink");
        assert!(matches!(parts[0], Loading::Expect(n) if n == count));
        let sizes: Vec<usize> = parts[1..]
            .iter()
            .map(|p| match p {
                Loading::Records(chunk) => chunk.len(),
                Loading::Expect(_) => panic!("Expect comes first, once"),
            })
            .collect();
        assert_eq!(sizes, [LOAD_CHUNK, LOAD_CHUNK, 100]);
        let read: Vec<Conversation> = parts
            .into_iter()
            .flat_map(|p| match p {
                Loading::Records(chunk) => chunk,
                Loading::Expect(_) => Vec::new(),
            })
            .collect();
        assert_eq!(read, written, "every record, in key order");
    }

    #[test]
    fn a_second_open_is_refused_while_the_first_is_alive() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Store::open(dir.path(), "alice").unwrap();
        assert!(matches!(Store::open(dir.path(), "alice"), Err(StoreError::AlreadyOpen(_))));
    }

    /// Sets the stored schema version of alice's file, as another build would have written it.
    /// Changes alice's closed file by hand, in one committed transaction (a damaged file, or one
    /// an older build wrote).
    fn edit_file(dir: &Path, edit: impl FnOnce(&WriteTransaction)) {
        let db = Database::create(user_store_path(dir, "alice")).unwrap();
        let txn = db.begin_write().unwrap();
        edit(&txn);
        txn.commit().unwrap();
    }

    fn write_version(dir: &Path, version: u64) {
        edit_file(dir, |txn| {
            txn.open_table(META)
                .unwrap()
                .insert(META_SCHEMA_VERSION, version.to_le_bytes().as_slice())
                .unwrap();
        });
    }

    fn read_version(dir: &Path) -> u64 {
        let db = Database::create(user_store_path(dir, "alice")).unwrap();
        let txn = db.begin_read().unwrap();
        let meta = txn.open_table(META).unwrap();
        read_u64(meta.get(META_SCHEMA_VERSION).unwrap().unwrap().value())
    }

    #[test]
    fn older_files_open_and_are_marked_newer_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path(), "alice").unwrap());
        write_version(dir.path(), 1);
        drop(Store::open(dir.path(), "alice").unwrap());
        assert_eq!(read_version(dir.path()), SCHEMA_VERSION, "marked so that older builds refuse it");
        write_version(dir.path(), SCHEMA_VERSION + 1);
        assert!(matches!(
            Store::open(dir.path(), "alice"),
            Err(StoreError::NewerSchema { found }) if found == SCHEMA_VERSION + 1
        ));
    }

    #[test]
    fn an_older_file_that_does_not_load_keeps_its_version() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path(), "alice").unwrap());
        write_version(dir.path(), 6);
        edit_file(dir.path(), |txn| {
            txn.open_table(CONVERSATIONS).unwrap().insert((1, "bob"), [99u8, 1, 2].as_slice()).unwrap();
        });
        assert!(matches!(Store::open(dir.path(), "alice"), Err(StoreError::Corrupt { .. })));
        assert_eq!(read_version(dir.path()), 6, "not marked: the build that wrote it can still open it");
    }

    #[test]
    fn a_file_that_lost_its_version_is_not_taken_for_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path(), "alice").unwrap());
        edit_file(dir.path(), |txn| {
            txn.open_table(META).unwrap().remove(META_SCHEMA_VERSION).unwrap();
        });
        // Not even by its owner, nor by another user (the new-store path would name a new owner).
        for user in ["alice", "mallory"] {
            let path = user_store_path(dir.path(), "alice");
            let renamed = user_store_path(dir.path(), user);
            std::fs::rename(&path, &renamed).unwrap();
            assert!(matches!(Store::open(dir.path(), user), Err(StoreError::Corrupt { .. })), "{user}");
            std::fs::rename(&renamed, &path).unwrap();
        }
        let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
        let meta = db.begin_read().unwrap().open_table(META).unwrap();
        assert_eq!(meta.get(META_USER_ID).unwrap().unwrap().value(), b"alice");
        assert!(meta.get(META_SCHEMA_VERSION).unwrap().is_none(), "left as it was");
    }

    #[test]
    fn a_lost_message_counter_refuses_no_message_and_the_doctor_puts_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            assert!(doctor(&store, false).0.mismatches.is_empty(), "a new store has no counter yet");
            import(&store, &key, &["m1", "m2"]).unwrap();
        }
        lose_message_counter(dir.path());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (report, _) = doctor(&store, false);
        assert_eq!(report.mismatches.len(), 1, "{report:?}");
        assert!(report.mismatches[0].contains("message counter (missing)"), "{report:?}");
        import(&store, &key, &["m3"]).expect("stored past the log's end");
        assert!(doctor(&store, false).0.mismatches.is_empty(), "the message wrote the counter back");
        drop(store);
        lose_message_counter(dir.path());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(doctor(&store, true).0.mismatches.len(), 1);
        assert!(doctor(&store, false).0.mismatches.is_empty(), "fixed");
        import(&store, &key, &["m4"]).unwrap();
        let (report, _) = doctor(&store, false);
        assert_eq!((report.messages, report.mismatches.len()), (4, 0), "{report:?}");
    }

    /// The ids of `key`'s history, oldest first.
    fn history_ids(store: &Store, key: &ConvKey) -> Vec<String> {
        use crate::store::ops::{HistoryQuery, OpOutput};
        let read = MsgOp::History { key: key.clone(), query: HistoryQuery::default() };
        let mut results = store.execute(vec![read], 100, 100, false, Vec::new()).unwrap().results;
        let Ok(OpOutput::Messages(found)) = results.remove(0) else { panic!("{results:?}") };
        found.into_iter().rev().filter_map(|m| m.message_msg_id).collect()
    }

    fn lose_message_counter(dir: &Path) {
        edit_file(dir, |txn| {
            txn.open_table(META).unwrap().remove(META_NEXT_MSG_UID).unwrap();
        });
    }

    #[test]
    fn a_message_stored_after_a_lost_counter_takes_a_uid_past_the_mark_and_survives_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &key, &["m1", "m2", "m3"]).unwrap(); // folded: the mark is past m3
            let delete = MsgOp::Delete { key: key.clone(), message: "m3".into() };
            assert!(store.execute(vec![delete], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
        }
        // The log now ends below the mark.
        lose_message_counter(dir.path());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let (report, _) = doctor(&store, false);
            assert!(report.mismatches.iter().any(|m| m.contains("message counter")), "{report:?}");
            import_pending(&store, &key, &["m4"]).unwrap();
            assert_eq!(history_ids(&store, &key), ["m1", "m2", "m4"]);
            // Dropped without a close: as after a crash, m4's index rows only in memory.
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(
            history_ids(&store, &key),
            ["m1", "m2", "m4"],
            "an acknowledged message is in its history"
        );
        assert!(doctor(&store, false).0.mismatches.is_empty());
    }

    #[test]
    fn a_doctor_after_a_message_in_its_batch_judges_the_counter_that_message_writes() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        import(&Store::open(dir.path(), "alice").unwrap().0, &key, &["m1", "m2"]).unwrap();
        lose_message_counter(dir.path());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let batch = vec![import_op(&key, &["m3"]), MsgOp::Doctor { fix: false }];
        let outcome = store.execute(batch, 100, 100, false, Vec::new()).unwrap();
        let Ok(crate::store::ops::OpOutput::Report(report)) = &outcome.results[1] else {
            panic!("{:?}", outcome.results)
        };
        assert!(report.mismatches.is_empty(), "{report:?}");
        assert!(doctor(&store, false).0.mismatches.is_empty(), "and the batch wrote it");
    }

    /// bob's m1 loses its ID row (a damaged file), m1 is imported again into carol (its rows
    /// pending), bob is cleared, and the store is dropped without a close (a crash), after the
    /// doctor's fix or not: carol's copy must stay in her history either way.
    fn carols_copy_after_a_crash(doctor_fixes_first: bool) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let (bob, carol) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap());
        import(&Store::open(dir.path(), "alice").unwrap().0, &bob, &["m1"]).unwrap();
        edit_file(dir.path(), |txn| {
            assert!(txn.open_table(MESSAGE_IDS).unwrap().remove("m1").unwrap().is_some());
        });
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import_pending(&store, &carol, &["m1"]).unwrap();
            let clear = MsgOp::Clear { key: bob.clone() };
            assert!(store.execute(vec![clear], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
            assert_eq!(history_ids(&store, &carol), ["m1"]);
            if doctor_fixes_first {
                let (report, _) = doctor(&store, true);
                assert!(report.mismatches.is_empty(), "bob's clear left carol's ID row: {report:?}");
            }
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert!(doctor(&store, false).0.mismatches.is_empty());
        history_ids(&store, &carol)
    }

    #[test]
    fn deleting_a_message_leaves_the_id_row_of_another_copy() {
        assert_eq!(carols_copy_after_a_crash(false), ["m1"]);
        assert_eq!(carols_copy_after_a_crash(true), ["m1"]);
    }

    #[test]
    fn the_doctors_fix_reports_every_lost_pending_id_row_it_puts_back() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, carol) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        import_pending(&store, &bob, &["b1", "b2"]).unwrap();
        import_pending(&store, &carol, &["c1", "c2"]).unwrap();
        // (A check would not do: a transaction that writes nothing drops rows changed in memory,
        // and the next one reads them again from the log.)
        for id in ["b1", "c2"] {
            store.pending_rows().as_mut().expect("held after the import").remove_id(id);
        }
        let (report, _) = doctor(&store, true);
        assert_eq!(report.mismatches.len(), 2, "each lost row reported: {report:?}");
        assert!(doctor(&store, false).0.mismatches.is_empty());
        drop(store);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(
            (history_ids(&store, &bob), history_ids(&store, &carol)),
            (vec!["b1".to_owned(), "b2".into()], vec!["c1".to_owned(), "c2".into()])
        );
        assert!(doctor(&store, false).0.mismatches.is_empty());
    }

    #[test]
    fn the_doctor_puts_back_a_lost_pending_id_row_beside_its_index_row() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        import_pending(&store, &key, &["m1", "m2"]).unwrap();
        // As a pending row lost in memory (the damage the doctor's check stands for).
        store.pending_rows().as_mut().expect("held after the import").remove_id("m1");
        let (report, _) = doctor(&store, true);
        assert_eq!(report.mismatches.len(), 1, "{report:?}");
        assert!(doctor(&store, false).0.mismatches.is_empty(), "read again from the log");
        drop(store);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history_ids(&store, &key), ["m1", "m2"], "no tree row taken for its own after a crash");
        assert!(doctor(&store, false).0.mismatches.is_empty());
    }

    #[test]
    fn an_open_finding_the_empty_file_in_place_held_elsewhere_says_so_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = user_store_path(dir.path(), "alice");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // As an older build's redb holds the file it sets up in place, for its whole session.
        let held = std::fs::File::create(&path).unwrap();
        held.lock().unwrap();
        let (done, answer) = std::sync::mpsc::channel();
        let data_dir = dir.path().to_owned();
        std::thread::spawn(move || done.send(Store::open_file(&data_dir, "alice").map(drop)));
        let answered = answer.recv_timeout(std::time::Duration::from_secs(5));
        drop(held);
        assert!(matches!(answered, Ok(Err(StoreError::AlreadyOpen(_)))), "{answered:?}");
    }

    #[test]
    fn an_empty_store_file_in_a_folder_that_takes_no_new_name_is_set_up_in_place() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = user_store_path(dir.path(), "alice");
        let folder = path.parent().unwrap().to_owned();
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::File::create(&path).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        let writable = std::fs::File::create(folder.join("probe")).is_ok();
        let opened = (!writable).then(|| Store::open(dir.path(), "alice").map(drop));
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        match opened {
            // Root adds names to any folder: nothing to check for it.
            None => eprintln!("skipped: this user may add names to a read-only folder"),
            Some(opened) => assert!(opened.is_ok(), "{opened:?}"),
        }
    }

    #[test]
    fn the_doctor_points_an_id_row_naming_another_message_back_at_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &key, &["m1", "m2"]).unwrap();
            store.fold_pending_rows().unwrap();
        }
        // m1's row made to name m2's position, as damage could.
        edit_file(dir.path(), |txn| {
            let mut ids = txn.open_table(MESSAGE_IDS).unwrap();
            let m2 = ids.get("m2").unwrap().map(|row| {
                let (t, id, time, uid) = row.value();
                (t, id.to_owned(), time, uid)
            });
            let (t, id, time, uid) = m2.unwrap();
            ids.insert("m1", (t, id.as_str(), time, uid)).unwrap();
        });
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (report, _) = doctor(&store, false);
        assert_eq!(report.mismatches.len(), 1, "{report:?}");
        assert!(report.mismatches[0].contains("the ID row for \"m1\" names another position"), "{report:?}");
        assert_eq!(doctor(&store, true).0.mismatches.len(), 1);
        assert!(doctor(&store, false).0.mismatches.is_empty(), "fixed");
        // Deleting m1 by its ID deletes m1, not m2.
        let delete = MsgOp::Delete { key: key.clone(), message: "m1".into() };
        let deleted = store.execute(vec![delete], 100, 100, false, Vec::new()).unwrap().results;
        assert!(deleted[0].is_ok(), "{deleted:?}");
        let find_m2 = store.execute(
            vec![MsgOp::Delete { key: key.clone(), message: "m2".into() }],
            100,
            100,
            false,
            Vec::new(),
        );
        assert!(find_m2.unwrap().results[0].is_ok(), "m2 was still there to delete");
    }

    #[test]
    fn the_doctor_puts_back_a_lost_id_row() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &key, &["m1", "m2"]).unwrap();
        }
        edit_file(dir.path(), |txn| {
            assert!(txn.open_table(MESSAGE_IDS).unwrap().remove("m1").unwrap().is_some());
        });
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (report, _) = doctor(&store, false);
        assert_eq!(report.mismatches.len(), 1, "{report:?}");
        assert!(report.mismatches[0].contains("no ID row for \"m1\""), "{report:?}");
        let delete = || MsgOp::Delete { key: key.clone(), message: "m1".into() };
        let refused = store.execute(vec![delete()], 100, 100, false, Vec::new()).unwrap().results;
        assert!(refused[0].is_err(), "not found by its ID: {refused:?}");
        assert_eq!(doctor(&store, true).0.mismatches.len(), 1);
        assert!(doctor(&store, false).0.mismatches.is_empty(), "fixed");
        // Found by its ID again: a second copy is a duplicate, and it can be deleted.
        import(&store, &key, &["m1"]).unwrap();
        let deleted = store.execute(vec![delete()], 100, 100, false, Vec::new()).unwrap().results;
        assert!(deleted[0].is_ok(), "{deleted:?}");
        let (report, _) = doctor(&store, false);
        assert_eq!(
            (report.messages, report.mismatches.len(), report.unindexed_records),
            (1, 0, 0),
            "{report:?}"
        );
    }

    /// A group read report up to a sequence on a file written before the messages sharing a
    /// sequence were listed (1cdb10c): the older of two has no sequence row. The mark is the
    /// newest message whose sequence is at or below the bound, not that one (found newer on the
    /// way from the newest).
    #[test]
    fn a_read_report_up_to_a_sequence_checks_messages_without_a_sequence_row() {
        let dir = tempfile::tempdir().unwrap();
        let g = ConvKey::group("g").unwrap();
        let with_seq = |id: &str, time: u64, seq: u64| import_at(&g, id, time, seq);
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let ops = vec![
                with_seq("g1", 1000, 1),
                with_seq("g2", 2000, 2),
                with_seq("g3", 3000, 3),
                with_seq("g4", 4000, 4),
                with_seq("g4-twin", 3500, 4),
            ];
            let results = store.execute(ops, 100, 100, false, Vec::new()).unwrap().results;
            assert!(results.iter().all(Result::is_ok), "{results:?}");
        }
        edit_file(dir.path(), |txn| {
            txn.open_table(MESSAGE_SEQ_SHARED).unwrap().retain(|_, _| false).unwrap();
        });
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(read_mark_after_reading_up_to(&store, &g, 3), Some(3000), "up to g3 (3), not g4-twin (4)");
    }

    /// A file of a build before 1cdb10c: the older of two messages sharing a sequence kept no
    /// sequence row once the newer one was deleted (also C2C rows, of schema 1). Opened, its
    /// rows are rebuilt from the log, and a read report up to that sequence, answered from the
    /// rows at or below it, marks that message read.
    #[test]
    fn the_sequence_rows_an_older_build_left_out_are_rebuilt_when_its_file_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let g = ConvKey::group("g").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let ops = [("a", 100, 1), ("b", 200, 5), ("c", 300, 5), ("d", 400, 9), ("e", 500, 10)]
                .map(|(id, time, seq)| import_at(&g, id, time, seq));
            let mut ops = ops.to_vec();
            ops.push(MsgOp::Delete { key: g.clone(), message: "c".into() });
            let results = store.execute(ops, 100, 100, false, Vec::new()).unwrap().results;
            assert!(results.iter().all(Result::is_ok), "{results:?}");
            store.fold_pending_rows().unwrap();
        }
        let rows = |dir: &Path| {
            let db = Database::create(user_store_path(dir, "alice")).unwrap();
            let txn = db.begin_read().unwrap();
            let seqs: Vec<(u8, String, u64)> = txn
                .open_table(MESSAGE_SEQS)
                .unwrap()
                .iter()
                .unwrap()
                .map(|r| {
                    let key = r.unwrap().0;
                    let (t, id, seq) = key.value();
                    (t, id.to_owned(), seq)
                })
                .collect();
            (seqs, txn.open_table(MESSAGE_SEQ_SHARED).unwrap().len().unwrap())
        };
        let whole = rows(dir.path());
        edit_file(dir.path(), |txn| {
            let mut seqs = txn.open_table(MESSAGE_SEQS).unwrap();
            assert!(seqs.remove((2, "g", 5)).unwrap().is_some());
            seqs.insert((1, "bob", 3), (1, 1)).unwrap();
        });
        write_version(dir.path(), 7);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(
            read_mark_after_reading_up_to(&store, &g, 5),
            Some(200),
            "read up to b (5), not only a (1)"
        );
        drop(store);
        assert_eq!(read_version(dir.path()), SCHEMA_VERSION);
        assert_eq!(rows(dir.path()), whole, "the rows as this build writes them, no C2C row");
    }

    /// The doctor checks a group's sequence rows against its messages (a read report up to a
    /// sequence reads them): a row lost, one naming the wrong message, a shared one too many
    /// are reported, and `--fix` writes them as an insert would have.
    #[test]
    fn the_doctor_checks_and_fixes_a_groups_sequence_rows() {
        let dir = tempfile::tempdir().unwrap();
        let g = ConvKey::group("g").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let ops = [("a", 100, 1), ("b", 200, 5), ("c", 300, 5), ("d", 400, 9)]
                .map(|(id, time, seq)| import_at(&g, id, time, seq))
                .to_vec();
            let results = store.execute(ops, 100, 100, false, Vec::new()).unwrap().results;
            assert!(results.iter().all(Result::is_ok), "{results:?}");
            assert!(doctor(&store, false).0.mismatches.is_empty(), "a healthy store checks clean");
        }
        edit_file(dir.path(), |txn| {
            let mut seqs = txn.open_table(MESSAGE_SEQS).unwrap();
            assert!(seqs.remove((2, "g", 1)).unwrap().is_some());
            let (time, uid) = seqs.get((2, "g", 9)).unwrap().unwrap().value();
            seqs.insert((2, "g", 9), (time, uid + 1)).unwrap();
            txn.open_table(MESSAGE_SEQ_SHARED).unwrap().insert((2, "g", 9, 1, 1), ()).unwrap();
        });
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (report, _) = doctor(&store, false);
        assert_eq!(
            report.mismatches,
            ["group_g: sequence rows: 2 missing and 1 wrong; shared sequences: 0 missing and 1 wrong"],
            "{report:?}"
        );
        assert_eq!(doctor(&store, true).0.mismatches.len(), 1);
        assert!(doctor(&store, false).0.mismatches.is_empty(), "fixed");
        assert_eq!(read_mark_after_reading_up_to(&store, &g, 1), Some(100), "sequence 1 found again");
    }

    /// A store file replaced by a rename (a salvage) between an open of its path and the lock:
    /// the file the open returns is the one now at the path, not the old one, which has no name
    /// any more (a login there acknowledged changes that were then lost), whether the old one
    /// is a store or a damaged file (the usual reason for a salvage: the open must not fail on
    /// it).
    #[test]
    fn an_open_that_finds_its_file_replaced_before_the_lock_opens_the_new_one() {
        const MARK: redb::TableDefinition<&str, ()> = redb::TableDefinition::new("mark");
        let write_store = |file: &Path, mark: &str| {
            let db = Database::create(file).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(MARK).unwrap().insert(mark, ()).unwrap();
            txn.commit().unwrap();
        };
        for old_is_damaged in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (path, new) = (dir.path().join("store.redb"), dir.path().join("new.redb"));
            if old_is_damaged {
                std::fs::write(&path, vec![0x5a; 8192]).unwrap();
            } else {
                write_store(&path, "old");
            }
            write_store(&new, "new");
            let renamed = std::sync::atomic::AtomicBool::new(false);
            let db = open_same_file(&Database::builder(), &path, || {
                if !renamed.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    std::fs::rename(&new, &path).unwrap();
                }
            })
            .unwrap_or_else(|e| panic!("the file now at the path was not opened ({old_is_damaged}): {e}"));
            let txn = db.begin_read().unwrap();
            let table = txn.open_table(MARK).unwrap();
            let marks: Vec<String> = table.iter().unwrap().map(|r| r.unwrap().0.value().to_owned()).collect();
            assert_eq!(marks, ["new"], "{old_is_damaged}");
        }
    }

    /// Clearing a history removes its messages' ID rows, but only those that name them: on a
    /// damaged file that lost an ID row, the ID may since name a copy in another conversation,
    /// which must stay findable. Both with the ID rows folded and still held in memory.
    #[test]
    fn clearing_a_history_leaves_an_id_row_that_names_another_conversations_copy() {
        for fold in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (bob, carol) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap());
            {
                let (store, _) = Store::open(dir.path(), "alice").unwrap();
                import(&store, &bob, &["m1", "m2"]).unwrap();
            }
            edit_file(dir.path(), |txn| {
                assert!(txn.open_table(MESSAGE_IDS).unwrap().remove("m1").unwrap().is_some());
            });
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            if fold {
                import(&store, &carol, &["m1"]).unwrap();
            } else {
                import_pending(&store, &carol, &["m1"]).unwrap();
            }
            let clear = MsgOp::Clear { key: bob.clone() };
            let cleared = store.execute(vec![clear], 100, 100, false, Vec::new()).unwrap().results;
            assert!(cleared[0].is_ok(), "{cleared:?}");
            let delete = MsgOp::Delete { key: carol.clone(), message: "m1".into() };
            let deleted = store.execute(vec![delete], 100, 100, false, Vec::new()).unwrap().results;
            assert!(deleted[0].is_ok(), "carol's m1 is still found by its ID (fold {fold}): {deleted:?}");
            let (report, _) = doctor(&store, false);
            assert_eq!((report.messages, report.mismatches.len()), (0, 0), "{report:?}");
        }
    }

    #[test]
    fn the_doctor_reports_log_records_no_conversation_indexes() {
        use crate::state::messages::Origin;
        use crate::store::ops::OpOutput;
        use tim_types::{Elem, Message};

        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("bob").unwrap();
        let messages = ["m1", "m2"].map(|id| {
            let mut msg = Message::from_elems(vec![Elem::text(id)]);
            msg.message_msg_id = Some(id.into());
            msg
        });
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let insert =
                MsgOp::Insert { key: key.clone(), messages: messages.to_vec(), origin: Origin::Imported };
            assert!(store.execute(vec![insert], 100, 1, false, Vec::new()).unwrap().results[0].is_ok());
            store.fold_pending_rows().unwrap();
        }
        {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            {
                let mut index = txn.open_table(MESSAGE_INDEX).unwrap();
                let first = index.first().unwrap().unwrap().0.value();
                index.remove(first).unwrap();
            }
            txn.commit().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let results =
            store.execute(vec![MsgOp::Doctor { fix: true }], 100, 10, false, Vec::new()).unwrap().results;
        let Ok(OpOutput::Report(report)) = &results[0] else { panic!("{results:?}") };
        assert_eq!((report.messages, report.unindexed_records), (1, 1), "{report:?}");
        assert!(report.mismatches.is_empty(), "not a mismatch --fix could correct: {report:?}");
    }

    /// Imports `ids` into `key`'s conversation (one message each), its index rows folded into
    /// the trees (where the tests that damage them by hand find them).
    fn import(store: &Store, key: &ConvKey, ids: &[&str]) -> Result<(), StoreError> {
        import_pending(store, key, ids)?;
        store.fold_pending_rows()?;
        Ok(())
    }

    /// The import of one text message into `key`'s conversation, with a server time and a
    /// sequence.
    fn import_at(key: &ConvKey, id: &str, time: u64, seq: u64) -> MsgOp {
        let mut op = import_op(key, &[id]);
        if let MsgOp::Insert { messages, .. } = &mut op {
            messages[0].message_server_time = Some(time);
            messages[0].message_seq = Some(seq);
        }
        op
    }

    /// The import of one text message per ID into `key`'s conversation.
    fn import_op(key: &ConvKey, ids: &[&str]) -> MsgOp {
        use tim_types::{Elem, Message};
        let messages = ids
            .iter()
            .map(|id| {
                let mut msg = Message::from_elems(vec![Elem::text(*id)]);
                msg.message_msg_id = Some((*id).into());
                msg
            })
            .collect();
        MsgOp::Insert { key: key.clone(), messages, origin: crate::state::messages::Origin::Imported }
    }

    /// As [`import`], the rows left pending (fewer than the 8 rows at which this crate's tests
    /// fold): a store then dropped is as after a crash.
    fn import_pending(store: &Store, key: &ConvKey, ids: &[&str]) -> Result<(), StoreError> {
        let outcome = store.execute(vec![import_op(key, ids)], 100, 100, false, Vec::new())?;
        assert!(outcome.results[0].is_ok(), "{:?}", outcome.results);
        Ok(())
    }

    /// Reads `key` (a group) up to sequence `seq`; the server time of its read mark after.
    fn read_mark_after_reading_up_to(store: &Store, key: &ConvKey, seq: u64) -> Option<u64> {
        let read = MsgOp::ReadUpTo { key: key.clone(), bound: crate::store::ops::ReadBound::Seq(seq) };
        let outcome = store.execute(vec![read], 100, 100, false, Vec::new()).unwrap();
        assert!(outcome.results[0].is_ok(), "{:?}", outcome.results);
        let conv = outcome.changed.iter().find(|(k, _)| k == key).and_then(|(_, c)| c.clone()).unwrap();
        conv.read_mark().map(|p| p.time)
    }

    fn doctor(store: &Store, fix: bool) -> (DoctorReport, usize) {
        use crate::store::ops::OpOutput;
        let outcome = store.execute(vec![MsgOp::Doctor { fix }], 100, 100, false, Vec::new()).unwrap();
        let Ok(OpOutput::Report(report)) = &outcome.results[0] else { panic!("{:?}", outcome.results) };
        (report.clone(), outcome.changed.len())
    }

    /// Overwrites the `nth` record of alice's message log (in uid order) with bytes that are
    /// not a record.
    fn garble_log_record(dir: &Path, nth: usize) {
        let db = Database::create(user_store_path(dir, "alice")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut log = txn.open_table(MESSAGE_LOG).unwrap();
            let uid = log.iter().unwrap().nth(nth).unwrap().unwrap().0.value();
            log.insert(uid, b"\x01garbage".as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }

    /// Removes conversation `id`'s pair from the number tables named.
    fn lose_number(dir: &Path, id: &str, by_key: bool, by_number: bool) {
        lose_number_of(dir, &ConvKey::c2c(id).unwrap(), by_key, by_number);
    }

    /// As [`lose_number`], of any conversation.
    fn lose_number_of(dir: &Path, key: &ConvKey, by_key: bool, by_number: bool) {
        let db = Database::create(user_store_path(dir, "alice")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut numbers = txn.open_table(CONVERSATION_NUMBERS).unwrap();
            let number = numbers.get(conv_row(key)).unwrap().unwrap().value();
            if by_key {
                numbers.remove(conv_row(key)).unwrap();
            }
            if by_number {
                txn.open_table(CONVERSATIONS_BY_NUMBER).unwrap().remove(number).unwrap();
            }
        }
        txn.commit().unwrap();
    }

    #[test]
    fn the_doctor_puts_a_lost_number_back_before_it_recounts() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, dave, carol) =
            (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap(), ConvKey::c2c("carol").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1", "b2"]).unwrap();
            import(&store, &dave, &["d1", "d2"]).unwrap();
        }
        // bob's pair lost from one table, dave's (the last number) from both, and dave's first
        // record unreadable: his second still names him.
        lose_number(dir.path(), "bob", true, false);
        lose_number(dir.path(), "dave", true, true);
        garble_log_record(dir.path(), 2);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert!(import(&store, &carol, &["c1"]).is_err(), "no number is given while the tables disagree");
        let (found, _) = doctor(&store, false);
        // Before the fix bob and dave have no number: not recounted (a recount would clear
        // their last messages), and the other lines say why.
        assert_eq!(
            found.mismatches,
            [
                "numbers: c2c_bob (number 0) missing from conversation_numbers",
                "numbers: number 1 of c2c_dave missing from both tables (named by its messages)",
                "c2c_bob: its messages have no conversation number (not recounted)",
                "c2c_dave: its messages have no conversation number (not recounted)",
            ],
            "{found:?}"
        );
        let (fixed, rewritten) = doctor(&store, true);
        assert_eq!(fixed.mismatches[..2], found.mismatches[..2]);
        assert_eq!(rewritten, 0, "the numbers came back first: no record looked empty: {fixed:?}");
        let (after, _) = doctor(&store, false);
        assert!(after.mismatches.is_empty() && after.damaged_numbers.is_empty(), "{after:?}");
        assert_eq!(after.unreadable_records.len(), 1, "dave's first: {after:?}");
        assert_eq!((after.messages, after.unindexed_records), (3, 0), "{after:?}");
        import(&store, &carol, &["c1"]).unwrap();
    }

    #[test]
    fn the_doctor_reports_an_unreadable_record_and_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, dave) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1", "b2", "b3"]).unwrap();
            import(&store, &dave, &["d1"]).unwrap();
        }
        // bob's last message (his conversation's last message: a recount without it would
        // differ).
        garble_log_record(dir.path(), 2);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        for fix in [false, true] {
            let (report, rewritten) = doctor(&store, fix);
            assert_eq!(report.unreadable_records.len(), 1, "{report:?}");
            assert!(report.unreadable_records[0].starts_with("c2c_bob@"), "{report:?}");
            assert_eq!(
                (report.messages, report.unindexed_records),
                (3, 0),
                "the others are read: {report:?}"
            );
            assert!(report.mismatches.is_empty(), "bob is not recounted: {report:?}");
            assert_eq!(rewritten, 0);
        }
    }

    #[test]
    fn a_number_lost_with_its_conversation_is_never_given_again() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, carol) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1"]).unwrap();
        }
        // bob's pair lost from both tables, and his message record lost too: nothing names
        // number 0's conversation any more, but the index still has a row under it.
        lose_number(dir.path(), "bob", true, true);
        {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(MESSAGE_LOG).unwrap().retain(|_, _| false).unwrap();
            txn.commit().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let refused = import(&store, &carol, &["c1"]).unwrap_err();
        assert!(refused.to_string().contains("would be given again"), "{refused}");
        let (fixed, _) = doctor(&store, true);
        assert!(
            fixed.mismatches.contains(
                &"numbers: number 0 missing from both tables (reserved: no messages name its conversation)"
                    .to_owned()
            ),
            "{fixed:?}"
        );
        import(&store, &carol, &["c1"]).unwrap();
        let (after, _) = doctor(&store, false);
        assert!(after.damaged_numbers.is_empty(), "{after:?}");
        assert_eq!(after.messages, 1, "carol's, not bob's lost row read as hers: {after:?}");
    }

    #[test]
    fn after_an_idle_fold_the_log_is_still_there_to_read() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let keys: Vec<ConvKey> = (0..6).map(|n| ConvKey::c2c(format!("peer{n}")).unwrap()).collect();
        for (n, key) in keys.iter().enumerate() {
            let batch = CommitBatch {
                conversations: vec![(key.clone(), Some(Conversation::new(key, n as u64 + 1)))],
                next_order_key: n as u64 + 2,
                groups: None,
                purged: BTreeSet::new(),
            };
            store.commit(&batch).unwrap();
        }
        let records = store.read_records(&keys).unwrap();
        // Six entries: worth an idle fold in this crate's tests (a quarter of 16 is 4).
        assert!(store.fold_recent_records_if_worth_it().unwrap());
        // With no write after the fold (which empties the log by deleting its table).
        assert_eq!(store.recent_record_entries().unwrap(), 0);
        assert_eq!(store.read_records(&keys).unwrap(), records);
    }

    #[test]
    fn a_failed_operation_leaves_no_pending_row_of_what_it_undid() {
        let dir = tempfile::tempdir().unwrap();
        let (ann, bob, carol) =
            (ConvKey::c2c("ann").unwrap(), ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &ann, &["a1"]).unwrap();
            import(&store, &bob, &["b1"]).unwrap();
        }
        // Bob's number (the last) lost from both tables: the next number would be his again,
        // and is refused.
        lose_number(dir.path(), "bob", true, true);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        // Ann's message gets its rows pending, then carol's refusal fails the whole operation.
        let failed = store.execute(
            vec![import_op(&ann, &["a2"]), import_op(&carol, &["c1"])],
            100,
            100,
            false,
            Vec::new(),
        );
        assert!(failed.is_err());
        assert_eq!(history_of(&store, &ann), ["a1"], "a2 was never stored: no row of it is read");
        import_pending(&store, &ann, &["a2"]).unwrap();
    }

    /// A conversation's history, oldest first, by message ID.
    fn history_of(store: &Store, key: &ConvKey) -> Vec<String> {
        use crate::store::ops::{HistoryQuery, OpOutput};
        let read = MsgOp::History { key: key.clone(), query: HistoryQuery::default() };
        let results = store.execute(vec![read], 100, 100, false, Vec::new()).unwrap().results;
        let Ok(OpOutput::Messages(found)) = &results[0] else { panic!("{results:?}") };
        found.iter().rev().filter_map(|m| m.message_msg_id.clone()).collect()
    }

    #[test]
    fn a_number_lost_with_rows_never_written_is_given_anew_by_the_doctor() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, dave, carol) =
            (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap(), ConvKey::c2c("carol").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1", "b2"]).unwrap();
            import_pending(&store, &dave, &["d1", "d2"]).unwrap();
        }
        // Dave's pair lost from both tables while his rows were only in memory: nothing in the
        // file names his number.
        lose_number(dir.path(), "dave", true, true);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (found, _) = doctor(&store, false);
        assert!(
            found
                .mismatches
                .contains(&"c2c_dave: its messages have no conversation number (not recounted)".into()),
            "{found:?}"
        );
        assert_eq!(found.unindexed_records, 2, "{found:?}");
        // The number nothing holds now is free to give (no rows anywhere under it).
        import(&store, &carol, &["c1"]).unwrap();
        store.fold_pending_rows().unwrap();
        let (fixed, rewritten) = doctor(&store, true);
        assert_eq!(rewritten, 0, "dave's record was right all along: {fixed:?}");
        assert_eq!(history_of(&store, &dave), ["d1", "d2"]);
        let (after, _) = doctor(&store, false);
        assert!(after.mismatches.is_empty(), "{after:?}");
        assert_eq!((after.messages, after.unindexed_records), (5, 0), "{after:?}");
    }

    #[test]
    fn a_pair_lost_from_one_table_with_rows_pending_is_put_back_before_the_recount() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, dave) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1", "b2"]).unwrap();
            import_pending(&store, &dave, &["d1", "d2"]).unwrap();
        }
        lose_number(dir.path(), "dave", true, false);
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let (found, _) = doctor(&store, false);
            assert_eq!(found.unindexed_records, 2, "{found:?}");
            // A close folds the others' rows: the mark stays before dave's records.
            import_pending(&store, &bob, &["b3"]).unwrap();
            store.fold_pending_rows().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (fixed, rewritten) = doctor(&store, true);
        assert_eq!(rewritten, 0, "dave's messages were found, not recounted away: {fixed:?}");
        assert_eq!(history_of(&store, &dave), ["d1", "d2"]);
        store.fold_pending_rows().unwrap();
        drop(store);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (after, _) = doctor(&store, false);
        assert!(after.mismatches.is_empty(), "{after:?}");
        assert_eq!((after.messages, after.unindexed_records), (5, 0), "{after:?}");
    }

    #[test]
    fn an_unreadable_record_that_was_pending_is_reported_and_its_conversation_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (bob, dave) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap());
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import_pending(&store, &bob, &["b1", "b2", "b3"]).unwrap();
            import_pending(&store, &dave, &["d1"]).unwrap();
        }
        // Bob's last message.
        garble_log_record(dir.path(), 2);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        for fix in [false, true] {
            let (report, rewritten) = doctor(&store, fix);
            assert_eq!(report.unreadable_records.len(), 1, "{report:?}");
            let line = &report.unreadable_records[0];
            assert!(line.starts_with("c2c_bob@100/3: ") && line.ends_with("(not indexed)"), "{report:?}");
            assert_eq!((report.messages, report.unindexed_records), (3, 0), "{report:?}");
            assert!(report.mismatches.is_empty(), "bob is not recounted: {report:?}");
            assert_eq!(rewritten, 0);
        }
        // A fold takes the mark past it (nothing could ever index it): reported all the same.
        store.fold_pending_rows().unwrap();
        drop(store);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (after, _) = doctor(&store, false);
        assert_eq!((after.unreadable_records.len(), after.unindexed_records), (1, 0), "{after:?}");
    }

    /// Bob's b1 and b2 folded; dave's d1 (time 1000) and d2 (time 2000) left pending, then his
    /// pair lost from both tables (dave held the last number), as by a crash and damage.
    fn dave_stranded(dir: &Path) -> (ConvKey, ConvKey) {
        let (bob, dave) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap());
        {
            let (store, _) = Store::open(dir, "alice").unwrap();
            import(&store, &bob, &["b1", "b2"]).unwrap();
            let mut op = import_op(&dave, &["d1", "d2"]);
            if let MsgOp::Insert { messages, .. } = &mut op {
                messages[0].message_server_time = Some(1000);
                messages[1].message_server_time = Some(2000);
            }
            assert!(store.execute(vec![op], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
        }
        lose_number(dir, "dave", true, true);
        (bob, dave)
    }

    #[test]
    fn a_message_stored_in_a_conversation_with_stranded_records_indexes_them() {
        let dir = tempfile::tempdir().unwrap();
        let (_, dave) = dave_stranded(dir.path());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert!(history_of(&store, &dave).is_empty(), "stranded: no number, no rows");
        // Its IDs are taken all the same: not stored twice.
        let mut again = import_op(&dave, &["d2", "d3"]);
        if let MsgOp::Insert { messages, .. } = &mut again {
            messages[0].message_server_time = Some(3000);
            messages[1].message_server_time = Some(500);
        }
        assert!(store.execute(vec![again], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
        assert_eq!(history_of(&store, &dave), ["d3", "d1", "d2"], "d1 and d2 indexed under his new number");
        let (report, rewritten) = doctor(&store, true);
        assert!(report.mismatches.is_empty() && report.unreadable_records.is_empty(), "{report:?}");
        assert_eq!((report.messages, report.unindexed_records, rewritten), (5, 0, 0), "{report:?}");
        drop(store);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history_of(&store, &dave), ["d3", "d1", "d2"]);
    }

    #[test]
    fn deleting_a_conversation_takes_its_stranded_records_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let (_, dave) = dave_stranded(dir.path());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert!(history_of(&store, &dave).is_empty());
        let purge = CommitBatch {
            conversations: vec![(dave.clone(), None)],
            next_order_key: 100,
            groups: None,
            purged: BTreeSet::from([dave.clone()]),
        };
        store.commit(&purge).unwrap();
        import(&store, &dave, &["d3"]).unwrap();
        assert_eq!(history_of(&store, &dave), ["d3"]);
        drop(store);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history_of(&store, &dave), ["d3"], "d1 and d2 did not come back");
        let (report, _) = doctor(&store, false);
        assert_eq!((report.messages, report.unindexed_records), (3, 0), "{report:?}");
    }

    #[test]
    fn the_doctor_reserves_a_number_with_foreign_rows_and_gives_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let (_, dave) = dave_stranded(dir.path());
        // A row under dave's old number (1, the next to give) that no record backs.
        {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(MESSAGE_INDEX).unwrap().insert((1, 5, 99), ()).unwrap();
            txn.commit().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        // Without the doctor, no number is given where the index has rows.
        {
            let txn = store.db.begin_write().unwrap();
            let mut tables = MessageTables::open(&txn, Default::default(), None).unwrap();
            assert_eq!(tables.stranded().len(), 2);
            assert_eq!(tables.number_stranded(|_| true).unwrap(), 0, "number 1 has a row under it");
        }
        let (fixed, _) = doctor(&store, true);
        assert!(fixed.mismatches.iter().any(|m| m.contains("number 1")), "reserved: {fixed:?}");
        assert_eq!(history_of(&store, &dave), ["d1", "d2"], "under a fresh number");
    }

    #[test]
    fn clearing_a_group_with_stranded_records_leaves_no_sequence_row() {
        use crate::store::ops::{HistoryQuery, OpOutput};
        let dir = tempfile::tempdir().unwrap();
        let (bob, g) = (ConvKey::c2c("bob").unwrap(), ConvKey::group("g").unwrap());
        let with_seq = |id: &str, time: u64, seq: u64| import_at(&g, id, time, seq);
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1"]).unwrap();
            let ops = vec![with_seq("g1", 1000, 1), with_seq("g2", 2000, 2)];
            assert!(
                store.execute(ops, 100, 100, false, Vec::new()).unwrap().results.iter().all(Result::is_ok)
            );
        }
        lose_number_of(dir.path(), &g, true, true);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert!(store.execute(vec![MsgOp::Clear { key: g.clone() }], 100, 100, false, Vec::new()).is_ok());
        {
            let txn = store.db.begin_read().unwrap();
            assert_eq!(
                txn.open_table(MESSAGE_SEQS).unwrap().len().unwrap(),
                0,
                "g2's and g1's rows went with them"
            );
        }
        assert!(store.execute(vec![with_seq("x2", 500, 2)], 100, 100, false, Vec::new()).is_ok());
        let by_seq = MsgOp::History {
            key: g.clone(),
            query: HistoryQuery { seqs: Some(vec![2]), ..HistoryQuery::default() },
        };
        let results = store.execute(vec![by_seq], 100, 100, false, Vec::new()).unwrap().results;
        let Ok(OpOutput::Messages(found)) = &results[0] else { panic!("{results:?}") };
        let ids: Vec<_> = found.iter().filter_map(|m| m.message_msg_id.as_deref()).collect();
        assert_eq!(ids, ["x2"], "found by its sequence");
    }

    #[test]
    fn a_stranded_message_is_no_read_bound_but_its_id_is_taken() {
        use crate::store::ops::ReadBound;
        let dir = tempfile::tempdir().unwrap();
        let (_, dave) = dave_stranded(dir.path());
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let read = MsgOp::ReadUpTo { key: dave.clone(), bound: ReadBound::Message("d1".into()) };
        let outcome = store.execute(vec![read], 100, 100, false, Vec::new()).unwrap();
        assert!(outcome.results[0].is_err(), "in no history: {:?}", outcome.results);
        assert!(outcome.changed.is_empty(), "no unread count moved");
        let delete = MsgOp::Delete { key: dave.clone(), message: "d1".into() };
        assert!(store.execute(vec![delete], 100, 100, false, Vec::new()).unwrap().results[0].is_err());
        import(&store, &dave, &["d1", "d3"]).unwrap();
        assert_eq!(history_of(&store, &dave), ["d3", "d1", "d2"], "d1 once: the stored one, indexed again");
    }

    #[test]
    fn a_mark_that_does_not_read_is_written_again_at_close() {
        let dir = tempfile::tempdir().unwrap();
        let bob = ConvKey::c2c("bob").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1", "b2"]).unwrap();
        }
        {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(META).unwrap().insert(META_INDEXED_BELOW, [1u8, 2, 3].as_slice()).unwrap();
            txn.commit().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        assert_eq!(history_of(&store, &bob), ["b1", "b2"]);
        assert!(store.fold_pending_rows().unwrap(), "the mark is written again");
        let txn = store.db.begin_read().unwrap();
        let meta = txn.open_table(META).unwrap();
        assert_eq!(meta.get(META_INDEXED_BELOW).unwrap().unwrap().value().len(), 8);
    }

    #[test]
    fn a_record_whose_rows_were_folded_and_then_damaged_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let bob = ConvKey::c2c("bob").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            import(&store, &bob, &["b1", "b2", "b3"]).unwrap();
        }
        garble_log_record(dir.path(), 1);
        // Without the mark the whole log is read again: the damaged record is in the index.
        {
            let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
            let txn = db.begin_write().unwrap();
            txn.open_table(META).unwrap().remove(META_INDEXED_BELOW).unwrap();
            txn.commit().unwrap();
        }
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let (report, _) = doctor(&store, false);
        assert_eq!(report.unreadable_records.len(), 1, "{report:?}");
        assert!(report.unreadable_records[0].starts_with("c2c_bob@100/2: "), "{report:?}");
        assert_eq!((report.messages, report.unindexed_records), (2, 0), "{report:?}");
    }

    #[test]
    fn users_do_not_share_files() {
        let dir = tempfile::tempdir().unwrap();
        let key = ConvKey::c2c("x").unwrap();
        {
            let (store, _) = Store::open(dir.path(), "a/b").unwrap();
            commit_one(&store, &key, 1);
        }
        let (_store, loaded) = Store::open(dir.path(), "a_b").unwrap();
        assert!(loaded.conversations.is_empty());
    }
}
