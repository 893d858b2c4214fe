/**
 * @file TIMCloud.h
 * @brief The TIM (Tencent Cloud IM) conversation C API: SDK lifecycle, login, conversations
 *        (with pins, filtered paging, batch deletion, custom data, marks and conversation
 *        groups), messages, read state and unread counts (also by filter), plus one extension of
 *        this implementation (`TIMExtDeliverIncomingMessages`, in its own section at the end).
 *        Including this header is enough; it includes the others.
 *
 * @section tim_conventions Conventions shared by every function
 *
 * Return values. Every `int` function returns a `enum TIMResult` value: `TIM_SUCC` (0) when the
 * call was accepted, otherwise `TIM_ERR_SDKUNINIT` (-1, `TIMInit` not called), `TIM_ERR_NOTLOGIN`
 * (-2, nobody logged in), `TIM_ERR_JSON` (-3, a JSON parameter is not JSON), `TIM_ERR_PARAM` (-4,
 * a parameter is NULL, empty, not UTF-8, too long, out of range, or JSON of the wrong shape) or
 * `TIM_ERR_CONV` (-5, the conversation does not exist). A call that does not return `TIM_SUCC`
 * changes nothing and runs no callback.
 *
 * Strings. Every `const char*` parameter is a NUL-terminated UTF-8 string. IDs (`user_id`,
 * `conv_id`) must be non-empty valid UTF-8; JSON parameters must be UTF-8 JSON using the key
 * constants of `TIMCloudDef.h`. The SDK copies what it keeps: the caller may free or reuse every
 * string as soon as the call returns.
 *
 * Conversations. A conversation is identified by its `conv_id` (the peer's user ID for
 * `kTIMConv_C2C`, the group ID for `kTIMConv_Group`) together with its `conv_type`. Only
 * `kTIMConv_C2C` (1) and `kTIMConv_Group` (2) are accepted; any other value, including
 * `kTIMConv_Invalid` and `kTIMConv_System`, gives `TIM_ERR_PARAM`. Conversations, drafts and the
 * login state are stored per user in the data folder given to `TIMInit` and survive
 * `TIMUninit` / `TIMInit` and process restarts.
 *
 * Callbacks (`TIMCommCallback`, `TIMCloudCallback.h`):
 * - A NULL `cb` is allowed and means "no callback": the call is carried out all the same.
 * - The callback runs exactly once if and only if the call returned `TIM_SUCC`.
 * - It runs on an SDK callback thread, never on the calling thread and never inside the call.
 *   Being another thread, it may start before the call has returned to you: set up whatever
 *   `user_data` points to before making the call.
 * - Callbacks run in the order of the calls they belong to.
 * - `user_data` is passed back unchanged and never dereferenced; it may be NULL.
 * - A callback may call any TIM function (including synchronous ones such as `TIMConvSetDraft`)
 *   without deadlocking.
 * - The strings passed to a callback (`desc`, `json_params`) are valid only during the callback.
 * - On failure `code` is a `TIMErrCode` (`TIMErrorCode.h`) and `json_params` is `""`.
 *
 * Threads. Every function may be called from any thread, concurrently.
 */
#ifndef TIM_CLOUD_H_
#define TIM_CLOUD_H_

#include "TIMCloudComm.h"
#include "TIMCloudDef.h"
#include "TIMCloudCallback.h"
#include "TIMErrorCode.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================== */
/*                                   Initialisation and login                               */
/* ======================================================================================== */

/**
 * @brief Initialises the SDK. Synchronous; must be called before any other function except
 *        `TIMGetSDKVersion`, `TIMGetLoginStatus` and the callback registrations
 *        (`TIMSetConvEventCallback`, `TIMAddRecvNewMsgCallback`, `TIMRemoveRecvNewMsgCallback`,
 *        `TIMSetConvTotalUnreadMessageCountChangedCallback`,
 *        `TIMSetConvUnreadMessageCountChangedByFilterCallback` and the five conversation group
 *        callback setters).
 *
 * @param sdk_app_id      The application ID. There is no server: it is recorded and not checked.
 * @param json_sdk_config NULL, `""`, or a JSON object (SdkConfig) with these optional keys:
 *                        - `kTIMSdkConfigConfigFilePath` (`"sdk_config_config_file_path"`,
 *                          string): the data folder, created if missing; one store per user is
 *                          kept in it. Absent or `""`: `tim-data` in the current
 *                          directory.
 *                        - `kTIMSdkConfigLogFilePath` (`"sdk_config_log_file_path"`, string):
 *                          the log folder.
 *                        - `kTIMSdkConfigMainThreadID` (`"sdk_config_main_thread_id"`, int64):
 *                          accepted and ignored (Windows message-loop thread in Tencent's SDK).
 *
 * @return `TIM_SUCC` on success (also when already initialised, which changes nothing);
 *         `TIM_ERR_JSON` if `json_sdk_config` is not JSON; `TIM_ERR_PARAM` if it is JSON of the
 *         wrong shape or types, or the data folder cannot be created or opened.
 *
 * Threading: may be called from any thread. `TIMInit` → `TIMUninit` → `TIMInit` is supported.
 */
TIM_DECL int TIMInit(uint64_t sdk_app_id, const char* json_sdk_config);

/**
 * @brief Shuts the SDK down. Synchronous.
 *
 * Logs the current user out (without a logout callback) and closes the store. When `TIMUninit`
 * returns, the callback of every asynchronous call that was accepted before it has run exactly
 * once: either with the call's result, or with `ERR_SDK_NOT_INITIALIZED` if the call was still
 * pending. Afterwards every function except `TIMInit`, `TIMGetSDKVersion`, `TIMGetLoginStatus`
 * and the callback registrations returns `TIM_ERR_SDKUNINIT` until `TIMInit` is called again.
 * The registered callbacks stay registered.
 *
 * @return `TIM_SUCC`; `TIM_ERR_SDKUNINIT` if the SDK was not initialised.
 *
 * Threading: may be called from any thread; do not call it while another thread may be inside
 * `TIMInit`.
 */
TIM_DECL int TIMUninit(void);

/**
 * @brief The version of the SDK, for example `"0.1.0"`.
 *
 * @return A NUL-terminated string owned by the SDK, valid for the life of the process. Never NULL,
 *         never empty.
 *
 * Threading: may be called from any thread at any time, also before `TIMInit`.
 */
TIM_DECL const char* TIMGetSDKVersion(void);

/**
 * @brief Logs a user in. Asynchronous.
 *
 * Opens the user's store in the data folder; the user's conversations and drafts are then visible
 * through the conversation calls.
 *
 * @param user_id   The user ID: non-empty UTF-8 of at most 127 bytes (so that it fits, with its
 *                  NUL, in the 128-byte buffer of `TIMGetLoginUserID`).
 * @param user_sig  The user signature. There is no server: it is not verified; NULL is taken as
 *                  `""`.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""` when the user
 *                  is logged in, or with an error code: `ERR_SDK_INVALID_OPERATION` (7014) if
 *                  another user is logged in (log out first), `ERR_DATABASE_OPERATE_FAILED`
 *                  (6019) if the store cannot be opened. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_PARAM` if `user_id` is NULL, empty, not UTF-8 or longer
 *         than 127 bytes.
 *
 * Threading: `cb` runs on an SDK callback thread once `TIMLogin` accepted the call. The login status is
 * `kTIMLoginStatus_Logined` by the time `cb` runs with `ERR_SUCC`.
 */
TIM_DECL int TIMLogin(const char* user_id, const char* user_sig, TIMCommCallback cb, const void* user_data);

/**
 * @brief Logs the current user out. Asynchronous.
 *
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""` when the user is
 *                  logged out. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN` if nobody is logged in.
 *
 * Threading: `cb` runs on an SDK callback thread once `TIMLogout` accepted the call, in call order with
 * the callbacks of earlier calls (the logout happens after every earlier call completed). The
 * login status is `kTIMLoginStatus_UnLogined` by the time `cb` runs with `ERR_SUCC`.
 */
TIM_DECL int TIMLogout(TIMCommCallback cb, const void* user_data);

/**
 * @brief Copies the ID of the logged-in user into a caller buffer. Synchronous.
 *
 * @param user_id_buffer A buffer of at least 128 bytes; receives the NUL-terminated user ID.
 *
 * @return `TIM_SUCC`; `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN` if nobody is logged in;
 *         `TIM_ERR_PARAM` if `user_id_buffer` is NULL. The buffer is left unchanged on failure.
 *
 * Threading: may be called from any thread, also from inside a callback.
 */
TIM_DECL int TIMGetLoginUserID(char* user_id_buffer);

