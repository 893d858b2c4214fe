/*
 * messages.c: the message calls of TIMCloud.h and the extension TIMExtDeliverIncomingMessages.
 *
 * - TIMMsgSendMessage / TIMMsgSendNewMsg: the ID buffer (already filled when the callback runs,
 *   which may be before the call returns), the callback's message (ID, seq 1, 2, 3
 *   per conversation, rand, server time, status, sender, self flag, conversation), Add then
 *   Update events, the conversation moving to the top with the message as its last message.
 * - TIMMsgSaveMsg, TIMMsgImportMsgList (1000 messages built here fire exactly one Update; known
 *   IDs are skipped; one bad element rejects the whole call), TIMMsgGetMsgList (defaults,
 *   backward paging with last_msg without overlap, forward, seq, seq array, time window, types),
 *   TIMMsgDelete (the previous message becomes the last one), TIMMsgClearHistoryMessage, and
 *   TIMConvDelete taking the messages with it.
 * - A message named as TIM 5.x names one (server time with seq and/or rand, no ID) in
 *   TIMMsgGetMsgList, TIMMsgReportReaded and TIMMsgDelete.
 * - Receive callbacks: several get each batch, removal by pointer stops one, own messages are not
 *   reported, a duplicate delivery is stored and counted once, TIM calls from inside a receive
 *   callback complete, @ mentions fill conv_group_at_info_array.
 * - Every synchronous error code of the new calls, and that a rejected call changes nothing.
 * - Messages survive TIMUninit / TIMInit.
 *
 * Usage: messages <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

#define ME "msg-user"
#define IMPORT_COUNT 1000
#define IMPORT_BASE_TIME 1600000000LL
#define PAGE 50

static const char* const TEXT_MSG = "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}]}";

/* ---- The ID buffer as the send callback sees it. ---- */
#define ID_PROBES 200
typedef struct {
    char buffer[128];  /* TIMMsgSendMessage's message_id_buffer */
    int matched;       /* 1: the callback found the message's ID in the buffer; -1: it did not */
} id_probe;
static id_probe id_probes[ID_PROBES];

/* Compares the callback's message ID with the buffer, which must hold it already. */
static void id_probe_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    id_probe* probe = (id_probe*)user_data;
    char* id = h_json_get_string(json_params, kTIMMsgMsgId);
    int matched = code == 0 && id != NULL && strcmp(id, probe->buffer) == 0 ? 1 : -1;
    (void)desc;
    free(id);
    h_lock();
    probe->matched = matched;
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

/* Sends ID_PROBES messages back to back; every callback must find its ID in its buffer. */
static void check_id_buffer_before_callback(void) {
    struct timespec deadline = h_deadline(10);
    int i, all = 1;
    for (i = 0; i < ID_PROBES; i++) {
        strcpy(id_probes[i].buffer, "unwritten");
        CHECK_INT(TIMMsgSendMessage("probe", kTIMConv_C2C, TEXT_MSG, id_probes[i].buffer, id_probe_cb, &id_probes[i]),
                  TIM_SUCC);
    }
    h_lock();
    for (i = 0; i < ID_PROBES; i++) {
        while (id_probes[i].matched == 0 && h_cond_wait_until(&deadline)) {
        }
        if (id_probes[i].matched != 1) all = 0;
    }
    h_unlock();
    CHECK_MSG(all, "a send callback ran before its message ID was in the buffer (or never ran)");
}

/* ---- The re-entrant receive callback. ---- */
static h_slot* re_list_slot;
static h_slot* re_send_slot;
static int re_list_rc = 99;
static int re_send_rc = 99;
static int re_fired;
static char re_id_buf[128];

static void reentrant_recv_cb(const char* json_msg_array, const void* user_data) {
    const char* first = h_json_at(json_msg_array, 0);
    char* text = h_msg_text(first);
    int fire;
    (void)user_data;
    h_lock();
    fire = !re_fired && text != NULL && strcmp(text, "trigger") == 0;
    if (fire) re_fired = 1;
    h_unlock();
    free(text);
    if (fire) {
        char* reply = h_msg_json("reply from a receive callback", NULL);
        int list_rc = TIMConvGetConvList(h_comm_cb, re_list_slot);
        int send_rc = TIMMsgSendMessage("alice", kTIMConv_C2C, reply, re_id_buf, h_comm_cb, re_send_slot);
        free(reply);
        h_lock();
        re_list_rc = list_rc;
        re_send_rc = send_rc;
        h_unlock();
    }
}

/* ---- Helpers. ---- */

/* Waits a little and checks that no callback, event or received batch arrived since the marks. */
static void check_quiet(int callbacks_before, int events_before, int batches_before, const char* what) {
    h_sleep_ms(200);
    CHECK_MSG(h_total() == callbacks_before, "%s: a rejected call ran a callback", what);
    CHECK_MSG(h_event_mark() == events_before, "%s: a rejected call raised a conversation event", what);
    CHECK_MSG(h_batch_mark() == batches_before, "%s: a rejected call reached the receive callbacks", what);
}

/* Checks every int-returning new function returns `expected` for otherwise valid arguments. */
static void check_all_calls(int expected, const char* what) {
    h_slot* s = h_new_slot();
    char buf[128];
    int rc[14], i;
    strcpy(buf, "unchanged");
    rc[0] = TIMMsgSendMessage("p", kTIMConv_C2C, TEXT_MSG, buf, h_comm_cb, s);
    rc[1] = TIMMsgSendNewMsg("p", kTIMConv_C2C, TEXT_MSG, h_comm_cb, s);
    rc[2] = TIMMsgSaveMsg("p", kTIMConv_C2C, TEXT_MSG, h_comm_cb, s);
    rc[3] = TIMMsgImportMsgList("p", kTIMConv_C2C, "[]", h_comm_cb, s);
    rc[4] = TIMMsgGetMsgList("p", kTIMConv_C2C, NULL, h_comm_cb, s);
    rc[5] = TIMMsgDelete("p", kTIMConv_C2C,
                         "{\"msg_delete_param_msg\":{\"message_elem_array\":[],\"message_msg_id\":\"m\"}}", h_comm_cb,
                         s);
    rc[6] = TIMMsgClearHistoryMessage("p", kTIMConv_C2C, h_comm_cb, s);
    rc[7] = TIMMsgReportReaded("p", kTIMConv_C2C, NULL, h_comm_cb, s);
    rc[8] = TIMMsgMarkAllMessageAsRead(h_comm_cb, s);
    rc[9] = TIMConvCleanConversationUnreadMessageCount("c2c_p", 0, 0, h_comm_cb, s);
    rc[10] = TIMMsgSetC2CReceiveMessageOpt("[\"p\"]", kTIMRecvMsgOpt_Receive, h_comm_cb, s);
    rc[11] = TIMMsgSetGroupReceiveMessageOpt("g", kTIMRecvMsgOpt_Receive, h_comm_cb, s);
    rc[12] = TIMConvGetTotalUnreadMessageCount(h_comm_cb, s);
    rc[13] = TIMExtDeliverIncomingMessages(
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"p\","
        "\"message_conv_type\":1}]",
        h_comm_cb, s);
    for (i = 0; i < 14; i++) CHECK_MSG(rc[i] == expected, "%s: call %d returned %d, expected %d", what, i, rc[i], expected);
    CHECK_STR(buf, "unchanged");
}

