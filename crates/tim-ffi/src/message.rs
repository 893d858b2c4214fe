//! The message calls: `TIMMsgSendMessage`, `TIMMsgSendNewMsg`, `TIMMsgSaveMsg`,
//! `TIMMsgImportMsgList`, `TIMMsgGetMsgList`, `TIMMsgDelete`, `TIMMsgClearHistoryMessage`,
//! `TIMAddRecvNewMsgCallback`, `TIMRemoveRecvNewMsgCallback`, and our extension
//! `TIMExtDeliverIncomingMessages`.

use std::ffi::{c_char, c_int, c_void};

use serde_json::{Map, Value};
use tim_core::{CallError, HistoryQuery, HistoryStart};
use tim_types::keys::MSG_GETMSGLIST_PARAM_LAST_MSG;
use tim_types::parse::{optional_param, parse_json_object, parse_message_array, parse_message_param};
use tim_types::{GetMsgListParam, MsgDeleteParam};

use crate::boundary::{guard, guard_result, optional_str, required_str};
use crate::callback::CommCallback;
use crate::conversation::conv_key;
use crate::json;
use crate::message_name::message_name;
use crate::runtime;
use crate::types::{TIMCommCallback, TIMConvType, TIMRecvNewMsgCallback, UserData};

/// The most messages one `TIMMsgGetMsgList` returns.
pub const MAX_HISTORY_COUNT: u32 = 10_000;

/// Where a send tells the new message's ID before its result: a buffer, a callback, or neither.
struct IdOut {
    buffer: *mut c_char,
    callback: TIMCommCallback,
}

fn send(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_param: *const c_char,
    id_out: IdOut,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    let IdOut { buffer: message_id_buffer, callback: msgid_cb } = id_out;
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (key, text) =
            unsafe { (conv_key(conv_id, conv_type)?, required_str(json_msg_param, "json_msg_param")?) };
        let message = parse_message_param(text)?;
        let callback = CommCallback::new(cb, user_data);
        // The buffer is written before the message is queued: the callback, on another thread,
        // may run before this returns and may read it. Should queueing fail, the buffer gets its
        // old bytes back (the header promises it unchanged unless TIM_SUCC).
        let mut saved = None;
        // TIMMsgSendNewMsgEx: the ID's callback is queued now, ahead of the result's, and runs
        // only if the call is accepted (it waits for the verdict, given just below).
        let (verdict, accepted) = std::sync::mpsc::sync_channel::<bool>(1);
        let write_id = |id: &str| {
            if msgid_cb.is_some() {
                let (id_callback, id) = (CommCallback::new(msgid_cb, user_data), id.to_owned());
                // Queued, never run here: run here it would wait for a verdict not given yet. If the
                // SDK is gone, the send is refused just below anyway.
                client.dispatch(move || {
                    if accepted.recv() == Ok(true) {
                        id_callback.call(0, "", &id);
                    }
                });
            }
            if message_id_buffer.is_null() {
                return;
            }
            let len = id.len().min(tim_types::limits::LOGIN_USER_ID_BUFFER_BYTES - 1);
            let buffer = message_id_buffer.cast::<u8>();
            // SAFETY: the caller passes NULL or a buffer of at least 128 bytes (TIM contract); the
            // ID and its NUL fit in 128.
            unsafe {
                // Copied as possibly uninitialized bytes (a C buffer often is): never read as u8.
                let mut old = vec![std::mem::MaybeUninit::<u8>::uninit(); len + 1];
                std::ptr::copy_nonoverlapping(buffer, old.as_mut_ptr().cast::<u8>(), len + 1);
                saved = Some(old);
                std::ptr::copy_nonoverlapping(id.as_ptr(), buffer, len);
                *buffer.add(len) = 0;
            }
        };
        let sent = client
            .send_message_announcing_id(key, message, write_id, move |r| callback.complete(r, json::to_json));
        let _ = verdict.send(sent.is_ok());
        if sent.is_err()
            && let Some(old) = &saved
        {
            // SAFETY: the same buffer and length as written above.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    old.as_ptr().cast::<u8>(),
                    message_id_buffer.cast::<u8>(),
                    old.len(),
                )
            };
        }
        sent?;
        Ok(())
    })
}

/// Sends a message; writes its ID into `message_id_buffer` (128 bytes, may be NULL) before
/// returning. The callback gets the stored Message JSON.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSendMessage(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_param: *const c_char,
    message_id_buffer: *mut c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    send(
        conv_id,
        conv_type,
        json_msg_param,
        IdOut { buffer: message_id_buffer, callback: None },
        cb,
        user_data,
    )
}

/// The older send call: as `TIMMsgSendMessage` without the ID buffer.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSendNewMsg(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    send(
        conv_id,
        conv_type,
        json_msg_param,
        IdOut { buffer: std::ptr::null_mut(), callback: None },
        cb,
        user_data,
    )
}

/// Sends a message; `msgid_cb` gets the new message's ID (bare, in `json_params`), then `res_cb`
/// the stored Message JSON.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSendNewMsgEx(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_param: *const c_char,
    msgid_cb: TIMCommCallback,
    res_cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    let id_out = IdOut { buffer: std::ptr::null_mut(), callback: msgid_cb };
    send(conv_id, conv_type, json_msg_param, id_out, res_cb, user_data)
}