/**
 * @brief The current login status. Synchronous.
 *
 * @return `kTIMLoginStatus_Logined` (1) while a user is logged in, `kTIMLoginStatus_Logining` (2)
 *         or `kTIMLoginStatus_Logouting` (4) while a login or logout is in progress, and
 *         `kTIMLoginStatus_UnLogined` (3) otherwise, including before `TIMInit`.
 *
 * Threading: may be called from any thread at any time, also from inside a callback.
 */
TIM_DECL enum TIMLoginStatus TIMGetLoginStatus(void);

/**
 * @brief The server's current time, UTC seconds. Synchronous.
 *
 * This SDK has no server: it returns this device's clock. Callable at any time, from any thread,
 * also before `TIMInit`.
 */
TIM_DECL uint64_t TIMGetServerTime(void);

/**
 * @brief Sets extra configuration (proxies, log levels, user data). Asynchronous.
 *
 * @param json_config A JSON object (SetConfig). Its keys are kept and reported back; none
 *                    changes what this SDK does (it has no network connection and writes no
 *                    log).
 * @param cb          Called once with `code` = `ERR_SUCC` and `json_params` = every setting made
 *                    so far (this object merged into the earlier ones), as a JSON object. May be
 *                    NULL.
 * @param user_data   Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if accepted (then `cb` runs exactly once); `TIM_ERR_SDKUNINIT` before
 *         `TIMInit`; `TIM_ERR_JSON` if `json_config` is not JSON; `TIM_ERR_PARAM` if it is NULL
 *         or not a JSON object.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMSetConfig(const char* json_config, TIMCommCallback cb, const void* user_data);

/**
 * @brief Registers (or with NULL clears) the network status callback. Never fails.
 *
 * Kept, but never called: this SDK has no server connection to report on. Callable at any time,
 * also before `TIMInit`; kept across `TIMUninit` / `TIMInit`.
 */
TIM_DECL void TIMSetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb, const void* user_data);

/**
 * @brief Registers (or with NULL clears) the kicked-offline callback. Never fails.
 *
 * Kept, but never called: no server can log this user out elsewhere. As
 * `TIMSetNetworkStatusListenerCallback` otherwise.
 */
TIM_DECL void TIMSetKickedOfflineCallback(TIMKickedOfflineCallback cb, const void* user_data);

/**
 * @brief Registers (or with NULL clears) the user-signature-expired callback. Never fails.
 *
 * Kept, but never called: signatures are not verified. As `TIMSetNetworkStatusListenerCallback`
 * otherwise.
 */
TIM_DECL void TIMSetUserSigExpiredCallback(TIMUserSigExpiredCallback cb, const void* user_data);

/**
 * @brief Registers (or with NULL clears) the log callback. Never fails.
 *
 * Kept, but never called: this SDK writes no log. As `TIMSetNetworkStatusListenerCallback`
 * otherwise.
 */
TIM_DECL void TIMSetLogCallback(TIMLogCallback cb, const void* user_data);

/* ======================================================================================== */
/*                                         Conversations                                    */
/* ======================================================================================== */

/**
 * @brief Registers the conversation event callback, replacing any earlier one.
 *
 * Events: `kTIMConvEvent_Add` when a conversation is created (by `TIMConvCreate`, or by the
 * first message sent, saved, imported or received in it), `kTIMConvEvent_Del` when one is deleted
 * (`TIMConvDelete`), `kTIMConvEvent_Update` when one changes visibly (a draft set or cancelled, a
 * message sent or received, a message deleted, history cleared, messages read, a receive option
 * changed); Add, Del and Update carry a JSON array of ConvInfo objects, at most one event of
 * each kind per committed change, a conversation appearing once in it. `kTIMConvEvent_Start`
 * and `kTIMConvEvent_Finish` frame the loading of the conversation list after login and carry
 * `""`.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged with every event.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`.
 *
 * Threading: may be called from any thread at any time, also before `TIMInit`. Events run on the
 * SDK callback thread, once the change that caused them is on disk, in the order of the changes;
 * the callback may call any TIM function.
 */
TIM_DECL void TIMSetConvEventCallback(TIMConvEventCallback cb, const void* user_data);

/**
 * @brief Creates a conversation, or gets it if it exists. Asynchronous.
 *
 * A new conversation raises `kTIMConvEvent_Add`.
 *
 * @param conv_id   Conversation ID: the peer's user ID (C2C) or the group ID (group); non-empty
 *                  UTF-8.
 * @param conv_type `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = the ConvInfo JSON
 *                  object of the conversation (keys `kTIMConvId`, `kTIMConvType`,
 *                  `kTIMConvIsHasDraft`, `kTIMConvDraft`, ...), or with an error code and `""`.
 *                  May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `conv_id` is NULL, empty,
 *         not UTF-8 or too long, or `conv_type` is not C2C or group.
 *
 * Threading: `cb` runs on an SDK callback thread once `TIMConvCreate` accepted the call, in call order.
 */
TIM_DECL int TIMConvCreate(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data);

/**
 * @brief Deletes a conversation with its draft and messages. Asynchronous.
 *
 * A deleted conversation raises `kTIMConvEvent_Del` with the conversation as it was. Its stored
 * messages are deleted with it (a conversation created again later starts empty), and its unread
 * messages leave the total unread count.
 *
 * @param conv_id   Conversation ID; non-empty UTF-8.
 * @param conv_type `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""` when the
 *                  conversation was deleted, or with `ERR_INVALID_CONVERSATION` (6004) if it does
 *                  not exist, or another error code. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once; note that a missing
 *         conversation is reported through `cb`, not here); `TIM_ERR_SDKUNINIT`;
 *         `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `conv_id` is NULL, empty, not UTF-8 or too long,
 *         or `conv_type` is not C2C or group.
 *
 * Threading: `cb` runs on an SDK callback thread once `TIMConvDelete` accepted the call, in call order.
 */
TIM_DECL int TIMConvDelete(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data);

/**
 * @brief Gets the list of conversations of the logged-in user. Asynchronous.
 *
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = a JSON array of
 *                  ConvInfo objects: pinned conversations first, then by `kTIMConvActiveTime`
 *                  (`"conv_active_time"`, which has bit 62 set while pinned) descending (see
 *                  `TIMConvPinConversation`; `TIMConvGetConversationListByFilter` pages through
 *                  the same order). A conversation with a draft has
 *                  `"conv_is_has_draft": true` and the draft under `kTIMConvDraft`
 *                  (`"conv_draft"`: `draft_msg`, `draft_user_define`, `draft_edit_time`).
 *                  May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`.
 *
 * Threading: `cb` runs on an SDK callback thread once `TIMConvGetConvList` accepted the call, in call
 * order; the list reflects every call that returned before `TIMConvGetConvList` was called.
 */
TIM_DECL int TIMConvGetConvList(TIMCommCallback cb, const void* user_data);

/**
 * @brief Sets the draft of a conversation. Synchronous: the draft is stored when it returns.
 *
 * Replaces any earlier draft. Raises `kTIMConvEvent_Update` with the conversation, which then
 * reports `"conv_is_has_draft": true` and the draft under `kTIMConvDraft`. If the conversation
 * does not exist it is created with the draft, raising `kTIMConvEvent_Add` instead.
 *
 * @param conv_id          Conversation ID; non-empty UTF-8.
 * @param conv_type        `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_draft_param A Draft JSON object:
 *                         - `kTIMDraftMsg` (`"draft_msg"`, required): a Message object with a
 *                           `kTIMMsgElemArray` (`"message_elem_array"`) array of elems, for example
 *                           `{"elem_type":0,"text_elem_content":"..."}`;
 *                         - `kTIMDraftUserDefine` (`"draft_user_define"`, string, optional);
 *                         - `kTIMDraftEditTime` (`"draft_edit_time"`, unsigned UTC seconds,
 *                           optional; default: now).
 *
 * @return `TIM_SUCC`; `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if
 *         `json_draft_param` is not JSON; `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid,
 *         `json_draft_param` is NULL, or it is JSON of the wrong shape or types (missing
 *         `draft_msg`, unknown `elem_type`, negative or non-integer `draft_edit_time`, ...).
 *
 * Threading: runs no callback; may be called from any thread, also from inside a callback.
 */
TIM_DECL int TIMConvSetDraft(const char* conv_id, enum TIMConvType conv_type, const char* json_draft_param);

