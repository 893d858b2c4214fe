//! The newer conversation calls: `TIMConvGetConvInfo`, `TIMConvPinConversation`,
//! `TIMConvGetConversationListByFilter`, `TIMConvDeleteConversationList`,
//! `TIMConvSetConversationCustomData`, `TIMConvMarkConversation`, and the unread count by filter
//! (`TIMConvGetUnreadMessageCountByFilter`, `TIMConvSubscribeUnreadMessageCountByFilter`,
//! `TIMConvUnsubscribeUnreadMessageCountByFilter`,
//! `TIMSetConvUnreadMessageCountChangedByFilterCallback`).

use std::ffi::{c_char, c_int, c_void};

use serde_json::json;
use tim_core::{CallError, ConvFilter, ConvKey, ItemResults, TimError};
use tim_types::keys::CONV_GET_TOTAL_UNREAD_MESSAGE_COUNT_RESULT_UNREAD_COUNT;
use tim_types::parse::{optional_param, parse_json, parse_json_object, parse_json_object_array};
use tim_types::{
    ConvType, ConversationListFilter, ConversationListResult, ConversationOperationResult,
    GetConversationListParam,
};

use crate::boundary::{guard, guard_result, optional_str, required_str};
use crate::callback::CommCallback;
use crate::conversation::conv_key;
use crate::json;
use crate::runtime;
use crate::types::{
    CBool, TIMCommCallback, TIMConvTotalUnreadMessageCountChangedByFilterCallback, TIMConvType, UserData,
};

/// Parses a JSON array of `c2c_<id>` / `group_<id>` conversation IDs.
pub(crate) fn conversation_ids(text: &str) -> Result<Vec<ConvKey>, CallError> {
    let ids: Vec<String> = parse_json(text)?;
    ids.iter().map(|id| ConvKey::from_conversation_id(id)).collect()
}

/// Reads a required JSON array of conversation IDs from C.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
pub(crate) unsafe fn conversation_ids_arg(ptr: *const c_char, what: &str) -> Result<Vec<ConvKey>, CallError> {
    // SAFETY: forwarded contract.
    conversation_ids(unsafe { required_str(ptr, what) }?)
}

/// The JSON array of `TIMConversationOperationResult`.
pub(crate) fn operation_results(results: &ItemResults) -> String {
    let list: Vec<ConversationOperationResult> = results
        .iter()
        .map(|(key, result)| ConversationOperationResult {
            conversation_operation_result_conversation_id: key.to_string(),
            conversation_operation_result_result_code: result.as_ref().map_or_else(|e| e.code, |()| 0),
            conversation_operation_result_result_info: result
                .as_ref()
                .err()
                .map_or_else(String::new, |e| e.desc.clone()),
        })
        .collect();
    json::to_json(&list)
}

/// Parses a `TIMConversationListFilter`; NULL or `""` means no filtering.
pub(crate) fn filter_arg(text: Option<&str>) -> Result<ConvFilter, CallError> {
    let filter: ConversationListFilter = match optional_param(text)? {
        None => ConversationListFilter::default(),
        Some(text) => parse_json_object(text)?,
    };
    let conv_type = match filter.conversation_list_filter_conv_type {
        None | Some(ConvType::Invalid) => None,
        Some(ConvType::System) => {
            return Err(CallError::param("conversation_list_filter_conv_type must be 1 or 2"));
        }
        Some(t) => Some(t),
    };
    Ok(ConvFilter {
        conv_type,
        group: filter.conversation_list_filter_conversation_group,
        mark: filter.conversation_list_filter_mark_type,
        has_unread: filter.conversation_list_filter_has_unread_count.unwrap_or(false),
        has_at: filter.conversation_list_filter_has_group_at_info.unwrap_or(false),
    })
}

fn unread_json(total: &u64) -> String {
    json!({ CONV_GET_TOTAL_UNREAD_MESSAGE_COUNT_RESULT_UNREAD_COUNT: total }).to_string()
}

fn results_callback(callback: CommCallback) -> impl FnOnce(Result<ItemResults, TimError>) + Send + 'static {
    move |r| callback.complete(r, operation_results)
}

