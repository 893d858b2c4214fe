/**
 * @file TIMErrorCode.h
 * @brief `enum TIMErrCode`: the codes a `TIMCommCallback` receives in its `code` parameter.
 *
 * `ERR_SUCC` (0) means success; any other value is an error, and then `json_params` is `""`.
 * The synchronous return values of the calls are the separate `enum TIMResult` (`TIMCloudDef.h`).
 */
#ifndef TIM_ERROR_CODE_H_
#define TIM_ERROR_CODE_H_

#ifdef __cplusplus
extern "C" {
#endif

/** The error codes callbacks deliver (`TIMErrCode`); `ERR_SUCC` is success. */
enum TIMErrCode {
    /** Success. */
    ERR_SUCC = 0,
    /** The conversation does not exist or is not valid. */
    ERR_INVALID_CONVERSATION = 6004,
    /** The SDK is not initialised (also: the call was pending when `TIMUninit` ran). */
    ERR_SDK_NOT_INITIALIZED = 6013,
    /** No user is logged in. */
    ERR_SDK_NOT_LOGGED_IN = 6014,
    /** The same operation is already in progress. */
    ERR_IN_PROGESS = 6015,
    /** A message element is not valid. */
    ERR_INVALID_MSG_ELEM = 6016,
    /** A parameter is not valid. */
    ERR_INVALID_PARAMETERS = 6017,
    /** The local database failed; nothing of the call was stored. */
    ERR_DATABASE_OPERATE_FAILED = 6019,
    /** An SDK object is not valid. */
    ERR_INVALID_SDK_OBJECT = 6021,
    /** No earlier login to resume. */
    ERR_NO_PREVIOUS_LOGIN = 6026,
    /** A JSON parameter is not valid JSON. */
    ERR_INVALID_JSON = 6027,
    /** The message receiver is not valid. */
    ERR_INVALID_MSG_RECEIVER = 6032,
    /** The user signature expired. */
    ERR_USER_SIG_EXPIRED = 6206,
    /** Logged in elsewhere. */
    ERR_LOGIN_KICKED_OFF_BY_OTHER = 6208,
    /** Called from a thread the operation does not allow. */
    ERR_SDK_COMM_CROSS_THREAD = 7001,
    /** The internal user number is empty. */
    ERR_SDK_COMM_TINYID_EMPTY = 7002,
    /** A user ID is not valid (empty, not printable ASCII, or over 32 bytes). */
    ERR_SDK_COMM_INVALID_IDENTIFIER = 7003,
    /** A file does not exist. */
    ERR_SDK_COMM_FILE_NOT_FOUND = 7004,
    /** A file is larger than allowed. */
    ERR_SDK_COMM_FILE_TOO_LARGE = 7005,
    /** A file is empty. */
    ERR_SDK_COMM_FILE_SIZE_EMPTY = 7006,
    /** A file could not be opened. */
    ERR_SDK_COMM_FILE_OPEN_FAILED = 7007,
    /** An API was called more often than allowed. */
    ERR_SDK_COMM_API_CALL_FREQUENCY_LIMIT = 7008,
    /** Stopped while running (for example by an uninit during a login). */
    ERR_SDK_COMM_INTERRUPT = 7009,
    /** A database operation failed. */
    ERR_SDK_COMM_DATABASE_FAILURE = 7010,
    /** A database query found nothing. */
    ERR_SDK_COMM_DATABASE_NOTFOUND = 7011,
    /** Internal error of the SDK. */
    ERR_SDK_INTERNAL_ERROR = 7012,
    /** The interface is not supported. */
    ERR_SDK_INTERFACE_NOT_SUPPORT = 7013,
    /** The operation is not valid in the current state. */
    ERR_SDK_INVALID_OPERATION = 7014,
    /** The message body is too large. */
    ERR_SDK_MSG_BODY_SIZE_LIMIT = 8001,
    /** A message's key differs between the request and the response. */
    ERR_SDK_MSG_KEY_REQ_DIFFER_RSP = 8002,
    /** An image conversion request failed. */
    ERR_SDK_IMAGE_CONVERT_ERROR = 8003,
    /** An image's thumbnail was refused by content review. */
    ERR_SDK_IMAGE_CI_BLOCK = 8004,
    /** Merged messages nested more than 100 levels deep. */
    ERR_MERGER_MSG_LAYERS_OVER_LIMIT = 8005,
    /** The message to modify was modified by someone else first. */
    ERR_SDK_MSG_MODIFY_CONFLICT = 8006,
    /** The message to cancel does not exist or was already sent. */
    ERR_SDK_INVALID_CANCEL_MESSAGE = 8020,
    /** The message was not sent: it was cancelled. */
    ERR_SDK_SEND_MESSAGE_FAILED_WITH_CANCEL = 8021,
    /** Network data could not be encrypted. */
    ERR_SDK_NET_ENCODE_FAILED = 9501,
    /** Network data could not be decrypted. */
    ERR_SDK_NET_DECODE_FAILED = 9502,
    /** The connection is not authenticated yet (the login has not finished). */
    ERR_SDK_NET_AUTH_INVALID = 9503,
    /** A packet could not be compressed. */
    ERR_SDK_NET_COMPRESS_FAILED = 9504,
    /** A packet could not be decompressed. */
    ERR_SDK_NET_UNCOMPRESS_FAILED = 9505,
    /** More requests per second than allowed. */
    ERR_SDK_NET_FREQ_LIMIT = 9506,
    /** The request queue is full. */
    ERR_SDK_NET_REQ_COUNT_LIMIT = 9507,
    /** The network is disconnected. */
    ERR_SDK_NET_DISCONNECT = 9508,
    /** The connection already exists (the name is Tencent's spelling). */
    ERR_SDK_NET_ALLREADY_CONN = 9509,
    /** Connecting timed out. */
    ERR_SDK_NET_CONN_TIMEOUT = 9510,
    /** The server refused the connection. */
    ERR_SDK_NET_CONN_REFUSE = 9511,
    /** No route to the network. */
    ERR_SDK_NET_NET_UNREACH = 9512,
    /** No socket buffer space left. */
    ERR_SDK_NET_SOCKET_NO_BUFF = 9513,
    /** The server reset the connection. */
    ERR_SDK_NET_RESET_BY_PEER = 9514,
    /** The socket is not valid. */
    ERR_SDK_NET_SOCKET_INVALID = 9515,
    /** A host name could not be resolved. */
    ERR_SDK_NET_HOST_GETADDRINFO_FAILED = 9516,
    /** The connection was reset on the way. */
    ERR_SDK_NET_CONNECT_RESET = 9517,
    /** A request timed out before entering the send queue. */
    ERR_SDK_NET_WAIT_INQUEUE_TIMEOUT = 9518,
    /** A request timed out in the send queue. */
    ERR_SDK_NET_WAIT_SEND_TIMEOUT = 9519,
    /** A request was sent and timed out waiting for the answer. */
    ERR_SDK_NET_WAIT_ACK_TIMEOUT = 9520,
    /** A request timed out with part of it sent. */
    ERR_SDK_NET_WAIT_SEND_REMAINING_TIMEOUT = 9521,
    /** A request is larger than 1 MB. */
    ERR_SDK_NET_PKG_SIZE_LIMIT = 9522,
    /** As 9519, with no network at the time. */
    ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK = 9523,
    /** As 9520, with no network at the time. */
    ERR_SDK_NET_WAIT_ACK_TIMEOUT_NO_NETWORK = 9524,
    /** As 9521, with no network at the time. */
    ERR_SDK_NET_SEND_REMAINING_TIMEOUT_NO_NETWORK = 9525,
    /** The conversation account was not found. */
    ERR_SVR_CONV_ACCOUNT_NOT_FOUND = 50001,
    /** A conversation parameter is not valid. */
    ERR_SVR_CONV_INVALID_PARAMETERS = 50002,
    /** The conversation request needs the app administrator. */
    ERR_SVR_CONV_ADMIN_REQUIRED = 50003,
    /** Internal error of the conversation service. */
    ERR_SVR_CONV_INTERNAL_ERROR = 50004,
    /** The conversation service timed out. */
    ERR_SVR_CONV_NET_TIMEOUT = 50005,
    /** More than 100 conversations in one mark, group or custom-data request. */
    ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT = 51006,
    /** The mark operation failed. */
    ERR_SVR_CONV_CONV_MARK_OPERATE_FAILED = 51007,
    /** More than 1000 marked or grouped conversations. */
    ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT = 51008,
    /** The conversation group does not exist. */
    ERR_SVR_CONV_CONV_GROUP_NOT_EXIST = 51009,
    /** More than 20 conversation groups. */
    ERR_SVR_CONV_CONV_GROUP_TOTAL_COUNT_EXCEED_LIMIT = 51010,
    /** A conversation group name longer than 32 bytes. */
    ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH = 51011,
    /** The user signature expired (server side). */
    ERR_SVR_ACCOUNT_USERSIG_EXPIRED = 70001
};

#ifdef __cplusplus
}
#endif

#endif /* TIM_ERROR_CODE_H_ */
