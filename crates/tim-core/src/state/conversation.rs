//! One conversation's state, as the engine keeps it in memory and in the store.

use serde::{Deserialize, Serialize};
use tim_types::{ConvInfo, ConvType, Draft, GroupAtInfo, Message, ReceiveMessageOpt};

use crate::ids::ConvKey;

/// Bit 62 of `conv_active_time` marks a pinned conversation, as in Tencent's header examples.
pub const PINNED_BIT: u64 = 1 << 62;

/// Everything the engine knows about one conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Type and ID.
    pub key: ConvKeyRecord,
    /// The order key: a counter that grows when the conversation becomes active (created, draft
    /// set; later messages). Larger sorts first.
    pub order_key: u64,
    /// Pinned conversations sort before all others.
    #[serde(default)]
    pub pinned: bool,
    /// The draft, if any.
    #[serde(default)]
    pub draft: Option<Draft>,
    /// The receive option.
    #[serde(default = "default_recv_opt")]
    pub recv_opt: ReceiveMessageOpt,
    /// Unread messages.
    #[serde(default)]
    pub unread: u64,
    /// The last message.
    #[serde(default)]
    pub last_msg: Option<Message>,
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
            group_at: Vec::new(),
            marks: 0,
            custom_data: String::new(),
            groups: Vec::new(),
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

    /// The ConvInfo the API reports for this conversation, owned by `owner`.
    pub fn info(&self, owner: &str) -> ConvInfo {
        ConvInfo {
            conv_id: self.key.conv_id.clone(),
            conv_type: self.key.conv_type,
            conv_owner: owner.to_owned(),
            conv_unread_num: self.unread,
            conv_active_time: self.active_time(),
            conv_is_has_lastmsg: self.last_msg.is_some(),
            conv_last_msg: self.last_msg.clone(),
            conv_is_has_draft: self.draft.is_some(),
            conv_draft: self.draft.clone(),
            conv_recv_opt: self.recv_opt,
            conv_is_pinned: self.pinned,
            conv_show_name: self.key.conv_id.clone(),
            conv_group_at_info_array: self.group_at.clone(),
            conv_mark_array: (0..64).map(|bit| 1u64 << bit).filter(|m| self.marks & m != 0).collect(),
            conv_custom_data: self.custom_data.clone(),
            conv_conversation_group_array: self.groups.clone(),
        }
    }
}
