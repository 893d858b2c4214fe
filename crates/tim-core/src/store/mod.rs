//! Persistence: the redb store of the logged-in user, shared by the store actor and the
//! conversation actor.
//!
//! The store actor runs in an actix [`SyncArbiter`] on its own thread (`tim-store`): logins,
//! message operations, closing, and at idle moments the recent records' folds and the removal of
//! retired histories' rows (`PurgeRetired`) run there, off the
//! conversation actor's thread. The open [`Store`] sits in a [`StoreSlot`] behind a lock shared
//! with the conversation actor, which commits its conversation batches (group commit) itself
//! when nothing else is at the store (one thread wake-up less per durable write) and answers
//! their callers only after the commit.

mod compact;
#[cfg(test)]
pub(crate) mod fault;
mod file_compaction;
mod messages;
mod migrate;
mod numbers;
pub mod ops;
mod path;
mod pending;
mod recent;
mod record;
mod redb_store;
mod salvage;
mod schema;
mod sieve;

pub use file_compaction::{CompactionReport, compact_file};
pub use messages::retire_histories_longer_than;
pub use path::{USERS_DIR, user_store_file_name, user_store_path};
pub use pending::fold_pending_rows_at;
pub use recent::fold_recent_records_at;
pub use redb_store::{CommitBatch, LOAD_CHUNK, Loaded, Loading, Store, StoreError};
pub use salvage::{SalvageReport, salvage};
pub use schema::SCHEMA_VERSION;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use actix::{Actor, Addr, Handler, Message, SyncArbiter, SyncContext};

/// Opens the store of a user, closing any other, and loads it: the conversations go to `records`
/// in chunks while the store reads on (the reply carries the rest of [`Loaded`]); the channel
/// closes when the handler is done, successful or not.
pub struct Open {
    /// The data folder.
    pub data_dir: PathBuf,
    /// The user.
    pub user_id: String,
    /// Where the conversations go.
    pub records: flume::Sender<Loading>,
}

impl Message for Open {
    type Result = Result<Loaded, StoreError>;
}

/// Work the store thread runs right after a commit succeeds, before it replies: answering the
/// batch's callers from there saves each of them a wake-up of the conversation actor's thread.
pub trait AfterCommit: Send + 'static {
    /// The batch is durable.
    fn committed(self);
}

/// Commits one batch durably, then runs `after`; a failed commit hands `after` back unrun.
pub struct Commit<A: AfterCommit> {
    /// The changes.
    pub batch: CommitBatch,
    /// What the commit releases.
    pub after: A,
}

impl<A: AfterCommit> Message for Commit<A> {
    type Result = Result<(), (StoreError, A)>;
}

/// Writes what a failed write left to do ([`StoreSlot::queue_restore`], reopening the file
/// first), if the disk lets it; otherwise the next use tries again.
pub struct WriteBack;

impl Message for WriteBack {
    type Result = ();
}

/// Runs message operations in one durable transaction.
pub struct Execute {
    /// The operations, in order.
    pub ops: Vec<ops::MsgOp>,
    /// Now, UTC seconds.
    pub now: u64,
    /// The order-key counter of the actor.
    pub next_order_key: u64,
    /// Whether received messages are wanted for the receive callbacks.
    pub collect_received: bool,
    /// The actor's records of the conversations the operations touch.
    pub preloaded: Vec<(crate::ids::ConvKey, Option<crate::state::Conversation>)>,
}

impl Message for Execute {
    type Result = Result<ops::OpsOutcome, ExecuteFailure>;
}

/// Why message operations failed, and what the file holds of the conversations they touched,
/// read again after the failure (empty if it could not be read). Why: after a failed fsync the
/// transaction may have reached the file all the same; the actor adopts what the file holds, so
/// that memory and file cannot drift apart (the next operation would otherwise write the actor's
/// older records over records that count the stored messages).
#[derive(Debug)]
pub struct ExecuteFailure {
    /// The error the callers get.
    pub error: StoreError,
    /// The touched conversations as the file has them.
    pub on_disk: Vec<(crate::ids::ConvKey, Option<crate::state::Conversation>)>,
}

/// Closes the open store, releasing its file lock.
pub struct Close;

impl Message for Close {
    type Result = ();
}

