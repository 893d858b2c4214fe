//! The JSON key strings of the TIM C API, under Rust names, with the C constant names the headers
//! declare them as (`static const char* kTIMConvId = "conv_id";`).
//!
//! [`ALL`] lists every `(C name, value)` pair; the header check compares it with the headers, so a
//! key added here and not there (or the other way round) fails the build's tests.

/// One JSON key constant as the C headers must declare it.
#[derive(Debug, Clone, Copy)]
pub struct KeyDef {
    /// The C constant name, e.g. `kTIMConvId`.
    pub c_name: &'static str,
    /// The JSON key string, e.g. `conv_id`.
    pub value: &'static str,
}

macro_rules! keys {
    ( $( $(#[$meta:meta])* $c_name:ident => $name:ident = $value:literal; )+ ) => {
        $( $(#[$meta])* pub const $name: &str = $value; )+

        /// Every key constant, in declaration order.
        pub const ALL: &[KeyDef] = &[ $( KeyDef { c_name: stringify!($c_name), value: $value } ),+ ];
    };
}

keys! {
    // SdkConfig (input of TIMInit).
    /// Folder where the SDK keeps its data (one store file per user).
    kTIMSdkConfigConfigFilePath => SDK_CONFIG_CONFIG_FILE_PATH = "sdk_config_config_file_path";
    /// Folder for log files.
    kTIMSdkConfigLogFilePath => SDK_CONFIG_LOG_FILE_PATH = "sdk_config_log_file_path";
    /// The thread ID callbacks are posted to (Windows only; accepted and ignored).
    kTIMSdkConfigMainThreadID => SDK_CONFIG_MAIN_THREAD_ID = "sdk_config_main_thread_id";

    // SetConfig (input of TIMSetConfig). Every key is kept as given and returned by the
    // callback; no setting changes what this implementation does (no server, log or proxy).
    /// uint `TIMLogLevel`: the level of the log file.
    kTIMSetConfigLogLevel => SET_CONFIG_LOG_LEVEL = "set_config_log_level";
    /// uint `TIMLogLevel`: the level of the log callback.
    kTIMSetConfigCallbackLogLevel => SET_CONFIG_CALLBACK_LOG_LEVEL = "set_config_callback_log_level";
    /// bool: whether the log goes to the console.
    kTIMSetConfigIsLogOutputConsole => SET_CONFIG_IS_LOG_OUTPUT_CONSOLE = "set_config_is_log_output_console";
    /// object: a UserConfig.
    kTIMSetConfigUserConfig => SET_CONFIG_USER_CONFIG = "set_config_user_config";
    /// string: data for the server's callbacks.
    kTIMSetConfigUserDefineData => SET_CONFIG_USER_DEFINE_DATA = "set_config_user_define_data";
    /// object: an HttpProxyInfo.
    kTIMSetConfigHttpProxyInfo => SET_CONFIG_HTTP_PROXY_INFO = "set_config_http_proxy_info";
    /// object: a Socks5ProxyInfo.
    kTIMSetConfigSocks5ProxyInfo => SET_CONFIG_SOCKS5_PROXY_INFO = "set_config_socks5_proxy_info";
    /// object: a PACProxyInfo.
    kTIMSetConfigPACProxyInfo => SET_CONFIG_PAC_PROXY_INFO = "set_config_pac_proxy_info";
    /// bool: resolve server addresses with the local DNS only.
    kTIMSetConfigIsOnlyLocalDNSSource => SET_CONFIG_IS_ONLY_LOCAL_DNS_SOURCE = "set_config_is_only_local_dns_source";

    // UserConfig (inside `set_config_user_config`).
    /// bool: no local database (the value repeats "is", as Tencent's does).
    kTIMUserConfigIsDisableStorage => USER_CONFIG_IS_DISABLE_STORAGE = "user_config_is_is_disable_storage";
    /// bool: receive read receipt events.
    kTIMUserConfigIsReadReceipt => USER_CONFIG_IS_READ_RECEIPT = "user_config_is_read_receipt";
    /// bool: group tips do not count as unread.
    kTIMUserConfigIsIgnoreGroupTipsUnRead => USER_CONFIG_IS_IGNORE_GROUP_TIPS_UNREAD = "user_config_is_ignore_grouptips_unread";
    /// bool: the server drops read state.
    kTIMUserConfigIsSyncReport => USER_CONFIG_IS_SYNC_REPORT = "user_config_is_sync_report";
    /// object: default options of group info reads.
    kTIMUserConfigGroupGetInfoOption => USER_CONFIG_GROUP_GET_INFO_OPTION = "user_config_group_getinfo_option";
    /// object: default options of group member reads.
    kTIMUserConfigGroupMemberGetInfoOption => USER_CONFIG_GROUP_MEMBER_GET_INFO_OPTION = "user_config_group_member_getinfo_option";

    // HttpProxyInfo (inside `set_config_http_proxy_info`).
    /// string: the proxy's address.
    kTIMHttpProxyInfoIp => HTTP_PROXY_INFO_IP = "http_proxy_info_ip";
    /// int: the proxy's port.
    kTIMHttpProxyInfoPort => HTTP_PROXY_INFO_PORT = "http_proxy_info_port";
    /// string: the user name for the proxy.
    kTIMHttpProxyInfoUserName => HTTP_PROXY_INFO_USER_NAME = "http_proxy_info_username";
    /// string: the password for the proxy.
    kTIMHttpProxyInfoPassword => HTTP_PROXY_INFO_PASSWORD = "http_proxy_info_password";

    // Socks5ProxyInfo (inside `set_config_socks5_proxy_info`).
    /// string: the proxy's address.
    kTIMSocks5ProxyInfoIp => SOCKS5_PROXY_INFO_IP = "socks5_proxy_info_ip";
    /// int: the proxy's port.
    kTIMSocks5ProxyInfoPort => SOCKS5_PROXY_INFO_PORT = "socks5_proxy_info_port";
    /// string: the user name for the proxy.
    kTIMSocks5ProxyInfoUserName => SOCKS5_PROXY_INFO_USER_NAME = "socks5_proxy_info_username";
    /// string: the password for the proxy.
    kTIMSocks5ProxyInfoPassword => SOCKS5_PROXY_INFO_PASSWORD = "socks5_proxy_info_password";

    // PACProxyInfo (inside `set_config_pac_proxy_info`).
    /// string: the user name for the proxy.
    kTIMPACProxyInfoUserName => PAC_PROXY_INFO_USER_NAME = "pac_proxy_info_username";
    /// string: the password for the proxy.
    kTIMPACProxyInfoPassword => PAC_PROXY_INFO_PASSWORD = "pac_proxy_info_password";

    // ConvInfo (output).
    /// Conversation ID: the peer's user ID or the group ID.
    kTIMConvId => CONV_ID = "conv_id";
    /// Conversation type (`TIMConvType`).
    kTIMConvType => CONV_TYPE = "conv_type";
    /// The owner of the conversation (deprecated by Tencent; here the logged-in user).
    kTIMConvOwner => CONV_OWNER = "conv_owner";
    /// Unread message count.
    kTIMConvUnReadNum => CONV_UNREAD_NUM = "conv_unread_num";
    /// The order key of the conversation; larger sorts first (bit 62 set when pinned).
    kTIMConvActiveTime => CONV_ACTIVE_TIME = "conv_active_time";
    /// Whether the conversation has a last message.
    kTIMConvIsHasLastMsg => CONV_IS_HAS_LASTMSG = "conv_is_has_lastmsg";
    /// The last message.
    kTIMConvLastMsg => CONV_LAST_MSG = "conv_last_msg";
    /// Whether the conversation has a draft.
    kTIMConvIsHasDraft => CONV_IS_HAS_DRAFT = "conv_is_has_draft";
    /// The draft, when there is one.
    kTIMConvDraft => CONV_DRAFT = "conv_draft";
    /// Receive option (`TIMReceiveMessageOpt`).
    kTIMConvRecvOpt => CONV_RECV_OPT = "conv_recv_opt";
    /// @ reminders of a group conversation.
    kTIMConvGroupAtInfoArray => CONV_GROUP_AT_INFO_ARRAY = "conv_group_at_info_array";
    /// Whether the conversation is pinned.
    kTIMConvIsPinned => CONV_IS_PINNED = "conv_is_pinned";
    /// The name to show.
    kTIMConvShowName => CONV_SHOW_NAME = "conv_show_name";
    /// Marks of the conversation.
    kTIMConvMarkArray => CONV_MARK_ARRAY = "conv_mark_array";
    /// Custom data of the conversation.
    kTIMConvCustomData => CONV_CUSTOM_DATA = "conv_custom_data";
    /// Conversation groups the conversation belongs to.
    kTIMConvConversationGroupArray => CONV_CONVERSATION_GROUP_ARRAY = "conv_conversation_group_array";
    /// C2C read time.
    kTIMConvC2CReadTimestamp => CONV_C2C_READ_TIMESTAMP = "conv_c2c_read_timestamp";
    /// Group read sequence.
    kTIMConvGroupReadSequence => CONV_GROUP_READ_SEQUENCE = "conv_group_read_sequence";
    /// Avatar URL.
    kTIMConvFaceUrl => CONV_FACE_URL = "conv_face_url";
    /// Group type (`TIMGroupType`).
    kTIMConvGroupType => CONV_GROUP_TYPE = "conv_group_type";

    // Draft.
    /// The draft message.
    kTIMDraftMsg => DRAFT_MSG = "draft_msg";
    /// User-defined data of the draft.
    kTIMDraftUserDefine => DRAFT_USER_DEFINE = "draft_user_define";
    /// UTC seconds of the last edit.
    kTIMDraftEditTime => DRAFT_EDIT_TIME = "draft_edit_time";

    // GroupAtInfo.
    /// Sequence of the @ message.
    kTIMGroupAtInfoSeq => GROUP_AT_INFO_SEQ = "conv_group_at_info_seq";
    /// Kind of @ (`TIMGroupAtType`).
    kTIMGroupAtInfoAtType => GROUP_AT_INFO_AT_TYPE = "conv_group_at_info_at_type";

    // GetConversationListParam and results.
    /// Conversation ID of a TIMConvGetConvInfo request element.
    kTIMGetConversationListParamConvId => GET_CONVERSATION_LIST_PARAM_CONV_ID = "get_conversation_list_param_conv_id";
    /// Conversation type of a TIMConvGetConvInfo request element.
    kTIMGetConversationListParamConvType => GET_CONVERSATION_LIST_PARAM_CONV_TYPE = "get_conversation_list_param_conv_type";
    /// Total unread count.
    kTIMConvGetTotalUnreadMessageCountResultUnreadCount => CONV_GET_TOTAL_UNREAD_MESSAGE_COUNT_RESULT_UNREAD_COUNT = "conv_get_total_unread_message_count_result_unread_count";

    // TIMConversationListFilter (input).
    /// Only this conversation type.
    kTIMConversationListFilterConvType => CONVERSATION_LIST_FILTER_CONV_TYPE = "conversation_list_filter_conv_type";
    /// Only this conversation group; `""`: only conversations in no group.
    kTIMConversationListFilterConversationGroup => CONVERSATION_LIST_FILTER_CONVERSATION_GROUP = "conversation_list_filter_conversation_group";
    /// Only conversations with these marks; 0: only unmarked conversations.
    kTIMConversationListFilterMarkType => CONVERSATION_LIST_FILTER_MARK_TYPE = "conversation_list_filter_mark_type";
    /// Only conversations with unread messages.
    kTIMConversationListFilterHasUnreadCount => CONVERSATION_LIST_FILTER_HAS_UNREAD_COUNT = "conversation_list_filter_has_unread_count";
    /// Only conversations with @ reminders.
    kTIMConversationListFilterHasGroupAtInfo => CONVERSATION_LIST_FILTER_HAS_GROUP_AT_INFO = "conversation_list_filter_has_group_at_info";

    // TIMConversationListResult (output; Tencent's constants have no `k` prefix).
    /// The conversations of the page.
    TIMConversationListResultConvList => CONVERSATION_LIST_RESULT_CONV_LIST = "conversation_list_result_conv_list";
    /// The cursor for the next page.
    TIMConversationListResultNextSeq => CONVERSATION_LIST_RESULT_NEXT_SEQ = "conversation_list_result_next_seq";
    /// Whether the list is finished.
    TIMConversationListResultIsFinished => CONVERSATION_LIST_RESULT_IS_FINISHED = "conversation_list_result_is_finished";

    // TIMConversationOperationResult (output).
    /// The conversation ID (`c2c_...` / `group_...`).
    kTIMConversationOperationResultConversationID => CONVERSATION_OPERATION_RESULT_CONVERSATION_ID = "conversation_operation_result_conversation_id";
    /// The result code (0: success).
    kTIMConversationOperationResultResultCode => CONVERSATION_OPERATION_RESULT_RESULT_CODE = "conversation_operation_result_result_code";
    /// The result description.
    kTIMConversationOperationResultResultInfo => CONVERSATION_OPERATION_RESULT_RESULT_INFO = "conversation_operation_result_result_info";

    // Message.
    /// Elements of a message.
    kTIMMsgElemArray => MSG_ELEM_ARRAY = "message_elem_array";
    /// Conversation ID of a message.
    kTIMMsgConvId => MSG_CONV_ID = "message_conv_id";
    /// Conversation type of a message.
    kTIMMsgConvType => MSG_CONV_TYPE = "message_conv_type";
    /// Sender of a message.
    kTIMMsgSender => MSG_SENDER = "message_sender";
    /// Priority of a message.
    kTIMMsgPriority => MSG_PRIORITY = "message_priority";
    /// Client time of a message.
    kTIMMsgClientTime => MSG_CLIENT_TIME = "message_client_time";
    /// Server time of a message.
    kTIMMsgServerTime => MSG_SERVER_TIME = "message_server_time";
    /// Whether I sent the message (Tencent's constant name keeps the typo).
    kTIMMsgIsFormSelf => MSG_IS_FROM_SELF = "message_is_from_self";
    /// Platform of the sender.
    kTIMMsgPlatform => MSG_PLATFORM = "message_platform";
    /// Whether the message was read.
    kTIMMsgIsRead => MSG_IS_READ = "message_is_read";
    /// Whether the message was received online.
    kTIMMsgIsOnlineMsg => MSG_IS_ONLINE_MSG = "message_is_online_msg";
    /// Whether the peer read the message.
    kTIMMsgIsPeerRead => MSG_IS_PEER_READ = "message_is_peer_read";
    /// Message state (`TIMMsgStatus`).
    kTIMMsgStatus => MSG_STATUS = "message_status";
    /// The older numeric message ID.
    kTIMMsgUniqueId => MSG_UNIQUE_ID = "message_unique_id";
    /// The message ID.
    kTIMMsgMsgId => MSG_MSG_ID = "message_msg_id";
    /// Random number of a message.
    kTIMMsgRand => MSG_RAND = "message_rand";
    /// Sequence number of a message.
    kTIMMsgSeq => MSG_SEQ = "message_seq";
    /// Local custom integer.
    kTIMMsgCustomInt => MSG_CUSTOM_INT = "message_custom_int";
    /// Local custom string.
    kTIMMsgCustomStr => MSG_CUSTOM_STR = "message_custom_str";
    /// Cloud custom string.
    kTIMMsgCloudCustomStr => MSG_CLOUD_CUSTOM_STR = "message_cloud_custom_str";
    /// Whether the message is excluded from unread counts.
    kTIMMsgIsExcludedFromUnreadCount => MSG_IS_EXCLUDED_FROM_UNREAD_COUNT = "message_is_excluded_from_unread_count";
    /// Whether the message is excluded from being the last message.
    kTIMMsgExcludedFromLastMessage => MSG_EXCLUDED_FROM_LAST_MESSAGE = "message_excluded_from_last_message";
    /// Users @-mentioned by a group message.
    kTIMMsgGroupAtUserArray => MSG_GROUP_AT_USER_ARRAY = "message_group_at_user_array";
    /// Profile of the sender.
    kTIMMsgSenderProfile => MSG_SENDER_PROFILE = "message_sender_profile";
    /// Whether a read receipt is wanted.
    kTIMMsgNeedReadReceipt => MSG_NEED_READ_RECEIPT = "message_need_read_receipt";
    /// Whether the peer sent a read receipt.
    kTIMMsgReceiptPeerRead => MSG_RECEIPT_PEER_READ = "message_receipt_peer_read";

    // Elements.
    /// Type of an element (`TIMElemType`).
    kTIMElemType => ELEM_TYPE = "elem_type";
    /// Text of a text element.
    kTIMTextElemContent => TEXT_ELEM_CONTENT = "text_elem_content";
    /// Data of a custom element.
    kTIMCustomElemData => CUSTOM_ELEM_DATA = "custom_elem_data";
    /// Description of a custom element.
    kTIMCustomElemDesc => CUSTOM_ELEM_DESC = "custom_elem_desc";
    /// Extension of a custom element.
    kTIMCustomElemExt => CUSTOM_ELEM_EXT = "custom_elem_ext";
    /// Sound of a custom element.
    kTIMCustomElemSound => CUSTOM_ELEM_SOUND = "custom_elem_sound";
    /// Index of a face element.
    kTIMFaceElemIndex => FACE_ELEM_INDEX = "face_elem_index";
    /// Data of a face element.
    kTIMFaceElemBuf => FACE_ELEM_BUF = "face_elem_buf";
    /// Description of a location element.
    kTIMLocationElemDesc => LOCATION_ELEM_DESC = "location_elem_desc";
    /// Longitude of a location element.
    kTIMLocationElemLongitude => LOCATION_ELEM_LONGITUDE = "location_elem_longitude";
    /// Latitude of a location element.
    kTIMLocationElemLatitude => LOCATION_ELEM_LATITUDE = "location_elem_latitude";
    /// Original path of an image element.
    kTIMImageElemOrigPath => IMAGE_ELEM_ORIG_PATH = "image_elem_orig_path";
    /// Compression level of an image element.
    kTIMImageElemLevel => IMAGE_ELEM_LEVEL = "image_elem_level";
    /// Local path of a sound element.
    kTIMSoundElemFilePath => SOUND_ELEM_FILE_PATH = "sound_elem_file_path";
    /// Size of a sound element.
    kTIMSoundElemFileSize => SOUND_ELEM_FILE_SIZE = "sound_elem_file_size";
    /// Duration of a sound element, in seconds.
    kTIMSoundElemFileTime => SOUND_ELEM_FILE_TIME = "sound_elem_file_time";
    /// Local path of a file element.
    kTIMFileElemFilePath => FILE_ELEM_FILE_PATH = "file_elem_file_path";
    /// Name of a file element.
    kTIMFileElemFileName => FILE_ELEM_FILE_NAME = "file_elem_file_name";
    /// Size of a file element.
    kTIMFileElemFileSize => FILE_ELEM_FILE_SIZE = "file_elem_file_size";
    /// Type of the video of a video element.
    kTIMVideoElemVideoType => VIDEO_ELEM_VIDEO_TYPE = "video_elem_video_type";
    /// Size of the video of a video element.
    kTIMVideoElemVideoSize => VIDEO_ELEM_VIDEO_SIZE = "video_elem_video_size";
    /// Duration of the video of a video element.
    kTIMVideoElemVideoDuration => VIDEO_ELEM_VIDEO_DURATION = "video_elem_video_duration";
    /// Local path of the video of a video element.
    kTIMVideoElemVideoPath => VIDEO_ELEM_VIDEO_PATH = "video_elem_video_path";
    /// Image type of the snapshot of a video element.
    kTIMVideoElemImageType => VIDEO_ELEM_IMAGE_TYPE = "video_elem_image_type";
    /// Size of the snapshot of a video element.
    kTIMVideoElemImageSize => VIDEO_ELEM_IMAGE_SIZE = "video_elem_image_size";
    /// Width of the snapshot of a video element.
    kTIMVideoElemImageWidth => VIDEO_ELEM_IMAGE_WIDTH = "video_elem_image_width";
    /// Height of the snapshot of a video element.
    kTIMVideoElemImageHeight => VIDEO_ELEM_IMAGE_HEIGHT = "video_elem_image_height";
    /// Local path of the snapshot of a video element.
    kTIMVideoElemImagePath => VIDEO_ELEM_IMAGE_PATH = "video_elem_image_path";

    // MsgGetMsgListParam (input of TIMMsgGetMsgList).
    /// Start after this message (not included); absent: start at the newest (or oldest, forward).
    kTIMMsgGetMsgListParamLastMsg => MSG_GETMSGLIST_PARAM_LAST_MSG = "msg_getmsglist_param_last_msg";
    /// How many messages at most.
    kTIMMsgGetMsgListParamCount => MSG_GETMSGLIST_PARAM_COUNT = "msg_getmsglist_param_count";
    /// Also fetch from the cloud (there is no cloud here: local only).
    kTIMMsgGetMsgListParamIsRamble => MSG_GETMSGLIST_PARAM_IS_RAMBLE = "msg_getmsglist_param_is_ramble";
    /// true: newer than the start, oldest first; false (default): older, newest first.
    kTIMMsgGetMsgListParamIsForward => MSG_GETMSGLIST_PARAM_IS_FORWARD = "msg_getmsglist_param_is_forward";
    /// Group only: start at this sequence (included).
    kTIMMsgGetMsgListParamLastMsgSeq => MSG_GETMSGLIST_PARAM_LAST_MSG_SEQ = "msg_getmsglist_param_last_msg_seq";
    /// Only messages at or after this UTC second.
    kTIMMsgGetMsgListParamTimeBegin => MSG_GETMSGLIST_PARAM_TIME_BEGIN = "msg_getmsglist_param_time_begin";
    /// With the time begin: only messages within this many seconds after it.
    kTIMMsgGetMsgListParamTimePeriod => MSG_GETMSGLIST_PARAM_TIME_PERIOD = "msg_getmsglist_param_time_period";
    /// Only messages holding an element of these types; empty: all.
    kTIMMsgGetMsgListMessageTypeArray => MSG_GETMSGLIST_PARAM_MESSAGE_TYPE_ARRAY = "msg_getmsglist_param_message_type_array";
    /// Group only: exactly the messages of these sequences.
    kTIMMsgGetMsgListParamMessageSeqArray => MSG_GETMSGLIST_PARAM_MESSAGE_SEQ_ARRAY = "msg_getmsglist_param_message_seq_array";

    // MsgDeleteParam (input of TIMMsgDelete).
    /// The message to delete (its `message_msg_id` identifies it).
    kTIMMsgDeleteParamMsg => MSG_DELETE_PARAM_MSG = "msg_delete_param_msg";
    /// Also delete in the cloud (there is no cloud here: local only).
    kTIMMsgDeleteParamIsRamble => MSG_DELETE_PARAM_IS_RAMBLE = "msg_delete_param_is_ramble";

    // Mentions.
    /// The user ID that means "@ everyone" in `message_group_at_user_array`.
    kImSDK_MessageAtALL => MESSAGE_AT_ALL = "__kImSDK_MessageAtALL__";

    // UserProfile (inside `message_sender_profile`).
    /// The user's ID.
    kTIMUserProfileIdentifier => USER_PROFILE_IDENTIFIER = "user_profile_identifier";
    /// The nickname: a C2C conversation received from this sender shows it (`conv_show_name`).
    kTIMUserProfileNickName => USER_PROFILE_NICK_NAME = "user_profile_nick_name";
    /// The avatar URL: a C2C conversation received from this sender shows it (`conv_face_url`).
    kTIMUserProfileFaceUrl => USER_PROFILE_FACE_URL = "user_profile_face_url";
    /// The friend remark (kept as given).
    kTIMUserProfileFriendRemark => USER_PROFILE_FRIEND_REMARK = "user_profile_friend_remark";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn c_names_and_values_are_unique() {
        let names: HashSet<_> = ALL.iter().map(|k| k.c_name).collect();
        let values: HashSet<_> = ALL.iter().map(|k| k.value).collect();
        assert_eq!(names.len(), ALL.len());
        assert_eq!(values.len(), ALL.len());
    }

    #[test]
    fn the_typo_in_the_from_self_constant_is_kept() {
        let key = ALL.iter().find(|k| k.value == MSG_IS_FROM_SELF).unwrap();
        assert_eq!(key.c_name, "kTIMMsgIsFormSelf");
    }
}
