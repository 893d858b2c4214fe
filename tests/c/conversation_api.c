/*
 * conversation_api.c: the newer conversation calls, one test each, with their happy paths, their
 * error codes (synchronous and through the callback) and the JSON of their callbacks.
 *
 * - TIMConvGetConvInfo: request order, missing conversations left out, parameter errors.
 * - TIMConvPinConversation: pinned first in their relative order (pinning 2 and 3 of 1..5 gives
 *   2,3,1,4,5), conv_is_pinned, bit 62 of conv_active_time, Update events, 6004, the 51st pin
 *   (6017), any non-zero byte as `is_pinned` pins.
 * - TIMConvGetConversationListByFilter: pages concatenate to TIMConvGetConvList, every filter key
 *   (conv type, group / "" group, mark / 0 mark, has unread, has @), NULL/"" filter, next_seq
 *   reuse, unknown next_seq (6017), count 1..1000, parameter errors; and walks that stay
 *   consistent while messages, pins, unpins and deletions reorder the list between pages.
 * - TIMConvDeleteConversationList: per-ID results (6004), Del events, clear_message false keeps
 *   the messages and the conversation comes back on a message / draft / create, clear_message
 *   true deletes them, at most 100 IDs, malformed IDs.
 * - TIMConvSetConversationCustomData: 256 bytes (257: 6017), 101 IDs (51006), NULL clears.
 * - TIMConvMarkConversation: conv_mark_array, set and clear, allowed bits, 51006, and the limit of
 *   1000 marked-or-grouped conversations (51008 per item), shared with conversation groups.
 * - Conversation groups: create / list / rename / add / remove / delete, their five callbacks
 *   (after commit, before the call's callback; JSON arrays of prefixed IDs), 51009, 51010, 51011,
 *   6017, an empty ID array, conv_conversation_group_array.
 * - Unread counts by filter: the count (muted conversations left out), subscriptions (the filter
 *   string exactly as subscribed, only on change, one subscription per set of conditions),
 *   unsubscribing, errors.
 * - Every new call returns TIM_ERR_NOTLOGIN before login and TIM_ERR_SDKUNINIT after TIMUninit;
 *   pins, marks, custom data and groups survive TIMUninit / TIMInit.
 *
 * Each test logs in as its own user, so that it starts from an empty store.
 *
 * Usage: conversation_api <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1
 * otherwise.
 */
#include "harness.h"

#define PINNED_BIT (1ULL << 62)
#define BIT(n) (1ULL << (n))

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* The description of the last callback waited for by the wrappers below. */
static char last_desc[1024];

static void remember_desc(const h_slot* s) {
    snprintf(last_desc, sizeof last_desc, "%s", s->desc ? s->desc : "");
}

/* Reads an unsigned 64-bit JSON integer (h_json_int stops at INT64_MAX). */
static int json_u64(const char* v, unsigned long long* out) {
    char* end;
    v = h_json_ws(v);
    if (v == NULL || *v < '0' || *v > '9') return 0;
    errno = 0;
    *out = strtoull(v, &end, 10);
    return errno == 0 && end != v && *end != '.' && *end != 'e' && *end != 'E';
}

static unsigned long long get_u64(const char* obj, const char* key) {
    unsigned long long n = 0;
    const char* v = obj != NULL ? h_json_get(obj, key) : NULL;
    CHECK_MSG(v != NULL && json_u64(v, &n), "no unsigned %s in %.800s", key, obj ? obj : "(null)");
    return n;
}

/* A malloc'd JSON array of conversation IDs "<prefix><stem><k>" for k in [from, to). */
static char* ids_range(const char* prefix, const char* stem, int from, int to) {
    size_t cap = 16 + (size_t)(to > from ? to - from : 0) * (strlen(prefix) + strlen(stem) + 16);
    char* out = (char*)malloc(cap);
    char* o = out;
    int k;
    if (out == NULL) FAIL("out of memory");
    *o++ = '[';
    for (k = from; k < to; k++) o += sprintf(o, "%s\"%s%s%d\"", k > from ? "," : "", prefix, stem, k);
    strcpy(o, "]");
    return out;
}

/* The conversation IDs of a ConvInfo array as one string "id/type id/type ...", for messages
 * and comparisons. */
static char* conv_names(const char* arr) {
    int i, n = h_json_len(arr);
    size_t cap = 16;
    char *out, *o;
    CHECK_MSG(n >= 0, "not an array: %.500s", arr);
    for (i = 0; i < n; i++) {
        const char* v = h_json_get(h_json_at(arr, i), kTIMConvId);
        const char* end = v ? h_json_skip(v) : NULL;
        cap += (end && v ? (size_t)(end - v) : 0) + 8;
    }
    out = (char*)malloc(cap);
    if (out == NULL) FAIL("out of memory");
    o = out;
    *o = '\0';
    for (i = 0; i < n; i++) {
        const char* conv = h_json_at(arr, i);
        char* id = h_json_get_string(conv, kTIMConvId);
        long long type = h_json_get_int(conv, kTIMConvType, -1);
        CHECK_MSG(id != NULL, "ConvInfo without conv_id: %.500s", conv);
        o += sprintf(o, "%s%s/%lld", i > 0 ? " " : "", id, type);
        free(id);
    }
    return out;
}

/* Checks that the ConvInfo array `arr` names exactly `expected` ("id/type id/type ..."). */
#define CHECK_CONVS(arr, expected) check_convs_at((arr), (expected), __FILE__, __LINE__)
static void check_convs_at(const char* arr, const char* expected, const char* file, int line) {
    char* names = conv_names(arr);
    if (strcmp(names, expected) != 0) h_fail(file, line, "conversations are \"%s\", expected \"%s\"", names, expected);
    free(names);
}

/* Checks an array of TIMConversationOperationResult: n results with these IDs and codes; the
 * info is "" for 0 and not empty otherwise. */
#define CHECK_RESULTS(json, n, ids, codes) check_results_at((json), (n), (ids), (codes), __FILE__, __LINE__)
static void check_results_at(const char* json, int n, const char* const* ids, const int* codes, const char* file,
                             int line) {
    int i;
    if (h_json_len(json) != n) h_fail(file, line, "expected %d operation results, got: %.1500s", n, json);
    for (i = 0; i < n; i++) {
        const char* r = h_json_at(json, i);
        const char* id = h_json_get(r, kTIMConversationOperationResultConversationID);
        long long code = h_json_get_int(r, kTIMConversationOperationResultResultCode, -12345);
        char* info = h_json_get_string(r, kTIMConversationOperationResultResultInfo);
        if (id == NULL || !h_json_str_eq(id, ids[i]))
            h_fail(file, line, "result %d is not for \"%s\": %.1500s", i, ids[i], json);
        if (code != codes[i]) h_fail(file, line, "result %d (%s) has code %lld, expected %d: %.1500s", i, ids[i], code,
                                     codes[i], json);
        if (info == NULL) h_fail(file, line, "result %d has no result_info: %.1500s", i, json);
        if ((codes[i] == 0) != (info[0] == '\0'))
            h_fail(file, line, "result %d: result_info \"%s\" does not fit code %d", i, info, codes[i]);
        free(info);
    }
}

/* Checks that every one of `n` results has `code`. */
static void check_all_codes(const char* json, int n, int code) {
    int i;
    CHECK_MSG(h_json_len(json) == n, "expected %d results, got %.300s", n, json);
    for (i = 0; i < n; i++) {
        long long c = h_json_get_int(h_json_at(json, i), kTIMConversationOperationResultResultCode, -1);
        CHECK_MSG(c == code, "result %d has code %lld, expected %d", i, c, code);
    }
}

/* Whether the JSON array of strings `arr` is exactly `expected` (given as a JSON text without
 * spaces, e.g. "[\"a\",\"b\"]"), compared element by element. */
static int string_array_eq(const char* arr, const char* expected) {
    int i, n = h_json_len(arr);
    if (n != h_json_len(expected)) return 0;
    for (i = 0; i < n; i++) {
        char* a = h_json_string(h_json_at(arr, i));
        char* b = h_json_string(h_json_at(expected, i));
        int eq = a != NULL && b != NULL && strcmp(a, b) == 0;
        free(a);
        free(b);
        if (!eq) return 0;
    }
    return 1;
}

#define CHECK_STRINGS(arr, expected)                                                                  \
    CHECK_MSG((arr) != NULL && string_array_eq((arr), (expected)), "%s is %.800s, expected %s", #arr, \
              (arr) ? (arr) : "(null)", (expected))

/* Waits a little; checks that no callback at all arrived since `callbacks_before`. */
static void check_no_callback(int callbacks_before, const char* what) {
    h_sleep_ms(100);
    CHECK_MSG(h_total() == callbacks_before, "%s: a rejected call ran a callback", what);
}

/* Logs in as a fresh user (each test has its own store). */
static void switch_user(const char* user) {
    if (TIMGetLoginStatus() == kTIMLoginStatus_Logined) h_logout();
    h_login(user);
}

/* Creates conversations "<stem><k>" for k = to-1 down to from, so that the list starts with
 * <stem><from>, <stem><from+1>, ... */
static void create_descending(const char* stem, int type, int from, int to) {
    int k;
    for (k = to - 1; k >= from; k--) {
        char id[64];
        sprintf(id, "%s%d", stem, k);
        h_create(id, type);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Wrappers that wait for the callback                                                        */
/* ------------------------------------------------------------------------------------------ */

static char* get_conv_info(const char* param) {
    h_slot* s = h_new_slot();
    h_await_ok(TIMConvGetConvInfo(param, h_comm_cb, s), s, "TIMConvGetConvInfo");
    CHECK_MSG(h_json_len(s->json) >= 0, "TIMConvGetConvInfo JSON is not an array: %.500s", s->json);
    return h_strdup(s->json);
}

/* The ConvInfo of one conversation (malloc'd), or NULL if it does not exist. */
static char* info_of(const char* conv_id, int type) {
    char param[512];
    char* arr;
    char* out = NULL;
    sprintf(param, "[{\"%s\":\"%s\",\"%s\":%d}]", kTIMGetConversationListParamConvId, conv_id,
            kTIMGetConversationListParamConvType, type);
    arr = get_conv_info(param);
    if (h_json_len(arr) == 1) {
        CHECK(h_json_is_conv(h_json_at(arr, 0), conv_id, type));
        out = h_json_dup_value(h_json_at(arr, 0));
    } else {
        CHECK_MSG(h_json_len(arr) == 0, "TIMConvGetConvInfo of one conversation: %.500s", arr);
    }
    free(arr);
    return out;
}

static int32_t pin(const char* conv_id, int type, bool pinned) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvPinConversation(conv_id, (enum TIMConvType)type, pinned, h_comm_cb, s), s,
                           "TIMConvPinConversation");
    remember_desc(s);
    CHECK_STR(s->json, "");
    return code;
}

/* One page; on success stores the list (malloc'd), next_seq and is_finished. */
static int32_t page(const char* filter, uint64_t seq, uint32_t count, char** list, uint64_t* next, int* finished) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvGetConversationListByFilter(filter, seq, count, h_comm_cb, s), s,
                           "TIMConvGetConversationListByFilter");
    const char *l, *f;
    remember_desc(s);
    if (code != ERR_SUCC) {
        CHECK_STR(s->json, "");
        return code;
    }
    l = h_json_get(s->json, TIMConversationListResultConvList);
    f = h_json_get(s->json, TIMConversationListResultIsFinished);
    CHECK_MSG(l != NULL && h_json_len(l) >= 0, "no conv list in %.500s", s->json);
    CHECK_MSG(h_json_len(l) <= (int)count, "a page of %d for count %u", h_json_len(l), count);
    CHECK_MSG(f != NULL && h_json_bool(f) >= 0, "no is_finished in %.500s", s->json);
    *next = get_u64(s->json, TIMConversationListResultNextSeq);
    CHECK_MSG(*next != 0, "next_seq is 0");
    *finished = h_json_bool(f);
    *list = h_json_dup_value(l);
    return code;
}