/// Folds the recent records if they are worth it (the conversation actor sends this when it has
/// been idle for a moment: see `recent.rs`).
pub struct FoldWhenIdle;

impl Message for FoldWhenIdle {
    type Result = ();
}

/// Removes a chunk of the messages of deleted or cleared histories, and asks for the next chunk
/// while any are left (the store thread sends it to itself, behind whatever calls came
/// meanwhile: see `numbers.rs`).
pub struct PurgeRetired;

impl Message for PurgeRetired {
    type Result = ();
}

/// The open store and what a failed write left to do, shared by the store thread and the
/// conversation actor (which commits its batches itself when nothing else is at the store: one
/// thread wake-up less per durable write; W3 in docs/performance.md). redb serializes write
/// transactions; the lock keeps the reopen and write-back state below consistent.
pub struct StoreSlot {
    store: Option<Store>,
    /// The store a failed write closed (data folder, user): reopened before the next use. Why:
    /// after an I/O error redb refuses all work until the database is reopened; without this, a
    /// full disk would fail every later write until the next login, even once space is freed.
    to_reopen: Option<(PathBuf, String)>,
    /// Batches to write back before the next use ([`StoreSlot::queue_restore`]), oldest first.
    to_restore: Vec<CommitBatch>,
    /// An idle fold failed: none is tried again until a write succeeds. Why: a fold rewrites
    /// many records, and on a nearly full disk it could keep failing (and closing the store)
    /// after every pause where the callers' small writes would succeed.
    idle_folds_paused: bool,
}

/// A [`StoreSlot`] shared between threads.
pub type SharedStore = Arc<Mutex<StoreSlot>>;

/// Runs store work on the calling thread, turning a panic into [`StoreError::Panicked`]. Why:
/// redb checks a damaged file with assertions in places (a debug build asserts where a release
/// build returns `Corrupted`, and some checks assert in both), and a panic would end the store
/// thread and, with its mailbox gone, the actor's: every later call of the SDK would fail. A
/// write transaction the work had open is abandoned as it unwinds (redb then marks the file for
/// the repair it makes at the next open); the callers close the store as after any failed write
/// (`drop_contained`), and the next use reopens it.
pub fn contained<T>(work: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|payload| Err(StoreError::Panicked(panic_message(&*payload))))
}

/// What a caught panic said (its message, when it has one).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

/// Drops a store with [`contained`]: after a panic inside redb one of its locks may be poisoned,
/// and the database's own drop then panics on it.
pub(super) fn drop_contained(store: Option<Store>) {
    let _ = contained(|| {
        drop(store);
        Ok(())
    });
}

/// Locks the slot; a panic while it was held leaves nothing half-done that redb would not have
/// rolled back, so a poisoned lock is taken as it is.
pub fn lock_store(slot: &SharedStore) -> MutexGuard<'_, StoreSlot> {
    slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The actor that owns the open store.
pub struct StoreActor {
    slot: SharedStore,
    /// A [`PurgeRetired`] is in the mailbox: the idle folds start no second one (each idle
    /// moment would add a chain, and a commit coming through the mailbox would wait for a part
    /// of each).
    purging: bool,
    /// Dropped with the actor; lets shutdown wait until the file is closed.
    _alive: flume::Sender<()>,
}

impl StoreActor {
    /// Starts the store actor on its own thread. The returned receiver disconnects once the actor
    /// and its thread's copy of the factory are gone, i.e. once the store file is closed.
    pub fn start() -> (Addr<StoreActor>, flume::Receiver<()>, SharedStore) {
        let (alive, closed) = flume::bounded::<()>(1);
        let slot: SharedStore = Arc::new(Mutex::new(StoreSlot {
            store: None,
            to_reopen: None,
            to_restore: Vec::new(),
            idle_folds_paused: false,
        }));
        let actor_slot = slot.clone();
        let addr = SyncArbiter::start_with_thread_builder(
            1,
            || std::thread::Builder::new().name("tim-store".into()),
            move || StoreActor { slot: actor_slot.clone(), purging: false, _alive: alive.clone() },
        );
        (addr, closed, slot)
    }
}

impl StoreSlot {
    /// Commits one batch durably (after writing back what failed commits left); a failure
    /// closes the store, to be reopened by the next use.
    pub fn commit(&mut self, batch: &CommitBatch) -> Result<(), StoreError> {
        let result = contained(|| self.store().and_then(|store| store.commit(batch)));
        match result {
            Ok(()) => self.idle_folds_paused = false,
            Err(_) => self.close_after_failure(),
        }
        result
    }