/// The ConvInfo of the requested conversations that exist, in request order.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConvInfo(
    json_get_conv_list_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let text = unsafe { required_str(json_get_conv_list_param, "json_get_conv_list_param") }?;
        let params: Vec<GetConversationListParam> = parse_json_object_array(text)?;
        let keys = params
            .into_iter()
            .map(|p| {
                // Names conversations (one stored with a NUL in its ID by an older build too).
                ConvKey::existing(
                    p.get_conversation_list_param_conv_type,
                    &p.get_conversation_list_param_conv_id,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let callback = CommCallback::new(cb, user_data);
        client.conversation_info_with(keys, move |r| callback.complete(r, |list| json::conv_list(list)))
    })
}

/// Pins or unpins a conversation (at most 50 pinned); the callback gets `""`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvPinConversation(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    is_pinned: CBool,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let key = unsafe { conv_key(conv_id, conv_type) }?;
        let callback = CommCallback::new(cb, user_data);
        client.pin_conversation_with(key, is_pinned != 0, callback.unit())
    })
}

/// One page of the filtered list: `next_seq` 0 for the first page, then the value returned.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConversationListByFilter(
    filter: *const c_char,
    next_seq: u64,
    count: u32,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let filter = filter_arg(unsafe { optional_str(filter, "filter") }?)?;
        let callback = CommCallback::new(cb, user_data);
        client.conversation_page_with(filter, next_seq, count, move |r| {
            callback.complete(r, |page| {
                json::to_json(&ConversationListResult {
                    conversation_list_result_conv_list: page.list.clone(),
                    conversation_list_result_next_seq: page.next_seq,
                    conversation_list_result_is_finished: page.finished,
                })
            })
        })
    })
}

/// Deletes up to 100 conversations; without `clear_message` their messages stay.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDeleteConversationList(
    conversation_id_array: *const c_char,
    clear_message: CBool,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let keys = unsafe { conversation_ids_arg(conversation_id_array, "conversation_id_array") }?;
        client.delete_conversation_list_with(
            keys,
            clear_message != 0,
            results_callback(CommCallback::new(cb, user_data)),
        )
    })
}

/// Sets `conv_custom_data` (at most 256 bytes) of up to 100 conversations.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvSetConversationCustomData(
    conversation_id_array: *const c_char,
    custom_data: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (keys, data) = unsafe {
            (
                conversation_ids_arg(conversation_id_array, "conversation_id_array")?,
                optional_str(custom_data, "custom_data")?.unwrap_or_default(),
            )
        };
        client.set_custom_data_with(keys, data.to_owned(), results_callback(CommCallback::new(cb, user_data)))
    })
}

/// Sets or clears marks (Star 0x1, Unread 0x2, Fold 0x4, Hide 0x8, bits 32..63) on up to 100
/// conversations.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvMarkConversation(
    conversation_id_array: *const c_char,
    mark_type: u64,
    enable_mark: CBool,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let keys = unsafe { conversation_ids_arg(conversation_id_array, "conversation_id_array") }?;
        let callback = results_callback(CommCallback::new(cb, user_data));
        client.mark_conversations_with(keys, mark_type, enable_mark != 0, callback)
    })
}

/// The unread count of the conversations a filter covers (muted ones excluded).
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetUnreadMessageCountByFilter(
    filter: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let filter = filter_arg(unsafe { optional_str(filter, "filter") }?)?;
        let callback = CommCallback::new(cb, user_data);
        client.unread_by_filter_with(filter, move |r| callback.complete(r, unread_json))
    })
}

/// Subscribes to a filter's unread count (synchronous): the by-filter callback then gets this
/// filter JSON and the new total after each commit that changed it.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvSubscribeUnreadMessageCountByFilter(filter: *const c_char) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let text = unsafe { required_str(filter, "filter") }?;
        let parsed = filter_arg(Some(text))?;
        client.subscribe_unread_blocking(parsed, text.to_owned())
    })
}

/// Ends a subscription (synchronous); filters are told apart by their conditions.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvUnsubscribeUnreadMessageCountByFilter(filter: *const c_char) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let parsed = filter_arg(Some(unsafe { required_str(filter, "filter") }?))?;
        client.unsubscribe_unread_blocking(parsed)
    })
}

/// Sets (or with NULL clears) the unread-by-filter callback; kept across `TIMUninit`/`TIMInit`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvUnreadMessageCountChangedByFilterCallback(
    cb: TIMConvTotalUnreadMessageCountChangedByFilterCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_filtered_unread_callback(cb, UserData(user_data)))
}
