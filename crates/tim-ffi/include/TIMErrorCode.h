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
    /** Internal error of the SDK. */
    ERR_SDK_INTERNAL_ERROR = 7012,
    /** The interface is not supported. */
    ERR_SDK_INTERFACE_NOT_SUPPORT = 7013,
    /** The operation is not valid in the current state. */
    ERR_SDK_INVALID_OPERATION = 7014,
    /** The message body is too large. */
    ERR_SDK_MSG_BODY_SIZE_LIMIT = 8001,
    /** The network is disconnected. */
    ERR_SDK_NET_DISCONNECT = 9508,
    /** The conversation account was not found. */
    ERR_SVR_CONV_ACCOUNT_NOT_FOUND = 50001,
    /** A conversation parameter is not valid. */
    ERR_SVR_CONV_INVALID_PARAMETERS = 50002,
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
