//! Message operations, each carried out inside one redb write transaction together with the
//! conversation changes it causes: a batch of operations commits or fails as a whole.
//!
//! The conversation actor sends these only while no conversation change of its own is pending,
//! so the conversation records read here equal its in-memory state; it takes the changed records
//! back from [`OpsOutcome::changed`].

use std::collections::{BTreeSet, VecDeque};
use std::panic::AssertUnwindSafe;

use hashbrown::{HashMap, HashSet};
use redb::{ReadableTable, WriteTransaction};
use tim_types::{ConvType, ElemType, ErrCode, Message, MessageJson, keys};

use super::messages::{MessageTables, PurgeSweep};
use super::numbers::NumberCache;
use super::pending::PendingRows;
use super::recent::{self, RecentIndex, RecordWriter};
use super::redb_store::StoreError;
use super::schema::{CONVERSATIONS, META, META_NEXT_MSG_UID, RECENT_RECORDS, conv_row};
use super::sieve::Sieve;
use crate::error::TimError;
use crate::ids::{ConvKey, check_id};
use crate::state::Conversation;
use crate::state::messages::{
    Filing, MessageRecord, MsgPos, Origin, apply_clear, apply_delete, apply_insert_but_last_text,
    apply_read_up_to, file_message, present_is_read, reminder,
};

/// A message named without its ID, as TIM 5.x code names one (5.x messages had no
/// `message_msg_id`): by its `message_server_time` and its `message_seq` and/or `message_rand`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageLocator {
    /// `message_server_time`.
    pub time: u64,
    /// `message_seq`, if given.
    pub seq: Option<u64>,
    /// `message_rand`, if given.
    pub rand: Option<u64>,
}

/// How a call names one message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageName {
    /// By its `message_msg_id`.
    Id(String),
    /// By its server time, sequence and random number (the first such message of that second).
    Located(MessageLocator),
}

impl From<String> for MessageName {
    fn from(id: String) -> Self {
        MessageName::Id(id)
    }
}

impl From<&str> for MessageName {
    fn from(id: &str) -> Self {
        MessageName::Id(id.to_owned())
    }
}

impl From<MessageLocator> for MessageName {
    fn from(locator: MessageLocator) -> Self {
        MessageName::Located(locator)
    }
}

impl std::fmt::Display for MessageName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MessageName::Id(id) => write!(f, "{id:?}"),
            MessageName::Located(MessageLocator { time, seq, rand }) => {
                write!(f, "the message at server time {time}")?;
                if let Some(seq) = seq {
                    write!(f, " with sequence {seq}")?;
                }
                if let Some(rand) = rand {
                    write!(f, " with random number {rand}")?;
                }
                Ok(())
            }
        }
    }
}

/// Where a history query starts.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryStart {
    /// At the newest (backward) or oldest (forward) message.
    End,
    /// Just after this message (not included).
    AfterMessage(MessageName),
    /// At the message of this sequence (included).
    AtSeq(u64),
}

/// A history query (`TIMMsgGetMsgList`).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryQuery {
    /// Where to start.
    pub start: HistoryStart,
    /// How many at most.
    pub count: usize,
    /// Newer messages, oldest first (otherwise older, newest first).
    pub forward: bool,
    /// Inclusive time window, UTC seconds.
    pub time_from: u64,
    /// Inclusive upper end of the time window.
    pub time_to: u64,
    /// Keep messages holding an element of one of these types; empty keeps all.
    pub types: Vec<ElemType>,
    /// Exactly these sequences, when given.
    pub seqs: Option<Vec<u64>>,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            start: HistoryStart::End,
            count: 20,
            forward: false,
            time_from: 0,
            time_to: u64::MAX,
            types: Vec::new(),
            seqs: None,
        }
    }
}

/// How far a read report goes. `Time(0)` and `Seq(0)` are bounds like any other (at most
/// messages at 0 are read), not "everything" as the C call's 0 is: to read a whole
/// conversation, use [`ReadScope::Conversation`] with `mark_read`.
///
/// [`ReadScope::Conversation`]: crate::ReadScope::Conversation
#[derive(Debug, Clone, PartialEq)]
pub enum ReadBound {
    /// Up to and including this message.
    Message(MessageName),
    /// Up to and including this UTC second (C2C).
    Time(u64),
    /// Up to and including this sequence (group).
    Seq(u64),
}

/// One message operation.
#[derive(Debug, Clone)]
pub enum MsgOp {
    /// Store messages in one conversation (send, save, import).
    Insert {
        /// The conversation.
        key: ConvKey,
        /// The messages.
        messages: Vec<Message>,
        /// How they enter.
        origin: Origin,
    },
    /// Store messages received from others; each names its conversation.
    Deliver {
        /// The messages (`message_conv_type`, `message_conv_id` or, for C2C, the sender).
        messages: Vec<Message>,
        /// Drop group messages for groups the user has no conversation with, shown or hidden
        /// (loopback hub).
        only_known_groups: bool,
        /// The user they are for (loopback hub): dropped if another user is logged in by the time
        /// they are stored (a logout and another login came first). `None`: whoever is logged in.
        for_user: Option<String>,
    },
    /// Delete one message.
    Delete {
        /// The conversation.
        key: ConvKey,
        /// The message.
        message: MessageName,
    },
    /// Delete every message of a conversation; it stays.
    Clear {
        /// The conversation.
        key: ConvKey,
    },
    /// Mark messages read up to a bound.
    ReadUpTo {
        /// The conversation.
        key: ConvKey,
        /// How far.
        bound: ReadBound,
    },
    /// Read history.
    History {
        /// The conversation.
        key: ConvKey,
        /// What to read.
        query: HistoryQuery,
    },
    /// Recount every conversation from its messages; with `fix`, correct mismatches.
    Doctor {
        /// Correct what is wrong.
        fix: bool,
    },
}

impl MsgOp {
    /// Whether the operation only reads messages (a history page): it may run on a file whose
    /// write-back of failed conversation records is still waiting (`StoreSlot::reopened`).
    pub fn reads_only(&self) -> bool {
        matches!(self, MsgOp::History { .. })
    }
}

