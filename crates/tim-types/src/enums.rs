//! The enums of the TIM C API with their exact C names and values.
//!
//! Each enum is declared once with [`c_enum!`](crate::c_enum), which produces the Rust enum,
//! checked conversion from the raw integer a C caller passes (a value from C is never trusted to
//! be in range), serde as a JSON number, and a [`CEnumDef`] table row that the header check
//! compares with `TIMCloudDef.h` and `TIMErrorCode.h`.

use std::fmt;

/// One C enum as the headers must declare it: its name and `(variant, value)` pairs.
#[derive(Debug, Clone, Copy)]
pub struct CEnumDef {
    /// The C name of the enum, e.g. `TIMConvType`.
    pub c_name: &'static str,
    /// The header file that declares it.
    pub header: &'static str,
    /// Every variant's C name and value, in declaration order.
    pub variants: &'static [(&'static str, i64)],
}

/// The value was not one of the enum's variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange(pub i64);

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "value {} is out of range", self.0)
    }
}

impl std::error::Error for OutOfRange {}

/// Declares a C-compatible enum, its checked conversions, serde as a number, and its table row.
#[macro_export]
macro_rules! c_enum {
    (
        $(#[$meta:meta])*
        $c_name:ident in $header:literal => pub enum $name:ident : $repr:ty {
            $( $(#[$vmeta:meta])* $c_variant:ident => $variant:ident = $value:expr ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr($repr)]
        pub enum $name {
            $( $(#[$vmeta])* $variant = $value ),+
        }

        impl $name {
            /// The C declaration of this enum, for the header check.
            pub const C_DEF: $crate::enums::CEnumDef = $crate::enums::CEnumDef {
                c_name: stringify!($c_name),
                header: $header,
                variants: &[ $( (stringify!($c_variant), $value as i64) ),+ ],
            };

            /// The numeric value C sees.
            pub const fn value(self) -> $repr {
                self as $repr
            }

            /// Converts a raw value from C or JSON, rejecting values that are not variants.
            pub fn from_value(value: i64) -> Result<Self, $crate::enums::OutOfRange> {
                $( if value == $value as i64 { return Ok(Self::$variant); } )+
                Err($crate::enums::OutOfRange(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(*self as $repr as i64)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <i64 as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::from_value(raw).map_err(|e| {
                    <D::Error as ::serde::de::Error>::custom(format!(
                        concat!("invalid ", stringify!($c_name), ": {}"), e
                    ))
                })
            }
        }
    };
}

c_enum! {
    /// The synchronous return value of every call (`TIMResult`).
    TIMResult in "TIMCloudDef.h" => pub enum TimResult: i32 {
        /// The call was accepted; for asynchronous calls the callback will run exactly once.
        TIM_SUCC => Succ = 0,
        /// `TIMInit` has not been called (or `TIMUninit` has).
        TIM_ERR_SDKUNINIT => SdkUninit = -1,
        /// No user is logged in.
        TIM_ERR_NOTLOGIN => NotLogin = -2,
        /// A JSON parameter is not JSON.
        TIM_ERR_JSON => Json = -3,
        /// A parameter is missing, malformed, of the wrong JSON type or out of range.
        TIM_ERR_PARAM => Param = -4,
        /// The conversation does not exist.
        TIM_ERR_CONV => Conv = -5,
        /// The group does not exist.
        TIM_ERR_GROUP => Group = -6,
    }
}

c_enum! {
    /// The kind of a conversation (`TIMConvType`).
    TIMConvType in "TIMCloudDef.h" => pub enum ConvType: i32 {
        /// Not a conversation; rejected by every call.
        kTIMConv_Invalid => Invalid = 0,
        /// A one-to-one chat; the conversation ID is the peer's user ID.
        kTIMConv_C2C => C2C = 1,
        /// A group chat; the conversation ID is the group ID.
        kTIMConv_Group => Group = 2,
        /// The deprecated system conversation; rejected by every call.
        kTIMConv_System => System = 3,
    }
}

impl ConvType {
    /// Converts the type a caller passed, accepting only C2C and group conversations.
    pub fn from_caller(value: i64) -> Result<Self, OutOfRange> {
        match Self::from_value(value)? {
            ConvType::C2C => Ok(ConvType::C2C),
            ConvType::Group => Ok(ConvType::Group),
            _ => Err(OutOfRange(value)),
        }
    }

    /// The prefix of the newer "conversation ID" form (`c2c_` + user ID, `group_` + group ID).
    pub fn conversation_id_prefix(self) -> &'static str {
        match self {
            ConvType::Group => "group_",
            _ => "c2c_",
        }
    }
}

c_enum! {
    /// How messages of a conversation are received (`TIMReceiveMessageOpt`).
    TIMReceiveMessageOpt in "TIMCloudDef.h" => pub enum ReceiveMessageOpt: i32 {
        /// Receive, and push when offline.
        kTIMRecvMsgOpt_Receive => Receive = 0,
        /// Do not receive.
        kTIMRecvMsgOpt_Not_Receive => NotReceive = 1,
        /// Receive online, no offline push.
        kTIMRecvMsgOpt_Not_Notify => NotNotify = 2,
        /// Receive online; push offline only for @ messages.
        kTIMRecvMsgOpt_Not_Notify_Except_At => NotNotifyExceptAt = 3,
        /// Receive only @ messages.
        kTIMRecvMsgOpt_Not_Receive_Except_At => NotReceiveExceptAt = 4,
    }
}

c_enum! {
    /// What a conversation event callback reports (`TIMConvEvent`).
    TIMConvEvent in "TIMCloudDef.h" => pub enum ConvEvent: i32 {
        /// Conversations were added; the payload is an array of ConvInfo.
        kTIMConvEvent_Add => Add = 0,
        /// Conversations were deleted; the payload is an array of ConvInfo as they were.
        kTIMConvEvent_Del => Del = 1,
        /// Conversations changed; the payload is an array of ConvInfo.
        kTIMConvEvent_Update => Update = 2,
        /// Loading of the conversation list started; the payload is an empty string.
        kTIMConvEvent_Start => Start = 3,
        /// Loading of the conversation list finished; the payload is an empty string.
        kTIMConvEvent_Finish => Finish = 4,
    }
}

c_enum! {
    /// The type of a message element (`TIMElemType`).
    TIMElemType in "TIMCloudDef.h" => pub enum ElemType: i32 {
        /// Text.
        kTIMElem_Text => Text = 0,
        /// Image.
        kTIMElem_Image => Image = 1,
        /// Sound.
        kTIMElem_Sound => Sound = 2,
        /// Custom data.
        kTIMElem_Custom => Custom = 3,
        /// File.
        kTIMElem_File => File = 4,
        /// Group tips (system generated).
        kTIMElem_GroupTips => GroupTips = 5,
        /// Face (sticker).
        kTIMElem_Face => Face = 6,
        /// Location.
        kTIMElem_Location => Location = 7,
        /// Group system report (system generated).
        kTIMElem_GroupReport => GroupReport = 8,
        /// Video.
        kTIMElem_Video => Video = 9,
        /// Friend change notice.
        kTIMElem_FriendChange => FriendChange = 10,
        /// Profile change notice.
        kTIMElem_ProfileChange => ProfileChange = 11,
        /// Merged (forwarded) messages.
        kTIMElem_Merge => Merge = 12,
        /// Not a valid element.
        kTIMElem_Invalid => Invalid = -1,
    }
}

c_enum! {
    /// The state of a message (`TIMMsgStatus`).
    TIMMsgStatus in "TIMCloudDef.h" => pub enum MsgStatus: i32 {
        /// Being sent.
        kTIMMsg_Sending => Sending = 1,
        /// Sent.
        kTIMMsg_SendSucc => SendSucc = 2,
        /// Sending failed.
        kTIMMsg_SendFail => SendFail = 3,
        /// Deleted.
        kTIMMsg_Deleted => Deleted = 4,
        /// Imported locally.
        kTIMMsg_LocalImported => LocalImported = 5,
        /// Revoked.
        kTIMMsg_Revoked => Revoked = 6,
        /// Sending cancelled.
        kTIMMsg_Cancel => Cancel = 7,
    }
}

c_enum! {
    /// The login state reported by `TIMGetLoginStatus` (`TIMLoginStatus`).
    TIMLoginStatus in "TIMCloudDef.h" => pub enum LoginStatus: i32 {
        /// Logged in.
        kTIMLoginStatus_Logined => Logined = 1,
        /// Logging in.
        kTIMLoginStatus_Logining => Logining = 2,
        /// Not logged in.
        kTIMLoginStatus_UnLogined => UnLogined = 3,
        /// Logging out.
        kTIMLoginStatus_Logouting => Logouting = 4,
    }
}

c_enum! {
    /// Group kinds, the values of `conv_group_type` (`TIMGroupType`).
    TIMGroupType in "TIMCloudDef.h" => pub enum GroupType: i32 {
        /// Public group.
        kTIMGroup_Public => Public = 0,
        /// Work group (formerly "private").
        kTIMGroup_Private => Private = 1,
        /// Meeting group (formerly "chat room").
        kTIMGroup_ChatRoom => ChatRoom = 2,
        /// Broadcast chat room.
        kTIMGroup_BChatRoom => BChatRoom = 3,
        /// Audio-video (live) chat room.
        kTIMGroup_AVChatRoom => AvChatRoom = 4,
        /// Community.
        kTIMGroup_Community => Community = 5,
    }
}

c_enum! {
    /// Message priorities, the values of `message_priority` (`TIMMsgPriority`).
    TIMMsgPriority in "TIMCloudDef.h" => pub enum MsgPriority: i32 {
        /// Highest.
        kTIMMsgPriority_High => High = 0,
        /// Ordinary messages.
        kTIMMsgPriority_Normal => Normal = 1,
        /// Low.
        kTIMMsgPriority_Low => Low = 2,
        /// Lowest.
        kTIMMsgPriority_Lowest => Lowest = 3,
    }
}

c_enum! {
    /// Platforms, the values of `message_platform` (`TIMPlatform`).
    TIMPlatform in "TIMCloudDef.h" => pub enum Platform: i32 {
        /// Unknown.
        kTIMPlatform_Other => Other = 0,
        /// Windows.
        kTIMPlatform_Windows => Windows = 1,
        /// Android.
        kTIMPlatform_Android => Android = 2,
        /// iOS.
        kTIMPlatform_IOS => Ios = 3,
        /// macOS.
        kTIMPlatform_Mac => Mac = 4,
        /// The iOS simulator.
        kTIMPlatform_Simulator => Simulator = 5,
    }
}

c_enum! {
    /// Image quality levels, the values of `image_elem_level` (`TIMImageLevel`).
    TIMImageLevel in "TIMCloudDef.h" => pub enum ImageLevel: i32 {
        /// The original.
        kTIMImageLevel_Orig => Orig = 0,
        /// Compressed (the default).
        kTIMImageLevel_Compression => Compression = 1,
        /// High definition.
        kTIMImageLevel_HD => Hd = 2,
    }
}

c_enum! {
    /// The connection to the IM server, for `TIMSetNetworkStatusListenerCallback`
    /// (`TIMNetworkStatus`). This SDK has no server connection: it never reports one.
    TIMNetworkStatus in "TIMCloudDef.h" => pub enum NetworkStatus: i32 {
        /// Connected.
        kTIMConnected => Connected = 0,
        /// Disconnected.
        kTIMDisconnected => Disconnected = 1,
        /// Connecting.
        kTIMConnecting => Connecting = 2,
        /// The connection failed.
        kTIMConnectFailed => ConnectFailed = 3,
    }
}

c_enum! {
    /// The level of a log line, for `TIMSetLogCallback` (`TIMLogLevel`).
    TIMLogLevel in "TIMCloudDef.h" => pub enum LogLevel: i32 {
        /// No log output.
        kTIMLog_Off => Off = 0,
        /// Everything.
        kTIMLog_Test => Test = 1,
        /// Details for development.
        kTIMLog_Verbose => Verbose = 2,
        /// Debugging.
        kTIMLog_Debug => Debug = 3,
        /// Information.
        kTIMLog_Info => Info = 4,
        /// Warnings.
        kTIMLog_Warn => Warn = 5,
        /// Errors.
        kTIMLog_Error => Error = 6,
        /// Assertions.
        kTIMLog_Assert => Assert = 7,
    }
}

c_enum! {
    /// The kind of an @ reminder in `conv_group_at_info_array` (`TIMGroupAtType`).
    TIMGroupAtType in "TIMCloudDef.h" => pub enum GroupAtType: i32 {
        /// Somebody @-mentioned me.
        kTIMGroup_At_Me => AtMe = 1,
        /// Somebody @-mentioned everyone.
        kTIMGroup_At_All => AtAll = 2,
        /// Both.
        kTIMGroup_At_All_At_ME => AtAllAtMe = 3,
    }
}

c_enum! {
    /// Built-in conversation marks (`TIMConversationMarkType`); bits 32 to 63 are the app's.
    TIMConversationMarkType in "TIMCloudDef.h" => pub enum ConversationMarkType: i64 {
        /// Starred.
        kTIMConversationMarkTypeStar => Star = 0x1,
        /// Marked unread.
        kTIMConversationMarkTypeUnread => Unread = 0x2,
        /// Folded.
        kTIMConversationMarkTypeFold => Fold = 0x4,
        /// Hidden.
        kTIMConversationMarkTypeHide => Hide = 0x8,
    }
}

c_enum! {
    /// The error codes callbacks deliver (`TIMErrCode`); `ERR_SUCC` is success.
    TIMErrCode in "TIMErrorCode.h" => pub enum ErrCode: i32 {
        /// Success.
        ERR_SUCC => Succ = 0,
        /// The conversation does not exist or is not valid.
        ERR_INVALID_CONVERSATION => InvalidConversation = 6004,
        /// The SDK is not initialised (also: the call was pending when `TIMUninit` ran).
        ERR_SDK_NOT_INITIALIZED => SdkNotInitialized = 6013,
        /// No user is logged in.
        ERR_SDK_NOT_LOGGED_IN => SdkNotLoggedIn = 6014,
        /// The same operation is already in progress.
        ERR_IN_PROGESS => InProgess = 6015,
        /// A message element is not valid.
        ERR_INVALID_MSG_ELEM => InvalidMsgElem = 6016,
        /// A parameter is not valid.
        ERR_INVALID_PARAMETERS => InvalidParameters = 6017,
        /// The local database failed; nothing of the call was stored.
        ERR_DATABASE_OPERATE_FAILED => DatabaseOperateFailed = 6019,
        /// An SDK object is not valid.
        ERR_INVALID_SDK_OBJECT => InvalidSdkObject = 6021,
        /// No earlier login to resume.
        ERR_NO_PREVIOUS_LOGIN => NoPreviousLogin = 6026,
        /// A JSON parameter is not valid JSON.
        ERR_INVALID_JSON => InvalidJson = 6027,
        /// The message receiver is not valid.
        ERR_INVALID_MSG_RECEIVER => InvalidMsgReceiver = 6032,
        /// The user signature expired.
        ERR_USER_SIG_EXPIRED => UserSigExpired = 6206,
        /// Logged in elsewhere.
        ERR_LOGIN_KICKED_OFF_BY_OTHER => LoginKickedOffByOther = 6208,
        /// Called from a thread the operation does not allow.
        ERR_SDK_COMM_CROSS_THREAD => SdkCommCrossThread = 7001,
        /// The internal user number is empty.
        ERR_SDK_COMM_TINYID_EMPTY => SdkCommTinyidEmpty = 7002,
        /// A user ID is not valid (empty, not printable ASCII, or over 32 bytes).
        ERR_SDK_COMM_INVALID_IDENTIFIER => SdkCommInvalidIdentifier = 7003,
        /// A file does not exist.
        ERR_SDK_COMM_FILE_NOT_FOUND => SdkCommFileNotFound = 7004,
        /// A file is larger than allowed.
        ERR_SDK_COMM_FILE_TOO_LARGE => SdkCommFileTooLarge = 7005,
        /// A file is empty.
        ERR_SDK_COMM_FILE_SIZE_EMPTY => SdkCommFileSizeEmpty = 7006,
        /// A file could not be opened.
        ERR_SDK_COMM_FILE_OPEN_FAILED => SdkCommFileOpenFailed = 7007,
        /// An API was called more often than allowed.
        ERR_SDK_COMM_API_CALL_FREQUENCY_LIMIT => SdkCommApiCallFrequencyLimit = 7008,
        /// Stopped while running (for example by an uninit during a login).
        ERR_SDK_COMM_INTERRUPT => SdkCommInterrupt = 7009,
        /// A database operation failed.
        ERR_SDK_COMM_DATABASE_FAILURE => SdkCommDatabaseFailure = 7010,
        /// A database query found nothing.
        ERR_SDK_COMM_DATABASE_NOTFOUND => SdkCommDatabaseNotfound = 7011,
        /// Internal error of the SDK.
        ERR_SDK_INTERNAL_ERROR => SdkInternalError = 7012,
        /// The interface is not supported.
        ERR_SDK_INTERFACE_NOT_SUPPORT => SdkInterfaceNotSupport = 7013,
        /// The operation is not valid in the current state.
        ERR_SDK_INVALID_OPERATION => SdkInvalidOperation = 7014,
        /// The message body is too large.
        ERR_SDK_MSG_BODY_SIZE_LIMIT => SdkMsgBodySizeLimit = 8001,
        /// A message's key differs between the request and the response.
        ERR_SDK_MSG_KEY_REQ_DIFFER_RSP => SdkMsgKeyReqDifferRsp = 8002,
        /// An image conversion request failed.
        ERR_SDK_IMAGE_CONVERT_ERROR => SdkImageConvertError = 8003,
        /// An image's thumbnail was refused by content review.
        ERR_SDK_IMAGE_CI_BLOCK => SdkImageCiBlock = 8004,
        /// Merged messages nested more than 100 levels deep.
        ERR_MERGER_MSG_LAYERS_OVER_LIMIT => MergerMsgLayersOverLimit = 8005,
        /// The message to modify was modified by someone else first.
        ERR_SDK_MSG_MODIFY_CONFLICT => SdkMsgModifyConflict = 8006,
        /// The message to cancel does not exist or was already sent.
        ERR_SDK_INVALID_CANCEL_MESSAGE => SdkInvalidCancelMessage = 8020,
        /// The message was not sent: it was cancelled.
        ERR_SDK_SEND_MESSAGE_FAILED_WITH_CANCEL => SdkSendMessageFailedWithCancel = 8021,
        /// Network data could not be encrypted.
        ERR_SDK_NET_ENCODE_FAILED => SdkNetEncodeFailed = 9501,
        /// Network data could not be decrypted.
        ERR_SDK_NET_DECODE_FAILED => SdkNetDecodeFailed = 9502,
        /// The connection is not authenticated yet (the login has not finished).
        ERR_SDK_NET_AUTH_INVALID => SdkNetAuthInvalid = 9503,
        /// A packet could not be compressed.
        ERR_SDK_NET_COMPRESS_FAILED => SdkNetCompressFailed = 9504,
        /// A packet could not be decompressed.
        ERR_SDK_NET_UNCOMPRESS_FAILED => SdkNetUncompressFailed = 9505,
        /// More requests per second than allowed.
        ERR_SDK_NET_FREQ_LIMIT => SdkNetFreqLimit = 9506,
        /// The request queue is full.
        ERR_SDK_NET_REQ_COUNT_LIMIT => SdkNetReqCountLimit = 9507,
        /// The network is disconnected.
        ERR_SDK_NET_DISCONNECT => SdkNetDisconnect = 9508,
        /// The connection already exists (the name is Tencent's spelling).
        ERR_SDK_NET_ALLREADY_CONN => SdkNetAllreadyConn = 9509,
        /// Connecting timed out.
        ERR_SDK_NET_CONN_TIMEOUT => SdkNetConnTimeout = 9510,
        /// The server refused the connection.
        ERR_SDK_NET_CONN_REFUSE => SdkNetConnRefuse = 9511,
        /// No route to the network.
        ERR_SDK_NET_NET_UNREACH => SdkNetNetUnreach = 9512,
        /// No socket buffer space left.
        ERR_SDK_NET_SOCKET_NO_BUFF => SdkNetSocketNoBuff = 9513,
        /// The server reset the connection.
        ERR_SDK_NET_RESET_BY_PEER => SdkNetResetByPeer = 9514,
        /// The socket is not valid.
        ERR_SDK_NET_SOCKET_INVALID => SdkNetSocketInvalid = 9515,
        /// A host name could not be resolved.
        ERR_SDK_NET_HOST_GETADDRINFO_FAILED => SdkNetHostGetaddrinfoFailed = 9516,
        /// The connection was reset on the way.
        ERR_SDK_NET_CONNECT_RESET => SdkNetConnectReset = 9517,
        /// A request timed out before entering the send queue.
        ERR_SDK_NET_WAIT_INQUEUE_TIMEOUT => SdkNetWaitInqueueTimeout = 9518,
        /// A request timed out in the send queue.
        ERR_SDK_NET_WAIT_SEND_TIMEOUT => SdkNetWaitSendTimeout = 9519,
        /// A request was sent and timed out waiting for the answer.
        ERR_SDK_NET_WAIT_ACK_TIMEOUT => SdkNetWaitAckTimeout = 9520,
        /// A request timed out with part of it sent.
        ERR_SDK_NET_WAIT_SEND_REMAINING_TIMEOUT => SdkNetWaitSendRemainingTimeout = 9521,
        /// A request is larger than 1 MB.
        ERR_SDK_NET_PKG_SIZE_LIMIT => SdkNetPkgSizeLimit = 9522,
        /// As 9519, with no network at the time.
        ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK => SdkNetWaitSendTimeoutNoNetwork = 9523,
        /// As 9520, with no network at the time.
        ERR_SDK_NET_WAIT_ACK_TIMEOUT_NO_NETWORK => SdkNetWaitAckTimeoutNoNetwork = 9524,
        /// As 9521, with no network at the time.
        ERR_SDK_NET_SEND_REMAINING_TIMEOUT_NO_NETWORK => SdkNetSendRemainingTimeoutNoNetwork = 9525,
        /// The conversation account was not found.
        ERR_SVR_CONV_ACCOUNT_NOT_FOUND => SvrConvAccountNotFound = 50001,
        /// A conversation parameter is not valid.
        ERR_SVR_CONV_INVALID_PARAMETERS => SvrConvInvalidParameters = 50002,
        /// The conversation request needs the app administrator.
        ERR_SVR_CONV_ADMIN_REQUIRED => SvrConvAdminRequired = 50003,
        /// Internal error of the conversation service.
        ERR_SVR_CONV_INTERNAL_ERROR => SvrConvInternalError = 50004,
        /// The conversation service timed out.
        ERR_SVR_CONV_NET_TIMEOUT => SvrConvNetTimeout = 50005,
        /// More than 100 conversations in one mark, group or custom-data request.
        ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT => SvrConvConvMarkReqCountExceedLimit = 51006,
        /// The mark operation failed.
        ERR_SVR_CONV_CONV_MARK_OPERATE_FAILED => SvrConvConvMarkOperateFailed = 51007,
        /// More than 1000 marked or grouped conversations.
        ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT => SvrConvConvMarkTotalCountExceedLimit = 51008,
        /// The conversation group does not exist.
        ERR_SVR_CONV_CONV_GROUP_NOT_EXIST => SvrConvConvGroupNotExist = 51009,
        /// More than 20 conversation groups.
        ERR_SVR_CONV_CONV_GROUP_TOTAL_COUNT_EXCEED_LIMIT => SvrConvConvGroupTotalCountExceedLimit = 51010,
        /// A conversation group name longer than 32 bytes.
        ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH => SvrConvConvGroupNameExceedLength = 51011,
        /// The user signature expired (server side).
        ERR_SVR_ACCOUNT_USERSIG_EXPIRED => SvrAccountUsersigExpired = 70001,
    }
}

/// Every enum the C headers declare, for the header check.
pub const ALL: &[CEnumDef] = &[
    TimResult::C_DEF,
    ConvType::C_DEF,
    ReceiveMessageOpt::C_DEF,
    ConvEvent::C_DEF,
    ElemType::C_DEF,
    MsgStatus::C_DEF,
    LoginStatus::C_DEF,
    NetworkStatus::C_DEF,
    LogLevel::C_DEF,
    GroupType::C_DEF,
    MsgPriority::C_DEF,
    Platform::C_DEF,
    ImageLevel::C_DEF,
    GroupAtType::C_DEF,
    ConversationMarkType::C_DEF,
    ErrCode::C_DEF,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_the_reference() {
        assert_eq!(TimResult::NotLogin.value(), -2);
        assert_eq!(ErrCode::InvalidConversation.value(), 6004);
        assert_eq!(ConvEvent::Finish.value(), 4);
        assert_eq!(ElemType::Invalid.value(), -1);
    }

    #[test]
    fn raw_values_are_checked() {
        assert_eq!(ConvType::from_caller(1), Ok(ConvType::C2C));
        assert_eq!(ConvType::from_caller(2), Ok(ConvType::Group));
        for bad in [0, 3, 4, -1, i64::MAX] {
            assert!(ConvType::from_caller(bad).is_err(), "{bad}");
        }
        assert!(ElemType::from_value(13).is_err());
    }

    #[test]
    fn enums_are_json_numbers() {
        assert_eq!(serde_json::to_string(&ConvType::Group).unwrap(), "2");
        assert_eq!(serde_json::from_str::<ConvType>("1").unwrap(), ConvType::C2C);
        assert!(serde_json::from_str::<ConvType>("9").is_err());
        assert!(serde_json::from_str::<ConvType>("\"1\"").is_err());
    }
}
