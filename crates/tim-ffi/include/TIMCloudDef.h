/**
 * @file TIMCloudDef.h
 * @brief Enums and JSON key constants of the TIM conversation C API.
 *
 * Enums: `TIMResult` (the synchronous return value of every call), `TIMConvType`,
 * `TIMReceiveMessageOpt`, `TIMConvEvent`, `TIMElemType`, `TIMMsgStatus`, `TIMLoginStatus`,
 * `TIMGroupAtType` and `TIMConversationMarkType`. The error codes delivered to callbacks are in
 * `TIMErrorCode.h`, which this header includes (Tencent's 5.x `TIMCloudDef.h` declared them itself).
 *
 * Callback: `TIMCommCallback`, the result of every asynchronous call (at the end).
 *
 * JSON keys: every parameter and result of the API is a UTF-8 JSON string; the keys are declared
 * below as `static const char*` variables (as in Tencent's headers), for example
 * `static const char* kTIMConvId = "conv_id";`. Use the constants rather than the literals.
 *
 * Enum values cross the API as plain `int` (parameters) and as JSON numbers (inside JSON).
 *
 * These names and values are checked against the Rust tables in `tim-types` by
 * `cargo xtask check-header` and by the `tim-tests` test suite.
 */
#ifndef TIM_CLOUD_DEF_H_
#define TIM_CLOUD_DEF_H_

#include "TIMCloudComm.h"
#include "TIMErrorCode.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================== */
/*                                           Enums                                          */
/* ======================================================================================== */

/** The synchronous return value of every call (`TIMResult`). */
enum TIMResult {
    /** The call was accepted; for asynchronous calls the callback will run exactly once. */
    TIM_SUCC = 0,
    /** `TIMInit` has not been called (or `TIMUninit` has). */
    TIM_ERR_SDKUNINIT = -1,
    /** No user is logged in. */
    TIM_ERR_NOTLOGIN = -2,
    /** A JSON parameter is not JSON. */
    TIM_ERR_JSON = -3,
    /** A parameter is missing, malformed, of the wrong JSON type or out of range. */
    TIM_ERR_PARAM = -4,
    /** The conversation does not exist. */
    TIM_ERR_CONV = -5,
    /** The group does not exist. */
    TIM_ERR_GROUP = -6
};

/** The kind of a conversation (`TIMConvType`). */
enum TIMConvType {
    /** Not a conversation; rejected by every call. */
    kTIMConv_Invalid = 0,
    /** A one-to-one chat; the conversation ID is the peer's user ID. */
    kTIMConv_C2C = 1,
    /** A group chat; the conversation ID is the group ID. */
    kTIMConv_Group = 2,
    /** The deprecated system conversation; rejected by every call. */
    kTIMConv_System = 3
};

/** How messages of a conversation are received (`TIMReceiveMessageOpt`). */
enum TIMReceiveMessageOpt {
    /** Receive, and push when offline. */
    kTIMRecvMsgOpt_Receive = 0,
    /** Do not receive. */
    kTIMRecvMsgOpt_Not_Receive = 1,
    /** Receive online, no offline push. */
    kTIMRecvMsgOpt_Not_Notify = 2,
    /** Receive online; push offline only for @ messages. */
    kTIMRecvMsgOpt_Not_Notify_Except_At = 3,
    /** Receive only @ messages. */
    kTIMRecvMsgOpt_Not_Receive_Except_At = 4
};

/** What a conversation event callback reports (`TIMConvEvent`). */
enum TIMConvEvent {
    /** Conversations were added; the payload is an array of ConvInfo. */
    kTIMConvEvent_Add = 0,
    /** Conversations were deleted; the payload is an array of ConvInfo as they were. */
    kTIMConvEvent_Del = 1,
    /** Conversations changed; the payload is an array of ConvInfo. */
    kTIMConvEvent_Update = 2,
    /** Loading of the conversation list started; the payload is an empty string. */
    kTIMConvEvent_Start = 3,
    /** Loading of the conversation list finished; the payload is an empty string. */
    kTIMConvEvent_Finish = 4
};