/// What one operation returns.
#[derive(Debug, Clone, PartialEq)]
pub enum OpOutput {
    /// Messages: those stored (send, save, deliver; duplicates left out) or read (history).
    Messages(Vec<Message>),
    /// How many messages an import stored (duplicates left out).
    Count(usize),
    /// Nothing to return.
    Done,
    /// The doctor's findings.
    Report(DoctorReport),
}

/// What `tim doctor` found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoctorReport {
    /// Conversations checked.
    pub conversations: u64,
    /// Messages read.
    pub messages: u64,
    /// One line per mismatch.
    pub mismatches: Vec<String>,
    /// Message records in the log that no conversation's history reaches (only a damaged file
    /// has them): invisible to every call, reported and never removed (`fix` leaves them, as
    /// they may be what someone wants to recover).
    pub unindexed_records: u64,
    /// Indexed message records that cannot be read (`<conversation>@<time>/<uid>: why`; only a
    /// damaged file has them): every call that reaches one fails with 6019. Reported and left
    /// in place for recovery; their conversations are not recounted.
    pub unreadable_records: Vec<String>,
    /// Damage to the conversation number tables that no fix can undo (two conversations named
    /// by one number, or one by two): their histories can no longer be told apart. Reported
    /// and left. (What a fix can undo is among the mismatches.)
    pub damaged_numbers: Vec<String>,
    /// Whether the mismatches were corrected.
    pub fixed: bool,
}

/// The result of a batch of operations.
#[derive(Debug, Default)]
pub struct OpsOutcome {
    /// One result per operation, in order.
    pub results: Vec<Result<OpOutput, TimError>>,
    /// The committed state of every conversation the batch changed.
    pub changed: Vec<(ConvKey, Option<Conversation>)>,
    /// The order-key counter after the batch.
    pub next_order_key: u64,
    /// Newly stored messages from others, for the receive callbacks.
    pub received: Vec<Message>,
    /// Newly stored messages sent by the user, for the transport.
    pub sent: Vec<Message>,
    /// Whether the batch changed anything. A batch that did not (history, the doctor without
    /// `fix`, duplicates only) is not committed: a durable commit costs an fsync, which made
    /// every history page cost one.
    pub wrote: bool,
}

/// Inputs that come from the conversation actor.
pub struct OpsContext {
    /// The logged-in user.
    pub self_id: String,
    /// Now, UTC seconds.
    pub now: u64,
    /// The order-key counter.
    pub next_order_key: u64,
    /// Whether anybody listens for received messages (copies are made only then).
    pub collect_received: bool,
    /// The records of conversations the operations touch, as the actor holds them (equal to the
    /// store's: operations run only when nothing else is pending); others are read from the table.
    pub preloaded: Vec<(ConvKey, Option<Conversation>)>,
}

impl MsgOp {
    /// The conversations this operation touches, when known without reading the store.
    pub fn conversations(&self, self_id: &str) -> Vec<ConvKey> {
        match self {
            MsgOp::Insert { key, .. }
            | MsgOp::Delete { key, .. }
            | MsgOp::Clear { key }
            | MsgOp::ReadUpTo { key, .. }
            | MsgOp::History { key, .. } => vec![key.clone()],
            MsgOp::Deliver { messages, .. } => {
                messages.iter().filter_map(|m| delivery_key(m, Some(self_id))).collect()
            }
            MsgOp::Doctor { .. } => Vec::new(),
        }
    }
}

fn invalid(desc: impl Into<String>) -> TimError {
    TimError::new(ErrCode::InvalidParameters, desc)
}

fn no_conversation(key: &ConvKey) -> TimError {
    TimError::new(ErrCode::InvalidConversation, format!("conversation {key} does not exist"))
}

/// From this many messages in one operation on, their JSON is encoded on a second thread
/// ([`Batch::insert_many`]); below, starting the thread costs more than it saves.
const BULK_INSERT_AT: usize = 64;

/// A bulk insert writes what it filed every this many messages: the encodings waiting to be
/// written (about twice the messages' JSON) stay bounded whatever the call's size.
const BULK_INSERT_CHUNK: usize = 4096;

/// A filed message with its JSON and its log record.
struct Encoded {
    rec: MessageRecord,
    json: MessageJson,
    record: Vec<u8>,
}

/// What became of one message offered to the store.
enum Inserted {
    /// Its ID was stored already.
    Duplicate,
    /// Stored (with its reported form, when asked for).
    Stored(Option<Box<Message>>),
}

/// The working state of one batch.
struct Batch<'txn, 'r> {
    txn: &'txn WriteTransaction,
    recent: &'r RecentIndex,
    tables: MessageTables<'txn>,
    /// The conversations read or changed so far (hashed: a call of 1,000 messages looks its
    /// conversation up several times per message).
    convs: HashMap<ConvKey, Option<Conversation>>,
    /// The conversations to write, written in key order at the end.
    dirty: HashSet<ConvKey>,
    ctx: OpsContext,
    next_uid: u64,
    /// The message counter as `meta` holds it (`None`: missing), the least uid a new message
    /// may take and the one the batch began with: for the doctor.
    uid_counter_at_start: (Option<u64>, u64, u64),
    outcome: OpsOutcome,
    /// Whether a table was repaired that no conversation's change shows (the doctor's fix of
    /// the conversation numbers): the batch must commit.
    repaired_tables: bool,
}

impl Batch<'_, '_> {
    fn conv(&mut self, key: &ConvKey) -> Result<Option<&mut Conversation>, StoreError> {
        if !self.convs.contains_key(key) {
            let loaded = recent::read(self.txn, self.recent, key)?;
            self.convs.insert(key.clone(), loaded);
        }
        Ok(self.convs.get_mut(key).and_then(Option::as_mut))
    }

    /// The conversation as the API sees it: hidden ones (deleted with their messages kept) do
    /// not exist until a new message brings them back.
    fn visible(&mut self, key: &ConvKey) -> Result<Option<&mut Conversation>, StoreError> {
        Ok(self.conv(key)?.filter(|c| !c.hidden))
    }

    fn touch(&mut self, key: &ConvKey) {
        if !self.dirty.contains(key) {
            self.dirty.insert(key.clone());
        }
    }

