//! The C headers agree with `tim-types` (keys, enums) and with the exports of `tim-ffi`; the
//! guides (`docs/c-api.md`, `docs/json.md`) show the headers' declarations and key constants.
//!
//! The same check runs as `cargo xtask check-header`; the parsers' own tests (that a wrong
//! header or Rust snippet is reported) are in `src/header_check.rs`, and one is repeated here so
//! this file shows that the check can fail.

use tim_tests::header_check::{SourceFile, check_sources, declared_functions};
use tim_tests::{check_headers, workspace_root};

/// The functions `TIMCloud.h` must declare.
const REQUIRED_FUNCTIONS: &[&str] = tim_tests::API_FUNCTIONS;

#[test]
fn headers_match_the_rust_tables_and_exports() {
    if let Err(errors) = check_headers(&workspace_root()) {
        panic!("{} header mismatch(es):\n  {}", errors.len(), errors.join("\n  "));
    }
}

#[test]
fn the_header_declares_the_required_functions() {
    assert_eq!(REQUIRED_FUNCTIONS.len(), 58);
    let declared = declared_functions(&workspace_root()).expect("headers parse");
    for name in REQUIRED_FUNCTIONS {
        assert!(declared.iter().any(|d| d.name == *name), "{name} is not declared");
    }
}

#[test]
fn the_check_reports_a_wrong_header_and_a_wrong_export() {
    let headers = [SourceFile::new(
        "TIMCloud.h",
        "static const char* kTIMConvId = \"convid\";\n\
         TIM_DECL int TIMConvCancelDraft(const char* conv_id, enum TIMConvType conv_type);\n",
    )];
    let rust = [SourceFile::new(
        "crates/tim-ffi/src/conv.rs",
        "#[unsafe(no_mangle)]\npub extern \"C\" fn TIMConvCancelDraft(conv_id: *const c_char) -> c_int { 0 }\n",
    )];
    let errors = check_sources(&headers, &rust, tim_types::keys::ALL, tim_types::enums::ALL);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(has("key kTIMConvId: value \"convid\""), "{errors:#?}");
    assert!(has("key kTIMConvType: missing"), "{errors:#?}");
    assert!(has("enum TIMConvType: missing"), "{errors:#?}");
    assert!(has("function TIMConvCancelDraft: 2 parameters in the header"), "{errors:#?}");
}

/// The Rust side of the 58 functions as `tim-ffi` is expected to write them (the aliases and
/// signatures the check accepts). Kept here so that the header and this expectation are checked
/// against each other even before `tim-ffi` exports anything.
const EXPECTED_FFI: &str = r##"
use std::ffi::{c_char, c_int, c_void};

pub type TIMConvType = c_int;
pub type TIMConvEvent = c_int;
pub type TIMLoginStatus = c_int;
pub type TIMCommCallback = Option<
    unsafe extern "C" fn(code: i32, desc: *const c_char, json_params: *const c_char, user_data: *const c_void),
>;
pub type TIMConvEventCallback = Option<
    unsafe extern "C" fn(conv_event: TIMConvEvent, json_conv_array: *const c_char, user_data: *const c_void),
>;
pub type TIMReceiveMessageOpt = c_int;
pub type TIMRecvNewMsgCallback =
    Option<unsafe extern "C" fn(json_msg_array: *const c_char, user_data: *const c_void)>;
pub type TIMConvTotalUnreadMessageCountChangedCallback =
    Option<unsafe extern "C" fn(total_unread_count: c_int, user_data: *const c_void)>;
pub type TIMConvTotalUnreadMessageCountChangedByFilterCallback =
    Option<unsafe extern "C" fn(filter: *const c_char, total_unread_count: c_int, user_data: *const c_void)>;
pub type TIMConvConversationGroupCreatedCallback =
    Option<unsafe extern "C" fn(group_name: *const c_char, conversation_array: *const c_char, user_data: *const c_void)>;
pub type TIMConvConversationGroupDeletedCallback =
    Option<unsafe extern "C" fn(group_name: *const c_char, user_data: *const c_void)>;
