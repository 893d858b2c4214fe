/**
 * @file TIMGroupManager.h
 * @brief A header name of TIM SDK 7.5 and later; what this implementation has of it is declared
 * in `TIMCloud.h`.
 *
 * In Tencent's SDK this header declares the group calls, which this implementation does not
 * have, and `TIMGroupType`, which the conversation API uses (`conv_group_type`): conversation
 * code that includes it for that compiles unchanged here.
 */
#ifndef TIM_GROUP_MANAGER_H_
#define TIM_GROUP_MANAGER_H_

#include "TIMCloud.h"

#endif
