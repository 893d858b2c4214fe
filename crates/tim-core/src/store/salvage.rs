//! Salvage: a new store made of what still reads in a damaged one, put in its place, the damaged
//! file's bytes kept aside.
//!
//! Why: a store that redb refuses, or whose conversation records do not all decode, fails every
//! login of its user for good. Other IM SDKs answer "recreate the database"; here the store is
//! the only copy of the user's data. The doctor (`ops.rs`) corrects counts in a file that reads;
//! this takes over where a file does not.
//!
//! How, in order (each step leaves the user's file usable or untouched):
//! 1. The file is opened read-only (redb's shared lock keeps apps from writing it; an app that
//!    has it open makes the salvage refuse, before anything is copied), then copied to
//!    `<file>.damaged-<unix seconds>` and flushed. A file that needs redb's repair (left by a
//!    crash), or that redb cannot open, is locked by us instead and copied, and a second copy is
//!    opened for writing, which repairs that copy; one redb cannot open at all gives an empty
//!    store. The user's file is never written: only replaced in step 5.
//! 2. The owner and schema are checked: another user's file or a newer build's is not damage,
//!    and is refused, the copy removed (so is any failure before step 5).
//! 3. A new store is set up in a folder of its own beside the file and filled with what reads:
//!    every conversation record that decodes (the recent records over the rows they override),
//!    the conversation groups, and every message of the log that decodes, under its own uid
//!    (so read marks still point where they did), each stored as a new message is: its
//!    conversation numbered, its index, ID and sequence rows made (but for the messages of
//!    long histories deleted or cleared and not yet removed, found by their retired number's
//!    index rows: left out). A table whose reading stops at
//!    damage is read again from its other end; a row on which redb panics is lost alone. New
//!    messages are numbered past every uid the old file used (one deleted may be behind a read
//!    mark). A conversation whose messages survive its record gets a new one, its messages taken
//!    as read (what was read is lost with the record).
//! 4. The doctor's fix recounts every conversation from the messages kept (`ops.rs`).
//! 5. The new file is flushed and renamed over the damaged one; only then is the damaged file
//!    closed (and unlocked). A crash before the rename leaves the damaged file in place, its copy and a folder
//!    `.salvage-*` beside it; salvaging again starts over (and removes the folder).
//!
//! Messages of a file older than schema 4 (`MESSAGES_BEFORE_V4`) are not read.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use redb::{
    Database, DatabaseError, Key, ReadOnlyDatabase, ReadOnlyTable, ReadableDatabase, ReadableTable,
    TableDefinition, TableHandle, Value,
};

use super::messages::MessageTables;
use super::numbers::NumberCache;
use super::ops::{DoctorReport, MsgOp, OpOutput};
use super::path::user_store_path;
use super::pending::PendingRows;
use super::redb_store::{CACHE_BYTES, Store, StoreError, read_u64};
use super::schema::*;
use super::{contained, recent, record};
use crate::clock::{unix_nanos, unix_now};
use crate::ids::ConvKey;
use crate::state::Conversation;
use crate::state::messages::{MessageRecord, MsgPos};

/// Messages written per transaction of the new store (their index rows are folded at its end).
const MESSAGES_PER_COMMIT: usize = 20_000;

/// The name of the folder a salvage sets the new store up in, beside the damaged file.
const WORK_PREFIX: &str = ".salvage-";

