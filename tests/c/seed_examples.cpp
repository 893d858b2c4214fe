// seed_examples.cpp: the C++ examples of the seed (docs: "Conversations") compiled against
// TIMCloud.h and jsoncpp, run against the library, and checked.
//
// The three example bodies below (TIMConvCreate Example 1 and Example 2, TIMConvSetDraft) are
// copied verbatim from the seed; each is wrapped in a function so that their local names do not
// collide. main() initialises, logs in, runs them, waits for their callbacks, then checks the
// conversation list with jsoncpp, persistence across TIMUninit/TIMInit, and two error codes.
//
// Usage: seed_examples <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1
// otherwise.
//
// Build: g++ -std=c++11 -I crates/tim-ffi/include $(pkg-config --cflags jsoncpp) seed_examples.cpp
//        -L target/release -ltim_ffi -ljsoncpp -pthread

#include "TIMCloud.h"

#include <json/json.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

namespace {

// ---------------------------------------------------------------------------------------------
// The seed's examples, verbatim.
// ---------------------------------------------------------------------------------------------

// TIMConvCreate, Example 1: obtaining a one-to-one chat with a party whose UserID is Windows-02
void seed_example_1() {
    const void* user_data = nullptr; // Returned by the callback function
    const char* userid = "Windows-02";
    int ret = TIMConvCreate(userid, kTIMConv_C2C, [](int32_t code, const char* desc, const char* json_param, const void* user_data) {
        if (ERR_SUCC != code) {
            return;
        }
        // The callback returns detailed information about the conversation.
    }, user_data);
    if (ret != TIM_SUCC) {
        // Failed to call the TIMConvCreate API.
    }
}

// TIMConvCreate, Example 2: obtaining a group chat with the group ID set to Windows-Group-01
void seed_example_2() {
    const void* user_data = nullptr; // Returned by the callback function
    const char* userid = "Windows-Group-01";
    int ret = TIMConvCreate(userid, kTIMConv_Group, [](int32_t code, const char* desc, const char* json_param, const void* user_data) {
        if (ERR_SUCC != code) {
            return;
        }
        // The callback returns detailed information about the conversation.
    }, user_data);
    if (ret != TIM_SUCC) {
        // Failed to call the TIMConvCreate API.
    }
}

// TIMConvSetDraft, Example
void seed_set_draft_example(const std::string& userid) {
    Json::Value json_value_text;  // Constructs a message.
    json_value_text[kTIMElemType] = kTIMElem_Text;
    json_value_text[kTIMTextElemContent] = "this draft";
    Json::Value json_value_msg;
    json_value_msg[kTIMMsgElemArray].append(json_value_text);
    
    Json::Value json_value_draft; // Constructs a draft.
    json_value_draft[kTIMDraftEditTime] = time(NULL);
    json_value_draft[kTIMDraftUserDefine] = "this is userdefine";
    json_value_draft[kTIMDraftMsg] = json_value_msg;
    
    if (TIM_SUCC != TIMConvSetDraft(userid.c_str(), TIMConvType::kTIMConv_C2C, json_value_draft.toStyledString().c_str())) {
        // Failed to call the TIMConvSetDraft API.
    } 
    
    // The json_draft_param JSON string obtained by json_value_draft.toStyledString().c_str() is as follows:
    // {
    //    "draft_edit_time" : 1551271429,
    //    "draft_msg" : {
    //       "message_elem_array" : [
    //          {
    //             "elem_type" : 0,
    //             "text_elem_content" : "this draft"
    //          }
    //       ]
    //    },
    //    "draft_user_define" : "this is userdefine"
    // }
}

// ---------------------------------------------------------------------------------------------
// Test scaffolding.
// ---------------------------------------------------------------------------------------------

[[noreturn]] void fail(int line, const std::string& message) {
    std::printf("FAIL: seed_examples.cpp:%d: %s\n", line, message.c_str());
    std::fflush(stdout);
    std::exit(1);
}

#define CHECK(cond)                                                  \
    do {                                                             \
        if (!(cond)) fail(__LINE__, std::string("CHECK(") + #cond + ") failed"); \
    } while (0)

#define CHECK_EQ(actual, expected)                                                              \
    do {                                                                                        \
        auto a_ = (actual);                                                                     \
        auto e_ = (expected);                                                                   \
        if (!(a_ == e_)) {                                                                      \
            std::ostringstream os_;                                                             \
            os_ << #actual << " is " << a_ << ", expected " << #expected << " = " << e_;        \
            fail(__LINE__, os_.str());                                                          \
        }                                                                                       \
    } while (0)

// One callback result, waited for with a timeout.
struct Result {
    std::mutex mutex;
    std::condition_variable cond;
    int calls = 0;
    int32_t code = -1;
    std::string json;
    std::thread::id thread;
};

void on_result(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)desc;
    Result* r = static_cast<Result*>(const_cast<void*>(user_data));
    std::lock_guard<std::mutex> lock(r->mutex);
    r->calls++;
    r->code = code;
    r->json = json_params ? json_params : "";
    r->thread = std::this_thread::get_id();
    r->cond.notify_all();
}

void wait_for(Result& r, int line) {
    std::unique_lock<std::mutex> lock(r.mutex);
    if (!r.cond.wait_for(lock, std::chrono::seconds(10), [&] { return r.calls > 0; })) {
        fail(line, "timed out waiting for a callback");
    }
    if (r.calls != 1) fail(line, "callback ran more than once");
    if (r.thread == std::this_thread::get_id()) fail(line, "callback ran on the calling thread");
}

std::string init_config(const std::string& dir) {
    Json::Value config;
    config[kTIMSdkConfigConfigFilePath] = dir;
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    return Json::writeString(builder, config);
}

void login(const char* user, int line) {
    Result r;
    if (TIMLogin(user, "user-sig", on_result, &r) != TIM_SUCC) fail(line, "TIMLogin did not return TIM_SUCC");
    wait_for(r, line);
    if (r.code != ERR_SUCC) fail(line, "TIMLogin callback code " + std::to_string(r.code));
}

Json::Value conv_list(int line) {
    Result r;
    if (TIMConvGetConvList(on_result, &r) != TIM_SUCC) fail(line, "TIMConvGetConvList did not return TIM_SUCC");
    wait_for(r, line);
    if (r.code != ERR_SUCC) fail(line, "TIMConvGetConvList callback code " + std::to_string(r.code));
    Json::Value list;
    Json::CharReaderBuilder builder;
    std::string errors;
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    if (!reader->parse(r.json.data(), r.json.data() + r.json.size(), &list, &errors)) {
        fail(line, "list JSON does not parse: " + errors + ": " + r.json);
    }
    if (!list.isArray()) fail(line, "list JSON is not an array: " + r.json);
    return list;
}

const Json::Value* find_conv(const Json::Value& list, const std::string& id, int type) {
    for (Json::ArrayIndex i = 0; i < list.size(); i++) {
        const Json::Value& c = list[i];
        if (c[kTIMConvId].isString() && c[kTIMConvId].asString() == id && c[kTIMConvType].isInt() &&
            c[kTIMConvType].asInt() == type) {
            return &c;
        }
    }
    return nullptr;
}

// Checks the two seed conversations and the seed draft; returns the draft's edit time.
Json::Int64 check_seed_state(const Json::Value& list, Json::Int64 t0, Json::Int64 t1, int line) {
    const Json::Value* c2c = find_conv(list, "Windows-02", kTIMConv_C2C);
    const Json::Value* group = find_conv(list, "Windows-Group-01", kTIMConv_Group);
    if (c2c == nullptr) fail(line, "Windows-02 (C2C) is not in the list: " + list.toStyledString());
    if (group == nullptr) fail(line, "Windows-Group-01 (group) is not in the list: " + list.toStyledString());
    CHECK_EQ((*c2c)[kTIMConvType].asInt(), 1);
    CHECK_EQ((*group)[kTIMConvType].asInt(), 2);
    CHECK((*group)[kTIMConvIsHasDraft].isBool() && !(*group)[kTIMConvIsHasDraft].asBool());

    const Json::Value& has = (*c2c)[kTIMConvIsHasDraft];
    if (!has.isBool() || !has.asBool()) fail(line, "Windows-02 has no draft: " + c2c->toStyledString());
    const Json::Value& draft = (*c2c)[kTIMConvDraft];
    CHECK(draft.isObject());
    const Json::Value& elems = draft[kTIMDraftMsg][kTIMMsgElemArray];
    CHECK(elems.isArray());
    CHECK_EQ(elems.size(), 1u);
    CHECK_EQ(elems[0][kTIMElemType].asInt(), static_cast<int>(kTIMElem_Text));
    CHECK_EQ(elems[0][kTIMTextElemContent].asString(), std::string("this draft"));
    CHECK_EQ(draft[kTIMDraftUserDefine].asString(), std::string("this is userdefine"));
    CHECK(draft[kTIMDraftEditTime].isIntegral());
    Json::Int64 edit_time = draft[kTIMDraftEditTime].asInt64();
    if (edit_time < t0 || edit_time > t1) {
        fail(line, "draft_edit_time " + std::to_string(edit_time) + " is not the time the example set");
    }
    return edit_time;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::printf("FAIL: usage: %s <empty data directory>\n", argv[0]);
        return 1;
    }
    const std::string config = init_config(argv[1]);

