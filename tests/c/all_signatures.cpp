// all_signatures.cpp: every one of the 22 TIMConv* functions and the 8 conversation callback
// setters, called from C++ the way Tencent's examples call them: enum TIMConvType values such as
// kTIMConv_C2C, bool / uint64_t / uint32_t arguments, and captureless lambdas as callbacks. Also
// the core calls of TIMManager.h around them (TIMGetServerTime, TIMSetConfig, the network,
// kicked-offline, user-signature and log setters) and TIMMsgSendNewMsgEx, included through the
// 7.5+ header names (TIMManager.h, TIMConversationManager.h, TIMMessageManager.h,
// TIMGroupManager.h, and the names of modules this implementation lacks), with the SetConfig keys and the old spellings 7.x keeps as aliases.
//
// - At compile time, static_asserts pin every function type and callback typedef to Tencent's
//   7.9 signatures (TIMConvConversationsDeletedFromGroupCallback in its 7.x form, without the
//   8.6 `reason`).
// - At run time, each call must return TIM_SUCC and (for the asynchronous ones) its callback must
//   arrive with ERR_SUCC, the right user_data and the expected JSON; each of the 8 registered
//   callbacks must fire.
//
// Build: g++ -std=c++11 -Wall -Wextra -Werror -I crates/tim-ffi/include all_signatures.cpp
//        -L target/release -ltim_ffi -pthread
// Usage: all_signatures <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1
// otherwise.

#include "TIMCommunityManager.h"
#include "TIMConversationManager.h"
#include "TIMExperimentalAPI.h"
#include "TIMFriendshipManager.h"
#include "TIMGroupManager.h"
#include "TIMManager.h"
#include "TIMMessageManager.h"
#include "TIMOfflinePushManager.h"
#include "TIMSignalingManager.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

// ---------------------------------------------------------------------------------------------
// Compile-time: Tencent's 7.9 signatures.
// ---------------------------------------------------------------------------------------------

#define SAME_TYPE(a, b) static_assert(std::is_same<a, b>::value, #a " is not " #b)

SAME_TYPE(TIMCommCallback, void (*)(int32_t, const char*, const char*, const void*));
SAME_TYPE(TIMConvEventCallback, void (*)(TIMConvEvent, const char*, const void*));
SAME_TYPE(TIMConvTotalUnreadMessageCountChangedCallback, void (*)(int, const void*));
SAME_TYPE(TIMConvTotalUnreadMessageCountChangedByFilterCallback, void (*)(const char*, int, const void*));
SAME_TYPE(TIMConvConversationGroupCreatedCallback, void (*)(const char*, const char*, const void*));
SAME_TYPE(TIMConvConversationGroupDeletedCallback, void (*)(const char*, const void*));
SAME_TYPE(TIMConvConversationGroupNameChangedCallback, void (*)(const char*, const char*, const void*));
SAME_TYPE(TIMConvConversationsAddedToGroupCallback, void (*)(const char*, const char*, const void*));
SAME_TYPE(TIMConvConversationsDeletedFromGroupCallback, void (*)(const char*, const char*, const void*));

SAME_TYPE(decltype(&TIMConvCreate), int (*)(const char*, TIMConvType, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvDelete), int (*)(const char*, TIMConvType, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvGetConvList), int (*)(TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvSetDraft), int (*)(const char*, TIMConvType, const char*));
SAME_TYPE(decltype(&TIMConvCancelDraft), int (*)(const char*, TIMConvType));
SAME_TYPE(decltype(&TIMConvGetConvInfo), int (*)(const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvPinConversation), int (*)(const char*, TIMConvType, bool, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvGetTotalUnreadMessageCount), int (*)(TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvGetConversationListByFilter),
          int (*)(const char*, uint64_t, uint32_t, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvDeleteConversationList), int (*)(const char*, bool, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvSetConversationCustomData),
          int (*)(const char*, const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvMarkConversation), int (*)(const char*, uint64_t, bool, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvGetUnreadMessageCountByFilter), int (*)(const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvSubscribeUnreadMessageCountByFilter), int (*)(const char*));