/// What a salvage kept and lost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SalvageReport {
    /// Where the damaged file's bytes were kept, as they were before the salvage.
    pub damaged_copy: PathBuf,
    /// Why redb could not open the damaged file at all, if it could not (nothing was read: the
    /// new store is empty).
    pub unopenable: Option<String>,
    /// Conversation records kept.
    pub conversations: u64,
    /// Conversations whose record was lost but some of whose messages were kept: made again,
    /// with their messages taken as read.
    pub conversations_remade: u64,
    /// Conversation records (rows or recent entries) that did not read.
    pub records_lost: u64,
    /// Messages kept.
    pub messages: u64,
    /// Message records that did not read, or named no conversation or another uid.
    pub messages_lost: u64,
    /// Message records whose ID an earlier kept one had (a second copy): left out.
    pub duplicate_messages: u64,
    /// Tables whose reading stopped at damage, and what was read of them (`<table>: ...`); rows
    /// between the two ends that read are lost.
    pub cut_short: Vec<String>,
    /// Whether the conversation groups' list did not read (made again from the records).
    pub groups_lost: bool,
    /// The doctor's recount of the new store, with its fix.
    pub doctor: DoctorReport,
}

/// Salvages the store of `user_id` under `data_dir` (see the module docs). Fails, changing
/// nothing, when there is no store, when it is open (in this process or another), or when it
/// names another owner or a newer schema (which are not damage).
pub fn salvage(data_dir: &Path, user_id: &str) -> Result<SalvageReport, StoreError> {
    let path = user_store_path(data_dir, user_id);
    let folder = path.parent().unwrap_or(data_dir).to_owned();
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::Io { path, source }
    };
    if !path.is_file() {
        let missing = std::io::Error::new(std::io::ErrorKind::NotFound, "no store to salvage");
        return Err(StoreError::Io { path, source: missing });
    }
    // One salvage at a time in the folder: redb's read-only lock below is shared, and two
    // salvages of one store would each rename a new file into place, the second over one an app
    // may have opened meanwhile.
    let folder_handle = File::open(&folder).map_err(io(&folder))?;
    if let Err(std::fs::TryLockError::WouldBlock) = folder_handle.try_lock() {
        let busy =
            std::io::Error::new(std::io::ErrorKind::WouldBlock, "another salvage is running in this folder");
        return Err(StoreError::Io { path: folder, source: busy });
    }
    // So every work folder here is one a salvage left when it was killed: removed.
    if let Ok(entries) = std::fs::read_dir(&folder) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(WORK_PREFIX) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let work = folder.join(format!("{WORK_PREFIX}{}-{}", std::process::id(), unix_nanos()));
    // Read-only first, which changes nothing, and holds redb's shared lock: no app writes the
    // file while it is copied and read. A file that needs redb's repair (left by a crash) is
    // locked by us and copied, and the copy repaired in a file of its own: the user's file is
    // never written, only replaced at the end.
    let read_only = contained(|| Ok(builder().open_read_only(&path).map(Damaged::ReadOnly)));
    let (old, damaged_copy, unopenable, _lock) = match read_only {
        Ok(Ok(db)) => (Some(db), copy_aside(&path).map_err(io(&path))?, None, None),
        Ok(Err(DatabaseError::DatabaseAlreadyOpen)) => return Err(StoreError::AlreadyOpen(path)),
        _ => {
            // Held until the new file is in place, as redb's lock is: no app opens the damaged
            // file meanwhile.
            let held = lock(&path)?;
            let damaged_copy = copy_aside(&path).map_err(io(&path))?;
            let repairing = work.join("damaged.redb");
            let copied =
                std::fs::create_dir_all(&work).and_then(|()| std::fs::copy(&damaged_copy, &repairing));
            if let Err(e) = copied {
                let _ = std::fs::remove_dir_all(&work);
                let _ = std::fs::remove_file(&damaged_copy);
                return Err(StoreError::Io { path: repairing, source: e });
            }
            match contained(|| Ok(builder().open(&repairing).map(Damaged::Repaired))) {
                Ok(Ok(db)) => (Some(db), damaged_copy, None, Some(held)),
                Ok(Err(e)) => (None, damaged_copy, Some(e.to_string()), Some(held)),
                Err(panicked) => (None, damaged_copy, Some(panicked.to_string()), Some(held)),
            }
        }
    };
    let mut report = SalvageReport { damaged_copy: damaged_copy.clone(), unopenable, ..Default::default() };
    let new_path = user_store_path(&work, user_id);
    let made = build(old.as_ref(), &work, user_id, &mut report)
        .and_then(|()| File::open(&new_path).and_then(|f| f.sync_all()).map_err(io(&new_path)))
        .and_then(|()| std::fs::rename(&new_path, &path).map_err(io(&path)));
    // Closing the damaged file (or its repaired copy) may assert on its damage.
    let _ = contained(|| {
        drop(old);
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&work);
    if let Err(e) = made {
        // The user's file is as it was: no copy is left either.
        let _ = std::fs::remove_file(&damaged_copy);
        return Err(e);
    }
    // From here on the copy is the only one of the damaged bytes: kept whatever happens.
    folder_handle.sync_all().map_err(io(&folder))?;
    Ok(report)
}

