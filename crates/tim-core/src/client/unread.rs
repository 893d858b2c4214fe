//! Read state, unread counts and receive options in the Rust API.

use tim_types::ReceiveMessageOpt;

use super::Client;
use crate::command::{Command, ReadScope};
use crate::error::{CallError, Error, TimError};
use crate::events::{NewMessageHandler, TotalUnreadHandler};
use crate::ids::{ConvKey, check_creatable};
use crate::store::ops::{MsgOp, ReadBound};

impl Client {
    /// Marks every message read in one conversation, or in all of a type, or everywhere.
    /// A conversation that does not exist gets `ERR_INVALID_CONVERSATION`.
    pub fn mark_read_with(
        &self,
        scope: ReadScope,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::MarkRead { scope, done })
    }

    /// Marks messages read (async).
    pub async fn mark_read(&self, scope: ReadScope) -> Result<(), Error> {
        self.ask(|done| Ok(Command::MarkRead { scope, done: self.logged_in(done)? })).await
    }

    /// Marks messages of one conversation read up to a message, a time (C2C) or a sequence (group).
    pub fn read_up_to_with(
        &self,
        key: ConvKey,
        bound: ReadBound,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        self.store_op_with(MsgOp::ReadUpTo { key, bound }, |_| Ok(()), done)
    }

    /// Marks messages read up to a bound (async).
    pub async fn read_up_to(&self, key: ConvKey, bound: ReadBound) -> Result<(), Error> {
        self.store_op(MsgOp::ReadUpTo { key, bound }, |_| Ok(())).await
    }

    /// Sets the receive option of conversations; one that does not exist (or is hidden) keeps it
    /// for when it comes, without an event. Every key must be one a new conversation may have
    /// ([`check_creatable`]), as the option may make a record for it.
    pub fn set_receive_option_with(
        &self,
        keys: Vec<ConvKey>,
        opt: ReceiveMessageOpt,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        keys.iter().try_for_each(check_creatable)?;
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::SetRecvOpt { keys, opt, done })
    }

    /// Sets receive options (async).
    pub async fn set_receive_option(&self, keys: Vec<ConvKey>, opt: ReceiveMessageOpt) -> Result<(), Error> {
        keys.iter().try_for_each(check_creatable)?;
        self.ask(|done| Ok(Command::SetRecvOpt { keys, opt, done: self.logged_in(done)? })).await
    }

    /// The total unread count of the conversations that receive normally.
    pub fn total_unread_with(
        &self,
        done: impl FnOnce(Result<u64, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::TotalUnread { done })
    }

    /// The total unread count (async).
    pub async fn total_unread(&self) -> Result<u64, Error> {
        self.ask(|done| Ok(Command::TotalUnread { done: self.logged_in(done)? })).await
    }

    /// Sets (or clears) the handler of received messages: one call per committed batch, on the
    /// callback thread.
    pub fn set_new_message_handler(&self, handler: Option<NewMessageHandler>) {
        self.shared.hub.set_new_message_handler(handler);
    }

    /// Sets (or clears) the total-unread handler: called once per commit that changed the total.
    pub fn set_total_unread_handler(&self, handler: Option<TotalUnreadHandler>) {
        self.shared.hub.set_total_unread_handler(handler);
    }
}