/** The type of a message element (`TIMElemType`). */
enum TIMElemType {
    /** Text. */
    kTIMElem_Text = 0,
    /** Image. */
    kTIMElem_Image = 1,
    /** Sound. */
    kTIMElem_Sound = 2,
    /** Custom data. */
    kTIMElem_Custom = 3,
    /** File. */
    kTIMElem_File = 4,
    /** Group tips (system generated). */
    kTIMElem_GroupTips = 5,
    /** Face (sticker). */
    kTIMElem_Face = 6,
    /** Location. */
    kTIMElem_Location = 7,
    /** Group system report (system generated). */
    kTIMElem_GroupReport = 8,
    /** Video. */
    kTIMElem_Video = 9,
    /** Friend change notice. */
    kTIMElem_FriendChange = 10,
    /** Profile change notice. */
    kTIMElem_ProfileChange = 11,
    /** Merged (forwarded) messages. */
    kTIMElem_Merge = 12,
    /** Not a valid element. */
    kTIMElem_Invalid = -1
};

/** The state of a message (`TIMMsgStatus`). */
enum TIMMsgStatus {
    /** Being sent. */
    kTIMMsg_Sending = 1,
    /** Sent. */
    kTIMMsg_SendSucc = 2,
    /** Sending failed. */
    kTIMMsg_SendFail = 3,
    /** Deleted. */
    kTIMMsg_Deleted = 4,
    /** Imported locally. */
    kTIMMsg_LocalImported = 5,
    /** Revoked. */
    kTIMMsg_Revoked = 6,
    /** Sending cancelled. */
    kTIMMsg_Cancel = 7
};

/** The login state reported by `TIMGetLoginStatus` (`TIMLoginStatus`). */
enum TIMLoginStatus {
    /** Logged in. */
    kTIMLoginStatus_Logined = 1,
    /** Logging in. */
    kTIMLoginStatus_Logining = 2,
    /** Not logged in. */
    kTIMLoginStatus_UnLogined = 3,
    /** Logging out. */
    kTIMLoginStatus_Logouting = 4
};

/** Group kinds, the values of `kTIMConvGroupType` (`TIMGroupType`). */
enum TIMGroupType {
    /** Public group. */
    kTIMGroup_Public = 0,
    /** Work group (formerly "private"). */
    kTIMGroup_Private = 1,
    /** Meeting group (formerly "chat room"). */
    kTIMGroup_ChatRoom = 2,
    /** Broadcast chat room. */
    kTIMGroup_BChatRoom = 3,
    /** Audio-video (live) chat room. */
    kTIMGroup_AVChatRoom = 4,
    /** Community. */
    kTIMGroup_Community = 5
};

/** Message priorities, the values of `kTIMMsgPriority` (`TIMMsgPriority`); smaller is higher. */
enum TIMMsgPriority {
    /** Highest (gifts, red packets). */
    kTIMMsgPriority_High = 0,
    /** Ordinary messages. */
    kTIMMsgPriority_Normal = 1,
    /** Likes and the like. */
    kTIMMsgPriority_Low = 2,
    /** Lowest (member join and leave notices). */
    kTIMMsgPriority_Lowest = 3
};

/** Platforms, the values of `kTIMMsgPlatform` (`TIMPlatform`). */
enum TIMPlatform {
    /** Unknown. */
    kTIMPlatform_Other = 0,
    /** Windows. */
    kTIMPlatform_Windows = 1,
    /** Android. */
    kTIMPlatform_Android = 2,
    /** iOS. */
    kTIMPlatform_IOS = 3,
    /** macOS. */
    kTIMPlatform_Mac = 4,
    /** The iOS simulator. */
    kTIMPlatform_Simulator = 5
};

/** Image quality levels, the values of `kTIMImageElemLevel` (`TIMImageLevel`). */
enum TIMImageLevel {
    /** The original. */
    kTIMImageLevel_Orig = 0,
    /** Compressed (the default). */
    kTIMImageLevel_Compression = 1,
    /** High definition. */
    kTIMImageLevel_HD = 2
};

/**
 * The connection to the IM server, for `TIMSetNetworkStatusListenerCallback` (`TIMNetworkStatus`).
 * This SDK is local: it has no server connection and never reports one.
 */
enum TIMNetworkStatus {
    /** Connected. */
    kTIMConnected = 0,
    /** Disconnected. */
    kTIMDisconnected = 1,
    /** Connecting. */
    kTIMConnecting = 2,
    /** The connection failed. */
    kTIMConnectFailed = 3
};