/// The damaged file, as redb opened it.
enum Damaged {
    /// Read-only: nothing written to it.
    ReadOnly(ReadOnlyDatabase),
    /// A copy of it, opened for writing, which repaired the copy (the file needed that).
    Repaired(Database),
}

impl Damaged {
    fn begin_read(&self) -> Result<redb::ReadTransaction, redb::TransactionError> {
        match self {
            Damaged::ReadOnly(db) => db.begin_read(),
            Damaged::Repaired(db) => db.begin_read(),
        }
    }
}

/// Copies the file to `<file>.damaged-<unix seconds>` (a free name) and flushes the copy.
fn copy_aside(path: &Path) -> std::io::Result<PathBuf> {
    let secs = unix_now();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut aside = path.with_file_name(format!("{name}.damaged-{secs}"));
    let mut n = 1;
    while aside.exists() {
        aside = path.with_file_name(format!("{name}.damaged-{secs}-{n}"));
        n += 1;
    }
    let copied = std::fs::copy(path, &aside).and_then(|_| File::open(&aside)?.sync_all()).and_then(|()| {
        let folder = aside.parent().unwrap_or(Path::new("."));
        File::open(folder)?.sync_all()
    });
    match copied {
        Ok(()) => Ok(aside),
        Err(e) => {
            // A disk that filled up mid-copy: no partial copy left behind.
            let _ = std::fs::remove_file(&aside);
            Err(e)
        }
    }
}

/// How the damaged file is opened: with the store's cache size.
fn builder() -> redb::Builder {
    let mut builder = Database::builder();
    builder.set_cache_size(CACHE_BYTES);
    builder
}

/// Takes the lock redb takes on a store file, for a file redb cannot open.
fn lock(path: &Path) -> Result<File, StoreError> {
    let file = File::open(path).map_err(|source| StoreError::Io { path: path.to_owned(), source })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::AlreadyOpen(path.to_owned())),
        // A file system without locks: as redb, no lock.
        Err(std::fs::TryLockError::Error(_)) => Ok(file),
    }
}

/// Sets up the new store under `work` and fills it from `old` (nothing if `None`).
fn build(
    old: Option<&Damaged>,
    work: &Path,
    user_id: &str,
    report: &mut SalvageReport,
) -> Result<(), StoreError> {
    let store = Store::open_file(work, user_id)?;
    if let Some(old) = old {
        contained(|| copy(old, &store, user_id, report))?;
    }
    drop(store);
    let (store, loaded) = Store::open(work, user_id)?;
    let now = unix_now();
    let outcome =
        store.execute(vec![MsgOp::Doctor { fix: true }], now, loaded.next_order_key, false, Vec::new())?;
    if let Some(Ok(OpOutput::Report(doctor))) = outcome.results.into_iter().next() {
        report.doctor = doctor;
    }
    store.fold_pending_rows()?;
    Ok(())
}