SAME_TYPE(decltype(&TIMConvUnsubscribeUnreadMessageCountByFilter), int (*)(const char*));
SAME_TYPE(decltype(&TIMConvCleanConversationUnreadMessageCount),
          int (*)(const char*, uint64_t, uint64_t, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvCreateConversationGroup), int (*)(const char*, const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvGetConversationGroupList), int (*)(TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvDeleteConversationGroup), int (*)(const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvRenameConversationGroup), int (*)(const char*, const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvAddConversationsToGroup), int (*)(const char*, const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMConvDeleteConversationsFromGroup),
          int (*)(const char*, const char*, TIMCommCallback, const void*));

SAME_TYPE(TIMNetworkStatusListenerCallback, void (*)(TIMNetworkStatus, int32_t, const char*, const void*));
SAME_TYPE(TIMKickedOfflineCallback, void (*)(const void*));
SAME_TYPE(TIMUserSigExpiredCallback, void (*)(const void*));
SAME_TYPE(TIMLogCallback, void (*)(TIMLogLevel, const char*, const void*));
SAME_TYPE(decltype(&TIMGetServerTime), uint64_t (*)());
SAME_TYPE(decltype(&TIMSetConfig), int (*)(const char*, TIMCommCallback, const void*));
SAME_TYPE(decltype(&TIMSetNetworkStatusListenerCallback), void (*)(TIMNetworkStatusListenerCallback, const void*));
SAME_TYPE(decltype(&TIMSetKickedOfflineCallback), void (*)(TIMKickedOfflineCallback, const void*));
SAME_TYPE(decltype(&TIMSetUserSigExpiredCallback), void (*)(TIMUserSigExpiredCallback, const void*));
SAME_TYPE(decltype(&TIMSetLogCallback), void (*)(TIMLogCallback, const void*));
SAME_TYPE(decltype(&TIMMsgSendNewMsgEx),
          int (*)(const char*, TIMConvType, const char*, TIMCommCallback, TIMCommCallback, const void*));

// Enums whose values the exported keys carry, with Tencent's values.
static_assert(kTIMGroup_Public == 0 && kTIMGroup_AVChatRoom == 4 && kTIMGroup_Community == 5, "TIMGroupType");
static_assert(kTIMMsgPriority_High == 0 && kTIMMsgPriority_Lowest == 3, "TIMMsgPriority");
static_assert(kTIMPlatform_Other == 0 && kTIMPlatform_Simulator == 5, "TIMPlatform");
static_assert(kTIMImageLevel_Orig == 0 && kTIMImageLevel_HD == 2, "TIMImageLevel");
static_assert(kTIMConnected == 0 && kTIMConnectFailed == 3, "TIMNetworkStatus");
static_assert(kTIMLog_Off == 0 && kTIMLog_Assert == 7, "TIMLogLevel");

SAME_TYPE(decltype(&TIMSetConvEventCallback), void (*)(TIMConvEventCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvTotalUnreadMessageCountChangedCallback),
          void (*)(TIMConvTotalUnreadMessageCountChangedCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvUnreadMessageCountChangedByFilterCallback),
          void (*)(TIMConvTotalUnreadMessageCountChangedByFilterCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvConversationGroupCreatedCallback),
          void (*)(TIMConvConversationGroupCreatedCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvConversationGroupDeletedCallback),
          void (*)(TIMConvConversationGroupDeletedCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvConversationGroupNameChangedCallback),
          void (*)(TIMConvConversationGroupNameChangedCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvConversationsAddedToGroupCallback),
          void (*)(TIMConvConversationsAddedToGroupCallback, const void*));
SAME_TYPE(decltype(&TIMSetConvConversationsDeletedFromGroupCallback),
          void (*)(TIMConvConversationsDeletedFromGroupCallback, const void*));

