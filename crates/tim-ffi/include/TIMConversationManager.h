/**
 * @file TIMConversationManager.h
 * @brief The header name of TIM SDK 7.5 and later; everything is declared in `TIMCloud.h`.
 *
 * Tencent's SDK split `TIMCloud.h` into `TIMManager.h`, `TIMConversationManager.h` and
 * `TIMMessageManager.h` in 7.5: code that includes any of them compiles unchanged here.
 */
#ifndef TIM_CONVERSATION_MANAGER_H_
#define TIM_CONVERSATION_MANAGER_H_

#include "TIMCloud.h"

#endif
