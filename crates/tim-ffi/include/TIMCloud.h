/**
 * @file TIMCloud.h
 * @brief The TIM (Tencent Cloud IM) conversation C API: SDK lifecycle, login and the five
 *        conversation calls. Including this header is enough; it includes the others.
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
 *        `TIMGetSDKVersion`, `TIMGetLoginStatus` and `TIMSetConvEventCallback`.
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
 * and `TIMSetConvEventCallback` returns `TIM_ERR_SDKUNINIT` until `TIMInit` is called again.
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
 * Events: `kTIMConvEvent_Add` when a conversation is created (for example by `TIMConvCreate`),
 * `kTIMConvEvent_Del` when one is deleted (`TIMConvDelete`), `kTIMConvEvent_Update` when one
 * changes (for example by `TIMConvSetDraft` or `TIMConvCancelDraft`); Add, Del and Update carry a
 * JSON array of ConvInfo objects. `kTIMConvEvent_Start` and `kTIMConvEvent_Finish` frame the
 * loading of the conversation list after login and carry `""`.
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
 * A deleted conversation raises `kTIMConvEvent_Del` with the conversation as it was.
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

#ifdef __cplusplus
}
#endif

#endif /* TIM_CLOUD_H_ */
