//! The newer conversation calls of the Rust API: conversation info, pins, filtered paging,
//! batch delete, custom data, marks, conversation groups and unread counts by filter.

use tim_types::ConvInfo;
use tim_types::limits::{MAX_IDS_PER_REQUEST, MAX_PAGE_COUNT};

use super::Client;
use crate::command::{Command, ConvPage, GroupOp};
use crate::error::{CallError, Error, TimError};
use crate::events::{FilteredUnreadHandler, GroupEventHandler};
use crate::ids::ConvKey;
use crate::state::{ConvFilter, ItemResults};

/// Mark bits callers may use: Star 0x1, Unread 0x2, Fold 0x4, Hide 0x8, and bits 32 to 63.
pub const ALLOWED_MARK_BITS: u64 = 0xF | 0xFFFF_FFFF_0000_0000;

/// Checks a mark mask: non-zero and only allowed bits.
pub fn check_mark_bits(bits: u64) -> Result<(), CallError> {
    if bits == 0 || bits & !ALLOWED_MARK_BITS != 0 {
        return Err(CallError::param(format!(
            "mark_type {bits:#x}: use Star 0x1, Unread 0x2, Fold 0x4, Hide 0x8 or bits 32..63"
        )));
    }
    Ok(())
}

macro_rules! api {
    (
        $(#[$doc:meta])* $with:ident / $async_name:ident ( $($arg:ident : $ty:ty),* ) -> $out:ty
        => |$done:ident| $build:expr
    ) => {
        $(#[$doc])*
        pub fn $with(
            &self,
            $($arg: $ty,)*
            done: impl FnOnce(Result<$out, TimError>) + Send + 'static,
        ) -> Result<(), CallError> {
            let $done = self.logged_in(self.dispatched(Box::new(done)))?;
            self.submit($build)
        }

        $(#[$doc])*
        pub async fn $async_name(&self, $($arg: $ty),*) -> Result<$out, Error> {
            self.ask(|$done| { let $done = self.logged_in($done)?; Ok($build) }).await
        }
    };
}

impl Client {
    api! {
        /// The ConvInfo of the conversations that exist, in request order.
        conversation_info_with / conversation_info(keys: Vec<ConvKey>) -> Vec<ConvInfo>
        => |done| Command::GetConvInfo { keys, done }
    }

    api! {
        /// Pins or unpins a conversation; pinned ones come first, in their relative order. At most
        /// 50 are pinned.
        pin_conversation_with / pin_conversation(key: ConvKey, pinned: bool) -> ()
        => |done| Command::Pin { key, pinned, done }
    }

    api! {
        /// The custom data of each conversation (at most 256 bytes); one result per conversation.
        set_custom_data_with / set_custom_data(keys: Vec<ConvKey>, data: String) -> ItemResults
        => |done| Command::SetCustomData { keys, data, done }
    }

    api! {
        /// The conversation group names, in creation order.
        group_list_with / group_list() -> Vec<String>
        => |done| Command::GroupList { done }
    }

    /// Changes the conversation groups; one result per conversation named. A group is created
    /// with at least one conversation ([`CallError::Param`] otherwise, as
    /// `TIMConvCreateConversationGroup`).
    pub fn group_op_with(
        &self,
        op: GroupOp,
        done: impl FnOnce(Result<ItemResults, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        Self::check_group_op(&op)?;
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::Group { op, done })
    }

    /// Changes the conversation groups (async).
    pub async fn group_op(&self, op: GroupOp) -> Result<ItemResults, Error> {
        Self::check_group_op(&op)?;
        self.ask(|done| Ok(Command::Group { op, done: self.logged_in(done)? })).await
    }

    fn check_group_op(op: &GroupOp) -> Result<(), CallError> {
        match op {
            GroupOp::Create(_, keys) if keys.is_empty() => {
                Err(CallError::param("a conversation group is created with at least one conversation"))
            }
            _ => Ok(()),
        }
    }

    api! {
        /// The unread count of the conversations a filter covers (muted ones excluded).
        unread_by_filter_with / unread_by_filter(filter: ConvFilter) -> u64
        => |done| Command::FilteredUnread { filter, done }
    }

    /// One page of the filtered list. `next_seq` is 0 for the first page, then the value the
    /// previous page returned. Walking the pages never returns a conversation twice and never
    /// skips one that kept its place, however the list reorders meanwhile.
    pub fn conversation_page_with(
        &self,
        filter: ConvFilter,
        next_seq: u64,
        count: u32,
        done: impl FnOnce(Result<ConvPage, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        let count = Self::page_count(count)?;
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::ListPage { filter, next_seq, count, done })
    }

    /// One page of the filtered list (async).
    pub async fn conversation_page(
        &self,
        filter: ConvFilter,
        next_seq: u64,
        count: u32,
    ) -> Result<ConvPage, Error> {
        let count = Self::page_count(count)?;
        self.ask(|done| Ok(Command::ListPage { filter, next_seq, count, done: self.logged_in(done)? })).await
    }

    fn page_count(count: u32) -> Result<usize, CallError> {
        if count == 0 || count > MAX_PAGE_COUNT {
            return Err(CallError::param(format!("count must be 1 to {MAX_PAGE_COUNT}")));
        }
        Ok(count as usize)
    }

    fn check_delete_size(keys: &[ConvKey]) -> Result<(), CallError> {
        if keys.len() > MAX_IDS_PER_REQUEST {
            return Err(CallError::param(format!("at most {MAX_IDS_PER_REQUEST} conversations per delete")));
        }
        Ok(())
    }

    /// Deletes up to 100 conversations. With `clear_messages` their messages go too; without,
    /// the messages stay and the conversation comes back (with them) on a new message, a draft or
    /// a create. One result per conversation.
    pub fn delete_conversation_list_with(
        &self,
        keys: Vec<ConvKey>,
        clear_messages: bool,
        done: impl FnOnce(Result<ItemResults, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        Self::check_delete_size(&keys)?;
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::DeleteList { keys, clear_messages, done })
    }

    /// Deletes conversations (async).
    pub async fn delete_conversation_list(
        &self,
        keys: Vec<ConvKey>,
        clear_messages: bool,
    ) -> Result<ItemResults, Error> {
        Self::check_delete_size(&keys)?;
        self.ask(|done| Ok(Command::DeleteList { keys, clear_messages, done: self.logged_in(done)? })).await
    }

    /// Sets (`enable`) or clears mark bits on conversations; one result per conversation.
    pub fn mark_conversations_with(
        &self,
        keys: Vec<ConvKey>,
        bits: u64,
        enable: bool,
        done: impl FnOnce(Result<ItemResults, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        check_mark_bits(bits)?;
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::Mark { keys, bits, enable, done })
    }

    /// Marks conversations (async).
    pub async fn mark_conversations(
        &self,
        keys: Vec<ConvKey>,
        bits: u64,
        enable: bool,
    ) -> Result<ItemResults, Error> {
        check_mark_bits(bits)?;
        self.ask(|done| Ok(Command::Mark { keys, bits, enable, done: self.logged_in(done)? })).await
    }

    /// Subscribes to the unread count of a filter: the filtered-unread handler is told `label`
    /// and the new total after each commit that changed it. Blocks until registered.
    pub fn subscribe_unread_blocking(&self, filter: ConvFilter, label: String) -> Result<(), CallError> {
        self.require_login()?;
        self.ask_blocking(|done| Command::Subscribe { filter, label, done })
    }

    /// Ends a subscription (blocking until done).
    pub fn unsubscribe_unread_blocking(&self, filter: ConvFilter) -> Result<(), CallError> {
        self.require_login()?;
        self.ask_blocking(|done| Command::Unsubscribe { filter, done })
    }

    /// Sets (or clears) the conversation group handler.
    pub fn set_group_handler(&self, handler: Option<GroupEventHandler>) {
        self.shared.hub.set_group_handler(handler);
    }

    /// Sets (or clears) the unread-by-filter handler.
    pub fn set_filtered_unread_handler(&self, handler: Option<FilteredUnreadHandler>) {
        self.shared.hub.set_filtered_unread_handler(handler);
    }
}
