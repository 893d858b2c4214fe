/*
 * reentrancy.c: TIM calls made from inside callbacks complete without deadlock, and the nested
 * callbacks arrive.
 *
 * - From inside a TIMConvCreate callback: TIMConvSetDraft (synchronous), TIMConvGetConvList,
 *   TIMConvCreate, TIMConvCancelDraft, TIMGetLoginUserID, TIMGetLoginStatus.
 * - From inside the conversation event callback: TIMConvGetConvList and TIMConvSetDraft.
 * - A chain: each create callback issues the next create, 20 deep.
 *
 * Usage: reentrancy <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

#define CHAIN_DEPTH 20

/* Results of the calls made inside callbacks (written by the callback thread, read under the
 * harness mutex after the callbacks arrived). */
static int r_set_draft = 99;
static int r_list = 99;
static int r_create = 99;
static int r_cancel_inner = 99;
static int r_user_id = 99;
static int r_status = 99;
static char r_user_buf[128];
static h_slot* nested_list_slot;
static h_slot* nested_create_slot;
static h_slot* outer_done_slot;

static int ev_list = 99;
static int ev_draft = 99;
static int ev_fired;
static h_slot* ev_list_slot;

static int chain_rc[CHAIN_DEPTH];
static int chain_count;
static h_slot* chain_done_slot;

static const char* const DRAFT =
    "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"nested draft\"}]},"
    "\"draft_user_define\":\"from a callback\",\"draft_edit_time\":42}";

/* The callback of TIMConvCreate("outer"): calls into the SDK. */
static void outer_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    int set, list, create, inner_cancel, uid, status;
    (void)desc;
    (void)json_params;
    (void)user_data;
    set = code == ERR_SUCC ? TIMConvSetDraft("outer", kTIMConv_C2C, DRAFT) : -100;
    list = TIMConvGetConvList(h_comm_cb, nested_list_slot);
    create = TIMConvCreate("inner", kTIMConv_Group, h_comm_cb, nested_create_slot);
    inner_cancel = TIMConvCancelDraft("outer-other", kTIMConv_C2C);
    uid = TIMGetLoginUserID(r_user_buf);
    status = (int)TIMGetLoginStatus();
    h_lock();
    r_set_draft = set;
    r_list = list;
    r_create = create;
    r_cancel_inner = inner_cancel;
    r_user_id = uid;
    r_status = status;
    h_unlock();
    /* Signal that this callback finished (after all nested calls returned). */
    h_comm_cb(code, "", "", outer_done_slot);
}

/* The event callback: records every event, and on the Add of "trigger-event" calls into the SDK. */
static void event_cb(enum TIMConvEvent conv_event, const char* json, const void* user_data) {
    h_event_cb(conv_event, json, user_data);
    if (conv_event == kTIMConvEvent_Add && json != NULL && h_json_array_has_conv(json, "trigger-event", kTIMConv_C2C)) {
        int fire;
        h_lock();
        fire = !ev_fired;
        ev_fired = 1;
        h_unlock();
        if (fire) {
            int list = TIMConvGetConvList(h_comm_cb, ev_list_slot);
            int draft = TIMConvSetDraft("trigger-event", kTIMConv_C2C, DRAFT);
            h_lock();
            ev_list = list;
            ev_draft = draft;
            h_unlock();
        }
    }
}

/* A chain of creates, each issued from the previous one's callback. */
static void chain_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    int n;
    (void)desc;
    (void)json_params;
    (void)user_data;
    h_lock();
    n = chain_count++;
    h_unlock();
    if (code != ERR_SUCC || n + 1 >= CHAIN_DEPTH) {
        h_comm_cb(code, "", "", chain_done_slot);
        return;
    }
    {
        char id[32];
        int rc;
        sprintf(id, "chain-%d", n + 1);
        rc = TIMConvCreate(id, kTIMConv_C2C, chain_cb, NULL);
        h_lock();
        chain_rc[n + 1] = rc;
        h_unlock();
        if (rc != TIM_SUCC) h_comm_cb(-1, "", "", chain_done_slot);
    }
}