/** The level of a log line, for `TIMSetLogCallback` (`TIMLogLevel`). */
enum TIMLogLevel {
    /** No log output. */
    kTIMLog_Off = 0,
    /** Everything. */
    kTIMLog_Test = 1,
    /** Details for development. */
    kTIMLog_Verbose = 2,
    /** Debugging. */
    kTIMLog_Debug = 3,
    /** Information. */
    kTIMLog_Info = 4,
    /** Warnings. */
    kTIMLog_Warn = 5,
    /** Errors. */
    kTIMLog_Error = 6,
    /** Assertions. */
    kTIMLog_Assert = 7
};

/** The kind of an @ reminder in `conv_group_at_info_array` (`TIMGroupAtType`). */
enum TIMGroupAtType {
    /** Somebody @-mentioned me. */
    kTIMGroup_At_Me = 1,
    /** Somebody @-mentioned everyone. */
    kTIMGroup_At_All = 2,
    /** Both. */
    kTIMGroup_At_All_At_ME = 3
};

/** Built-in conversation marks (`TIMConversationMarkType`), bits of `conv_mark_array` values.
 *  Bits 32 to 63 (`1ULL << n`, 32 <= n < 64) are free for the application's own marks. */
enum TIMConversationMarkType {
    /** Starred. */
    kTIMConversationMarkTypeStar = 0x1,
    /** Marked as unread. */
    kTIMConversationMarkTypeUnread = 0x2,
    /** Folded. */
    kTIMConversationMarkTypeFold = 0x4,
    /** Hidden. */
    kTIMConversationMarkTypeHide = 0x8
};

/* ======================================================================================== */
/*                                       JSON key constants                                 */
/* ======================================================================================== */

/*
 * The constants are `static const char*` variables, so every translation unit gets its own copy
 * and most of them are unused. GCC and Clang would warn (-Wunused-variable); the warning is
 * switched off for exactly these declarations and the caller's settings are restored after them.
 */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-variable"
#endif
/* ---- SdkConfig (input of TIMInit) ---- */
/** Folder where the SDK keeps its data (one store file per user). */
static const char* kTIMSdkConfigConfigFilePath = "sdk_config_config_file_path";
/** Folder for log files. */
static const char* kTIMSdkConfigLogFilePath = "sdk_config_log_file_path";
/** The thread ID callbacks are posted to (Windows only; accepted and ignored). */
static const char* kTIMSdkConfigMainThreadID = "sdk_config_main_thread_id";

/* ---- SetConfig (input of TIMSetConfig). Every key is kept as given and returned by the
 * callback; no setting changes what this implementation does (no server, log or proxy). ---- */
/** uint `TIMLogLevel`: the level of the log file. */
static const char* kTIMSetConfigLogLevel = "set_config_log_level";
/** uint `TIMLogLevel`: the level of the log callback. */
static const char* kTIMSetConfigCallbackLogLevel = "set_config_callback_log_level";
/** bool: whether the log goes to the console. */
static const char* kTIMSetConfigIsLogOutputConsole = "set_config_is_log_output_console";
/** object: a UserConfig. */
static const char* kTIMSetConfigUserConfig = "set_config_user_config";
/** string: data for the server's callbacks. */
static const char* kTIMSetConfigUserDefineData = "set_config_user_define_data";
/** object: an HttpProxyInfo. */
static const char* kTIMSetConfigHttpProxyInfo = "set_config_http_proxy_info";
/** object: a Socks5ProxyInfo. */
static const char* kTIMSetConfigSocks5ProxyInfo = "set_config_socks5_proxy_info";
/** object: a PACProxyInfo. */
static const char* kTIMSetConfigPACProxyInfo = "set_config_pac_proxy_info";
/** bool: resolve server addresses with the local DNS only. */
static const char* kTIMSetConfigIsOnlyLocalDNSSource = "set_config_is_only_local_dns_source";

/* ---- UserConfig (inside `set_config_user_config`). ---- */
/** bool: no local database (the value repeats "is", as Tencent's does). */
static const char* kTIMUserConfigIsDisableStorage = "user_config_is_is_disable_storage";
/** bool: receive read receipt events. */
static const char* kTIMUserConfigIsReadReceipt = "user_config_is_read_receipt";
/** bool: group tips do not count as unread. */
static const char* kTIMUserConfigIsIgnoreGroupTipsUnRead = "user_config_is_ignore_grouptips_unread";
/** bool: the server drops read state. */
static const char* kTIMUserConfigIsSyncReport = "user_config_is_sync_report";
/** object: default options of group info reads. */
static const char* kTIMUserConfigGroupGetInfoOption = "user_config_group_getinfo_option";
/** object: default options of group member reads. */
static const char* kTIMUserConfigGroupMemberGetInfoOption = "user_config_group_member_getinfo_option";

