//! The conversation actor: owns the logged-in user's [`ConvState`], applies commands in arrival
//! order, and group-commits their changes to the store.
//!
//! Group commit: at most one batch is in flight. While it is being committed, new commands queue
//! (for this thread, which commits the batch itself) and their answers wait; when the commit
//! returns, everything that accumulated goes out as the next batch, in one durable transaction.
//! Every answer, success or error, read or write, is released in arrival order, and a write's
//! success only after the batch holding it is committed: the committing thread queues the batch's
//! events and answers its callers right after the commit (see [`release`]). If a commit fails,
//! the state rolls back to what is on disk and the writes of the failed batch fail with
//! `ERR_DATABASE_OPERATE_FAILED` (with those carried out behind it, when the store thread
//! committed it while this actor went on).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::ThreadId;

use actix::prelude::*;
use tim_types::{ConvEvent, ErrCode};

use crate::clock::unix_now;
use crate::command::{Command, ReadScope};
use crate::dispatch::{Completion, Dispatcher};
use crate::error::TimError;
use crate::events::EventHub;
use crate::ids::ConvKey;
use crate::session::Session;
use crate::state::{ChangeSet, ConvState, EventBatch};
use crate::store::ops::{MsgOp, OpOutput, OpsOutcome};
use crate::store::{
    Close, Commit, CommitBatch, Execute, ExecuteFailure, FoldWhenIdle, Loading, Open, SharedStore,
    StoreActor, StoreError, WriteBack, lock_store,
};
use crate::transport::Transport;

#[cfg(test)]
mod batch_tests;
mod extensions;
mod release;
#[cfg(test)]
mod tests;

use extensions::{Cursors, Subscription, subscription_totals};
use release::{Deferred, Release};

/// What the actor needs from the runtime.
pub(crate) struct ActorDeps {
    pub data_dir: PathBuf,
    pub store: Addr<StoreActor>,
    /// The store (shared with the store actor), for the batches this actor commits itself.
    pub store_slot: SharedStore,
    pub dispatcher: Dispatcher,
    pub hub: Arc<EventHub>,
    pub session: Arc<Session>,
    pub transport: Transport,
    /// This instance's own ingress, registered with a loopback hub.
    pub ingress: flume::Sender<Command>,
    /// The commands not yet taken by the actor (it only looks whether there are any).
    pub queued: flume::Receiver<Command>,
    /// Tells this instance's hub registration from another instance's of the same user.
    pub instance: u64,
}

struct LoggedIn {
    user_id: String,
    state: ConvState,
}

/// The batch being committed; its events and answers went with it (see [`release`]).
struct Flight {
    changes: ChangeSet,
    /// The blocked callers its answers release.
    blocked_callers: Vec<ThreadId>,
}

pub(crate) struct ConvActor {
    deps: ActorDeps,
    user: Option<LoggedIn>,
    /// The batch being committed.
    in_flight: Option<Flight>,
    /// Answers behind the batch in flight (they belong to the next batch).
    waiting: Vec<Deferred>,
    /// Where in `waiting` the first write's answer is: the answers before it (reads) saw only
    /// the batch in flight, so they are released once it lands, not held for the next batch
    /// (whose failure is none of theirs).
    first_write: Option<usize>,
    /// A login or logout waits for the batch in flight to land; later commands wait in `backlog`.
    barrier: bool,
    /// A login or logout is talking to the store; later commands wait in `backlog`.
    store_call: bool,
    backlog: VecDeque<Command>,
    /// `resume` is running the backlog: its commands join one batch, cut when it is done (a
    /// batch committed on this thread per command would also nest one `resume` in the next).
    resuming: bool,
    shutting_down: bool,
    shut_down: bool,
    /// The total unread count last reported to the total-unread handler (or about to be, by
    /// the batch in flight).
    reported_total: u64,
    cursors: Cursors,
    subscriptions: Vec<Subscription>,
    /// The callers blocked on the writes among `waiting` (synchronous calls).
    waiting_blocked: Vec<ThreadId>,
    /// How many blocked writers the next batch waits for: those the last commit released (they
    /// are about to write again, some may have already) and the others waiting. Below two, none:
    /// a lone caller and callers who do not block never wait.
    gather_target: usize,
    /// The next batch is waiting for `gather_target` answers (adaptive group commit).
    gathering: bool,
    /// Tells the current gathering from an earlier one whose [`Gather`] wait still runs.
    gather_generation: u64,
    /// The gathering's time is up: flush whatever is there.
    gather_expired: bool,
    /// When the actor last took a command or finished a commit or a store call: the idle check
    /// counts its quiet from there (a commit on this thread can outlast the check's delay).
    last_busy: std::time::Instant,
    /// An idle check is waiting ([`IDLE_FOLD_AFTER`]).
    idle_check_armed: bool,
}