int main(int argc, char** argv) {
    char* list;
    int mark, i;
    h_setup(argc, argv);
    CHECK_INT(h_init(), TIM_SUCC);
    TIMSetConvEventCallback(event_cb, H_EVENT_USER_DATA);
    h_login("reentrant-user");
    h_create("outer-other", kTIMConv_C2C);

    nested_list_slot = h_new_slot();
    nested_create_slot = h_new_slot();
    outer_done_slot = h_new_slot();
    ev_list_slot = h_new_slot();
    chain_done_slot = h_new_slot();

    /* Calls from inside a TIMCommCallback. */
    CHECK_INT(TIMConvCreate("outer", kTIMConv_C2C, outer_cb, NULL), TIM_SUCC);
    h_wait(outer_done_slot);
    CHECK_INT(outer_done_slot->code, ERR_SUCC);
    h_lock();
    i = r_set_draft == TIM_SUCC && r_list == TIM_SUCC && r_create == TIM_SUCC && r_cancel_inner == TIM_SUCC &&
        r_user_id == TIM_SUCC && r_status == kTIMLoginStatus_Logined;
    h_unlock();
    CHECK_MSG(i, "calls inside the callback returned set_draft=%d list=%d create=%d cancel=%d user_id=%d status=%d",
              r_set_draft, r_list, r_create, r_cancel_inner, r_user_id, r_status);
    CHECK_STR(r_user_buf, "reentrant-user");
    h_wait(nested_list_slot);
    CHECK_INT(nested_list_slot->code, ERR_SUCC);
    /* SetDraft returned before the nested list call was made, so the list shows the draft. */
    h_check_draft(nested_list_slot->json, "outer", kTIMConv_C2C, "nested draft", "from a callback", 42);
    h_wait(nested_create_slot);
    CHECK_INT(nested_create_slot->code, ERR_SUCC);
    CHECK(h_json_is_conv(nested_create_slot->json, "inner", kTIMConv_Group));

    /* Calls from inside the event callback. */
    mark = h_event_mark();
    h_create("trigger-event", kTIMConv_C2C);
    h_wait_event(mark, kTIMConvEvent_Add, "trigger-event", kTIMConv_C2C);
    h_wait(ev_list_slot);
    h_lock();
    i = ev_list == TIM_SUCC && ev_draft == TIM_SUCC;
    h_unlock();
    CHECK_MSG(i, "calls inside the event callback returned list=%d set_draft=%d", ev_list, ev_draft);
    CHECK_INT(ev_list_slot->code, ERR_SUCC);
    CHECK(h_json_find_conv(ev_list_slot->json, "trigger-event", kTIMConv_C2C) != NULL);
    h_wait_event(mark, kTIMConvEvent_Update, "trigger-event", kTIMConv_C2C);

    /* A chain of creates issued from callbacks. */
    CHECK_INT(TIMConvCreate("chain-0", kTIMConv_C2C, chain_cb, NULL), TIM_SUCC);
    h_wait(chain_done_slot);
    CHECK_INT(chain_done_slot->code, ERR_SUCC);
    h_lock();
    i = chain_count;
    h_unlock();
    CHECK_INT(i, CHAIN_DEPTH);
    list = h_list();
    for (i = 0; i < CHAIN_DEPTH; i++) {
        char id[32];
        sprintf(id, "chain-%d", i);
        CHECK_MSG(h_json_find_conv(list, id, kTIMConv_C2C) != NULL, "%s missing from the list", id);
    }
    h_check_draft(list, "outer", kTIMConv_C2C, "nested draft", "from a callback", 42);
    h_check_draft(list, "trigger-event", kTIMConv_C2C, "nested draft", "from a callback", 42);
    CHECK(h_json_find_conv(list, "inner", kTIMConv_Group) != NULL);
    free(list);

    TIMSetConvEventCallback(NULL, NULL);
    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);
    h_check_no_bad_user_data();
    printf("reentrancy: OK\n");
    return 0;
}
