/*
 * happy_path.c: the happy path of every one of the 13 functions of TIMCloud.h.
 *
 * Usage: happy_path <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

int main(int argc, char** argv) {
    const char* version;
    char user_buf[128];
    char* list;
    char* draft;
    h_slot* s;
    int mark, rc;
    const char* conv;

    h_setup(argc, argv);

    /* TIMGetSDKVersion: any time, non-NULL, non-empty. */
    version = TIMGetSDKVersion();
    CHECK(version != NULL);
    CHECK(version[0] != '\0');
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);

    /* TIMInit. */
    CHECK_INT(h_init(), TIM_SUCC);
    version = TIMGetSDKVersion();
    CHECK(version != NULL && version[0] != '\0');
    h_log("SDK version %s", version);

    /* TIMGetLoginStatus before login. */
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    CHECK_INT(TIMGetLoginStatus(), 3);

    /* TIMSetConvEventCallback. */
    TIMSetConvEventCallback(h_event_cb, H_EVENT_USER_DATA);

    /* TIMLogin: callback with ERR_SUCC on another thread, user_data unchanged. */
    s = h_new_slot();
    CHECK_INT(TIMLogin("happy-user", "sig", h_comm_cb, s), TIM_SUCC);
    h_wait(s);
    CHECK_INT(s->code, ERR_SUCC);
    CHECK(s->user_data == (const void*)s);

    /* TIMGetLoginStatus / TIMGetLoginUserID after login. */
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_Logined);
    CHECK_INT(TIMGetLoginStatus(), 1);
    memset(user_buf, 'x', sizeof user_buf);
    CHECK_INT(TIMGetLoginUserID(user_buf), TIM_SUCC);
    CHECK_STR(user_buf, "happy-user");

    /* TIMConvCreate: C2C and group; the callback JSON is the ConvInfo; Add events. */
    mark = h_event_mark();
    s = h_new_slot();
    CHECK_INT(TIMConvCreate("peer-1", kTIMConv_C2C, h_comm_cb, s), TIM_SUCC);
    h_wait(s);
    CHECK_INT(s->code, ERR_SUCC);
    CHECK_MSG(h_json_is_conv(s->json, "peer-1", kTIMConv_C2C), "create JSON: %s", s->json);
    CHECK_INT(h_json_bool(h_json_get(s->json, kTIMConvIsHasDraft)), 0);
    h_wait_event(mark, kTIMConvEvent_Add, "peer-1", kTIMConv_C2C);

    mark = h_event_mark();
    h_create("group-1", kTIMConv_Group);
    h_wait_event(mark, kTIMConvEvent_Add, "group-1", kTIMConv_Group);

    /* Creating an existing conversation gets it (no second Add event). */
    mark = h_event_mark();
    h_create("peer-1", kTIMConv_C2C);
    h_create("peer-2", kTIMConv_C2C);
    h_wait_event(mark, kTIMConvEvent_Add, "peer-2", kTIMConv_C2C);
    CHECK_INT(h_count_events(mark, kTIMConvEvent_Add, "peer-1", kTIMConv_C2C), 0);

    /* TIMConvGetConvList: contains the created conversations. */
    s = h_new_slot();
    CHECK_INT(TIMConvGetConvList(h_comm_cb, s), TIM_SUCC);
    h_wait(s);
    CHECK_INT(s->code, ERR_SUCC);
    CHECK_MSG(h_json_len(s->json) == 3, "list should have 3 conversations: %s", s->json);
    CHECK(h_json_find_conv(s->json, "peer-1", kTIMConv_C2C) != NULL);
    CHECK(h_json_find_conv(s->json, "peer-2", kTIMConv_C2C) != NULL);
    CHECK(h_json_find_conv(s->json, "group-1", kTIMConv_Group) != NULL);
    CHECK(h_json_find_conv(s->json, "group-1", kTIMConv_C2C) == NULL);
    h_check_draft(s->json, "peer-1", kTIMConv_C2C, NULL, NULL, -1);

    /* TIMConvSetDraft: synchronous, Update event, the list shows the draft. */
    mark = h_event_mark();
    draft = h_draft_json("hello \"draft\"", "my user define", 1551271429LL);
    CHECK_INT(TIMConvSetDraft("peer-1", kTIMConv_C2C, draft), TIM_SUCC);
    free(draft);
    h_wait_event(mark, kTIMConvEvent_Update, "peer-1", kTIMConv_C2C);
    list = h_list();
    h_check_draft(list, "peer-1", kTIMConv_C2C, "hello \"draft\"", "my user define", 1551271429LL);
    conv = h_json_find_conv(list, "peer-1", kTIMConv_C2C);
    CHECK(conv != NULL);
    CHECK_INT(h_json_bool(h_json_get(conv, kTIMConvIsHasDraft)), 1);
    h_check_draft(list, "peer-2", kTIMConv_C2C, NULL, NULL, -1);
    free(list);

    /* A draft on a group conversation, without an edit time (defaults to now). */
    mark = h_event_mark();
    draft = h_draft_json("group draft", "", -1);
    CHECK_INT(TIMConvSetDraft("group-1", kTIMConv_Group, draft), TIM_SUCC);
    free(draft);
    h_wait_event(mark, kTIMConvEvent_Update, "group-1", kTIMConv_Group);
    list = h_list();
    h_check_draft(list, "group-1", kTIMConv_Group, "group draft", "", -1);
    {
        long long t = 0;
        const char* g = h_json_find_conv(list, "group-1", kTIMConv_Group);
        CHECK(h_json_int(h_json_get(h_json_get(g, kTIMConvDraft), kTIMDraftEditTime), &t));
        CHECK_MSG(t > 1500000000LL, "default draft_edit_time %lld is not a current time", t);
    }
    free(list);

    /* TIMConvCancelDraft: synchronous, Update event, the list shows no draft. */
    mark = h_event_mark();
    CHECK_INT(TIMConvCancelDraft("peer-1", kTIMConv_C2C), TIM_SUCC);
    h_wait_event(mark, kTIMConvEvent_Update, "peer-1", kTIMConv_C2C);
    list = h_list();
    h_check_draft(list, "peer-1", kTIMConv_C2C, NULL, NULL, -1);
    h_check_draft(list, "group-1", kTIMConv_Group, "group draft", "", -1);
    free(list);

    /* TIMConvDelete: callback ERR_SUCC, Del event, gone from the list. */
    mark = h_event_mark();
    s = h_new_slot();
    CHECK_INT(TIMConvDelete("group-1", kTIMConv_Group, h_comm_cb, s), TIM_SUCC);
    h_wait(s);
    CHECK_INT(s->code, ERR_SUCC);
    h_wait_event(mark, kTIMConvEvent_Del, "group-1", kTIMConv_Group);
    list = h_list();
    CHECK(h_json_find_conv(list, "group-1", kTIMConv_Group) == NULL);
    CHECK(h_json_find_conv(list, "peer-1", kTIMConv_C2C) != NULL);
    CHECK_INT(h_json_len(list), 2);
    free(list);

    /* Callbacks of consecutive calls arrive in call order. */
    {
        h_slot* a = h_new_slot();
        h_slot* b = h_new_slot();
        h_slot* c = h_new_slot();
        CHECK_INT(TIMConvCreate("order-1", kTIMConv_C2C, h_comm_cb, a), TIM_SUCC);
        CHECK_INT(TIMConvGetConvList(h_comm_cb, b), TIM_SUCC);
        CHECK_INT(TIMConvDelete("order-1", kTIMConv_C2C, h_comm_cb, c), TIM_SUCC);
        h_wait(c);
        /* c arrived, so a and b must have arrived before it. */
        h_lock();
        rc = a->calls == 1 && b->calls == 1;
        h_unlock();
        CHECK_MSG(rc, "callbacks of earlier calls had not run when a later call's callback ran");
        h_wait(a);
        h_wait(b);
        CHECK_INT(a->code, ERR_SUCC);
        CHECK_INT(c->code, ERR_SUCC);
        /* The list was taken after the create and before the delete. */
        CHECK(h_json_find_conv(b->json, "order-1", kTIMConv_C2C) != NULL);
    }

    /* TIMLogout. */
    s = h_new_slot();
    CHECK_INT(TIMLogout(h_comm_cb, s), TIM_SUCC);
    h_wait(s);
    CHECK_INT(s->code, ERR_SUCC);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);

    /* Log in again: the conversations are still there. */
    h_login("happy-user");
    list = h_list();
    CHECK(h_json_find_conv(list, "peer-1", kTIMConv_C2C) != NULL);
    CHECK(h_json_find_conv(list, "peer-2", kTIMConv_C2C) != NULL);
    free(list);

    /* Unregister the event callback: no more events. */
    TIMSetConvEventCallback(NULL, NULL);
    mark = h_event_mark();
    h_create("after-unregister", kTIMConv_C2C);
    h_logout();
    CHECK_INT(h_event_mark(), mark);

    /* TIMUninit. */
    CHECK_INT(TIMUninit(), TIM_SUCC);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    h_check_no_bad_user_data();
    printf("happy_path: OK\n");
    return 0;
}
