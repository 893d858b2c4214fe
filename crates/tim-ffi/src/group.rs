//! Conversation groups: `TIMConvCreateConversationGroup`, `TIMConvGetConversationGroupList`,
//! `TIMConvDeleteConversationGroup`, `TIMConvRenameConversationGroup`,
//! `TIMConvAddConversationsToGroup`, `TIMConvDeleteConversationsFromGroup`, and the five group
//! callback setters.

use std::ffi::{c_char, c_int, c_void};

use tim_core::{CallError, GroupOp};

use crate::boundary::{guard, guard_result, required_str};
use crate::callback::CommCallback;
use crate::conversation_list::{conversation_ids_arg, operation_results};
use crate::json;
use crate::runtime::{self, GroupCallback};
use crate::types::{
    TIMCommCallback, TIMConvConversationGroupCreatedCallback, TIMConvConversationGroupDeletedCallback,
    TIMConvConversationGroupNameChangedCallback, TIMConvConversationsAddedToGroupCallback,
    TIMConvConversationsDeletedFromGroupCallback, UserData,
};

/// Reads a group name (its length limit is checked with the other limits, as the server does).
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
unsafe fn name_arg<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, CallError> {
    // SAFETY: forwarded contract.
    unsafe { required_str(ptr, what) }
}

fn group_call(
    op: GroupOp,
    cb: TIMCommCallback,
    user_data: *const c_void,
    with_results: bool,
) -> Result<(), CallError> {
    let client = runtime::client()?;
    let callback = CommCallback::new(cb, user_data);
    client.group_op_with(op, move |r| {
        callback.complete(r, |results| if with_results { operation_results(results) } else { String::new() })
    })
}

/// Creates a group (name of 1 to 32 bytes, at most 20 groups) holding a non-empty array of
/// conversation IDs; the callback gets one operation result per conversation.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCreateConversationGroup(
    group_name: *const c_char,
    conversation_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (name, keys) = unsafe {
            (
                name_arg(group_name, "group_name")?,
                conversation_ids_arg(conversation_id_array, "conversation_id_array")?,
            )
        };
        // An empty array: `group_op_with` refuses it (TIM_ERR_PARAM).
        group_call(GroupOp::Create(name.to_owned(), keys), cb, user_data, true)
    })
}

/// The group names, as a JSON array of strings, in creation order.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConversationGroupList(cb: TIMCommCallback, user_data: *const c_void) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let callback = CommCallback::new(cb, user_data);
        client.group_list_with(move |r| callback.complete(r, json::to_json))
    })
}

/// Deletes a group (its conversations stay); 51009 if it does not exist.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDeleteConversationGroup(
    group_name: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let name = unsafe { name_arg(group_name, "group_name") }?;
        group_call(GroupOp::Delete(name.to_owned()), cb, user_data, false)
    })
}

/// Renames a group.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvRenameConversationGroup(
    old_name: *const c_char,
    new_name: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (old, new) = unsafe { (name_arg(old_name, "old_name")?, name_arg(new_name, "new_name")?) };
        group_call(GroupOp::Rename(old.to_owned(), new.to_owned()), cb, user_data, false)
    })
}

/// Adds conversations to a group; one operation result per conversation.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvAddConversationsToGroup(
    group_name: *const c_char,
    conversation_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (name, keys) = unsafe {
            (
                name_arg(group_name, "group_name")?,
                conversation_ids_arg(conversation_id_array, "conversation_id_array")?,
            )
        };
        group_call(GroupOp::Add(name.to_owned(), keys), cb, user_data, true)
    })
}

/// Removes conversations from a group; one operation result per conversation.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDeleteConversationsFromGroup(
    group_name: *const c_char,
    conversation_id_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (name, keys) = unsafe {
            (
                name_arg(group_name, "group_name")?,
                conversation_ids_arg(conversation_id_array, "conversation_id_array")?,
            )
        };
        group_call(GroupOp::Remove(name.to_owned(), keys), cb, user_data, true)
    })
}

/// Sets (or with NULL clears) the group-created callback: the name and a JSON array of the
/// conversation IDs added.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationGroupCreatedCallback(
    cb: TIMConvConversationGroupCreatedCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_group_callback(GroupCallback::Created(cb), UserData(user_data)))
}

/// Sets (or with NULL clears) the group-deleted callback.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationGroupDeletedCallback(
    cb: TIMConvConversationGroupDeletedCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_group_callback(GroupCallback::Deleted(cb), UserData(user_data)))
}

/// Sets (or with NULL clears) the group-renamed callback.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationGroupNameChangedCallback(
    cb: TIMConvConversationGroupNameChangedCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_group_callback(GroupCallback::Renamed(cb), UserData(user_data)))
}

/// Sets (or with NULL clears) the conversations-added callback.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationsAddedToGroupCallback(
    cb: TIMConvConversationsAddedToGroupCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_group_callback(GroupCallback::Added(cb), UserData(user_data)))
}

/// Sets (or with NULL clears) the conversations-removed callback (the 7.x typedef, without the
/// 8.6 `reason` parameter).
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationsDeletedFromGroupCallback(
    cb: TIMConvConversationsDeletedFromGroupCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_group_callback(GroupCallback::Removed(cb), UserData(user_data)))
}
