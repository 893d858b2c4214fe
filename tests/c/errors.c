/*
 * errors.c: the synchronous error codes, and that a rejected call changes nothing and runs no
 * callback.
 *
 * Usage: errors <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

/* A valid draft, used where another parameter is the one that is wrong. */
static const char* const VALID_DRAFT =
    "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}]}}";

/* Every conversation call with the given id and type must return `expected` and run no
 * callback (checked by the caller through the callback counter). */
static void check_conv_calls(const char* conv_id, int conv_type, int expected, const char* what) {
    h_slot* s = h_new_slot();
    enum TIMConvType t = (enum TIMConvType)conv_type;
    int rc;
    rc = TIMConvCreate(conv_id, t, h_comm_cb, s);
    CHECK_MSG(rc == expected, "%s: TIMConvCreate returned %d, expected %d", what, rc, expected);
    rc = TIMConvDelete(conv_id, t, h_comm_cb, s);
    CHECK_MSG(rc == expected, "%s: TIMConvDelete returned %d, expected %d", what, rc, expected);
    rc = TIMConvSetDraft(conv_id, t, VALID_DRAFT);
    CHECK_MSG(rc == expected, "%s: TIMConvSetDraft returned %d, expected %d", what, rc, expected);
    rc = TIMConvCancelDraft(conv_id, t);
    CHECK_MSG(rc == expected, "%s: TIMConvCancelDraft returned %d, expected %d", what, rc, expected);
}

/* Waits a little and checks that no callback and no event arrived since the marks. */
static void check_quiet(int callbacks_before, int events_before, const char* what) {
    h_sleep_ms(200);
    CHECK_MSG(h_total() == callbacks_before, "%s: a rejected call ran a callback (%d callbacks, expected %d)",
              what, h_total(), callbacks_before);
    CHECK_MSG(h_event_mark() == events_before, "%s: a rejected call raised a conversation event", what);
}

