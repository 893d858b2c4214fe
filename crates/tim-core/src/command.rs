//! The commands the client handles send to the conversation actor.

use tim_types::{ConvInfo, ConvType, Draft, ReceiveMessageOpt};

use crate::dispatch::Completion;
use crate::ids::ConvKey;
use crate::state::{ConvFilter, ItemResults};
use crate::store::ops::{MsgOp, OpOutput};

/// A change to the conversation groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupOp {
    /// Create a group holding these conversations.
    Create(String, Vec<ConvKey>),
    /// Delete a group.
    Delete(String),
    /// Rename a group (old, new).
    Rename(String, String),
    /// Add conversations to a group.
    Add(String, Vec<ConvKey>),
    /// Remove conversations from a group.
    Remove(String, Vec<ConvKey>),
}

/// One page of a filtered conversation list.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvPage {
    /// The conversations, in list order.
    pub list: Vec<ConvInfo>,
    /// The cursor for the next page (`conversation_list_result_next_seq`).
    pub next_seq: u64,
    /// Whether no more conversations follow.
    pub finished: bool,
}

/// Which conversations a "mark everything read" covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    /// One conversation.
    Conversation(ConvKey),
    /// Every conversation of a type, or of every type with `None`.
    All(Option<ConvType>),
}

/// One accepted call, with the completion that answers it.
pub(crate) enum Command {
    Login {
        user_id: String,
        user_sig: String,
        done: Completion<()>,
    },
    Logout {
        done: Completion<()>,
    },
    CreateConv {
        key: ConvKey,
        done: Completion<ConvInfo>,
    },
    DeleteConv {
        key: ConvKey,
        done: Completion<()>,
    },
    GetConvList {
        done: Completion<Vec<ConvInfo>>,
    },
    SetDraft {
        key: ConvKey,
        draft: Box<Draft>,
        done: Completion<()>,
    },
    CancelDraft {
        key: ConvKey,
        done: Completion<()>,
    },
    SetRecvOpt {
        keys: Vec<ConvKey>,
        opt: ReceiveMessageOpt,
        done: Completion<()>,
    },
    MarkRead {
        scope: ReadScope,
        done: Completion<()>,
    },
    TotalUnread {
        done: Completion<u64>,
    },
    GetConvInfo {
        keys: Vec<ConvKey>,
        done: Completion<Vec<ConvInfo>>,
    },
    Pin {
        key: ConvKey,
        pinned: bool,
        done: Completion<()>,
    },
    ListPage {
        filter: ConvFilter,
        next_seq: u64,
        count: usize,
        done: Completion<ConvPage>,
    },
    DeleteList {
        keys: Vec<ConvKey>,
        clear_messages: bool,
        done: Completion<ItemResults>,
    },
    SetCustomData {
        keys: Vec<ConvKey>,
        data: String,
        done: Completion<ItemResults>,
    },
    Mark {
        keys: Vec<ConvKey>,
        bits: u64,
        enable: bool,
        done: Completion<ItemResults>,
    },
    Group {
        op: GroupOp,
        done: Completion<ItemResults>,
    },
    GroupList {
        done: Completion<Vec<String>>,
    },
    FilteredUnread {
        filter: ConvFilter,
        done: Completion<u64>,
    },
    Subscribe {
        filter: ConvFilter,
        label: String,
        done: Completion<()>,
    },
    Unsubscribe {
        filter: ConvFilter,
        done: Completion<()>,
    },
    /// A message operation, carried out by the store in one transaction.
    Store {
        op: Box<MsgOp>,
        done: Completion<OpOutput>,
    },
    /// Sent by the runtime at shutdown; everything queued before it is answered with an error.
    Shutdown,
}

impl Command {
    /// Forgets the completion without answering (the call was refused synchronously).
    pub(crate) fn disarm(self) {
        match self {
            Command::Login { done, .. } | Command::Logout { done } => done.disarm(),
            Command::CreateConv { done, .. } => done.disarm(),
            Command::DeleteConv { done, .. } | Command::SetDraft { done, .. } => done.disarm(),
            Command::CancelDraft { done, .. } => done.disarm(),
            Command::GetConvList { done } => done.disarm(),
            Command::SetRecvOpt { done, .. } | Command::MarkRead { done, .. } => done.disarm(),
            Command::TotalUnread { done } => done.disarm(),
            Command::Store { done, .. } => done.disarm(),
            Command::GetConvInfo { done, .. } => done.disarm(),
            Command::Pin { done, .. }
            | Command::Subscribe { done, .. }
            | Command::Unsubscribe { done, .. } => done.disarm(),
            Command::ListPage { done, .. } => done.disarm(),
            Command::DeleteList { done, .. }
            | Command::SetCustomData { done, .. }
            | Command::Mark { done, .. }
            | Command::Group { done, .. } => done.disarm(),
            Command::GroupList { done } => done.disarm(),
            Command::FilteredUnread { done, .. } => done.disarm(),
            Command::Shutdown => {}
        }
    }

    /// Whether the command needs the actor idle (no commit in flight) before it runs.
    pub(crate) fn is_barrier(&self) -> bool {
        matches!(
            self,
            Command::Login { .. }
                | Command::Logout { .. }
                | Command::Store { .. }
                | Command::Subscribe { .. }
                | Command::Unsubscribe { .. }
        )
    }
}
