//! Snapshots of every JSON the C callbacks deliver, taken through the real exported functions.
//! One test per file: the C API has one global SDK per process.

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde_json::Value;
use tim_ffi::*;

#[derive(Debug, Clone)]
enum Record {
    Comm { code: i32, json: String, user_data: usize },
    Event { event: c_int, json: String },
}

static RECORDS: Mutex<Vec<Record>> = Mutex::new(Vec::new());
static ARRIVED: Condvar = Condvar::new();

fn text(ptr: *const c_char) -> String {
    // SAFETY: the SDK passes NUL-terminated strings valid during the callback.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

unsafe extern "C" fn on_comm(code: i32, _desc: *const c_char, json: *const c_char, user_data: *const c_void) {
    RECORDS.lock().unwrap().push(Record::Comm { code, json: text(json), user_data: user_data as usize });
    ARRIVED.notify_all();
}

unsafe extern "C" fn on_event(event: c_int, json: *const c_char, _user_data: *const c_void) {
    RECORDS.lock().unwrap().push(Record::Event { event, json: text(json) });
    ARRIVED.notify_all();
}

/// Waits for the callback with this user_data and returns its code and parsed JSON.
fn wait_comm(tag: usize) -> (i32, Value) {
    let mut records = RECORDS.lock().unwrap();
    loop {
        let found = records.iter().find_map(|r| match r {
            Record::Comm { code, json, user_data } if *user_data == tag => Some((*code, json.clone())),
            _ => None,
        });
        if let Some((code, json)) = found {
            let value = if json.is_empty() { Value::Null } else { serde_json::from_str(&json).unwrap() };
            return (code, value);
        }
        let (guard, timeout) = ARRIVED.wait_timeout(records, Duration::from_secs(10)).unwrap();
        assert!(!timeout.timed_out(), "callback {tag} never came");
        records = guard;
    }
}

fn take_events() -> Vec<(c_int, Value)> {
    RECORDS
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| match r {
            Record::Event { event, json } => Some((
                *event,
                if json.is_empty() {
                    Value::String(String::new())
                } else {
                    serde_json::from_str(json).unwrap()
                },
            )),
            _ => None,
        })
        .collect()
}

fn tag(n: usize) -> *const c_void {
    n as *const c_void
}

const DRAFT: &str = r#"{"draft_edit_time":1551271429,"draft_user_define":"this is userdefine",
  "draft_msg":{"message_elem_array":[{"elem_type":0,"text_elem_content":"this draft"},
  {"elem_type":3,"custom_elem_data":"{\"k\":1}","app_key":"kept"}],"message_custom_str":"x"}}"#;

#[test]
fn callback_and_event_json() {
    let dir = tempfile::tempdir().unwrap();
    let config = CString::new(format!(r#"{{"sdk_config_config_file_path":{:?}}}"#, dir.path())).unwrap();
    assert_eq!(TIMInit(0, config.as_ptr()), 0);
    TIMSetConvEventCallback(Some(on_event), std::ptr::null());
    assert_eq!(TIMLogin(c"alice".as_ptr(), c"sig".as_ptr(), Some(on_comm), tag(1)), 0);
    assert_eq!(wait_comm(1), (0, Value::Null));

    assert_eq!(TIMConvCreate(c"Windows-02".as_ptr(), 1, Some(on_comm), tag(2)), 0);
    let (code, created) = wait_comm(2);
    assert_eq!(code, 0);
    insta::assert_json_snapshot!("conv_create", created, { ".conv_active_time" => "[order]" });

    let draft = CString::new(DRAFT).unwrap();
    assert_eq!(TIMConvSetDraft(c"Windows-Group-01".as_ptr(), 2, draft.as_ptr()), 0);
    assert_eq!(TIMConvSetDraft(c"Windows-02".as_ptr(), 1, draft.as_ptr()), 0);
    assert_eq!(TIMConvCancelDraft(c"Windows-02".as_ptr(), 1), 0);

    assert_eq!(TIMConvGetConvList(Some(on_comm), tag(3)), 0);
    let (_, list) = wait_comm(3);
    insta::assert_json_snapshot!("conv_list", list, {
        "[].conv_active_time" => "[order]",
    });

    assert_eq!(TIMConvDelete(c"Windows-02".as_ptr(), 1, Some(on_comm), tag(4)), 0);
    assert_eq!(wait_comm(4), (0, Value::Null));
    assert_eq!(TIMConvDelete(c"Windows-02".as_ptr(), 1, Some(on_comm), tag(5)), 0);
    assert_eq!(wait_comm(5).0, 6004);

    assert_eq!(TIMUninit(), 0);
    insta::assert_json_snapshot!("events", take_events(), {
        "[][1][].conv_active_time" => "[order]",
    });
}
