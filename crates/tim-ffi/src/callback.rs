//! Calling the application's C callbacks with strings that live for the call.

use std::ffi::{CString, c_char};

use tim_core::TimError;

use crate::types::{TIMCommCallback, UserData};

/// Makes a C string from text that may hold NUL bytes (they are replaced, never truncated silently).
pub fn c_string(text: &str) -> CString {
    CString::new(text).unwrap_or_else(|_| CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default())
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
        let Some(cb) = self.cb else { return };
        let desc = c_string(desc);
        let json = c_string(json);
        // SAFETY: the caller registered `cb` with this signature; the strings outlive the call.
        unsafe { cb(code, desc.as_ptr() as *const c_char, json.as_ptr(), self.user_data.0) };
    }

    /// The answer of a call whose callback JSON is `""` on success.
    pub fn unit(self) -> impl FnOnce(Result<(), TimError>) + Send + 'static {
        move |result| self.complete(result, |()| String::new())
    }

    /// Calls back with a result: `ERR_SUCC` and the JSON of the value, or the error's code and
    /// description with an empty `json_params` (as TIM does since 4.6.51).
    pub fn complete<T>(self, result: Result<T, TimError>, to_json: impl FnOnce(&T) -> String) {
        match result {
            Ok(value) => {
                let json = to_json(&value);
                self.call(0, "", &json);
            }
            Err(e) => self.call(e.code, &e.desc, ""),
        }
    }
}