/* ---- HttpProxyInfo (inside `set_config_http_proxy_info`). ---- */
/** string: the proxy's address. */
static const char* kTIMHttpProxyInfoIp = "http_proxy_info_ip";
/** int: the proxy's port. */
static const char* kTIMHttpProxyInfoPort = "http_proxy_info_port";
/** string: the user name for the proxy. */
static const char* kTIMHttpProxyInfoUserName = "http_proxy_info_username";
/** string: the password for the proxy. */
static const char* kTIMHttpProxyInfoPassword = "http_proxy_info_password";

/* ---- Socks5ProxyInfo (inside `set_config_socks5_proxy_info`). ---- */
/** string: the proxy's address. */
static const char* kTIMSocks5ProxyInfoIp = "socks5_proxy_info_ip";
/** int: the proxy's port. */
static const char* kTIMSocks5ProxyInfoPort = "socks5_proxy_info_port";
/** string: the user name for the proxy. */
static const char* kTIMSocks5ProxyInfoUserName = "socks5_proxy_info_username";
/** string: the password for the proxy. */
static const char* kTIMSocks5ProxyInfoPassword = "socks5_proxy_info_password";

/* ---- PACProxyInfo (inside `set_config_pac_proxy_info`). ---- */
/** string: the user name for the proxy. */
static const char* kTIMPACProxyInfoUserName = "pac_proxy_info_username";
/** string: the password for the proxy. */
static const char* kTIMPACProxyInfoPassword = "pac_proxy_info_password";

/* ---- ConvInfo (output) ---- */
/** Conversation ID: the peer's user ID or the group ID. */
static const char* kTIMConvId = "conv_id";
/** Conversation type (`TIMConvType`). */
static const char* kTIMConvType = "conv_type";
/** The owner of the conversation (deprecated by Tencent; here the logged-in user). */
static const char* kTIMConvOwner = "conv_owner";
/** Unread message count. */
static const char* kTIMConvUnReadNum = "conv_unread_num";
/** The order key of the conversation; larger sorts first (bit 62 set when pinned). */
static const char* kTIMConvActiveTime = "conv_active_time";
/** Whether the conversation has a last message. */
static const char* kTIMConvIsHasLastMsg = "conv_is_has_lastmsg";
/** The last message. */
static const char* kTIMConvLastMsg = "conv_last_msg";
/** Whether the conversation has a draft. */
static const char* kTIMConvIsHasDraft = "conv_is_has_draft";
/** The draft, when there is one. */
static const char* kTIMConvDraft = "conv_draft";
/** Receive option (`TIMReceiveMessageOpt`). */
static const char* kTIMConvRecvOpt = "conv_recv_opt";
/** @ reminders of a group conversation. */
static const char* kTIMConvGroupAtInfoArray = "conv_group_at_info_array";
/** Whether the conversation is pinned. */
static const char* kTIMConvIsPinned = "conv_is_pinned";
/** The name to show. */
static const char* kTIMConvShowName = "conv_show_name";
/** Marks of the conversation. */
static const char* kTIMConvMarkArray = "conv_mark_array";
/** Custom data of the conversation. */
static const char* kTIMConvCustomData = "conv_custom_data";
/** Conversation groups the conversation belongs to. */
static const char* kTIMConvConversationGroupArray = "conv_conversation_group_array";
/** C2C read time. */
static const char* kTIMConvC2CReadTimestamp = "conv_c2c_read_timestamp";
/** Group read sequence. */
static const char* kTIMConvGroupReadSequence = "conv_group_read_sequence";
/** Avatar URL. */
static const char* kTIMConvFaceUrl = "conv_face_url";
/** Group type (`TIMGroupType`). */
static const char* kTIMConvGroupType = "conv_group_type";

/* ---- Draft ---- */
/** The draft message. */
static const char* kTIMDraftMsg = "draft_msg";
/** User-defined data of the draft. */
static const char* kTIMDraftUserDefine = "draft_user_define";
/** UTC seconds of the last edit. */
static const char* kTIMDraftEditTime = "draft_edit_time";