pub type TIMConvConversationGroupNameChangedCallback =
    Option<unsafe extern "C" fn(old_name: *const c_char, new_name: *const c_char, user_data: *const c_void)>;
pub type TIMConvConversationsAddedToGroupCallback =
    Option<unsafe extern "C" fn(group_name: *const c_char, conversation_array: *const c_char, user_data: *const c_void)>;
pub type TIMConvConversationsDeletedFromGroupCallback =
    Option<unsafe extern "C" fn(group_name: *const c_char, conversation_array: *const c_char, user_data: *const c_void)>;
pub type TIMNetworkStatus = c_int;
pub type TIMLogLevel = c_int;
pub type TIMNetworkStatusListenerCallback =
    Option<unsafe extern "C" fn(status: TIMNetworkStatus, code: i32, desc: *const c_char, user_data: *const c_void)>;
pub type TIMKickedOfflineCallback = Option<unsafe extern "C" fn(user_data: *const c_void)>;
pub type TIMUserSigExpiredCallback = Option<unsafe extern "C" fn(user_data: *const c_void)>;
pub type TIMLogCallback =
    Option<unsafe extern "C" fn(level: TIMLogLevel, log: *const c_char, user_data: *const c_void)>;

#[unsafe(no_mangle)]
pub extern "C" fn TIMInit(sdk_app_id: u64, json_sdk_config: *const c_char) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMUninit() -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetSDKVersion() -> *const c_char { todo!() }
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TIMLogin(user_id: *const c_char, user_sig: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMLogout(cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TIMGetLoginUserID(user_id_buffer: *mut c_char) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetLoginStatus() -> TIMLoginStatus { 3 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvEventCallback(cb: TIMConvEventCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TIMConvCreate(conv_id: *const c_char, conv_type: TIMConvType, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TIMConvDelete(conv_id: *const c_char, conv_type: TIMConvType, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConvList(cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TIMConvSetDraft(conv_id: *const c_char, conv_type: TIMConvType, json_draft_param: *const c_char) -> c_int { 0 }
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TIMConvCancelDraft(conv_id: *const c_char, conv_type: TIMConvType) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSendMessage(conv_id: *const c_char, conv_type: TIMConvType, json_msg_param: *const c_char, message_id_buffer: *mut c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSendNewMsg(conv_id: *const c_char, conv_type: TIMConvType, json_msg_param: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSaveMsg(conv_id: *const c_char, conv_type: TIMConvType, json_msg_param: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgImportMsgList(conv_id: *const c_char, conv_type: TIMConvType, json_msg_array: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgGetMsgList(conv_id: *const c_char, conv_type: TIMConvType, json_get_msg_param: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgDelete(conv_id: *const c_char, conv_type: TIMConvType, json_msgdel_param: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgClearHistoryMessage(conv_id: *const c_char, conv_type: TIMConvType, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgReportReaded(conv_id: *const c_char, conv_type: TIMConvType, json_msg_param: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgMarkAllMessageAsRead(cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCleanConversationUnreadMessageCount(conversation_id: *const c_char, clean_timestamp: u64, clean_sequence: u64, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSetC2CReceiveMessageOpt(json_identifier_array: *const c_char, opt: TIMReceiveMessageOpt, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSetGroupReceiveMessageOpt(group_id: *const c_char, opt: TIMReceiveMessageOpt, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMAddRecvNewMsgCallback(cb: TIMRecvNewMsgCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMRemoveRecvNewMsgCallback(cb: TIMRecvNewMsgCallback) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetTotalUnreadMessageCount(cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvTotalUnreadMessageCountChangedCallback(cb: TIMConvTotalUnreadMessageCountChangedCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMExtDeliverIncomingMessages(json_msg_array: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConvInfo(json_get_conv_list_param: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvPinConversation(conv_id: *const c_char, conv_type: TIMConvType, is_pinned: bool, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConversationListByFilter(filter: *const c_char, next_seq: u64, count: u32, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDeleteConversationList(conversation_id_array: *const c_char, clear_message: bool, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvSetConversationCustomData(conversation_id_array: *const c_char, custom_data: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvMarkConversation(conversation_id_array: *const c_char, mark_type: u64, enable_mark: bool, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetUnreadMessageCountByFilter(filter: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvSubscribeUnreadMessageCountByFilter(filter: *const c_char) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvUnsubscribeUnreadMessageCountByFilter(filter: *const c_char) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvUnreadMessageCountChangedByFilterCallback(cb: TIMConvTotalUnreadMessageCountChangedByFilterCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvCreateConversationGroup(group_name: *const c_char, conversation_id_array: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvGetConversationGroupList(cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDeleteConversationGroup(group_name: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvRenameConversationGroup(old_name: *const c_char, new_name: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvAddConversationsToGroup(group_name: *const c_char, conversation_id_array: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMConvDeleteConversationsFromGroup(group_name: *const c_char, conversation_id_array: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationGroupCreatedCallback(cb: TIMConvConversationGroupCreatedCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationGroupDeletedCallback(cb: TIMConvConversationGroupDeletedCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationGroupNameChangedCallback(cb: TIMConvConversationGroupNameChangedCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationsAddedToGroupCallback(cb: TIMConvConversationsAddedToGroupCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConvConversationsDeletedFromGroupCallback(cb: TIMConvConversationsDeletedFromGroupCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMGetServerTime() -> u64 { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetConfig(json_config: *const c_char, cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetNetworkStatusListenerCallback(cb: TIMNetworkStatusListenerCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetKickedOfflineCallback(cb: TIMKickedOfflineCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetUserSigExpiredCallback(cb: TIMUserSigExpiredCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMSetLogCallback(cb: TIMLogCallback, user_data: *const c_void) {}
#[unsafe(no_mangle)]
pub extern "C" fn TIMMsgSendNewMsgEx(conv_id: *const c_char, conv_type: TIMConvType, json_msg_param: *const c_char, msgid_cb: TIMCommCallback, res_cb: TIMCommCallback, user_data: *const c_void) -> c_int { 0 }
"##;

#[test]
fn the_expected_rust_signatures_match_the_header() {
    let headers = tim_tests::header_check::read_headers(&workspace_root()).expect("read headers");
    let rust = [SourceFile::new("expected_ffi.rs", EXPECTED_FFI)];
    let errors = check_sources(&headers, &rust, tim_types::keys::ALL, tim_types::enums::ALL);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The message and unread types (`TIMReceiveMessageOpt`, `TIMRecvNewMsgCallback`,
/// `TIMConvTotalUnreadMessageCountChangedCallback`) are checked like the older ones: a Rust side
/// that disagrees with the header is reported.
#[test]
fn wrong_message_and_unread_types_are_reported() {
    let headers = tim_tests::header_check::read_headers(&workspace_root()).expect("read headers");
    let wrong = EXPECTED_FFI
        .replace("pub type TIMReceiveMessageOpt = c_int;", "pub type TIMReceiveMessageOpt = u32;")
        .replace("fn(total_unread_count: c_int,", "fn(total_unread_count: u64,")
        .replace("fn(json_msg_array: *const c_char, user_data", "fn(json_msg_array: *mut c_char, user_data")
        .replace("clean_timestamp: u64, clean_sequence: u64,", "clean_timestamp: u32, clean_sequence: u64,")
        .replace("message_id_buffer: *mut c_char,", "message_id_buffer: *const c_char,");
    let rust = [SourceFile::new("expected_ffi.rs", wrong)];
    let errors = check_sources(&headers, &rust, tim_types::keys::ALL, tim_types::enums::ALL);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(has("type TIMReceiveMessageOpt = u32"), "{errors:#?}");
    assert!(has("callback TIMConvTotalUnreadMessageCountChangedCallback"), "{errors:#?}");
    assert!(has("callback TIMRecvNewMsgCallback"), "{errors:#?}");
    assert!(has("function TIMConvCleanConversationUnreadMessageCount"), "{errors:#?}");
    assert!(has("function TIMMsgSendMessage"), "{errors:#?}");
}

/// The newer conversation calls are checked like the older ones: the 8.6 form of the
/// removed-from-group callback (with `reason`), a `u32` mark mask, an `i64` cursor and a
/// filter callback without its filter are each reported.
#[test]
fn wrong_newer_conversation_types_are_reported() {
    let headers = tim_tests::header_check::read_headers(&workspace_root()).expect("read headers");
    let wrong = EXPECTED_FFI
        .replace(
            "pub type TIMConvConversationsDeletedFromGroupCallback =\n    Option<unsafe extern \"C\" fn(group_name: *const c_char, conversation_array: *const c_char, user_data",
            "pub type TIMConvConversationsDeletedFromGroupCallback =\n    Option<unsafe extern \"C\" fn(group_name: *const c_char, conversation_array: *const c_char, reason: u32, user_data",
        )
        .replace("mark_type: u64,", "mark_type: u32,")
        .replace("next_seq: u64,", "next_seq: i64,")
        .replace("fn(filter: *const c_char, total_unread_count: c_int,", "fn(total_unread_count: c_int,")
        .replace("is_pinned: bool,", "is_pinned: c_int,");
    assert_ne!(wrong, EXPECTED_FFI);
    let rust = [SourceFile::new("expected_ffi.rs", wrong)];
    let errors = check_sources(&headers, &rust, tim_types::keys::ALL, tim_types::enums::ALL);
    let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
    assert!(has("callback TIMConvConversationsDeletedFromGroupCallback"), "{errors:#?}");
    assert!(has("callback TIMConvTotalUnreadMessageCountChangedByFilterCallback"), "{errors:#?}");
    assert!(has("function TIMConvMarkConversation"), "{errors:#?}");
    assert!(has("function TIMConvGetConversationListByFilter"), "{errors:#?}");
    assert!(has("function TIMConvPinConversation"), "{errors:#?}");
}

/// The text of every header in `crates/tim-ffi/include`, one after the other.
fn all_headers() -> String {
    let mut headers = String::new();
    for entry in std::fs::read_dir(workspace_root().join("crates/tim-ffi/include")).expect("include dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "h") {
            headers.push_str(&std::fs::read_to_string(&path).expect("header"));
            headers.push('\n');
        }
    }
    headers
}

/// The declarations `docs/c-api.md` shows (each `TIM_DECL` prototype and `typedef` of a TIM
/// name in its C blocks) are the headers' own, word for word but for spacing: a reader copies them.
#[test]
fn the_c_api_guide_shows_the_headers_declarations() {
    let root = workspace_root();
    let squeeze = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let headers = squeeze(&all_headers());
    let guide = std::fs::read_to_string(root.join("docs/c-api.md")).expect("docs/c-api.md");
    let mut shown = Vec::new();
    for block in guide.split("```c\n").skip(1) {
        let code = block.split("\n```").next().unwrap_or_default();
        let mut statement = String::new();
        for line in code.lines() {
            // An example's own types (`typedef struct { ... } waiter;`) are not the header's.
            let declares =
                line.starts_with("TIM_DECL ") || (line.starts_with("typedef ") && line.contains("TIM"));
            if statement.is_empty() && !declares {
                continue;
            }
            statement.push_str(line);
            statement.push(' ');
            if line.trim_end().ends_with(';') {
                shown.push(squeeze(&statement));
                statement.clear();
            }
        }
    }
    assert!(shown.len() > 58, "only {} declarations found in docs/c-api.md", shown.len());
    let wrong: Vec<&String> = shown.iter().filter(|d| !headers.contains(d.as_str())).collect();
    assert!(wrong.is_empty(), "docs/c-api.md shows declarations the headers do not have:\n  {wrong:#?}");
}

/// Where the JSON reference names a key with its constant (`` `conv_id` (`kTIMConvId`) ``), the
/// pair is the headers'; and every `kTIM...` name the guides mention is declared.
#[test]
fn the_guides_name_keys_with_their_constants() {
    let root = workspace_root();
    let headers = all_headers();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let declared = |name: &str| {
        headers.match_indices(name).any(|(at, _)| {
            !headers[at + name.len()..].starts_with(is_name_char) && !headers[..at].ends_with(is_name_char)
        })
    };
    let mut problems = Vec::new();
    let mut pairs = 0;
    for doc in ["docs/json.md", "docs/c-api.md", "README.md", "ARCHITECTURE.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect(doc);
        for (at, _) in text.match_indices("`kTIM") {
            let name: String = text[at + 1..].chars().take_while(|&c| is_name_char(c)).collect();
            // `kTIMSetConfig*` names the keys that start so.
            let prefix_only = text[at + 1 + name.len()..].starts_with('*');
            if !(declared(&name) || prefix_only && headers.contains(&format!(" {name}"))) {
                problems.push(format!("{doc}: `{name}` is not declared in the headers"));
            }
        }
        for (at, _) in text.match_indices("` (`kTIM") {
            let value: String = text[..at]
                .chars()
                .rev()
                .take_while(|&c| c != '`')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let name: String = text[at + 4..].chars().take_while(|&c| is_name_char(c)).collect();
            pairs += 1;
            match tim_types::keys::ALL.iter().find(|k| k.c_name == name) {
                Some(key) if key.value == value => {}
                Some(key) => {
                    problems.push(format!("{doc}: `{value}` (`{name}`), but {name} is `{}`", key.value))
                }
                None if doc == "docs/json.md" => {
                    problems.push(format!("{doc}: `{name}` is not a key constant"))
                }
                None => {}
            }
        }
    }
    assert!(pairs > 50, "only {pairs} key/constant pairs found");
    assert!(problems.is_empty(), "{} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}

/// The callback error codes of a call (other than 6013, 6014 and 6019, which any call may
/// give) are the same in its header comment and in the callback table of its `docs/c-api.md`
/// section (the calls that have one).
#[test]
fn the_header_and_the_guide_give_each_call_the_same_callback_codes() {
    let err_codes: Vec<(&str, i64)> = tim_types::enums::ALL
        .iter()
        .filter(|e| e.c_name == "TIMErrCode")
        .flat_map(|e| e.variants.iter().copied())
        .collect();
    assert!(!err_codes.is_empty(), "TIMErrCode is in the enum table");
    // The SDK error codes a text names, by number (6004) or by name (ERR_INVALID_CONVERSATION).
    let codes_in = |text: &str| {
        let mut found = std::collections::BTreeSet::new();
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let by_number =
                word.parse::<i64>().ok().filter(|n| err_codes.iter().any(|&(_, code)| code == *n));
            let by_name = err_codes.iter().find(|(name, _)| *name == word).map(|&(_, n)| n);
            if let Some(code) = by_number.or(by_name).filter(|n| ![0, 6013, 6014, 6019].contains(n)) {
                found.insert(code);
            }
        }
        found
    };
    let guide = std::fs::read_to_string(workspace_root().join("docs/c-api.md")).expect("docs/c-api.md");
    let header = std::fs::read_to_string(workspace_root().join("crates/tim-ffi/include/TIMCloud.h"))
        .expect("TIMCloud.h");
    let mut compared = 0;
    let mut differ = Vec::new();
    for section in guide.split("\n### ").skip(1) {
        let name = section.lines().next().unwrap_or_default().trim();
        let Some(table) = section.split("| Callback `code`").nth(1) else { continue };
        let table = table.split("\n\n").next().unwrap_or_default();
        let Some(decl) = header.find(&format!(" {name}(")) else { continue };
        let comment_start = header[..decl].rfind("/**").expect("a comment before each declaration");
        let comment = &header[comment_start..decl];
        compared += 1;
        let (in_guide, in_header) = (codes_in(table), codes_in(comment));
        if in_guide != in_header {
            differ.push(format!("{name}: docs/c-api.md {in_guide:?}, TIMCloud.h {in_header:?}"));
        }
    }
    assert!(compared >= 12, "only {compared} calls compared");
    assert!(differ.is_empty(), "callback codes differ:\n  {}", differ.join("\n  "));
}
