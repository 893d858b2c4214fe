//! Init, login and status: `TIMInit`, `TIMUninit`, `TIMGetSDKVersion`, `TIMLogin`, `TIMLogout`,
//! `TIMGetLoginUserID`, `TIMGetLoginStatus`.

use std::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;

use serde::Deserialize;
use tim_core::{CallError, SdkConfig};
use tim_types::LoginStatus;
use tim_types::limits::{LOGIN_USER_ID_BUFFER_BYTES, MAX_C_USER_ID_BYTES};
use tim_types::parse::{optional_param, parse_json_object};

use crate::boundary::{guard, guard_result, optional_str, required_str};
use crate::callback::CommCallback;
use crate::runtime;
use crate::types::{TIMCommCallback, TIMLoginStatus};

/// The data folder used when `TIMInit` gets no `sdk_config_config_file_path`.
pub const DEFAULT_DATA_DIR: &str = "tim-data";

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

#[derive(Deserialize)]
struct SdkConfigParam {
    #[serde(default)]
    sdk_config_config_file_path: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // accepted for compatibility; the SDK keeps no log files
    sdk_config_log_file_path: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // Windows message-loop thread; callbacks here always use their own thread
    sdk_config_main_thread_id: Option<i64>,
}

fn parse_config(sdk_app_id: u64, text: Option<&str>) -> Result<SdkConfig, CallError> {
    let param = match optional_param(text)? {
        None => SdkConfigParam {
            sdk_config_config_file_path: None,
            sdk_config_log_file_path: None,
            sdk_config_main_thread_id: None,
        },
        Some(text) => parse_json_object::<SdkConfigParam>(text)?,
    };
    let data_dir = match param.sdk_config_config_file_path.as_deref() {
        None | Some("") => PathBuf::from(DEFAULT_DATA_DIR),
        Some(path) if path.contains('\0') => return Err(CallError::param("config file path holds NUL")),
        Some(path) => PathBuf::from(path),
    };
    // Every TIMInit succeeds the last, whatever its folder: C apps have one instance at a time.
    let mut config = SdkConfig::new(data_dir).with_lineage(crate::runtime::C_LINEAGE);
    config.sdk_app_id = sdk_app_id;
    Ok(config)
}

/// Starts the SDK. `json_sdk_config` may be NULL or `""`; its `sdk_config_config_file_path` is
/// the folder of the per-user stores (default `tim-data` in the working directory).
#[unsafe(no_mangle)]
pub extern "C" fn TIMInit(sdk_app_id: u64, json_sdk_config: *const c_char) -> c_int {
    guard_result(|| {
        // SAFETY: C passes NULL or a NUL-terminated string.
        let text = unsafe { optional_str(json_sdk_config, "json_sdk_config") }?;
        let config = parse_config(sdk_app_id, text)?;
        runtime::init(config).map_err(|e| CallError::param(format!("cannot start the SDK: {e}")))
    })
}

/// Stops the SDK: pending calls are answered (with `ERR_SDK_NOT_INITIALIZED` unless already
/// committed), the store is closed and the threads are joined.
#[unsafe(no_mangle)]
pub extern "C" fn TIMUninit() -> c_int {
    guard_result(|| if runtime::uninit() { Ok(()) } else { Err(CallError::SdkUninit) })
}

/// The SDK version, a static NUL-terminated string.
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetSDKVersion() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// Logs in `user_id` (at most 127 bytes, so that `TIMGetLoginUserID` can return it). The
/// signature is kept, not verified: login is local (NULL counts as `""`). The callback gets `""`
/// on success.
#[unsafe(no_mangle)]
pub extern "C" fn TIMLogin(
    user_id: *const c_char,
    user_sig: *const c_char,
    cb: TIMCommCallback,
    user_data: *const c_void,
) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        // SAFETY: C passes NULL or NUL-terminated strings.
        let (user_id, user_sig) =
            unsafe { (required_str(user_id, "user_id")?, optional_str(user_sig, "user_sig")?) };
        // Login is local and the signature is not verified, so a NULL signature is taken as "".
        let user_sig = user_sig.unwrap_or_default();
        if user_id.len() > MAX_C_USER_ID_BYTES {
            return Err(CallError::param(format!("user_id is longer than {MAX_C_USER_ID_BYTES} bytes")));
        }
        let callback = CommCallback::new(cb, user_data);
        client.login_with(user_id, user_sig, callback.unit())
    })
}

/// Logs out after every earlier call completed, closing the user's store.
#[unsafe(no_mangle)]
pub extern "C" fn TIMLogout(cb: TIMCommCallback, user_data: *const c_void) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        let callback = CommCallback::new(cb, user_data);
        client.logout_with(callback.unit())
    })
}

/// Copies the logged-in user's ID, NUL-terminated, into `user_id_buffer` (at least 128 bytes).
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetLoginUserID(user_id_buffer: *mut c_char) -> c_int {
    guard_result(|| {
        let client = runtime::client()?;
        if user_id_buffer.is_null() {
            return Err(CallError::param("user_id_buffer is NULL"));
        }
        let user_id = client.login_user_id().ok_or(CallError::NotLogin)?;
        let bytes = user_id.as_bytes();
        let len = bytes.len().min(LOGIN_USER_ID_BUFFER_BYTES - 1);
        // SAFETY: the caller provides at least 128 writable bytes (TIM contract); we write at
        // most 127 bytes and the NUL.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), user_id_buffer.cast::<u8>(), len);
            *user_id_buffer.add(len) = 0;
        }
        Ok(())
    })
}

/// The login status (`kTIMLoginStatus_UnLogined` before `TIMInit`).
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetLoginStatus() -> TIMLoginStatus {
    guard(LoginStatus::UnLogined.value(), || {
        runtime::client().map(|c| c.login_status()).unwrap_or(LoginStatus::UnLogined).value()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parsing() {
        assert_eq!(parse_config(1, None).unwrap().data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(parse_config(1, Some("")).unwrap().data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        let c = parse_config(7, Some(r#"{"sdk_config_config_file_path":"/tmp/x"}"#)).unwrap();
        assert_eq!((c.data_dir, c.sdk_app_id), (PathBuf::from("/tmp/x"), 7));
        assert!(matches!(parse_config(1, Some("{")), Err(CallError::Json(_))));
        assert!(matches!(parse_config(1, Some("[]")), Err(CallError::Param(_))));
        assert!(matches!(
            parse_config(1, Some(r#"{"sdk_config_config_file_path":5}"#)),
            Err(CallError::Param(_))
        ));
    }
}
