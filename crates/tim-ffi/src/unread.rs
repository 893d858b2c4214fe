//! Read state, unread counts and receive options: `TIMMsgReportReaded`,
//! `TIMMsgMarkAllMessageAsRead`, `TIMConvCleanConversationUnreadMessageCount`,
//! `TIMMsgSetC2CReceiveMessageOpt`, `TIMMsgSetGroupReceiveMessageOpt`,
//! `TIMConvGetTotalUnreadMessageCount`, `TIMSetConvTotalUnreadMessageCountChangedCallback`.

use std::ffi::{c_char, c_int, c_void};

use serde_json::{Map, Value, json};
use tim_core::{CallError, ConvKey, ReadBound, ReadScope};
use tim_types::keys::CONV_GET_TOTAL_UNREAD_MESSAGE_COUNT_RESULT_UNREAD_COUNT;
use tim_types::parse::{optional_param, parse_json, parse_json_object};
use tim_types::{ConvType, MessageRef, ReceiveMessageOpt};

use crate::boundary::{guard, guard_result, optional_str, required_str};
use crate::callback::CommCallback;
use crate::message_name::message_name;
use crate::runtime;
use crate::types::{
    TIMCommCallback, TIMConvTotalUnreadMessageCountChangedCallback, TIMConvType, TIMReceiveMessageOpt,
    UserData,
};

fn conv_type_arg(conv_type: TIMConvType) -> Result<ConvType, CallError> {
    ConvType::from_caller(conv_type.into())
        .map_err(|_| CallError::param(format!("conv_type {conv_type} is not kTIMConv_C2C or kTIMConv_Group")))
}

fn recv_opt_arg(opt: TIMReceiveMessageOpt) -> Result<ReceiveMessageOpt, CallError> {
    ReceiveMessageOpt::from_value(opt.into())
        .map_err(|_| CallError::param(format!("{opt} is not a TIMReceiveMessageOpt")))
}

/// Marks messages read: with a NULL or empty `conv_id` every conversation of `conv_type`; with a
/// NULL, empty or `{}` message the whole conversation; otherwise up to and including that message
/// (named by `message_msg_id`, or as TIM 5.x names it: `message_server_time` with `message_seq`
/// and/or `message_rand`).
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgReportReaded(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let kind = conv_type_arg(conv_type)?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let id = unsafe { optional_str(conv_id, "conv_id")? }.filter(|id| !id.is_empty());
        // Without a conversation `json_msg_param` is ignored, as the header says: not even read.
        let text = match id {
            // SAFETY: as above.
            Some(_) => unsafe { optional_str(json_msg_param, "json_msg_param")? },
            None => None,
        };
        let callback = CommCallback::new(cb, user_data);
        let Some(id) = id else {
            return client.mark_read_with(ReadScope::All(Some(kind)), callback.unit());
        };
        let key = ConvKey::new(kind, id)?;
        match optional_param(text)? {
            None => client.mark_read_with(ReadScope::Conversation(key), callback.unit()),
            Some(text) => {
                let object: Map<String, Value> = parse_json_object(text)?;
                if object.is_empty() {
                    // `{}` names no message, as NULL does (and as in `TIMMsgGetMsgList`); only
                    // `{}`: `{"message_msg_id":null}` is refused below.
                    return client.mark_read_with(ReadScope::Conversation(key), callback.unit());
                }
                let message: MessageRef = serde_json::from_value(Value::Object(object))
                    .map_err(|e| CallError::param(e.to_string()))?;
                let message = message_name(&message, "json_msg_param")?;
                client.read_up_to_with(key, ReadBound::Message(message), callback.unit())
            }
        }
    })
}

/// Marks every message of every conversation read.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgMarkAllMessageAsRead(cb: TIMCommCallback, user_data: *const c_void) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        client.mark_read_with(ReadScope::All(None), CommCallback::new(cb, user_data).unit())
    })
}

/// Clears unread counts. `conversation_id`: NULL or `""` all conversations, `"c2c"` all C2C,
/// `"group"` all groups, `"c2c_<user>"` / `"group_<group>"` one conversation, read up to
/// `clean_timestamp` (C2C) or `clean_sequence` (group), 0 meaning everything.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCleanConversationUnreadMessageCount(
    conversation_id: *const c_char,
    clean_timestamp: u64,
    clean_sequence: u64,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let id = unsafe { optional_str(conversation_id, "conversation_id") }?.unwrap_or("");
        let callback = CommCallback::new(cb, user_data);
        let (key, bound) = match id {
            "" => return client.mark_read_with(ReadScope::All(None), callback.unit()),
            "c2c" => return client.mark_read_with(ReadScope::All(Some(ConvType::C2C)), callback.unit()),
            "group" => return client.mark_read_with(ReadScope::All(Some(ConvType::Group)), callback.unit()),
            _ => {
                if let Some(user) = id.strip_prefix("c2c_") {
                    (ConvKey::c2c(user)?, (clean_timestamp > 0).then_some(ReadBound::Time(clean_timestamp)))
                } else if let Some(group) = id.strip_prefix("group_") {
                    (ConvKey::group(group)?, (clean_sequence > 0).then_some(ReadBound::Seq(clean_sequence)))
                } else {
                    return Err(CallError::param(format!(
                        "{id:?} is not c2c_<id>, group_<id>, c2c, group or empty"
                    )));
                }
            }
        };
        match bound {
            None => client.mark_read_with(ReadScope::Conversation(key), callback.unit()),
            Some(bound) => client.read_up_to_with(key, bound, callback.unit()),
        }
    })
}

/// Sets the receive option of the C2C conversations with the users of a JSON array of user IDs.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSetC2CReceiveMessageOpt(
    json_identifier_array: *const c_char,
    opt: TIMReceiveMessageOpt,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let opt = recv_opt_arg(opt)?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let text = unsafe { required_str(json_identifier_array, "json_identifier_array") }?;
        let users: Vec<String> = parse_json(text)?;
        let keys = users.into_iter().map(ConvKey::c2c).collect::<Result<Vec<_>, _>>()?;
        client.set_receive_option_with(keys, opt, CommCallback::new(cb, user_data).unit())
    })
}

/// Sets the receive option of one group conversation.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSetGroupReceiveMessageOpt(
    group_id: *const c_char,
    opt: TIMReceiveMessageOpt,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let opt = recv_opt_arg(opt)?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let key = ConvKey::group(unsafe { required_str(group_id, "group_id") }?)?;
        client.set_receive_option_with(vec![key], opt, CommCallback::new(cb, user_data).unit())
    })
}

/// The total unread count of conversations that receive normally:
/// `{"conv_get_total_unread_message_count_result_unread_count": n}`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetTotalUnreadMessageCount(cb: TIMCommCallback, user_data: *const c_void) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let callback = CommCallback::new(cb, user_data);
        client.total_unread_with(move |r| {
            callback.complete(r, |total| {
                json!({ CONV_GET_TOTAL_UNREAD_MESSAGE_COUNT_RESULT_UNREAD_COUNT: total }).to_string()
            })
        })
    })
}

/// Sets (or with NULL clears) the callback told the total unread count after each commit that
/// changed it. It stays registered across `TIMUninit`/`TIMInit`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvTotalUnreadMessageCountChangedCallback(
    cb: TIMConvTotalUnreadMessageCountChangedCallback,
    user_data: *const c_void,
) {
    guard((), || runtime::set_total_unread_callback(cb, UserData(user_data)))
}
