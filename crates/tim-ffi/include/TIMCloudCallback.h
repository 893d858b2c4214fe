/**
 * @file TIMCloudCallback.h
 * @brief Callback types of the TIM conversation C API.
 *
 * Rules common to every callback (see also `TIMCloud.h`):
 * - Callbacks run on an SDK callback thread, never on the calling thread and never inside the
 *   call that caused them; being another thread, a callback may start before that call has
 *   returned, so set up what `user_data` points to before the call.
 * - A callback may call any TIM function, including the one that caused it.
 * - The strings passed to a callback are valid only until the callback returns; copy what you
 *   need to keep.
 * - `user_data` is the pointer given with the call or registration, passed back unchanged and
 *   never dereferenced by the SDK; it may be NULL.
 */
#ifndef TIM_CLOUD_CALLBACK_H_
#define TIM_CLOUD_CALLBACK_H_

#include "TIMCloudComm.h"
#include "TIMCloudDef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* `TIMCommCallback`, the result of an asynchronous call, is declared in `TIMCloudDef.h`, where
 * Tencent's headers of 7.5 and later declare it (their `TIMManager.h` and
 * `TIMConversationManager.h` include only `TIMCloudDef.h`). */

/**
 * @brief Conversation events, registered with `TIMSetConvEventCallback`.
 *
 * @param conv_event      The kind of event (`enum TIMConvEvent`).
 * @param json_conv_array For `kTIMConvEvent_Add`, `kTIMConvEvent_Del` and `kTIMConvEvent_Update`:
 *                        a JSON array of ConvInfo objects (for Del, as they were before the
 *                        deletion). For `kTIMConvEvent_Start` and `kTIMConvEvent_Finish`: `""`.
 *                        Never NULL.
 * @param user_data       The `user_data` given to `TIMSetConvEventCallback`, unchanged.
 */
typedef void (*TIMConvEventCallback)(enum TIMConvEvent conv_event, const char* json_conv_array, const void* user_data);

/**
 * @brief New messages, registered with `TIMAddRecvNewMsgCallback` (several may be registered).
 *
 * Runs once per committed batch of messages received from other users (for example through
 * `TIMExtDeliverIncomingMessages`), after the messages are stored and after the conversation
 * events of the same batch. Messages the logged-in user sent, saved or imported, and delivered
 * messages whose sender is the logged-in user, are not reported.
 *
 * @param json_msg_array A JSON array of Message objects as stored (with `message_msg_id`,
 *                       `message_seq`, `message_server_time`, `message_conv_id`,
 *                       `message_conv_type`, `message_sender`, `"message_is_from_self": false`,
 *                       ...), in the order they were delivered. Never NULL, never empty.
 * @param user_data      The `user_data` given to `TIMAddRecvNewMsgCallback`, unchanged.
 */
typedef void (*TIMRecvNewMsgCallback)(const char* json_msg_array, const void* user_data);

