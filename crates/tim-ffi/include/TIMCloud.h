/**
 * @file TIMCloud.h
 * @brief The TIM (Tencent Cloud IM) conversation C API: SDK lifecycle, login, conversations,
 *        messages, read state and unread counts, plus one extension of this implementation
 *        (`TIMExtDeliverIncomingMessages`, in its own section at the end). Including this header
 *        is enough; it includes the others.
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
 *        `TIMSetConvTotalUnreadMessageCountChangedCallback`).
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
 *                  is logged in, or with an error code (for example `ERR_DATABASE_OPERATE_FAILED`
 *                  if the store cannot be opened). May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_PARAM` if `user_id` is NULL, empty, not UTF-8 or longer
 *         than 127 bytes.
 *
 * Threading: `cb` runs on an SDK callback thread after `TIMLogin` returned. The login status is
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
 * Threading: `cb` runs on an SDK callback thread after `TIMLogout` returned, in call order with
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
 * SDK callback thread, after the call that caused them returned and in the order of the changes;
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
 * Threading: `cb` runs on an SDK callback thread after `TIMConvCreate` returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after `TIMConvDelete` returned, in call order.
 */
TIM_DECL int TIMConvDelete(const char* conv_id, enum TIMConvType conv_type, TIMCommCallback cb, const void* user_data);

/**
 * @brief Gets the list of conversations of the logged-in user. Asynchronous.
 *
 * @param cb        Called once with `code` = `ERR_SUCC` and `json_params` = a JSON array of
 *                  ConvInfo objects: pinned conversations first, then by `kTIMConvActiveTime`
 *                  (`"conv_active_time"`) descending. A conversation with a draft has
 *                  `"conv_is_has_draft": true` and the draft under `kTIMConvDraft`
 *                  (`"conv_draft"`: `draft_msg`, `draft_user_define`, `draft_edit_time`).
 *                  May be NULL.
 * @param user_data Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`.
 *
 * Threading: `cb` runs on an SDK callback thread after `TIMConvGetConvList` returned, in call
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
 * Unread counts: a message counts as unread when it is not from the logged-in user, not
 * `"message_is_excluded_from_unread_count": true`, not stored with `"message_is_read": true`, and
 * newer than the conversation's read mark. `conv_unread_num` is the number of such messages.
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
 * conversation, and `message_msg_id` a new unique ID (a caller-given ID, sender or server time is
 * replaced; leave `message_seq` out: a caller-given sequence is kept as given). If the conversation does not exist it is created (`kTIMConvEvent_Add`), otherwise it
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * @brief Saves a message into a conversation without sending it. Asynchronous.
 *
 * The message is stored as given: `message_sender` defaults to the logged-in user (a message
 * saved with another sender counts as unread unless `"message_is_read": true`),
 * `message_status` defaults to `kTIMMsg_SendSucc`, `message_server_time` to the client time or
 * now, `message_msg_id` to a new ID. It is not reported to the receive callbacks. The
 * conversation is created if needed (`kTIMConvEvent_Add`), otherwise changes
 * (`kTIMConvEvent_Update`).
 *
 * @param conv_id        Conversation ID; non-empty UTF-8.
 * @param conv_type      `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_msg_param A Message JSON object, as for `TIMMsgSendMessage`.
 * @param cb             Called once with `code` = `ERR_SUCC` and `json_params` = the stored Message
 *                       JSON object; with `ERR_INVALID_PARAMETERS` (6017) if its
 *                       `message_msg_id` is already stored (nothing is saved); or with another
 *                       error code. May be NULL.
 * @param user_data      Passed back to `cb` unchanged.
 *
 * @return As `TIMMsgSendMessage`.
 *
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * of other senders count as unread unless `"message_is_read": true`. Imported messages are not
 * reported to the receive callbacks. The conversation is created if needed
 * (`kTIMConvEvent_Add`); otherwise one `kTIMConvEvent_Update` reports the whole import. It moves
 * to the top only if an imported message is newer than all of its messages.
 *
 * @param conv_id        Conversation ID; non-empty UTF-8.
 * @param conv_type      `kTIMConv_C2C` or `kTIMConv_Group`.
 * @param json_msg_array A JSON array of Message objects, each with a non-empty elem array and no
 *                       group tips or group report elem. One invalid element rejects the whole
 *                       call (`TIM_ERR_PARAM`) and nothing is imported.
 * @param cb             Called once with `code` = `ERR_SUCC` and `json_params` = `""`, or with an
 *                       error code. May be NULL.
 * @param user_data      Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if `json_msg_array` is not
 *         JSON; `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid, `json_msg_array` is NULL,
 *         not an array, or any element is invalid.
 *
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 *                             only messages whose server time is at or after the begin and, with a
 *                             non-zero period, at most begin + period;
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
 *         object, has keys of the wrong types, a count above 10000, or a last message without
 *         `message_msg_id`.
 *
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order; the
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
 *                            Message object to delete, identified by its `message_msg_id` (pass
 *                            the message as the SDK returned it: like every Message object it
 *                            needs a `message_elem_array`, which may be empty here);
 *                          - `kTIMMsgDeleteParamIsRamble`: accepted and ignored (no cloud).
 * @param cb                Called once with `code` = `ERR_SUCC` and `json_params` = `""`; with
 *                          `ERR_INVALID_PARAMETERS` (6017) if no message with that ID is stored
 *                          in this conversation. May be NULL.
 * @param user_data         Passed back to `cb` unchanged.
 *
 * @return `TIM_SUCC` if the call was accepted (then `cb` runs exactly once);
 *         `TIM_ERR_SDKUNINIT`; `TIM_ERR_NOTLOGIN`; `TIM_ERR_JSON` if the parameter is not JSON;
 *         `TIM_ERR_PARAM` if `conv_id` or `conv_type` is invalid, or the parameter is NULL, not
 *         an object, has no `msg_delete_param_msg` or one without `message_msg_id`.
 *
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order; the
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
 * - C2C messages (`"message_conv_type": 1`) into the conversation with the peer:
 *   `message_conv_id` if given (it must then be the peer, normally the sender), otherwise
 *   `message_sender`. Leave `message_conv_id` out of C2C messages from others.
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
 *                       `message_conv_id`. One invalid element rejects the whole call
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
 * Threading: `cb` runs on an SDK callback thread after the call returned, in call order.
 */
TIM_DECL int TIMExtDeliverIncomingMessages(const char* json_msg_array, TIMCommCallback cb, const void* user_data);

#ifdef __cplusplus
}
#endif

#endif /* TIM_CLOUD_H_ */
