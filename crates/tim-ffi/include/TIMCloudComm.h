/**
 * @file TIMCloudComm.h
 * @brief Common definitions of the TIM C API: fixed-width integers, `bool` for C, and the export
 *        macros `TIM_API` / `TIM_DECL`.
 *
 * Every other TIM header includes this one; applications normally include only `TIMCloud.h`.
 *
 * Export macro:
 * - On `_WIN32`, `TIM_API` is `__declspec(dllexport)` when `TIM_EXPORTS` is defined (building the
 *   library) and `__declspec(dllimport)` otherwise; defining `ENABLE_STATIC_LIB` makes it empty
 *   (linking the static library).
 * - Elsewhere `TIM_API` is `__attribute__((visibility("default")))`.
 * - `TIM_DECL` is kept as an alias of `TIM_API`, as in Tencent's headers.
 *
 * Calling convention: none is specified, so every function uses the platform's default C calling
 * convention (`__cdecl` on 32-bit Windows).
 */
#ifndef TIM_CLOUD_COMM_H_
#define TIM_CLOUD_COMM_H_

#include <stddef.h>
#include <stdint.h>

#ifndef __cplusplus
#include <stdbool.h>
#endif

#if defined(_WIN32)
#if defined(ENABLE_STATIC_LIB)
#define TIM_API
#elif defined(TIM_EXPORTS)
#define TIM_API __declspec(dllexport)
#else
#define TIM_API __declspec(dllimport)
#endif
#else
#define TIM_API __attribute__((visibility("default")))
#endif

/** Tencent's older name of the export macro, kept as an alias. */
#define TIM_DECL TIM_API

#endif /* TIM_CLOUD_COMM_H_ */