    CHECK_EQ(TIMInit(0, config.c_str()), static_cast<int>(TIM_SUCC));
    login("seed-user", __LINE__);

    // The seed's TIMConvCreate examples; their callbacks are the seed's own lambdas, so wait for
    // them through a later call: callbacks run in call order.
    seed_example_1();
    seed_example_2();
    conv_list(__LINE__);

    // The seed's TIMConvSetDraft example, on the C2C conversation.
    Json::Int64 t0 = static_cast<Json::Int64>(time(NULL));
    std::string userid = "Windows-02";
    seed_set_draft_example(userid);
    Json::Int64 t1 = static_cast<Json::Int64>(time(NULL));

    Json::Value list = conv_list(__LINE__);
    Json::Int64 edit_time = check_seed_state(list, t0, t1, __LINE__);

    // Persistence across TIMUninit / TIMInit with the same folder.
    CHECK_EQ(TIMUninit(), static_cast<int>(TIM_SUCC));
    CHECK_EQ(TIMInit(0, config.c_str()), static_cast<int>(TIM_SUCC));
    login("seed-user", __LINE__);
    Json::Value again = conv_list(__LINE__);
    CHECK_EQ(check_seed_state(again, t0, t1, __LINE__), edit_time);
    CHECK_EQ(again.size(), list.size());