/* The numeric suffix of an "imp-<n>" message ID, or -1. */
static int imp_index(const char* msg) {
    char* id = h_json_get_string(msg, kTIMMsgMsgId);
    int n = -1;
    if (id != NULL && strncmp(id, "imp-", 4) == 0) n = atoi(id + 4);
    free(id);
    return n;
}

/* Checks a message list holds the "imp-<n>" messages first, first+step, ... (count of them). */
static void check_imp_run(const char* list, int first, int step, int count, const char* what) {
    int i;
    CHECK_MSG(h_json_len(list) == count, "%s: %d messages, expected %d", what, h_json_len(list), count);
    for (i = 0; i < count; i++) {
        int n = imp_index(h_json_at(list, i));
        CHECK_MSG(n == first + i * step, "%s: message %d is imp-%d, expected imp-%d", what, i, n, first + i * step);
    }
}

/* Lists imp's history with `param` and checks it is the run check_imp_run describes. */
static void check_imp_query(const char* param, int first, int step, int count, const char* what) {
    char* list = h_msgs("imp", kTIMConv_C2C, param);
    check_imp_run(list, first, step, count, what);
    free(list);
}

/* A malloc'd MsgGetMsgListParam with the last_msg copied from `msg` (may be NULL) plus `extra`. */
static char* history_param(const char* msg, const char* extra) {
    char* last = msg != NULL ? h_json_dup_value(msg) : NULL;
    size_t cap = (last ? strlen(last) : 0) + strlen(extra) + 128;
    char* out = (char*)malloc(cap);
    CHECK(out != NULL);
    if (last != NULL) {
        sprintf(out, "{\"%s\":%s%s%s}", kTIMMsgGetMsgListParamLastMsg, last, extra[0] ? "," : "", extra);
    } else {
        sprintf(out, "{%s}", extra);
    }
    free(last);
    return out;
}

/* A malloc'd MsgDeleteParam for the message at `msg`. */
static char* delete_param(const char* msg) {
    char* copy = h_json_dup_value(msg);
    char* out = (char*)malloc(strlen(copy) + 64);
    CHECK(out != NULL);
    sprintf(out, "{\"%s\":%s}", kTIMMsgDeleteParamMsg, copy);
    free(copy);
    return out;
}

/* The ConvInfo of a conversation in a fresh list, malloc'd; fails if it is missing. */
static char* conv_info(const char* conv_id, int conv_type) {
    char* list = h_list();
    const char* conv = h_json_find_conv(list, conv_id, conv_type);
    char* copy;
    CHECK_MSG(conv != NULL, "conversation %s (%d) not in the list: %.1000s", conv_id, conv_type, list);
    copy = h_json_dup_value(conv);
    free(list);
    return copy;
}

/* Whether the conversation's conv_last_msg has this ID. */
static int last_msg_is(const char* conv, const char* id) {
    const char* last = h_json_get(conv, kTIMConvLastMsg);
    return h_json_bool(h_json_get(conv, kTIMConvIsHasLastMsg)) == 1 && h_msg_has_id(last, id);
}