/* ---- GroupAtInfo ---- */
/** Sequence of the @ message. */
static const char* kTIMGroupAtInfoSeq = "conv_group_at_info_seq";
/** Kind of @ (`TIMGroupAtType`). */
static const char* kTIMGroupAtInfoAtType = "conv_group_at_info_at_type";

/* ---- GetConversationListParam and results ---- */
/** Conversation ID of a TIMConvGetConvInfo request element. */
static const char* kTIMGetConversationListParamConvId = "get_conversation_list_param_conv_id";
/** Conversation type of a TIMConvGetConvInfo request element. */
static const char* kTIMGetConversationListParamConvType = "get_conversation_list_param_conv_type";
/** Total unread count. */
static const char* kTIMConvGetTotalUnreadMessageCountResultUnreadCount = "conv_get_total_unread_message_count_result_unread_count";

/* ---- TIMConversationListFilter (input) ---- */
/** uint `TIMConvType`: only conversations of this type. */
static const char* kTIMConversationListFilterConvType = "conversation_list_filter_conv_type";
/** string: only conversations of this conversation group; `""`: only conversations in no group. */
static const char* kTIMConversationListFilterConversationGroup = "conversation_list_filter_conversation_group";
/** uint64 mark bits: only conversations with these marks; 0: only unmarked conversations. */
static const char* kTIMConversationListFilterMarkType = "conversation_list_filter_mark_type";
/** bool: true = only conversations with unread messages. */
static const char* kTIMConversationListFilterHasUnreadCount = "conversation_list_filter_has_unread_count";
/** bool: true = only conversations with @ reminders. */
static const char* kTIMConversationListFilterHasGroupAtInfo = "conversation_list_filter_has_group_at_info";

/* ---- TIMConversationListResult (output; Tencent's constants have no `k` prefix) ---- */
/** array of ConvInfo: the conversations of the page. */
static const char* TIMConversationListResultConvList = "conversation_list_result_conv_list";
/** uint64: the cursor of the next page. */
static const char* TIMConversationListResultNextSeq = "conversation_list_result_next_seq";
/** bool: whether the list is finished. */
static const char* TIMConversationListResultIsFinished = "conversation_list_result_is_finished";

/* ---- TIMConversationOperationResult (output) ---- */
/** string: the conversation ID (`"c2c_<userID>"` / `"group_<groupID>"`). */
static const char* kTIMConversationOperationResultConversationID = "conversation_operation_result_conversation_id";
/** int: the result code of this conversation (0: success). */
static const char* kTIMConversationOperationResultResultCode = "conversation_operation_result_result_code";
/** string: the result description. */
static const char* kTIMConversationOperationResultResultInfo = "conversation_operation_result_result_info";

/* ---- Message ---- */
/** Elements of a message. */
static const char* kTIMMsgElemArray = "message_elem_array";
/** Conversation ID of a message. */
static const char* kTIMMsgConvId = "message_conv_id";
/** Conversation type of a message. */
static const char* kTIMMsgConvType = "message_conv_type";
/** Sender of a message. */
static const char* kTIMMsgSender = "message_sender";
/** Priority of a message. */
static const char* kTIMMsgPriority = "message_priority";
/** Client time of a message. */
static const char* kTIMMsgClientTime = "message_client_time";
/** Server time of a message. */
static const char* kTIMMsgServerTime = "message_server_time";
/** Whether I sent the message (Tencent's constant name keeps the typo). */
static const char* kTIMMsgIsFormSelf = "message_is_from_self";
/** Platform of the sender. */
static const char* kTIMMsgPlatform = "message_platform";
/** Whether the message was read. */
static const char* kTIMMsgIsRead = "message_is_read";
/** Whether the message was received online. */
static const char* kTIMMsgIsOnlineMsg = "message_is_online_msg";
/** Whether the peer read the message. */
static const char* kTIMMsgIsPeerRead = "message_is_peer_read";
/** Message state (`TIMMsgStatus`). */
static const char* kTIMMsgStatus = "message_status";
/** The older numeric message ID. */
static const char* kTIMMsgUniqueId = "message_unique_id";
/** The message ID. */
static const char* kTIMMsgMsgId = "message_msg_id";
/** Random number of a message. */
static const char* kTIMMsgRand = "message_rand";
/** Sequence number of a message. */
static const char* kTIMMsgSeq = "message_seq";
/** Local custom integer. */
static const char* kTIMMsgCustomInt = "message_custom_int";
/** Local custom string. */
static const char* kTIMMsgCustomStr = "message_custom_str";
/** Cloud custom string. */
static const char* kTIMMsgCloudCustomStr = "message_cloud_custom_str";
/** Whether the message is excluded from unread counts. */
static const char* kTIMMsgIsExcludedFromUnreadCount = "message_is_excluded_from_unread_count";
/** Whether the message is excluded from being the last message. */
static const char* kTIMMsgExcludedFromLastMessage = "message_excluded_from_last_message";
/** Users @-mentioned by a group message. */
static const char* kTIMMsgGroupAtUserArray = "message_group_at_user_array";
/** Profile of the sender. */
static const char* kTIMMsgSenderProfile = "message_sender_profile";
/** Whether a read receipt is wanted. */
static const char* kTIMMsgNeedReadReceipt = "message_need_read_receipt";
/** Whether the peer sent a read receipt. */
static const char* kTIMMsgReceiptPeerRead = "message_receipt_peer_read";

