//! Snapshots of the message JSON the C callbacks deliver (send, history, receive callbacks, total
//! unread, events after clearing unread), through the real exported functions. One test per
//! file: the C API has one global SDK per process.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde_json::Value;
use tim_ffi::*;

#[derive(Debug, Clone)]
enum Record {
    Comm { code: i32, json: String, tag: usize },
    Event { event: c_int, json: String },
    Received(String),
    Total(c_int),
}

static RECORDS: Mutex<Vec<Record>> = Mutex::new(Vec::new());
static ARRIVED: Condvar = Condvar::new();

fn text(ptr: *const c_char) -> String {
    // SAFETY: the SDK passes NUL-terminated strings valid during the callback.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

fn push(record: Record) {
    RECORDS.lock().unwrap().push(record);
    ARRIVED.notify_all();
}

unsafe extern "C" fn on_comm(code: i32, _desc: *const c_char, json: *const c_char, user_data: *const c_void) {
    push(Record::Comm { code, json: text(json), tag: user_data as usize });
}

unsafe extern "C" fn on_event(event: c_int, json: *const c_char, _user_data: *const c_void) {
    push(Record::Event { event, json: text(json) });
}

unsafe extern "C" fn on_received(json: *const c_char, _user_data: *const c_void) {
    push(Record::Received(text(json)));
}

unsafe extern "C" fn on_total(total: c_int, _user_data: *const c_void) {
    push(Record::Total(total));
}

fn parse(json: &str) -> Value {
    if json.is_empty() { Value::Null } else { serde_json::from_str(json).unwrap() }
}

fn wait_comm(tag: usize) -> (i32, Value) {
    let mut records = RECORDS.lock().unwrap();
    loop {
        let found = records.iter().find_map(|r| match r {
            Record::Comm { code, json, tag: t } if *t == tag => Some((*code, parse(json))),
            _ => None,
        });
        if let Some(found) = found {
            return found;
        }
        let (guard, timeout) = ARRIVED.wait_timeout(records, Duration::from_secs(10)).unwrap();
        assert!(!timeout.timed_out(), "callback {tag} never came");
        records = guard;
    }
}

fn tag(n: usize) -> *const c_void {
    n as *const c_void
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match k.as_str() {
                    "message_msg_id"
                    | "message_server_time"
                    | "message_client_time"
                    | "message_rand"
                    | "message_unique_id"
                    | "conv_active_time"
                    | "conv_c2c_read_timestamp" => *v = Value::String(format!("[{k}]")),
                    _ => redact(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

fn snap(mut value: Value) -> Value {
    redact(&mut value);
    value
}

#[test]
fn message_json() {
    let dir = tempfile::tempdir().unwrap();
    let config = CString::new(format!(r#"{{"sdk_config_config_file_path":{:?}}}"#, dir.path())).unwrap();
    assert_eq!(TIMInit(0, config.as_ptr()), 0);
    TIMAddRecvNewMsgCallback(Some(on_received), std::ptr::null());
    TIMSetConvTotalUnreadMessageCountChangedCallback(Some(on_total), std::ptr::null());
    // Registered before the login, so that the login's Start and Finish events are always seen
    // (registered after it, they raced the registration).
    TIMSetConvEventCallback(Some(on_event), std::ptr::null());
    assert_eq!(TIMLogin(c"me".as_ptr(), c"".as_ptr(), Some(on_comm), tag(1)), 0);
    wait_comm(1);

    let msg = cr#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"hello"}],"message_cloud_custom_str":"app"}"#;
    let mut id_buffer = [0 as c_char; 128];
    assert_eq!(
        TIMMsgSendMessage(c"peer".as_ptr(), 1, msg.as_ptr(), id_buffer.as_mut_ptr(), Some(on_comm), tag(2)),
        0
    );
    let (code, sent) = wait_comm(2);
    assert_eq!(code, 0);
    assert_eq!(sent["message_msg_id"].as_str().unwrap(), text(id_buffer.as_ptr()));
    insta::assert_json_snapshot!("sent_message", snap(sent));

    let incoming = CString::new(
        r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"one"}],"message_sender":"peer","message_conv_type":1,"message_msg_id":"in-1","message_server_time":4000000000},
            {"message_elem_array":[{"elem_type":0,"text_elem_content":"two"}],"message_sender":"peer","message_conv_type":1,"message_msg_id":"in-2","message_server_time":4000000001}]"#,
    )
    .unwrap();
    assert_eq!(TIMExtDeliverIncomingMessages(incoming.as_ptr(), Some(on_comm), tag(3)), 0);
    let (_, stored) = wait_comm(3);
    assert_eq!(stored.as_array().unwrap().len(), 2);

    let param = cr#"{"msg_getmsglist_param_count":10}"#;
    assert_eq!(TIMMsgGetMsgList(c"peer".as_ptr(), 1, param.as_ptr(), Some(on_comm), tag(4)), 0);
    let (_, history) = wait_comm(4);
    insta::assert_json_snapshot!("history", snap(history));

    assert_eq!(TIMConvGetTotalUnreadMessageCount(Some(on_comm), tag(5)), 0);
    insta::assert_json_snapshot!("total_unread", wait_comm(5).1);

    assert_eq!(
        TIMConvCleanConversationUnreadMessageCount(c"c2c_peer".as_ptr(), 0, 0, Some(on_comm), tag(6)),
        0
    );
    assert_eq!(wait_comm(6), (0, Value::Null));
    assert_eq!(TIMUninit(), 0);

    let rest: Vec<Value> = RECORDS
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| match r {
            Record::Comm { .. } => None,
            Record::Event { event, json } => {
                Some(serde_json::json!({ "event": event, "payload": parse(json) }))
            }
            Record::Received(json) => Some(serde_json::json!({ "received": parse(json) })),
            Record::Total(total) => Some(serde_json::json!({ "total": total })),
        })
        .collect();
    insta::assert_json_snapshot!("callbacks_in_order", snap(Value::Array(rest)));
}