/**
 * @brief Removes the draft of a conversation. Synchronous.
 *
 * Raises `kTIMConvEvent_Update` with the conversation, which then reports
 * `"conv_is_has_draft": false` and no `kTIMConvDraft`.
 *
 * @param conv_id   Conversation ID; non-empty UTF-8.
 * @param conv_type `kTIMConv_C2C` or `kTIMConv_Group`.
 *
 * @return `TIM_SUCC` (also if the conversation had no draft); `TIM_ERR_SDKUNINIT`;
 *         `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid;
 *         `TIM_ERR_CONV` if the conversation does not exist.
 *
 * Threading: runs no callback; may be called from any thread, also from inside a callback.
 */
TIM_DECL int TIMConvCancelDraft(const char* conv_id, enum TIMConvType conv_type);

/* ======================================================================================== */
/*                                            Messages                                      */
/* ======================================================================================== */

/*
 * Messages are Message JSON objects (keys `kTIMMsg*` of `TIMCloudDef.h`; only
 * `kTIMMsgElemArray` is required). They are stored per user, per conversation, in the same data
 * folder as the conversations, and survive `TIMUninit` / `TIMInit`. There is no server: a sent
 * message is stored as sent (`kTIMMsg_SendSucc`) and goes nowhere; messages of other users enter
 * through the extension `TIMExtDeliverIncomingMessages` below.
 *
 * Every stored message carries:
 * - `kTIMMsgMsgId` (`"message_msg_id"`): a unique ID (given by the caller on import or delivery,
 *   otherwise generated). An ID is stored at most once per user: a second message with an ID that
 *   is already stored is skipped;
 * - `kTIMMsgSeq` (`"message_seq"`): the sequence in its conversation, 1, 2, 3, ... unless the
 *   caller gave one (import, delivery);
 * - `kTIMMsgServerTime` (`"message_server_time"`, UTC seconds; sending: now; otherwise as given,
 *   else the client time, else now), `kTIMMsgClientTime`, `kTIMMsgRand`, `kTIMMsgUniqueId`;
 * - `kTIMMsgConvId` / `kTIMMsgConvType`: its conversation; `kTIMMsgSender`; `kTIMMsgIsFormSelf`
 *   (`"message_is_from_self"`): whether the sender is the logged-in user;
 * - `kTIMMsgStatus` (`enum TIMMsgStatus`); `kTIMMsgIsRead` (`"message_is_read"`).
 * Unknown keys of the caller's JSON are kept and returned unchanged.
 *
 * A conversation is ordered by server time (ties: in storing order). Its `conv_last_msg` is its
 * newest message that is not `"message_excluded_from_last_message": true`; a message newer than
 * all others of the conversation moves the conversation to the top of the list. Every change to
 * a conversation that a message call causes raises one `kTIMConvEvent_Add` (new conversation) or
 * `kTIMConvEvent_Update` per conversation and call (or per batch of calls committed together).
 *
 * Unread counts: a message counts as unread when it was received (delivered through
 * `TIMExtDeliverIncomingMessages`; saved and imported messages are history and never count,
 * whoever sent them), is not from the logged-in user, not
 * `"message_is_excluded_from_unread_count": true`, not delivered with `"message_is_read": true`,
 * and newer than the conversation's read mark. `conv_unread_num` is the number of such messages.
 */

/**
 * @brief Registers a callback for messages received from other users. May be called several times
 *        with different functions; each registered function is called with every batch.
 *
 * Registering the same function again only replaces its `user_data`. The registrations are kept
 * across `TIMUninit` / `TIMInit` and across logins; register before `TIMLogin` so that no message
 * is missed.
 *
 * @param cb        The callback (`TIMRecvNewMsgCallback`, `TIMCloudCallback.h`); NULL is ignored.
 * @param user_data Passed back to `cb` unchanged with every batch.
 *
 * Threading: may be called from any thread at any time, also before `TIMInit` and from inside a
 * callback. The callbacks run on the SDK callback thread, in registration order, once per
 * committed batch of received messages (one JSON array per batch); they may call any TIM
 * function.
 */
TIM_DECL void TIMAddRecvNewMsgCallback(TIMRecvNewMsgCallback cb, const void* user_data);

/**
 * @brief Unregisters a callback registered with `TIMAddRecvNewMsgCallback`.
 *
 * @param cb The same function pointer that was registered. An unknown pointer or NULL is ignored.
 *           Other registered callbacks stay.
 *
 * Threading: may be called from any thread at any time, also from inside a callback. A batch
 * already being delivered may still reach `cb`; later batches do not.
 */
TIM_DECL void TIMRemoveRecvNewMsgCallback(TIMRecvNewMsgCallback cb);

/**
 * @brief Sends a message. Asynchronous; the message ID is returned synchronously.
 *
 * The message is stored as sent by the logged-in user: `message_sender` is the logged-in user,
 * `"message_is_from_self": true`, `"message_is_read": true`, `message_status` is
 * `kTIMMsg_SendSucc` (2), `message_server_time` is now, `message_seq` the next sequence of the
 * conversation, and `message_msg_id` a new unique ID (a caller-given ID, sender, sequence or
 * server time is replaced). If the conversation does not exist it is created (`kTIMConvEvent_Add`), otherwise it
 * changes (`kTIMConvEvent_Update`); either way it moves to the top of the list and the message
 * becomes its `conv_last_msg` (unless excluded from being the last message).
 *
 * @param conv_id           Conversation ID: the peer's user ID (C2C) or the group ID (group).
 * @param conv_type         `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_msg_param    A Message JSON object with a non-empty `kTIMMsgElemArray`
 *                          (`"message_elem_array"`); elems of type `kTIMElem_GroupTips` (5) and
 *                          `kTIMElem_GroupReport` (8) may not be sent. Example:
 *                          `{"message_elem_array":[{"elem_type":0,"text_elem_content":"hi"}]}`.
 * @param message_id_buffer NULL, or a buffer of at least 128 bytes that receives the
 *                          NUL-terminated `message_msg_id` of the new message before the function
 *                          returns `TIM_SUCC` (left unchanged otherwise).
 * @param cb                Called once with `code` = `ERR_SUCC` and `json_params` = the stored
 *                          Message JSON object (with `message_msg_id` equal to the ID written into
 *                          `message_id_buffer`, `message_seq`, `message_rand`,
 *                          `message_server_time`, `message_status`, `message_is_from_self`,
 *                          `message_sender`, `message_conv_id`, `message_conv_type`), or with an
 *                          error code (for example `ERR_DATABASE_OPERATE_FAILED`). May be NULL.
 * @param user_data         Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `json_msg_param` is not
 *         JSON; `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid, `json_msg_param` is NULL
 *         or JSON of the wrong shape or types, its elem array is empty, or it holds a group tips
 *         or group report elem.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgSendMessage(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, char* message_id_buffer, TIMCommCallback cb, const void* user_data);

/**
 * @brief Sends a message: the older form of `TIMMsgSendMessage`, without the ID buffer.
 *        Asynchronous.
 *
 * Identical to `TIMMsgSendMessage(conv_id, conv_type, json_msg_param, NULL, cb, user_data)`:
 * same parameters, callback JSON, events and return codes.
 */
TIM_DECL int TIMMsgSendNewMsg(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data);

/**
 * @brief Sends a message, telling its ID through a callback of its own. Asynchronous.
 *
 * As `TIMMsgSendMessage` without the ID buffer: `msgid_cb` is called first, with `code` =
 * `ERR_SUCC` and `json_params` = the new message's `message_msg_id` (the bare ID, not JSON), then
 * `res_cb` as `TIMMsgSendMessage`'s `cb`. Both get `user_data`; either may be NULL. Same
 * parameters, callback JSON, events and return codes otherwise (when the call is refused,
 * neither runs).
 */
TIM_DECL int TIMMsgSendNewMsgEx(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback msgid_cb, TIMCommCallback res_cb, const void* user_data);

