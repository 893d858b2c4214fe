//! Message calls of the Rust API: send, save, import, deliver, history, delete, clear, doctor.
//!
//! Each is a [`MsgOp`] carried out by the store in one transaction with the conversation changes
//! it causes; consecutive operations share a transaction.

use std::sync::atomic::{AtomicU64, Ordering};

use tim_types::Message;
use tim_types::parse::check_sendable;

use super::Client;
use crate::clock::unix_nanos;
use crate::command::Command;
use crate::error::{CallError, Error, TimError};
use crate::ids::ConvKey;
use crate::state::messages::Origin;
use crate::store::ops::{DoctorReport, HistoryQuery, MessageName, MsgOp, OpOutput, check_delivery};

static MESSAGE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new message ID, unique across instances and processes: time, process and a counter.
fn new_message_id() -> String {
    let n = MESSAGE_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:x}-{:x}-{n:x}", unix_nanos(), std::process::id())
}

fn messages(output: OpOutput) -> Vec<Message> {
    match output {
        OpOutput::Messages(messages) => messages,
        _ => Vec::new(),
    }
}

fn count(output: OpOutput) -> Result<usize, TimError> {
    Ok(match output {
        OpOutput::Count(n) => n,
        OpOutput::Messages(list) => list.len(),
        _ => 0,
    })
}

fn first_message(output: OpOutput) -> Result<Message, TimError> {
    messages(output).into_iter().next().ok_or_else(|| {
        TimError::new(tim_types::ErrCode::InvalidParameters, "a message with this ID is already stored")
    })
}

fn nothing(_: OpOutput) -> Result<(), TimError> {
    Ok(())
}

/// A message operation that stores messages stores them in a conversation it may create: its
/// key must be one a new conversation may have ([`crate::ids::check_creatable`]).
fn creatable(op: &MsgOp) -> Result<(), CallError> {
    match op {
        MsgOp::Insert { key, .. } => crate::ids::check_creatable(key),
        _ => Ok(()),
    }
}

/// What storing a message a caller gives checks: [`check_sendable`], and a sender or message ID
/// given (imports, saves, deliveries) is an ID as any other: no NUL (a C string or a CLI
/// argument could not name it), at most 1024 bytes. Public so that a whole file of messages is
/// checked before any of it is imported (the CLI).
pub fn check_importable(message: &Message) -> Result<(), CallError> {
    check_sendable(message).map_err(CallError::from)?;
    for (what, id) in
        [("message_sender", &message.message_sender), ("message_msg_id", &message.message_msg_id)]
    {
        // Absent and "" are the same: the store fills them in.
        if let Some(id) = id.as_deref().filter(|id| !id.is_empty()) {
            crate::ids::check_id(what, id)?;
        }
    }
    Ok(())
}

/// [`check_importable`] of each message; a refusal names the message by its index, as a
/// delivery's does.
fn check_each_importable(list: &[Message]) -> Result<(), CallError> {
    for (n, message) in list.iter().enumerate() {
        check_importable(message).map_err(|e| CallError::param(format!("message {n}: {e}")))?;
    }
    Ok(())
}

impl Client {
    pub(super) fn store_op_with<T: Send + 'static>(
        &self,
        op: MsgOp,
        map: impl FnOnce(OpOutput) -> Result<T, TimError> + Send + 'static,
        done: impl FnOnce(Result<T, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        creatable(&op)?;
        let answer = move |result: Result<OpOutput, TimError>| done(result.and_then(map));
        let done = self.logged_in(self.dispatched(Box::new(answer)))?;
        self.submit(Command::Store { op: Box::new(op), done })
    }

    pub(super) async fn store_op<T>(
        &self,
        op: MsgOp,
        map: impl FnOnce(OpOutput) -> Result<T, TimError>,
    ) -> Result<T, Error> {
        creatable(&op)?;
        let output =
            self.ask(|done| Ok(Command::Store { op: Box::new(op), done: self.logged_in(done)? })).await?;
        Ok(map(output)?)
    }

    fn prepare_send(&self, mut message: Message) -> Result<(Message, String), CallError> {
        self.require_login()?;
        // A sent message gets a new ID and the user as its sender whatever it was given: the given
        // ones are replaced, not checked (an app may send again a message it was given).
        message.message_msg_id = None;
        message.message_sender = None;
        check_importable(&message)?;
        let id = new_message_id();
        message.message_msg_id = Some(id.clone());
        // The engine numbers sent messages; a caller's sequence would collide with its own.
        message.message_seq = None;
        Ok((message, id))
    }

    /// Sends a message (offline: stores it as sent; loopback: also delivers it). Returns the new
    /// message ID at once; `done` gets the stored message.
    pub fn send_message_with(
        &self,
        key: ConvKey,
        message: Message,
        done: impl FnOnce(Result<Message, TimError>) + Send + 'static,
    ) -> Result<String, CallError> {
        self.send_message_announcing_id(key, message, |_| {}, done)
    }

    /// As [`Client::send_message_with`], and `id_ready` gets the new ID once the message is
    /// checked, before it is queued. Why: `done` may run on another thread before this returns,
    /// so whatever the ID is written to (the C call's buffer) must be written before the queueing.
    /// If queueing then fails, the error is returned and `done` never runs.
    pub fn send_message_announcing_id(
        &self,
        key: ConvKey,
        message: Message,
        id_ready: impl FnOnce(&str),
        done: impl FnOnce(Result<Message, TimError>) + Send + 'static,
    ) -> Result<String, CallError> {
        let (message, id) = self.prepare_send(message)?;
        id_ready(&id);
        let op = MsgOp::Insert { key, messages: vec![message], origin: Origin::Sent };
        self.store_op_with(op, first_message, done)?;
        Ok(id)
    }