/// Saves a message into the conversation without sending it; the callback gets it.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSaveMsg(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (key, text) =
            unsafe { (conv_key(conv_id, conv_type)?, required_str(json_msg_param, "json_msg_param")?) };
        let message = parse_message_param(text)?;
        let callback = CommCallback::new(cb, user_data);
        client.save_message_with(key, message, move |r| callback.complete(r, json::to_json))
    })
}

/// Imports a JSON array of messages in one transaction; one invalid element rejects the call.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgImportMsgList(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msg_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (key, text) =
            unsafe { (conv_key(conv_id, conv_type)?, required_str(json_msg_array, "json_msg_array")?) };
        let list = parse_message_array(text)?;
        let callback = CommCallback::new(cb, user_data);
        client.import_messages_with(key, list, move |r| callback.complete(r, |_| String::new()))
    })
}

fn history_query(text: Option<&str>) -> Result<HistoryQuery, CallError> {
    let param: GetMsgListParam = match optional_param(text)? {
        None => GetMsgListParam::default(),
        Some(text) => {
            let mut param: Map<String, Value> = parse_json_object(text)?;
            // An empty object is no message, as if the key were absent: Tencent's own demos
            // pass `{}` for "from the start". (Only `{}`: a `null` ID is refused below.)
            if param.get(MSG_GETMSGLIST_PARAM_LAST_MSG).is_some_and(|last| last == &Value::Object(Map::new()))
            {
                param.remove(MSG_GETMSGLIST_PARAM_LAST_MSG);
            }
            serde_json::from_value(Value::Object(param)).map_err(|e| CallError::param(e.to_string()))?
        }
    };
    let mut query = HistoryQuery::default();
    if let Some(count) = param.msg_getmsglist_param_count {
        if count > MAX_HISTORY_COUNT {
            return Err(CallError::param(format!("msg_getmsglist_param_count exceeds {MAX_HISTORY_COUNT}")));
        }
        query.count = count as usize;
    }
    query.forward = param.msg_getmsglist_param_is_forward.unwrap_or(false);
    if let Some(last) = &param.msg_getmsglist_param_last_msg {
        query.start = HistoryStart::AfterMessage(message_name(last, MSG_GETMSGLIST_PARAM_LAST_MSG)?);
    } else if let Some(seq) = param.msg_getmsglist_param_last_msg_seq.filter(|&seq| seq > 0) {
        // 0 is "not set" (sequences start at 1): apps that fill every field send it.
        query.start = HistoryStart::AtSeq(seq);
    }
    let begin = param.msg_getmsglist_param_time_begin.unwrap_or(0);
    let period = param.msg_getmsglist_param_time_period.unwrap_or(0);
    (query.time_from, query.time_to) = time_window(begin, period, query.forward);
    query.types = param.msg_getmsglist_param_message_type_array.unwrap_or_default();
    query.seqs = param.msg_getmsglist_param_message_seq_array.filter(|s| !s.is_empty());
    Ok(query)
}

/// The inclusive `message_server_time` window of `msg_getmsglist_param_time_begin` and
/// `_time_period`, as TIM reads them: the window starts at `begin` (0: now) and goes the way the
/// listing goes, `period` seconds long (0: no limit); neither set is no window. Why by direction:
/// Tencent's `getTimeBegin` / `getTimePeriod`, which these keys carry, say so ("the start and end
/// of the time range depend on the pulling direction").
fn time_window(begin: u64, period: u64, forward: bool) -> (u64, u64) {
    if begin == 0 && period == 0 {
        return (0, u64::MAX);
    }
    let start = if begin == 0 { crate::connection::TIMGetServerTime() } else { begin };
    match (forward, period) {
        (true, 0) => (start, u64::MAX),
        (true, period) => (start, start.saturating_add(period)),
        (false, 0) => (0, start),
        (false, period) => (start.saturating_sub(period), start),
    }
}

/// Reads history: a JSON array of Message (backward: newest first; forward: oldest first).
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgGetMsgList(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_get_msg_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (key, text) = unsafe {
            (conv_key(conv_id, conv_type)?, optional_str(json_get_msg_param, "json_get_msg_param")?)
        };
        let query = history_query(text)?;
        let callback = CommCallback::new(cb, user_data);
        client.message_list_with(key, query, move |r| callback.complete(r, json::to_json))
    })
}

/// Deletes one message (`msg_delete_param_msg` with its `message_msg_id`, or as TIM 5.x names
/// it: `message_server_time` with `message_seq` and/or `message_rand`).
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgDelete(
    conv_id: *const c_char,
    conv_type: TIMConvType,
    json_msgdel_param: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (key, text) =
            unsafe { (conv_key(conv_id, conv_type)?, required_str(json_msgdel_param, "json_msgdel_param")?) };
        let param: MsgDeleteParam = parse_json_object(text)?;
        let message = message_name(&param.msg_delete_param_msg, "msg_delete_param_msg")?;
        let callback = CommCallback::new(cb, user_data);
        client.delete_message_with(key, message, callback.unit())
    })
}