/**
 * @brief Saves a message into a conversation without sending it. Asynchronous.
 *
 * The message is stored as given: `message_sender` defaults to the logged-in user (a message
 * saved with another sender is history: it is reported read and never counts as unread), `message_status` defaults to
 * `kTIMMsg_SendSucc`, `message_server_time` to the client time or now, `message_msg_id` to a new
 * ID. It is not reported to the receive callbacks. The
 * conversation is created if needed (`kTIMConvEvent_Add`), otherwise changes
 * (`kTIMConvEvent_Update`).
 *
 * @param conv_id        Conversation ID; non-empty UTF-8.
 * @param conv_type      `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_msg_param A Message JSON object, as for `TIMMsgSendMessage`; a given
 *                       `message_sender` or `message_msg_id` is kept, so it must be 1 to 1024
 *                       bytes without NUL (`TIM_ERR_PARAM` otherwise; `""` counts as absent).
 * @param cb             Called once with `code` = `ERR_SUCC` and `json_params` = the stored Message
 *                       JSON object; with `ERR_INVALID_PARAMETERS` (6017) if its
 *                       `message_msg_id` is already stored (nothing is saved); or with another
 *                       error code. May be NULL.
 * @param user_data      Passed back to `cb` unchanged.
 *
 * @return As `TIMMsgSendMessage`.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgSaveMsg(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data);

/**
 * @brief Imports messages into one conversation, in one transaction. Asynchronous.
 *
 * Each message keeps what it gives (`message_sender`, default the logged-in user;
 * `message_client_time` / `message_server_time`, default now; `message_msg_id`, default a new
 * ID; `message_seq`, default the next sequence; `message_status`, default
 * `kTIMMsg_LocalImported` (5)); `message_conv_id` and `message_conv_type` are set to the
 * conversation. Messages whose `message_msg_id` is already stored are skipped. Imported messages
 * are history: they never count as unread, whoever sent them, and are not reported to the
 * receive callbacks. The conversation is created if needed (`kTIMConvEvent_Add`); otherwise one
 * `kTIMConvEvent_Update` reports the whole import. It moves to the top only if an imported message
 * is newer than all of its messages.
 *
 * @param conv_id        Conversation ID; non-empty UTF-8.
 * @param conv_type      `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_msg_array A JSON array of Message objects, each with a non-empty elem array and no
 *                       group tips or group report elem; a given `message_sender` or
 *                       `message_msg_id` 1 to 1024 bytes without NUL (`""` counts as absent). One invalid element
 *                       rejects the whole call (`TIM_ERR_PARAM`) and nothing is imported.
 * @param cb             Called once with `code` = `ERR_SUCC` and `json_params` = `""`, or with an
 *                       error code. May be NULL.
 * @param user_data      Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `json_msg_array` is not
 *         JSON; `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid, `json_msg_array` is NULL,
 *         not an array, or any element is invalid.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgImportMsgList(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_array, TIMCommCallback cb, const void* user_data);

/**
 * @brief Reads the message history of a conversation. Asynchronous.
 *
 * @param conv_id            Conversation ID; non-empty UTF-8.
 * @param conv_type          `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_get_msg_param NULL, `""`, or a MsgGetMsgListParam JSON object (all keys optional;
 *                           NULL, `""` and `{}` mean the 20 newest messages, newest first):
 *                           - `kTIMMsgGetMsgListParamLastMsg` (`"msg_getmsglist_param_last_msg"`,
 *                             a Message object, as returned by the SDK, with the
 *                             `message_msg_id` of a message of this conversation; like every
 *                             Message object it needs a `message_elem_array`): start next to this
 *                             message, which is not included; absent: start at the newest
 *                             (backward) or oldest (forward) message;
 *                           - `kTIMMsgGetMsgListParamCount` (`"msg_getmsglist_param_count"`,
 *                             uint, at most 10000; default 20): how many at most;
 *                           - `kTIMMsgGetMsgListParamIsForward`
 *                             (`"msg_getmsglist_param_is_forward"`, bool, default false): true =
 *                             messages newer than the start, oldest first; false = older
 *                             messages, newest first;
 *                           - `kTIMMsgGetMsgListParamLastMsgSeq`
 *                             (`"msg_getmsglist_param_last_msg_seq"`, uint64; used when no last
 *                             message is given): start at the message of this sequence, which is
 *                             included (no such message: an empty result);
 *                           - `kTIMMsgGetMsgListParamTimeBegin` /
 *                             `kTIMMsgGetMsgListParamTimePeriod` (uint64 UTC seconds / seconds):
 *                             only messages whose server time lies in the window that starts at
 *                             the begin (0: now) and goes the way the listing goes, period seconds
 *                             long (0: no limit): backward [begin - period, begin], forward
 *                             [begin, begin + period]; neither set: no window;
 *                           - `kTIMMsgGetMsgListMessageTypeArray`
 *                             (`"msg_getmsglist_param_message_type_array"`, array of
 *                             `TIMElemType`): only messages holding an elem of these types;
 *                           - `kTIMMsgGetMsgListParamMessageSeqArray`
 *                             (`"msg_getmsglist_param_message_seq_array"`, array of uint64):
 *                             exactly the messages of these sequences (missing ones are left out);
 *                           - `kTIMMsgGetMsgListParamIsRamble`: accepted and ignored (no cloud).
 * @param cb                 Called once with `code` = `ERR_SUCC` and `json_params` = a JSON array
 *                           of Message objects (possibly empty); with `ERR_INVALID_CONVERSATION`
 *                           (6004) if the conversation does not exist; with
 *                           `ERR_INVALID_PARAMETERS` (6017) if the last message is not a stored
 *                           message of this conversation. May be NULL.
 * @param user_data          Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the parameter is not JSON;
 *         `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid, or the parameter is not an
 *         object, has keys of the wrong types, a count above 10000, or a last message other
 *         than `{}` naming no message (neither a non-empty `message_msg_id` nor
 *         `message_server_time` with `message_seq` or `message_rand`).
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order; the
 * result reflects every call that returned before this one was made.
 */
TIM_DECL int TIMMsgGetMsgList(const char* conv_id, enum TIMConvType conv_type, const char* json_get_msg_param, TIMCommCallback cb, const void* user_data);

/**
 * @brief Deletes one message. Asynchronous.
 *
 * The conversation stays. If the message was its `conv_last_msg`, the previous message becomes
 * the last one (none: `"conv_is_has_lastmsg": false`); an unread message leaves the unread count.
 * A visible change of the conversation raises `kTIMConvEvent_Update`.
 *
 * @param conv_id           Conversation ID; non-empty UTF-8.
 * @param conv_type         `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_msgdel_param A MsgDeleteParam JSON object:
 *                          - `kTIMMsgDeleteParamMsg` (`"msg_delete_param_msg"`, required): the
 *                            Message object to delete, identified by its `message_msg_id`, or
 *                            without one (as TIM 5.x code does) by `message_server_time` with
 *                            `message_seq` and/or `message_rand` (pass the message as the SDK
 *                            returned it);
 *                          - `kTIMMsgDeleteParamIsRamble`: accepted and ignored (no cloud).
 * @param cb                Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                          `ERR_INVALID_CONVERSATION` (6004) if the conversation does not exist
 *                          or is hidden; with `ERR_INVALID_PARAMETERS` (6017) if no such message
 *                          is stored in this conversation. May be NULL.
 * @param user_data         Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the parameter is not JSON;
 *         `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid, or the parameter is NULL, not
 *         an object, has no `msg_delete_param_msg` or one naming no message (neither a non-empty
 *         `message_msg_id` nor `message_server_time` with `message_seq` or `message_rand`).
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgDelete(const char* conv_id, enum TIMConvType conv_type, const char* json_msgdel_param, TIMCommCallback cb, const void* user_data);

/**
 * @brief Deletes every message of a conversation; the conversation stays. Asynchronous.
 *
 * Afterwards the conversation keeps its place, draft and receive option, and reports
 * `"conv_is_has_lastmsg": false`, `conv_unread_num` 0 and no @ reminders; this raises
 * `kTIMConvEvent_Update` if anything visible changed.
 *
 * @param conv_id   Conversation ID; non-empty UTF-8.
 * @param conv_type `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                  `ERR_INVALID_CONVERSATION` (6004) if the conversation does not exist. May be
 *                  NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `conv_id` or `conv_type`
 *         is invalid.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgClearHistoryMessage(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data);

/* ======================================================================================== */
/*                            Read state, unread counts, receive options                    */
/* ======================================================================================== */