static void test_send(void) {
    char id1[128], id2[128], id3[128], idg[128];
    char *m1, *m2, *m3, *mg, *conv, *list, *text, *sender, *conv_id;
    h_slot* s;
    int mark, batches;
    long long now = (long long)time(NULL), t;

    batches = h_batch_mark();
    mark = h_event_mark();
    memset(id1, 0, sizeof id1);
    m1 = h_send("peer", kTIMConv_C2C, "hello \"peer\" 1", id1);
    CHECK_MSG(id1[0] != '\0', "message_id_buffer was not filled");
    CHECK_INT(h_json_get_int(m1, kTIMMsgSeq, -1), 1);
    CHECK_INT(h_json_get_int(m1, kTIMMsgStatus, -1), kTIMMsg_SendSucc);
    CHECK_INT(h_json_bool(h_json_get(m1, kTIMMsgIsFormSelf)), 1);
    CHECK_INT(h_json_get_int(m1, kTIMMsgConvType, -1), kTIMConv_C2C);
    CHECK(h_json_get(m1, kTIMMsgRand) != NULL && h_json_get_int(m1, kTIMMsgRand, -1) >= 0);
    t = h_json_get_int(m1, kTIMMsgServerTime, -1);
    CHECK_MSG(t >= now - 300 && t <= now + 300, "message_server_time %lld is not now (%lld)", t, now);
    sender = h_json_get_string(m1, kTIMMsgSender);
    conv_id = h_json_get_string(m1, kTIMMsgConvId);
    text = h_msg_text(m1);
    CHECK_STR(sender, ME);
    CHECK_STR(conv_id, "peer");
    CHECK_STR(text, "hello \"peer\" 1");
    free(sender);
    free(conv_id);
    free(text);
    h_wait_event(mark, kTIMConvEvent_Add, "peer", kTIMConv_C2C);

    /* Another conversation goes on top; sending to peer brings it back up, as an Update. */
    h_create("other", kTIMConv_C2C);
    list = h_list();
    CHECK(h_json_is_conv(h_json_at(list, 0), "other", kTIMConv_C2C));
    free(list);
    mark = h_event_mark();
    m2 = h_send("peer", kTIMConv_C2C, "hello 2", id2);
    CHECK_INT(h_json_get_int(m2, kTIMMsgSeq, -1), 2);
    CHECK_MSG(strcmp(id1, id2) != 0, "two sends got the same ID %s", id1);
    h_wait_event(mark, kTIMConvEvent_Update, "peer", kTIMConv_C2C);
    CHECK_INT(h_count_events(mark, kTIMConvEvent_Add, "peer", kTIMConv_C2C), 0);
    list = h_list();
    CHECK_MSG(h_json_is_conv(h_json_at(list, 0), "peer", kTIMConv_C2C), "peer is not first: %.1000s", list);
    CHECK_MSG(last_msg_is(h_json_at(list, 0), id2), "peer's last message is not the second: %.1000s", list);
    free(list);

    /* TIMMsgSendNewMsg: the same without the buffer; seq 3. A NULL buffer is fine too. */
    s = h_new_slot();
    h_await_ok(TIMMsgSendNewMsg("peer", kTIMConv_C2C, TEXT_MSG, h_comm_cb, s), s, "TIMMsgSendNewMsg");
    CHECK_INT(h_json_get_int(s->json, kTIMMsgSeq, -1), 3);
    m3 = h_strdup(s->json);
    text = h_json_get_string(m3, kTIMMsgMsgId);
    CHECK(text != NULL && text[0] != '\0');
    strcpy(id3, text);
    free(text);
    s = h_new_slot();
    h_await_ok(TIMMsgSendMessage("peer", kTIMConv_C2C, TEXT_MSG, NULL, h_comm_cb, s), s, "send, NULL buffer");
    CHECK_INT(h_json_get_int(s->json, kTIMMsgSeq, -1), 4);
    /* A NULL callback: the message is still sent. */
    CHECK_INT(TIMMsgSendMessage("peer", kTIMConv_C2C, TEXT_MSG, NULL, NULL, NULL), TIM_SUCC);
    check_id_buffer_before_callback();

    /* Sequences are per conversation. */
    mg = h_send("team", kTIMConv_Group, "to the group", idg);
    CHECK_INT(h_json_get_int(mg, kTIMMsgSeq, -1), 1);
    CHECK_INT(h_json_get_int(mg, kTIMMsgConvType, -1), kTIMConv_Group);

    /* The history of peer: 5 messages, newest first. */
    list = h_msgs("peer", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(list), 5);
    CHECK(h_json_get_int(h_json_at(list, 0), kTIMMsgSeq, -1) == 5);
    CHECK(h_msg_has_id(h_json_at(list, 2), id3));
    CHECK(h_msg_has_id(h_json_at(list, 3), id2));
    CHECK(h_msg_has_id(h_json_at(list, 4), id1));
    free(list);

    /* Own messages never reach the receive callbacks. */
    h_sleep_ms(100);
    CHECK_INT(h_batch_mark(), batches);

    /* TIMMsgSaveMsg: stored as given, not reported; a known ID is refused in the callback. */
    s = h_new_slot();
    h_await_ok(TIMMsgSaveMsg("peer", kTIMConv_C2C,
                             "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"saved\"}],"
                             "\"message_msg_id\":\"saved-1\",\"message_custom_str\":\"kept\"}",
                             h_comm_cb, s),
               s, "TIMMsgSaveMsg");
    CHECK(h_msg_has_id(s->json, "saved-1"));
    CHECK_INT(h_json_get_int(s->json, kTIMMsgStatus, -1), kTIMMsg_SendSucc);
    text = h_json_get_string(s->json, kTIMMsgCustomStr);
    CHECK_STR(text, "kept");
    free(text);
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgSaveMsg("peer", kTIMConv_C2C,
                                    "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"again\"}],"
                                    "\"message_msg_id\":\"saved-1\"}",
                                    h_comm_cb, s),
                      s, "TIMMsgSaveMsg (known ID)"),
              ERR_INVALID_PARAMETERS);
    conv = conv_info("peer", kTIMConv_C2C);
    CHECK_MSG(last_msg_is(conv, "saved-1"), "the saved message is not the last one: %.1000s", conv);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
    free(conv);
    h_sleep_ms(100);
    CHECK_INT(h_batch_mark(), batches);

    /* TIMMsgDelete: deleting the last message makes the previous one the last. */
    list = h_msgs("peer", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":2}");
    CHECK(h_msg_has_id(h_json_at(list, 0), "saved-1"));
    /* An empty last_msg object, as Tencent's demos pass it, is no message: from the newest. */
    {
        char* same = h_msgs("peer", kTIMConv_C2C,
                            "{\"msg_getmsglist_param_count\":2,\"msg_getmsglist_param_last_msg\":{}}");
        CHECK_STR(same, list);
        free(same);
    }
    {
        char* del = delete_param(h_json_at(list, 0));
        char* prev = h_json_get_string(h_json_at(list, 1), kTIMMsgMsgId);
        mark = h_event_mark();
        s = h_new_slot();
        h_await_ok(TIMMsgDelete("peer", kTIMConv_C2C, del, h_comm_cb, s), s, "TIMMsgDelete");
        CHECK_STR(s->json, "");
        h_wait_event(mark, kTIMConvEvent_Update, "peer", kTIMConv_C2C);
        conv = conv_info("peer", kTIMConv_C2C);
        CHECK_MSG(last_msg_is(conv, prev), "after deleting the last message, conv_last_msg is not %s: %.1000s", prev,
                  conv);
        free(conv);
        /* Deleting it again, or an unknown message: ERR_INVALID_PARAMETERS. */
        s = h_new_slot();
        CHECK_INT(h_await(TIMMsgDelete("peer", kTIMConv_C2C, del, h_comm_cb, s), s, "TIMMsgDelete again"),
                  ERR_INVALID_PARAMETERS);
        /* A message of another conversation. */
        free(del);
        del = delete_param(mg);
        s = h_new_slot();
        CHECK_INT(h_await(TIMMsgDelete("peer", kTIMConv_C2C, del, h_comm_cb, s), s, "TIMMsgDelete (other conv)"),
                  ERR_INVALID_PARAMETERS);
        free(del);
        free(prev);
    }
    free(list);
    list = h_msgs("peer", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(list), 5);
    free(list);
    /* The group message is still there. */
    list = h_msgs("team", kTIMConv_Group, NULL);
    CHECK_INT(h_json_len(list), 1);
    CHECK(h_msg_has_id(h_json_at(list, 0), idg));
    free(list);

    /* Deleting every message of a conversation one by one: no last message in the end. */
    {
        char* del = delete_param(mg);
        s = h_new_slot();
        h_await_ok(TIMMsgDelete("team", kTIMConv_Group, del, h_comm_cb, s), s, "TIMMsgDelete (only message)");
        free(del);
        conv = conv_info("team", kTIMConv_Group);
        CHECK_INT(h_json_bool(h_json_get(conv, kTIMConvIsHasLastMsg)), 0);
        free(conv);
    }

    free(m1);
    free(m2);
    free(m3);
    free(mg);
}