    fn take_uid(&mut self) -> Result<u64, StoreError> {
        let uid = self.next_uid;
        // Only a damaged counter (or log key) gets here: refused, not wrapped to 0.
        self.next_uid = uid.checked_add(1).ok_or_else(|| StoreError::Corrupt {
            key: META_NEXT_MSG_UID.into(),
            detail: "the message counter is at its largest value".into(),
        })?;
        Ok(uid)
    }

    fn run(&mut self, op: MsgOp) -> Result<Result<OpOutput, TimError>, StoreError> {
        match op {
            MsgOp::Insert { key, messages, origin } => {
                // An import reports how many it stored; a send or save, the stored message.
                let report = origin != Origin::Imported;
                let mut stored = Vec::new();
                let mut count = 0;
                let items = messages.into_iter().map(|msg| (key.clone(), msg)).collect();
                for inserted in self.insert_all(items, origin, report)? {
                    if let Inserted::Stored(reported) = inserted {
                        count += 1;
                        stored.extend(reported.map(|m| *m));
                    }
                }
                Ok(Ok(if report { OpOutput::Messages(stored) } else { OpOutput::Count(count) }))
            }
            MsgOp::Deliver { for_user: Some(user), .. } if user != self.ctx.self_id => {
                Ok(Ok(OpOutput::Messages(Vec::new())))
            }
            MsgOp::Deliver { messages, only_known_groups, .. } => {
                // All or nothing, as the call's check: one the user sent from another device without
                // its peer (the check cannot tell it while a login is still queued) refuses the call.
                // Only the user's own can fail here: the call checked every other against the same rule.
                let self_id = self.ctx.self_id.as_str();
                let mut own = messages.iter().filter(|msg| msg.message_sender.as_deref() == Some(self_id));
                if own.any(|msg| delivery_key(msg, Some(self_id)).is_none()) {
                    return Ok(Err(invalid("a message from the user needs message_conv_id (the peer)")));
                }
                let mut items = Vec::with_capacity(messages.len());
                for msg in messages {
                    let Some(key) = delivery_key(&msg, Some(&self.ctx.self_id)) else { continue };
                    // Read before any of the call is filed, as before each message: a message
                    // for an unknown group is skipped, so none of them makes the group known. A
                    // hidden group is known (its user only deleted it from the list, kept its
                    // messages, and is still a member): the message brings it back.
                    if only_known_groups && key.conv_type() == ConvType::Group && self.conv(&key)?.is_none() {
                        continue;
                    }
                    items.push((key, msg));
                }
                let mut stored = Vec::new();
                for inserted in self.insert_all(items, Origin::Received, true)? {
                    if let Inserted::Stored(reported) = inserted {
                        stored.extend(reported.map(|m| *m));
                    }
                }
                Ok(Ok(OpOutput::Messages(stored)))
            }
            MsgOp::Delete { key, message } => self.delete(&key, &message),
            MsgOp::Clear { key } => {
                if self.visible(&key)?.is_none() {
                    return Ok(Err(no_conversation(&key)));
                }
                self.tables.retire_history(&key)?;
                if let Some(conv) = self.conv(&key)? {
                    apply_clear(conv);
                }
                self.touch(&key);
                Ok(Ok(OpOutput::Done))
            }
            MsgOp::ReadUpTo { key, bound } => this_op_only(self.read_up_to(&key, bound)),
            MsgOp::History { key, query } => this_op_only(self.history(&key, query)),
            MsgOp::Doctor { fix } => self.doctor(fix).map(|r| Ok(OpOutput::Report(r))),
        }
    }

    /// Stores one message unless its ID is already stored; with `report`, returns it as the API
    /// reports it.
    fn insert(
        &mut self,
        key: &ConvKey,
        msg: Message,
        origin: Origin,
        report: bool,
    ) -> Result<Inserted, StoreError> {
        let Some(rec) = self.file(key, msg, origin, None)? else { return Ok(Inserted::Duplicate) };
        // Encoded once: the stored record and, usually, the conversation's last message share it.
        let json = MessageJson::encode(&rec.msg);
        let record = super::messages::encode(&rec, &json);
        self.store_filed(key, Encoded { rec, json, record }, origin, report)
    }

    /// Stores messages in order: [`Self::insert_many`] from [`BULK_INSERT_AT`] messages on,
    /// [`Self::insert`] each below.
    fn insert_all(
        &mut self,
        items: Vec<(ConvKey, Message)>,
        origin: Origin,
        report: bool,
    ) -> Result<Vec<Inserted>, StoreError> {
        if items.len() >= BULK_INSERT_AT {
            return self.insert_many(items, origin, report);
        }
        items.into_iter().map(|(key, msg)| self.insert(&key, msg, origin, report)).collect()
    }