/* ---- Elements ---- */
/** Type of an element (`TIMElemType`). */
static const char* kTIMElemType = "elem_type";
/** Text of a text element. */
static const char* kTIMTextElemContent = "text_elem_content";
/** Data of a custom element. */
static const char* kTIMCustomElemData = "custom_elem_data";
/** Description of a custom element. */
static const char* kTIMCustomElemDesc = "custom_elem_desc";
/** Extension of a custom element. */
static const char* kTIMCustomElemExt = "custom_elem_ext";
/** Sound of a custom element. */
static const char* kTIMCustomElemSound = "custom_elem_sound";
/** Index of a face element. */
static const char* kTIMFaceElemIndex = "face_elem_index";
/** Data of a face element. */
static const char* kTIMFaceElemBuf = "face_elem_buf";
/** Description of a location element. */
static const char* kTIMLocationElemDesc = "location_elem_desc";
/** Longitude of a location element. */
static const char* kTIMLocationElemLongitude = "location_elem_longitude";
/** Latitude of a location element. */
static const char* kTIMLocationElemLatitude = "location_elem_latitude";
/** Original path of an image element. */
static const char* kTIMImageElemOrigPath = "image_elem_orig_path";
/** Compression level of an image element. */
static const char* kTIMImageElemLevel = "image_elem_level";
/** Local path of a sound element. */
static const char* kTIMSoundElemFilePath = "sound_elem_file_path";
/** Size of a sound element. */
static const char* kTIMSoundElemFileSize = "sound_elem_file_size";
/** Duration of a sound element, in seconds. */
static const char* kTIMSoundElemFileTime = "sound_elem_file_time";
/** Local path of a file element. */
static const char* kTIMFileElemFilePath = "file_elem_file_path";
/** Name of a file element. */
static const char* kTIMFileElemFileName = "file_elem_file_name";
/** Size of a file element. */
static const char* kTIMFileElemFileSize = "file_elem_file_size";
/** Type of the video of a video element. */
static const char* kTIMVideoElemVideoType = "video_elem_video_type";
/** Size of the video of a video element. */
static const char* kTIMVideoElemVideoSize = "video_elem_video_size";
/** Duration of the video of a video element. */
static const char* kTIMVideoElemVideoDuration = "video_elem_video_duration";
/** Local path of the video of a video element. */
static const char* kTIMVideoElemVideoPath = "video_elem_video_path";
/** Image type of the snapshot of a video element. */
static const char* kTIMVideoElemImageType = "video_elem_image_type";
/** Size of the snapshot of a video element. */
static const char* kTIMVideoElemImageSize = "video_elem_image_size";
/** Width of the snapshot of a video element. */
static const char* kTIMVideoElemImageWidth = "video_elem_image_width";
/** Height of the snapshot of a video element. */
static const char* kTIMVideoElemImageHeight = "video_elem_image_height";
/** Local path of the snapshot of a video element. */
static const char* kTIMVideoElemImagePath = "video_elem_image_path";

