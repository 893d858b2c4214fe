//! The commands the client handles send to the conversation actor.

use tim_types::{ConvInfo, ConvType, Draft, ReceiveMessageOpt};

use crate::dispatch::Completion;
use crate::ids::ConvKey;
use crate::store::ops::{MsgOp, OpOutput};

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
            Command::Shutdown => {}
        }
    }

    /// Whether the command needs the actor idle (no commit in flight) before it runs.
    pub(crate) fn is_barrier(&self) -> bool {
        matches!(self, Command::Login { .. } | Command::Logout { .. } | Command::Store { .. })
    }
}
