//! The conversation calls: `TIMConvCreate`, `TIMConvDelete`, `TIMConvGetConvList`,
//! `TIMConvSetDraft`, `TIMConvCancelDraft`, and `TIMSetConvEventCallback`.

use std::ffi::{c_char, c_int, c_void};
use std::time::{SystemTime, UNIX_EPOCH};

use tim_core::{CallError, ConvKey};
use tim_types::ConvType;
use tim_types::parse::parse_draft_param;

use crate::boundary::{guard, guard_result, required_str};
use crate::callback::CommCallback;
use crate::json;
use crate::runtime;
use crate::types::{TIMCommCallback, TIMConvEventCallback, TIMConvType, UserData};

/// Reads a bare conversation ID and type from C.
///
/// # Safety
/// `conv_id` is NULL or a NUL-terminated string.
pub(crate) unsafe fn conv_key(conv_id: *const c_char, conv_type: TIMConvType) -> Result<ConvKey, CallError> {
    let conv_type = ConvType::from_caller(conv_type.into()).map_err(|_| {
        CallError::param(format!("conv_type {conv_type} is not kTIMConv_C2C or kTIMConv_Group"))
    })?;
    // SAFETY: forwarded contract.
    let conv_id = unsafe { required_str(conv_id, "conv_id") }?;
    ConvKey::new(conv_type, conv_id)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Creates the conversation, or obtains it if it exists; the callback gets its ConvInfo. A new
/// conversation fires `kTIMConvEvent_Add`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCreate(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let key = unsafe { conv_key(conv_id, conv_type) }?;
        let callback = CommCallback::new(cb, user_data);
        client.create_conversation_with(key, move |result| callback.complete(result, json::conv_info))
    })
}

/// Deletes the conversation and its draft; fires `kTIMConvEvent_Del`. A conversation that does
/// not exist gets `ERR_INVALID_CONVERSATION` (6004) in the callback.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDelete(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let key = unsafe { conv_key(conv_id, conv_type) }?;
        let callback = CommCallback::new(cb, user_data);
        client.delete_conversation_with(key, callback.unit())
    })
}

/// Delivers the conversation list (a JSON array of ConvInfo) in list order.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConvList(cb: TIMCommCallback, user_data: *const c_void) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let callback = CommCallback::new(cb, user_data);
        client.conversation_list_with(move |result| callback.complete(result, |list| json::conv_list(list)))
    })
}

/// Sets the draft (synchronous: returns once it is durable). Creates the conversation if needed
/// (`kTIMConvEvent_Add`), otherwise fires `kTIMConvEvent_Update`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvSetDraft(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_draft_param: *const c_char,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (key, text) =
            unsafe { (conv_key(conv_id, conv_type)?, required_str(json_draft_param, "json_draft_param")?) };
        let draft = parse_draft_param(text, unix_now())?;
        client.set_draft_blocking(key, draft)
    })
}

/// Removes the draft (synchronous); `TIM_ERR_CONV` if the conversation does not exist.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCancelDraft(conv_id: *const c_char, conv_type: TIMConvType) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let key = unsafe { conv_key(conv_id, conv_type) }?;
        client.cancel_draft_blocking(key)
    })
}

/// Sets (or with NULL clears) the conversation event callback; it replaces any earlier one and
/// stays registered across `TIMUninit`/`TIMInit`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvEventCallback(cb: TIMConvEventCallback, user_data: *const c_void) {
    guard((), || runtime::set_conv_event_callback(cb, UserData(user_data)))
}
