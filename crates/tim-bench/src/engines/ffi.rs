//! This engine through its C ABI: the exported `TIM*` functions, JSON in, JSON and a callback on
//! the SDK callback thread out, exactly as a C app sees it.

use std::ffi::{CStr, CString, c_char, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use tim_ffi::*;

static DONE: Mutex<u64> = Mutex::new(0);
static ARRIVED: Condvar = Condvar::new();
/// The code of the last callback: a failed call must not be timed as a fast success.
static LAST_CODE: AtomicI32 = AtomicI32::new(0);
/// Whether the next callback's JSON is kept (only for checking results, outside timed calls).
static CAPTURE: AtomicBool = AtomicBool::new(false);
static CAPTURED: Mutex<String> = Mutex::new(String::new());

unsafe extern "C" fn on_done(
    code: i32,
    _desc: *const c_char,
    json: *const c_char,
    _user_data: *const c_void,
) {
    LAST_CODE.store(code, Ordering::SeqCst);
    if CAPTURE.load(Ordering::SeqCst) && !json.is_null() {
        // SAFETY: the SDK passes a NUL-terminated string valid during the callback.
        let text = unsafe { CStr::from_ptr(json) }.to_string_lossy().into_owned();
        *CAPTURED.lock().unwrap_or_else(|e| e.into_inner()) = text;
    }
    *DONE.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    ARRIVED.notify_all();
}

/// Waits until `count` callbacks have arrived in total.
fn wait_for(count: u64) {
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    while *done < count {
        done = ARRIVED.wait(done).unwrap_or_else(|e| e.into_inner());
    }
}

fn calls_done() -> u64 {
    *DONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// The C API, initialized on a data folder with the bench user logged in.
pub struct CApi;

impl CApi {
    /// `TIMInit` + `TIMLogin`.
    pub fn open(dir: &Path) -> Result<CApi, String> {
        let config = CString::new(format!(r#"{{"sdk_config_config_file_path":{:?}}}"#, dir))
            .map_err(|e| e.to_string())?;
        if TIMInit(0, config.as_ptr()) != 0 {
            return Err("TIMInit failed".into());
        }
        let before = calls_done();
        if TIMLogin(c"bench".as_ptr(), c"".as_ptr(), Some(on_done), std::ptr::null()) != 0 {
            return Err("TIMLogin failed".into());
        }
        wait_for(before + 1);
        Ok(CApi)
    }

    /// Times one asynchronous call from the call to its callback.
    pub fn round_trip(&self, call: impl FnOnce(TIMCommCallback) -> i32) -> Result<Duration, String> {
        let before = calls_done();
        let start = Instant::now();
        let code = call(Some(on_done));
        if code != 0 {
            return Err(format!("call refused with {code}"));
        }
        wait_for(before + 1);
        let took = start.elapsed();
        match LAST_CODE.load(Ordering::SeqCst) {
            0 => Ok(took),
            code => Err(format!("a C call failed in its callback with {code}")),
        }
    }

    /// Makes one call (untimed) and returns the JSON its callback got, to check results.
    pub fn call_json(&self, call: impl FnOnce(TIMCommCallback) -> i32) -> Result<serde_json::Value, String> {
        CAPTURE.store(true, Ordering::SeqCst);
        let result = self.round_trip(call);
        CAPTURE.store(false, Ordering::SeqCst);
        result?;
        let text = std::mem::take(&mut *CAPTURED.lock().unwrap_or_else(|e| e.into_inner()));
        serde_json::from_str(&text).map_err(|e| format!("the callback's JSON: {e}"))
    }

    /// `TIMExtDeliverIncomingMessages` with a JSON array; waits for the callback.
    pub fn deliver(&self, json: &str) -> Result<(), String> {
        let json = CString::new(json).map_err(|e| e.to_string())?;
        self.round_trip(|cb| TIMExtDeliverIncomingMessages(json.as_ptr(), cb, std::ptr::null())).map(|_| ())
    }

    /// `TIMConvSetDraft` (synchronous).
    pub fn set_draft(&self, peer: &CString, draft: &CString) -> Result<Duration, String> {
        let start = Instant::now();
        match TIMConvSetDraft(peer.as_ptr(), 1, draft.as_ptr()) {
            0 => Ok(start.elapsed()),
            code => Err(format!("TIMConvSetDraft returned {code}")),
        }
    }
}

impl Drop for CApi {
    fn drop(&mut self) {
        TIMUninit();
    }
}