/**
 * @brief Marks messages as read (deprecated by Tencent in favour of
 *        `TIMConvCleanConversationUnreadMessageCount`). Asynchronous.
 *
 * Each conversation whose unread state changes raises `kTIMConvEvent_Update` with its new
 * `conv_unread_num` (and read mark `conv_c2c_read_timestamp` / `conv_group_read_sequence`); its
 * @ reminders up to the read mark go away.
 *
 * @param conv_id        NULL or `""`: every conversation of `conv_type`. Otherwise a conversation
 *                       ID.
 * @param conv_type      `kTIMConv_C2C` or `kTIMConv_Group` (also when `conv_id` is NULL).
 * @param json_msg_param NULL or `""`: the whole conversation is read. Otherwise a Message JSON
 *                       object (as returned by the SDK; it needs a `message_elem_array`) with the
 *                       `message_msg_id` of a message of the conversation: it and every older
 *                       message are read. Ignored when `conv_id` is NULL/`""`.
 * @param cb             Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                       `ERR_INVALID_CONVERSATION` (6004) if the conversation does not exist; with
 *                       `ERR_INVALID_PARAMETERS` (6017) if the message is not stored in it. May be
 *                       NULL.
 * @param user_data      Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the message is not JSON;
 *         `TIM_ERR_PARAM` if `conv_type` is not C2C or group, `conv_id` is invalid, or the
 *         message is JSON of the wrong shape or has no `message_msg_id`.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgReportReaded(const char* conv_id, enum TIMConvType conv_type, const char* json_msg_param, TIMCommCallback cb, const void* user_data);

/**
 * @brief Marks every message of every conversation as read (deprecated by Tencent in favour of
 *        `TIMConvCleanConversationUnreadMessageCount`). Asynchronous.
 *
 * Every conversation with unread messages or @ reminders raises `kTIMConvEvent_Update` (one event
 * for all of them) and ends with `conv_unread_num` 0; the total unread count becomes 0.
 *
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""`. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgMarkAllMessageAsRead(TIMCommCallback cb, const void* user_data);

/**
 * @brief Clears unread counts. Asynchronous.
 *
 * Afterwards each conversation whose unread state changed raises `kTIMConvEvent_Update` (one
 * event per call) with its new `conv_unread_num`, `conv_c2c_read_timestamp` /
 * `conv_group_read_sequence` and `conv_group_at_info_array`. A conversation that had nothing
 * unread raises no event.
 *
 * @param conversation_id NULL or `""`: every conversation; `"c2c"`: every C2C conversation;
 *                        `"group"`: every group conversation; `"c2c_<userID>"` or
 *                        `"group_<groupID>"`: that conversation only.
 * @param clean_timestamp For a `"c2c_<userID>"` conversation: 0 = every message is read;
 *                        otherwise messages whose server time is at or before this UTC second
 *                        are read. Ignored otherwise.
 * @param clean_sequence  For a `"group_<groupID>"` conversation: 0 = every message is read;
 *                        otherwise messages up to the one of this sequence are read. Ignored
 *                        otherwise.
 * @param cb              Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                        `ERR_INVALID_CONVERSATION` (6004) if the named conversation does not
 *                        exist. May be NULL.
 * @param user_data       Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `conversation_id` is not
 *         UTF-8 or has none of the forms above (for example `"foo"` or `"c2c_"`).
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvCleanConversationUnreadMessageCount(const char* conversation_id, uint64_t clean_timestamp, uint64_t clean_sequence, TIMCommCallback cb, const void* user_data);

/**
 * @brief Sets the receive option of C2C conversations. Asynchronous.
 *
 * Only conversations that exist change (the others are ignored, without error); each that changes
 * raises `kTIMConvEvent_Update` with its new `conv_recv_opt`. A conversation whose option is not
 * `kTIMRecvMsgOpt_Receive` keeps counting its own `conv_unread_num` but leaves the total unread
 * count (`TIMConvGetTotalUnreadMessageCount`).
 *
 * @param json_identifier_array A JSON array of user IDs (non-empty strings), e.g. `["u1","u2"]`.
 * @param opt                   A `TIMReceiveMessageOpt` value, 0 to 4.
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = `""`. May
 *                              be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if `opt` is not 0 to 4, or the array is NULL, not an array of strings,
 *         or holds an empty or too long ID.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgSetC2CReceiveMessageOpt(const char* json_identifier_array, enum TIMReceiveMessageOpt opt, TIMCommCallback cb, const void* user_data);

/**
 * @brief Sets the receive option of one group conversation. Asynchronous.
 *
 * As `TIMMsgSetC2CReceiveMessageOpt`: only an existing conversation changes (raising
 * `kTIMConvEvent_Update`); a missing one is ignored without error.
 *
 * @param group_id  The group ID; non-empty UTF-8.
 * @param opt       A `TIMReceiveMessageOpt` value, 0 to 4.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""`. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `opt` is not 0 to 4 or
 *         `group_id` is NULL, empty, not UTF-8 or too long.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMMsgSetGroupReceiveMessageOpt(const char* group_id, enum TIMReceiveMessageOpt opt, TIMCommCallback cb, const void* user_data);

/**
 * @brief Gets the total unread count. Asynchronous.
 *
 * The total is the sum of `conv_unread_num` over the conversations whose `conv_recv_opt` is
 * `kTIMRecvMsgOpt_Receive` (0); muted conversations (options 1 to 4) are left out.
 *
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` =
 *                  `{"conv_get_total_unread_message_count_result_unread_count": n}`
 *                  (`kTIMConvGetTotalUnreadMessageCountResultUnreadCount`). May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order; the
 * count reflects every call that returned before this one was made.
 */
TIM_DECL int TIMConvGetTotalUnreadMessageCount(TIMCommCallback cb, const void* user_data);

/**
 * @brief Registers the callback told the total unread count whenever it changes, replacing any
 *        earlier one.
 *
 * The callback (`TIMConvTotalUnreadMessageCountChangedCallback`, `TIMCloudCallback.h`) runs once
 * after each committed change that changed the total (messages received, read, deleted, cleared;
 * receive options; conversations deleted), never when the total stayed the same. It does not
 * run at login. Unlike Tencent's SDK it does not need a call of
 * `TIMConvGetTotalUnreadMessageCount` first.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`.
 *
 * Threading: may be called from any thread at any time, also before `TIMInit` and from inside a
 * callback. The callback runs on the SDK callback thread, after the conversation events of the
 * same change.
 */
TIM_DECL void TIMSetConvTotalUnreadMessageCountChangedCallback(TIMConvTotalUnreadMessageCountChangedCallback cb, const void* user_data);

/* ======================================================================================== */
/*        Conversations (newer calls): lookup, pins, paging, batch delete, custom data, marks */
/* ======================================================================================== */

/*
 * The calls below (and the unread-by-filter and group calls after them) identify conversations
 * either like the older calls (a bare `conv_id` plus `enum TIMConvType`) or by a "conversation
 * ID": `"c2c_<userID>"` or `"group_<groupID>"`, passed as a JSON array of strings, for example
 * `["c2c_u1","group_g1"]`. A conversation ID without one of these prefixes, or with an empty or too
 * long ID after it, is rejected with `TIM_ERR_PARAM`.
 *
 * Batch calls report one TIMConversationOperationResult per conversation ID, in request order, as
 * a JSON array:
 * - `kTIMConversationOperationResultConversationID`
 *   (`"conversation_operation_result_conversation_id"`, string): the conversation ID;
 * - `kTIMConversationOperationResultResultCode` (`"conversation_operation_result_result_code"`,
 *   int): 0 on success, otherwise a `TIMErrCode` (for example `ERR_INVALID_CONVERSATION`, 6004,
 *   for a conversation that does not exist);
 * - `kTIMConversationOperationResultResultInfo` (`"conversation_operation_result_result_info"`,
 *   string): `""` on success, otherwise what went wrong.
 * A failure of one conversation does not undo the others; the call's own `code` is then still
 * `ERR_SUCC`.
 *
 * Limits (as Tencent's server enforces them): at most 100 conversation IDs per mark, custom-data or
 * group call (more: `ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT`, 51006, through the callback) and
 * per `TIMConvDeleteConversationList` (more: `TIM_ERR_PARAM`); at most 1000 conversations marked
 * or in a group at the same time (more: 51008 for each conversation over the limit); at most 50
 * pinned conversations; custom data of at most 256 bytes; at most 20 conversation groups, with
 * names of 1 to 32 bytes.
 *
 * A conversation deleted with `TIMConvDeleteConversationList` without clearing its messages does
 * not exist for any call until it comes back.
 */

/**
 * @brief Gets the ConvInfo of chosen conversations. Asynchronous.
 *
 * @param json_get_conv_list_param A JSON array of GetConversationListParam objects, each with
 *                                 - `kTIMGetConversationListParamConvId`
 *                                   (`"get_conversation_list_param_conv_id"`, string, required):
 *                                   the bare conversation ID (user ID or group ID);
 *                                 - `kTIMGetConversationListParamConvType`
 *                                   (`"get_conversation_list_param_conv_type"`, uint, required):
 *                                   `kTIMConv_C2C` or `kTIMConv_Group`.
 *                                 Example: `[{"get_conversation_list_param_conv_id":"u1",
 *                                 "get_conversation_list_param_conv_type":1}]`. `[]` is allowed.
 * @param cb                       Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                                 array of the ConvInfo objects of the requested conversations
 *                                 that exist, in request order; conversations that do not exist
 *                                 are left out (no error), so the array may be `[]`. May be NULL.
 * @param user_data                Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the parameter is not JSON;
 *         `TIM_ERR_PARAM` if it is NULL, not an array of such objects, or holds an empty or too
 *         long ID or a type other than C2C or group.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order; the
 * result reflects every call that returned before this one was made.
 */