static void test_import_and_history(void) {
    char* items[IMPORT_COUNT + 1];
    char extra[256], id[64], text[64];
    char *array, *list, *param, *conv;
    h_slot* s;
    int i, mark, page, seen, expected_next, total;
    long long seq10, seq5, seq7;

    h_create("imp", kTIMConv_C2C);
    for (i = 0; i < IMPORT_COUNT; i++) {
        sprintf(id, "imp-%d", i);
        sprintf(text, "imported %d", i);
        sprintf(extra, "\"%s\":\"%s\",\"%s\":\"history-peer\",\"%s\":%lld,\"%s\":true", kTIMMsgMsgId, id,
                kTIMMsgSender, kTIMMsgServerTime, IMPORT_BASE_TIME + i, kTIMMsgIsRead);
        items[i] = h_msg_json(text, extra);
    }
    array = h_json_array_of(items, IMPORT_COUNT);
    mark = h_event_mark();
    s = h_new_slot();
    h_await_ok(TIMMsgImportMsgList("imp", kTIMConv_C2C, array, h_comm_cb, s), s, "TIMMsgImportMsgList (1000)");
    CHECK_STR(s->json, "");
    h_wait_event(mark, kTIMConvEvent_Update, "imp", kTIMConv_C2C);
    h_sleep_ms(300);
    CHECK_INT(h_count_events(mark, kTIMConvEvent_Update, "imp", kTIMConv_C2C), 1);
    CHECK_INT(h_count_events(mark, -1, "imp", kTIMConv_C2C), 1);
    conv = conv_info("imp", kTIMConv_C2C);
    CHECK_MSG(last_msg_is(conv, "imp-999"), "imp's last message is not imp-999: %.600s", conv);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
    free(conv);
    free(array);

    /* Importing again with one new message: the known IDs are skipped. */
    sprintf(extra, "\"%s\":\"imp-%d\",\"%s\":\"history-peer\",\"%s\":%lld,\"%s\":true", kTIMMsgMsgId, IMPORT_COUNT,
            kTIMMsgSender, kTIMMsgServerTime, IMPORT_BASE_TIME + IMPORT_COUNT, kTIMMsgIsRead);
    items[IMPORT_COUNT] = h_msg_json("imported last", extra);
    array = h_json_array_of(items, IMPORT_COUNT + 1);
    s = h_new_slot();
    h_await_ok(TIMMsgImportMsgList("imp", kTIMConv_C2C, array, h_comm_cb, s), s, "TIMMsgImportMsgList (again)");
    free(array);
    list = h_msgs("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":10000}");
    CHECK_INT(h_json_len(list), IMPORT_COUNT + 1);
    free(list);
    total = IMPORT_COUNT + 1;

    /* One bad element rejects the whole import: nothing changes. */
    {
        char* bad[3];
        bad[0] = h_msg_json("good", "\"message_msg_id\":\"imp-good-1\"");
        bad[1] = h_strdup("{\"message_elem_array\":[]}");
        bad[2] = h_msg_json("good", "\"message_msg_id\":\"imp-good-2\"");
        array = h_json_array_of(bad, 3);
        mark = h_event_mark();
        s = h_new_slot();
        CHECK_INT(TIMMsgImportMsgList("imp", kTIMConv_C2C, array, h_comm_cb, s), TIM_ERR_PARAM);
        CHECK_INT(TIMMsgImportMsgList("imp-new", kTIMConv_C2C, array, h_comm_cb, s), TIM_ERR_PARAM);
        free(array);
        free(bad[1]);
        bad[1] = h_strdup("{\"message_elem_array\":[{\"elem_type\":5}]}");
        array = h_json_array_of(bad, 3);
        CHECK_INT(TIMMsgImportMsgList("imp", kTIMConv_C2C, array, h_comm_cb, s), TIM_ERR_PARAM);
        free(array);
        CHECK_INT(TIMMsgImportMsgList("imp", kTIMConv_C2C, "[{\"message_elem_array\":[]", h_comm_cb, s),
                  TIM_ERR_JSON);
        CHECK_INT(TIMMsgImportMsgList("imp", kTIMConv_C2C, bad[0], h_comm_cb, s), TIM_ERR_PARAM);
        CHECK_INT(TIMMsgImportMsgList("imp", kTIMConv_C2C, NULL, h_comm_cb, s), TIM_ERR_PARAM);
        CHECK_INT(TIMMsgImportMsgList("imp", (enum TIMConvType)0, "[]", h_comm_cb, s), TIM_ERR_PARAM);
        for (i = 0; i < 3; i++) free(bad[i]);
        h_sleep_ms(100);
        CHECK_INT(h_event_mark(), mark);
        list = h_msgs("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":10000}");
        CHECK_INT(h_json_len(list), total);
        free(list);
        list = h_list();
        CHECK(h_json_find_conv(list, "imp-new", kTIMConv_C2C) == NULL);
        free(list);
    }
    for (i = 0; i <= IMPORT_COUNT; i++) free(items[i]);

    /* Defaults: the 20 newest, newest first (NULL, "", "{}"). */
    list = h_msgs("imp", kTIMConv_C2C, NULL);
    check_imp_run(list, IMPORT_COUNT, -1, 20, "NULL param");
    free(list);
    list = h_msgs("imp", kTIMConv_C2C, "");
    check_imp_run(list, IMPORT_COUNT, -1, 20, "\"\" param");
    free(list);
    list = h_msgs("imp", kTIMConv_C2C, "{}");
    check_imp_run(list, IMPORT_COUNT, -1, 20, "{} param");
    free(list);
    /* Every field filled, the unknown ones with 0 (as jsoncpp apps do): 0 is "not set". */
    list = h_msgs("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_last_msg_seq\":0,\"msg_getmsglist_param_count\":20}");
    check_imp_run(list, IMPORT_COUNT, -1, 20, "last_msg_seq 0");
    free(list);

    /* Backward paging with last_msg: each page is the next older one, no overlap, no gap. */
    param = h_strdup("{\"msg_getmsglist_param_count\":50}");
    expected_next = IMPORT_COUNT;
    seen = 0;
    for (page = 0; page < 100; page++) {
        int n;
        char extra_count[64];
        list = h_msgs("imp", kTIMConv_C2C, param);
        n = h_json_len(list);
        free(param);
        if (n == 0) {
            free(list);
            break;
        }
        CHECK_MSG(n == PAGE || seen + n == total, "page %d has %d messages", page, n);
        check_imp_run(list, expected_next, -1, n, "backward page");
        expected_next -= n;
        seen += n;
        sprintf(extra_count, "\"%s\":%d", kTIMMsgGetMsgListParamCount, PAGE);
        param = history_param(h_json_at(list, n - 1), extra_count);
        free(list);
    }
    CHECK_INT(seen, total);
    CHECK_INT(expected_next, -1);

    /* Forward: oldest first; from the oldest, or after a message (not included). */
    list = h_msgs("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_is_forward\":true,\"msg_getmsglist_param_count\":11}");
    check_imp_run(list, 0, 1, 11, "forward from the oldest");
    seq10 = h_json_get_int(h_json_at(list, 10), kTIMMsgSeq, -1);
    seq5 = h_json_get_int(h_json_at(list, 5), kTIMMsgSeq, -1);
    seq7 = h_json_get_int(h_json_at(list, 7), kTIMMsgSeq, -1);
    CHECK(seq10 > 0 && seq5 > 0 && seq7 > 0);
    param = history_param(h_json_at(list, 10), "\"msg_getmsglist_param_is_forward\":true,\"msg_getmsglist_param_count\":5");
    free(list);
    list = h_msgs("imp", kTIMConv_C2C, param);
    check_imp_run(list, 11, 1, 5, "forward after imp-10");
    free(list);
    free(param);

    /* last_msg_seq: starts at that message (included). */
    {
        char p[256];
        sprintf(p, "{\"%s\":%lld,\"%s\":3}", kTIMMsgGetMsgListParamLastMsgSeq, seq10, kTIMMsgGetMsgListParamCount);
        list = h_msgs("imp", kTIMConv_C2C, p);
        check_imp_run(list, 10, -1, 3, "backward from seq of imp-10");
        free(list);
        sprintf(p, "{\"%s\":[%lld,%lld,999999]}", kTIMMsgGetMsgListParamMessageSeqArray, seq5, seq7);
        list = h_msgs("imp", kTIMConv_C2C, p);
        CHECK_INT(h_json_len(list), 2);
        CHECK(imp_index(h_json_at(list, 0)) + imp_index(h_json_at(list, 1)) == 12);
        free(list);
        sprintf(p, "{\"%s\":%lld,\"%s\":4}", kTIMMsgGetMsgListParamTimeBegin, IMPORT_BASE_TIME + 10,
                kTIMMsgGetMsgListParamTimePeriod);
        /* As Tencent's getTimeBegin / getTimePeriod: backward (the default), back from begin. */
        check_imp_query(p, 10, -1, 5, "time window, backward");
        sprintf(p, "{\"%s\":%lld,\"%s\":4,\"%s\":true}", kTIMMsgGetMsgListParamTimeBegin, IMPORT_BASE_TIME + 10,
                kTIMMsgGetMsgListParamTimePeriod, kTIMMsgGetMsgListParamIsForward);
        check_imp_query(p, 10, 1, 5, "time window, forward");
        sprintf(p, "{\"%s\":%lld,\"%s\":3}", kTIMMsgGetMsgListParamTimeBegin, IMPORT_BASE_TIME + 10,
                kTIMMsgGetMsgListParamCount);
        check_imp_query(p, 10, -1, 3, "time begin alone, backward: everything up to it");
        /* Begin 0 is now: the period back from now reaches the newest imports only. */
        sprintf(p, "{\"%s\":%lld,\"%s\":3}", kTIMMsgGetMsgListParamTimePeriod,
                (long long)time(NULL) - (IMPORT_BASE_TIME + IMPORT_COUNT - 10), kTIMMsgGetMsgListParamCount);
        check_imp_query(p, IMPORT_COUNT, -1, 3, "a period back from now");
        sprintf(p, "{\"%s\":[%d]}", kTIMMsgGetMsgListMessageTypeArray, (int)kTIMElem_Custom);
        list = h_msgs("imp", kTIMConv_C2C, p);
        CHECK_INT(h_json_len(list), 0);
        free(list);
        sprintf(p, "{\"%s\":[%d],\"%s\":7}", kTIMMsgGetMsgListMessageTypeArray, (int)kTIMElem_Text,
                kTIMMsgGetMsgListParamCount);
        list = h_msgs("imp", kTIMConv_C2C, p);
        CHECK_INT(h_json_len(list), 7);
        free(list);
    }

    /* Errors. */
    s = h_new_slot();
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_C2C, "[]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":-1}", h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":10001}", h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_C2C, "{\"msg_getmsglist_param_is_forward\":\"yes\"}", h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_C2C,
                               "{\"msg_getmsglist_param_last_msg\":{\"message_elem_array\":[]}}", h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgGetMsgList(NULL, kTIMConv_C2C, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgGetMsgList("imp", kTIMConv_System, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    h_sleep_ms(100);
    CHECK_INT(s->calls, 0);
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgGetMsgList("imp", kTIMConv_C2C,
                                       "{\"msg_getmsglist_param_last_msg\":{\"message_elem_array\":[],"
                                       "\"message_msg_id\":\"no-such-message\"}}",
                                       h_comm_cb, s),
                      s, "TIMMsgGetMsgList (unknown last_msg)"),
              ERR_INVALID_PARAMETERS);
    CHECK_STR(s->json, "");
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgGetMsgList("no-such-conv", kTIMConv_C2C, NULL, h_comm_cb, s), s,
                      "TIMMsgGetMsgList (missing conversation)"),
              ERR_INVALID_CONVERSATION);
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgGetMsgList("peer", kTIMConv_C2C,
                                       "{\"msg_getmsglist_param_last_msg\":{\"message_elem_array\":[],"
                                       "\"message_msg_id\":\"imp-5\"}}",
                                       h_comm_cb, s),
                      s, "TIMMsgGetMsgList (last_msg of another conversation)"),
              ERR_INVALID_PARAMETERS);

    /* TIMMsgClearHistoryMessage: the conversation stays, without messages. */
    mark = h_event_mark();
    s = h_new_slot();
    h_await_ok(TIMMsgClearHistoryMessage("imp", kTIMConv_C2C, h_comm_cb, s), s, "TIMMsgClearHistoryMessage");
    CHECK_STR(s->json, "");
    h_wait_event(mark, kTIMConvEvent_Update, "imp", kTIMConv_C2C);
    conv = conv_info("imp", kTIMConv_C2C);
    CHECK_INT(h_json_bool(h_json_get(conv, kTIMConvIsHasLastMsg)), 0);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
    free(conv);
    list = h_msgs("imp", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(list), 0);
    free(list);
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgClearHistoryMessage("no-such-conv", kTIMConv_Group, h_comm_cb, s), s,
                      "TIMMsgClearHistoryMessage (missing)"),
              ERR_INVALID_CONVERSATION);
    CHECK_INT(TIMMsgClearHistoryMessage("", kTIMConv_C2C, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgClearHistoryMessage("imp", (enum TIMConvType)7, h_comm_cb, s), TIM_ERR_PARAM);
}