/**
 * @brief The total unread count changed; registered with
 *        `TIMSetConvTotalUnreadMessageCountChangedCallback`.
 *
 * Runs once after each committed change that changed the total (never when it stayed the same),
 * in commit order.
 *
 * @param total_unread_count The new total: the sum of `conv_unread_num` over the conversations
 *                           whose `conv_recv_opt` is `kTIMRecvMsgOpt_Receive` (muted conversations
 *                           are left out). Clamped to `INT_MAX`.
 * @param user_data          The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvTotalUnreadMessageCountChangedCallback)(int total_unread_count, const void* user_data);

/**
 * @brief The unread count of a subscribed filter changed; registered with
 *        `TIMSetConvUnreadMessageCountChangedByFilterCallback`.
 *
 * Runs only for filters subscribed with `TIMConvSubscribeUnreadMessageCountByFilter`, once after
 * each committed change that changed that filter's total (never when it stayed the same, and not
 * when subscribing), in commit order; one call per filter whose total changed.
 *
 * @param filter             The filter JSON string exactly as it was passed to
 *                           `TIMConvSubscribeUnreadMessageCountByFilter` (byte for byte; if the
 *                           same conditions were subscribed again with another spelling, the
 *                           latest spelling). Never NULL.
 * @param total_unread_count The new total: the sum of `conv_unread_num` over the conversations
 *                           the filter matches whose `conv_recv_opt` is `kTIMRecvMsgOpt_Receive`.
 *                           Clamped to `INT_MAX`.
 * @param user_data          The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvTotalUnreadMessageCountChangedByFilterCallback)(const char* filter, int total_unread_count, const void* user_data);

/**
 * @brief A conversation group was created; registered with
 *        `TIMSetConvConversationGroupCreatedCallback`.
 *
 * Runs after the change is committed (stored), before the callback of the
 * `TIMConvCreateConversationGroup` call that caused it.
 *
 * @param group_name         The name of the new group. Never NULL.
 * @param conversation_array A JSON array of the conversation IDs (`"c2c_<userID>"` /
 *                           `"group_<groupID>"`) that went into the group, e.g.
 *                           `["c2c_u1","group_g1"]`, each once; conversations that failed
 *                           (missing, over the limit) are left out, so it may be `[]`. Never NULL.
 * @param user_data          The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvConversationGroupCreatedCallback)(const char* group_name, const char* conversation_array, const void* user_data);

/**
 * @brief A conversation group was deleted; registered with
 *        `TIMSetConvConversationGroupDeletedCallback`.
 *
 * Runs after the change is committed (before the callback of the call). The group's
 * conversations stay (they only leave the group).
 *
 * @param group_name The name of the deleted group. Never NULL.
 * @param user_data  The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvConversationGroupDeletedCallback)(const char* group_name, const void* user_data);

/**
 * @brief A conversation group was renamed; registered with
 *        `TIMSetConvConversationGroupNameChangedCallback`.
 *
 * Runs after the change is committed (before the callback of the call; not for a rename to the
 * same name).
 *
 * @param old_name  The previous name. Never NULL.
 * @param new_name  The new name. Never NULL.
 * @param user_data The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvConversationGroupNameChangedCallback)(const char* old_name, const char* new_name, const void* user_data);

/**
 * @brief Conversations were added to a group; registered with
 *        `TIMSetConvConversationsAddedToGroupCallback`.
 *
 * Runs after the change is committed (before the callback of the call), once per
 * `TIMConvAddConversationsToGroup` call that added at least one conversation.
 *
 * @param group_name         The group. Never NULL.
 * @param conversation_array A JSON array of the conversation IDs (`"c2c_<userID>"` /
 *                           `"group_<groupID>"`) that joined the group, each once; those that
 *                           failed or were in the group already are left out. Never NULL, never
 *                           empty.
 * @param user_data          The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvConversationsAddedToGroupCallback)(const char* group_name, const char* conversation_array, const void* user_data);

/**
 * @brief Conversations were removed from a group; registered with
 *        `TIMSetConvConversationsDeletedFromGroupCallback`.
 *
 * Runs after the change is committed (before the callback of the call), once per
 * `TIMConvDeleteConversationsFromGroup` call that removed at least one conversation.
 * Conversations that leave groups because they are deleted (`TIMConvDelete`,
 * `TIMConvDeleteConversationList`) or because the group is deleted are not reported here.
 *
 * This is the 7.x typedef (as in SDK 7.9, whose signatures this whole header follows). SDK 8.6
 * added a `uint32_t reason` parameter before `user_data` (0 = the user removed the conversations,
 * 1 = they were evicted because the group passed 1000 conversations). This implementation never
 * evicts (adding past the limit fails with `ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT`,
 * 51008), so the reason would always be 0; keeping the 7.x form means applications written for
 * 7.x compile unchanged and receive the right `user_data`. A callback written for 8.6 (with
 * `reason`) does not match this typedef and must be adapted.
 *
 * @param group_name         The group. Never NULL.
 * @param conversation_array A JSON array of the conversation IDs (`"c2c_<userID>"` /
 *                           `"group_<groupID>"`) that left the group, each once; those that
 *                           failed or were not in the group are left out. Never NULL, never
 *                           empty.
 * @param user_data          The `user_data` given with the registration, unchanged.
 */
typedef void (*TIMConvConversationsDeletedFromGroupCallback)(const char* group_name, const char* conversation_array, const void* user_data);

/**
 * @brief The connection state to the IM server changed (`TIMSetNetworkStatusListenerCallback`).
 *
 * This SDK is local and has no server connection: it never calls this callback.
 *
 * @param status    `kTIMConnected`, `kTIMDisconnected`, `kTIMConnecting` or `kTIMConnectFailed`.
 * @param code      `ERR_SUCC`, or why the connection failed.
 * @param desc      A description of the error; `""` on success.
 * @param user_data The pointer given when registering, unchanged.
 */
typedef void (*TIMNetworkStatusListenerCallback)(enum TIMNetworkStatus status, int32_t code, const char* desc, const void* user_data);

/**
 * @brief The user was logged in elsewhere and logged out here (`TIMSetKickedOfflineCallback`).
 *
 * This SDK has no server that could do that: it never calls this callback.
 *
 * @param user_data The pointer given when registering, unchanged.
 */
typedef void (*TIMKickedOfflineCallback)(const void* user_data);

/**
 * @brief The user signature expired (`TIMSetUserSigExpiredCallback`).
 *
 * This SDK never verifies signatures: it never calls this callback.
 *
 * @param user_data The pointer given when registering, unchanged.
 */
typedef void (*TIMUserSigExpiredCallback)(const void* user_data);

/**
 * @brief A line of the SDK's log (`TIMSetLogCallback`).
 *
 * This SDK writes no log: it never calls this callback.
 *
 * @param level     The line's `TIMLogLevel`.
 * @param log       The line.
 * @param user_data The pointer given when registering, unchanged.
 */
typedef void (*TIMLogCallback)(enum TIMLogLevel level, const char* log, const void* user_data);

#ifdef __cplusplus
}
#endif

#endif /* TIM_CLOUD_CALLBACK_H_ */