namespace {

// ---------------------------------------------------------------------------------------------
// Run-time scaffolding: everything a callback records goes through one mutex and condvar.
// ---------------------------------------------------------------------------------------------

std::mutex g_mutex;
std::condition_variable g_cond;

[[noreturn]] void fail(int line, const std::string& message) {
    std::printf("FAIL: all_signatures.cpp:%d: %s\n", line, message.c_str());
    std::fflush(stdout);
    std::exit(1);
}

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) fail(__LINE__, std::string("CHECK(") + #cond + ") failed"); \
    } while (0)

#define CHECK_SUCC(call)                                                                      \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != TIM_SUCC) fail(__LINE__, std::string(#call) + " returned " + std::to_string(rc_)); \
    } while (0)

// One asynchronous call's result, passed as user_data.
struct Result {
    int calls = 0;
    int32_t code = -1;
    std::string desc;
    std::string json;
};

// What the registered callbacks saw; each is registered with its own tag as user_data.
struct Seen {
    std::vector<int> conv_events;
    std::vector<int> totals;
    std::vector<std::string> filter_reports;
    std::vector<std::string> group_reports;
    int wrong_user_data = 0;
};
Seen g_seen;

int g_event_tag, g_total_tag, g_filter_tag, g_created_tag, g_deleted_tag, g_renamed_tag, g_added_tag, g_removed_tag;

// Records a TIMCommCallback into the Result its user_data points at.
void record(int32_t code, const char* desc, const char* json, const void* user_data) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Result* r = static_cast<Result*>(const_cast<void*>(user_data));
    r->calls++;
    r->code = code;
    r->desc = desc ? desc : "(null)";
    r->json = json ? json : "(null)";
    g_cond.notify_all();
}

void note(std::vector<std::string>& into, const std::string& what, const void* user_data, const void* expected) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (user_data != expected) g_seen.wrong_user_data++;
    into.push_back(what);
    g_cond.notify_all();
}

// Waits (10 s at most) until `done` holds; `done` runs with the mutex held.
template <typename Pred>
void wait_until(int line, const char* what, Pred done) {
    std::unique_lock<std::mutex> lock(g_mutex);
    if (!g_cond.wait_for(lock, std::chrono::seconds(10), done)) fail(line, std::string("timed out waiting for ") + what);
}

// Waits for the call's callback; checks it ran once with ERR_SUCC; returns its JSON.
std::string await_ok(int line, Result& r, const char* what) {
    wait_until(line, what, [&r] { return r.calls > 0; });
    std::lock_guard<std::mutex> lock(g_mutex);
    if (r.calls != 1 || r.code != ERR_SUCC)
        fail(line, std::string(what) + ": callback ran " + std::to_string(r.calls) + " time(s) with code " +
                       std::to_string(r.code) + " (" + r.desc + ")");
    return r.json;
}

#define AWAIT_OK(r, what) await_ok(__LINE__, (r), (what))

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

#define CHECK_HAS(text, part)                                                                         \
    do {                                                                                              \
        std::string t_ = (text);                                                                      \
        if (!has(t_, (part))) fail(__LINE__, std::string("\"") + t_.substr(0, 800) + "\" lacks " + (part)); \
    } while (0)