/* Walks a filter from next_seq 0 in pages of `count`; returns the names of every conversation
 * returned, in order (malloc'd, as conv_names). */
static char* walk(const char* filter, uint32_t count) {
    uint64_t seq = 0, next;
    int finished = 0, pages = 0;
    size_t cap = 64, len = 0;
    char* all = (char*)malloc(cap);
    if (all == NULL) FAIL("out of memory");
    all[0] = '\0';
    while (!finished) {
        char *list, *names;
        CHECK_INT(page(filter, seq, count, &list, &next, &finished), ERR_SUCC);
        names = conv_names(list);
        if (len + strlen(names) + 2 > cap) {
            cap = (len + strlen(names) + 2) * 2;
            all = (char*)realloc(all, cap);
            if (all == NULL) FAIL("out of memory");
        }
        if (names[0] != '\0') len += (size_t)sprintf(all + len, "%s%s", len > 0 ? " " : "", names);
        if (!finished) CHECK_MSG(h_json_len(list) == (int)count, "a short page (%d) that is not the last", h_json_len(list));
        free(names);
        free(list);
        seq = next;
        CHECK_MSG(++pages < 100000, "the walk does not end");
    }
    return all;
}

/* The names of the whole list from TIMConvGetConvList. */
static char* list_names(void) {
    char* list = h_list();
    char* names = conv_names(list);
    free(list);
    return names;
}

static int32_t delete_list(const char* ids, bool clear, char** results) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvDeleteConversationList(ids, clear, h_comm_cb, s), s, "TIMConvDeleteConversationList");
    remember_desc(s);
    *results = h_strdup(s->json);
    return code;
}

static int32_t custom_data(const char* ids, const char* data, char** results) {
    h_slot* s = h_new_slot();
    int32_t code =
        h_await(TIMConvSetConversationCustomData(ids, data, h_comm_cb, s), s, "TIMConvSetConversationCustomData");
    remember_desc(s);
    *results = h_strdup(s->json);
    return code;
}

static int32_t mark(const char* ids, uint64_t bits, bool enable, char** results) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvMarkConversation(ids, bits, enable, h_comm_cb, s), s, "TIMConvMarkConversation");
    remember_desc(s);
    *results = h_strdup(s->json);
    return code;
}

static long long unread_by_filter(const char* filter) {
    h_slot* s = h_new_slot();
    long long n;
    h_await_ok(TIMConvGetUnreadMessageCountByFilter(filter, h_comm_cb, s), s, "TIMConvGetUnreadMessageCountByFilter");
    n = h_json_get_int(s->json, kTIMConvGetTotalUnreadMessageCountResultUnreadCount, -1);
    CHECK_MSG(n >= 0, "no unread count in %.300s", s->json);
    return n;
}

static int32_t group_create(const char* name, const char* ids, char** results) {
    h_slot* s = h_new_slot();
    int32_t code =
        h_await(TIMConvCreateConversationGroup(name, ids, h_comm_cb, s), s, "TIMConvCreateConversationGroup");
    remember_desc(s);
    *results = h_strdup(s->json);
    return code;
}

static char* group_list(void) {
    h_slot* s = h_new_slot();
    h_await_ok(TIMConvGetConversationGroupList(h_comm_cb, s), s, "TIMConvGetConversationGroupList");
    CHECK_MSG(h_json_len(s->json) >= 0, "group list is not an array: %.300s", s->json);
    return h_strdup(s->json);
}

static int32_t group_delete(const char* name) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvDeleteConversationGroup(name, h_comm_cb, s), s, "TIMConvDeleteConversationGroup");
    remember_desc(s);
    CHECK_STR(s->json, "");
    return code;
}

static int32_t group_rename(const char* old_name, const char* new_name) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvRenameConversationGroup(old_name, new_name, h_comm_cb, s), s,
                           "TIMConvRenameConversationGroup");
    remember_desc(s);
    CHECK_STR(s->json, "");
    return code;
}

static int32_t group_add(const char* name, const char* ids, char** results) {
    h_slot* s = h_new_slot();
    int32_t code =
        h_await(TIMConvAddConversationsToGroup(name, ids, h_comm_cb, s), s, "TIMConvAddConversationsToGroup");
    remember_desc(s);
    *results = h_strdup(s->json);
    return code;
}

static int32_t group_remove(const char* name, const char* ids, char** results) {
    h_slot* s = h_new_slot();
    int32_t code = h_await(TIMConvDeleteConversationsFromGroup(name, ids, h_comm_cb, s), s,
                           "TIMConvDeleteConversationsFromGroup");
    remember_desc(s);
    *results = h_strdup(s->json);
    return code;
}

/* ------------------------------------------------------------------------------------------ */
/* Group and by-filter callbacks                                                              */
/* ------------------------------------------------------------------------------------------ */

enum { G_CREATED = 1, G_DELETED, G_RENAMED, G_ADDED, G_REMOVED };

typedef struct {
    int kind;
    char* a; /* group name / old name */
    char* b; /* conversation array / new name / NULL */
    const void* user_data;
    int on_caller_thread;
} g_rec;

#define G_MAX 256
static g_rec g_recs[G_MAX];
static int g_count;
static int g_tags[6];
#define G_USER_DATA(kind) ((const void*)&g_tags[(kind)])

