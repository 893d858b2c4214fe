//! Inputs and outputs of the filtered list and the batch conversation calls.

use serde::{Deserialize, Serialize};

use super::ConvInfo;
use crate::enums::ConvType;

/// `TIMConversationListFilter`: absent keys do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationListFilter {
    /// Only this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_list_filter_conv_type: Option<ConvType>,
    /// Only this group; `""`: only conversations in no group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_list_filter_conversation_group: Option<String>,
    /// Only conversations with these marks; 0: only unmarked ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_list_filter_mark_type: Option<u64>,
    /// Only conversations with unread messages (false or absent: no filtering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_list_filter_has_unread_count: Option<bool>,
    /// Only conversations with @ reminders (false or absent: no filtering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_list_filter_has_group_at_info: Option<bool>,
}

/// `TIMConversationListResult`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationListResult {
    /// The page.
    pub conversation_list_result_conv_list: Vec<ConvInfo>,
    /// The cursor for the next page.
    pub conversation_list_result_next_seq: u64,
    /// Whether no more conversations follow.
    pub conversation_list_result_is_finished: bool,
}

/// One element of `TIMConvGetConvInfo`'s input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetConversationListParam {
    /// The bare conversation ID.
    pub get_conversation_list_param_conv_id: String,
    /// The conversation type.
    pub get_conversation_list_param_conv_type: ConvType,
}

/// `TIMConversationOperationResult`: the outcome for one conversation of a batch call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationOperationResult {
    /// `c2c_<id>` or `group_<id>`.
    pub conversation_operation_result_conversation_id: String,
    /// 0 on success, else a `TIMErrCode`.
    pub conversation_operation_result_result_code: i32,
    /// What went wrong, or `""`.
    pub conversation_operation_result_result_info: String,
}
