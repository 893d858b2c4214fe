//! Workspace-level tests of the TIM conversation C API.
//!
//! - [`header_check`]: compares the hand-written C headers with the Rust tables of `tim-types`
//!   and the exports of `tim-ffi` (used by `cargo xtask check-header` and by `tests/header.rs`).
//! - `tests/c_programs.rs`: builds the C and C++ programs of `tests/c/` against the headers and
//!   the release library and runs them.

pub mod header_check;

pub use header_check::check_headers;

use std::path::PathBuf;

/// The workspace root: the parent of this package's folder.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The 58 functions of the API, which `TIMCloud.h` must declare and the library must export: the
/// 13 of the conversation API, the 17 message, read-state and unread-count calls, our extension
/// `TIMExtDeliverIncomingMessages`, the 21 newer conversation calls (conversation info, pins,
/// filtered paging, batch delete, custom data, marks, unread counts by filter, conversation groups
/// and their callback setters), and the 6 server-connection calls of `TIMManager.h` (server
/// time, SetConfig, the network, kicked-offline, user-signature and log setters).
pub const API_FUNCTIONS: &[&str] = &[
    "TIMInit",
    "TIMUninit",
    "TIMGetSDKVersion",
    "TIMLogin",
    "TIMLogout",
    "TIMGetLoginUserID",
    "TIMGetLoginStatus",
    "TIMSetConvEventCallback",
    "TIMConvCreate",
    "TIMConvDelete",
    "TIMConvGetConvList",
    "TIMConvSetDraft",
    "TIMConvCancelDraft",
    "TIMMsgSendMessage",
    "TIMMsgSendNewMsg",
    "TIMMsgSaveMsg",
    "TIMMsgImportMsgList",
    "TIMMsgGetMsgList",
    "TIMMsgDelete",
    "TIMMsgClearHistoryMessage",
    "TIMMsgReportReaded",
    "TIMMsgMarkAllMessageAsRead",
    "TIMConvCleanConversationUnreadMessageCount",
    "TIMMsgSetC2CReceiveMessageOpt",
    "TIMMsgSetGroupReceiveMessageOpt",
    "TIMAddRecvNewMsgCallback",
    "TIMRemoveRecvNewMsgCallback",
    "TIMConvGetTotalUnreadMessageCount",
    "TIMSetConvTotalUnreadMessageCountChangedCallback",
    "TIMExtDeliverIncomingMessages",
    "TIMConvGetConvInfo",
    "TIMConvPinConversation",
    "TIMConvGetConversationListByFilter",
    "TIMConvDeleteConversationList",
    "TIMConvSetConversationCustomData",
    "TIMConvMarkConversation",
    "TIMConvGetUnreadMessageCountByFilter",
    "TIMConvSubscribeUnreadMessageCountByFilter",
    "TIMConvUnsubscribeUnreadMessageCountByFilter",
    "TIMSetConvUnreadMessageCountChangedByFilterCallback",
    "TIMConvCreateConversationGroup",
    "TIMConvGetConversationGroupList",
    "TIMConvDeleteConversationGroup",
    "TIMConvRenameConversationGroup",
    "TIMConvAddConversationsToGroup",
    "TIMConvDeleteConversationsFromGroup",
    "TIMSetConvConversationGroupCreatedCallback",
    "TIMSetConvConversationGroupDeletedCallback",
    "TIMSetConvConversationGroupNameChangedCallback",
    "TIMSetConvConversationsAddedToGroupCallback",
    "TIMSetConvConversationsDeletedFromGroupCallback",
    "TIMMsgSendNewMsgEx",
    "TIMGetServerTime",
    "TIMSetConfig",
    "TIMSetNetworkStatusListenerCallback",
    "TIMSetKickedOfflineCallback",
    "TIMSetUserSigExpiredCallback",
    "TIMSetLogCallback",
];