    /// Stores many messages as [`Self::insert`] does one after the other, the JSON of each
    /// encoded on a second thread while this one files the next ones (then this one writes them):
    /// the encoding is about a sixth of an import's time on the store thread, which is the whole
    /// call's critical path (W1 in docs/performance.md).
    fn insert_many(
        &mut self,
        items: Vec<(ConvKey, Message)>,
        origin: Origin,
        report: bool,
    ) -> Result<Vec<Inserted>, StoreError> {
        std::thread::scope(|scope| {
            let (jobs, for_encoder) = flume::unbounded::<MessageRecord>();
            let (to_store, encoded) = flume::unbounded::<Encoded>();
            let spawned =
                std::thread::Builder::new().name("tim-encode".into()).spawn_scoped(scope, move || {
                    // A panic ends this thread's work, not the store thread: that one finds the
                    // channel closed and fails the operation (its transaction is not committed).
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        for rec in for_encoder.iter() {
                            let json = MessageJson::encode(&rec.msg);
                            let record = super::messages::encode(&rec, &json);
                            if to_store.send(Encoded { rec, json, record }).is_err() {
                                return;
                            }
                        }
                    }));
                });
            if spawned.is_err() {
                // No second thread to be had: one message after the other, as small calls go.
                return items.into_iter().map(|(key, msg)| self.insert(&key, msg, origin, report)).collect();
            }
            // Filed in order on this thread (each message's filing depends on the ones before it
            // in its conversation) and encoded over there as they come; then written in order,
            // every [`BULK_INSERT_CHUNK`] messages, so that encodings do not pile up. (A message
            // written before a newer one of its conversation is filed sets the last message's
            // text; the newer one sets it again when it is written.) Writing between filings,
            // each as soon as it was encoded, measured about 4 % slower.
            let mut filed_ids = HashSet::new();
            // Each filed message's place in `results` (a placeholder until it is written).
            let mut waiting: VecDeque<(usize, ConvKey)> = VecDeque::new();
            let mut results = Vec::with_capacity(items.len());
            let total = items.len();
            for (n, (key, msg)) in items.into_iter().enumerate() {
                match self.file(&key, msg, origin, Some(&mut filed_ids))? {
                    Some(rec) => {
                        // The receiver lives until this scope ends.
                        let _ = jobs.send(rec);
                        waiting.push_back((results.len(), key));
                        results.push(Inserted::Duplicate);
                    }
                    None => results.push(Inserted::Duplicate),
                }
                if (n + 1) % BULK_INSERT_CHUNK == 0 || n + 1 == total {
                    while let Some((at, key)) = waiting.pop_front() {
                        let done = encoded.recv().map_err(|_| StoreError::Corrupt {
                            key: key.to_string(),
                            detail: "the encoding thread stopped".into(),
                        })?;
                        results[at] = self.store_filed(&key, done, origin, report)?;
                    }
                    // Every message filed so far is written: folding here keeps the rows held
                    // in memory near the fold size however large the call (the mark, the uid
                    // counter, is past no record without its rows).
                    self.fold_pending_rows_if_due()?;
                }
            }
            Ok(results)
        })
    }

    /// Folds the pending index rows if there are enough of them; only where every message this
    /// batch numbered (with [`Self::take_uid`]) is written, as the fold moves the mark to the
    /// uid counter.
    fn fold_pending_rows_if_due(&mut self) -> Result<(), StoreError> {
        if super::pending::fold_due(self.tables.pending_len()) {
            self.tables.fold_pending(&mut self.txn.open_table(META)?, self.next_uid)?;
        }
        Ok(())
    }

    /// Files a message into its conversation (creating it) unless its ID is stored already (or,
    /// in a bulk insert, `filed_ids` holds it): its position, IDs and times, and its effect on the
    /// conversation, except the last message's text, which [`Self::store_filed`] sets.
    fn file(
        &mut self,
        key: &ConvKey,
        msg: Message,
        origin: Origin,
        mut filed_ids: Option<&mut HashSet<String>>,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let taken = |tables: &MessageTables, filed: &Option<&mut HashSet<String>>, id: &str| {
            Ok::<_, StoreError>(filed.as_ref().is_some_and(|f| f.contains(id)) || tables.id_taken(id)?)
        };
        let given_id = msg.message_msg_id.as_deref().filter(|id| !id.is_empty());
        if let Some(id) = given_id
            && taken(&self.tables, &filed_ids, id)?
        {
            return Ok(None);
        }
        let id_generated = given_id.is_none();
        if self.conv(key)?.is_none() {
            let order_key = self.ctx.next_order_key;
            self.ctx.next_order_key += 1;
            self.convs.insert(key.clone(), Some(Conversation::new(key, order_key)));
        }
        let uid = self.take_uid()?;
        let filing = Filing { self_id: &self.ctx.self_id, now: self.ctx.now, uid };
        let conv = self.convs.get_mut(key).and_then(Option::as_mut).ok_or(StoreError::NotOpen)?;
        let mut rec = file_message(msg, origin, key, conv, &filing);
        if id_generated {
            // A generated ID may equal one a caller gave an earlier message: indexing it would
            // take that message's ID away. A suffix makes it unique.
            let base = rec.msg_id().to_owned();
            let mut suffix = 0u32;
            while taken(&self.tables, &filed_ids, rec.msg_id())? {
                suffix += 1;
                rec.msg.message_msg_id = Some(format!("{base}-{suffix}"));
            }
        }
        apply_insert_but_last_text(conv, &rec, &self.ctx.self_id, &mut self.ctx.next_order_key);
        if let Some(filed) = filed_ids.as_mut() {
            filed.insert(rec.msg_id().to_owned());
        }
        Ok(Some(rec))
    }

    /// Writes a filed message, and the last message's text if it is the conversation's last.
    fn store_filed(
        &mut self,
        key: &ConvKey,
        done: Encoded,
        origin: Origin,
        report: bool,
    ) -> Result<Inserted, StoreError> {
        let Encoded { rec, json, record } = done;
        self.tables.insert(key, &rec, &record)?;
        let mut read_mark = None;
        if let Some(conv) = self.conv(key)? {
            read_mark = conv.read_mark();
            // Filing moved the last position; the last message of a bulk insert is known only
            // once all of it is filed, so its text is set here.
            if conv.last_pos() == Some(rec.pos) {
                conv.last_msg = Some(rec.present_json_from(read_mark, json));
            }
        }
        self.touch(key);
        // Copies only for whoever will read them: the caller, the receive callbacks, the transport.
        // Received messages include the user's own from another device: apps show those too.
        let for_callbacks = origin == Origin::Received && self.ctx.collect_received;
        if !(report || for_callbacks || origin == Origin::Sent) {
            return Ok(Inserted::Stored(None));
        }
        // The record is written: its message becomes the reported one (no copy).
        let (pos, mut reported) = (rec.pos, rec.msg);
        present_is_read(&mut reported, pos, read_mark);
        if for_callbacks {
            self.outcome.received.push(reported.clone());
        }
        if origin == Origin::Sent {
            self.outcome.sent.push(reported.clone());
        }
        Ok(Inserted::Stored(report.then(|| Box::new(reported))))
    }

    /// Where the message a call names is in `key`'s history; an error for the caller when it is
    /// in no conversation or in another one.
    fn locate(&self, key: &ConvKey, name: &MessageName) -> Result<Result<MsgPos, TimError>, StoreError> {
        match name {
            MessageName::Id(id) => Ok(match self.tables.find_id(id)? {
                None => Err(invalid(format!("message {name} does not exist"))),
                Some((parts, _)) if (parts.0, parts.1.as_str()) != conv_row(key) => {
                    Err(invalid(format!("message {name} is not in conversation {key}")))
                }
                Some((_, pos)) => Ok(pos),
            }),
            MessageName::Located(MessageLocator { time, seq, rand }) => {
                let at = |uid| MsgPos { time: *time, uid };
                let mut located = None;
                self.tables.scan(key, at(0), at(u64::MAX), false, |rec| {
                    if seq.is_none_or(|seq| rec.seq() == seq)
                        && rand.is_none_or(|rand| rec.msg.message_rand == Some(rand))
                    {
                        located = Some(rec.pos);
                    }
                    located.is_none()
                })?;
                Ok(located.ok_or_else(|| invalid(format!("no message of {key} is {name}"))))
            }
        }
    }

    fn delete(
        &mut self,
        key: &ConvKey,
        message: &MessageName,
    ) -> Result<Result<OpOutput, TimError>, StoreError> {
        if self.visible(key)?.is_none() {
            return Ok(Err(no_conversation(key)));
        }
        // Found before anything of this delete is written: a record that does not read on the
        // way (a neighbour of a message named by its time) fails it alone.
        let pos = match this_op_only(self.locate(key, message))? {
            Ok(pos) => pos,
            Err(e) => return Ok(Err(e)),
        };
        let Some(rec) = self.tables.remove(key, pos)? else {
            return Ok(Err(invalid(format!("message {message} does not exist"))));
        };
        // A new last message only when this one was it, found below it: every message above the
        // last one is excluded from being last. (Searched from the top on every delete, this
        // decoded every such message each time: 3 s with 800,000 of them.)
        let was_last = self.conv(key)?.is_some_and(|c| c.last_pos() == Some(rec.pos));
        let new_last =
            if was_last { self.tables.newest_where(key, rec.pos, MessageRecord::can_be_last)? } else { None };
        let new_newest = self.tables.newest_where(key, MsgPos::MAX, |_| true)?.map(|r| r.pos);
        let self_id = self.ctx.self_id.clone();
        if let Some(conv) = self.conv(key)? {
            apply_delete(conv, &rec, new_last.as_ref(), new_newest, &self_id);
            self.touch(key);
        }
        Ok(Ok(OpOutput::Done))
    }

    fn read_up_to(
        &mut self,
        key: &ConvKey,
        bound: ReadBound,
    ) -> Result<Result<OpOutput, TimError>, StoreError> {
        if self.visible(key)?.is_none() {
            return Ok(Err(no_conversation(key)));
        }
        let bound_seq = if let ReadBound::Seq(seq) = &bound { Some(*seq) } else { None };
        let mark = match bound {
            ReadBound::Message(name) => match self.locate(key, &name)? {
                Ok(pos) => pos,
                Err(e) => return Ok(Err(e)),
            },
            // Nothing is at or before time 0 (a message without a time is stamped now).
            ReadBound::Time(0) => return Ok(Ok(OpOutput::Done)),
            // After every message stored so far in that second, not after those still to come
            // in it: a message that arrives after the read is news (the mark is a position).
            ReadBound::Time(time) => MsgPos { time, uid: self.next_uid.saturating_sub(1) },
            ReadBound::Seq(seq) => match self.tables.newest_at_or_below_seq(key, seq)? {
                Some(pos) => pos,
                None => return Ok(Ok(OpOutput::Done)),
            },
        };
        let mut read_seq = self.tables.newest_where(key, mark, |_| true)?.map_or(0, |r| r.seq());
        if let Some(seq) = bound_seq {
            // Sequences need not follow positions (explicit ones, same-second arrivals): what was
            // cleaned up to `seq` is read up to it, as far as sequences exist (also when the
            // mark does not move).
            let max_seq = self.conv(key)?.map_or(0, |c| c.max_seq);
            read_seq = read_seq.max(seq.min(max_seq));
        }
        // A report at or before the mark changes nothing but, for a group, the read sequence.
        let stale = self.conv(key)?.is_some_and(|c| Some(mark) <= c.read_mark());
        if stale && bound_seq.is_none() {
            read_seq = 0;
        }
        // The @-reminders that stay are those of messages after the mark: the same messages the
        // unread count counts, found by the same scan.
        let watch_mentions = self.conv(key)?.is_some_and(|c| !c.extras().group_at.is_empty());
        let mut mentions_after = Vec::new();
        let mut unread_after = 0;
        let self_id = self.ctx.self_id.clone();
        // Nothing to count for a stale report (an older message on screen, a device behind):
        // counting every message after it cost 1.2 s at 800,000 and held every other call.
        if mark < MsgPos::MAX && !stale {
            let from = MsgPos { time: mark.time, uid: mark.uid.saturating_add(1) };
            let from = if mark.uid == u64::MAX {
                MsgPos { time: mark.time.saturating_add(1), uid: 0 }
            } else {
                from
            };
            if watch_mentions {
                self.tables.scan(key, from, MsgPos::MAX, false, |rec| {
                    unread_after += u64::from(rec.counts_unread);
                    if rec.counts_unread
                        && let Some(at) = reminder(&rec, &self_id)
                    {
                        mentions_after.push(at);
                    }
                    true
                })?;
            } else {
                unread_after = self.tables.count_unread(key, from, MsgPos::MAX)?;
            }
        }
        if let Some(conv) = self.conv(key)? {
            apply_read_up_to(conv, mark, unread_after, read_seq, &mentions_after);
        }
        self.touch(key);
        Ok(Ok(OpOutput::Done))
    }

    fn history(&mut self, key: &ConvKey, q: HistoryQuery) -> Result<Result<OpOutput, TimError>, StoreError> {
        let Some(conv) = self.visible(key)? else { return Ok(Err(no_conversation(key))) };
        let read_mark = conv.read_mark();
        let keep = |rec: &MessageRecord| {
            (q.time_from..=q.time_to).contains(&rec.pos.time)
                && (q.types.is_empty()
                    || rec.msg.message_elem_array.iter().any(|e| q.types.contains(&e.elem_type())))
        };
        let mut found = Vec::new();
        if let Some(seqs) = &q.seqs {
            let mut recs = self.tables.with_seqs(key, seqs)?;
            recs.sort_by_key(|r| r.pos);
            recs.dedup_by_key(|r| r.pos);
            if !q.forward {
                recs.reverse();
            }
            found.extend(recs.into_iter().filter(|r| keep(r)).take(q.count).map(|r| r.present(read_mark)));
            return Ok(Ok(OpOutput::Messages(found)));
        }
        let mut from = MsgPos { time: q.time_from, uid: 0 };
        let mut to = MsgPos { time: q.time_to, uid: u64::MAX };
        match &q.start {
            HistoryStart::End => {}
            HistoryStart::AfterMessage(name) => {
                let pos = match self.locate(key, name)? {
                    Ok(pos) => pos,
                    Err(e) => return Ok(Err(e)),
                };
                if q.forward {
                    from = from.max(next_pos(pos));
                } else {
                    to = to.min(prev_pos(pos));
                }
            }
            HistoryStart::AtSeq(seq) => {
                let Some(pos) = self.tables.find_seq(key, *seq)? else {
                    return Ok(Ok(OpOutput::Messages(Vec::new())));
                };
                if q.forward {
                    from = from.max(pos);
                } else {
                    to = to.min(pos);
                }
            }
        }
        if q.count > 0 {
            let mut visit = |rec: MessageRecord| {
                if keep(&rec) {
                    found.push(rec.present(read_mark));
                }
                found.len() < q.count
            };
            // A filter that matches little (a media gallery) passes over many messages: most
            // are ruled out from their stored bytes, without being decoded.
            let types: Vec<u64> = q.types.iter().filter_map(|t| u64::try_from(t.value()).ok()).collect();
            match Sieve::new(keys::ELEM_TYPE, |t| types.contains(&t)).filter(|_| !types.is_empty()) {
                Some(sieve) => self.tables.scan_sieved(key, (from, to), !q.forward, &sieve, &mut visit)?,
                None => self.tables.scan(key, from, to, !q.forward, &mut visit)?,
            }
        }
        Ok(Ok(OpOutput::Messages(found)))
    }

    fn doctor(&mut self, fix: bool) -> Result<DoctorReport, StoreError> {
        let mut report = DoctorReport { fixed: fix, ..Default::default() };
        // Messages are stored past the log's end and the mark whatever the counter says
        // (`execute`); a counter lost or behind is damage all the same, and the fix writes it
        // back. (A new store has no counter until its first message; a message stored earlier in
        // this batch has moved it, and its commit writes it.)
        let (stored, least, began_with) = self.uid_counter_at_start;
        if stored.unwrap_or(1) < least && self.next_uid == began_with {
            let stored = stored.map_or("missing".into(), |uid| uid.to_string());
            report.mismatches.push(format!(
                "meta: the message counter ({stored}) is not past the log's last record and the index mark (next {least})"
            ));
            self.repaired_tables |= fix;
        }
        // Histories deleted or cleared whose messages are still being removed (`numbers.rs`):
        // removed now, so that the checks below meet only messages a call can find (their
        // records would count as unindexed). Work the idle moments would do anyway: committed.
        if self.tables.any_retired()? {
            let mut sweep = PurgeSweep::default();
            while self.tables.purge_retired(&mut sweep, usize::MAX)? {}
            self.repaired_tables = true;
        }
        // The numbers first: a conversation whose number a damaged file lost would look empty
        // to the recount below, and a fix would clear its unread count and last message.
        let numbering = self.tables.check_numbers(fix)?;
        let numbers_to_repair = !numbering.repairable.is_empty();
        self.repaired_tables |= fix && numbers_to_repair;
        report.mismatches.extend(numbering.repairable.into_iter().map(|line| format!("numbers: {line}")));
        report.damaged_numbers = numbering.damaged;
        // Records past the mark stranded for want of a number (`pending.rs`): with `fix`, the
        // conversations they name that exist get their numbers (put back above, or new ones: a
        // number lost with rows never written names no rows anywhere) and their rows are made,
        // in this transaction, before the recount finds those conversations empty.
        if fix && !self.tables.stranded().is_empty() {
            let named: BTreeSet<(u8, String)> =
                self.tables.stranded().values().map(|r| r.conv.clone()).collect();
            let mut existing = HashSet::new();
            for conv in named {
                if let Ok(key) = recent::conv_key(conv.0, &conv.1)
                    && self.conv(&key)?.is_some()
                {
                    existing.insert(conv);
                }
            }
            let gave = self.tables.number_stranded(|conv| existing.contains(conv))?;
            if gave > 0 || numbers_to_repair {
                self.tables.reread_pending()?;
                self.repaired_tables = true;
            }
        }
        // Records indexed but unreadable that the log holds: not "unindexed".
        let mut unreadable_in_log = 0u64;
        // Conversations whose messages are stranded still: not recounted (they would look empty).
        let without_number: HashSet<(u8, String)> =
            self.tables.stranded().values().map(|r| r.conv.clone()).collect();
        // The damaged numbers whose messages were counted (two conversations may share one).
        let mut shared_counted = HashSet::new();
        let keys = recent::current_keys(
            &self.txn.open_table(CONVERSATIONS)?,
            &self.txn.open_table(RECENT_RECORDS)?,
        )?;
        for key in keys {
            report.conversations += 1;
            let Some(conv) = self.conv(&key)?.cloned() else { continue };
            let number = self.tables.number_of(&key)?;
            // Its index rows may be another conversation's (a damaged number): not recounted,
            // its messages counted once per number.
            if numbering.involved.contains(&(conv_row(&key).0, key.id().to_owned())) {
                if number.is_some_and(|number| shared_counted.insert(number)) {
                    self.tables.scan_all_or_unreadable(
                        &key,
                        |_| report.messages += 1,
                        |pos, why, in_log| {
                            unreadable_in_log += u64::from(in_log);
                            report.unreadable_records.push(format!("{key}@{}/{}: {why}", pos.time, pos.uid));
                        },
                    )?;
                }
                continue;
            }
            // Its number is among those a fix would put back (or give, to stranded records):
            // until then a recount would find none of its messages (and a fix would clear its
            // last message and unread count).
            let (conv_type, conv_id) = conv_row(&key);
            let wants_number = without_number.contains(&(conv_type, conv_id.to_owned()));
            if number.is_none() && conv.newest().is_some() && (wants_number || (!fix && numbers_to_repair)) {
                report
                    .mismatches
                    .push(format!("{key}: its messages have no conversation number (not recounted)"));
                continue;
            }
            let (mut unread, mut newest, mut last, mut max_seq) = (0u64, None, None::<MessageRecord>, 0u64);
            // A group's @-reminders: those of the messages the unread count counts.
            let mut mentions = Vec::new();
            let self_id = &self.ctx.self_id;
            let unreadable_before = report.unreadable_records.len();
            // Messages whose ID row a damaged file lost: listed, but no call finds them by ID
            // (a delete by ID fails, a re-import would store them twice).
            let mut without_id_row = Vec::new();
            // Messages whose ID row names another position (a damaged file): found by ID, the
            // other message (or none) would be deleted or taken for it.
            let mut id_row_elsewhere = Vec::new();
            // A group's (sequence, position) of every message, for its sequence rows.
            let mut sequences = Vec::new();
            let tables = &self.tables;
            tables.scan_all_or_unreadable(
                &key,
                |rec| {
                    report.messages += 1;
                    if !rec.msg_id().is_empty() {
                        match tables.find_id(rec.msg_id()) {
                            Ok(None) => without_id_row.push((rec.msg_id().to_owned(), rec.pos)),
                            Ok(Some((parts, pos)))
                                if (parts.0, parts.1.as_str()) != conv_row(&key) || pos != rec.pos =>
                            {
                                id_row_elsewhere.push((rec.msg_id().to_owned(), rec.pos, parts, pos));
                            }
                            _ => {}
                        }
                    }
                    if rec.counts_unread && Some(rec.pos) > conv.read_mark() {
                        unread += 1;
                        if key.conv_type() == ConvType::Group
                            && let Some(at) = reminder(&rec, self_id)
                        {
                            mentions.push(at);
                        }
                    }
                    newest = Some(rec.pos);
                    max_seq = max_seq.max(rec.seq());
                    if key.conv_type() == ConvType::Group {
                        sequences.push((rec.seq(), rec.pos));
                    }
                    if rec.can_be_last() {
                        last = Some(rec);
                    }
                },
                |pos, why, in_log| {
                    unreadable_in_log += u64::from(in_log);
                    report.unreadable_records.push(format!("{key}@{}/{}: {why}", pos.time, pos.uid));
                },
            )?;
            for (msg_id, pos) in without_id_row {
                report.mismatches.push(format!("{key}@{}/{}: no ID row for {msg_id:?}", pos.time, pos.uid));
                if fix {
                    self.tables.restore_id(&msg_id, &key, pos)?;
                    self.repaired_tables = true;
                }
            }
            for (msg_id, pos, (row_type, row_id), row_pos) in id_row_elsewhere {
                // The row is right for another message of that ID (two messages sharing an ID,
                // which only damage makes): left, the two cannot both have it.
                let named = recent::conv_key(row_type, &row_id).ok();
                let other = match &named {
                    Some(named) => self.tables.get(named, row_pos).ok().flatten(),
                    None => None,
                };
                if other.is_some_and(|other| other.msg_id() == msg_id) {
                    continue;
                }
                report.mismatches.push(format!(
                    "{key}@{}/{}: the ID row for {msg_id:?} names another position ({row_type}/{row_id}@{}/{})",
                    pos.time, pos.uid, row_pos.time, row_pos.uid
                ));
                if fix {
                    self.tables.restore_id(&msg_id, &key, pos)?;
                    self.repaired_tables = true;
                }
            }
            if report.unreadable_records.len() > unreadable_before {
                // A recount without them could be wrong (the unreadable one may be the last
                // message, or unread): this conversation is reported, not corrected.
                continue;
            }
            if key.conv_type() == ConvType::Group
                && let Some(line) = self.tables.check_sequence_rows(&key, &mut sequences, fix)?
            {
                report.mismatches.push(format!("{key}: {line}"));
                self.repaired_tables |= fix;
            }
            let last_pos = last.as_ref().map(|r| r.pos);
            if conv.last_pos() != last_pos || conv.newest() != newest {
                // Its last or newest message may be a record that does not read and that
                // nothing indexes (it was not indexed yet when it was damaged): reported, and
                // the conversation left as it is, as for an indexed one.
                let mut unindexed_unreadable = false;
                let mut seen = None;
                for pos in [conv.last_pos(), conv.newest()].into_iter().flatten() {
                    if seen.replace(pos.uid) == Some(pos.uid) {
                        continue;
                    }
                    if let Some(why) = self.tables.unreadable_at(pos.uid)? {
                        unindexed_unreadable = true;
                        unreadable_in_log += 1;
                        report
                            .unreadable_records
                            .push(format!("{key}@{}/{}: {why} (not indexed)", pos.time, pos.uid));
                    }
                }
                if unindexed_unreadable {
                    continue;
                }
            }
            let mut fixed = conv.clone();
            let mut check = |field: &str, ok: bool| {
                if !ok {
                    report.mismatches.push(format!("{key}: {field}"));
                }
            };
            check(&format!("unread {} != {unread} counted", conv.unread), conv.unread == unread);
            check(
                "last message differs from the newest stored one",
                conv.last_pos() == last.as_ref().map(|r| r.pos),
            );
            check("newest position differs", conv.newest() == newest);
            check(&format!("max seq {} < {max_seq} stored", conv.max_seq), conv.max_seq >= max_seq);
            // As a multiset: the stored ones are in arrival order, the counted in position order.
            let at_key = |at: &tim_types::GroupAtInfo| {
                (at.conv_group_at_info_seq, at.conv_group_at_info_at_type.value())
            };
            let (mut stored_at, mut counted_at) = (conv.extras().group_at.clone(), mentions.clone());
            stored_at.sort_by_key(at_key);
            counted_at.sort_by_key(at_key);
            check(
                &format!("@ reminders {} != {} counted", stored_at.len(), counted_at.len()),
                stored_at == counted_at,
            );
            if stored_at != counted_at {
                fixed.edit_extras(|x| x.group_at = mentions);
            }
            fixed.unread = unread;
            fixed.set_last_pos(last.as_ref().map(|r| r.pos));
            fixed.last_msg = last.map(|r| r.present_json(conv.read_mark(), None));
            fixed.set_newest(newest);
            fixed.max_seq = conv.max_seq.max(max_seq);
            if fix && fixed != conv {
                if let Some(slot) = self.conv(&key)? {
                    *slot = fixed;
                }
                self.touch(&key);
            }
        }
        report.unindexed_records = self.tables.log_len()?.saturating_sub(report.messages + unreadable_in_log);
        Ok(report)
    }
}