std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) fail(__LINE__, "usage: all_signatures <empty data directory>");

    // ---- The 8 conversation callback setters, registered before TIMInit (allowed). ----
    TIMSetConvEventCallback(
        [](TIMConvEvent conv_event, const char* json_conv_array, const void* user_data) {
            std::lock_guard<std::mutex> lock(g_mutex);
            if (user_data != &g_event_tag || json_conv_array == nullptr) g_seen.wrong_user_data++;
            g_seen.conv_events.push_back(conv_event);
            g_cond.notify_all();
        },
        &g_event_tag);
    TIMSetConvTotalUnreadMessageCountChangedCallback(
        [](int total_unread_count, const void* user_data) {
            std::lock_guard<std::mutex> lock(g_mutex);
            if (user_data != &g_total_tag) g_seen.wrong_user_data++;
            g_seen.totals.push_back(total_unread_count);
            g_cond.notify_all();
        },
        &g_total_tag);
    TIMSetConvUnreadMessageCountChangedByFilterCallback(
        [](const char* filter, int total_unread_count, const void* user_data) {
            note(g_seen.filter_reports, std::string(filter) + "=" + std::to_string(total_unread_count), user_data,
                 &g_filter_tag);
        },
        &g_filter_tag);
    TIMSetConvConversationGroupCreatedCallback(
        [](const char* group_name, const char* conversation_array, const void* user_data) {
            note(g_seen.group_reports, std::string("created ") + group_name + " " + conversation_array, user_data,
                 &g_created_tag);
        },
        &g_created_tag);
    TIMSetConvConversationGroupDeletedCallback(
        [](const char* group_name, const void* user_data) {
            note(g_seen.group_reports, std::string("deleted ") + group_name, user_data, &g_deleted_tag);
        },
        &g_deleted_tag);
    TIMSetConvConversationGroupNameChangedCallback(
        [](const char* old_name, const char* new_name, const void* user_data) {
            note(g_seen.group_reports, std::string("renamed ") + old_name + " " + new_name, user_data,
                 &g_renamed_tag);
        },
        &g_renamed_tag);
    TIMSetConvConversationsAddedToGroupCallback(
        [](const char* group_name, const char* conversation_array, const void* user_data) {
            note(g_seen.group_reports, std::string("added ") + group_name + " " + conversation_array, user_data,
                 &g_added_tag);
        },
        &g_added_tag);
    TIMSetConvConversationsDeletedFromGroupCallback(
        [](const char* group_name, const char* conversation_array, const void* user_data) {
            note(g_seen.group_reports, std::string("removed ") + group_name + " " + conversation_array, user_data,
                 &g_removed_tag);
        },
        &g_removed_tag);

    std::string config = std::string("{\"") + kTIMSdkConfigConfigFilePath + "\":\"" + json_escape(argv[1]) + "\"}";
    CHECK_SUCC(TIMInit(0, config.c_str()));
    {
        Result r;
        CHECK_SUCC(TIMLogin("cpp-user", "sig",
                            [](int32_t code, const char* desc, const char* json_param, const void* user_data) {
                                record(code, desc, json_param, user_data);
                            },
                            &r));
        AWAIT_OK(r, "TIMLogin");
    }
    auto same_cb = [](int32_t code, const char* desc, const char* json_param, const void* user_data) {
        record(code, desc, json_param, user_data);
    };

    // 1. TIMConvCreate (C2C and group, both spellings of the enum).
    {
        Result r1, r2;
        CHECK_SUCC(TIMConvCreate("peer", kTIMConv_C2C,
                                 [](int32_t code, const char* desc, const char* json_param, const void* user_data) {
                                     if (ERR_SUCC != code) {
                                         record(code, desc, json_param, user_data);
                                         return;
                                     }
                                     record(code, desc, json_param, user_data);
                                 },
                                 &r1));
        CHECK_SUCC(TIMConvCreate("team", TIMConvType::kTIMConv_Group, same_cb, &r2));
        CHECK_HAS(AWAIT_OK(r1, "TIMConvCreate"), "\"conv_id\":\"peer\"");
        CHECK_HAS(AWAIT_OK(r2, "TIMConvCreate"), "\"conv_type\":2");
        wait_until(__LINE__, "kTIMConvEvent_Add", [] {
            for (int e : g_seen.conv_events)
                if (e == kTIMConvEvent_Add) return true;
            return false;
        });
    }
    // 2. TIMConvGetConvList.
    {
        Result r;
        CHECK_SUCC(TIMConvGetConvList(same_cb, &r));
        std::string list = AWAIT_OK(r, "TIMConvGetConvList");
        CHECK_HAS(list, "\"conv_id\":\"peer\"");
        CHECK_HAS(list, "\"conv_id\":\"team\"");
    }
    // 3, 4. TIMConvSetDraft and TIMConvCancelDraft (synchronous).
    std::string draft = std::string("{\"") + kTIMDraftMsg + "\":{\"" + kTIMMsgElemArray + "\":[{\"" + kTIMElemType +
                        "\":" + std::to_string(static_cast<int>(kTIMElem_Text)) + ",\"" + kTIMTextElemContent +
                        "\":\"draft\"}]}}";
    CHECK_SUCC(TIMConvSetDraft("peer", kTIMConv_C2C, draft.c_str()));
    CHECK_SUCC(TIMConvCancelDraft("peer", TIMConvType::kTIMConv_C2C));
    // 5. TIMConvGetConvInfo.
    {
        Result r;
        std::string param = std::string("[{\"") + kTIMGetConversationListParamConvId + "\":\"team\",\"" +
                            kTIMGetConversationListParamConvType + "\":" + std::to_string(kTIMConv_Group) + "}]";
        CHECK_SUCC(TIMConvGetConvInfo(param.c_str(), same_cb, &r));
        std::string info = AWAIT_OK(r, "TIMConvGetConvInfo");
        CHECK_HAS(info, "\"conv_id\":\"team\"");
        CHECK(!has(info, "\"conv_id\":\"peer\""));
    }
    // 6. TIMConvPinConversation (bool).
    {
        Result r;
        bool is_pinned = true;
        CHECK_SUCC(TIMConvPinConversation("team", kTIMConv_Group, is_pinned, same_cb, &r));
        CHECK(AWAIT_OK(r, "TIMConvPinConversation").empty());
    }
    // 7. TIMConvSubscribeUnreadMessageCountByFilter (synchronous).
    const char* filter = "{\"conversation_list_filter_conv_type\":1}";
    CHECK_SUCC(TIMConvSubscribeUnreadMessageCountByFilter(filter));
    // A message received from the peer (through this implementation's extension; in Tencent's SDK
    // it would come from the server) fires the total and the by-filter callbacks.
    {
        Result r;
        std::string msg = std::string("[{\"") + kTIMMsgElemArray + "\":[{\"" + kTIMElemType + "\":0,\"" +
                          kTIMTextElemContent + "\":\"hi\"}],\"" + kTIMMsgSender + "\":\"peer\",\"" +
                          kTIMMsgConvType + "\":" + std::to_string(kTIMConv_C2C) + "}]";
        CHECK_SUCC(TIMExtDeliverIncomingMessages(msg.c_str(), same_cb, &r));
        AWAIT_OK(r, "TIMExtDeliverIncomingMessages");
        wait_until(__LINE__, "the total-unread callback", [] { return !g_seen.totals.empty(); });
        wait_until(__LINE__, "the by-filter callback", [] { return !g_seen.filter_reports.empty(); });
        std::lock_guard<std::mutex> lock(g_mutex);
        CHECK(g_seen.totals.back() == 1);
        CHECK(g_seen.filter_reports.back() == std::string(filter) + "=1");
    }
    // 8. TIMConvGetTotalUnreadMessageCount.
    {
        Result r;
        CHECK_SUCC(TIMConvGetTotalUnreadMessageCount(same_cb, &r));
        CHECK_HAS(AWAIT_OK(r, "TIMConvGetTotalUnreadMessageCount"),
                  std::string("\"") + kTIMConvGetTotalUnreadMessageCountResultUnreadCount + "\":1");
    }
    // 9. TIMConvGetUnreadMessageCountByFilter.
    {
        Result r;
        CHECK_SUCC(TIMConvGetUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":2}", same_cb, &r));
        CHECK_HAS(AWAIT_OK(r, "TIMConvGetUnreadMessageCountByFilter"),
                  "\"conv_get_total_unread_message_count_result_unread_count\":0");
    }
    // 10. TIMConvGetConversationListByFilter (uint64_t, uint32_t).
    {
        Result r;
        uint64_t next_seq = 0;
        uint32_t count = 100;
        CHECK_SUCC(TIMConvGetConversationListByFilter(nullptr, next_seq, count, same_cb, &r));
        std::string page = AWAIT_OK(r, "TIMConvGetConversationListByFilter");
        CHECK_HAS(page, "\"conversation_list_result_is_finished\":true");
        CHECK_HAS(page, "\"conversation_list_result_next_seq\":");
        // Pinned first.
        CHECK(page.find("\"conv_id\":\"team\"") < page.find("\"conv_id\":\"peer\""));
    }
    // 11. TIMConvMarkConversation (uint64_t mask, bool).
    {
        Result r;
        uint64_t mark_type = kTIMConversationMarkTypeStar | (1ULL << 40);
        CHECK_SUCC(TIMConvMarkConversation("[\"c2c_peer\"]", mark_type, true, same_cb, &r));
        std::string results = AWAIT_OK(r, "TIMConvMarkConversation");
        CHECK_HAS(results, "\"conversation_operation_result_conversation_id\":\"c2c_peer\"");
        CHECK_HAS(results, "\"conversation_operation_result_result_code\":0");
    }
    // 12. TIMConvSetConversationCustomData.
    {
        Result r;
        CHECK_SUCC(TIMConvSetConversationCustomData("[\"c2c_peer\",\"group_team\"]", "custom", same_cb, &r));
        std::string results = AWAIT_OK(r, "TIMConvSetConversationCustomData");
        CHECK_HAS(results, "\"conversation_operation_result_conversation_id\":\"group_team\"");
    }
    // 13..18. Conversation groups, and their five callbacks.
    {
        Result r1, r2, r3, r4, r5, r6;
        CHECK_SUCC(TIMConvCreateConversationGroup("friends", "[\"c2c_peer\"]", same_cb, &r1));
        CHECK_HAS(AWAIT_OK(r1, "TIMConvCreateConversationGroup"), "\"conversation_operation_result_result_code\":0");
        CHECK_SUCC(TIMConvGetConversationGroupList(same_cb, &r2));
        CHECK(AWAIT_OK(r2, "TIMConvGetConversationGroupList") == "[\"friends\"]");
        CHECK_SUCC(TIMConvAddConversationsToGroup("friends", "[\"group_team\"]", same_cb, &r3));
        AWAIT_OK(r3, "TIMConvAddConversationsToGroup");
        CHECK_SUCC(TIMConvDeleteConversationsFromGroup("friends", "[\"c2c_peer\"]", same_cb, &r4));
        AWAIT_OK(r4, "TIMConvDeleteConversationsFromGroup");
        CHECK_SUCC(TIMConvRenameConversationGroup("friends", "pals", same_cb, &r5));
        CHECK(AWAIT_OK(r5, "TIMConvRenameConversationGroup").empty());
        CHECK_SUCC(TIMConvDeleteConversationGroup("pals", same_cb, &r6));
        CHECK(AWAIT_OK(r6, "TIMConvDeleteConversationGroup").empty());
        std::lock_guard<std::mutex> lock(g_mutex);
        std::vector<std::string> expected = {"created friends [\"c2c_peer\"]", "added friends [\"group_team\"]",
                                             "removed friends [\"c2c_peer\"]", "renamed friends pals",
                                             "deleted pals"};
        if (g_seen.group_reports != expected) {
            std::string got;
            for (const auto& s : g_seen.group_reports) got += "\n  " + s;
            fail(__LINE__, "group callbacks:" + got);
        }
    }
    // 19. TIMConvCleanConversationUnreadMessageCount (uint64_t, uint64_t).
    {
        Result r;
        uint64_t clean_timestamp = 0, clean_sequence = 0;
        CHECK_SUCC(TIMConvCleanConversationUnreadMessageCount("c2c_peer", clean_timestamp, clean_sequence, same_cb, &r));
        AWAIT_OK(r, "TIMConvCleanConversationUnreadMessageCount");
        wait_until(__LINE__, "the total-unread callback reporting 0", [] { return g_seen.totals.back() == 0; });
        wait_until(__LINE__, "the by-filter callback reporting 0",
                   [filter] { return g_seen.filter_reports.back() == std::string(filter) + "=0"; });
    }
    // 20. TIMConvUnsubscribeUnreadMessageCountByFilter (synchronous).
    CHECK_SUCC(TIMConvUnsubscribeUnreadMessageCountByFilter(filter));
    // 21. TIMConvDeleteConversationList (bool).
    {
        Result r;
        CHECK_SUCC(TIMConvDeleteConversationList("[\"group_team\"]", false, same_cb, &r));
        CHECK_HAS(AWAIT_OK(r, "TIMConvDeleteConversationList"), "\"conversation_operation_result_result_code\":0");
    }
    // 22. TIMConvDelete.
    {
        Result r;
        CHECK_SUCC(TIMConvDelete("peer", kTIMConv_C2C, same_cb, &r));
        AWAIT_OK(r, "TIMConvDelete");
        wait_until(__LINE__, "kTIMConvEvent_Del", [] {
            int dels = 0;
            for (int e : g_seen.conv_events)
                if (e == kTIMConvEvent_Del) dels++;
            return dels >= 2;
        });
    }

    // The sender profile keys, as an app reads a received message's sender.
    CHECK(std::string(kTIMMsgSenderProfile) + "." + kTIMUserProfileNickName ==
          "message_sender_profile.user_profile_nick_name");
    CHECK(std::string(kTIMUserProfileIdentifier) == "user_profile_identifier" &&
          std::string(kTIMUserProfileFaceUrl) == "user_profile_face_url" &&
          std::string(kTIMUserProfileFriendRemark) == "user_profile_friend_remark");
    // The core calls around the conversation module.
    {
        uint64_t now = static_cast<uint64_t>(std::time(nullptr));
        uint64_t server = TIMGetServerTime();
        CHECK(server + 5 >= now && server <= now + 5);
        TIMSetNetworkStatusListenerCallback(
            [](TIMNetworkStatus status, int32_t, const char*, const void*) {
                if (status == kTIMConnectFailed) std::printf("network status\n");
            },
            nullptr);
        TIMSetKickedOfflineCallback([](const void*) {}, nullptr);
        TIMSetUserSigExpiredCallback([](const void*) {}, nullptr);
        TIMSetLogCallback([](TIMLogLevel level, const char*, const void*) { (void)(level == kTIMLog_Error); },
                          nullptr);
        Result r1, r2;
        CHECK_SUCC(TIMSetConfig("{\"set_config_log_level\":4}", same_cb, &r1));
        CHECK_SUCC(TIMSetConfig("{\"set_config_is_log_output_console\":false}", same_cb, &r2));
        CHECK(AWAIT_OK(r1, "TIMSetConfig") == "{\"set_config_log_level\":4}");
        std::string all = AWAIT_OK(r2, "TIMSetConfig");
        CHECK_HAS(all, "\"set_config_log_level\":4");
        CHECK_HAS(all, "\"set_config_is_log_output_console\":false");
        // The keys as Tencent's demos write them, old spellings included.
        Result r3;
        std::string config = std::string("{\"") + kTIMSetConfigUserConfig + "\":{\"" + kTIMUserConfigIsReadReceipt +
                             "\":true,\"" + kTIMUserConfigIsIngoreGroupTipsUnRead + "\":true},\"" +
                             kTIMSetConfigCackBackLogLevel + "\":2,\"" + kTIMSetConfigHttpProxyInfo + "\":{\"" +
                             kTIMHttpProxyInfoIp + "\":\"\",\"" + kTIMHttpProxyInfoPort + "\":0}}";
        CHECK_SUCC(TIMSetConfig(config.c_str(), same_cb, &r3));
        std::string kept = AWAIT_OK(r3, "TIMSetConfig");
        CHECK_HAS(kept, "\"set_config_callback_log_level\":2");
        CHECK_HAS(kept, "\"user_config_is_ignore_grouptips_unread\":true");
        CHECK(std::string(kImSDK_MesssageAtALL) == kImSDK_MessageAtALL);
        CHECK(std::string(kTIMLocationElemlatitude) == "location_elem_latitude");
        CHECK(TIMSetConfig("[]", same_cb, &r1) == TIM_ERR_PARAM);
        CHECK(TIMSetConfig("not json", same_cb, &r1) == TIM_ERR_JSON);
        TIMSetNetworkStatusListenerCallback(nullptr, nullptr);
        TIMSetKickedOfflineCallback(nullptr, nullptr);
        TIMSetUserSigExpiredCallback(nullptr, nullptr);
        TIMSetLogCallback(nullptr, nullptr);
    }
    // TIMMsgSendNewMsgEx: the ID first, through its own callback, then the message.
    {
        static std::vector<std::string> order;
        Result both;
        std::string text = std::string("{\"") + kTIMMsgElemArray + "\":[{\"" + kTIMElemType + "\":" +
                           std::to_string(static_cast<int>(kTIMElem_Text)) + ",\"" + kTIMTextElemContent +
                           "\":\"ex\"}]}";
        CHECK_SUCC(TIMMsgSendNewMsgEx(
            "peer", kTIMConv_C2C, text.c_str(),
            [](int32_t code, const char*, const char* json_param, const void*) {
                std::lock_guard<std::mutex> lock(g_mutex);
                order.push_back(std::string("id ") + std::to_string(code) + " " + json_param);
                g_cond.notify_all();
            },
            [](int32_t code, const char* desc, const char* json_param, const void* user_data) {
                {
                    std::lock_guard<std::mutex> lock(g_mutex);
                    order.push_back("result");
                }
                record(code, desc, json_param, user_data);
            },
            &both));
        std::string sent = AWAIT_OK(both, "TIMMsgSendNewMsgEx");
        std::lock_guard<std::mutex> lock(g_mutex);
        CHECK(order.size() == 2 && order[1] == "result");
        CHECK(order[0].rfind("id 0 ", 0) == 0);
        std::string id = order[0].substr(5);
        CHECK(!id.empty());
        CHECK_HAS(sent, "\"message_msg_id\":\"" + id + "\"");
        CHECK(TIMMsgSendNewMsgEx("peer", kTIMConv_C2C, "not json", same_cb, same_cb, &both) == TIM_ERR_JSON);
    }

    {
        Result r;
        CHECK_SUCC(TIMLogout(same_cb, &r));
        AWAIT_OK(r, "TIMLogout");
    }
    CHECK_SUCC(TIMUninit());
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        CHECK(g_seen.wrong_user_data == 0);
        bool update = false;
        for (int e : g_seen.conv_events) update = update || e == kTIMConvEvent_Update;
        CHECK(update);
    }
    TIMSetConvEventCallback(nullptr, nullptr);
    TIMSetConvTotalUnreadMessageCountChangedCallback(nullptr, nullptr);
    TIMSetConvUnreadMessageCountChangedByFilterCallback(nullptr, nullptr);
    TIMSetConvConversationGroupCreatedCallback(nullptr, nullptr);
    TIMSetConvConversationGroupDeletedCallback(nullptr, nullptr);
    TIMSetConvConversationGroupNameChangedCallback(nullptr, nullptr);
    TIMSetConvConversationsAddedToGroupCallback(nullptr, nullptr);
    TIMSetConvConversationsDeletedFromGroupCallback(nullptr, nullptr);
    std::printf("all_signatures: OK (22 TIMConv* functions, 8 callback setters, the core extras)\n");
    return 0;
}
