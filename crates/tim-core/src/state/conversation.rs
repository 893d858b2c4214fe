//! One conversation's state, as the engine keeps it in memory and in the store.

use serde::{Deserialize, Serialize};
use tim_types::{ConvInfo, ConvType, Draft, GroupAtInfo, MessageJson, ReceiveMessageOpt};

use super::messages::MsgPos;
use crate::ids::ConvKey;

/// Bit 62 of `conv_active_time` marks a pinned conversation, as in Tencent's header examples.
pub const PINNED_BIT: u64 = 1 << 62;

/// Everything the engine knows about one conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Type and ID.
    pub key: ConvKeyRecord,
    /// The order key: a counter that grows when the conversation becomes active (created, draft
    /// set, a newest message sent or received). Larger sorts first.
    pub order_key: u64,
    /// Pinned conversations sort before all others.
    #[serde(default)]
    pub pinned: bool,
    /// The draft, if any (boxed: most conversations have none, and a Draft is large inline).
    #[serde(default)]
    pub draft: Option<Box<Draft>>,
    /// The receive option.
    #[serde(default = "default_recv_opt")]
    pub recv_opt: ReceiveMessageOpt,
    /// Unread messages: incoming, counting messages positioned after `read_mark`.
    #[serde(default)]
    pub unread: u64,
    /// The last message: the newest that is not excluded from being the last message, as the
    /// API reports it (its `message_is_read` follows the read mark), kept as JSON text.
    #[serde(default)]
    pub last_msg: Option<MessageJson>,
    /// Position of `last_msg`.
    #[serde(default)]
    pub last_pos: Option<MsgPos>,
    /// Position of the newest message of any kind.
    #[serde(default)]
    pub newest: Option<MsgPos>,
    /// Messages at or before this position are read.
    #[serde(default)]
    pub read_mark: Option<MsgPos>,
    /// Sequence of the newest read message.
    #[serde(default)]
    pub read_seq: u64,
    /// The largest message sequence seen; new messages without one get the next.
    #[serde(default)]
    pub max_seq: u64,
    /// @ reminders.
    #[serde(default)]
    pub group_at: Vec<GroupAtInfo>,
    /// Mark bits.
    #[serde(default)]
    pub marks: u64,
    /// Custom data.
    #[serde(default)]
    pub custom_data: String,
    /// Conversation groups it belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Deleted with its messages kept (`TIMConvDeleteConversationList` without clearing): out of
    /// every list and count until a message, a draft or a create brings it back.
    #[serde(default)]
    pub hidden: bool,
    /// The name to show, when known (the peer's nickname from a received message).
    #[serde(default)]
    pub show_name: Option<String>,
    /// The avatar, when known.
    #[serde(default)]
    pub face_url: Option<String>,
}

fn default_recv_opt() -> ReceiveMessageOpt {
    ReceiveMessageOpt::Receive
}

/// The key as stored inside a record (a plain pair, so records stay readable JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvKeyRecord {
    /// Conversation type.
    pub conv_type: ConvType,
    /// Conversation ID.
    pub conv_id: String,
}

impl Conversation {
    /// A fresh conversation with the given order key.
    pub fn new(key: &ConvKey, order_key: u64) -> Self {
        Conversation {
            key: ConvKeyRecord { conv_type: key.conv_type, conv_id: key.conv_id.clone() },
            order_key,
            pinned: false,
            draft: None,
            recv_opt: ReceiveMessageOpt::Receive,
            unread: 0,
            last_msg: None,
            last_pos: None,
            newest: None,
            read_mark: None,
            read_seq: 0,
            max_seq: 0,
            group_at: Vec::new(),
            marks: 0,
            custom_data: String::new(),
            groups: Vec::new(),
            hidden: false,
            show_name: None,
            face_url: None,
        }
    }

    /// The conversation's key.
    pub fn conv_key(&self) -> ConvKey {
        ConvKey { conv_type: self.key.conv_type, conv_id: self.key.conv_id.clone() }
    }

    /// The `conv_active_time` the API reports: the order key, with bit 62 set when pinned.
    pub fn active_time(&self) -> u64 {
        if self.pinned { self.order_key | PINNED_BIT } else { self.order_key }
    }

    /// What this conversation adds to the total unread count: its unread messages when it
    /// receives normally, nothing when muted in any way.
    pub fn unread_contribution(&self) -> u64 {
        if self.recv_opt == ReceiveMessageOpt::Receive && !self.hidden { self.unread } else { 0 }
    }

    /// Whether it is in the marked-or-grouped total that the 1000 limit counts.
    pub fn is_marked_or_grouped(&self) -> bool {
        self.marks != 0 || !self.groups.is_empty()
    }

    /// The ConvInfo the API reports for this conversation, owned by `owner`.
    pub fn info(&self, owner: &str) -> ConvInfo {
        let last_msg = self.last_msg.clone();
        let is_group = self.key.conv_type == ConvType::Group;
        ConvInfo {
            conv_id: self.key.conv_id.clone(),
            conv_type: self.key.conv_type,
            conv_owner: owner.to_owned(),
            conv_unread_num: self.unread,
            conv_active_time: self.active_time(),
            conv_is_has_lastmsg: last_msg.is_some(),
            conv_last_msg: last_msg,
            conv_is_has_draft: self.draft.is_some(),
            conv_draft: self.draft.as_deref().cloned(),
            conv_recv_opt: self.recv_opt,
            conv_is_pinned: self.pinned,
            conv_show_name: self.show_name.clone().unwrap_or_else(|| self.key.conv_id.clone()),
            conv_group_at_info_array: self.group_at.clone(),
            conv_mark_array: (0..64).map(|bit| 1u64 << bit).filter(|m| self.marks & m != 0).collect(),
            conv_custom_data: self.custom_data.clone(),
            conv_conversation_group_array: self.groups.clone(),
            conv_face_url: self.face_url.clone(),
            conv_c2c_read_timestamp: if is_group { 0 } else { self.read_mark.map_or(0, |p| p.time) },
            conv_group_read_sequence: if is_group { self.read_seq } else { 0 },
        }
    }
}