int main(int argc, char** argv) {
    char user_buf[128];
    char long_user[200];
    char max_user[128];
    char* list_before;
    char* list_after;
    h_slot* s;
    int cb0, ev0, rc;
    size_t k;
    static const int bad_types[] = {0, 3, 99, -1};
    static const char* const bad_drafts[] = {
        "{}",
        "[]",
        "{\"draft_msg\":\"x\"}",
        "{\"draft_msg\":{}}",
        "{\"draft_msg\":{\"message_elem_array\":{}}}",
        "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":99,\"text_elem_content\":\"x\"}]}}",
        "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}]},"
        "\"draft_edit_time\":-1}",
        "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}]},"
        "\"draft_edit_time\":\"x\"}",
        "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}]},"
        "\"draft_user_define\":5}",
    };

    h_setup(argc, argv);
    TIMSetConvEventCallback(h_event_cb, H_EVENT_USER_DATA);

    /* ---- Before TIMInit: TIM_ERR_SDKUNINIT everywhere. ---- */
    cb0 = h_total();
    ev0 = h_event_mark();
    s = h_new_slot();
    CHECK_INT(TIMLogin("u", "sig", h_comm_cb, s), TIM_ERR_SDKUNINIT);
    CHECK_INT(TIMLogout(h_comm_cb, s), TIM_ERR_SDKUNINIT);
    check_conv_calls("c", kTIMConv_C2C, TIM_ERR_SDKUNINIT, "before init");
    CHECK_INT(TIMConvGetConvList(h_comm_cb, s), TIM_ERR_SDKUNINIT);
    CHECK_INT(TIMGetLoginUserID(user_buf), TIM_ERR_SDKUNINIT);
    CHECK_INT(TIMSetConfig("{}", h_comm_cb, s), TIM_ERR_SDKUNINIT);
    CHECK_INT(TIMMsgSendNewMsgEx("c", kTIMConv_C2C, "{}", h_comm_cb, h_comm_cb, s), TIM_ERR_SDKUNINIT);
    CHECK_MSG(TIMGetServerTime() > 1700000000u, "TIMGetServerTime works before TIMInit");
    CHECK_INT(TIMUninit(), TIM_ERR_SDKUNINIT);
    /* Even invalid parameters: the SDK state is checked first. */
    CHECK_INT(TIMConvCreate(NULL, (enum TIMConvType)0, h_comm_cb, s), TIM_ERR_SDKUNINIT);
    check_quiet(cb0, ev0, "before init");

    /* ---- After TIMInit, before login: TIM_ERR_NOTLOGIN. ---- */
    CHECK_INT(h_init(), TIM_SUCC);
    check_conv_calls("c", kTIMConv_C2C, TIM_ERR_NOTLOGIN, "not logged in");
    CHECK_INT(TIMConvGetConvList(h_comm_cb, s), TIM_ERR_NOTLOGIN);
    CHECK_INT(TIMLogout(h_comm_cb, s), TIM_ERR_NOTLOGIN);
    CHECK_INT(TIMGetLoginUserID(user_buf), TIM_ERR_NOTLOGIN);
    CHECK_INT(TIMMsgSendNewMsgEx("c", kTIMConv_C2C, "{}", h_comm_cb, h_comm_cb, s), TIM_ERR_PARAM);
    /* TIMSetConfig needs no login; its parameter errors. */
    CHECK_INT(TIMSetConfig(NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMSetConfig("\xff", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMSetConfig("{", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMSetConfig("3", h_comm_cb, s), TIM_ERR_PARAM);

    /* TIMLogin parameter errors. */
    CHECK_INT(TIMLogin(NULL, "sig", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMLogin("", "sig", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMLogin("\xff\xfe", "sig", h_comm_cb, s), TIM_ERR_PARAM);
    memset(long_user, 'u', sizeof long_user - 1);
    long_user[sizeof long_user - 1] = '\0';
    CHECK_INT(TIMLogin(long_user, "sig", h_comm_cb, s), TIM_ERR_PARAM);
    long_user[128] = '\0'; /* 128 bytes: one too many */
    CHECK_INT(TIMLogin(long_user, "sig", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    check_quiet(cb0, ev0, "not logged in");

    /* A 127-byte user ID is accepted and fits TIMGetLoginUserID's 128-byte buffer. */
    memset(max_user, 'm', 127);
    max_user[127] = '\0';
    h_login(max_user);
    memset(user_buf, 0, sizeof user_buf);
    CHECK_INT(TIMGetLoginUserID(user_buf), TIM_SUCC);
    CHECK_STR(user_buf, max_user);
    CHECK_INT(TIMGetLoginUserID(NULL), TIM_ERR_PARAM);
    h_logout();

    /* ---- Logged in. ---- */
    h_login("err-user");
    h_create("exists", kTIMConv_C2C);
    {
        char* d = h_draft_json("kept draft", "ud", 1234);
        CHECK_INT(TIMConvSetDraft("exists", kTIMConv_C2C, d), TIM_SUCC);
        free(d);
    }
    /* One unread message, so that a read report taken for "read everything" would show. */
    free(h_deliver("[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hi\"}],"
                   "\"message_sender\":\"exists\",\"message_conv_type\":1,\"message_msg_id\":\"e1\"}]"));
    list_before = h_list();
    cb0 = h_total();
    ev0 = h_event_mark();

    /* NULL, empty, not UTF-8 conversation IDs. */
    check_conv_calls(NULL, kTIMConv_C2C, TIM_ERR_PARAM, "NULL conv_id");
    check_conv_calls("", kTIMConv_C2C, TIM_ERR_PARAM, "empty conv_id");
    check_conv_calls("\xff\xfe", kTIMConv_C2C, TIM_ERR_PARAM, "invalid UTF-8 conv_id");
    check_conv_calls("ok\xc3", kTIMConv_Group, TIM_ERR_PARAM, "truncated UTF-8 conv_id");

    /* Invalid conversation types (on an existing conversation, so only the type is wrong). */
    for (k = 0; k < sizeof bad_types / sizeof bad_types[0]; k++) {
        char what[64];
        sprintf(what, "conv_type %d", bad_types[k]);
        check_conv_calls("exists", bad_types[k], TIM_ERR_PARAM, what);
    }

    /* Draft JSON errors. */
    CHECK_INT(TIMConvSetDraft("exists", kTIMConv_C2C, "not json"), TIM_ERR_JSON);
    CHECK_INT(TIMConvSetDraft("exists", kTIMConv_C2C, "{\"draft_msg\":"), TIM_ERR_JSON);
    CHECK_INT(TIMConvSetDraft("exists", kTIMConv_C2C, ""), TIM_ERR_JSON);
    for (k = 0; k < sizeof bad_drafts / sizeof bad_drafts[0]; k++) {
        rc = TIMConvSetDraft("exists", kTIMConv_C2C, bad_drafts[k]);
        CHECK_MSG(rc == TIM_ERR_PARAM, "TIMConvSetDraft(%s) returned %d, expected TIM_ERR_PARAM", bad_drafts[k],
                  rc);
    }
    CHECK_INT(TIMConvSetDraft("exists", kTIMConv_C2C, NULL), TIM_ERR_PARAM);

    /* CancelDraft of a conversation that does not exist. */
    CHECK_INT(TIMConvCancelDraft("missing", kTIMConv_C2C), TIM_ERR_CONV);
    CHECK_INT(TIMConvCancelDraft("exists", kTIMConv_Group), TIM_ERR_CONV);

    /* An array where each element's object belongs: serde alone would read it as the fields. */
    CHECK_INT(TIMConvGetConvInfo("[[\"exists\",1]]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvGetConvInfo("[{\"get_conversation_list_param_conv_id\":\"exists\","
                                 "\"get_conversation_list_param_conv_type\":1},[]]",
                                 h_comm_cb, s),
              TIM_ERR_PARAM);

    /* A conversation or sender ID with a NUL inside (JSON "\u0000") is not stored: no C string
     * could name that conversation again. */
    CHECK_INT(TIMExtDeliverIncomingMessages("[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],"
                                            "\"message_sender\":\"a\\u0000b\",\"message_conv_type\":1}]",
                                            h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgImportMsgList("exists", kTIMConv_C2C,
                                  "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],"
                                  "\"message_sender\":\"a\\u0000b\",\"message_msg_id\":\"nul-1\"}]",
                                  h_comm_cb, s),
              TIM_ERR_PARAM);

    /* Over 4 MiB of whitespace: over the limit, not "the defaults" (measured before trimming). */
    {
        size_t n = 4194304 + 10;
        char* blank = (char*)malloc(n + 1);
        CHECK(blank != NULL);
        memset(blank, ' ', n);
        blank[n] = '\0';
        CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(blank), TIM_ERR_PARAM);
        CHECK_INT(TIMMsgReportReaded("exists", kTIMConv_C2C, blank, h_comm_cb, s), TIM_ERR_PARAM);
        /* Only `{}` is "no message": a null ID names none. */
        CHECK_INT(TIMMsgReportReaded("exists", kTIMConv_C2C, "{\"message_msg_id\":null}", h_comm_cb, s),
                  TIM_ERR_PARAM);
        CHECK_INT(TIMMsgGetMsgList("exists", kTIMConv_C2C, blank, h_comm_cb, s), TIM_ERR_PARAM);
        CHECK_INT(TIMConvGetConversationListByFilter(blank, 0, 10, h_comm_cb, s), TIM_ERR_PARAM);
        free(blank);
    }

    /* A group message's sender over 1024 bytes (no conversation is named by it, so only the
       sender check can refuse it). */
    {
        char sender[1026];
        char json[1400];
        memset(sender, 'u', 1025);
        sender[1025] = '\0';
        sprintf(json,
                "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hi\"}],"
                "\"message_sender\":\"%s\",\"message_conv_type\":2,\"message_conv_id\":\"team\"}]",
                sender);
        CHECK_INT(TIMExtDeliverIncomingMessages(json, h_comm_cb, s), TIM_ERR_PARAM);
    }
    /* A C2C message the user sent from another device names its peer in message_conv_id; without
       it the whole call is refused (the other message is not delivered either). */
    CHECK_INT(TIMExtDeliverIncomingMessages(
                  "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],"
                  "\"message_sender\":\"exists\",\"message_conv_type\":1,\"message_msg_id\":\"e2\"},"
                  "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"mine\"}],"
                  "\"message_sender\":\"err-user\",\"message_conv_type\":1}]",
                  h_comm_cb, s),
              TIM_ERR_PARAM);

    check_quiet(cb0, ev0, "rejected calls");
    list_after = h_list();
    CHECK_MSG(strcmp(list_before, list_after) == 0, "rejected calls changed the list:\nbefore: %s\nafter:  %s",
              list_before, list_after);
    h_check_draft(list_after, "exists", kTIMConv_C2C, "kept draft", "ud", 1234);
    free(list_after);

    /* Deleting a conversation that does not exist: TIM_SUCC, then ERR_INVALID_CONVERSATION. */
    ev0 = h_event_mark();
    CHECK_INT(h_delete("missing", kTIMConv_C2C), ERR_INVALID_CONVERSATION);
    CHECK_INT(h_delete("exists", kTIMConv_Group), ERR_INVALID_CONVERSATION);
    CHECK_INT(h_count_events(ev0, -1, NULL, 0), 0);
    list_after = h_list();
    CHECK_MSG(strcmp(list_before, list_after) == 0, "deleting a missing conversation changed the list");
    free(list_after);
    free(list_before);

    /* A NULL callback is accepted and the call takes effect. */
    ev0 = h_event_mark();
    CHECK_INT(TIMConvCreate("nocb", kTIMConv_C2C, NULL, NULL), TIM_SUCC);
    h_wait_event(ev0, kTIMConvEvent_Add, "nocb", kTIMConv_C2C);
    list_after = h_list();
    CHECK(h_json_find_conv(list_after, "nocb", kTIMConv_C2C) != NULL);
    free(list_after);
    CHECK_INT(TIMConvGetConvList(NULL, NULL), TIM_SUCC);
    ev0 = h_event_mark();
    CHECK_INT(TIMConvDelete("nocb", kTIMConv_C2C, NULL, NULL), TIM_SUCC);
    h_wait_event(ev0, kTIMConvEvent_Del, "nocb", kTIMConv_C2C);
    list_after = h_list();
    CHECK(h_json_find_conv(list_after, "nocb", kTIMConv_C2C) == NULL);
    free(list_after);

    /* NULL callbacks for logout and login too (poll the status). */
    CHECK_INT(TIMLogout(NULL, NULL), TIM_SUCC);
    for (k = 0; k < 1000 && TIMGetLoginStatus() != kTIMLoginStatus_UnLogined; k++) h_sleep_ms(10);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    CHECK_INT(TIMLogin("err-user", NULL, NULL, NULL), TIM_SUCC);
    for (k = 0; k < 1000 && TIMGetLoginStatus() != kTIMLoginStatus_Logined; k++) h_sleep_ms(10);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_Logined);
    list_after = h_list();
    h_check_draft(list_after, "exists", kTIMConv_C2C, "kept draft", "ud", 1234);
    free(list_after);

    CHECK_INT(TIMUninit(), TIM_SUCC);
    /* After TIMUninit, TIM_ERR_SDKUNINIT again. */
    check_conv_calls("exists", kTIMConv_C2C, TIM_ERR_SDKUNINIT, "after uninit");
    CHECK_INT(TIMConvGetConvList(h_comm_cb, s), TIM_ERR_SDKUNINIT);
    CHECK_INT(TIMUninit(), TIM_ERR_SDKUNINIT);
    h_check_no_bad_user_data();
    printf("errors: OK\n");
    return 0;
}
