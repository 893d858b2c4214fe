//! `Draft`, the input of `TIMConvSetDraft` and the `conv_draft` of a ConvInfo.

use serde::{Deserialize, Serialize};

use super::Message;

/// A conversation draft (reference §4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The message being composed.
    pub draft_msg: Message,
    /// User-defined data (for example the message being replied to).
    #[serde(default)]
    pub draft_user_define: String,
    /// UTC seconds of the last edit.
    pub draft_edit_time: u64,
}