/// Copies what reads of `old` into the new, empty `store`.
fn copy(old: &Damaged, store: &Store, user_id: &str, report: &mut SalvageReport) -> Result<(), StoreError> {
    let txn = old.begin_read().map_err(redb::Error::from)?;
    // Meta: not damage but another owner's file or a newer build's, which are refused.
    let mut next_order_key = 1;
    let mut groups = None;
    // The message counter and index mark: a new message must not take the uid of one deleted
    // (or lost), which read marks may have passed.
    let mut least_uid = 1u64;
    if let Some(meta) = open(&txn, META, report) {
        // `Err` when the row does not read (a damaged page may make redb panic).
        let value = |key: &str| match caught(|| meta.get(key).map(|v| v.map(|v| v.value().to_vec()))) {
            Ok(Ok(found)) => Ok(found),
            _ => Err(()),
        };
        if let Ok(Some(found)) = value(META_SCHEMA_VERSION).map(|v| v.map(|v| read_u64(&v)))
            && found > SCHEMA_VERSION
        {
            return Err(StoreError::NewerSchema { found });
        }
        if let Ok(Some(owner)) = value(META_USER_ID)
            && owner != user_id.as_bytes()
        {
            return Err(StoreError::WrongOwner);
        }
        next_order_key = value(META_NEXT_ORDER_KEY).ok().flatten().map_or(1, |v| read_u64(&v));
        for key in [META_NEXT_MSG_UID, META_INDEXED_BELOW] {
            if let Ok(Some(v)) = value(key) {
                least_uid = least_uid.max(plausible_uid(read_u64(&v)));
            }
        }
        groups = match value(META_CONV_GROUPS) {
            Ok(Some(bytes)) => serde_json::from_slice::<Vec<String>>(&bytes).ok(),
            Ok(None) => Some(Vec::new()),
            Err(()) => None,
        };
    }
    report.groups_lost = groups.is_none();

    // The records: the rows, then the recent entries over them, oldest first.
    let mut records: BTreeMap<ConvKey, Conversation> = BTreeMap::new();
    if let Some(rows) = open(&txn, CONVERSATIONS, report) {
        each_row(
            &rows,
            "conversations",
            report,
            |k| (k.0, k.1.to_owned()),
            |report| report.records_lost += 1,
            |(t, id), value, report| match recent::conv_key(t, &id)
                .and_then(|key| recent::decode(&key, value).map(|conv| (key, conv)))
            {
                Ok((key, conv)) => {
                    records.insert(key, conv);
                }
                Err(_) => report.records_lost += 1,
            },
        );
    }
    if let Some(log) = open(&txn, RECENT_RECORDS, report) {
        each_row(
            &log,
            "recent_records",
            report,
            |k| k,
            |report| report.records_lost += 1,
            |_, (t, id, bytes), report| {
                let Ok(key) = recent::conv_key(t, id) else {
                    report.records_lost += 1;
                    return;
                };
                if bytes.is_empty() {
                    records.remove(&key);
                    return;
                }
                match recent::decode(&key, bytes) {
                    Ok(conv) => {
                        records.insert(key, conv);
                    }
                    // The row it overrode, if any, is the best left of that conversation.
                    Err(_) => report.records_lost += 1,
                }
            },
        );
    }

    // The messages of deleted or cleared histories not removed yet: left out (their
    // conversation's number was retired, `numbers.rs`). As far as the number and index tables
    // read: where they do not, such messages come back (with their conversation, as read).
    let retired = retired_uids(&txn, report);

    // The messages, in uid order, in transactions of their own.
    let mut newest: BTreeMap<ConvKey, (MsgPos, u64)> = BTreeMap::new();
    let mut numbers = NumberCache::new();
    let mut pending = PendingRows::default();
    let mut chunk: Vec<(ConvKey, MessageRecord, Vec<u8>)> = Vec::with_capacity(MESSAGES_PER_COMMIT);
    let mut failed = None;
    if let Some(log) = open(&txn, MESSAGE_LOG, report) {
        each_row(
            &log,
            "message_log",
            report,
            |k| k,
            |report| report.messages_lost += 1,
            |uid, bytes, report| {
                if failed.is_some() || retired.contains(&uid) {
                    return;
                }
                let Some((key, rec)) = readable_message(uid, bytes) else {
                    report.messages_lost += 1;
                    return;
                };
                chunk.push((key, rec, bytes.to_vec()));
                if chunk.len() == MESSAGES_PER_COMMIT
                    && let Err(e) =
                        write_messages(store, &mut chunk, &mut numbers, &mut pending, &mut newest, report)
                {
                    failed = Some(e);
                }
            },
        );
    }
    if let Some(e) = failed {
        return Err(e);
    }
    write_messages(store, &mut chunk, &mut numbers, &mut pending, &mut newest, report)?;

    // Past every message a kept record names (a read mark may lie past a lost one), as far as
    // a number can be one (a read up to a time of an older build marks `u64::MAX`).
    for conv in records.values() {
        for pos in [conv.read_mark(), conv.last_pos(), conv.newest()].into_iter().flatten() {
            least_uid = least_uid.max(plausible_uid(pos.uid.saturating_add(1)));
        }
    }

    // Conversations whose messages outlived their record: made again, their messages read.
    let mut remade: Vec<(ConvKey, MsgPos, u64)> = newest
        .into_iter()
        .filter(|(key, _)| !records.contains_key(key))
        .map(|(key, (pos, seq))| (key, pos, seq))
        .collect();
    remade.sort_by_key(|(_, pos, _)| *pos);
    next_order_key =
        next_order_key.max(records.values().map(|c| c.order_key.saturating_add(1)).max().unwrap_or(1));
    for (key, pos, max_seq) in remade {
        let mut conv = Conversation::new(&key, next_order_key);
        next_order_key = next_order_key.saturating_add(1);
        conv.set_read_mark(Some(pos));
        conv.read_seq = max_seq;
        conv.max_seq = max_seq;
        records.insert(key, conv);
        report.conversations_remade += 1;
    }
    report.conversations = records.len() as u64 - report.conversations_remade;
    let mut groups = groups.unwrap_or_default();
    let named: BTreeSet<&String> = records.values().flat_map(|c| c.extras().groups.iter()).collect();
    for name in named {
        if !groups.contains(name) {
            groups.push(name.clone());
        }
    }

    let txn = store.db.begin_write()?;
    {
        let mut table = txn.open_table(CONVERSATIONS)?;
        for (key, conv) in &records {
            table.insert(conv_row(key), record::encode(conv).as_slice())?;
        }
        let mut meta = txn.open_table(META)?;
        meta.insert(META_NEXT_ORDER_KEY, next_order_key.to_le_bytes().as_slice())?;
        let counter = meta.get(META_NEXT_MSG_UID)?.map_or(1, |v| read_u64(v.value()));
        meta.insert(META_NEXT_MSG_UID, counter.max(least_uid).to_le_bytes().as_slice())?;
        let bytes = serde_json::to_vec(&groups)
            .map_err(|e| StoreError::Corrupt { key: META_CONV_GROUPS.into(), detail: e.to_string() })?;
        meta.insert(META_CONV_GROUPS, bytes.as_slice())?;
    }
    txn.commit()?;
    Ok(())
}