/// How long the actor must have had nothing to do (no command, nothing in flight, no store call)
/// before it asks the store to fold its recent records, if they are worth it (`recent.rs`). A fold
/// takes tens of milliseconds; done then, it is off every caller's path (otherwise the small
/// commit that finds the log full does it). Short: a program's writes come in bursts with pauses
/// between them, and a fold that must be done sooner or later costs least in the first pause.
/// Writers that keep calling are never a millisecond apart (a blocked caller is back within
/// tens of microseconds). A command that comes during the fold waits for it, as it would wait
/// for a fold made by a commit (a read is answered at once, from memory). The timer ticks in
/// milliseconds: the check runs one to two milliseconds after the last command.
const IDLE_FOLD_AFTER: std::time::Duration = std::time::Duration::from_millis(1);

/// Whether the actor asks for idle folds. Off in this crate's unit tests, whose injected disk
/// faults expect the commits they make and no other; on everywhere else (the integration tests
/// included).
const IDLE_FOLDS: bool = !cfg!(test);

/// How long a batch waits at most for the blocked writers of the previous batch to come back:
/// about one commit. In the common case the batch goes as soon as they are back (tens of
/// microseconds); the wait runs out only when some stopped writing. Why not a timer: tokio's
/// tick is a millisecond, four commits; [`Gather`] waits on the actor's queue with this deadline.
const GATHER_WAIT: std::time::Duration = std::time::Duration::from_micros(300);

/// A batch is flushed with this many answers waiting even while commands keep arriving, so that
/// a steady stream of them cannot hold its writes back indefinitely.
const MAX_BATCH_ANSWERS: usize = 256;

impl ConvActor {
    pub(crate) fn new(deps: ActorDeps) -> Self {
        ConvActor {
            deps,
            user: None,
            in_flight: None,
            waiting: Vec::new(),
            first_write: None,
            barrier: false,
            store_call: false,
            resuming: false,
            backlog: VecDeque::new(),
            shutting_down: false,
            shut_down: false,
            reported_total: 0,
            cursors: Cursors::default(),
            subscriptions: Vec::new(),
            waiting_blocked: Vec::new(),
            gather_target: 0,
            gathering: false,
            gather_generation: 0,
            gather_expired: false,
            last_busy: std::time::Instant::now(),
            idle_check_armed: false,
        }
    }

    /// Arms the idle check, unless it is armed already.
    fn arm_idle_check(&mut self, ctx: &mut Context<Self>) {
        if !IDLE_FOLDS || self.idle_check_armed {
            return;
        }
        self.idle_check_armed = true;
        ctx.run_later(IDLE_FOLD_AFTER, move |actor, ctx| {
            actor.idle_check_armed = false;
            // No store without a user, but a login still at the store will open one: checked
            // again after it (else a session that only logs in would never fold nor remove the
            // rows of deleted histories, `PurgeRetired`).
            let logging_in = actor.user.is_none() && actor.store_call;
            if actor.shutting_down
                || actor.deps.session.is_stopping()
                || (actor.user.is_none() && !logging_in)
            {
                return;
            }
            let busy = actor.last_busy.elapsed() < IDLE_FOLD_AFTER
                || !actor.idle()
                || actor.held()
                || !actor.deps.queued.is_empty();
            if busy {
                actor.arm_idle_check(ctx);
            } else {
                actor.deps.store.do_send(FoldWhenIdle);
            }
        });
    }

    /// A login, logout or message operation is back from the store.
    fn end_store_call(&mut self) {
        self.store_call = false;
        self.last_busy = std::time::Instant::now();
    }

    fn held(&self) -> bool {
        self.barrier || self.store_call
    }

    /// No batch in flight, no answer waiting and no uncommitted change.
    fn idle(&self) -> bool {
        self.in_flight.is_none()
            && self.waiting.is_empty()
            && !self.user.as_ref().is_some_and(|u| u.state.has_changes())
    }

