/**
 * @file TIMSignalingManager.h
 * @brief A header name of TIM SDK 7.5 and later, which Tencent's `TIMCloud.h` includes; this
 * implementation has none of its signaling (invitations) calls.
 *
 * It exists so that a source file that includes it gets past the `#include`: it then compiles
 * if it uses only what `TIMCloud.h` declares (the conversation API and the calls it depends
 * on), and otherwise fails on the names it uses, not on the header's name.
 */
#ifndef TIM_SIGNALING_MANAGER_H_
#define TIM_SIGNALING_MANAGER_H_

#include "TIMCloud.h"

#endif
