//! The C types of the API, named as the header names them.
//!
//! Enums arrive as plain `c_int` (never as a Rust enum: C may pass any value); callbacks are
//! nullable function pointers, NULL meaning "no callback".

use std::ffi::{c_char, c_int, c_void};

/// `enum TIMConvType` as it crosses the ABI.
pub type TIMConvType = c_int;

/// A C `bool` parameter, taken as its byte: zero is false, anything else true. Why not Rust's
/// `bool`: a byte other than 0 or 1 in a Rust `bool` is undefined behaviour, and a caller built
/// against a header where `bool` is `unsigned char` (TIM's pure-C typedef) can pass `flags & 4`.
pub type CBool = u8;

/// `enum TIMLoginStatus` as it crosses the ABI.
pub type TIMLoginStatus = c_int;

/// `enum TIMConvEvent` as it crosses the ABI.
pub type TIMConvEvent = c_int;

/// `void (*TIMCommCallback)(int32_t code, const char* desc, const char* json_params, const void* user_data)`.
pub type TIMCommCallback = Option<
    unsafe extern "C" fn(
        code: i32,
        desc: *const c_char,
        json_params: *const c_char,
        user_data: *const c_void,
    ),
>;

/// `void (*TIMConvEventCallback)(enum TIMConvEvent conv_event, const char* json_conv_array, const void* user_data)`.
pub type TIMConvEventCallback = Option<
    unsafe extern "C" fn(conv_event: TIMConvEvent, json_conv_array: *const c_char, user_data: *const c_void),
>;

/// The caller's `user_data`, carried to the callback thread untouched.
#[derive(Debug, Clone, Copy)]
pub struct UserData(pub *const c_void);

// SAFETY: the pointer is never dereferenced by the SDK; it is only handed back to the caller's
// callback, and the TIM contract makes the caller responsible for its validity on any thread.
unsafe impl Send for UserData {}
// SAFETY: as above; the SDK only copies the pointer value.
unsafe impl Sync for UserData {}

/// `enum TIMReceiveMessageOpt` as it crosses the ABI.
pub type TIMReceiveMessageOpt = c_int;

/// `void (*TIMRecvNewMsgCallback)(const char* json_msg_array, const void* user_data)`.
pub type TIMRecvNewMsgCallback =
    Option<unsafe extern "C" fn(json_msg_array: *const c_char, user_data: *const c_void)>;

/// `void (*TIMConvTotalUnreadMessageCountChangedCallback)(int total_unread_count, const void* user_data)`.
pub type TIMConvTotalUnreadMessageCountChangedCallback =
    Option<unsafe extern "C" fn(total_unread_count: c_int, user_data: *const c_void)>;

/// `void (*TIMConvTotalUnreadMessageCountChangedByFilterCallback)(const char* filter, int total_unread_count, const void* user_data)`.
pub type TIMConvTotalUnreadMessageCountChangedByFilterCallback =
    Option<unsafe extern "C" fn(filter: *const c_char, total_unread_count: c_int, user_data: *const c_void)>;

/// `void (*TIMConvConversationGroupCreatedCallback)(const char* group_name, const char* conversation_array, const void* user_data)`.
pub type TIMConvConversationGroupCreatedCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        conversation_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// `void (*TIMConvConversationGroupDeletedCallback)(const char* group_name, const void* user_data)`.
pub type TIMConvConversationGroupDeletedCallback =
    Option<unsafe extern "C" fn(group_name: *const c_char, user_data: *const c_void)>;

/// `void (*TIMConvConversationGroupNameChangedCallback)(const char* old_name, const char* new_name, const void* user_data)`.
pub type TIMConvConversationGroupNameChangedCallback =
    Option<unsafe extern "C" fn(old_name: *const c_char, new_name: *const c_char, user_data: *const c_void)>;

/// `void (*TIMConvConversationsAddedToGroupCallback)(const char* group_name, const char* conversation_array, const void* user_data)`.
pub type TIMConvConversationsAddedToGroupCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        conversation_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// `void (*TIMConvConversationsDeletedFromGroupCallback)(const char* group_name, const char* conversation_array, const void* user_data)`:
/// the 7.x form, without the `reason` parameter 8.6 added (see docs/c-api.md).
pub type TIMConvConversationsDeletedFromGroupCallback = Option<
    unsafe extern "C" fn(
        group_name: *const c_char,
        conversation_array: *const c_char,
        user_data: *const c_void,
    ),
>;

/// `enum TIMNetworkStatus` as it crosses the ABI.
pub type TIMNetworkStatus = c_int;

/// `enum TIMLogLevel` as it crosses the ABI.
pub type TIMLogLevel = c_int;

/// `void (*TIMNetworkStatusListenerCallback)(enum TIMNetworkStatus status, int32_t code, const char* desc, const void* user_data)`.
pub type TIMNetworkStatusListenerCallback = Option<
    unsafe extern "C" fn(status: TIMNetworkStatus, code: i32, desc: *const c_char, user_data: *const c_void),
>;

/// `void (*TIMKickedOfflineCallback)(const void* user_data)`.
pub type TIMKickedOfflineCallback = Option<unsafe extern "C" fn(user_data: *const c_void)>;

/// `void (*TIMUserSigExpiredCallback)(const void* user_data)`.
pub type TIMUserSigExpiredCallback = Option<unsafe extern "C" fn(user_data: *const c_void)>;

/// `void (*TIMLogCallback)(enum TIMLogLevel level, const char* log, const void* user_data)`.
pub type TIMLogCallback =
    Option<unsafe extern "C" fn(level: TIMLogLevel, log: *const c_char, user_data: *const c_void)>;