static void g_record(int kind, const char* a, const char* b, const void* user_data) {
    int on_main = pthread_equal(pthread_self(), h_main_thread);
    h_lock();
    if (g_count < G_MAX) {
        g_rec* r = &g_recs[g_count++];
        r->kind = kind;
        r->a = h_strdup(a ? a : "(null)");
        r->b = b ? h_strdup(b) : NULL;
        r->user_data = user_data;
        r->on_caller_thread = on_main;
    }
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

static void on_group_created(const char* group_name, const char* conversation_array, const void* user_data) {
    g_record(G_CREATED, group_name, conversation_array ? conversation_array : "(null)", user_data);
}
static void on_group_deleted(const char* group_name, const void* user_data) {
    g_record(G_DELETED, group_name, NULL, user_data);
}
static void on_group_renamed(const char* old_name, const char* new_name, const void* user_data) {
    g_record(G_RENAMED, old_name, new_name ? new_name : "(null)", user_data);
}
static void on_added_to_group(const char* group_name, const char* conversation_array, const void* user_data) {
    g_record(G_ADDED, group_name, conversation_array ? conversation_array : "(null)", user_data);
}
static void on_deleted_from_group(const char* group_name, const char* conversation_array, const void* user_data) {
    g_record(G_REMOVED, group_name, conversation_array ? conversation_array : "(null)", user_data);
}

static void register_group_callbacks(void) {
    TIMSetConvConversationGroupCreatedCallback(on_group_created, G_USER_DATA(G_CREATED));
    TIMSetConvConversationGroupDeletedCallback(on_group_deleted, G_USER_DATA(G_DELETED));
    TIMSetConvConversationGroupNameChangedCallback(on_group_renamed, G_USER_DATA(G_RENAMED));
    TIMSetConvConversationsAddedToGroupCallback(on_added_to_group, G_USER_DATA(G_ADDED));
    TIMSetConvConversationsDeletedFromGroupCallback(on_deleted_from_group, G_USER_DATA(G_REMOVED));
}

static int g_mark(void) {
    int n;
    h_lock();
    n = g_count;
    h_unlock();
    return n;
}

/* Checks that exactly one group callback arrived since `mark` (it must already be there: group
 * callbacks run before the callback of the call that caused them), of `kind`, with these strings
 * (`b` compared as a JSON string array for the array kinds). */
#define CHECK_GROUP_CB(mark, kind, a, b) check_group_cb_at((mark), (kind), (a), (b), __FILE__, __LINE__)
static void check_group_cb_at(int mark, int kind, const char* a, const char* b, const char* file, int line) {
    g_rec r;
    int n;
    h_lock();
    n = g_count - mark;
    if (n == 1) r = g_recs[mark];
    h_unlock();
    if (n != 1) h_fail(file, line, "%d group callbacks since the mark, expected 1 of kind %d", n, kind);
    if (r.kind != kind) h_fail(file, line, "group callback of kind %d, expected %d", r.kind, kind);
    if (r.user_data != G_USER_DATA(kind)) h_fail(file, line, "group callback %d got the wrong user_data", kind);
    if (r.on_caller_thread) h_fail(file, line, "group callback ran on the calling (main) thread");
    if (strcmp(r.a, a) != 0) h_fail(file, line, "group callback %d: name \"%s\", expected \"%s\"", kind, r.a, a);
    if (kind == G_DELETED) {
        if (r.b != NULL) h_fail(file, line, "deleted callback with a second string");
    } else if (kind == G_RENAMED) {
        if (r.b == NULL || strcmp(r.b, b) != 0) h_fail(file, line, "renamed to \"%s\", expected \"%s\"", r.b, b);
    } else if (r.b == NULL || !string_array_eq(r.b, b)) {
        h_fail(file, line, "group callback %d: conversation_array %s, expected %s", kind, r.b ? r.b : "(null)", b);
    }
}

static void check_no_group_cb(int mark, const char* what) {
    h_sleep_ms(100);
    CHECK_MSG(g_mark() == mark, "%s: a group callback ran", what);
}

typedef struct {
    char* filter;
    int total;
    const void* user_data;
    int on_caller_thread;
} f_rec;

#define F_MAX 256
static f_rec f_recs[F_MAX];
static int f_count;
static int f_tag;
#define F_USER_DATA ((const void*)&f_tag)

static void on_filter_unread(const char* filter, int total_unread_count, const void* user_data) {
    int on_main = pthread_equal(pthread_self(), h_main_thread);
    h_lock();
    if (f_count < F_MAX) {
        f_rec* r = &f_recs[f_count++];
        r->filter = h_strdup(filter ? filter : "(null)");
        r->total = total_unread_count;
        r->user_data = user_data;
        r->on_caller_thread = on_main;
    }
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

static int f_mark(void) {
    int n;
    h_lock();
    n = f_count;
    h_unlock();
    return n;
}

/* Waits for the by-filter callback number `index` and checks it. */
#define CHECK_FILTER_CB(index, filter, total) check_filter_cb_at((index), (filter), (total), __FILE__, __LINE__)
static void check_filter_cb_at(int index, const char* filter, int total, const char* file, int line) {
    struct timespec deadline = h_deadline(H_TIMEOUT_SECONDS);
    f_rec r;
    h_lock();
    while (f_count <= index) {
        if (!h_cond_wait_until(&deadline)) {
            h_unlock();
            h_fail(file, line, "timed out waiting for by-filter report %d (\"%s\" = %d)", index, filter, total);
        }
    }
    r = f_recs[index];
    h_unlock();
    if (strcmp(r.filter, filter) != 0)
        h_fail(file, line, "by-filter report %d: filter \"%s\", expected \"%s\"", index, r.filter, filter);
    if (r.total != total) h_fail(file, line, "by-filter report %d: total %d, expected %d", index, r.total, total);
    if (r.user_data != F_USER_DATA) h_fail(file, line, "by-filter callback got the wrong user_data");
    if (r.on_caller_thread) h_fail(file, line, "by-filter callback ran on the calling (main) thread");
}

/* ------------------------------------------------------------------------------------------ */
/* TIMConvGetConvInfo                                                                         */
/* ------------------------------------------------------------------------------------------ */

static void test_get_conv_info(void) {
    char param[1024];
    char* arr;
    int cb0;
    h_slot* s = h_new_slot();
    static const char* const bad_params[] = {
        "{}",
        "[1]",
        "[{\"get_conversation_list_param_conv_id\":\"a\"}]",
        "[{\"get_conversation_list_param_conv_type\":1}]",
        "[{\"get_conversation_list_param_conv_id\":\"a\",\"get_conversation_list_param_conv_type\":0}]",
        "[{\"get_conversation_list_param_conv_id\":\"a\",\"get_conversation_list_param_conv_type\":3}]",
        "[{\"get_conversation_list_param_conv_id\":\"\",\"get_conversation_list_param_conv_type\":1}]",
        "[{\"get_conversation_list_param_conv_id\":5,\"get_conversation_list_param_conv_type\":1}]",
    };
    size_t k;

    switch_user("info-user");
    h_create("a1", kTIMConv_C2C);
    h_create("g1", kTIMConv_Group);
    h_create("same", kTIMConv_C2C);
    h_create("same", kTIMConv_Group);

    /* Request order; missing conversations are left out. */
    sprintf(param, "[{\"%s\":\"g1\",\"%s\":2},{\"%s\":\"nobody\",\"%s\":1},{\"%s\":\"a1\",\"%s\":1},"
                   "{\"%s\":\"g1\",\"%s\":1}]",
            kTIMGetConversationListParamConvId, kTIMGetConversationListParamConvType,
            kTIMGetConversationListParamConvId, kTIMGetConversationListParamConvType,
            kTIMGetConversationListParamConvId, kTIMGetConversationListParamConvType,
            kTIMGetConversationListParamConvId, kTIMGetConversationListParamConvType);
    arr = get_conv_info(param);
    CHECK_CONVS(arr, "g1/2 a1/1");
    CHECK_INT(h_json_get_int(h_json_at(arr, 1), kTIMConvUnReadNum, -1), 0);
    CHECK_INT(h_json_bool(h_json_get(h_json_at(arr, 1), kTIMConvIsPinned)), 0);
    free(arr);

    /* The type is part of the key. */
    sprintf(param, "[{\"%s\":\"same\",\"%s\":2}]", kTIMGetConversationListParamConvId,
            kTIMGetConversationListParamConvType);
    arr = get_conv_info(param);
    CHECK_CONVS(arr, "same/2");
    free(arr);

    arr = get_conv_info("[]");
    CHECK_STR(arr, "[]");
    free(arr);

    /* Synchronous errors run no callback. */
    cb0 = h_total();
    CHECK_INT(TIMConvGetConvInfo(NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvGetConvInfo("not json", h_comm_cb, s), TIM_ERR_JSON);
    for (k = 0; k < sizeof bad_params / sizeof bad_params[0]; k++) {
        int rc = TIMConvGetConvInfo(bad_params[k], h_comm_cb, s);
        CHECK_MSG(rc == TIM_ERR_PARAM, "TIMConvGetConvInfo(%s) returned %d, expected TIM_ERR_PARAM", bad_params[k], rc);
    }
    check_no_callback(cb0, "TIMConvGetConvInfo errors");
    printf("  get_conv_info: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* TIMConvPinConversation                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void test_pin(void) {
    char *list, *names, *info;
    unsigned long long before, after;
    int i, ev, cb0;
    h_slot* s = h_new_slot();
    h_slot* last;

    switch_user("pin-user");
    create_descending("l", kTIMConv_C2C, 1, 6);
    names = list_names();
    CHECK_STR(names, "l1/1 l2/1 l3/1 l4/1 l5/1");
    free(names);
    info = info_of("l2", kTIMConv_C2C);
    before = get_u64(info, kTIMConvActiveTime);
    CHECK_MSG((before & PINNED_BIT) == 0, "unpinned conv_active_time %llu has bit 62", before);
    free(info);

    /* Pinning 2 and 3 of 1..5 gives 2,3,1,4,5. */
    ev = h_event_mark();
    CHECK_INT(pin("l2", kTIMConv_C2C, true), ERR_SUCC);
    h_wait_event(ev, kTIMConvEvent_Update, "l2", kTIMConv_C2C);
    CHECK_INT(pin("l3", kTIMConv_C2C, true), ERR_SUCC);
    names = list_names();
    CHECK_STR(names, "l2/1 l3/1 l1/1 l4/1 l5/1");
    free(names);
    info = info_of("l2", kTIMConv_C2C);
    after = get_u64(info, kTIMConvActiveTime);
    CHECK_INT(h_json_bool(h_json_get(info, kTIMConvIsPinned)), 1);
    CHECK_MSG(after == (before | PINNED_BIT), "pinned conv_active_time %llu, expected %llu (bit 62 + the old value)",
              after, before | PINNED_BIT);
    free(info);
    info = info_of("l1", kTIMConv_C2C);
    CHECK_INT(h_json_bool(h_json_get(info, kTIMConvIsPinned)), 0);
    CHECK((get_u64(info, kTIMConvActiveTime) & PINNED_BIT) == 0);
    free(info);
    /* The Update event carries the pinned state. */
    list = h_list();
    CHECK_INT(h_json_bool(h_json_get(h_json_find_conv(list, "l3", kTIMConv_C2C), kTIMConvIsPinned)), 1);
    free(list);

    /* Pinning again changes nothing and succeeds. */
    CHECK_INT(pin("l2", kTIMConv_C2C, true), ERR_SUCC);
    names = list_names();
    CHECK_STR(names, "l2/1 l3/1 l1/1 l4/1 l5/1");
    free(names);

    /* A new message moves a pinned conversation up among the pinned ones only. */
    free(h_send("l3", kTIMConv_C2C, "up", NULL));
    names = list_names();
    CHECK_STR(names, "l3/1 l2/1 l1/1 l4/1 l5/1");
    free(names);
    free(h_send("l5", kTIMConv_C2C, "up", NULL));
    names = list_names();
    CHECK_STR(names, "l3/1 l2/1 l5/1 l1/1 l4/1");
    free(names);

    /* Unpinning puts it back by its order key. */
    ev = h_event_mark();
    CHECK_INT(pin("l2", kTIMConv_C2C, false), ERR_SUCC);
    h_wait_event(ev, kTIMConvEvent_Update, "l2", kTIMConv_C2C);
    names = list_names();
    CHECK_STR(names, "l3/1 l5/1 l1/1 l2/1 l4/1");
    free(names);
    info = info_of("l2", kTIMConv_C2C);
    CHECK_INT(h_json_bool(h_json_get(info, kTIMConvIsPinned)), 0);
    CHECK_MSG(get_u64(info, kTIMConvActiveTime) == before, "unpinned conv_active_time changed");
    free(info);
    CHECK_INT(pin("l2", kTIMConv_C2C, false), ERR_SUCC);
    CHECK_INT(pin("l3", kTIMConv_C2C, false), ERR_SUCC);
    names = list_names();
    CHECK_STR(names, "l5/1 l3/1 l1/1 l2/1 l4/1");
    free(names);

    /* A caller built against a header where bool is unsigned char (TIM's pure-C typedef) may
     * pass any non-zero byte for true. */
    {
        typedef int (*byte_bool_pin)(const char*, enum TIMConvType, unsigned char, TIMCommCallback, const void*);
        byte_bool_pin pin_byte = (byte_bool_pin)(void (*)(void))TIMConvPinConversation;
        h_slot* b = h_new_slot();
        h_await_ok(pin_byte("l4", kTIMConv_C2C, 4, h_comm_cb, b), b, "pin with the byte 4");
        info = info_of("l4", kTIMConv_C2C);
        CHECK_INT(h_json_bool(h_json_get(info, kTIMConvIsPinned)), 1);
        free(info);
        b = h_new_slot();
        h_await_ok(pin_byte("l4", kTIMConv_C2C, 0, h_comm_cb, b), b, "unpin with the byte 0");
        names = list_names();
        CHECK_STR(names, "l5/1 l3/1 l1/1 l2/1 l4/1");
        free(names);
    }

    /* Missing conversation: 6004. */
    CHECK_INT(pin("nobody", kTIMConv_C2C, true), ERR_INVALID_CONVERSATION);
    CHECK_INT(pin("l1", kTIMConv_Group, true), ERR_INVALID_CONVERSATION);

    /* At most 50 pinned: pin 50 (NULL callbacks; calls complete in order), the 51st fails. */
    for (i = 0; i < 51; i++) {
        char id[32];
        sprintf(id, "p%d", i);
        CHECK_INT(TIMConvCreate(id, kTIMConv_Group, NULL, NULL), TIM_SUCC);
    }
    for (i = 0; i < 50; i++) {
        char id[32];
        sprintf(id, "p%d", i);
        CHECK_INT(TIMConvPinConversation(id, kTIMConv_Group, true, NULL, NULL), TIM_SUCC);
    }
    CHECK_INT(pin("p50", kTIMConv_Group, true), ERR_INVALID_PARAMETERS);
    CHECK_MSG(strstr(last_desc, "50") != NULL, "the 51st pin's desc does not name the limit: \"%s\"", last_desc);
    list = h_list();
    for (i = 0; i < h_json_len(list); i++) {
        const char* conv = h_json_at(list, i);
        CHECK_INT(h_json_bool(h_json_get(conv, kTIMConvIsPinned)), i < 50);
    }
    CHECK_INT(h_json_bool(h_json_get(h_json_find_conv(list, "p50", kTIMConv_Group), kTIMConvIsPinned)), 0);
    free(list);
    /* Unpinning one makes room. */
    CHECK_INT(pin("p0", kTIMConv_Group, false), ERR_SUCC);
    CHECK_INT(pin("p50", kTIMConv_Group, true), ERR_SUCC);
    CHECK_INT(pin("p0", kTIMConv_Group, true), ERR_INVALID_PARAMETERS);
    for (i = 1; i <= 50; i++) {
        char id[32];
        sprintf(id, "p%d", i);
        CHECK_INT(TIMConvPinConversation(id, kTIMConv_Group, false, NULL, NULL), TIM_SUCC);
    }
    last = h_new_slot();
    h_await_ok(TIMConvPinConversation("l1", kTIMConv_C2C, false, h_comm_cb, last), last, "TIMConvPinConversation");
    list = h_list();
    for (i = 0; i < h_json_len(list); i++) CHECK_INT(h_json_bool(h_json_get(h_json_at(list, i), kTIMConvIsPinned)), 0);
    free(list);

    /* Synchronous errors. */
    cb0 = h_total();
    CHECK_INT(TIMConvPinConversation(NULL, kTIMConv_C2C, true, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvPinConversation("", kTIMConv_C2C, true, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvPinConversation("l1", kTIMConv_Invalid, true, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvPinConversation("l1", kTIMConv_System, true, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvPinConversation("l1", (enum TIMConvType)99, true, h_comm_cb, s), TIM_ERR_PARAM);
    check_no_callback(cb0, "TIMConvPinConversation errors");
    printf("  pin: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* TIMConvGetConversationListByFilter                                                         */
/* ------------------------------------------------------------------------------------------ */

static void test_list_by_filter(void) {
    char filter[512];
    char *names, *all, *list, *results, *again, *ids;
    uint64_t next, next2;
    int finished, cb0;
    char* groupmsg;
    h_slot* s = h_new_slot();
    static const char* const bad_filters[] = {
        "[1]",
        "5",
        "{\"conversation_list_filter_conv_type\":3}",
        "{\"conversation_list_filter_conv_type\":\"x\"}",
        "{\"conversation_list_filter_conv_type\":-1}",
        "{\"conversation_list_filter_conversation_group\":5}",
        "{\"conversation_list_filter_mark_type\":-1}",
        "{\"conversation_list_filter_has_unread_count\":\"yes\"}",
        "{\"conversation_list_filter_has_group_at_info\":1}",
    };
    size_t k;

    switch_user("filter-user");
    /* f0..f5 C2C and fg0..fg2 groups, created so that the list is f0 f1 ... then older ones. */
    create_descending("fg", kTIMConv_Group, 0, 3);
    create_descending("f", kTIMConv_C2C, 0, 6);
    /* f1: Star; f2: Star + bit 40; f3: in group "fgroup"; f4: unread; fg0: @me; fg1: unread. */
    ids = ids_range("c2c_", "f", 1, 3);
    CHECK_INT(mark(ids, kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
    free(ids);
    free(results);
    CHECK_INT(mark("[\"c2c_f2\"]", BIT(40), true, &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_create("fgroup", "[\"c2c_f3\"]", &results), ERR_SUCC);
    free(results);
    /* Incoming messages move f4, fg1 and fg0 to the top, in this order: fg0 fg1 f4 ... */
    CHECK_INT(h_deliver_one("f4", kTIMConv_C2C, NULL, "f4-1", 0, "hi", NULL), 1);
    CHECK_INT(h_deliver_one("someone", kTIMConv_Group, "fg1", "fg1-1", 0, "hi", NULL), 1);
    groupmsg = h_incoming_json("someone", kTIMConv_Group, "fg0", "fg0-1", 0, "@you",
                               "\"message_group_at_user_array\":[\"filter-user\"]");
    {
        char* arr = h_json_array_of(&groupmsg, 1);
        free(h_deliver(arr));
        free(arr);
    }
    free(groupmsg);

    all = list_names();
    CHECK_STR(all, "fg0/2 fg1/2 f4/1 f0/1 f1/1 f2/1 f3/1 f5/1 fg2/2");

    /* No filter (NULL, "", "{}", conv type 0): the pages concatenate to the whole list. */
    names = walk(NULL, 2);
    CHECK_STR(names, all);
    free(names);
    names = walk("", 4);
    CHECK_STR(names, all);
    free(names);
    names = walk("{}", 1);
    CHECK_STR(names, all);
    free(names);
    names = walk("{\"conversation_list_filter_conv_type\":0}", 1000);
    CHECK_STR(names, all);
    free(names);
    /* A page that ends exactly at the end is finished; one that does not is not. */
    CHECK_INT(page(NULL, 0, 9, &list, &next, &finished), ERR_SUCC);
    CHECK_INT(finished, 1);
    CHECK_INT(h_json_len(list), 9);
    free(list);
    CHECK_INT(page(NULL, 0, 8, &list, &next, &finished), ERR_SUCC);
    CHECK_INT(finished, 0);
    free(list);
    CHECK_INT(page(NULL, next, 8, &list, &next2, &finished), ERR_SUCC);
    CHECK_CONVS(list, "fg2/2");
    CHECK_INT(finished, 1);
    free(list);
    /* After the end: empty and finished. */
    CHECK_INT(page(NULL, next2, 8, &list, &next, &finished), ERR_SUCC);
    CHECK_STR(list, "[]");
    CHECK_INT(finished, 1);
    free(list);

    /* A next_seq may be used again: the same page. */
    CHECK_INT(page(NULL, 0, 3, &list, &next, &finished), ERR_SUCC);
    free(list);
    CHECK_INT(page(NULL, next, 3, &list, &next2, &finished), ERR_SUCC);
    CHECK_INT(page(NULL, next, 3, &again, &next2, &finished), ERR_SUCC);
    CHECK_STR(again, list);
    CHECK_CONVS(list, "f0/1 f1/1 f2/1");
    free(list);
    free(again);

    /* Conversation type. */
    names = walk("{\"conversation_list_filter_conv_type\":2}", 2);
    CHECK_STR(names, "fg0/2 fg1/2 fg2/2");
    free(names);
    names = walk("{\"conversation_list_filter_conv_type\":1}", 100);
    CHECK_STR(names, "f4/1 f0/1 f1/1 f2/1 f3/1 f5/1");
    free(names);

    /* Conversation group: a name, or "" for the conversations in no group. */
    names = walk("{\"conversation_list_filter_conversation_group\":\"fgroup\"}", 100);
    CHECK_STR(names, "f3/1");
    free(names);
    names = walk("{\"conversation_list_filter_conversation_group\":\"\"}", 3);
    CHECK_STR(names, "fg0/2 fg1/2 f4/1 f0/1 f1/1 f2/1 f5/1 fg2/2");
    free(names);
    names = walk("{\"conversation_list_filter_conversation_group\":\"no such group\"}", 3);
    CHECK_STR(names, "");
    free(names);

    /* Marks: all of the bits; 0 for the unmarked conversations. */
    names = walk("{\"conversation_list_filter_mark_type\":1}", 100);
    CHECK_STR(names, "f1/1 f2/1");
    free(names);
    sprintf(filter, "{\"conversation_list_filter_mark_type\":%llu}", BIT(40) | 1ULL);
    names = walk(filter, 100);
    CHECK_STR(names, "f2/1");
    free(names);
    sprintf(filter, "{\"conversation_list_filter_mark_type\":%llu}", BIT(40) | 4ULL);
    names = walk(filter, 100);
    CHECK_STR(names, "");
    free(names);
    names = walk("{\"conversation_list_filter_mark_type\":0}", 100);
    CHECK_STR(names, "fg0/2 fg1/2 f4/1 f0/1 f3/1 f5/1 fg2/2");
    free(names);

    /* Unread and @: true filters, false does not. */
    names = walk("{\"conversation_list_filter_has_unread_count\":true}", 100);
    CHECK_STR(names, "fg0/2 fg1/2 f4/1");
    free(names);
    names = walk("{\"conversation_list_filter_has_unread_count\":false}", 100);
    CHECK_STR(names, all);
    free(names);
    names = walk("{\"conversation_list_filter_has_group_at_info\":true}", 100);
    CHECK_STR(names, "fg0/2");
    free(names);
    names = walk("{\"conversation_list_filter_has_group_at_info\":false}", 100);
    CHECK_STR(names, all);
    free(names);

    /* Conditions combine. */
    names = walk("{\"conversation_list_filter_conv_type\":2,\"conversation_list_filter_has_unread_count\":true,"
                 "\"conversation_list_filter_has_group_at_info\":false}",
                 1);
    CHECK_STR(names, "fg0/2 fg1/2");
    free(names);
    names = walk("{\"conversation_list_filter_conv_type\":1,\"conversation_list_filter_mark_type\":0,"
                 "\"conversation_list_filter_conversation_group\":\"\",\"unknown_key\":[1,2]}",
                 2);
    CHECK_STR(names, "f4/1 f0/1 f5/1");
    free(names);

    /* An unknown next_seq: 6017 through the callback. */
    CHECK_INT(page(NULL, 987654321ULL, 10, &list, &next, &finished), ERR_INVALID_PARAMETERS);
    CHECK_MSG(last_desc[0] != '\0', "no desc for an unknown next_seq");
    CHECK_INT(page(NULL, UINT64_MAX, 10, &list, &next, &finished), ERR_INVALID_PARAMETERS);

    /* A next_seq of an earlier login is unknown. */
    CHECK_INT(page(NULL, 0, 2, &list, &next, &finished), ERR_SUCC);
    free(list);
    h_logout();
    h_login("filter-user");
    CHECK_INT(page(NULL, next, 2, &list, &next2, &finished), ERR_INVALID_PARAMETERS);

    /* count 1..1000. */
    CHECK_INT(page(NULL, 0, 1000, &list, &next, &finished), ERR_SUCC);
    CHECK_INT(h_json_len(list), 9);
    free(list);
    cb0 = h_total();
    CHECK_INT(TIMConvGetConversationListByFilter(NULL, 0, 0, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvGetConversationListByFilter(NULL, 0, 1001, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvGetConversationListByFilter(NULL, 0, UINT32_MAX, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvGetConversationListByFilter("not json", 0, 10, h_comm_cb, s), TIM_ERR_JSON);
    for (k = 0; k < sizeof bad_filters / sizeof bad_filters[0]; k++) {
        int rc = TIMConvGetConversationListByFilter(bad_filters[k], 0, 10, h_comm_cb, s);
        CHECK_MSG(rc == TIM_ERR_PARAM, "filter %s returned %d, expected TIM_ERR_PARAM", bad_filters[k], rc);
    }
    check_no_callback(cb0, "TIMConvGetConversationListByFilter errors");
    free(all);
    printf("  list_by_filter: OK\n");
}

/* Walks while the list changes between pages. Expected: nothing twice; every conversation that
 * kept its place exactly once; one that moved up past the walk's position (message, draft, pin)
 * not returned (again); a deleted one not returned. */
static void test_walk_while_changing(void) {
    char *list, *names, *results, *draft;
    uint64_t next;
    int finished;

    switch_user("walk-user");
    create_descending("w", kTIMConv_C2C, 1, 13);
    CHECK_INT(pin("w1", kTIMConv_C2C, true), ERR_SUCC);
    CHECK_INT(pin("w2", kTIMConv_C2C, true), ERR_SUCC);
    CHECK_INT(pin("w3", kTIMConv_C2C, true), ERR_SUCC);
    names = list_names();
    CHECK_STR(names, "w1/1 w2/1 w3/1 w4/1 w5/1 w6/1 w7/1 w8/1 w9/1 w10/1 w11/1 w12/1");
    free(names);

    CHECK_INT(page(NULL, 0, 2, &list, &next, &finished), ERR_SUCC);
    CHECK_CONVS(list, "w1/1 w2/1");
    CHECK_INT(finished, 0);
    free(list);

    /* Unpin w1 (returned before the walk's position) and w3 (not returned yet): w1 moves down
     * past the walk and must not come again; w3 moves down but stays ahead of the walk and must
     * come once. (Unpinning w2, where the walk stands, is test_unpin_at_walk_position.) */
    CHECK_INT(pin("w1", kTIMConv_C2C, false), ERR_SUCC);
    CHECK_INT(pin("w3", kTIMConv_C2C, false), ERR_SUCC);
    names = list_names();
    CHECK_STR(names, "w2/1 w1/1 w3/1 w4/1 w5/1 w6/1 w7/1 w8/1 w9/1 w10/1 w11/1 w12/1");
    free(names);
    CHECK_INT(page(NULL, next, 2, &list, &next, &finished), ERR_SUCC);
    CHECK_CONVS(list, "w3/1 w4/1");
    CHECK_INT(finished, 0);
    free(list);

    /* Now the walk stands at w4. A message to w5 and a pin of w10 (not returned yet) move them up
     * past the walk; a draft on w4 (returned) moves it up too; w7 and w8 are deleted (without and
     * with their messages). */
    free(h_send("w5", kTIMConv_C2C, "moves up", NULL));
    draft = h_draft_json("draft", "", 1);
    CHECK_INT(TIMConvSetDraft("w4", kTIMConv_C2C, draft), TIM_SUCC);
    free(draft);
    CHECK_INT(pin("w10", kTIMConv_C2C, true), ERR_SUCC);
    CHECK_INT(delete_list("[\"c2c_w7\"]", false, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    CHECK_INT(delete_list("[\"c2c_w8\"]", true, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    CHECK_INT(page(NULL, next, 2, &list, &next, &finished), ERR_SUCC);
    CHECK_CONVS(list, "w6/1 w9/1");
    CHECK_INT(finished, 0);
    free(list);

    /* A message to w6 (returned): it moves up and is not returned again. */
    free(h_send("w6", kTIMConv_C2C, "moves up", NULL));
    CHECK_INT(page(NULL, next, 2, &list, &next, &finished), ERR_SUCC);
    CHECK_CONVS(list, "w11/1 w12/1");
    CHECK_INT(finished, 1);
    free(list);

    /* A fresh walk sees the list as it is. */
    names = walk(NULL, 3);
    list = list_names();
    CHECK_STR(names, list);
    CHECK_STR(names, "w2/1 w10/1 w6/1 w4/1 w5/1 w1/1 w3/1 w9/1 w11/1 w12/1");
    free(names);
    free(list);
    printf("  walk_while_changing: OK\n");
}

/* Unpinning the conversation a walk stands on (the last one it returned) moves it down past the
 * walk: it must not be returned again. */
static void test_unpin_at_walk_position(void) {
    char *list, *names;
    uint64_t next;
    int finished;

    switch_user("walk2-user");
    create_descending("v", kTIMConv_C2C, 1, 5);
    CHECK_INT(pin("v1", kTIMConv_C2C, true), ERR_SUCC);
    CHECK_INT(pin("v2", kTIMConv_C2C, true), ERR_SUCC);
    CHECK_INT(page(NULL, 0, 2, &list, &next, &finished), ERR_SUCC);
    CHECK_CONVS(list, "v1/1 v2/1");
    free(list);
    CHECK_INT(pin("v2", kTIMConv_C2C, false), ERR_SUCC);
    CHECK_INT(page(NULL, next, 10, &list, &next, &finished), ERR_SUCC);
    CHECK_INT(finished, 1);
    names = conv_names(list);
    CHECK_STR(names, "v3/1 v4/1");
    free(names);
    free(list);
    printf("  unpin_at_walk_position: done\n");
}

/* ------------------------------------------------------------------------------------------ */
/* TIMConvDeleteConversationList                                                              */
/* ------------------------------------------------------------------------------------------ */

static void test_delete_conversation_list(void) {
    char *results, *list, *msgs, *info, *ids;
    int ev, cb0, tmark;
    long long total;
    char d1_msg_id[128];
    h_slot* s = h_new_slot();
    static const char* const ids4[] = {"c2c_d1", "c2c_d2", "group_dg", "c2c_missing"};
    static const int codes4[] = {0, 0, 0, ERR_INVALID_CONVERSATION};
    static const char* const bad_ids[] = {
        "{}", "[1]", "[\"d1\"]", "[\"c2c_\"]", "[\"group_\"]", "[\"foo_x\"]", "[\"C2C_d1\"]", "[\"c2c_d1\",5]", "[null]",
    };
    size_t k;

    switch_user("delete-user");
    free(h_send("d1", kTIMConv_C2C, "mine", d1_msg_id));
    CHECK_INT(h_deliver_one("d2", kTIMConv_C2C, NULL, "d2-1", 0, "from d2", NULL), 1);
    h_create("dg", kTIMConv_Group);
    h_create("keep", kTIMConv_C2C);
    CHECK_INT(pin("d1", kTIMConv_C2C, true), ERR_SUCC);
    CHECK_INT(mark("[\"c2c_d2\"]", kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_create("dgroup", "[\"c2c_d2\",\"c2c_keep\"]", &results), ERR_SUCC);
    free(results);
    total = h_total_unread();
    CHECK_INT(total, 1);

    /* clear_message false: per-ID results, Del events, gone from every list and call. */
    ev = h_event_mark();
    tmark = h_total_mark();
    CHECK_INT(delete_list("[\"c2c_d1\",\"c2c_d2\",\"group_dg\",\"c2c_missing\"]", false, &results), ERR_SUCC);
    CHECK_RESULTS(results, 4, ids4, codes4);
    free(results);
    h_wait_event(ev, kTIMConvEvent_Del, "d1", kTIMConv_C2C);
    h_wait_event(ev, kTIMConvEvent_Del, "d2", kTIMConv_C2C);
    h_wait_event(ev, kTIMConvEvent_Del, "dg", kTIMConv_Group);
    h_wait_total(tmark, 0);
    list = h_list();
    CHECK_CONVS(list, "keep/1");
    free(list);
    CHECK_INT(h_total_unread(), 0);
    info = info_of("d1", kTIMConv_C2C);
    CHECK(info == NULL);
    CHECK_INT(pin("d1", kTIMConv_C2C, true), ERR_INVALID_CONVERSATION);
    CHECK_INT(unread_by_filter(NULL), 0);
    CHECK_INT(delete_list("[\"c2c_d1\"]", false, &results), ERR_SUCC);
    {
        static const char* const one[] = {"c2c_d1"};
        static const int missing[] = {ERR_INVALID_CONVERSATION};
        CHECK_RESULTS(results, 1, one, missing);
    }
    free(results);
    /* Every other call treats it as missing, too. */
    {
        h_slot* g = h_new_slot();
        CHECK_INT(h_await(TIMMsgGetMsgList("d1", kTIMConv_C2C, NULL, h_comm_cb, g), g, "TIMMsgGetMsgList"),
                  ERR_INVALID_CONVERSATION);
        CHECK_INT(TIMConvCancelDraft("d1", kTIMConv_C2C), TIM_ERR_CONV);
    }
    /* A deleted (hidden) conversation can still be deleted with its messages. */
    free(h_send("d3", kTIMConv_C2C, "to be cleared", NULL));
    CHECK_INT(delete_list("[\"c2c_d3\"]", false, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    CHECK_INT(delete_list("[\"c2c_d3\"]", true, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    CHECK_INT(delete_list("[\"c2c_d3\"]", true, &results), ERR_SUCC);
    check_all_codes(results, 1, ERR_INVALID_CONVERSATION);
    free(results);
    h_create("d3", kTIMConv_C2C);
    msgs = h_msgs("d3", kTIMConv_C2C, NULL);
    CHECK_STR(msgs, "[]");
    free(msgs);
    CHECK_INT(delete_list("[\"c2c_d3\"]", true, &results), ERR_SUCC);
    free(results);
    /* The group lost d2 but kept "keep". */
    {
        char* names = walk("{\"conversation_list_filter_conversation_group\":\"dgroup\"}", 10);
        CHECK_STR(names, "keep/1");
        free(names);
    }

    /* A new message brings d1 back, with its old message; pin and marks are gone. */
    ev = h_event_mark();
    free(h_send("d1", kTIMConv_C2C, "again", NULL));
    h_wait_event(ev, kTIMConvEvent_Add, "d1", kTIMConv_C2C);
    msgs = h_msgs("d1", kTIMConv_C2C, NULL);
    CHECK_INT(h_json_len(msgs), 2);
    CHECK(h_msg_has_id(h_json_at(msgs, 1), d1_msg_id));
    free(msgs);
    info = info_of("d1", kTIMConv_C2C);
    CHECK(info != NULL);
    CHECK_INT(h_json_bool(h_json_get(info, kTIMConvIsPinned)), 0);
    free(info);
    /* A draft brings d2 back: its message is there but read; no mark, no group. */
    {
        char* draft = h_draft_json("draft", "", 1);
        ev = h_event_mark();
        CHECK_INT(TIMConvSetDraft("d2", kTIMConv_C2C, draft), TIM_SUCC);
        free(draft);
        h_wait_event(ev, kTIMConvEvent_Add, "d2", kTIMConv_C2C);
    }
    info = info_of("d2", kTIMConv_C2C);
    CHECK(info != NULL);
    CHECK_INT(h_json_get_int(info, kTIMConvUnReadNum, -1), 0);
    CHECK(h_msg_has_id(h_json_get(info, kTIMConvLastMsg), "d2-1"));
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvMarkArray)), 0);
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvConversationGroupArray)), 0);
    free(info);
    /* TIMConvCreate brings dg back. */
    ev = h_event_mark();
    h_create("dg", kTIMConv_Group);
    h_wait_event(ev, kTIMConvEvent_Add, "dg", kTIMConv_Group);
    list = h_list();
    CHECK_CONVS(list, "dg/2 d2/1 d1/1 keep/1");
    free(list);

    /* clear_message true: the messages go too. */
    CHECK_INT(delete_list("[\"c2c_d1\"]", true, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    h_create("d1", kTIMConv_C2C);
    msgs = h_msgs("d1", kTIMConv_C2C, NULL);
    CHECK_STR(msgs, "[]");
    free(msgs);
    info = info_of("d1", kTIMConv_C2C);
    CHECK_INT(h_json_bool(h_json_get(info, kTIMConvIsHasLastMsg)), 0);
    free(info);

    /* 100 IDs are fine (all missing here); 101 are TIM_ERR_PARAM; an empty array is fine. */
    ids = ids_range("c2c_", "nobody", 0, 100);
    CHECK_INT(delete_list(ids, false, &results), ERR_SUCC);
    check_all_codes(results, 100, ERR_INVALID_CONVERSATION);
    free(results);
    free(ids);
    CHECK_INT(delete_list("[]", true, &results), ERR_SUCC);
    CHECK_STR(results, "[]");
    free(results);
    cb0 = h_total();
    ids = ids_range("c2c_", "nobody", 0, 101);
    CHECK_INT(TIMConvDeleteConversationList(ids, false, h_comm_cb, s), TIM_ERR_PARAM);
    free(ids);
    CHECK_INT(TIMConvDeleteConversationList(NULL, false, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvDeleteConversationList("not json", false, h_comm_cb, s), TIM_ERR_JSON);
    for (k = 0; k < sizeof bad_ids / sizeof bad_ids[0]; k++) {
        int rc = TIMConvDeleteConversationList(bad_ids[k], true, h_comm_cb, s);
        CHECK_MSG(rc == TIM_ERR_PARAM, "TIMConvDeleteConversationList(%s) returned %d", bad_ids[k], rc);
    }
    check_no_callback(cb0, "TIMConvDeleteConversationList errors");
    list = h_list();
    CHECK_CONVS(list, "d1/1 dg/2 d2/1 keep/1");
    free(list);
    printf("  delete_conversation_list: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* TIMConvSetConversationCustomData                                                           */
/* ------------------------------------------------------------------------------------------ */

static void test_custom_data(void) {
    char data[300];
    char *results, *info, *ids, *value;
    int ev, cb0;
    h_slot* s = h_new_slot();
    static const char* const ids3[] = {"c2c_c1", "group_cg", "c2c_missing"};
    static const int codes3[] = {0, 0, ERR_INVALID_CONVERSATION};

    switch_user("custom-user");
    h_create("c1", kTIMConv_C2C);
    h_create("cg", kTIMConv_Group);
    info = info_of("c1", kTIMConv_C2C);
    value = h_json_get_string(info, kTIMConvCustomData);
    CHECK_STR(value, "");
    free(value);
    free(info);

    ev = h_event_mark();
    CHECK_INT(custom_data("[\"c2c_c1\",\"group_cg\",\"c2c_missing\"]", "hello \"world\"", &results), ERR_SUCC);
    CHECK_RESULTS(results, 3, ids3, codes3);
    free(results);
    h_wait_event(ev, kTIMConvEvent_Update, "c1", kTIMConv_C2C);
    h_wait_event(ev, kTIMConvEvent_Update, "cg", kTIMConv_Group);
    info = info_of("cg", kTIMConv_Group);
    value = h_json_get_string(info, kTIMConvCustomData);
    CHECK_STR(value, "hello \"world\"");
    free(value);
    free(info);

    /* 256 bytes are fine; 257 are 6017 through the callback, and nothing changes. */
    memset(data, 'x', 256);
    data[256] = '\0';
    CHECK_INT(custom_data("[\"c2c_c1\"]", data, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    data[256] = 'y';
    data[257] = '\0';
    CHECK_INT(custom_data("[\"c2c_c1\"]", data, &results), ERR_INVALID_PARAMETERS);
    CHECK_STR(results, "");
    free(results);
    CHECK_MSG(strstr(last_desc, "256") != NULL, "desc does not name the limit: %s", last_desc);
    info = info_of("c1", kTIMConv_C2C);
    value = h_json_get_string(info, kTIMConvCustomData);
    CHECK_INT(strlen(value), 256);
    free(value);
    free(info);

    /* 101 IDs: 51006 through the callback. */
    ids = ids_range("c2c_", "c", 0, 101);
    CHECK_INT(custom_data(ids, "x", &results), ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT);
    CHECK_STR(results, "");
    free(results);
    free(ids);
    ids = ids_range("c2c_", "c", 0, 100);
    CHECK_INT(custom_data(ids, "x", &results), ERR_SUCC);
    CHECK_INT(h_json_len(results), 100);
    free(results);
    free(ids);

    /* NULL (or "") clears. */
    CHECK_INT(custom_data("[\"c2c_c1\",\"group_cg\"]", NULL, &results), ERR_SUCC);
    check_all_codes(results, 2, 0);
    free(results);
    info = info_of("c1", kTIMConv_C2C);
    value = h_json_get_string(info, kTIMConvCustomData);
    CHECK_STR(value, "");
    free(value);
    free(info);

    cb0 = h_total();
    CHECK_INT(TIMConvSetConversationCustomData(NULL, "x", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvSetConversationCustomData("[\"c1\"]", "x", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvSetConversationCustomData("{}", "x", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvSetConversationCustomData("nope", "x", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMConvSetConversationCustomData("[\"c2c_c1\"]", "\xff\xfe", h_comm_cb, s), TIM_ERR_PARAM);
    check_no_callback(cb0, "TIMConvSetConversationCustomData errors");
    printf("  custom_data: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* TIMConvMarkConversation                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Checks conv_mark_array of a conversation against a JSON text of unsigned values. */
static void check_marks(const char* conv_id, int type, const unsigned long long* expected, int n) {
    char* info = info_of(conv_id, type);
    const char* arr = info ? h_json_get(info, kTIMConvMarkArray) : NULL;
    int i;
    CHECK_MSG(arr != NULL, "%s has no conv_mark_array: %.500s", conv_id, info ? info : "(missing)");
    CHECK_MSG(h_json_len(arr) == n, "%s: conv_mark_array has %d values, expected %d: %.300s", conv_id, h_json_len(arr),
              n, arr);
    for (i = 0; i < n; i++) {
        unsigned long long v = 0;
        CHECK_MSG(json_u64(h_json_at(arr, i), &v) && v == expected[i], "%s: conv_mark_array[%d] is not %llu: %.300s",
                  conv_id, i, expected[i], arr);
    }
    free(info);
}

static void test_marks(void) {
    char *results, *ids;
    int ev, cb0, i;
    h_slot* s = h_new_slot();
    static const char* const ids3[] = {"c2c_m1", "group_m2", "c2c_missing"};
    static const int codes3[] = {0, 0, ERR_INVALID_CONVERSATION};
    static const unsigned long long star[] = {1};
    static const unsigned long long m1_all[] = {1, 4, 1ULL << 32, 1ULL << 63};
    static const unsigned long long m1_after[] = {4, 1ULL << 63};
    static const uint64_t bad_bits[] = {0, 0x10, 0x20, 1ULL << 31, 1ULL << 16, 0x1 | 0x10, 0xFFFFFFFFull};

    switch_user("mark-user");
    h_create("m1", kTIMConv_C2C);
    h_create("m2", kTIMConv_Group);
    check_marks("m1", kTIMConv_C2C, NULL, 0);

    ev = h_event_mark();
    CHECK_INT(mark("[\"c2c_m1\",\"group_m2\",\"c2c_missing\"]", kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
    CHECK_RESULTS(results, 3, ids3, codes3);
    free(results);
    h_wait_event(ev, kTIMConvEvent_Update, "m1", kTIMConv_C2C);
    h_wait_event(ev, kTIMConvEvent_Update, "m2", kTIMConv_Group);
    check_marks("m1", kTIMConv_C2C, star, 1);
    check_marks("m2", kTIMConv_Group, star, 1);

    /* Set more bits: built-in and custom (bits 32..63); the others stay. */
    CHECK_INT(mark("[\"c2c_m1\"]", kTIMConversationMarkTypeFold | (1ULL << 32) | (1ULL << 63), true, &results),
              ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    check_marks("m1", kTIMConv_C2C, m1_all, 4);
    /* Clear some. */
    CHECK_INT(mark("[\"c2c_m1\"]", kTIMConversationMarkTypeStar | (1ULL << 32) | kTIMConversationMarkTypeHide, false,
                   &results),
              ERR_SUCC);
    free(results);
    check_marks("m1", kTIMConv_C2C, m1_after, 2);
    /* Every allowed bit is accepted. */
    CHECK_INT(mark("[\"group_m2\"]", 0xFULL | 0xFFFFFFFF00000000ULL, true, &results), ERR_SUCC);
    free(results);
    CHECK_INT(mark("[\"group_m2\"]", 0xFULL | 0xFFFFFFFF00000000ULL, false, &results), ERR_SUCC);
    free(results);
    check_marks("m2", kTIMConv_Group, NULL, 0);

    /* 101 IDs: 51006 through the callback. */
    ids = ids_range("c2c_", "m", 0, 101);
    CHECK_INT(mark(ids, 1, true, &results), ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT);
    CHECK_STR(results, "");
    free(results);
    free(ids);

    cb0 = h_total();
    for (i = 0; i < (int)(sizeof bad_bits / sizeof bad_bits[0]); i++) {
        int rc = TIMConvMarkConversation("[\"c2c_m1\"]", bad_bits[i], true, h_comm_cb, s);
        CHECK_MSG(rc == TIM_ERR_PARAM, "mark_type %#llx returned %d, expected TIM_ERR_PARAM",
                  (unsigned long long)bad_bits[i], rc);
    }
    CHECK_INT(TIMConvMarkConversation(NULL, 1, true, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvMarkConversation("[\"m1\"]", 1, true, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvMarkConversation("[", 1, true, h_comm_cb, s), TIM_ERR_JSON);
    check_no_callback(cb0, "TIMConvMarkConversation errors");
    printf("  marks: OK\n");
}

/* At most 1000 conversations marked or in a group at the same time. */
static void test_marked_or_grouped_limit(void) {
    char *results, *ids, *info;
    int batch;
    static const char* const over[] = {"c2c_u1000"};
    static const int over_code[] = {ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT};

    switch_user("limit-user");
    /* 1001 C2C conversations u0..u1000, in two deliveries. */
    h_deliver_range("lim-", 0, 1000, "hi");
    h_deliver_range("lim-", 1000, 1001, "hi");

    /* 600 marked, 400 in groups: 1000. */
    for (batch = 0; batch < 6; batch++) {
        ids = ids_range("c2c_", "u", batch * 100, batch * 100 + 100);
        CHECK_INT(mark(ids, kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
        check_all_codes(results, 100, 0);
        free(results);
        free(ids);
    }
    ids = ids_range("c2c_", "u", 600, 700);
    CHECK_INT(group_create("lim", ids, &results), ERR_SUCC);
    check_all_codes(results, 100, 0);
    free(results);
    free(ids);
    for (batch = 7; batch < 10; batch++) {
        ids = ids_range("c2c_", "u", batch * 100, batch * 100 + 100);
        CHECK_INT(group_add("lim", ids, &results), ERR_SUCC);
        check_all_codes(results, 100, 0);
        free(results);
        free(ids);
    }

    /* The 1001st: 51008 per item, for marks, for adding to a group and for a new group. */
    CHECK_INT(mark("[\"c2c_u1000\"]", kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
    CHECK_RESULTS(results, 1, over, over_code);
    free(results);
    CHECK_INT(group_add("lim", "[\"c2c_u1000\"]", &results), ERR_SUCC);
    CHECK_RESULTS(results, 1, over, over_code);
    free(results);
    CHECK_INT(group_create("lim2", "[\"c2c_u1000\",\"c2c_u0\"]", &results), ERR_SUCC);
    {
        static const char* const two[] = {"c2c_u1000", "c2c_u0"};
        static const int codes[] = {ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT, 0};
        CHECK_RESULTS(results, 2, two, codes);
    }
    free(results);
    info = info_of("u1000", kTIMConv_C2C);
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvMarkArray)), 0);
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvConversationGroupArray)), 0);
    free(info);
    /* Conversations already counted may get more marks and groups. */
    CHECK_INT(mark("[\"c2c_u700\",\"c2c_u1\"]", BIT(33), true, &results), ERR_SUCC);
    check_all_codes(results, 2, 0);
    free(results);

    /* Clearing the marks of one frees a place. */
    CHECK_INT(mark("[\"c2c_u5\"]", kTIMConversationMarkTypeStar, false, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    CHECK_INT(mark("[\"c2c_u1000\",\"c2c_u5\"]", kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
    {
        static const char* const two[] = {"c2c_u1000", "c2c_u5"};
        static const int codes[] = {0, ERR_SVR_CONV_CONV_MARK_TOTAL_COUNT_EXCEED_LIMIT};
        CHECK_RESULTS(results, 2, two, codes);
    }
    free(results);
    /* Deleting a grouped conversation frees a place too. */
    CHECK_INT(delete_list("[\"c2c_u999\"]", false, &results), ERR_SUCC);
    free(results);
    CHECK_INT(mark("[\"c2c_u5\"]", kTIMConversationMarkTypeStar, true, &results), ERR_SUCC);
    check_all_codes(results, 1, 0);
    free(results);
    printf("  marked_or_grouped_limit: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Conversation groups                                                                        */
/* ------------------------------------------------------------------------------------------ */

static void test_groups(void) {
    char name33[40], name32[40];
    char *results, *list, *info, *ids;
    int gm, ev, cb0, i;
    h_slot* s = h_new_slot();
    static const char* const create_ids[] = {"c2c_w1", "group_wg", "c2c_missing"};
    static const int create_codes[] = {0, 0, ERR_INVALID_CONVERSATION};
    static const char* const add_ids[] = {"c2c_w3", "c2c_missing", "c2c_w1"};
    static const int add_codes[] = {0, ERR_INVALID_CONVERSATION, 0};

    switch_user("group-user");
    register_group_callbacks();
    h_create("w1", kTIMConv_C2C);
    h_create("wg", kTIMConv_Group);
    h_create("w3", kTIMConv_C2C);
    list = group_list();
    CHECK_STR(list, "[]");
    free(list);

    /* Create: per-ID results; the created callback (already there when the call's callback runs)
     * names the conversations that went in. */
    gm = g_mark();
    ev = h_event_mark();
    CHECK_INT(group_create("work", "[\"c2c_w1\",\"group_wg\",\"c2c_missing\"]", &results), ERR_SUCC);
    CHECK_RESULTS(results, 3, create_ids, create_codes);
    free(results);
    CHECK_GROUP_CB(gm, G_CREATED, "work", "[\"c2c_w1\",\"group_wg\"]");
    h_wait_event(ev, kTIMConvEvent_Update, "w1", kTIMConv_C2C);
    info = info_of("w1", kTIMConv_C2C);
    CHECK_STRINGS(h_json_get(info, kTIMConvConversationGroupArray), "[\"work\"]");
    free(info);
    list = group_list();
    CHECK_STRINGS(list, "[\"work\"]");
    free(list);

    /* Create errors through the callback: nothing is created, no group callback. */
    gm = g_mark();
    CHECK_INT(group_create("work", "[\"c2c_w3\"]", &results), ERR_INVALID_PARAMETERS);
    CHECK_STR(results, "");
    free(results);
    CHECK_INT(group_create("", "[\"c2c_w3\"]", &results), ERR_INVALID_PARAMETERS);
    free(results);
    memset(name33, 'n', 33);
    name33[33] = '\0';
    CHECK_INT(group_create(name33, "[\"c2c_w3\"]", &results), ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH);
    free(results);
    ids = ids_range("c2c_", "w", 0, 101);
    CHECK_INT(group_create("big", ids, &results), ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT);
    free(results);
    free(ids);
    check_no_group_cb(gm, "failed creates");
    list = group_list();
    CHECK_STRINGS(list, "[\"work\"]");
    free(list);
    /* 32 bytes (UTF-8 counted in bytes) are fine. */
    strcpy(name32, "\xe4\xbd\xa0\xe5\xa5\xbd"); /* 6 bytes */
    memset(name32 + 6, 'n', 26);
    name32[32] = '\0';
    gm = g_mark();
    CHECK_INT(group_create(name32, "[\"c2c_w3\"]", &results), ERR_SUCC);
    free(results);
    CHECK_GROUP_CB(gm, G_CREATED, name32, "[\"c2c_w3\"]");
    gm = g_mark();
    CHECK_INT(group_delete(name32), ERR_SUCC);
    CHECK_GROUP_CB(gm, G_DELETED, name32, NULL);
    /* A group whose conversations all fail is still created. */
    gm = g_mark();
    CHECK_INT(group_create("empty", "[\"c2c_missing\"]", &results), ERR_SUCC);
    check_all_codes(results, 1, ERR_INVALID_CONVERSATION);
    free(results);
    CHECK_GROUP_CB(gm, G_CREATED, "empty", "[]");
    CHECK_INT(group_delete("empty"), ERR_SUCC);

    /* Add: per-ID results; the added callback names the conversations that actually joined (w1
     * was in the group already, so only w3). */
    gm = g_mark();
    ev = h_event_mark();
    CHECK_INT(group_add("work", "[\"c2c_w3\",\"c2c_missing\",\"c2c_w1\"]", &results), ERR_SUCC);
    CHECK_RESULTS(results, 3, add_ids, add_codes);
    free(results);
    CHECK_GROUP_CB(gm, G_ADDED, "work", "[\"c2c_w3\"]");
    h_wait_event(ev, kTIMConvEvent_Update, "w3", kTIMConv_C2C);
    gm = g_mark();
    CHECK_INT(group_add("nogroup", "[\"c2c_w3\"]", &results), ERR_SVR_CONV_CONV_GROUP_NOT_EXIST);
    CHECK_STR(results, "");
    free(results);
    CHECK_INT(group_add("work", "[\"c2c_missing\"]", &results), ERR_SUCC);
    check_all_codes(results, 1, ERR_INVALID_CONVERSATION);
    free(results);
    ids = ids_range("c2c_", "w", 0, 101);
    CHECK_INT(group_add("work", ids, &results), ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT);
    free(results);
    free(ids);
    check_no_group_cb(gm, "adds that changed nothing");
    /* A conversation may be in several groups, listed in the order it joined them. */
    CHECK_INT(group_create("fun", "[\"c2c_w3\"]", &results), ERR_SUCC);
    free(results);
    info = info_of("w3", kTIMConv_C2C);
    CHECK_STRINGS(h_json_get(info, kTIMConvConversationGroupArray), "[\"work\",\"fun\"]");
    free(info);

    /* Remove. */
    gm = g_mark();
    ev = h_event_mark();
    CHECK_INT(group_remove("work", "[\"c2c_w1\",\"c2c_missing\"]", &results), ERR_SUCC);
    {
        static const char* const r_ids[] = {"c2c_w1", "c2c_missing"};
        static const int r_codes[] = {0, ERR_INVALID_CONVERSATION};
        CHECK_RESULTS(results, 2, r_ids, r_codes);
    }
    free(results);
    CHECK_GROUP_CB(gm, G_REMOVED, "work", "[\"c2c_w1\"]");
    h_wait_event(ev, kTIMConvEvent_Update, "w1", kTIMConv_C2C);
    info = info_of("w1", kTIMConv_C2C);
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvConversationGroupArray)), 0);
    free(info);
    gm = g_mark();
    CHECK_INT(group_remove("nogroup", "[\"c2c_w1\"]", &results), ERR_SVR_CONV_CONV_GROUP_NOT_EXIST);
    free(results);
    ids = ids_range("c2c_", "w", 0, 101);
    CHECK_INT(group_remove("work", ids, &results), ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT);
    free(results);
    free(ids);
    check_no_group_cb(gm, "failed removes");

    /* Rename. */
    gm = g_mark();
    ev = h_event_mark();
    CHECK_INT(group_rename("work", "job"), ERR_SUCC);
    CHECK_GROUP_CB(gm, G_RENAMED, "work", "job");
    h_wait_event(ev, kTIMConvEvent_Update, "w3", kTIMConv_C2C);
    info = info_of("w3", kTIMConv_C2C);
    CHECK_STRINGS(h_json_get(info, kTIMConvConversationGroupArray), "[\"job\",\"fun\"]");
    free(info);
    list = group_list();
    CHECK_STRINGS(list, "[\"job\",\"fun\"]");
    free(list);
    gm = g_mark();
    CHECK_INT(group_rename("job", "job"), ERR_SUCC);
    CHECK_INT(group_rename("work", "x"), ERR_SVR_CONV_CONV_GROUP_NOT_EXIST);
    CHECK_INT(group_rename("job", "fun"), ERR_INVALID_PARAMETERS);
    CHECK_INT(group_rename("job", ""), ERR_INVALID_PARAMETERS);
    CHECK_INT(group_rename("job", name33), ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH);
    check_no_group_cb(gm, "renames that changed nothing");
    list = group_list();
    CHECK_STRINGS(list, "[\"job\",\"fun\"]");
    free(list);

    /* Delete: the conversations stay. */
    gm = g_mark();
    ev = h_event_mark();
    CHECK_INT(group_delete("job"), ERR_SUCC);
    CHECK_GROUP_CB(gm, G_DELETED, "job", NULL);
    h_wait_event(ev, kTIMConvEvent_Update, "wg", kTIMConv_Group);
    info = info_of("wg", kTIMConv_Group);
    CHECK(info != NULL);
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvConversationGroupArray)), 0);
    free(info);
    info = info_of("w3", kTIMConv_C2C);
    CHECK_STRINGS(h_json_get(info, kTIMConvConversationGroupArray), "[\"fun\"]");
    free(info);
    gm = g_mark();
    CHECK_INT(group_delete("job"), ERR_SVR_CONV_CONV_GROUP_NOT_EXIST);
    check_no_group_cb(gm, "deleting a missing group");

    /* At most 20 groups. */
    for (i = 1; i < 20; i++) {
        char name[32];
        sprintf(name, "g%d", i);
        CHECK_INT(group_create(name, "[\"c2c_w1\"]", &results), ERR_SUCC);
        free(results);
    }
    list = group_list();
    CHECK_INT(h_json_len(list), 20);
    free(list);
    gm = g_mark();
    CHECK_INT(group_create("g20", "[\"c2c_w1\"]", &results), ERR_SVR_CONV_CONV_GROUP_TOTAL_COUNT_EXCEED_LIMIT);
    free(results);
    check_no_group_cb(gm, "the 21st group");
    info = info_of("w1", kTIMConv_C2C);
    CHECK_INT(h_json_len(h_json_get(info, kTIMConvConversationGroupArray)), 19);
    free(info);
    for (i = 1; i < 20; i++) {
        char name[32];
        sprintf(name, "g%d", i);
        CHECK_INT(group_delete(name), ERR_SUCC);
    }

    /* Synchronous errors. */
    cb0 = h_total();
    CHECK_INT(TIMConvCreateConversationGroup("x", "[]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCreateConversationGroup(NULL, "[\"c2c_w1\"]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCreateConversationGroup("x", NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCreateConversationGroup("x", "[\"w1\"]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvCreateConversationGroup("x", "[", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMConvCreateConversationGroup("\xff", "[\"c2c_w1\"]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvDeleteConversationGroup(NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvRenameConversationGroup(NULL, "x", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvRenameConversationGroup("fun", NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvAddConversationsToGroup(NULL, "[\"c2c_w1\"]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvAddConversationsToGroup("fun", "[\"x_w1\"]", h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvAddConversationsToGroup("fun", "{", h_comm_cb, s), TIM_ERR_JSON);
    CHECK_INT(TIMConvDeleteConversationsFromGroup("fun", NULL, h_comm_cb, s), TIM_ERR_PARAM);
    CHECK_INT(TIMConvDeleteConversationsFromGroup("fun", "[\"c2c_\"]", h_comm_cb, s), TIM_ERR_PARAM);
    check_no_callback(cb0, "group call errors");

    /* NULL unregisters the callbacks. */
    TIMSetConvConversationGroupCreatedCallback(NULL, NULL);
    TIMSetConvConversationGroupDeletedCallback(NULL, NULL);
    TIMSetConvConversationGroupNameChangedCallback(NULL, NULL);
    TIMSetConvConversationsAddedToGroupCallback(NULL, NULL);
    TIMSetConvConversationsDeletedFromGroupCallback(NULL, NULL);
    gm = g_mark();
    CHECK_INT(group_create("quiet", "[\"c2c_w1\"]", &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_add("quiet", "[\"c2c_w3\"]", &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_remove("quiet", "[\"c2c_w3\"]", &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_rename("quiet", "still quiet"), ERR_SUCC);
    CHECK_INT(group_delete("still quiet"), ERR_SUCC);
    check_no_group_cb(gm, "after unregistering");
    register_group_callbacks();
    printf("  groups: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Unread counts by filter                                                                    */
/* ------------------------------------------------------------------------------------------ */

static void test_unread_by_filter(void) {
    char f_mark50[128], f_mark50_spaced[160], f_mark50_keys[200], f_group_type[200];
    char* results;
    int fm, cb0;
    h_slot* s = h_new_slot();
    static const char* const bad_filters[] = {"[1]", "{\"conversation_list_filter_conv_type\":3}",
                                              "{\"conversation_list_filter_mark_type\":\"x\"}"};
    size_t k;

    switch_user("filter-unread-user");
    TIMSetConvUnreadMessageCountChangedByFilterCallback(on_filter_unread, F_USER_DATA);
    sprintf(f_mark50, "{\"conversation_list_filter_mark_type\":%llu}", BIT(50));
    sprintf(f_mark50_spaced, "{ \"conversation_list_filter_mark_type\" : %llu }", BIT(50));
    sprintf(f_mark50_keys, "{\"conversation_list_filter_has_unread_count\":false,\"conversation_list_filter_mark_type\":%llu}",
            BIT(50));
    sprintf(f_group_type, "{\"conversation_list_filter_conv_type\":2,\"conversation_list_filter_mark_type\":%llu}",
            BIT(50));

    /* uf1, uf2 (C2C) and ufg (group) carry bit 50; "other" does not. */
    CHECK_INT(h_deliver_one("uf1", kTIMConv_C2C, NULL, "uf1-1", 0, "a", NULL), 1);
    CHECK_INT(h_deliver_one("uf1", kTIMConv_C2C, NULL, "uf1-2", 0, "b", NULL), 1);
    CHECK_INT(h_deliver_one("uf2", kTIMConv_C2C, NULL, "uf2-1", 0, "c", NULL), 1);
    CHECK_INT(h_deliver_one("other", kTIMConv_C2C, NULL, "other-1", 0, "d", NULL), 1);
    h_create("ufg", kTIMConv_Group);
    CHECK_INT(mark("[\"c2c_uf1\",\"c2c_uf2\",\"group_ufg\"]", BIT(50), true, &results), ERR_SUCC);
    check_all_codes(results, 3, 0);
    free(results);

    CHECK_INT(unread_by_filter(f_mark50), 3);
    CHECK_INT(unread_by_filter(f_group_type), 0);
    CHECK_INT(unread_by_filter(NULL), 4);
    CHECK_INT(unread_by_filter(""), 4);
    CHECK_INT(unread_by_filter("{}"), h_total_unread());
    CHECK_INT(unread_by_filter("{\"conversation_list_filter_has_unread_count\":true}"), 4);
    CHECK_INT(unread_by_filter("{\"conversation_list_filter_mark_type\":0}"), 1);
    /* Muted conversations are left out. */
    {
        h_slot* o = h_new_slot();
        h_await_ok(TIMMsgSetC2CReceiveMessageOpt("[\"uf2\"]", kTIMRecvMsgOpt_Not_Notify, h_comm_cb, o), o,
                   "TIMMsgSetC2CReceiveMessageOpt");
    }
    CHECK_INT(unread_by_filter(f_mark50), 2);
    CHECK_INT(unread_by_filter(NULL), 3);

    /* Subscribe: synchronous; reports only changes, with the filter string as given. */
    fm = f_mark();
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(f_mark50), TIM_SUCC);
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(f_group_type), TIM_SUCC);
    h_sleep_ms(150);
    CHECK_INT(f_mark() - fm, 0);
    /* A change outside both filters: nothing. */
    CHECK_INT(h_deliver_one("other", kTIMConv_C2C, NULL, "other-2", 0, "e", NULL), 1);
    h_sleep_ms(150);
    CHECK_INT(f_mark() - fm, 0);
    /* A change inside one. */
    CHECK_INT(h_deliver_one("uf1", kTIMConv_C2C, NULL, "uf1-3", 0, "f", NULL), 1);
    CHECK_FILTER_CB(fm, f_mark50, 3);
    /* A muted conversation's messages change no count. */
    CHECK_INT(h_deliver_one("uf2", kTIMConv_C2C, NULL, "uf2-2", 0, "g", NULL), 1);
    /* A group message: both filters. */
    CHECK_INT(h_deliver_one("someone", kTIMConv_Group, "ufg", "ufg-1", 0, "h", NULL), 1);
    CHECK_FILTER_CB(fm + 1, f_mark50, 4);
    CHECK_FILTER_CB(fm + 2, f_group_type, 1);
    h_sleep_ms(100);
    CHECK_INT(f_mark() - fm, 3);
    /* Reading lowers it. */
    {
        h_slot* c = h_new_slot();
        h_await_ok(TIMConvCleanConversationUnreadMessageCount("c2c_uf1", 0, 0, h_comm_cb, c), c,
                   "TIMConvCleanConversationUnreadMessageCount");
    }
    CHECK_FILTER_CB(fm + 3, f_mark50, 1);
    /* Unmarking takes a conversation out of the filter. */
    CHECK_INT(mark("[\"group_ufg\"]", BIT(50), false, &results), ERR_SUCC);
    free(results);
    CHECK_FILTER_CB(fm + 4, f_mark50, 0);
    CHECK_FILTER_CB(fm + 5, f_group_type, 0);

    /* The same conditions spelled differently: one subscription, reported with the new spelling. */
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(f_mark50_spaced), TIM_SUCC);
    CHECK_INT(h_deliver_one("uf1", kTIMConv_C2C, NULL, "uf1-4", 0, "i", NULL), 1);
    CHECK_FILTER_CB(fm + 6, f_mark50_spaced, 1);
    h_sleep_ms(100);
    CHECK_INT(f_mark() - fm, 7);

    /* Unsubscribe with yet another spelling of the same conditions. */
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter(f_mark50_keys), TIM_SUCC);
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter(f_group_type), TIM_SUCC);
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter("{\"conversation_list_filter_conv_type\":1}"), TIM_SUCC);
    CHECK_INT(h_deliver_one("uf1", kTIMConv_C2C, NULL, "uf1-5", 0, "j", NULL), 1);
    CHECK_INT(h_deliver_one("someone", kTIMConv_Group, "ufg", "ufg-2", 0, "k", NULL), 1);
    h_sleep_ms(150);
    CHECK_INT(f_mark() - fm, 7);

    /* "" and "{}" subscribe to everything (the same conditions). */
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(""), TIM_SUCC);
    CHECK_INT(h_deliver_one("other", kTIMConv_C2C, NULL, "other-3", 0, "l", NULL), 1);
    CHECK_FILTER_CB(fm + 7, "", (int)h_total_unread());
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter("{}"), TIM_SUCC);
    CHECK_INT(h_deliver_one("other", kTIMConv_C2C, NULL, "other-4", 0, "m", NULL), 1);
    h_sleep_ms(150);
    CHECK_INT(f_mark() - fm, 8);

    /* A subscription survives logout and login; the count is recomputed silently at login. */
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(f_mark50), TIM_SUCC);
    h_logout();
    h_login("filter-unread-user");
    h_sleep_ms(150);
    CHECK_INT(f_mark() - fm, 8);
    CHECK_INT(unread_by_filter(f_mark50), 2);
    CHECK_INT(h_deliver_one("uf1", kTIMConv_C2C, NULL, "uf1-6", 0, "n", NULL), 1);
    CHECK_FILTER_CB(fm + 8, f_mark50, 3);
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter(f_mark50), TIM_SUCC);

    /* Errors. */
    cb0 = h_total();
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(NULL), TIM_ERR_PARAM);
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter(NULL), TIM_ERR_PARAM);
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter("nope"), TIM_ERR_JSON);
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter("nope"), TIM_ERR_JSON);
    CHECK_INT(TIMConvGetUnreadMessageCountByFilter("nope", h_comm_cb, s), TIM_ERR_JSON);
    for (k = 0; k < sizeof bad_filters / sizeof bad_filters[0]; k++) {
        CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter(bad_filters[k]), TIM_ERR_PARAM);
        CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter(bad_filters[k]), TIM_ERR_PARAM);
        CHECK_INT(TIMConvGetUnreadMessageCountByFilter(bad_filters[k], h_comm_cb, s), TIM_ERR_PARAM);
    }
    check_no_callback(cb0, "unread-by-filter errors");
    printf("  unread_by_filter: OK\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Persistence, login state                                                                   */
/* ------------------------------------------------------------------------------------------ */

static void test_persistence(void) {
    char *results, *info, *list, *value;
    static const unsigned long long marks[] = {2, 1ULL << 40};

    switch_user("persist-user");
    h_create("pa", kTIMConv_C2C);
    h_create("pb", kTIMConv_Group);
    CHECK_INT(pin("pb", kTIMConv_Group, true), ERR_SUCC);
    CHECK_INT(mark("[\"c2c_pa\"]", kTIMConversationMarkTypeUnread | BIT(40), true, &results), ERR_SUCC);
    free(results);
    CHECK_INT(custom_data("[\"c2c_pa\"]", "kept", &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_create("keep", "[\"c2c_pa\",\"group_pb\"]", &results), ERR_SUCC);
    free(results);
    CHECK_INT(group_create("second", "[\"c2c_pa\"]", &results), ERR_SUCC);
    free(results);

    CHECK_INT(TIMUninit(), TIM_SUCC);
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("persist-user");

    list = h_list();
    CHECK_CONVS(list, "pb/2 pa/1");
    CHECK_INT(h_json_bool(h_json_get(h_json_at(list, 0), kTIMConvIsPinned)), 1);
    CHECK(get_u64(h_json_at(list, 0), kTIMConvActiveTime) & PINNED_BIT);
    free(list);
    check_marks("pa", kTIMConv_C2C, marks, 2);
    info = info_of("pa", kTIMConv_C2C);
    value = h_json_get_string(info, kTIMConvCustomData);
    CHECK_STR(value, "kept");
    free(value);
    CHECK_STRINGS(h_json_get(info, kTIMConvConversationGroupArray), "[\"keep\",\"second\"]");
    free(info);
    list = group_list();
    CHECK_STRINGS(list, "[\"keep\",\"second\"]");
    free(list);
    printf("  persistence: OK\n");
}

/* Every new call: TIM_ERR_NOTLOGIN when nobody is logged in, TIM_ERR_SDKUNINIT after TIMUninit;
 * no callback either way. The setters work at any time. */
static void check_state_errors(int expected, const char* what) {
    h_slot* s = h_new_slot();
    int cb0 = h_total();
    CHECK_INT(TIMConvGetConvInfo("[]", h_comm_cb, s), expected);
    CHECK_INT(TIMConvPinConversation("a", kTIMConv_C2C, true, h_comm_cb, s), expected);
    CHECK_INT(TIMConvGetConversationListByFilter(NULL, 0, 10, h_comm_cb, s), expected);
    CHECK_INT(TIMConvDeleteConversationList("[\"c2c_a\"]", false, h_comm_cb, s), expected);
    CHECK_INT(TIMConvSetConversationCustomData("[\"c2c_a\"]", "x", h_comm_cb, s), expected);
    CHECK_INT(TIMConvMarkConversation("[\"c2c_a\"]", 1, true, h_comm_cb, s), expected);
    CHECK_INT(TIMConvGetUnreadMessageCountByFilter(NULL, h_comm_cb, s), expected);
    CHECK_INT(TIMConvSubscribeUnreadMessageCountByFilter("{}"), expected);
    CHECK_INT(TIMConvUnsubscribeUnreadMessageCountByFilter("{}"), expected);
    CHECK_INT(TIMConvCreateConversationGroup("g", "[\"c2c_a\"]", h_comm_cb, s), expected);
    CHECK_INT(TIMConvGetConversationGroupList(h_comm_cb, s), expected);
    CHECK_INT(TIMConvDeleteConversationGroup("g", h_comm_cb, s), expected);
    CHECK_INT(TIMConvRenameConversationGroup("g", "h", h_comm_cb, s), expected);
    CHECK_INT(TIMConvAddConversationsToGroup("g", "[\"c2c_a\"]", h_comm_cb, s), expected);
    CHECK_INT(TIMConvDeleteConversationsFromGroup("g", "[\"c2c_a\"]", h_comm_cb, s), expected);
    register_group_callbacks();
    TIMSetConvUnreadMessageCountChangedByFilterCallback(on_filter_unread, F_USER_DATA);
    check_no_callback(cb0, what);
}

int main(int argc, char** argv) {
    h_setup(argc, argv);
    /* The setters may be called before TIMInit. */
    register_group_callbacks();
    TIMSetConvUnreadMessageCountChangedByFilterCallback(on_filter_unread, F_USER_DATA);
    TIMSetConvTotalUnreadMessageCountChangedCallback(h_total_cb, H_TOTAL_USER_DATA);
    CHECK_INT(h_init(), TIM_SUCC);
    TIMSetConvEventCallback(h_event_cb, H_EVENT_USER_DATA);
    check_state_errors(TIM_ERR_NOTLOGIN, "before login");

    test_get_conv_info();
    test_pin();
    test_list_by_filter();
    test_walk_while_changing();
    test_unpin_at_walk_position();
    test_delete_conversation_list();
    test_custom_data();
    test_marks();
    test_marked_or_grouped_limit();
    test_groups();
    test_unread_by_filter();
    test_persistence();

    h_logout();
    check_state_errors(TIM_ERR_NOTLOGIN, "after logout");
    CHECK_INT(TIMUninit(), TIM_SUCC);
    check_state_errors(TIM_ERR_SDKUNINIT, "after TIMUninit");
    TIMSetConvEventCallback(NULL, NULL);
    TIMSetConvTotalUnreadMessageCountChangedCallback(NULL, NULL);
    TIMSetConvUnreadMessageCountChangedByFilterCallback(NULL, NULL);
    h_check_no_bad_user_data();
    printf("conversation_api: OK\n");
    return 0;
}
