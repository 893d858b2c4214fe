//! `ConvInfo`, the conversation object every conversation callback and event delivers.

use serde::{Deserialize, Serialize};

use super::{Draft, MessageJson};
use crate::enums::{ConvType, GroupAtType, ReceiveMessageOpt};

/// One @ reminder of a group conversation (`GroupAtInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupAtInfo {
    /// Sequence of the message that carried the mention.
    pub conv_group_at_info_seq: u64,
    /// What kind of mention it was.
    pub conv_group_at_info_at_type: GroupAtType,
}

/// A conversation as the API reports it (`ConvInfo`, reference §4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvInfo {
    /// The peer's user ID or the group ID.
    pub conv_id: String,
    /// C2C or group.
    pub conv_type: ConvType,
    /// The logged-in user who owns the conversation.
    pub conv_owner: String,
    /// Unread messages.
    pub conv_unread_num: u64,
    /// The order key: larger sorts first; bit 62 is set while the conversation is pinned.
    pub conv_active_time: u64,
    /// Whether `conv_last_msg` is present.
    pub conv_is_has_lastmsg: bool,
    /// The newest message that may stand as the last message, as JSON text
    /// ([`MessageJson::message`] decodes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conv_last_msg: Option<MessageJson>,
    /// Whether `conv_draft` is present.
    pub conv_is_has_draft: bool,
    /// The draft, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conv_draft: Option<Draft>,
    /// The receive option.
    pub conv_recv_opt: ReceiveMessageOpt,
    /// Whether the conversation is pinned.
    pub conv_is_pinned: bool,
    /// The name to show (the conversation ID while no profile data is known).
    pub conv_show_name: String,
    /// @ reminders (group conversations).
    pub conv_group_at_info_array: Vec<GroupAtInfo>,
    /// Marks (`TIMConversationMarkType` bits), one element per set bit.
    pub conv_mark_array: Vec<u64>,
    /// Custom data.
    pub conv_custom_data: String,
    /// Names of the conversation groups it belongs to.
    pub conv_conversation_group_array: Vec<String>,
    /// Avatar URL, when known (from a received message's sender profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conv_face_url: Option<String>,
    /// C2C: UTC seconds up to which messages were read (0: none).
    #[serde(default)]
    pub conv_c2c_read_timestamp: u64,
    /// Group: sequence up to which messages were read (0: none).
    #[serde(default)]
    pub conv_group_read_sequence: u64,
}
