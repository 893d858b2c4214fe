//! Calling the application's C callbacks with strings that live for the call.

use std::ffi::{CStr, CString, c_char};

use tim_core::TimError;

use crate::types::{TIMCommCallback, UserData};

/// Makes a C string from text that may hold NUL bytes (they are replaced, never truncated silently).
pub fn c_string(text: &str) -> CString {
    // One NUL, the last (`nul_terminated`): never the empty default.
    CString::from_vec_with_nul(nul_terminated(text.to_owned())).unwrap_or_default()
}

/// As [`c_string`], taking the text: its own bytes, NUL-terminated (JSON holds no NUL: serde_json
/// escapes control characters, so a call's JSON, which can be hundreds of KB, is not copied).
pub fn nul_terminated(text: String) -> Vec<u8> {
    let mut bytes = if text.as_bytes().contains(&0) {
        text.replace('\0', "\u{FFFD}").into_bytes()
    } else {
        text.into_bytes()
    };
    bytes.push(0);
    bytes
}

/// A caller's `TIMCommCallback` and `user_data`, to be called once.
pub struct CommCallback {
    cb: TIMCommCallback,
    user_data: UserData,
}

impl CommCallback {
    /// Captures the callback (which may be NULL: then nothing is called) and its user data.
    pub fn new(cb: TIMCommCallback, user_data: *const std::ffi::c_void) -> Self {
        CommCallback { cb, user_data: UserData(user_data) }
    }

    /// Calls back with `code`, `desc` and `json_params`.
    pub fn call(self, code: i32, desc: &str, json: &str) {
        if self.cb.is_some() {
            self.call_with(code, desc, &c_string(json));
        }
    }

    fn call_with(self, code: i32, desc: &str, json: &CStr) {
        let Some(cb) = self.cb else { return };
        let desc = c_string(desc);
        // SAFETY: the caller registered `cb` with this signature; the strings outlive the call.
        unsafe { cb(code, desc.as_ptr() as *const c_char, json.as_ptr(), self.user_data.0) };
    }

    /// The answer of a call whose callback JSON is `""` on success.
    pub fn unit(self) -> impl FnOnce(Result<(), TimError>) + Send + 'static {
        move |result| self.complete(result, |()| String::new())
    }

    /// Calls back with a result: `ERR_SUCC` and the JSON of the value, or the error's code and
    /// description with an empty `json_params` (as TIM does since 4.6.51).
    /// No JSON is written for a NULL callback.
    pub fn complete<T>(self, result: Result<T, TimError>, to_json: impl FnOnce(&T) -> String) {
        if self.cb.is_none() {
            return;
        }
        match result {
            Ok(value) => {
                let json = nul_terminated(to_json(&value));
                // No NUL but the last (`nul_terminated`): never the empty default.
                self.call_with(0, "", CStr::from_bytes_with_nul(&json).unwrap_or_default());
            }
            Err(e) => self.call(e.code, &e.desc, ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, c_void};
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn a_string_with_a_nul_is_replaced_not_cut() {
        assert_eq!(nul_terminated("[1,2]".into()), b"[1,2]\0");
        assert_eq!(nul_terminated("a\0b".into()), "a\u{FFFD}b\0".as_bytes());
        assert_eq!(c_string("a\0b").to_str().unwrap(), "a\u{FFFD}b");
    }

    static SEEN: Mutex<Vec<(i32, String, String)>> = Mutex::new(Vec::new());

    unsafe extern "C" fn record(code: i32, desc: *const c_char, json: *const c_char, _: *const c_void) {
        // SAFETY: `CommCallback` passes NUL-terminated strings that live for the call.
        let (desc, json) = unsafe { (CStr::from_ptr(desc), CStr::from_ptr(json)) };
        let seen = (code, desc.to_string_lossy().into_owned(), json.to_string_lossy().into_owned());
        SEEN.lock().unwrap().push(seen);
    }

    #[test]
    fn results_reach_the_callback_and_a_null_callback_costs_no_json() {
        CommCallback::new(Some(record), std::ptr::null()).complete(Ok(7), |n| format!("[{n}]"));
        let failed = TimError { code: 6017, desc: "bad".into() };
        CommCallback::new(Some(record), std::ptr::null()).complete(Err::<u8, _>(failed), |_| unreachable!());
        assert_eq!(
            *SEEN.lock().unwrap(),
            vec![(0, String::new(), "[7]".to_owned()), (6017, "bad".to_owned(), String::new())]
        );
        let mut written = false;
        CommCallback::new(None, std::ptr::null()).complete(Ok(7), |_| {
            written = true;
            String::new()
        });
        assert!(!written);
    }
}