TIM_DECL int TIMConvGetConvInfo(const char* json_get_conv_list_param, TIMCommCallback cb, const void* user_data);

/**
 * @brief Pins or unpins a conversation. Asynchronous.
 *
 * Pinned conversations come first in every list, in their relative order: pinning keeps the
 * conversation's order key, so pinning 2 and 3 of a list 1, 2, 3, 4, 5 gives 2, 3, 1, 4, 5, and
 * unpinning puts a conversation back where its order key places it among the unpinned ones. A
 * pinned conversation reports `"conv_is_pinned": true` (`kTIMConvIsPinned`) and a
 * `conv_active_time` with bit 62 set (its order key + 2^62 = 4611686018427387904, as in Tencent's
 * examples); unpinned, bit 62 is clear. A change raises `kTIMConvEvent_Update`; pinning a pinned
 * (or unpinning an unpinned) conversation succeeds and changes nothing. At most 50 conversations
 * can be pinned.
 *
 * @param conv_id   Conversation ID (bare): the peer's user ID or the group ID.
 * @param conv_type `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param is_pinned true to pin, false to unpin.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                  `ERR_INVALID_CONVERSATION` (6004) if the conversation does not exist; with
 *                  `ERR_INVALID_PARAMETERS` (6017, desc "at most 50 conversations can be pinned")
 *                  when pinning a 51st conversation. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `conv_id` is NULL, empty,
 *         not UTF-8 or too long, or `conv_type` is not C2C or group.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvPinConversation(const char* conv_id, enum TIMConvType conv_type, bool is_pinned, TIMCommCallback cb, const void* user_data);

/**
 * @brief Gets one page of the conversation list, optionally filtered. Asynchronous.
 *
 * The list is in the order of `TIMConvGetConvList` (pinned first, then by `conv_active_time`
 * descending). Walk it by calling with `next_seq` 0, then with the `next_seq` each page returned,
 * until `is_finished` is true. A walk never returns a conversation twice and never skips a
 * conversation that kept its place, even while messages, drafts, pins, unpins and deletions
 * reorder the list between pages: a conversation that moves up past the walk's position (a new
 * message, a draft, a pin) is not returned again if it was returned already, and is not returned
 * by this walk if it was not; a conversation deleted before the walk reaches it is not returned.
 * Start again from 0 for a fresh view.
 *
 * @param filter    NULL, `""` or `{}`: every conversation. Otherwise a TIMConversationListFilter
 *                  JSON object; each key that is present (and not neutral) must match:
 *                  - `kTIMConversationListFilterConvType`
 *                    (`"conversation_list_filter_conv_type"`, uint): `kTIMConv_C2C` or
 *                    `kTIMConv_Group` (`kTIMConv_Invalid`, 0, means no filtering);
 *                  - `kTIMConversationListFilterConversationGroup`
 *                    (`"conversation_list_filter_conversation_group"`, string): only the
 *                    conversations in this conversation group; `""`: only the conversations in no
 *                    group; absent: no filtering;
 *                  - `kTIMConversationListFilterMarkType`
 *                    (`"conversation_list_filter_mark_type"`, uint64): only the conversations
 *                    that have all of these mark bits; 0: only the conversations without any mark;
 *                    absent: no filtering;
 *                  - `kTIMConversationListFilterHasUnreadCount`
 *                    (`"conversation_list_filter_has_unread_count"`, bool): true: only the
 *                    conversations with `conv_unread_num` > 0; false or absent: no filtering;
 *                  - `kTIMConversationListFilterHasGroupAtInfo`
 *                    (`"conversation_list_filter_has_group_at_info"`, bool): true: only the
 *                    conversations with a non-empty `conv_group_at_info_array`; false or absent:
 *                    no filtering.
 *                  Unknown keys are ignored.
 * @param next_seq  0 for the first page; afterwards the `conversation_list_result_next_seq` of
 *                  the previous page. A `next_seq` may be used again (the same walk continues from
 *                  the same place). Walks are forgotten at login, and only the 1024 most recent
 *                  `next_seq` values are kept.
 * @param count     The most conversations to return, 1 to 1000 (about 100 is recommended).
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = a
 *                  TIMConversationListResult JSON object:
 *                  - `TIMConversationListResultConvList` (`"conversation_list_result_conv_list"`):
 *                    an array of at most `count` ConvInfo objects, in list order;
 *                  - `TIMConversationListResultNextSeq` (`"conversation_list_result_next_seq"`,
 *                    uint64, never 0): pass it as `next_seq` for the next page;
 *                  - `TIMConversationListResultIsFinished`
 *                    (`"conversation_list_result_is_finished"`, bool): true when no matching
 *                    conversation follows this page.
 *                  With `ERR_INVALID_PARAMETERS` (6017) if `next_seq` is neither 0 nor a value
 *                  returned since the last login, or has expired (start again from 0). May be
 *                  NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `filter` is not JSON;
 *         `TIM_ERR_PARAM` if `count` is 0 or above 1000, `filter` is not an object, has a key of
 *         the wrong type, or a conv type other than 0, 1 or 2.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order; the page
 * reflects every call that returned before this one was made.
 */
TIM_DECL int TIMConvGetConversationListByFilter(const char* filter, uint64_t next_seq, uint32_t count, TIMCommCallback cb, const void* user_data);

/**
 * @brief Deletes several conversations. Asynchronous.
 *
 * - `clear_message` true: as `TIMConvDelete` for each conversation: the conversation, its draft
 *   and its stored messages are deleted (a conversation created again later starts empty).
 * - `clear_message` false: the conversation leaves the list, and with it every count, pin, mark,
 *   conversation group and its draft; its messages count as read. Its messages stay stored: the
 *   conversation comes back, with them (and `conv_last_msg`), on a new message (sent, saved,
 *   imported or received), a draft or `TIMConvCreate`, at the top of the list. Until then every
 *   call treats it as missing (`ERR_INVALID_CONVERSATION` / `TIM_ERR_CONV`), except this one
 *   with `clear_message` true, which still deletes it with its messages (result code 0).
 * Either way each deleted conversation raises `kTIMConvEvent_Del` with the conversation as it was,
 * its unread messages leave the total unread count, and a conversation group it belonged to loses
 * it (without a group callback).
 *
 * @param conversation_id_array A JSON array of at most 100 conversation IDs, for example
 *                              `["c2c_u1","group_g1"]`.
 * @param clear_message         Whether the messages are deleted too (see above).
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                              array of TIMConversationOperationResult, one per ID in request
 *                              order: result code 0, or `ERR_INVALID_CONVERSATION` (6004) for a
 *                              conversation that does not exist (or, with `clear_message` false,
 *                              was already deleted). May be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if it is NULL, not an array of strings, holds more than 100 IDs, or an
 *         ID that is not `"c2c_<userID>"` / `"group_<groupID>"`.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order (after
 * the events).
 */
TIM_DECL int TIMConvDeleteConversationList(const char* conversation_id_array, bool clear_message, TIMCommCallback cb, const void* user_data);

/**
 * @brief Sets the custom data of several conversations. Asynchronous.
 *
 * Each conversation then reports it as `kTIMConvCustomData` (`"conv_custom_data"`); each that
 * changed raises `kTIMConvEvent_Update`. The data is kept across logins and restarts.
 *
 * @param conversation_id_array A JSON array of conversation IDs, at most 100.
 * @param custom_data           The data, at most 256 bytes; NULL or `""` clears it.
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                              array of TIMConversationOperationResult, one per ID (6004 for a
 *                              conversation that does not exist); with
 *                              `ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT` (51006) if the array
 *                              holds more than 100 IDs; with `ERR_INVALID_PARAMETERS` (6017) if
 *                              `custom_data` is longer than 256 bytes. Nothing changes on an error
 *                              code. May be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if it is NULL, not an array of strings, or holds a malformed ID, or
 *         `custom_data` is not UTF-8.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvSetConversationCustomData(const char* conversation_id_array, const char* custom_data, TIMCommCallback cb, const void* user_data);

/**
 * @brief Sets or clears marks on several conversations. Asynchronous.
 *
 * Marks are bits: `kTIMConversationMarkTypeStar` (0x1), `kTIMConversationMarkTypeUnread` (0x2),
 * `kTIMConversationMarkTypeFold` (0x4), `kTIMConversationMarkTypeHide` (0x8) and custom marks
 * `1ULL << n` with 32 <= n < 64. A conversation reports its marks as `kTIMConvMarkArray`
 * (`"conv_mark_array"`): one uint64 per set bit, lowest first (e.g. `[1, 4294967296]`). Marks are
 * only labels: they do not hide, fold or change the unread count of a conversation. Each
 * conversation whose marks changed raises `kTIMConvEvent_Update`. At most 1000 conversations can
 * be marked or in a conversation group at the same time.
 *
 * @param conversation_id_array A JSON array of conversation IDs, at most 100.
 * @param mark_type             The mark bits to set or clear: a non-zero combination of the bits
 *                              above.
 * @param enable_mark           true: set these bits (the others stay); false: clear them.
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                              array of TIMConversationOperationResult, one per ID: 0, 6004 for a
 *                              conversation that does not exist, or
 *                              `ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT` (51008) for a
 *                              conversation that would be the 1001st marked or grouped one; with
 *                              `ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT` (51006) if the array
 *                              holds more than 100 IDs (nothing changes). May be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if it is NULL, not an array of strings, holds a malformed ID, or
 *         `mark_type` is 0 or has a bit other than 0x1, 0x2, 0x4, 0x8 and bits 32 to 63.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvMarkConversation(const char* conversation_id_array, uint64_t mark_type, bool enable_mark, TIMCommCallback cb, const void* user_data);

/* ======================================================================================== */
/*                                   Unread counts by filter                                */
/* ======================================================================================== */

