//! The calls about a server connection, which this local SDK does not have: `TIMGetServerTime`,
//! `TIMSetConfig` and the network, kicked-offline, user-signature and log callback setters.
//!
//! Why they exist: they are part of the core API the conversation module depends on (TIM's
//! `TIMManager.h`), and apps call them around `TIMInit` and `TIMLogin`; without them such an app
//! would not compile or link. They do what can be done locally: the server time is this device's
//! clock, settings are kept and reported back, registrations are kept. The callbacks are never
//! called, since nothing they report can happen here (docs/c-api.md says so).

use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;

use serde_json::{Map, Value};
use tim_types::parse::parse_json;

use crate::boundary::{guard, guard_result, required_str};
use crate::callback::CommCallback;
use crate::runtime;
use crate::types::{
    TIMCommCallback, TIMKickedOfflineCallback, TIMLogCallback, TIMNetworkStatusListenerCallback,
    TIMUserSigExpiredCallback, UserData,
};
use tim_core::CallError;

/// Every setting made with `TIMSetConfig`, merged (kept across `TIMUninit` / `TIMInit`).
static SETTINGS: Mutex<Option<Map<String, Value>>> = Mutex::new(None);

/// The registrations of the never-called callbacks: kept, so that clearing and re-registering
/// behave as for every other setter.
static NETWORK: Mutex<Option<(TIMNetworkStatusListenerCallback, UserData)>> = Mutex::new(None);
static KICKED: Mutex<Option<(TIMKickedOfflineCallback, UserData)>> = Mutex::new(None);
static SIG_EXPIRED: Mutex<Option<(TIMUserSigExpiredCallback, UserData)>> = Mutex::new(None);
static LOG: Mutex<Option<(TIMLogCallback, UserData)>> = Mutex::new(None);

fn keep<F>(slot: &Mutex<Option<(Option<F>, UserData)>>, cb: Option<F>, user_data: *const c_void) {
    let registration = cb.is_some().then_some((cb, UserData(user_data)));
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = registration;
}

/// The server time, UTC seconds: this device's clock (there is no server).
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetServerTime() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Keeps the settings of a JSON object; the callback gets every setting made so far.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConfig(
    json_config: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or a NUL-terminated string.
        let text = unsafe { required_str(json_config, "json_config") }?;
        let Value::Object(settings) = parse_json::<Value>(text)? else {
            return Err(CallError::param("json_config must be a JSON object"));
        };
        // Kept only if the call is accepted (its callback queued).
        let mut kept = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
        let mut merged = kept.clone().unwrap_or_default();
        merged.extend(settings);
        let all = Value::Object(merged.clone()).to_string();
        let callback = CommCallback::new(cb, user_data);
        if !client.dispatch(move || callback.call(0, "", &all)) {
            return Err(CallError::SdkUninit);
        }
        *kept = Some(merged);
        Ok(())
    })
}

/// Keeps (or with NULL clears) the network status callback; it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetNetworkStatusListenerCallback(
    cb: TIMNetworkStatusListenerCallback,
    user_data: *const c_void,
) {
    guard((), || keep(&NETWORK, cb, user_data));
}

/// Keeps (or with NULL clears) the kicked-offline callback; it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetKickedOfflineCallback(cb: TIMKickedOfflineCallback, user_data: *const c_void) {
    guard((), || keep(&KICKED, cb, user_data));
}

/// Keeps (or with NULL clears) the user-signature-expired callback; it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetUserSigExpiredCallback(cb: TIMUserSigExpiredCallback, user_data: *const c_void) {
    guard((), || keep(&SIG_EXPIRED, cb, user_data));
}

/// Keeps (or with NULL clears) the log callback; it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetLogCallback(cb: TIMLogCallback, user_data: *const c_void) {
    guard((), || keep(&LOG, cb, user_data));
}
