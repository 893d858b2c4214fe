/*
 * unread.c: unread counts, read state and receive options.
 *
 * - The acceptance scenario: a peer's three messages arrive through TIMExtDeliverIncomingMessages;
 *   the conversation is first, conv_unread_num is 3, conv_last_msg is the third message, the total
 *   is 3; after TIMConvCleanConversationUnreadMessageCount("c2c_<peer>", 0, 0) it is 0, exactly one
 *   kTIMConvEvent_Update arrives for it and the total-unread callback reports 0; all of it
 *   survives TIMUninit / TIMInit.
 * - TIMConvCleanConversationUnreadMessageCount in every form (NULL, "", "c2c", "group", one
 *   conversation up to a time or a sequence), its callback and sync errors.
 * - TIMMsgReportReaded (one conversation, up to a message, every conversation of a type),
 *   TIMMsgMarkAllMessageAsRead.
 * - TIMMsgSetC2CReceiveMessageOpt / TIMMsgSetGroupReceiveMessageOpt: conversations in the list
 *   change (an event); one without a conversation keeps the option, silently, for when it comes;
 *   muted conversations leave the total, errors.
 * - The total-unread callback fires once per change of the total and never otherwise; NULL
 *   unregisters it; it may be registered before TIMInit.
 *
 * Usage: unread <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

#define ME "unread-user"
#define T0 1700000000LL

/* ---- Helpers. ---- */

/* The ConvInfo of a conversation in the list `list`; fails if it is missing. */
static const char* find(const char* list, const char* conv_id, int conv_type) {
    const char* conv = h_json_find_conv(list, conv_id, conv_type);
    CHECK_MSG(conv != NULL, "conversation %s (%d) not in the list: %.1500s", conv_id, conv_type, list);
    return conv;
}

/* Delivers `n` messages from `sender` (C2C, or into `group` when not NULL), one call each, with
 * IDs "<prefix>-<k>" (k from `first`) and, when base_time > 0, server times base_time + k. */
static void deliver_n(const char* sender, const char* group, const char* prefix, int first, int n,
                      long long base_time) {
    int k;
    for (k = first; k < first + n; k++) {
        char id[128], text[160];
        sprintf(id, "%s-%d", prefix, k);
        sprintf(text, "message %s", id);
        CHECK_MSG(h_deliver_one(sender, group ? kTIMConv_Group : kTIMConv_C2C, group, id,
                                base_time > 0 ? base_time + k : 0, text, NULL) == 1,
                  "message %s was not stored", id);
    }
}

/* Calls TIMConvCleanConversationUnreadMessageCount and returns the callback code. */
static int32_t clean(const char* conversation_id, uint64_t ts, uint64_t seq) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvCleanConversationUnreadMessageCount(conversation_id, ts, seq, h_comm_cb, s), s,
                           "TIMConvCleanConversationUnreadMessageCount");
    if (code == ERR_SUCC) CHECK_STR(s->json, "");
    return code;
}

/* Calls TIMMsgReportReaded and returns the callback code. */
static int32_t report_readed(const char* conv_id, int conv_type, const char* msg) {
    h_slot* s = h_new_slot();
    return h_await(TIMMsgReportReaded(conv_id, (enum TIMConvType)conv_type, msg, h_comm_cb, s), s,
                   "TIMMsgReportReaded");
}

static void set_c2c_opt(const char* ids, int opt) {
    h_slot* s = h_new_slot();
    h_await_ok(TIMMsgSetC2CReceiveMessageOpt(ids, (enum TIMReceiveMessageOpt)opt, h_comm_cb, s), s,
               "TIMMsgSetC2CReceiveMessageOpt");
    CHECK_STR(s->json, "");
}

static void set_group_opt(const char* group, int opt) {
    h_slot* s = h_new_slot();
    h_await_ok(TIMMsgSetGroupReceiveMessageOpt(group, (enum TIMReceiveMessageOpt)opt, h_comm_cb, s), s,
               "TIMMsgSetGroupReceiveMessageOpt");
    CHECK_STR(s->json, "");
}

/* Waits a little; checks that no total-unread report arrived since `mark`. */
static void check_no_total_report(int mark, const char* what) {
    h_sleep_ms(200);
    CHECK_MSG(h_total_mark() == mark, "%s: the total-unread callback fired (reported %d)", what,
              h_total_at(h_total_mark() - 1));
}

/* Relogs in after TIMUninit / TIMInit. */
static void restart(void) {
    CHECK_INT(TIMUninit(), TIM_SUCC);
    CHECK_INT(h_init(), TIM_SUCC);
    h_login(ME);
}