    // Error codes: a bad conversation type, a draft that is not JSON.
    Result never;
    CHECK_EQ(TIMConvCreate("Windows-02", static_cast<TIMConvType>(99), on_result, &never),
             static_cast<int>(TIM_ERR_PARAM));
    CHECK_EQ(TIMConvCreate("Windows-02", kTIMConv_Invalid, on_result, &never), static_cast<int>(TIM_ERR_PARAM));
    CHECK_EQ(TIMConvSetDraft("Windows-02", kTIMConv_C2C, "{ this is not json"), static_cast<int>(TIM_ERR_JSON));
    CHECK_EQ(TIMConvSetDraft("Windows-02", kTIMConv_C2C, "{}"), static_cast<int>(TIM_ERR_PARAM));
    CHECK_EQ(TIMConvCancelDraft("Nobody", kTIMConv_C2C), static_cast<int>(TIM_ERR_CONV));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    {
        std::lock_guard<std::mutex> lock(never.mutex);
        CHECK_EQ(never.calls, 0);
    }
    // The rejected calls changed nothing.
    Json::Value after = conv_list(__LINE__);
    CHECK(after == again);

    // Cancel the seed draft; then the list shows none.
    CHECK_EQ(TIMConvCancelDraft(userid.c_str(), kTIMConv_C2C), static_cast<int>(TIM_SUCC));
    Json::Value cancelled = conv_list(__LINE__);
    const Json::Value* c2c = find_conv(cancelled, "Windows-02", kTIMConv_C2C);
    CHECK(c2c != nullptr);
    CHECK(!(*c2c)[kTIMConvIsHasDraft].asBool());

    CHECK_EQ(TIMUninit(), static_cast<int>(TIM_SUCC));
    std::printf("seed_examples: OK\n");
    return 0;
}