/* A receive callback that removes another one registered after it: that one must not get the
 * payload being delivered (the list is looked up again before each callback). */
static int remover_calls, victim_calls;

static void victim_recv_cb(const char* json_msg_array, const void* user_data) {
    (void)json_msg_array;
    (void)user_data;
    h_lock();
    victim_calls++;
    h_unlock();
}

static void remover_recv_cb(const char* json_msg_array, const void* user_data) {
    (void)json_msg_array;
    (void)user_data;
    TIMRemoveRecvNewMsgCallback(victim_recv_cb);
    h_lock();
    remover_calls++;
    h_unlock();
}

static void test_receive(void) {
    char* items[3];
    char *array, *stored, *conv, *list;
    int mark, batches, i, n;
    long long seq;

    /* Three messages from alice in one delivery: every receive callback gets them. */
    for (i = 0; i < 3; i++) {
        char text[32];
        sprintf(text, "from alice %d", i);
        items[i] = h_incoming_json("alice", kTIMConv_C2C, NULL, NULL, 0, text, NULL);
    }
    array = h_json_array_of(items, 3);
    mark = h_event_mark();
    batches = h_batch_mark();
    stored = h_deliver(array);
    CHECK_INT(h_json_len(stored), 3);
    for (i = 0; i < 3; i++) {
        const char* m = h_json_at(stored, i);
        char* v = h_json_get_string(m, kTIMMsgConvId);
        CHECK_STR(v, "alice");
        free(v);
        v = h_json_get_string(m, kTIMMsgSender);
        CHECK_STR(v, "alice");
        free(v);
        CHECK_INT(h_json_bool(h_json_get(m, kTIMMsgIsFormSelf)), 0);
        CHECK_INT(h_json_get_int(m, kTIMMsgSeq, -1), i + 1);
        CHECK(h_json_get(m, kTIMMsgMsgId) != NULL);
    }
    h_wait_recv(batches, 0, 3, NULL);
    h_wait_recv(batches, 1, 3, NULL);
    h_wait_recv(batches, 2, 3, NULL);
    CHECK_INT(h_count_batches(batches, 0, NULL), 1);
    CHECK_INT(h_count_batches(batches, 1, NULL), 1);
    CHECK_INT(h_count_batches(batches, 2, NULL), 1);
    h_wait_event(mark, kTIMConvEvent_Add, "alice", kTIMConv_C2C);
    conv = conv_info("alice", kTIMConv_C2C);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 3);
    free(conv);
    free(stored);
    free(array);
    for (i = 0; i < 3; i++) free(items[i]);

    /* Removing B by its pointer stops B only. NULL and unknown pointers are ignored. */
    TIMRemoveRecvNewMsgCallback(h_recv_cb_b);
    TIMRemoveRecvNewMsgCallback(h_recv_cb_b);
    TIMRemoveRecvNewMsgCallback(NULL);
    batches = h_batch_mark();
    CHECK_INT(h_deliver_one("alice", kTIMConv_C2C, NULL, NULL, 0, "after removing B", NULL), 1);
    h_wait_recv(batches, 0, 1, NULL);
    h_wait_recv(batches, 2, 1, NULL);
    h_sleep_ms(200);
    CHECK_INT(h_count_batches(batches, 1, NULL), 0);

    /* A message the user sent from elsewhere: stored and reported to the receive callbacks (A and
     * C are registered), never counted as unread. */
    batches = h_batch_mark();
    CHECK_INT(h_deliver_one(ME, kTIMConv_C2C, "alice", "own-elsewhere-1", 0, "mine, from another device", NULL), 1);
    h_wait_recv(batches, 0, 1, NULL);
    h_wait_recv(batches, 2, 1, NULL);
    h_sleep_ms(200);
    CHECK_INT(h_count_batches(batches, -1, NULL), 2);
    conv = conv_info("alice", kTIMConv_C2C);
    CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 4);
    CHECK_MSG(last_msg_is(conv, "own-elsewhere-1"), "alice's last message: %.600s", conv);
    free(conv);

    /* Duplicates: twice in one array, then again: stored and counted once. */
    items[0] = h_incoming_json("bob", kTIMConv_C2C, NULL, "dup-1", 0, "only once", NULL);
    items[1] = h_strdup(items[0]);
    array = h_json_array_of(items, 2);
    batches = h_batch_mark();
    stored = h_deliver(array);
    CHECK_INT(h_json_len(stored), 1);
    CHECK(h_msg_has_id(h_json_at(stored, 0), "dup-1"));
    free(stored);
    h_wait_recv(batches, 0, 1, NULL);
    batches = h_batch_mark();
    stored = h_deliver(array);
    CHECK_MSG(h_json_len(stored) == 0, "a duplicate was stored again: %.500s", stored);
    free(stored);
    h_sleep_ms(200);
    CHECK_INT(h_count_batches(batches, -1, NULL), 0);
    CHECK_INT(h_unread("bob", kTIMConv_C2C), 1);
    list = h_msgs("bob", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(list), 1);
    free(list);
    free(array);
    free(items[0]);
    free(items[1]);

    /* Excluded and already-read messages do not count. */
    CHECK_INT(h_deliver_one("bob", kTIMConv_C2C, NULL, NULL, 0, "excluded", "\"message_is_excluded_from_unread_count\":true"), 1);
    CHECK_INT(h_deliver_one("bob", kTIMConv_C2C, NULL, NULL, 0, "read", "\"message_is_read\":true"), 1);
    CHECK_INT(h_unread("bob", kTIMConv_C2C), 1);

    /* Re-entrancy: TIMConvGetConvList and TIMMsgSendMessage from inside a receive callback. */
    re_list_slot = h_new_slot();
    re_send_slot = h_new_slot();
    TIMAddRecvNewMsgCallback(reentrant_recv_cb, NULL);
    CHECK_INT(h_deliver_one("alice", kTIMConv_C2C, NULL, "trigger-1", 0, "trigger", NULL), 1);
    h_wait(re_list_slot);
    h_wait(re_send_slot);
    h_lock();
    i = re_list_rc == TIM_SUCC && re_send_rc == TIM_SUCC;
    h_unlock();
    CHECK_MSG(i, "calls inside the receive callback returned list=%d send=%d", re_list_rc, re_send_rc);
    CHECK_INT(re_list_slot->code, ERR_SUCC);
    CHECK_MSG(last_msg_is(h_json_find_conv(re_list_slot->json, "alice", kTIMConv_C2C), "trigger-1"),
              "the list made inside the callback does not show the received message: %.1000s", re_list_slot->json);
    CHECK_INT(re_send_slot->code, ERR_SUCC);
    CHECK_MSG(re_id_buf[0] != '\0' && h_msg_has_id(re_send_slot->json, re_id_buf),
              "the reply's ID buffer \"%s\" differs from its callback: %.500s", re_id_buf, re_send_slot->json);
    conv = conv_info("alice", kTIMConv_C2C);
    CHECK_MSG(last_msg_is(conv, re_id_buf), "alice's last message is not the reply: %.600s", conv);
    free(conv);
    TIMRemoveRecvNewMsgCallback(reentrant_recv_cb);

    /* A callback removed by an earlier callback of the same payload does not get it. */
    TIMAddRecvNewMsgCallback(remover_recv_cb, NULL);
    TIMAddRecvNewMsgCallback(victim_recv_cb, NULL);
    CHECK_INT(h_deliver_one("rm-peer", kTIMConv_C2C, NULL, "removal-1", 0, "removal", NULL), 1);
    for (i = 0; i < 200; i++) {
        int done;
        h_lock();
        done = remover_calls;
        h_unlock();
        if (done) break;
        h_sleep_ms(10);
    }
    h_sleep_ms(50);
    h_lock();
    i = remover_calls == 1 && victim_calls == 0;
    h_unlock();
    CHECK_MSG(i, "remover called %d times, the callback it removed %d times", remover_calls, victim_calls);
    TIMRemoveRecvNewMsgCallback(remover_recv_cb);

    /* @ mentions in a group: @me, @all, both; another user's mention adds nothing. */
    {
        char* at[4];
        at[0] = h_incoming_json("x", kTIMConv_Group, "g-at", "at-1", 0, "hi @me", "\"message_group_at_user_array\":[\"" ME "\"]");
        at[1] = h_incoming_json("x", kTIMConv_Group, "g-at", "at-2", 0, "hi @all",
                                "\"message_group_at_user_array\":[\"__kImSDK_MessageAtALL__\"]");
        at[2] = h_incoming_json("x", kTIMConv_Group, "g-at", "at-3", 0, "hi both",
                                "\"message_group_at_user_array\":[\"" ME "\",\"__kImSDK_MessageAtALL__\"]");
        at[3] = h_incoming_json("x", kTIMConv_Group, "g-at", "at-4", 0, "hi someone",
                                "\"message_group_at_user_array\":[\"someone-else\"]");
        array = h_json_array_of(at, 4);
        stored = h_deliver(array);
        CHECK_INT(h_json_len(stored), 4);
        conv = conv_info("g-at", kTIMConv_Group);
        CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 4);
        {
            const char* infos = h_json_get(conv, kTIMConvGroupAtInfoArray);
            CHECK_MSG(h_json_len(infos) == 3, "conv_group_at_info_array: %.600s", conv);
            for (i = 0; i < 3; i++) {
                const char* info = h_json_at(infos, i);
                seq = h_json_get_int(h_json_at(stored, i), kTIMMsgSeq, -1);
                CHECK_INT(h_json_get_int(info, kTIMGroupAtInfoSeq, -2), seq);
                CHECK_INT(h_json_get_int(info, kTIMGroupAtInfoAtType, -1),
                          i == 0 ? kTIMGroup_At_Me : i == 1 ? kTIMGroup_At_All : kTIMGroup_At_All_At_ME);
            }
        }
        free(conv);
        /* Reading clears the reminders. */
        {
            h_slot* s = h_new_slot();
            h_await_ok(TIMConvCleanConversationUnreadMessageCount("group_g-at", 0, 0, h_comm_cb, s), s,
                       "clean group_g-at");
        }
        conv = conv_info("g-at", kTIMConv_Group);
        CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
        CHECK_MSG(h_json_len(h_json_get(conv, kTIMConvGroupAtInfoArray)) == 0, "reminders left: %.600s", conv);
        free(conv);
        free(stored);
        free(array);
        for (i = 0; i < 4; i++) free(at[i]);
    }

    /* TIMConvDelete takes the messages with it: the conversation created again is empty. */
    mark = h_event_mark();
    CHECK_INT(h_delete("bob", kTIMConv_C2C), ERR_SUCC);
    h_wait_event(mark, kTIMConvEvent_Del, "bob", kTIMConv_C2C);
    h_create("bob", kTIMConv_C2C);
    list = h_msgs("bob", kTIMConv_C2C, NULL);
    CHECK_MSG(h_json_len(list) == 0, "the deleted conversation's messages came back: %.500s", list);
    free(list);
    CHECK_INT(h_unread("bob", kTIMConv_C2C), 0);
    /* Its message IDs are free again. */
    n = h_deliver_one("bob", kTIMConv_C2C, NULL, "dup-1", 0, "only once, again", NULL);
    CHECK_INT(n, 1);
}