/* ---- The acceptance scenario. ---- */
static void test_acceptance(void) {
    char *list, *msgs;
    const char *conv, *last;
    char* text;
    int mark, tmark, i, ev;

    h_create("earlier", kTIMConv_C2C);
    h_create("earlier-group", kTIMConv_Group);
    list = h_list();
    CHECK(h_json_is_conv(h_json_at(list, 0), "earlier-group", kTIMConv_Group));
    free(list);

    tmark = h_total_mark();
    deliver_n("peer", NULL, "peer", 1, 3, 0);

    list = h_list();
    conv = h_json_at(list, 0);
    CHECK_MSG(h_json_is_conv(conv, "peer", kTIMConv_C2C), "peer is not first: %.1500s", list);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 3);
    CHECK_INT(h_json_bool(h_json_get(conv, kTIMConvIsHasLastMsg)), 1);
    last = h_json_get(conv, kTIMConvLastMsg);
    CHECK_MSG(h_msg_has_id(last, "peer-3"), "conv_last_msg is not the third message: %.1500s", conv);
    text = h_msg_text(last);
    CHECK_STR(text, "message peer-3");
    free(text);
    free(list);
    CHECK_INT(h_total_unread(), 3);
    /* One report per delivery: 1, 2, 3. */
    h_wait_total(tmark, 3);
    CHECK_INT(h_total_mark() - tmark, 3);
    for (i = 0; i < 3; i++) CHECK_INT(h_total_at(tmark + i), i + 1);

    /* It survives a restart, and logging in reports nothing. */
    restart();
    tmark = h_total_mark();
    list = h_list();
    conv = h_json_at(list, 0);
    CHECK_MSG(h_json_is_conv(conv, "peer", kTIMConv_C2C), "after restart, peer is not first: %.1500s", list);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 3);
    CHECK(h_msg_has_id(h_json_get(conv, kTIMConvLastMsg), "peer-3"));
    free(list);
    CHECK_INT(h_total_unread(), 3);
    check_no_total_report(tmark, "login");

    /* Clean: exactly one Update for peer with 0, and the total reported as 0. */
    mark = h_event_mark();
    CHECK_INT(clean("c2c_peer", 0, 0), ERR_SUCC);
    ev = h_wait_event(mark, kTIMConvEvent_Update, "peer", kTIMConv_C2C);
    h_lock();
    conv = h_json_find_conv(h_events[ev].json, "peer", kTIMConv_C2C);
    i = (int)h_json_get_int(conv, kTIMConvUnReadNum, -1);
    h_unlock();
    CHECK_INT(i, 0);
    h_wait_total(tmark, 0);
    h_sleep_ms(300);
    CHECK_INT(h_count_events(mark, kTIMConvEvent_Update, "peer", kTIMConv_C2C), 1);
    CHECK_INT(h_count_events(mark, -1, NULL, 0), 1);
    CHECK_INT(h_total_mark() - tmark, 1);
    CHECK_INT(h_total_unread(), 0);
    list = h_list();
    conv = find(list, "peer", kTIMConv_C2C);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
    CHECK_MSG(h_json_get_int(conv, kTIMConvC2CReadTimestamp, 0) > 0, "no conv_c2c_read_timestamp: %.1000s", conv);
    free(list);

    /* Cleaning again changes nothing: no event, no report. */
    mark = h_event_mark();
    tmark = h_total_mark();
    CHECK_INT(clean("c2c_peer", 0, 0), ERR_SUCC);
    check_no_total_report(tmark, "cleaning a clean conversation");
    CHECK_INT(h_count_events(mark, -1, NULL, 0), 0);

    /* And the cleaned state survives a restart. */
    restart();
    list = h_list();
    conv = h_json_at(list, 0);
    CHECK_MSG(h_json_is_conv(conv, "peer", kTIMConv_C2C), "after restart, peer is not first: %.1500s", list);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
    CHECK(h_msg_has_id(h_json_get(conv, kTIMConvLastMsg), "peer-3"));
    free(list);
    CHECK_INT(h_total_unread(), 0);
    msgs = h_msgs("peer", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(msgs), 3);
    for (i = 0; i < 3; i++) {
        CHECK_MSG(h_json_bool(h_json_get(h_json_at(msgs, i), kTIMMsgIsRead)) == 1, "message %d is not read: %.1000s", i,
                  msgs);
    }
    CHECK(h_msg_has_id(h_json_at(msgs, 0), "peer-3"));
    free(msgs);
}