    /// Answers a call whose result does not depend on a commit (a read, or an error found now):
    /// at once if nothing is ahead of it, otherwise behind what is. Behind writes, the result was
    /// read from state that includes them: should their commit fail, the call fails with it
    /// rather than report what never became durable.
    fn answer_now<T: Send + 'static>(&mut self, done: Completion<T>, result: Result<T, TimError>) {
        if self.idle() {
            done.complete(result);
        } else {
            self.waiting.push(Box::new(move |commit| done.complete(commit.clone().and(result))));
        }
    }

    /// Answers the reads queued before the first uncommitted write: they saw only what landed
    /// (the batch in flight, once it has), so neither the next batch nor a shutdown concerns them.
    fn answer_reads_before_first_write(&mut self) {
        if let Some(first_write) = self.first_write.take() {
            for deferred in self.waiting.drain(..first_write) {
                deferred(&Ok(()));
            }
        }
    }

    /// Answers a write: success once the batch holding it commits, the commit error otherwise.
    fn answer_after_commit<T: Send + 'static>(&mut self, done: Completion<T>, value: T) {
        self.first_write.get_or_insert(self.waiting.len());
        self.waiting_blocked.extend(done.blocked_caller());
        self.waiting.push(Box::new(move |commit| done.complete(commit.clone().map(|()| value))));
    }

    fn not_logged_in() -> TimError {
        TimError::new(ErrCode::SdkNotLoggedIn, "no user is logged in")
    }

    /// Answers a command that needs a logged-in user with `ERR_SDK_NOT_LOGGED_IN`.
    fn refuse_not_logged_in(&mut self, cmd: Command) {
        // Dropping the command would answer with the shutdown error: answer it with the right
        // error instead, in line behind what is ahead of it.
        let error = Self::not_logged_in();
        match cmd {
            Command::GetConvInfo { done, .. } => self.answer_now(done, Err(error)),
            Command::Pin { done, .. }
            | Command::Subscribe { done, .. }
            | Command::Unsubscribe { done, .. } => self.answer_now(done, Err(error)),
            Command::ListPage { done, .. } => self.answer_now(done, Err(error)),
            Command::DeleteList { done, .. }
            | Command::SetCustomData { done, .. }
            | Command::Mark { done, .. }
            | Command::Group { done, .. } => self.answer_now(done, Err(error)),
            Command::GroupList { done } => self.answer_now(done, Err(error)),
            Command::FilteredUnread { done, .. } => self.answer_now(done, Err(error)),
            other => drop(other),
        }
    }

    fn process(&mut self, cmd: Command, ctx: &mut Context<Self>) {
        self.last_busy = std::time::Instant::now();
        self.arm_idle_check(ctx);
        if let Command::Shutdown = cmd {
            self.shutting_down = true;
            return self.commit_and_shut_down(ctx);
        }
        if self.shutting_down || self.deps.session.is_stopping() {
            // Shutdown has begun: the call is not carried out. Dropping it answers it with the
            // shutdown error; keep it in line so that answer still comes after those ahead of it.
            if self.held() {
                self.backlog.push_back(cmd);
            } else {
                self.waiting.push(Box::new(move |_| drop(cmd)));
            }
            return;
        }
        if self.held() {
            self.backlog.push_back(cmd);
            return;
        }
        if cmd.is_barrier() && !self.idle() {
            // Let the batch in flight land first; run this (and what follows) afterwards.
            self.barrier = true;
            self.backlog.push_front(cmd);
            return;
        }
        match cmd {
            Command::Shutdown => unreachable!("handled above"),
            Command::Login { user_id, user_sig, done } => self.login(user_id, user_sig, done, ctx),
            Command::Logout { done } => self.logout(done, ctx),
            Command::GetConvList { done } => match &self.user {
                Some(user) => {
                    let list = user.state.list(&user.user_id);
                    self.answer_now(done, Ok(list));
                }
                None => self.answer_now(done, Err(Self::not_logged_in())),
            },
            Command::CreateConv { key, done } => {
                let Some(user) = self.user.as_mut() else {
                    return self.answer_now(done, Err(Self::not_logged_in()));
                };
                user.state.create(&key);
                let info = user.state.get(&key).map(|c| c.info(&user.user_id));
                match info {
                    Some(info) => self.answer_after_commit(done, info),
                    None => self.answer_now(
                        done,
                        Err(TimError::new(ErrCode::SdkInternalError, "created conversation missing")),
                    ),
                }
            }
            Command::DeleteConv { key, done } => {
                let Some(user) = self.user.as_mut() else {
                    return self.answer_now(done, Err(Self::not_logged_in()));
                };
                match user.state.delete(&key) {
                    Some(_) => self.answer_after_commit(done, ()),
                    None => self.answer_now(
                        done,
                        Err(TimError::new(
                            ErrCode::InvalidConversation,
                            format!("conversation {key} does not exist"),
                        )),
                    ),
                }
            }
            Command::SetDraft { key, draft, done } => {
                let Some(user) = self.user.as_mut() else {
                    return self.answer_now(done, Err(Self::not_logged_in()));
                };
                user.state.set_draft(&key, draft);
                self.answer_after_commit(done, ());
            }
            Command::SetRecvOpt { keys, opt, done } => {
                let Some(user) = self.user.as_mut() else {
                    return self.answer_now(done, Err(Self::not_logged_in()));
                };
                for key in &keys {
                    user.state.set_recv_opt(key, opt);
                }
                self.answer_after_commit(done, ());
            }
            Command::MarkRead { scope, done } => {
                let Some(user) = self.user.as_mut() else {
                    return self.answer_now(done, Err(Self::not_logged_in()));
                };
                match scope {
                    ReadScope::All(conv_type) => {
                        user.state.mark_read_all(conv_type);
                        self.answer_after_commit(done, ());
                    }
                    ReadScope::Conversation(key) => {
                        if user.state.mark_read(&key) {
                            self.answer_after_commit(done, ());
                        } else {
                            let error = TimError::new(
                                ErrCode::InvalidConversation,
                                format!("conversation {key} does not exist"),
                            );
                            self.answer_now(done, Err(error));
                        }
                    }
                }
            }
            Command::TotalUnread { done } => {
                let total = self.user.as_ref().map(|u| u.state.total_unread());
                match total {
                    Some(total) => self.answer_now(done, Ok(total)),
                    None => self.answer_now(done, Err(Self::not_logged_in())),
                }
            }
            Command::Store { op, done } => {
                // Idle here (a barrier): take every message operation queued right behind it too,
                // so that a burst of them shares one transaction.
                let mut ops = vec![(*op, done)];
                while let Some(Command::Store { .. }) = self.backlog.front() {
                    if let Some(Command::Store { op, done }) = self.backlog.pop_front() {
                        ops.push((*op, done));
                    }
                }
                return self.run_ops(ops, ctx);
            }
            Command::GetConvInfo { .. }
            | Command::Pin { .. }
            | Command::ListPage { .. }
            | Command::DeleteList { .. }
            | Command::SetCustomData { .. }
            | Command::Mark { .. }
            | Command::Group { .. }
            | Command::GroupList { .. }
            | Command::FilteredUnread { .. }
            | Command::Subscribe { .. }
            | Command::Unsubscribe { .. } => {
                if let Some(cmd) = self.process_extension(cmd) {
                    // Not logged in: dropping would answer "shut down"; say what is wrong instead.
                    self.refuse_not_logged_in(cmd);
                }
            }
            Command::CancelDraft { key, done } => {
                let Some(user) = self.user.as_mut() else {
                    return self.answer_now(done, Err(Self::not_logged_in()));
                };
                match user.state.cancel_draft(&key) {
                    Ok(()) => self.answer_after_commit(done, ()),
                    Err(_) => self.answer_now(
                        done,
                        Err(TimError::new(
                            ErrCode::InvalidConversation,
                            format!("conversation {key} does not exist"),
                        )),
                    ),
                }
            }
        }
        self.flush(ctx);
    }

    /// Commits what accumulated as one batch (on this thread; on the store thread after a failed
    /// write), unless a batch is already in flight, commands are still queued for this actor (they
    /// join it; not behind a barrier, nor past [`MAX_BATCH_ANSWERS`], nor at shutdown), the
    /// backlog is being run, or the batch is gathering the writers of the previous one.
    fn flush(&mut self, ctx: &mut Context<Self>) {
        if self.in_flight.is_some() {
            return;
        }
        // Commands are waiting to be taken: they join this batch (the last one's turn flushes).
        // Without this, a batch committed on this thread would hold one write each: the writes
        // that arrived during a commit are taken one per turn, and each turn flushes.
        // Not behind a barrier: the commands behind one wait for this batch, not join it.
        if self.resuming
            || (!self.shutting_down
                && !self.barrier
                && !self.deps.queued.is_empty()
                && self.waiting.len() < MAX_BATCH_ANSWERS)
        {
            return;
        }
        let has_changes = self.user.as_ref().is_some_and(|u| u.state.has_changes());
        if has_changes
            && self.gather_target >= 2
            && self.waiting_blocked.len() < self.gather_target
            && !self.gather_expired
        {
            // Concurrent blocked writers: those the last commit answered are about to write again.
            // Committing now would split them over two commits, forever alternating half-full
            // batches; waiting for them fills one.
            if !self.gathering {
                self.gathering = true;
                self.gather_generation += 1;
                let generation = self.gather_generation;
                let deadline = std::time::Instant::now() + GATHER_WAIT;
                ctx.spawn(Gather { deadline }.map(move |(), actor: &mut Self, ctx| {
                    if actor.gathering && actor.gather_generation == generation {
                        actor.gather_expired = true;
                        actor.flush(ctx);
                    }
                }));
            }
            return;
        }
        self.gathering = false;
        self.gather_expired = false;
        // Before the batch is built: the reads ahead of its first write are not its business.
        self.answer_reads_before_first_write();
        let Some(user) = self.user.as_mut().filter(|u| u.state.has_changes()) else {
            // Nothing to write: the waiting answers are reads or errors; release them in order.
            self.waiting_blocked.clear();
            self.first_write = None;
            for deferred in std::mem::take(&mut self.waiting) {
                deferred(&Ok(()));
            }
            if self.barrier && !self.resuming {
                // A barrier (a message operation, a login) waited only for these answers: no
                // commit will come to resume it, so resume it now (on a later turn of this
                // actor, not from inside this flush; what arrives meanwhile queues behind it).
                ctx.spawn(actix::fut::ready(()).map(|(), actor: &mut Self, ctx| actor.resume(ctx)));
            }
            return;
        };
        let changes = user.state.take_journal();
        let after = user.state.current(&changes);
        let events = if self.deps.hub.has_conv_handler() {
            changes.events(&after, &user.user_id)
        } else {
            EventBatch::default()
        };
        let mut changes = changes;
        let group_events = changes.take_group_events();
        let subscription_totals =
            subscription_totals(&self.subscriptions, &changes, after.iter().map(|(k, c)| (k, c.as_ref())));
        let groups = changes.groups_before().map(|_| user.state.groups().to_vec());
        let batch = CommitBatch {
            conversations: after,
            next_order_key: user.state.next_order_key(),
            groups,
            purged: changes.purged().clone(),
        };
        let total = user.state.total_unread();
        // Counted as reported now: the release reports them if the commit succeeds, and a
        // failed commit resets them from the rolled-back state.
        let release = Release {
            hub: self.deps.hub.clone(),
            dispatcher: self.deps.dispatcher.clone(),
            events,
            group_events,
            total: self.total_to_report(total),
            filtered: self.subscriptions_to_report(subscription_totals),
            answers: std::mem::take(&mut self.waiting),
        };
        let blocked_callers = std::mem::take(&mut self.waiting_blocked);
        self.in_flight = Some(Flight { changes, blocked_callers });
        // Nothing else is at the store (message operations and logins hold every command until
        // they are done), so this thread commits the batch itself: one wake-up of the store
        // thread less between a blocked caller and its answer (W3 in docs/performance.md). After
        // a failed write (the file to reopen, write-backs to make), or while the store thread
        // folds the recent records for an idle moment (`FoldWhenIdle`: the lock is taken), the
        // batch goes to the store thread instead, which does that work before it.
        debug_assert!(!self.store_call, "a batch is built only while nothing is at the store");
        let committed_here = match self.deps.store_slot.try_lock() {
            Ok(mut slot) if slot.is_ready() => Some(slot.commit(&batch)),
            _ => None,
        };
        if let Some(result) = committed_here {
            let result = match result {
                Ok(()) => {
                    crate::store::AfterCommit::committed(release);
                    Ok(())
                }
                Err(error) => Err((error, release)),
            };
            return self.committed(Ok(result), true, ctx);
        }
        self.deps
            .store
            .send(Commit { batch, after: release })
            .into_actor(self)
            .map(|result, actor, ctx| actor.committed(result, false, ctx))
            .spawn(ctx);
    }

    /// Takes the result of the batch in flight. On success the committing thread has released its
    /// events and answers already; on failure they come back here, to be answered with the error
    /// once the state is rolled back.
    /// `inline`: committed on this thread, from inside [`Self::flush`]; what follows a commit
    /// (the next batch, the backlog) then runs on the actor's next turn, not nested in this one.
    fn committed(
        &mut self,
        result: Result<Result<(), (StoreError, Release)>, MailboxError>,
        inline: bool,
        ctx: &mut Context<Self>,
    ) {
        let Some(flight) = self.in_flight.take() else { return };
        // The batch's callers were released before this: some may be back already.
        let others = self.waiting_blocked.iter().filter(|t| !flight.blocked_callers.contains(t)).count();
        self.gather_target = flight.blocked_callers.len() + others;
        let failure = match result {
            Ok(Ok(())) => None,
            Ok(Err((error, release))) => Some((error, release.answers)),
            // The store actor is gone; the release went with the message, which answered its
            // callers with the shutdown error as it was dropped.
            Err(error) => Some((mailbox_failure(error), Vec::new())),
        };
        if let Some((error, answers)) = failure {
            let error = Err(TimError::database(error));
            if let Some(user) = self.user.as_mut() {
                // Newest first: the changes behind the failed batch, then the batch itself.
                let newer = user.state.take_journal();
                user.state.roll_back(newer);
                let groups_changed = flight.changes.groups_before().is_some();
                let keys: Vec<ConvKey> = flight.changes.keys().cloned().collect();
                user.state.roll_back(flight.changes);
                // What was counted as reported goes back to what memory holds.
                self.reported_total = user.state.total_unread();
                // The failed commit may still have reached the file (after a failed fsync the
                // outcome is unknown): the store writes the batch's conversations back as they
                // are now, before anything else. (A deletion that did land has cleared messages
                // that no write-back restores.)
                let restore = CommitBatch {
                    conversations: user.state.records(keys),
                    next_order_key: user.state.next_order_key(),
                    groups: groups_changed.then(|| user.state.groups().to_vec()),
                    purged: Default::default(),
                };
                // Into the shared store's write-back list, so that no later commit, by either
                // thread, can reach the file before it; the store thread writes it (and reopens
                // the file) off this thread.
                lock_store(&self.deps.store_slot).queue_restore(restore);
                self.deps.store.do_send(WriteBack);
            }
            self.reset_subscriptions();
            self.waiting_blocked.clear();
            self.first_write = None;
            for deferred in answers.into_iter().chain(std::mem::take(&mut self.waiting)) {
                deferred(&error);
            }
        }
        if inline {
            ctx.spawn(actix::fut::ready(()).map(|(), actor: &mut Self, ctx| actor.after_commit(ctx)));
        } else {
            self.after_commit(ctx);
        }
    }

    /// What follows a commit: the shutdown it may have held up, or the next batch and the backlog.
    fn after_commit(&mut self, ctx: &mut Context<Self>) {
        self.last_busy = std::time::Instant::now();
        if self.shutting_down {
            return self.commit_and_shut_down(ctx);
        }
        self.flush(ctx);
        self.resume(ctx);
    }

    /// Tells the total-unread handler about a committed total that differs from the last one told.
    fn report_total(&mut self, total: u64) {
        if let Some(total) = self.total_to_report(total) {
            self.deps.hub.emit_total_unread(&self.deps.dispatcher, total);
        }
    }

    /// The total to report, if it differs from the last one; counts it as reported.
    fn total_to_report(&mut self, total: u64) -> Option<u64> {
        (total != self.reported_total).then(|| {
            self.reported_total = total;
            total
        })
    }

    /// Sends message operations to the store as one transaction; later commands wait.
    fn run_ops(&mut self, ops: Vec<(MsgOp, Completion<OpOutput>)>, ctx: &mut Context<Self>) {
        let Some(user) = &self.user else {
            for (_, done) in ops {
                self.answer_now(done, Err(Self::not_logged_in()));
            }
            return;
        };
        let next_order_key = user.state.next_order_key();
        let (ops, dones): (Vec<_>, Vec<_>) = ops.into_iter().unzip();
        let keys: std::collections::BTreeSet<_> =
            ops.iter().flat_map(|op| op.conversations(&user.user_id)).collect();
        let preloaded = user.state.records(keys);
        self.store_call = true;
        self.deps
            .store
            .send(Execute {
                ops,
                now: unix_now(),
                next_order_key,
                collect_received: self.deps.hub.has_new_message_handler(),
                preloaded,
            })
            .into_actor(self)
            .map(move |result, actor, ctx| {
                actor.end_store_call();
                actor.ops_done(
                    result.unwrap_or_else(|e| {
                        Err(ExecuteFailure { error: mailbox_failure(e), on_disk: Vec::new() })
                    }),
                    dones,
                );
                if actor.shutting_down {
                    actor.shutdown_when_quiet(ctx);
                } else {
                    actor.resume(ctx);
                }
            })
            .spawn(ctx);
    }

    /// Takes the committed result of message operations: state, events, callbacks, transport.
    /// A failure is answered to every caller; what the file holds of the touched conversations
    /// replaces what memory holds where they differ ([`ExecuteFailure`]).
    fn ops_done(&mut self, result: Result<OpsOutcome, ExecuteFailure>, dones: Vec<Completion<OpOutput>>) {
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(ExecuteFailure { error, on_disk }) => {
                self.adopt_from_disk(on_disk);
                let error = TimError::database(error);
                for done in dones {
                    done.complete(Err(error.clone()));
                }
                return;
            }
        };
        // When nothing observes the order of the answers and what `publish` reports (no handler
        // of conversation events, received messages or the total, no unread subscription, no
        // loopback to route sent messages through), the callers are answered before memory
        // takes the committed records: an importing caller builds its next call while this
        // thread installs 1,000 records (W1 in docs/performance.md: +5 %). A command it sends
        // then still finds them installed: this actor takes its commands in order, after this
        // turn, and no read goes around it.
        let hub = &self.deps.hub;
        let unobserved = !hub.has_conv_handler()
            && !hub.has_total_unread_handler()
            && outcome.received.is_empty()
            && self.subscriptions.is_empty()
            && (outcome.sent.is_empty() || !matches!(self.deps.transport, Transport::Loopback(_)));
        let mut answers = Some(dones.into_iter().zip(outcome.results));
        if unobserved {
            answers.take().into_iter().flatten().for_each(|(done, result)| done.complete(result));
        }
        if let Some(user) = self.user.as_mut() {
            let changes = user.state.apply_committed(outcome.changed, outcome.next_order_key);
            self.publish(&changes, outcome.received, &outcome.sent);
        }
        answers.into_iter().flatten().for_each(|(done, result)| done.complete(result));
    }

    /// After failed message operations: installs the conversations the file holds where they
    /// differ from memory (a transaction whose fsync failed may have landed), and reports it.
    fn adopt_from_disk(&mut self, on_disk: Vec<(ConvKey, Option<crate::state::Conversation>)>) {
        let Some(user) = self.user.as_mut() else { return };
        let differing: Vec<_> =
            on_disk.into_iter().filter(|(key, conv)| user.state.record(key) != conv.as_ref()).collect();
        if differing.is_empty() {
            return;
        }
        let next_order_key = differing.iter().filter_map(|(_, c)| c.as_ref()).map(|c| c.order_key + 1).max();
        let changes = user.state.apply_committed(differing, next_order_key.unwrap_or(0));
        self.publish(&changes, Vec::new(), &[]);
    }

    /// Reports a change already on disk, in this order: conversation events, the received
    /// messages (receive callbacks), the sent ones (transport), the total and filtered unread.
    fn publish(
        &mut self,
        changes: &ChangeSet,
        received: Vec<tim_types::Message>,
        sent: &[tim_types::Message],
    ) {
        let Some(user) = self.user.as_ref() else { return };
        let events = if self.deps.hub.has_conv_handler() {
            changes.events_of(user.state.touched(changes), &user.user_id)
        } else {
            EventBatch::default()
        };
        let totals = subscription_totals(&self.subscriptions, changes, user.state.touched(changes));
        let total = user.state.total_unread();
        let (hub, dispatcher) = (&self.deps.hub, &self.deps.dispatcher);
        hub.emit_batch(dispatcher, events);
        if !received.is_empty() {
            hub.emit_new_messages(dispatcher, received);
        }
        if let Transport::Loopback(loopback) = &self.deps.transport {
            for message in sent {
                loopback.route(&user.user_id, message);
            }
        }
        self.report_total(total);
        self.report_subscriptions(totals);
    }

    /// Runs the commands held behind a barrier, until the next barrier.
    fn resume(&mut self, ctx: &mut Context<Self>) {
        if self.resuming || self.store_call || (self.barrier && !self.idle()) {
            return;
        }
        self.barrier = false;
        self.resuming = true;
        while !self.held() {
            let Some(cmd) = self.backlog.pop_front() else { break };
            self.process(cmd, ctx);
        }
        self.resuming = false;
        self.flush(ctx);
    }

    fn login(&mut self, user_id: String, user_sig: String, done: Completion<()>, ctx: &mut Context<Self>) {
        self.deps.session.take_up_login();
        if let Some(user) = &self.user {
            let result = if user.user_id == user_id {
                Ok(())
            } else {
                Err(TimError::new(
                    ErrCode::SdkInvalidOperation,
                    format!("already logged in as {:?}; log out first", user.user_id),
                ))
            };
            return self.answer_now(done, result);
        }
        self.store_call = true;
        let (records, chunks) = flume::unbounded();
        let open = Open { data_dir: self.deps.data_dir.clone(), user_id: user_id.clone(), records };
        // `send` queues the message now; the state is built here, chunk by chunk, while the
        // store thread reads and decodes the next records (two cores, half the login time each).
        let reply = self.deps.store.send(open);
        let build = async move {
            let mut state = ConvState::loading(0);
            while let Ok(part) = chunks.recv_async().await {
                match part {
                    Loading::Expect(n) => state.reserve(n),
                    Loading::Records(list) => list.into_iter().for_each(|conv| state.add_loaded(conv)),
                }
            }
            (state, reply.await)
        };
        build
            .into_actor(self)
            .map(move |(mut state, result), actor, ctx| {
                match flatten(result) {
                    Ok(loaded) => {
                        state.finish_loading(loaded.next_order_key, loaded.groups);
                        let total = state.total_unread();
                        actor.cursors.clear();
                        actor.deps.session.logged_in(&user_id, &user_sig);
                        if let Transport::Loopback(hub) = &actor.deps.transport {
                            hub.register(&user_id, actor.deps.instance, actor.deps.ingress.clone());
                        }
                        actor.user = Some(LoggedIn { user_id, state });
                        actor.reset_subscriptions();
                        done.complete(Ok(()));
                        let (hub, dispatcher) = (&actor.deps.hub, &actor.deps.dispatcher);
                        hub.emit(dispatcher, ConvEvent::Start, Vec::new());
                        hub.emit(dispatcher, ConvEvent::Finish, Vec::new());
                        // The callback reports commits that change the total, never a login: the
                        // app asks for the new user's total (TIMConvGetTotalUnreadMessageCount).
                        actor.reported_total = total;
                    }
                    Err(error) => {
                        actor.deps.session.login_failed();
                        done.complete(Err(TimError::database(error)));
                    }
                }
                actor.end_store_call();
                if actor.shutting_down {
                    actor.shutdown_when_quiet(ctx);
                } else {
                    actor.resume(ctx);
                }
            })
            .spawn(ctx);
    }

    fn leave_transport(&self) {
        if let (Transport::Loopback(hub), Some(user)) = (&self.deps.transport, &self.user) {
            hub.unregister(&user.user_id, self.deps.instance);
        }
    }

    fn logout(&mut self, done: Completion<()>, ctx: &mut Context<Self>) {
        if self.user.is_none() {
            self.deps.session.logged_out();
            return self.answer_now(done, Err(Self::not_logged_in()));
        }
        self.store_call = true;
        self.deps.session.logging_out();
        self.deps
            .store
            .send(Close)
            .into_actor(self)
            .map(move |_, actor, ctx| {
                actor.leave_transport();
                actor.user = None;
                actor.deps.session.logged_out();
                done.complete(Ok(()));
                actor.end_store_call();
                if actor.shutting_down {
                    actor.shutdown_when_quiet(ctx);
                } else {
                    actor.resume(ctx);
                }
            })
            .spawn(ctx);
    }

    /// Commits the writes already carried out in memory (a batch still gathering its writers, or
    /// waiting for the commands queued behind it: they are not dropped), then shuts down once
    /// nothing is in flight.
    fn commit_and_shut_down(&mut self, ctx: &mut Context<Self>) {
        self.gather_expired = true;
        self.flush(ctx);
        self.shutdown_when_quiet(ctx);
    }

    /// Shuts down once no store call is outstanding: the batch in flight keeps its true result
    /// (and what was carried out in memory was committed before: see `commit_and_shut_down`);
    /// everything else is dropped, which answers it with the shutdown error.
    fn shutdown_when_quiet(&mut self, ctx: &mut Context<Self>) {
        if self.shut_down || self.in_flight.is_some() || self.store_call {
            return;
        }
        self.shut_down = true;
        self.leave_transport();
        // Answer, in arrival order, everything that was not committed: first the answers waiting
        // for a batch, then the commands held behind a login or logout.
        self.waiting_blocked.clear();
        self.answer_reads_before_first_write();
        for deferred in std::mem::take(&mut self.waiting) {
            drop(deferred);
        }
        for cmd in std::mem::take(&mut self.backlog) {
            drop(cmd);
        }
        self.user = None;
        self.deps
            .store
            .send(Close)
            .into_actor(self)
            .map(|_, _, ctx| {
                ctx.stop();
                System::current().stop();
            })
            .spawn(ctx);
    }
}