/* TIM 5.x messages had no ID: its code names one by message_server_time with message_seq and/or
 * message_rand. TIMMsgGetMsgList, TIMMsgReportReaded and TIMMsgDelete take a message so named;
 * one named wrongly is refused and changes nothing. */
static void test_named_as_tim_5(void) {
    char* stored;
    char* list;
    h_slot* s;
    stored = h_deliver("[{\"message_sender\":\"five\",\"message_conv_type\":2,\"message_conv_id\":\"old5\","
                       "\"message_msg_id\":\"f1\",\"message_server_time\":500,\"message_seq\":1,"
                       "\"message_rand\":7,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"1\"}]},"
                       "{\"message_sender\":\"five\",\"message_conv_type\":2,\"message_conv_id\":\"old5\","
                       "\"message_msg_id\":\"f2\",\"message_server_time\":500,\"message_seq\":2,"
                       "\"message_rand\":8,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"2\"}]},"
                       "{\"message_sender\":\"five\",\"message_conv_type\":2,\"message_conv_id\":\"old5\","
                       "\"message_msg_id\":\"f3\",\"message_server_time\":500,\"message_seq\":3,"
                       "\"message_rand\":9,\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"3\"}]}]");
    CHECK_INT(h_json_len(stored), 3);
    free(stored);
    CHECK_INT(h_unread("old5", kTIMConv_Group), 3);

    /* Named wrongly: refused. */
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgReportReaded("old5", kTIMConv_Group, "{\"message_server_time\":500,\"message_seq\":4}",
                                         h_comm_cb, s),
                      s, "TIMMsgReportReaded (no such seq)"),
              ERR_INVALID_PARAMETERS);
    s = h_new_slot();
    CHECK_INT(h_await(TIMMsgDelete("old5", kTIMConv_Group,
                                   "{\"msg_delete_param_msg\":{\"message_server_time\":501,\"message_seq\":3}}",
                                   h_comm_cb, s),
                      s, "TIMMsgDelete (another second)"),
              ERR_INVALID_PARAMETERS);
    CHECK_INT(TIMMsgReportReaded("old5", kTIMConv_Group, "{\"message_seq\":2,\"message_rand\":8}", h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgDelete("old5", kTIMConv_Group, "{\"msg_delete_param_msg\":{\"message_server_time\":500}}",
                           h_comm_cb, s),
              TIM_ERR_PARAM);
    CHECK_INT(h_unread("old5", kTIMConv_Group), 3);

    /* History after the message of sequence 2: the one of sequence 1. */
    list = h_msgs("old5", kTIMConv_Group,
                  "{\"msg_getmsglist_param_last_msg\":{\"message_server_time\":500,\"message_seq\":2}}");
    CHECK_INT(h_json_len(list), 1);
    CHECK(h_msg_has_id(h_json_at(list, 0), "f1"));
    free(list);

    /* Read up to the message of random number 8 (sequence 2): one unread left. */
    s = h_new_slot();
    h_await_ok(TIMMsgReportReaded("old5", kTIMConv_Group, "{\"message_server_time\":500,\"message_rand\":8}",
                                  h_comm_cb, s),
               s, "TIMMsgReportReaded (located)");
    CHECK_INT(h_unread("old5", kTIMConv_Group), 1);

    /* Delete the newest by time, sequence and random number: f2 is the last message again. */
    s = h_new_slot();
    h_await_ok(TIMMsgDelete("old5", kTIMConv_Group,
                            "{\"msg_delete_param_msg\":{\"message_server_time\":500,\"message_seq\":3,"
                            "\"message_rand\":9}}",
                            h_comm_cb, s),
               s, "TIMMsgDelete (located)");
    {
        char* conv = conv_info("old5", kTIMConv_Group);
        CHECK_MSG(last_msg_is(conv, "f2"), "after deleting f3, conv_last_msg is not f2: %.1000s", conv);
        CHECK_INT(h_json_get_int(conv, kTIMConvUnReadNum, -1), 0);
        free(conv);
    }
    list = h_msgs("old5", kTIMConv_Group, NULL);
    CHECK_INT(h_json_len(list), 2);
    free(list);

    /* `{}` names no message, as NULL: the whole conversation is read. */
    CHECK_INT(h_deliver_one("five", kTIMConv_Group, "old5", "f4", 0, "4", NULL), 1);
    CHECK_INT(h_unread("old5", kTIMConv_Group), 1);
    s = h_new_slot();
    h_await_ok(TIMMsgReportReaded("old5", kTIMConv_Group, "{}", h_comm_cb, s), s, "TIMMsgReportReaded ({})");
    CHECK_INT(h_unread("old5", kTIMConv_Group), 0);
}