    /// Whether the store is open with nothing left to do from a failed write (no file to
    /// reopen, nothing to write back): a commit is then just the commit.
    pub fn is_ready(&self) -> bool {
        self.store.is_some() && self.to_reopen.is_none() && self.to_restore.is_empty()
    }

    /// Folds the recent records if the store is open, has nothing left from a failed write and
    /// the log is worth it (see [`Store::fold_recent_records_if_worth_it`]); whether it folded.
    pub fn fold_recent_records_when_idle(&mut self) -> Result<bool, StoreError> {
        self.idle_work(Store::fold_recent_records_if_worth_it)
    }

    /// Removes a chunk of the messages of retired conversation numbers (see
    /// [`Store::purge_retired_chunk`]); whether any are left.
    pub fn purge_retired_when_idle(&mut self) -> Result<bool, StoreError> {
        self.idle_work(Store::purge_retired_chunk)
    }

    /// Runs the work of an idle moment if the store is open and has nothing left from a failed
    /// write; `false` without running it otherwise. A failure closes the store, to be reopened
    /// by the next use, and pauses all idle work until a write succeeds.
    fn idle_work(
        &mut self,
        work: impl FnOnce(&Store) -> Result<bool, StoreError>,
    ) -> Result<bool, StoreError> {
        if self.idle_folds_paused {
            return Ok(false);
        }
        let Some(store) = self.store.as_ref().filter(|_| self.is_ready()) else { return Ok(false) };
        let result = contained(|| work(store));
        if result.is_err() {
            self.idle_folds_paused = true;
            self.close_after_failure();
        }
        result
    }

    /// Queues, to be written before anything else, the conversations of a batch whose commit
    /// failed, as they were before it (what the actor holds after rolling back); [`WriteBack`]
    /// writes them now if the disk lets it, and otherwise the next use does. Why: after a failed
    /// fsync the outcome is unknown and the reopened file may show the batch; its callers were
    /// told it failed. (Message operations are not written back: undoing stored messages is not
    /// a write-back; the actor adopts what the file holds instead, see [`ExecuteFailure`].)
    pub fn queue_restore(&mut self, batch: CommitBatch) {
        self.to_restore.push(batch);
    }

    /// The open store, reopening the one a failed write closed and writing back what failed
    /// commits may have left in it.
    fn store(&mut self) -> Result<&Store, StoreError> {
        self.reopened()?;
        let store = self.store.as_ref().ok_or(StoreError::NotOpen)?;
        if !self.to_restore.is_empty() {
            for batch in &self.to_restore {
                if let Err(error) = store.commit(batch) {
                    self.close_after_failure();
                    return Err(error);
                }
            }
            self.to_restore.clear();
        }
        self.store.as_ref().ok_or(StoreError::NotOpen)
    }

    /// The store, reopened if a failed write closed it, without waiting for the write-back: what
    /// a read of messages uses. Why: the write-back restores conversation records, which memory
    /// holds and a read of messages does not need from the file, and on a full disk it may not
    /// fit: every history read would fail until space is freed, on a file that reads fine.
    fn reopened(&mut self) -> Result<&Store, StoreError> {
        if let Some((data_dir, user_id)) = &self.to_reopen {
            let store = Store::open_file(data_dir, user_id)?;
            self.to_reopen = None;
            self.store = Some(store);
        }
        self.store.as_ref().ok_or(StoreError::NotOpen)
    }

    /// Closes the store, after writing back what failed commits may have left in it if the disk
    /// lets it (best effort: a disk that still fails keeps what it has; a login reads the file).
    fn close(&mut self) {
        if !self.to_restore.is_empty() {
            let _ = contained(|| self.store().map(drop));
        }
        // Best effort, as above: rows not folded are read from the log by the next open's
        // first write.
        if self.is_ready()
            && let Some(store) = &self.store
        {
            let _ = contained(|| store.fold_pending_rows());
        }
        drop_contained(self.store.take());
        self.to_reopen = None;
        self.to_restore.clear();
    }