/**
 * @brief Gets the unread count of the conversations a filter matches. Asynchronous.
 *
 * The count is the sum of `conv_unread_num` over the conversations the filter matches whose
 * `conv_recv_opt` is `kTIMRecvMsgOpt_Receive` (muted conversations are left out, as in
 * `TIMConvGetTotalUnreadMessageCount`).
 *
 * @param filter    A TIMConversationListFilter, as for `TIMConvGetConversationListByFilter`;
 *                  NULL, `""` or `{}`: every conversation (the total unread count).
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` =
 *                  `{"conv_get_total_unread_message_count_result_unread_count": n}`
 *                  (`kTIMConvGetTotalUnreadMessageCountResultUnreadCount`). May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `filter` is not JSON;
 *         `TIM_ERR_PARAM` if it is not an object, has a key of the wrong type, or a conv type
 *         other than 0, 1 or 2.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order; the
 * count reflects every call that returned before this one was made.
 */
TIM_DECL int TIMConvGetUnreadMessageCountByFilter(const char* filter, TIMCommCallback cb, const void* user_data);

/**
 * @brief Subscribes to the unread count of a filter. Synchronous.
 *
 * From then on, after each committed change that changes the filter's unread count (computed as
 * for `TIMConvGetUnreadMessageCountByFilter`), the callback registered with
 * `TIMSetConvUnreadMessageCountChangedByFilterCallback` receives this `filter` string, exactly as
 * passed here, and the new count. Subscribing reports nothing by itself. Filters are told apart by
 * their conditions, not their spelling: subscribing the same conditions again keeps one
 * subscription, reported with the latest spelling. Subscriptions last until unsubscribed or
 * `TIMUninit`; they survive logout and login (at login the counts are recomputed silently).
 *
 * @param filter A TIMConversationListFilter JSON object, as for
 *               `TIMConvGetConversationListByFilter`; `""` or `{}`: every conversation.
 *
 * @return `TIM_SUCC` once the subscription is registered (changes committed after this returns
 *         are reported); `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `filter` is
 *         not JSON; `TIM_ERR_PARAM` if it is NULL, not UTF-8, not an object, has a key of the
 *         wrong type, or a conv type other than 0, 1 or 2.
 *
 * Threading: runs no callback itself; may be called from any thread, also from inside a callback.
 */
TIM_DECL int TIMConvSubscribeUnreadMessageCountByFilter(const char* filter);

/**
 * @brief Ends a subscription made with `TIMConvSubscribeUnreadMessageCountByFilter`. Synchronous.
 *
 * @param filter A filter with the same conditions as the subscribed one (the spelling may
 *               differ). Unsubscribing a filter that is not subscribed succeeds and does nothing.
 *
 * @return `TIM_SUCC` once the subscription is gone (no change committed after this returns is
 *         reported for it);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `filter` is not JSON;
 *         `TIM_ERR_PARAM` as for the subscription.
 *
 * Threading: runs no callback; may be called from any thread, also from inside a callback.
 */
TIM_DECL int TIMConvUnsubscribeUnreadMessageCountByFilter(const char* filter);

/**
 * @brief Registers the callback told the unread counts of subscribed filters, replacing any
 *        earlier one.
 *
 * @param cb        The callback (`TIMConvTotalUnreadMessageCountChangedByFilterCallback`,
 *                  `TIMCloudCallback.h`), or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`.
 *
 * Threading: may be called from any thread at any time, also before `TIMInit` and from inside a
 * callback. The callback runs on the SDK callback thread, after the conversation events of the
 * same change.
 */
TIM_DECL void TIMSetConvUnreadMessageCountChangedByFilterCallback(TIMConvTotalUnreadMessageCountChangedByFilterCallback cb, const void* user_data);

/* ======================================================================================== */
/*                                    Conversation groups                                   */
/* ======================================================================================== */

/*
 * A conversation group is a named, user-defined folder of conversations (not a chat group). A
 * conversation may be in several groups; it lists them, in the order it joined them, as
 * `kTIMConvConversationGroupArray` (`"conv_conversation_group_array"`, array of string), and a
 * change of its groups raises `kTIMConvEvent_Update`. Groups are stored per user and survive
 * logins and restarts. Limits: at most 20 groups; names of 1 to 32 bytes; at most 100 conversation
 * IDs per call; at most 1000 conversations marked or in a group at the same time.
 *
 * The five group callbacks (`TIMSetConvConversationGroup*Callback`,
 * `TIMSetConvConversations*Callback`) run on the SDK callback thread after the change is
 * committed, before the callback of the call that made it.
 */