/* ---- MsgGetMsgListParam (input of TIMMsgGetMsgList) ---- */
/** Message object: start after this message (not included); absent: start at the newest. */
static const char* kTIMMsgGetMsgListParamLastMsg = "msg_getmsglist_param_last_msg";
/** uint: how many messages at most (default 20). */
static const char* kTIMMsgGetMsgListParamCount = "msg_getmsglist_param_count";
/** bool: also fetch from the cloud (accepted and ignored: local only). */
static const char* kTIMMsgGetMsgListParamIsRamble = "msg_getmsglist_param_is_ramble";
/** bool: true = newer messages, oldest first; false (default) = older messages, newest first. */
static const char* kTIMMsgGetMsgListParamIsForward = "msg_getmsglist_param_is_forward";
/** uint64: start at this sequence (included). */
static const char* kTIMMsgGetMsgListParamLastMsgSeq = "msg_getmsglist_param_last_msg_seq";
/** uint64: the time window starts at this UTC second (0: now) and goes the way the listing goes. */
static const char* kTIMMsgGetMsgListParamTimeBegin = "msg_getmsglist_param_time_begin";
/** uint64: the time window's length in seconds, back from its begin (backward) or on (forward); 0: no limit. */
static const char* kTIMMsgGetMsgListParamTimePeriod = "msg_getmsglist_param_time_period";
/** array of uint: only messages holding an element of these types; empty = all. */
static const char* kTIMMsgGetMsgListMessageTypeArray = "msg_getmsglist_param_message_type_array";
/** array of uint64: exactly the messages of these sequences. */
static const char* kTIMMsgGetMsgListParamMessageSeqArray = "msg_getmsglist_param_message_seq_array";

/* ---- MsgDeleteParam (input of TIMMsgDelete) ---- */
/** Message object: the message to delete (identified by `message_msg_id`). */
static const char* kTIMMsgDeleteParamMsg = "msg_delete_param_msg";
/** bool: also delete in the cloud (accepted and ignored: local only). */
static const char* kTIMMsgDeleteParamIsRamble = "msg_delete_param_is_ramble";

/* ---- Mentions ---- */
/** The user ID that means "@ everyone" in `message_group_at_user_array`. */
static const char* kImSDK_MessageAtALL = "__kImSDK_MessageAtALL__";

/* ---- Old spellings: Tencent's 7.x headers keep them as aliases of the corrected names, so
 * that code written against earlier versions compiles unchanged. ---- */
#define kImSDK_MesssageAtALL kImSDK_MessageAtALL
#define kTIMLocationElemlatitude kTIMLocationElemLatitude
#define kTIMSetConfigCackBackLogLevel kTIMSetConfigCallbackLogLevel
#define kTIMUserConfigIsIngoreGroupTipsUnRead kTIMUserConfigIsIgnoreGroupTipsUnRead

/* ---- UserProfile (inside `message_sender_profile`) ---- */
/** string: the user's ID. */
static const char* kTIMUserProfileIdentifier = "user_profile_identifier";
/** string: the nickname; a C2C conversation received from this sender shows it (`conv_show_name`) when it has no remark. */
static const char* kTIMUserProfileNickName = "user_profile_nick_name";
/** string: the avatar URL; a C2C conversation received from this sender shows it (`conv_face_url`). */
static const char* kTIMUserProfileFaceUrl = "user_profile_face_url";
/** string: the user's remark for this sender; a C2C conversation received from them shows it (`conv_show_name`) before the nickname. */
static const char* kTIMUserProfileFriendRemark = "user_profile_friend_remark";

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* ======================================================================================== */
/*                                  The common callback                                     */
/* ======================================================================================== */

/**
 * @brief The result of an asynchronous call.
 *
 * Runs exactly once for every asynchronous call that returned `TIM_SUCC` (and never for one that
 * returned anything else), on an SDK callback thread, possibly before the call has returned. The
 * callbacks of the calls of one thread run in the order of the calls.
 *
 * @param code        `ERR_SUCC` (0) on success, otherwise a `TIMErrCode` (`TIMErrorCode.h`).
 * @param desc        A human-readable description of the error; `""` on success. Never NULL.
 * @param json_params The result as UTF-8 JSON (documented with each call); `""` on failure and
 *                    for calls without a result. Never NULL.
 * @param user_data   The `user_data` passed to the call, unchanged.
 */
typedef void (*TIMCommCallback)(int32_t code, const char* desc, const char* json_params, const void* user_data);

#ifdef __cplusplus
}
#endif

#endif /* TIM_CLOUD_DEF_H_ */