fn flatten<T>(result: Result<Result<T, StoreError>, MailboxError>) -> Result<T, StoreError> {
    result.unwrap_or_else(|e| Err(mailbox_failure(e)))
}

/// The store actor could not be reached (it is gone).
fn mailbox_failure(error: MailboxError) -> StoreError {
    StoreError::Redb(redb::Error::Io(std::io::Error::other(error.to_string())))
}

impl Actor for ConvActor {
    type Context = Context<Self>;
}

impl StreamHandler<Command> for ConvActor {
    fn handle(&mut self, cmd: Command, ctx: &mut Context<Self>) {
        self.process(cmd, ctx);
        // Whatever path the command took (some wait in the backlog): a batch that waited for the
        // queued commands is cut once they are taken, and at once when a barrier waits for it.
        if self.barrier || self.deps.queued.is_empty() {
            self.flush(ctx);
        }
    }

    fn finished(&mut self, _: &mut Context<Self>) {
        // The runtime keeps a sender until shutdown, so the stream never ends early; the actor
        // stops through Command::Shutdown, not here.
    }
}

/// Ends when the gathering batch has its writers, a barrier or the shutdown waits for it, or the
/// deadline passed.
struct Gather {
    deadline: std::time::Instant,
}

impl actix::ActorFuture<ConvActor> for Gather {
    type Output = ();

    fn poll(
        self: std::pin::Pin<&mut Self>,
        actor: &mut ConvActor,
        ctx: &mut Context<ConvActor>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        // Waits on the actor's own queue, taking the commands as they come: the thread sleeps
        // until the next writer is back (or the time is up) instead of spinning, which on two
        // cores took a core from the writers it waited for.
        while actor.gathering
            && !actor.barrier
            && !actor.shutting_down
            && actor.waiting_blocked.len() < actor.gather_target
        {
            match actor.deps.queued.recv_deadline(self.deadline) {
                Ok(cmd) => actor.process(cmd, ctx),
                Err(_) => break,
            }
        }
        std::task::Poll::Ready(())
    }
}
