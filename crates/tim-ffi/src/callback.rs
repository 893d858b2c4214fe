//! Calling the application's C callbacks with strings that live for the call.

use std::ffi::{CString, c_char};

use tim_core::TimError;

use crate::types::{TIMCommCallback, UserData};

/// Makes a C string from text that may hold NUL bytes (they are replaced, never truncated silently).
pub fn c_string(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default())
}

/// As [`c_string`], taking the text: without a NUL in it (JSON has none: serde_json escapes
/// control characters) its bytes become the C string's.
pub fn c_string_from(text: String) -> CString {
    let mut bytes = text.into_bytes();
    // Room for the terminator, so that `CString::new` does not copy the text to add it.
    bytes.reserve_exact(1);
    CString::new(bytes).unwrap_or_else(|e| c_string(&String::from_utf8_lossy(&e.into_vec())))
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
            self.call_with(code, desc, c_string(json));
        }
    }

    fn call_with(self, code: i32, desc: &str, json: CString) {
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
            // The JSON becomes the C string without a copy (a call's can be hundreds of KB).
            Ok(value) => self.call_with(0, "", c_string_from(to_json(&value))),
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
        assert_eq!(c_string_from("[1,2]".into()).as_bytes(), b"[1,2]");
        assert_eq!(c_string_from("a\0b".into()).to_str().unwrap(), "a\u{FFFD}b");
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