/// The uids of the messages indexed under retired conversation numbers, as far as the tables
/// read.
fn retired_uids(txn: &redb::ReadTransaction, report: &mut SalvageReport) -> std::collections::HashSet<u64> {
    let mut uids = std::collections::HashSet::new();
    let (Some(numbers), Some(index)) =
        (open(txn, CONVERSATION_NUMBERS, report), open(txn, MESSAGE_INDEX, report))
    else {
        return uids;
    };
    let retired = super::numbers::RETIRED_TYPE;
    let mut retired_numbers = Vec::new();
    let _ = caught(|| -> Result<(), redb::StorageError> {
        for row in numbers.range((retired, "")..(retired.saturating_add(1), ""))? {
            retired_numbers.push(row?.1.value());
        }
        Ok(())
    });
    for number in retired_numbers {
        let _ = caught(|| -> Result<(), redb::StorageError> {
            for row in index.range((number, 0, 0)..=(number, u64::MAX, u64::MAX))? {
                uids.insert(row?.0.value().2);
            }
            Ok(())
        });
    }
    uids
}

/// `uid` if a store could have reached it, else 1: a damaged counter or key near `u64::MAX` would
/// leave a store that takes no message (its counter exhausted), and no store numbers 2^62.
fn plausible_uid(uid: u64) -> u64 {
    if uid < 1 << 62 { uid } else { 1 }
}

