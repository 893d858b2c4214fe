//! Snapshots of the JSON of the newer conversation calls (filtered page, operation results,
//! conversation info, group list, unread by filter, group callbacks), through the real exports.
//! One test per file: the C API has one global SDK per process.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde_json::Value;
use tim_ffi::*;

static RECORDS: Mutex<Vec<(usize, i32, String)>> = Mutex::new(Vec::new());
static EXTRA: Mutex<Vec<Value>> = Mutex::new(Vec::new());
static ARRIVED: Condvar = Condvar::new();

fn text(ptr: *const c_char) -> String {
    // SAFETY: the SDK passes NUL-terminated strings valid during the callback.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

unsafe extern "C" fn on_comm(code: i32, _desc: *const c_char, json: *const c_char, user_data: *const c_void) {
    RECORDS.lock().unwrap().push((user_data as usize, code, text(json)));
    ARRIVED.notify_all();
}

unsafe extern "C" fn on_created(name: *const c_char, convs: *const c_char, _ud: *const c_void) {
    EXTRA.lock().unwrap().push(serde_json::json!({"created": text(name), "conversations": serde_json::from_str::<Value>(&text(convs)).unwrap()}));
}

unsafe extern "C" fn on_renamed(old: *const c_char, new: *const c_char, _ud: *const c_void) {
    EXTRA.lock().unwrap().push(serde_json::json!({"renamed": [text(old), text(new)]}));
}

unsafe extern "C" fn on_filtered(filter: *const c_char, total: c_int, _ud: *const c_void) {
    EXTRA.lock().unwrap().push(serde_json::json!({"filter": text(filter), "total": total}));
}

fn call(tag: usize, f: impl FnOnce(TIMCommCallback, *const c_void) -> c_int) -> (i32, Value) {
    assert_eq!(f(Some(on_comm), tag as *const c_void), 0, "call {tag} refused");
    let mut records = RECORDS.lock().unwrap();
    loop {
        if let Some((_, code, json)) = records.iter().find(|r| r.0 == tag).cloned() {
            let value = if json.is_empty() { Value::Null } else { serde_json::from_str(&json).unwrap() };
            return (code, value);
        }
        let (guard, timeout) = ARRIVED.wait_timeout(records, Duration::from_secs(10)).unwrap();
        assert!(!timeout.timed_out(), "callback {tag} never came");
        records = guard;
    }
}

fn redact(mut value: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if k == "conv_active_time" {
                        *v = Value::String("[order]".into());
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

#[test]
fn list_json() {
    let dir = tempfile::tempdir().unwrap();
    let config = CString::new(format!(r#"{{"sdk_config_config_file_path":{:?}}}"#, dir.path())).unwrap();
    assert_eq!(TIMInit(0, config.as_ptr()), 0);
    TIMSetConvConversationGroupCreatedCallback(Some(on_created), std::ptr::null());
    TIMSetConvConversationGroupNameChangedCallback(Some(on_renamed), std::ptr::null());
    TIMSetConvUnreadMessageCountChangedByFilterCallback(Some(on_filtered), std::ptr::null());
    call(1, |cb, ud| TIMLogin(c"me".as_ptr(), c"".as_ptr(), cb, ud));
    for (n, id) in ["c", "b", "a"].iter().enumerate() {
        let id = CString::new(*id).unwrap();
        call(10 + n, |cb, ud| TIMConvCreate(id.as_ptr(), 1, cb, ud));
    }
    call(20, |cb, ud| TIMConvCreate(c"g".as_ptr(), 2, cb, ud));
    call(21, |cb, ud| TIMConvPinConversation(c"b".as_ptr(), 1, 1, cb, ud));
    let ids = cr#"["c2c_a","c2c_nobody","group_g"]"#;
    let (_, marked) = call(22, |cb, ud| TIMConvMarkConversation(ids.as_ptr(), 0x1, 1, cb, ud));
    insta::assert_json_snapshot!("operation_results", marked);
    let (_, custom) = call(23, |cb, ud| {
        TIMConvSetConversationCustomData(cr#"["c2c_c"]"#.as_ptr(), c"vip".as_ptr(), cb, ud)
    });
    assert_eq!(custom[0]["conversation_operation_result_result_code"], 0);
    call(24, |cb, ud| {
        TIMConvCreateConversationGroup(c"work".as_ptr(), cr#"["c2c_a","c2c_c"]"#.as_ptr(), cb, ud)
    });
    call(25, |cb, ud| TIMConvRenameConversationGroup(c"work".as_ptr(), c"job".as_ptr(), cb, ud));
    let (_, groups) = call(26, |cb, ud| TIMConvGetConversationGroupList(cb, ud));
    assert_eq!(groups, serde_json::json!(["job"]));

    let filter = cr#"{"conversation_list_filter_conv_type":1}"#;
    assert_eq!(TIMConvSubscribeUnreadMessageCountByFilter(filter.as_ptr()), 0);
    let (_, page) = call(27, |cb, ud| TIMConvGetConversationListByFilter(filter.as_ptr(), 0, 2, cb, ud));
    let next = page["conversation_list_result_next_seq"].as_u64().unwrap();
    insta::assert_json_snapshot!("filtered_page", redact(page), { ".conversation_list_result_next_seq" => "[cursor]" });
    let (_, rest) = call(28, |cb, ud| TIMConvGetConversationListByFilter(filter.as_ptr(), next, 2, cb, ud));
    assert_eq!(rest["conversation_list_result_is_finished"], true);
    assert_eq!(rest["conversation_list_result_conv_list"][0]["conv_id"], "c");

    let info_param =
        cr#"[{"get_conversation_list_param_conv_id":"g","get_conversation_list_param_conv_type":2},
        {"get_conversation_list_param_conv_id":"zz","get_conversation_list_param_conv_type":1}]"#;
    let (_, info) = call(29, |cb, ud| TIMConvGetConvInfo(info_param.as_ptr(), cb, ud));
    insta::assert_json_snapshot!("conv_info", redact(info));

    let incoming = cr#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"x"}],"message_sender":"a","message_conv_type":1}]"#;
    call(30, |cb, ud| TIMExtDeliverIncomingMessages(incoming.as_ptr(), cb, ud));
    let (_, by_filter) = call(31, |cb, ud| TIMConvGetUnreadMessageCountByFilter(filter.as_ptr(), cb, ud));
    insta::assert_json_snapshot!("unread_by_filter", by_filter);
    let (_, deleted) = call(32, |cb, ud| TIMConvDeleteConversationList(cr#"["c2c_a"]"#.as_ptr(), 0, cb, ud));
    assert_eq!(deleted[0]["conversation_operation_result_result_code"], 0);
    assert_eq!(TIMConvUnsubscribeUnreadMessageCountByFilter(filter.as_ptr()), 0);
    assert_eq!(TIMUninit(), 0);
    insta::assert_json_snapshot!("group_and_filter_callbacks", *EXTRA.lock().unwrap());
}