    /// Closes the store after a failed write, to be reopened by the next call (see `to_reopen`).
    /// redb commits are atomic: the file holds the last successful commit, or, after a failed
    /// fsync, possibly the failed one too (see [`StoreSlot::queue_restore`]).
    fn close_after_failure(&mut self) {
        if let Some(store) = self.store.take() {
            self.to_reopen = Some((store.data_dir().to_owned(), store.user_id().to_owned()));
            drop_contained(Some(store));
        }
    }
}

impl Actor for StoreActor {
    type Context = SyncContext<Self>;
}

impl Handler<Open> for StoreActor {
    type Result = Result<Loaded, StoreError>;

    fn handle(&mut self, msg: Open, _: &mut Self::Context) -> Self::Result {
        let mut slot = lock_store(&self.slot);
        // Close first: the same user's file may be reopened, and redb refuses a second handle.
        slot.close();
        let Open { data_dir, user_id, records } = msg;
        // A send fails only when the actor stopped listening (it is going away): the load goes
        // on and the reply tells the outcome.
        let (store, loaded) =
            contained(|| Store::open_streaming(&data_dir, &user_id, |part| drop(records.send(part))))?;
        slot.store = Some(store);
        Ok(loaded)
    }
}

impl<A: AfterCommit> Handler<Commit<A>> for StoreActor {
    type Result = Result<(), (StoreError, A)>;

    fn handle(&mut self, msg: Commit<A>, _: &mut Self::Context) -> Self::Result {
        let Commit { batch, after } = msg;
        let result = lock_store(&self.slot).commit(&batch);
        match result {
            Ok(()) => {
                after.committed();
                Ok(())
            }
            Err(error) => Err((error, after)),
        }
    }
}

impl Handler<WriteBack> for StoreActor {
    type Result = ();

    fn handle(&mut self, _: WriteBack, _: &mut Self::Context) {
        let mut slot = lock_store(&self.slot);
        // A failure leaves the write-back to the next use (`store` closes after its own).
        if let Err(StoreError::Panicked(_)) = contained(|| slot.store().map(drop)) {
            slot.close_after_failure();
        }
    }
}

impl Handler<Execute> for StoreActor {
    type Result = Result<ops::OpsOutcome, ExecuteFailure>;

    fn handle(&mut self, msg: Execute, _: &mut Self::Context) -> Self::Result {
        let keys: Vec<_> = msg.preloaded.iter().map(|(key, _)| key.clone()).collect();
        let mut slot = lock_store(&self.slot);
        let reads_only = msg.ops.iter().all(ops::MsgOp::reads_only);
        let result = contained(|| {
            let store = if reads_only { slot.reopened() } else { slot.store() };
            store.and_then(|store| {
                store.execute(msg.ops, msg.now, msg.next_order_key, msg.collect_received, msg.preloaded)
            })
        });
        if result.as_ref().is_ok_and(|outcome| outcome.wrote) {
            slot.idle_folds_paused = false;
        }
        result.map_err(|error| {
            slot.close_after_failure();
            let on_disk =
                contained(|| slot.store().and_then(|store| store.read_records(&keys))).unwrap_or_default();
            ExecuteFailure { error, on_disk }
        })
    }
}

impl Handler<FoldWhenIdle> for StoreActor {
    type Result = ();

    fn handle(&mut self, _: FoldWhenIdle, ctx: &mut Self::Context) {
        // A failure closed the store: the next write reopens it and reports its own outcome.
        // Nothing is lost either way: a fold moves records, it does not change them.
        let _ = lock_store(&self.slot).fold_recent_records_when_idle();
        if !self.purging {
            self.handle(PurgeRetired, ctx);
        }
    }
}

impl Handler<PurgeRetired> for StoreActor {
    type Result = ();

    fn handle(&mut self, _: PurgeRetired, ctx: &mut Self::Context) {
        // As for a fold: a failure closed the store, and nothing visible changes either way.
        // The lock is let go between chunks: a commit of the conversation actor that finds it
        // taken comes through this thread's mailbox, ahead of the next chunk.
        self.purging = lock_store(&self.slot).purge_retired_when_idle().unwrap_or(false);
        if self.purging {
            ctx.address().do_send(PurgeRetired);
        }
    }
}

impl Handler<Close> for StoreActor {
    type Result = ();

    fn handle(&mut self, _: Close, _: &mut Self::Context) {
        lock_store(&self.slot).close();
    }
}