/// A record that does not read (a damaged file), met by an operation that reads before it
/// writes anything (a history page, a read report's scan, a delete finding its message): that
/// operation fails with 6019, not the batch it shares with other callers' operations, which
/// goes on. (An operation that may have written already, a delete removing its message, fails
/// the batch: its transaction is not left half done.)
fn this_op_only<T>(
    result: Result<Result<T, TimError>, StoreError>,
) -> Result<Result<T, TimError>, StoreError> {
    match result {
        Err(corrupt @ StoreError::Corrupt { .. }) => Ok(Err(TimError::database(corrupt))),
        other => other,
    }
}

fn next_pos(pos: MsgPos) -> MsgPos {
    if pos.uid == u64::MAX {
        MsgPos { time: pos.time.saturating_add(1), uid: 0 }
    } else {
        MsgPos { uid: pos.uid + 1, ..pos }
    }
}

fn prev_pos(pos: MsgPos) -> MsgPos {
    if pos.uid == 0 {
        MsgPos { time: pos.time.saturating_sub(1), uid: u64::MAX }
    } else {
        MsgPos { uid: pos.uid - 1, ..pos }
    }
}

/// The conversation a received message belongs to: its group; for C2C its sender's, unless the
/// logged-in user sent it (from another device), then `message_conv_id` names the peer.
fn delivery_key(msg: &Message, self_id: Option<&str>) -> Option<ConvKey> {
    match msg.message_conv_type? {
        ConvType::Group => ConvKey::group(msg.message_conv_id.clone()?).ok(),
        ConvType::C2C => {
            let sender = msg.message_sender.clone()?;
            if self_id == Some(sender.as_str()) {
                ConvKey::c2c(msg.message_conv_id.clone()?).ok()
            } else {
                ConvKey::c2c(sender).ok()
            }
        }
        _ => None,
    }
}