/**
 * @brief Creates a conversation group holding some conversations. Asynchronous.
 *
 * On success the callback registered with `TIMSetConvConversationGroupCreatedCallback` receives
 * the name and a JSON array of the conversation IDs that went into the group. The group is
 * created even if some (or all) of the conversations fail.
 *
 * @param group_name            The name, 1 to 32 bytes of UTF-8.
 * @param conversation_id_array A non-empty JSON array of at most 100 conversation IDs.
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                              array of TIMConversationOperationResult, one per ID (6004 for a
 *                              conversation that does not exist, 51008 past 1000 marked or
 *                              grouped conversations); or, with nothing created, with
 *                              `ERR_INVALID_PARAMETERS` (6017) if `group_name` is empty or a
 *                              group of that name exists,
 *                              `ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH` (51011) if it is
 *                              longer than 32 bytes,
 *                              `ERR_SVR_CONV_CONV_GROUP_TOTAL_COUNT_EXCEED_LIMIT` (51010) if there are
 *                              already 20 groups, or `ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT`
 *                              (51006) for more than 100 IDs. May be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if `group_name` is NULL or not UTF-8, or the array is NULL, empty, not
 *         an array of strings, or holds a malformed ID.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvCreateConversationGroup(const char* group_name, const char* conversation_id_array, TIMCommCallback cb, const void* user_data);

/**
 * @brief Gets the names of the conversation groups. Asynchronous.
 *
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = a JSON array of the
 *                  group names in creation order (a renamed group keeps its place), e.g.
 *                  `["work","family"]`, or `[]`. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvGetConversationGroupList(TIMCommCallback cb, const void* user_data);

/**
 * @brief Deletes a conversation group; its conversations stay (they only leave the group).
 *        Asynchronous.
 *
 * On success the callback registered with `TIMSetConvConversationGroupDeletedCallback` receives
 * the name, and each member conversation raises `kTIMConvEvent_Update`.
 *
 * @param group_name The name of the group.
 * @param cb         Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                   `ERR_SVR_CONV_CONV_GROUP_NOT_EXIST` (51009) if there is no such group. May be
 *                   NULL.
 * @param user_data  Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if `group_name` is NULL or not
 *         UTF-8.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvDeleteConversationGroup(const char* group_name, TIMCommCallback cb, const void* user_data);

/**
 * @brief Renames a conversation group. Asynchronous.
 *
 * On success the callback registered with `TIMSetConvConversationGroupNameChangedCallback`
 * receives both names, and each member conversation raises `kTIMConvEvent_Update` with the new
 * name in its `conv_conversation_group_array`. Renaming a group to its own name succeeds and
 * changes nothing (no callback).
 *
 * @param old_name  The current name.
 * @param new_name  The new name, 1 to 32 bytes.
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                  `ERR_SVR_CONV_CONV_GROUP_NOT_EXIST` (51009) if there is no group `old_name`;
 *                  with `ERR_INVALID_PARAMETERS` (6017) if `new_name` is empty or another group is
 *                  called `new_name`; with `ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH` (51011) if
 *                  `new_name` is longer than 32 bytes. May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_PARAM` if a name is NULL or not UTF-8.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvRenameConversationGroup(const char* old_name, const char* new_name, TIMCommCallback cb, const void* user_data);

/**
 * @brief Adds conversations to a conversation group. Asynchronous.
 *
 * Each conversation that joins raises `kTIMConvEvent_Update`. If at least one conversation
 * joined, the callback registered with `TIMSetConvConversationsAddedToGroupCallback` receives
 * the name and a JSON array of the conversation IDs that joined (each once).
 *
 * @param group_name            The name of the group.
 * @param conversation_id_array A JSON array of at most 100 conversation IDs.
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                              array of TIMConversationOperationResult, one per ID: 0 (also for a
 *                              conversation already in the group), 6004 for a conversation that
 *                              does not exist, 51008 past 1000 marked or grouped conversations;
 *                              or with `ERR_SVR_CONV_CONV_GROUP_NOT_EXIST` (51009) if there is no
 *                              such group, or 51006 for more than 100 IDs. May be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if `group_name` is NULL or not UTF-8, or the array is NULL, not an array
 *         of strings, or holds a malformed ID.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvAddConversationsToGroup(const char* group_name, const char* conversation_id_array, TIMCommCallback cb, const void* user_data);

/**
 * @brief Removes conversations from a conversation group; they stay in the list. Asynchronous.
 *
 * Each conversation that leaves raises `kTIMConvEvent_Update`. If at least one conversation
 * left, the callback registered with `TIMSetConvConversationsDeletedFromGroupCallback`
 * receives the name and a JSON array of the conversation IDs that left the group (each once).
 *
 * @param group_name            The name of the group.
 * @param conversation_id_array A JSON array of at most 100 conversation IDs.
 * @param cb                    Called once with `code` = `ERR_SUCC` and `json_params` = a JSON
 *                              array of TIMConversationOperationResult, one per ID: 0 (also for a
 *                              conversation that was not in the group), or 6004 for a
 *                              conversation that does not exist; or with
 *                              `ERR_SVR_CONV_CONV_GROUP_NOT_EXIST` (51009) if there is no such
 *                              group, or 51006 for more than 100 IDs. May be NULL.
 * @param user_data             Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the array is not JSON;
 *         `TIM_ERR_PARAM` if `group_name` is NULL or not UTF-8, or the array is NULL, not an array
 *         of strings, or holds a malformed ID.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMConvDeleteConversationsFromGroup(const char* group_name, const char* conversation_id_array, TIMCommCallback cb, const void* user_data);

/**
 * @brief Registers the callback told about new conversation groups
 *        (`TIMConvConversationGroupCreatedCallback`), replacing any earlier one.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`. Threading: may be called from any
 * thread at any time, also before `TIMInit` and from inside a callback.
 */
TIM_DECL void TIMSetConvConversationGroupCreatedCallback(TIMConvConversationGroupCreatedCallback cb, const void* user_data);

/**
 * @brief Registers the callback told about deleted conversation groups
 *        (`TIMConvConversationGroupDeletedCallback`), replacing any earlier one.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`. Threading: as
 * `TIMSetConvConversationGroupCreatedCallback`.
 */
TIM_DECL void TIMSetConvConversationGroupDeletedCallback(TIMConvConversationGroupDeletedCallback cb, const void* user_data);

/**
 * @brief Registers the callback told about renamed conversation groups
 *        (`TIMConvConversationGroupNameChangedCallback`), replacing any earlier one.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`. Threading: as
 * `TIMSetConvConversationGroupCreatedCallback`.
 */
TIM_DECL void TIMSetConvConversationGroupNameChangedCallback(TIMConvConversationGroupNameChangedCallback cb, const void* user_data);

/**
 * @brief Registers the callback told about conversations added to a group
 *        (`TIMConvConversationsAddedToGroupCallback`), replacing any earlier one.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`. Threading: as
 * `TIMSetConvConversationGroupCreatedCallback`.
 */
TIM_DECL void TIMSetConvConversationsAddedToGroupCallback(TIMConvConversationsAddedToGroupCallback cb, const void* user_data);

/**
 * @brief Registers the callback told about conversations removed from a group
 *        (`TIMConvConversationsDeletedFromGroupCallback`, the 7.x form without the 8.6 `reason`
 *        parameter; see its typedef), replacing any earlier one.
 *
 * @param cb        The callback, or NULL to unregister.
 * @param user_data Passed back to `cb` unchanged.
 *
 * The registration is kept across `TIMUninit` / `TIMInit`. Threading: as
 * `TIMSetConvConversationGroupCreatedCallback`.
 */
TIM_DECL void TIMSetConvConversationsDeletedFromGroupCallback(TIMConvConversationsDeletedFromGroupCallback cb, const void* user_data);

/* ======================================================================================== */
/*          Extension of THIS implementation: not part of Tencent's TIM API                  */
/* ======================================================================================== */

/*
 * Tencent's SDK receives other users' messages from its servers. This implementation has no
 * server; the function below is how an application, a test or a bridge hands it messages "from
 * the network". The `TIMExt` prefix marks it as ours: code that must also build against Tencent's
 * SDK must not call it (or must guard it, for example with `#ifdef TIM_EXT_DELIVER`, which is not
 * defined by Tencent's headers).
 */

/** Defined by this implementation's headers: `TIMExtDeliverIncomingMessages` is available. */
#define TIM_EXT_DELIVER 1

/**
 * @brief OUR EXTENSION (not Tencent's API): delivers messages to the logged-in user as if they
 *        had been received from the network. Asynchronous.
 *
 * Each message is filed into its conversation, which is created if needed (`kTIMConvEvent_Add`)
 * or changes (`kTIMConvEvent_Update`; one event per conversation for the whole call):
 * - group messages (`"message_conv_type": 2`) into the group `message_conv_id`;
 * - C2C messages (`"message_conv_type": 1`) from another user into the conversation with
 *   their sender (`message_conv_id` is ignored); a C2C message whose `message_sender` is the
 *   logged-in user (sent from another device) into the conversation `message_conv_id`.
 * `message_server_time`, `message_seq` and `message_msg_id` are kept when given (otherwise now,
 * the next sequence and a new ID). A message whose `message_msg_id` is already stored (delivered
 * twice, or twice in one array) is skipped: stored and counted once.
 *
 * A message from another user raises the conversation's `conv_unread_num` unless it has
 * `"message_is_excluded_from_unread_count": true` or `"message_is_read": true`. A group message
 * whose `message_group_at_user_array` holds the logged-in user's ID and/or `kImSDK_MessageAtALL`
 * (`"__kImSDK_MessageAtALL__"`) and that counts as unread adds an entry to the conversation's
 * `conv_group_at_info_array` (`conv_group_at_info_seq` = its sequence,
 * `conv_group_at_info_at_type` = `kTIMGroup_At_Me` (1), `kTIMGroup_At_All` (2) or
 * `kTIMGroup_At_All_At_ME` (3)); reading the message removes it.
 *
 * The stored messages from other users are then passed, as one JSON array per committed batch, to
 * every callback registered with `TIMAddRecvNewMsgCallback` (after the conversation events, and
 * before `cb`); the total-unread callback runs if the total changed.
 *
 * @param json_msg_array A JSON array of Message objects, each with a non-empty elem array (no
 *                       group tips or group report elem), a non-empty `message_sender`, a
 *                       `message_conv_type` of 1 or 2 and, for groups, a non-empty
 *                       `message_conv_id` (IDs of 1 to 1024 bytes without NUL, as a given
 *                       `message_msg_id`). One invalid element rejects the whole call
 *                       (`TIM_ERR_PARAM`) and nothing is delivered.
 * @param cb             Called once with `code` = `ERR_SUCC` and `json_params` = a JSON array of
 *                       the messages actually stored (duplicates left out; possibly `[]`), as
 *                       stored; or with an error code. May be NULL.
 * @param user_data      Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `json_msg_array` is not
 *         JSON; `TIM_ERR_PARAM` if it is NULL, not an array, or any element is invalid.
 *
 * Threading: `cb` runs on an SDK callback thread once the call is accepted, in call order.
 */
TIM_DECL int TIMExtDeliverIncomingMessages(const char* json_msg_array, TIMCommCallback cb, const void* user_data);

#ifdef __cplusplus
}
#endif

#endif /* TIM_CLOUD_H_ */
