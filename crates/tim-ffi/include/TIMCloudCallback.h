/**
 * @file TIMCloudCallback.h
 * @brief Callback types of the TIM conversation C API.
 *
 * Rules common to every callback (see also `TIMCloud.h`):
 * - Callbacks run on an SDK callback thread, never on the calling thread and never inside the
 *   call that caused them.
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

/**
 * @brief The result of an asynchronous call.
 *
 * Runs exactly once for every asynchronous call that returned `TIM_SUCC` (and never for one that
 * returned anything else), on an SDK callback thread, after the call returned. The callbacks of
 * the calls of one thread run in the order of the calls.
 *
 * @param code        `ERR_SUCC` (0) on success, otherwise a `TIMErrCode` (`TIMErrorCode.h`).
 * @param desc        A human-readable description of the error; `""` on success. Never NULL.
 * @param json_params The result as UTF-8 JSON (documented with each call); `""` on failure and
 *                    for calls without a result. Never NULL.
 * @param user_data   The `user_data` passed to the call, unchanged.
 */
typedef void (*TIMCommCallback)(int32_t code, const char* desc, const char* json_params, const void* user_data);

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

#ifdef __cplusplus
}
#endif

#endif /* TIM_CLOUD_CALLBACK_H_ */