static void test_errors(void) {
    h_slot* s;
    char buf[128];
    int cb0, ev0, b0;
    char* list_before;
    char* list_after;
    static const char* const bad_messages[] = {
        "{}",
        "[]",
        "{\"message_elem_array\":[]}",
        "{\"message_elem_array\":{}}",
        "{\"message_elem_array\":[{\"elem_type\":5}]}",
        "{\"message_elem_array\":[{\"elem_type\":8}]}",
        "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"},{\"elem_type\":5}]}",
        "{\"message_elem_array\":[{\"elem_type\":99}]}",
        "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_seq\":-1}",
    };
    static const char* const bad_deliveries[] = {
        /* no sender */
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_conv_type\":1}]",
        /* empty sender */
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"\","
        "\"message_conv_type\":1}]",
        /* no type, type 0, type 3 */
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"ghost\"}]",
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"ghost\","
        "\"message_conv_type\":0}]",
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"ghost\","
        "\"message_conv_type\":3}]",
        /* a group message without its group */
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"ghost\","
        "\"message_conv_type\":2}]",
        /* a group tips elem */
        "[{\"message_elem_array\":[{\"elem_type\":5}],\"message_sender\":\"ghost\",\"message_conv_type\":1}]",
        /* one good, one bad: nothing is delivered */
        "[{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"ghost\","
        "\"message_conv_type\":1},{\"message_elem_array\":[],\"message_sender\":\"ghost\",\"message_conv_type\":1}]",
        /* not an array */
        "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}],\"message_sender\":\"ghost\","
        "\"message_conv_type\":1}",
    };
    size_t k;

    list_before = h_list();
    cb0 = h_total();
    ev0 = h_event_mark();
    b0 = h_batch_mark();
    s = h_new_slot();
    strcpy(buf, "unchanged");

    /* Send and save. */
    CHECK_INT(TIMMsgSendMessage("peer", kTIMConv_C2C, "not json", buf, h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgSendMessage("peer", kTIMConv_C2C, "", buf, h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgSendNewMsg("peer", kTIMConv_C2C, "{\"message_elem_array\":", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgSaveMsg("peer", kTIMConv_C2C, "nope", h_comm_cb, s), TIM_ERR_JSON);
    for (k = 0; k < sizeof bad_messages / sizeof bad_messages[0]; k++) {
        int rc1 = TIMMsgSendMessage("peer", kTIMConv_C2C, bad_messages[k], buf, h_comm_cb, s);
        int rc2 = TIMMsgSendNewMsg("peer", kTIMConv_C2C, bad_messages[k], h_comm_cb, s);
        int rc3 = TIMMsgSaveMsg("peer", kTIMConv_C2C, bad_messages[k], h_comm_cb, s);
        CHECK_MSG(rc1 == TIM_ERR_PARAM && rc2 == TIM_ERR_PARAM && rc3 == TIM_ERR_PARAM,
                  "message %s: send %d, send-new %d, save %d; expected TIM_ERR_PARAM", bad_messages[k], rc1, rc2,
                  rc3);
    }
    CHECK_INT(TIMMsgSendMessage("peer", kTIMConv_C2C, NULL, buf, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSendMessage(NULL, kTIMConv_C2C, TEXT_MSG, buf, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSendMessage("", kTIMConv_C2C, TEXT_MSG, buf, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSendMessage("\xff\xfe", kTIMConv_C2C, TEXT_MSG, buf, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSendMessage("peer", kTIMConv_Invalid, TEXT_MSG, buf, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSendMessage("peer", kTIMConv_System, TEXT_MSG, buf, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSendNewMsg("peer", (enum TIMConvType)-1, TEXT_MSG, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSaveMsg(NULL, kTIMConv_C2C, TEXT_MSG, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgSaveMsg("peer", kTIMConv_C2C, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_STR(buf, "unchanged");

    /* Delete. */
    CHECK_INT(TIMMsgDelete("peer", kTIMConv_C2C, "{\"msg_delete_param_msg\":", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMMsgDelete("peer", kTIMConv_C2C, "{}", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgDelete("peer", kTIMConv_C2C, "[]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgDelete("peer", kTIMConv_C2C, "{\"msg_delete_param_msg\":{\"message_elem_array\":[]}}", h_comm_cb,
                           s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgDelete("peer", kTIMConv_C2C,
                           "{\"msg_delete_param_msg\":{\"message_elem_array\":[],\"message_msg_id\":\"\"}}", h_comm_cb,
                           s),
              TIM_ERR_PARAM);
    CHECK_INT(TIMMsgDelete("peer", kTIMConv_C2C, NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMMsgDelete(NULL, kTIMConv_C2C, "{\"msg_delete_param_msg\":{\"message_elem_array\":[],"
                                               "\"message_msg_id\":\"x\"}}",
                           h_comm_cb, s),
              TIM_ERR_PARAM);

    /* Deliver. */
    CHECK_INT(TIMExtDeliverIncomingMessages("[{", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMExtDeliverIncomingMessages("", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMExtDeliverIncomingMessages(NULL, h_comm_cb, s), TIM_ERR_PARAM);
    for (k = 0; k < sizeof bad_deliveries / sizeof bad_deliveries[0]; k++) {
        int rc = TIMExtDeliverIncomingMessages(bad_deliveries[k], h_comm_cb, s);
        CHECK_MSG(rc == TIM_ERR_PARAM, "delivery %s returned %d, expected TIM_ERR_PARAM", bad_deliveries[k], rc);
    }

    check_quiet(cb0, ev0, b0, "rejected message calls");
    list_after = h_list();
    CHECK_MSG(strcmp(list_before, list_after) == 0, "rejected calls changed the list:\nbefore: %.2000s\nafter:  %.2000s",
              list_before, list_after);
    CHECK(h_json_find_conv(list_after, "ghost", kTIMConv_C2C) == NULL);
    free(list_before);
    free(list_after);
    CHECK_INT(s->calls, 0);

    /* An empty delivery is accepted and stores nothing. */
    s = h_new_slot();
    h_await_ok(TIMExtDeliverIncomingMessages("[]", h_comm_cb, s), s, "empty delivery");
    CHECK_STR(s->json, "[]");
}

int main(int argc, char** argv) {
    char* list;
    int mark;

    h_setup(argc, argv);

    /* Receive callbacks may be registered before TIMInit; registering A again replaces its
     * user_data. */
    TIMAddRecvNewMsgCallback(h_recv_cb_a, H_RECV_USER_DATA(1));
    TIMAddRecvNewMsgCallback(h_recv_cb_b, H_RECV_USER_DATA(1));
    TIMAddRecvNewMsgCallback(h_recv_cb_c, H_RECV_USER_DATA(2));
    TIMAddRecvNewMsgCallback(h_recv_cb_a, H_RECV_USER_DATA(0));
    TIMAddRecvNewMsgCallback(NULL, NULL);

    check_all_calls(TIM_ERR_SDKUNINIT, "before TIMInit");
    CHECK_INT(h_init(), TIM_SUCC);
    TIMSetConvEventCallback(h_event_cb, H_EVENT_USER_DATA);
    check_all_calls(TIM_ERR_NOTLOGIN, "not logged in");
    h_sleep_ms(100);
    CHECK_INT(h_total(), 0);

    h_login(ME);
    test_send();
    test_import_and_history();
    test_receive();
    test_named_as_tim_5();
    test_errors();

    /* Everything survives TIMUninit / TIMInit: history and receive registrations. */
    CHECK_INT(TIMUninit(), TIM_SUCC);
    CHECK_INT(h_init(), TIM_SUCC);
    h_login(ME);
    list = h_msgs("peer", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(list), 5);
    free(list);
    list = h_msgs("alice", kTIMConv_C2C, "{\"msg_getmsglist_param_count\":100}");
    CHECK_INT(h_json_len(list), 7);
    free(list);
    CHECK_INT(h_unread("alice", kTIMConv_C2C), 5);
    mark = h_batch_mark();
    CHECK_INT(h_deliver_one("carol", kTIMConv_C2C, NULL, NULL, 0, "after restart", NULL), 1);
    h_wait_recv(mark, 0, 1, NULL);
    h_wait_recv(mark, 2, 1, NULL);
    CHECK_INT(h_count_batches(mark, 1, NULL), 0);

    TIMRemoveRecvNewMsgCallback(h_recv_cb_a);
    TIMRemoveRecvNewMsgCallback(h_recv_cb_c);
    TIMSetConvEventCallback(NULL, NULL);
    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);
    h_check_no_bad_user_data();
    printf("messages: OK\n");
    return 0;
}