/* ---- Every form of TIMConvCleanConversationUnreadMessageCount. ---- */
static void test_clean(void) {
    char* list;
    int mark, tmark, ev_a, ev_b;
    h_slot* s;

    deliver_n("ca", NULL, "ca", 1, 3, T0);
    deliver_n("cb", NULL, "cb", 1, 2, 0);
    deliver_n("x", "ga", "ga", 1, 3, 0);
    deliver_n("x", "gb", "gb", 1, 2, 0);
    CHECK_INT(h_total_unread(), 10);

    /* C2C up to a time: messages at or before T0 + 2 are read. */
    CHECK_INT(clean("c2c_ca", (uint64_t)(T0 + 2), 0), ERR_SUCC);
    CHECK_INT(h_unread("ca", kTIMConv_C2C), 1);
    list = h_list();
    CHECK_INT(h_json_get_int(find(list, "ca", kTIMConv_C2C), kTIMConvC2CReadTimestamp, -1), T0 + 2);
    free(list);
    /* An earlier bound changes nothing. */
    mark = h_event_mark();
    tmark = h_total_mark();
    CHECK_INT(clean("c2c_ca", (uint64_t)(T0 + 1), 0), ERR_SUCC);
    CHECK_INT(h_unread("ca", kTIMConv_C2C), 1);
    check_no_total_report(tmark, "an earlier clean bound");
    CHECK_INT(h_count_events(mark, -1, "ca", kTIMConv_C2C), 0);

    /* Group up to a sequence. */
    CHECK_INT(clean("group_ga", 0, 2), ERR_SUCC);
    CHECK_INT(h_unread("ga", kTIMConv_Group), 1);
    list = h_list();
    CHECK_INT(h_json_get_int(find(list, "ga", kTIMConv_Group), kTIMConvGroupReadSequence, -1), 2);
    free(list);
    CHECK_INT(clean("group_ga", 0, 99), ERR_SUCC);
    CHECK_INT(h_unread("ga", kTIMConv_Group), 0);
    CHECK_INT(h_total_unread(), 5);

    /* "c2c": every C2C conversation, in one Update event; the groups keep theirs. */
    mark = h_event_mark();
    CHECK_INT(clean("c2c", 12345, 678), ERR_SUCC);
    ev_a = h_wait_event(mark, kTIMConvEvent_Update, "ca", kTIMConv_C2C);
    ev_b = h_wait_event(mark, kTIMConvEvent_Update, "cb", kTIMConv_C2C);
    CHECK_MSG(ev_a == ev_b, "one clean raised several Update events (%d, %d)", ev_a, ev_b);
    CHECK_INT(h_unread("ca", kTIMConv_C2C), 0);
    CHECK_INT(h_unread("cb", kTIMConv_C2C), 0);
    CHECK_INT(h_unread("gb", kTIMConv_Group), 2);
    CHECK_INT(h_total_unread(), 2);

    /* "group": every group. */
    CHECK_INT(clean("group", 0, 0), ERR_SUCC);
    CHECK_INT(h_unread("gb", kTIMConv_Group), 0);
    CHECK_INT(h_total_unread(), 0);

    /* NULL and "": everything. */
    deliver_n("ca", NULL, "ca", 10, 1, 0);
    deliver_n("x", "gb", "gb", 10, 2, 0);
    CHECK_INT(h_total_unread(), 3);
    tmark = h_total_mark();
    CHECK_INT(clean(NULL, 0, 0), ERR_SUCC);
    h_wait_total(tmark, 0);
    CHECK_INT(h_unread("ca", kTIMConv_C2C), 0);
    CHECK_INT(h_unread("gb", kTIMConv_Group), 0);
    deliver_n("cb", NULL, "cb", 10, 1, 0);
    deliver_n("x", "ga", "ga", 10, 1, 0);
    CHECK_INT(h_total_unread(), 2);
    CHECK_INT(clean("", 0, 0), ERR_SUCC);
    CHECK_INT(h_total_unread(), 0);

    /* A conversation that does not exist: ERR_INVALID_CONVERSATION in the callback. */
    CHECK_INT(clean("c2c_nobody", 0, 0), ERR_INVALID_CONVERSATION);
    CHECK_INT(clean("c2c_nobody", 5, 0), ERR_INVALID_CONVERSATION);
    CHECK_INT(clean("group_nogroup", 0, 7), ERR_INVALID_CONVERSATION);
    CHECK_INT(clean("group_ca", 0, 0), ERR_INVALID_CONVERSATION);
    list = h_list();
    CHECK(h_json_find_conv(list, "nobody", kTIMConv_C2C) == NULL);
    free(list);

    /* Malformed IDs: TIM_ERR_PARAM, no callback. */
    s = h_new_slot();
    CHECK_INT(TIMConvCleanConversationUnreadMessageCount("foo", 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCleanConversationUnreadMessageCount("c2c_", 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCleanConversationUnreadMessageCount("group_", 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCleanConversationUnreadMessageCount("C2C_ca", 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCleanConversationUnreadMessageCount("ca", 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCleanConversationUnreadMessageCount("\xff\xfe", 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    h_sleep_ms(100);
    CHECK_INT(s->calls, 0);
}

/* ---- TIMMsgReportReaded and TIMMsgMarkAllMessageAsRead. ---- */
static void test_report_readed(void) {
    char *msgs, *second, *other;
    h_slot* s;
    int mark, ev_a, ev_b, tmark;

    deliver_n("ra", NULL, "ra", 1, 4, 0);
    msgs = h_msgs("ra", kTIMConv_C2C, "{\"msg_getmsglist_param_is_forward\":true}");
    CHECK_INT(h_json_len(msgs), 4);
    CHECK(h_msg_has_id(h_json_at(msgs, 1), "ra-2"));
    second = h_json_dup_value(h_json_at(msgs, 1));
    free(msgs);

    /* Up to a message (included). */
    mark = h_event_mark();
    CHECK_INT(report_readed("ra", kTIMConv_C2C, second), ERR_SUCC);
    h_wait_event(mark, kTIMConvEvent_Update, "ra", kTIMConv_C2C);
    CHECK_INT(h_unread("ra", kTIMConv_C2C), 2);
    /* The whole conversation (NULL and ""). */
    CHECK_INT(report_readed("ra", kTIMConv_C2C, NULL), ERR_SUCC);
    CHECK_INT(h_unread("ra", kTIMConv_C2C), 0);
    deliver_n("ra", NULL, "ra", 5, 1, 0);
    CHECK_INT(report_readed("ra", kTIMConv_C2C, ""), ERR_SUCC);
    CHECK_INT(h_unread("ra", kTIMConv_C2C), 0);

    /* Every conversation of a type (NULL or "" conv_id). */
    deliver_n("ra", NULL, "ra", 6, 1, 0);
    deliver_n("y", "rg", "rg", 1, 2, 0);
    CHECK_INT(report_readed(NULL, kTIMConv_C2C, NULL), ERR_SUCC);
    CHECK_INT(h_unread("ra", kTIMConv_C2C), 0);
    CHECK_INT(h_unread("rg", kTIMConv_Group), 2);
    CHECK_INT(report_readed("", kTIMConv_Group, "ignored"), ERR_SUCC);
    CHECK_INT(h_unread("rg", kTIMConv_Group), 0);
    /* Ignored means not even read: text that is not UTF-8 is fine there too. */
    CHECK_INT(report_readed(NULL, kTIMConv_Group, "\xff\xfe"), ERR_SUCC);

    /* Errors. */
    CHECK_INT(report_readed("nobody", kTIMConv_C2C, NULL), ERR_INVALID_CONVERSATION);
    CHECK_INT(report_readed("nobody", kTIMConv_C2C, second), ERR_INVALID_CONVERSATION);
    msgs = h_msgs("rg", kTIMConv_Group, NULL);
    other = h_json_dup_value(h_json_at(msgs, 0));
    free(msgs);
    CHECK_INT(report_readed("ra", kTIMConv_C2C, other), ERR_INVALID_PARAMETERS);
    s = h_new_slot();
    CHECK_INT(TIMMsgReportReaded("ra", kTIMConv_Invalid, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgReportReaded(NULL, (enum TIMConvType)5, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgReportReaded("ra", kTIMConv_C2C, "{\"message_msg_id\":", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgReportReaded("ra", kTIMConv_C2C, "{\"message_elem_array\":[]}", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgReportReaded("ra", kTIMConv_C2C, "[]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgReportReaded("\xff", kTIMConv_C2C, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    h_sleep_ms(100);
    CHECK_INT(s->calls, 0);
    free(second);
    free(other);

    /* Mark everything read: one Update for both, the total reported as 0. */
    deliver_n("ra", NULL, "ra", 7, 1, 0);
    deliver_n("y", "rg", "rg", 3, 1, 0);
    CHECK_INT(h_total_unread(), 2);
    mark = h_event_mark();
    tmark = h_total_mark();
    s = h_new_slot();
    h_await_ok(TIMMsgMarkAllMessageAsRead(h_comm_cb, s), s, "TIMMsgMarkAllMessageAsRead");
    CHECK_STR(s->json, "");
    ev_a = h_wait_event(mark, kTIMConvEvent_Update, "ra", kTIMConv_C2C);
    ev_b = h_wait_event(mark, kTIMConvEvent_Update, "rg", kTIMConv_Group);
    CHECK_INT(ev_a, ev_b);
    h_wait_total(tmark, 0);
    CHECK_INT(h_total_unread(), 0);
    CHECK_INT(h_unread("ra", kTIMConv_C2C), 0);
    CHECK_INT(h_unread("rg", kTIMConv_Group), 0);
}

/* ---- Receive options. ---- */
static void test_recv_opt(void) {
    char* list;
    const char* conv;
    int mark, tmark;
    h_slot* s;

    CHECK_INT(h_total_unread(), 0);
    deliver_n("oa", NULL, "oa", 1, 2, 0);
    deliver_n("z", "og", "og", 1, 3, 0);
    CHECK_INT(h_total_unread(), 5);

    /* Muting a C2C conversation: Update with the option; its count leaves the total. */
    mark = h_event_mark();
    tmark = h_total_mark();
    set_c2c_opt("[\"oa\",\"no-such-user\"]", kTIMRecvMsgOpt_Not_Notify);
    h_wait_event(mark, kTIMConvEvent_Update, "oa", kTIMConv_C2C);
    h_wait_total(tmark, 3);
    CHECK_INT(h_total_unread(), 3);
    list = h_list();
    conv = find(list, "oa", kTIMConv_C2C);
    CHECK_INT(h_json_get_int(conv, kTIMConvRecvOpt, -1), kTIMRecvMsgOpt_Not_Notify);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 2);
    CHECK_MSG(h_json_find_conv(list, "no-such-user", kTIMConv_C2C) == NULL, "a missing conversation was created");
    free(list);

    /* Muting the group. */
    tmark = h_total_mark();
    set_group_opt("og", kTIMRecvMsgOpt_Not_Receive);
    h_wait_total(tmark, 0);
    CHECK_INT(h_total_unread(), 0);
    list = h_list();
    CHECK_INT(h_json_get_int(find(list, "og", kTIMConv_Group), kTIMConvRecvOpt, -1), kTIMRecvMsgOpt_Not_Receive);
    free(list);

    /* A message to a muted conversation counts there but not in the total. */
    tmark = h_total_mark();
    deliver_n("oa", NULL, "oa", 3, 1, 0);
    CHECK_INT(h_unread("oa", kTIMConv_C2C), 3);
    CHECK_INT(h_total_unread(), 0);
    check_no_total_report(tmark, "a message to a muted conversation");

    /* The option set before no-such-user had a conversation holds when it comes. */
    tmark = h_total_mark();
    deliver_n("no-such-user", NULL, "ns", 1, 1, 0);
    list = h_list();
    conv = find(list, "no-such-user", kTIMConv_C2C);
    CHECK_INT(h_json_get_int(conv, kTIMConvRecvOpt, -1), kTIMRecvMsgOpt_Not_Notify);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 1);
    free(list);
    CHECK_INT(h_total_unread(), 0);
    check_no_total_report(tmark, "a message to a conversation muted before it existed");

    /* Setting the same option again: no event, no report. A missing group is ignored. */
    mark = h_event_mark();
    set_group_opt("og", kTIMRecvMsgOpt_Not_Receive);
    set_group_opt("missing-group", kTIMRecvMsgOpt_Not_Notify);
    set_c2c_opt("[]", kTIMRecvMsgOpt_Not_Notify);
    check_no_total_report(tmark, "unchanged options");
    CHECK_INT(h_count_events(mark, -1, NULL, 0), 0);
    list = h_list();
    CHECK(h_json_find_conv(list, "missing-group", kTIMConv_Group) == NULL);
    free(list);

    /* Options 3 and 4 also mute; back to Receive restores the count in the total. */
    set_group_opt("og", kTIMRecvMsgOpt_Not_Notify_Except_At);
    set_c2c_opt("[\"oa\"]", kTIMRecvMsgOpt_Not_Receive_Except_At);
    CHECK_INT(h_total_unread(), 0);
    tmark = h_total_mark();
    set_c2c_opt("[\"oa\"]", kTIMRecvMsgOpt_Receive);
    h_wait_total(tmark, 3);
    set_group_opt("og", kTIMRecvMsgOpt_Receive);
    h_wait_total(tmark, 6);
    CHECK_INT(h_total_unread(), 6);
    set_group_opt("og", kTIMRecvMsgOpt_Not_Notify);

    /* Errors. */
    s = h_new_slot();
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("[\"oa\"]", (enum TIMReceiveMessageOpt)5, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("[\"oa\"]", (enum TIMReceiveMessageOpt)-1, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetGroupReceiveMessageOpt("og", (enum TIMReceiveMessageOpt)5, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("[\"oa\"", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("{}", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("[1]", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("[\"\"]", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt("\"oa\"", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetC2CReceiveMessageOpt(NULL, kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetGroupReceiveMessageOpt(NULL, kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetGroupReceiveMessageOpt("", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSetGroupReceiveMessageOpt("\xff", kTIMRecvMsgOpt_Receive, h_comm_cb, s), TIM_ERR_PARAM);
    h_sleep_ms(100);
    CHECK_INT(s->calls, 0);
    CHECK_INT(h_total_unread(), 3);
}

/* ---- The total-unread callback fires exactly when the total changes. ---- */
static void test_total_callback(void) {
    char buf[128];
    char* msg;
    int tmark;
    long long total = h_total_unread();

    /* Changes that leave the total alone. */
    tmark = h_total_mark();
    free(h_send("oa", kTIMConv_C2C, "my own message", buf));
    msg = h_draft_json("a draft", "", 1);
    CHECK_INT(TIMConvSetDraft("oa", kTIMConv_C2C, msg), TIM_SUCC);
    free(msg);
    h_create("quiet", kTIMConv_C2C);
    CHECK_INT(h_deliver_one("oa", kTIMConv_C2C, NULL, NULL, 0, "excluded",
                            "\"message_is_excluded_from_unread_count\":true"),
              1);
    CHECK_INT(h_deliver_one("z", kTIMConv_Group, "og", NULL, 0, "to a muted group", NULL), 1);
    check_no_total_report(tmark, "changes that keep the total");
    CHECK_INT(h_total_unread(), total);

    /* Deleting a conversation with unread messages lowers the total. */
    CHECK_INT(h_unread("oa", kTIMConv_C2C), 3);
    CHECK_INT(h_delete("oa", kTIMConv_C2C), ERR_SUCC);
    h_wait_total(tmark, (int)total - 3);
    CHECK_INT(h_total_mark() - tmark, 1);

    /* NULL unregisters; registering again resumes. */
    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, NULL);
    tmark = h_total_mark();
    deliver_n("ob", NULL, "ob", 1, 1, 0);
    check_no_total_report(tmark, "after unregistering");
    TIMSetConvTotalUnreadMessageCountChangedCallback(h_total_cb, H_TOTAL_USER_DATA);
    deliver_n("ob", NULL, "ob", 2, 1, 0);
    h_wait_total(tmark, (int)total - 3 + 2);
    CHECK_INT(h_total_mark() - tmark, 1);
}

int main(int argc, char** argv) {
    char* list;
    const char* conv;

    h_setup(argc, argv);
    /* Registered before TIMInit; kept across TIMUninit / TIMInit. */
    TIMSetConvTotalUnreadMessageCountChangedCallback(h_total_cb, H_TOTAL_USER_DATA);
    CHECK_INT(h_init(), TIM_SUCC);
    TIMSetConvEventCallback(h_event_cb, H_EVENT_USER_DATA);
    h_login(ME);

    test_acceptance();
    test_clean();
    test_report_readed();
    test_recv_opt();
    test_total_callback();

    /* Receive options and counts survive a restart. */
    restart();
    list = h_list();
    conv = find(list, "og", kTIMConv_Group);
    CHECK_INT(h_json_get_int(conv, kTIMConvRecvOpt, -1), kTIMRecvMsgOpt_Not_Notify);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 4);
    CHECK_INT(h_json_get_int(find(list, "ob", kTIMConv_C2C), kTIMConvUnReadNum, -1), 2);
    CHECK(h_json_find_conv(list, "oa", kTIMConv_C2C) == NULL);
    free(list);
    CHECK_INT(h_total_unread(), 2);

    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, NULL);
    TIMSetConvEventCallback(NULL, NULL);
    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);
    h_check_no_bad_user_data();
    printf("unread: OK\n");
    return 0;
}