/// The message record at `uid`, if it decodes, names a valid conversation and is at that uid.
fn readable_message(uid: u64, bytes: &[u8]) -> Option<(ConvKey, MessageRecord)> {
    let rec = super::messages::decode(bytes, String::new).ok()?;
    if rec.pos.uid != uid || rec.msg_id().is_empty() {
        return None;
    }
    let key = ConvKey::existing(rec.msg.message_conv_type?, rec.msg.message_conv_id.as_deref()?).ok()?;
    Some((key, rec))
}

/// Stores `chunk` (emptied) in the new store in one transaction, as new messages are stored,
/// and folds their index rows; a message whose ID a kept one has is left out.
fn write_messages(
    store: &Store,
    chunk: &mut Vec<(ConvKey, MessageRecord, Vec<u8>)>,
    numbers: &mut NumberCache,
    pending: &mut PendingRows,
    newest: &mut BTreeMap<ConvKey, (MsgPos, u64)>,
    report: &mut SalvageReport,
) -> Result<(), StoreError> {
    let Some(last_uid) = chunk.last().map(|(_, rec, _)| rec.pos.uid) else { return Ok(()) };
    let txn = store.db.begin_write()?;
    {
        let mut tables = MessageTables::open(&txn, std::mem::take(numbers), Some(std::mem::take(pending)))?;
        for (key, rec, bytes) in chunk.drain(..) {
            if tables.id_taken(rec.msg_id())? {
                report.duplicate_messages += 1;
                continue;
            }
            tables.insert(&key, &rec, &bytes)?;
            report.messages += 1;
            let seen = newest.entry(key).or_insert((rec.pos, 0));
            seen.0 = seen.0.max(rec.pos);
            seen.1 = seen.1.max(rec.seq());
        }
        let next_uid = last_uid.saturating_add(1);
        let mut meta = txn.open_table(META)?;
        meta.insert(META_NEXT_MSG_UID, next_uid.to_le_bytes().as_slice())?;
        tables.fold_pending(&mut meta, next_uid)?;
        let (known, rows) = tables.into_parts();
        *numbers = known;
        *pending = rows;
    }
    txn.commit()?;
    *pending = std::mem::take(pending).settled();
    Ok(())
}

/// Opens a table of the damaged file; one that does not open is noted and read as empty.
fn open<K: Key + 'static, V: Value + 'static>(
    txn: &redb::ReadTransaction,
    table: TableDefinition<K, V>,
    report: &mut SalvageReport,
) -> Option<ReadOnlyTable<K, V>> {
    match caught(|| txn.open_table(table)) {
        Ok(Ok(opened)) => Some(opened),
        Ok(Err(redb::TableError::TableDoesNotExist(_))) => None,
        Ok(Err(e)) => {
            report.cut_short.push(format!("{}: does not open ({e})", table.name()));
            None
        }
        Err(panicked) => {
            report.cut_short.push(format!("{}: does not open ({panicked})", table.name()));
            None
        }
    }
}