    /// Sends a message (async); resolves to the stored message.
    pub async fn send_message(&self, key: ConvKey, message: Message) -> Result<Message, Error> {
        let (message, _) = self.prepare_send(message)?;
        self.store_op(MsgOp::Insert { key, messages: vec![message], origin: Origin::Sent }, first_message)
            .await
    }

    /// Saves a message into the conversation without sending it; `done` gets the stored message.
    pub fn save_message_with(
        &self,
        key: ConvKey,
        message: Message,
        done: impl FnOnce(Result<Message, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        check_importable(&message)?;
        self.store_op_with(
            MsgOp::Insert { key, messages: vec![message], origin: Origin::Saved },
            first_message,
            done,
        )
    }

    /// Saves a message (async).
    pub async fn save_message(&self, key: ConvKey, message: Message) -> Result<Message, Error> {
        check_importable(&message)?;
        self.store_op(MsgOp::Insert { key, messages: vec![message], origin: Origin::Saved }, first_message)
            .await
    }

    /// Imports messages into a conversation in one transaction; messages whose ID is already
    /// stored are skipped. `done` gets how many were stored.
    pub fn import_messages_with(
        &self,
        key: ConvKey,
        list: Vec<Message>,
        done: impl FnOnce(Result<usize, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        check_each_importable(&list)?;
        let op = MsgOp::Insert { key, messages: list, origin: Origin::Imported };
        self.store_op_with(op, count, done)
    }

    /// Imports messages (async); resolves to how many were stored.
    pub async fn import_messages(&self, key: ConvKey, list: Vec<Message>) -> Result<usize, Error> {
        check_each_importable(&list)?;
        self.store_op(MsgOp::Insert { key, messages: list, origin: Origin::Imported }, count).await
    }

    fn check_deliveries(&self, list: &[Message]) -> Result<(), CallError> {
        let self_id = self.login_user_id();
        for (n, message) in list.iter().enumerate() {
            check_importable(message).map_err(|e| CallError::param(format!("message {n}: {e}")))?;
            check_delivery(message, self_id.as_deref())
                .map_err(|e| CallError::param(format!("message {n}: {e}")))?;
        }
        Ok(())
    }

    /// The transport entry point: stores messages from others as if they came from the network.
    /// Each names its conversation (`message_conv_type`, and `message_conv_id` for a group; a C2C
    /// message belongs to its sender's conversation) and its `message_sender`. Duplicates (same
    /// `message_msg_id`) are stored and counted once. `done` gets the messages stored.
    pub fn deliver_with(
        &self,
        list: Vec<Message>,
        done: impl FnOnce(Result<Vec<Message>, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        self.check_deliveries(&list)?;
        self.store_op_with(
            MsgOp::Deliver { messages: list, only_known_groups: false, for_user: None },
            |o| Ok(messages(o)),
            done,
        )
    }

    /// Delivers messages from others (async).
    pub async fn deliver(&self, list: Vec<Message>) -> Result<Vec<Message>, Error> {
        self.check_deliveries(&list)?;
        self.store_op(MsgOp::Deliver { messages: list, only_known_groups: false, for_user: None }, |o| {
            Ok(messages(o))
        })
        .await
    }

    /// Reads history; see [`HistoryQuery`] for the order and bounds.
    pub fn message_list_with(
        &self,
        key: ConvKey,
        query: HistoryQuery,
        done: impl FnOnce(Result<Vec<Message>, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        self.store_op_with(MsgOp::History { key, query }, |o| Ok(messages(o)), done)
    }

    /// Reads history (async).
    pub async fn message_list(&self, key: ConvKey, query: HistoryQuery) -> Result<Vec<Message>, Error> {
        self.store_op(MsgOp::History { key, query }, |o| Ok(messages(o))).await
    }

    /// Deletes one message (named by its ID, or located as TIM 5.x code names it); the
    /// conversation's last message and unread count follow.
    pub fn delete_message_with(
        &self,
        key: ConvKey,
        message: impl Into<MessageName>,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        self.store_op_with(MsgOp::Delete { key, message: message.into() }, nothing, done)
    }

    /// Deletes one message (async).
    pub async fn delete_message(&self, key: ConvKey, message: impl Into<MessageName>) -> Result<(), Error> {
        self.store_op(MsgOp::Delete { key, message: message.into() }, nothing).await
    }

    /// Deletes every message of a conversation; the conversation stays in its place.
    pub fn clear_history_with(
        &self,
        key: ConvKey,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        self.store_op_with(MsgOp::Clear { key }, nothing, done)
    }

    /// Clears history (async).
    pub async fn clear_history(&self, key: ConvKey) -> Result<(), Error> {
        self.store_op(MsgOp::Clear { key }, nothing).await
    }

    /// Recounts every conversation's unread count and last message from the stored messages;
    /// with `fix`, corrects what disagrees.
    pub async fn doctor(&self, fix: bool) -> Result<DoctorReport, Error> {
        self.store_op(MsgOp::Doctor { fix }, |o| match o {
            OpOutput::Report(report) => Ok(report),
            _ => Ok(DoctorReport::default()),
        })
        .await
    }
}