/// Checks that a delivered message names its conversation and sender. One from the user
/// (`self_id`, sent from another device) must name its C2C peer in `message_conv_id`.
pub fn check_delivery(msg: &Message, self_id: Option<&str>) -> Result<(), String> {
    // Checked for every message: a group message's sender names no conversation, so nothing
    // else would check it.
    check_id("message_sender", msg.message_sender.as_deref().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    match msg.message_conv_type {
        Some(ConvType::C2C) | Some(ConvType::Group) => {}
        _ => return Err("message_conv_type must be 1 (C2C) or 2 (group)".into()),
    }
    if delivery_key(msg, self_id).is_none() {
        return Err("message_conv_id is missing or invalid".into());
    }
    Ok(())
}

/// Runs a batch of operations in `txn`, writes the conversations they changed and the counters,
/// and folds the pending index rows when they are due (`pending.rs`). `numbers` and `pending`
/// are taken for the transaction and handed back in their state after it; should it fail,
/// the caller drops them (the store reads the pending rows from the file again).
pub fn execute(
    txn: &WriteTransaction,
    recent: &mut RecentIndex,
    numbers: &mut NumberCache,
    pending: &mut Option<PendingRows>,
    ops: Vec<MsgOp>,
    mut ctx: OpsContext,
) -> Result<OpsOutcome, StoreError> {
    let (stored_next_uid, mark) = {
        let meta = txn.open_table(META)?;
        let stored = meta.get(META_NEXT_MSG_UID)?.map(|v| super::redb_store::read_u64(v.value()));
        (stored, super::pending::indexed_below(&meta)?)
    };
    let tables = MessageTables::open(txn, std::mem::take(numbers), pending.take())?;
    // Should the counter have been lost or gone back (a damaged file): never a uid the log
    // holds (every new message would be refused as a duplicate record), nor one below the mark
    // (its index rows, held in memory, would not be read again from the log after a crash: the
    // newest messages deleted, the log may end below it).
    let least = tables.uid_after_log()?.max(mark.unwrap_or(0));
    let next_uid = stored_next_uid.unwrap_or(1).max(least);
    let preloaded = std::mem::take(&mut ctx.preloaded);
    let (first_uid, first_order_key) = (next_uid, ctx.next_order_key);
    let mut batch = Batch {
        txn,
        recent,
        tables,
        convs: preloaded.into_iter().collect(),
        dirty: HashSet::new(),
        ctx,
        next_uid,
        uid_counter_at_start: (stored_next_uid, least, next_uid),
        outcome: OpsOutcome::default(),
        repaired_tables: false,
    };
    for op in ops {
        let result = batch.run(op)?;
        batch.outcome.results.push(result);
    }
    // Every operation that writes touches the conversation it writes to (the counters move
    // only with a conversation created or a message stored), but for the doctor's repairs.
    let wrote = !batch.dirty.is_empty()
        || batch.next_uid != first_uid
        || batch.ctx.next_order_key != first_order_key
        || batch.repaired_tables;
    // Only with a write: a read never commits (rows past the fold size may come from a process
    // that folds later, `fold_pending_rows_at`).
    if wrote {
        batch.fold_pending_rows_if_due()?;
    }
    let Batch { mut convs, dirty, ctx, next_uid, mut outcome, tables, .. } = batch;
    outcome.wrote = wrote;
    let (known, rows) = tables.into_parts();
    *numbers = known;
    *pending = Some(rows);
    outcome.next_order_key = ctx.next_order_key;
    if !outcome.wrote {
        return Ok(outcome);
    }
    {
        let mut table = RecordWriter::open(txn, recent, dirty.len())?;
        // In key order: neighbouring records share leaves.
        let mut dirty: Vec<ConvKey> = dirty.into_iter().collect();
        dirty.sort_unstable();
        for key in dirty {
            let conv = convs.remove(&key).flatten();
            match &conv {
                Some(conv) => table.put(&key, conv)?,
                None => {
                    table.remove(&key)?;
                }
            }
            outcome.changed.push((key, conv));
        }
        let mut meta = txn.open_table(META)?;
        meta.insert(META_NEXT_MSG_UID, next_uid.to_le_bytes().as_slice())?;
        meta.insert(super::schema::META_NEXT_ORDER_KEY, ctx.next_order_key.to_le_bytes().as_slice())?;
    }
    Ok(outcome)
}