/// Calls `each` with every row of `table` that reads, in key order: forward until the table
/// does not read on, then backward from the end down to the last row read (noted in
/// `cut_short`); a row whose key or value does not read is passed to `lost` and skipped. `owned`
/// turns a key into a value that outlives the row, for the comparison. (redb panics on some
/// damage where it could return an error: each step that reads the file is `caught`.)
fn each_row<K, V, O>(
    table: &ReadOnlyTable<K, V>,
    name: &str,
    report: &mut SalvageReport,
    owned: impl Fn(K::SelfType<'_>) -> O,
    lost: impl Fn(&mut SalvageReport),
    mut each: impl FnMut(O, V::SelfType<'_>, &mut SalvageReport),
) where
    K: Key + 'static,
    V: Value + 'static,
    O: Ord + Clone,
{
    let mut last: Option<O> = None;
    // Rows past `last` whose key does not read: the backward pass may meet them again, and
    // cannot tell them from others whose key does not read, so they are counted once it is
    // known whether it did (see below).
    let mut unread_keys_past_last = 0;
    let broke = match caught(|| table.iter()) {
        Ok(Ok(mut rows)) => loop {
            match caught(|| rows.next()) {
                Ok(None) => break None,
                Ok(Some(Ok((k, v)))) => {
                    let Ok(key) = caught(|| owned(k.value())) else {
                        unread_keys_past_last += 1;
                        continue;
                    };
                    (0..std::mem::take(&mut unread_keys_past_last)).for_each(|_| lost(report));
                    last = Some(key.clone());
                    match caught(|| v.value()) {
                        Ok(value) => each(key, value, report),
                        Err(_) => lost(report),
                    }
                }
                Ok(Some(Err(e))) => break Some(e.to_string()),
                Err(panicked) => break Some(panicked),
            }
        },
        Ok(Err(e)) => Some(e.to_string()),
        Err(panicked) => Some(panicked),
    };
    let Some(broke) = broke else {
        (0..unread_keys_past_last).for_each(|_| lost(report));
        return;
    };
    // The rows past the damage, read from the end back, are given in key order too.
    let mut tail = Vec::new();
    let mut again = None;
    let mut unread_keys_from_the_end = 0;
    if let Ok(Ok(rows)) = caught(|| table.iter()) {
        let mut rows = rows.rev();
        loop {
            match caught(|| rows.next()) {
                Ok(None) => break,
                Ok(Some(Ok((k, v)))) => {
                    let Ok(key) = caught(|| owned(k.value())) else {
                        unread_keys_from_the_end += 1;
                        continue;
                    };
                    if last.as_ref().is_some_and(|last| key <= *last) {
                        break;
                    }
                    match caught(|| V::as_bytes(&v.value()).as_ref().to_vec()) {
                        Ok(bytes) => tail.push((key, bytes)),
                        Err(_) => lost(report),
                    }
                }
                Ok(Some(Err(e))) => {
                    again = Some(e.to_string());
                    break;
                }
                Err(panicked) => {
                    again = Some(panicked);
                    break;
                }
            }
        }
    } else {
        again = Some("the table does not read from the end".into());
    }
    // Read back all the way to `last` (or the start): it met every row the forward pass lost
    // past `last`. Stopped by damage too: the two passes met different rows.
    let lost_keys = if again.is_none() {
        unread_keys_from_the_end
    } else {
        unread_keys_past_last + unread_keys_from_the_end
    };
    (0..lost_keys).for_each(|_| lost(report));
    let read_back = tail.len();
    for (key, value) in tail.into_iter().rev() {
        each(key, V::from_bytes(&value), report);
    }
    let stopped = again.map_or(String::new(), |e| format!(", and from the end: {e}"));
    report.cut_short.push(format!("{name}: {broke}; {read_back} row(s) read back from the end{stopped}"));
}

/// Runs a read of the damaged file, a panic turned into its message.
fn caught<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .map_err(|payload| format!("redb panicked: {}", super::panic_message(&*payload)))
}