/// Deletes every message of the conversation; the conversation stays.
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgClearHistoryMessage(
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
        client.clear_history_with(key, callback.unit())
    })
}

/// Adds a receive callback (several may be added; the same function again replaces its user
/// data). It gets a JSON array of the messages of each committed batch from others.
#[unsafe(no_mangle)]
pub extern "C" fn TIMAddRecvNewMsgCallback(cb: TIMRecvNewMsgCallback, user_data: *const c_void) {
    guard((), || runtime::add_recv_new_msg_callback(cb, UserData(user_data)))
}

/// Removes a receive callback by the function pointer given to `TIMAddRecvNewMsgCallback`.
#[unsafe(no_mangle)]
pub extern "C" fn TIMRemoveRecvNewMsgCallback(cb: TIMRecvNewMsgCallback) {
    guard((), || runtime::remove_recv_new_msg_callback(cb))
}

/// Our extension, not Tencent's: delivers a JSON array of messages to the logged-in user as if
/// they came from the network (each with `message_sender`, `message_conv_type` and, for groups,
/// `message_conv_id`). The callback gets the array of messages stored (duplicates left out).
#[unsafe(no_mangle)]
pub extern "C" fn TIMExtDeliverIncomingMessages(
    json_msg_array: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let text = unsafe { required_str(json_msg_array, "json_msg_array") }?;
        let list = parse_message_array(text)?;
        let callback = CommCallback::new(cb, user_data);
        client.deliver_with(list, move |r| callback.complete(r, json::to_json))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tim_core::MessageLocator;

    #[test]
    fn the_time_window_goes_the_way_the_listing_goes() {
        assert_eq!(time_window(0, 0, false), (0, u64::MAX), "neither set: no window");
        assert_eq!(time_window(0, 0, true), (0, u64::MAX));
        assert_eq!(time_window(300, 100, false), (200, 300), "older: back from begin");
        assert_eq!(time_window(300, 0, false), (0, 300));
        assert_eq!(time_window(50, 100, false), (0, 50));
        assert_eq!(time_window(200, 100, true), (200, 300), "newer: on from begin");
        assert_eq!(time_window(200, 0, true), (200, u64::MAX));
        assert_eq!(time_window(u64::MAX, 10, true), (u64::MAX, u64::MAX));
        let before = crate::connection::TIMGetServerTime();
        let (from, to) = time_window(0, 60, false);
        let after = crate::connection::TIMGetServerTime();
        assert!((before..=after).contains(&to) && to - from == 60, "begin 0 is now: {from}..{to}");
    }

    #[test]
    fn a_last_msg_named_as_tim_5_names_it_starts_after_that_message() {
        let located =
            r#"{"msg_getmsglist_param_last_msg":{"message_server_time":7,"message_seq":3,"message_rand":9}}"#;
        let at = |seq, rand| Ok(HistoryStart::AfterMessage(MessageLocator { time: 7, seq, rand }.into()));
        assert_eq!(start(located), at(Some(3), Some(9)));
        let by_rand = r#"{"msg_getmsglist_param_last_msg":{"message_server_time":7,"message_rand":9}}"#;
        assert_eq!(start(by_rand), at(None, Some(9)));
        for last in [
            r#"{"message_server_time":7}"#,
            r#"{"message_seq":3,"message_rand":9}"#,
            r#"{"message_server_time":"7","message_seq":3}"#,
            r#"{"message_server_time":7,"message_seq":-3}"#,
        ] {
            let text = format!(r#"{{"msg_getmsglist_param_last_msg":{last}}}"#);
            assert!(matches!(start(&text), Err(CallError::Param(_))), "{text}: {:?}", start(&text));
        }
    }

    fn start(text: &str) -> Result<HistoryStart, CallError> {
        history_query(Some(text)).map(|query| query.start)
    }

    #[test]
    fn an_empty_last_msg_is_as_if_absent() {
        assert_eq!(start(r#"{"msg_getmsglist_param_last_msg":{}}"#), Ok(HistoryStart::End));
        let with_seq = r#"{"msg_getmsglist_param_last_msg":{},"msg_getmsglist_param_last_msg_seq":5}"#;
        assert_eq!(start(with_seq), Ok(HistoryStart::AtSeq(5)));
        let named = r#"{"msg_getmsglist_param_last_msg":{"message_msg_id":"m"}}"#;
        assert_eq!(start(named), Ok(HistoryStart::AfterMessage("m".into())));
    }

    #[test]
    fn a_last_msg_without_a_usable_id_is_refused() {
        for last in [
            r#"{"message_msg_id":null}"#,
            r#"{"message_msg_id":""}"#,
            r#"{"message_seq":3}"#,
            r#"{"message_rand":3}"#,
        ] {
            let text = format!(r#"{{"msg_getmsglist_param_last_msg":{last}}}"#);
            assert!(matches!(start(&text), Err(CallError::Param(_))), "{text}: {:?}", start(&text));
        }
    }
}
