//! Input parameters of the message calls.

use serde::{Deserialize, Serialize};

use serde_json::{Map, Value};

use crate::enums::ElemType;

/// A message named by its ID (or, as TIM 5.x code names one, by `message_server_time` with
/// `message_seq` and/or `message_rand`, read from `rest`), where a call only needs to know which
/// message (the start of a history page, the message to delete or read up to). Any other keys
/// of a full message object are accepted and ignored, so a message taken from a callback can be
/// passed back as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageRef {
    /// The message ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_msg_id: Option<String>,
    /// The other keys, not used.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// The input of `TIMMsgGetMsgList` (`MsgGetMsgListParam`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetMsgListParam {
    /// Start after this message (not included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_last_msg: Option<MessageRef>,
    /// How many messages at most (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_count: Option<u32>,
    /// Also fetch from the cloud; accepted and ignored (local only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_is_ramble: Option<bool>,
    /// true: newer messages, oldest first; false: older messages, newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_is_forward: Option<bool>,
    /// Start at this sequence (included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_last_msg_seq: Option<u64>,
    /// Lower time bound, UTC seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_time_begin: Option<u64>,
    /// Length of the time window after the lower bound, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_time_period: Option<u64>,
    /// Element types to keep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_message_type_array: Option<Vec<ElemType>>,
    /// Exactly these sequences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_getmsglist_param_message_seq_array: Option<Vec<u64>>,
}

/// The input of `TIMMsgDelete` (`MsgDeleteParam`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsgDeleteParam {
    /// The message to delete.
    pub msg_delete_param_msg: MessageRef,
    /// Also delete in the cloud; accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_delete_param_is_ramble: Option<bool>,
}
