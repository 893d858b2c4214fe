/*
 * paging.c: TIMConvGetConversationListByFilter over 10,000 conversations while another thread
 * keeps reordering the list.
 *
 * 1. 10,000 C2C conversations u0..u9999 are created with ten TIMExtDeliverIncomingMessages calls
 *    of 1000 messages each (distinct senders, distinct message_msg_id).
 * 2. The main thread walks the whole list in pages of 100 (next_seq 0, then the returned value,
 *    until is_finished). Meanwhile a second thread keeps touching random conversations: mostly
 *    TIMMsgSendMessage (moves the conversation to the top), sometimes TIMConvPinConversation (moves
 *    it into the pinned part) or TIMConvDeleteConversationList without clearing messages (removes
 *    it until its next message), all with NULL callbacks. It records every conversation it
 *    touched before touching it. Between two pages the main thread waits until the other thread
 *    made at least two more calls, so the list changes throughout the walk; the other thread makes
 *    at most six calls per page, so that its calls (which queue up behind each other) cannot
 *    starve the walk on a loaded machine.
 * 3. Afterwards: no conversation was returned twice, and every conversation the other thread
 *    never touched was returned exactly once (it kept its place relative to the walk).
 *
 * The second thread never unpins: unpinning the conversation a walk stands on is a known bug
 * checked separately in conversation_api.c (test_unpin_at_walk_position).
 *
 * Usage: paging <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

#define N_CONVS 10000
#define BATCH 1000
#define PAGE_SIZE 100
#define MIN_TOUCHES_PER_PAGE 2
#define MAX_TOUCHES_PER_PAGE 6

static pthread_mutex_t t_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t t_cond = PTHREAD_COND_INITIALIZER;
static int t_stop;
static long t_calls;
static long t_pages_done;
static unsigned char touched[N_CONVS];
static int t_sends, t_pins, t_deletes;

static long touches_so_far(void) {
    long n;
    pthread_mutex_lock(&t_mutex);
    n = t_calls;
    pthread_mutex_unlock(&t_mutex);
    return n;
}

/* Waits until the other thread has made at least `n` calls. */
static void wait_for_touches(long n) {
    struct timespec deadline = h_deadline(H_TIMEOUT_SECONDS);
    pthread_mutex_lock(&t_mutex);
    while (t_calls < n) {
        if (pthread_cond_timedwait(&t_cond, &t_mutex, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&t_mutex);
            FAIL("the touching thread made no progress (%ld of %ld calls)", t_calls, n);
        }
    }
    pthread_mutex_unlock(&t_mutex);
}

static void* toucher(void* arg) {
    unsigned int seed = 20240601u;
    char* msg = h_msg_json("touch", NULL);
    long i = 0;
    (void)arg;
    for (;;) {
        char id[32], ids[48];
        int k, rc, stop;
        /* At most MAX_TOUCHES_PER_PAGE calls per page of the walk. */
        pthread_mutex_lock(&t_mutex);
        while (!t_stop && i >= (t_pages_done + 1) * MAX_TOUCHES_PER_PAGE) pthread_cond_wait(&t_cond, &t_mutex);
        stop = t_stop;
        pthread_mutex_unlock(&t_mutex);
        if (stop) break;
        k = (int)(rand_r(&seed) % N_CONVS);
        sprintf(id, "u%d", k);
        /* Recorded before the call: a page requested after the call returned reflects it. */
        pthread_mutex_lock(&t_mutex);
        touched[k] = 1;
        pthread_mutex_unlock(&t_mutex);
        if (i % 25 == 24) {
            sprintf(ids, "[\"c2c_%s\"]", id);
            rc = TIMConvDeleteConversationList(ids, false, NULL, NULL);
            t_deletes++;
        } else if (i % 10 == 9) {
            rc = TIMConvPinConversation(id, kTIMConv_C2C, true, NULL, NULL);
            t_pins++;
        } else {
            rc = TIMMsgSendMessage(id, kTIMConv_C2C, msg, NULL, NULL, NULL);
            t_sends++;
        }
        if (rc != TIM_SUCC) {
            fprintf(stdout, "FAIL: paging.c: the touching thread's call %ld returned %d\n", i, rc);
            exit(1);
        }
        i++;
        pthread_mutex_lock(&t_mutex);
        t_calls = i;
        pthread_cond_broadcast(&t_cond);
        pthread_mutex_unlock(&t_mutex);
        h_sleep_ms(1);
    }
    free(msg);
    return NULL;
}

int main(int argc, char** argv) {
    static int seen[N_CONVS];
    pthread_t thread;
    uint64_t next_seq = 0;
    int finished = 0, pages = 0, returned = 0, k, untouched = 0;
    long touches;
    struct timespec t0, t1;

    h_setup(argc, argv);
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("pager");

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (k = 0; k < N_CONVS; k += BATCH) h_deliver_range("first-", k, k + BATCH, "hello");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_INT(h_total_unread(), N_CONVS);
    h_log("paging: created %d conversations in %.2f s", N_CONVS,
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

    CHECK_INT(pthread_create(&thread, NULL, toucher, NULL), 0);
    wait_for_touches(MIN_TOUCHES_PER_PAGE);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!finished) {
        h_slot* s = h_new_slot();
        const char *list, *p, *fin;
        int n = 0;
        touches = touches_so_far();
        h_await_ok(TIMConvGetConversationListByFilter(NULL, next_seq, PAGE_SIZE, h_comm_cb, s), s,
                   "TIMConvGetConversationListByFilter");
        list = h_json_get(s->json, TIMConversationListResultConvList);
        fin = h_json_get(s->json, TIMConversationListResultIsFinished);
        CHECK_MSG(list != NULL && fin != NULL && h_json_bool(fin) >= 0, "page %d: bad result %.300s", pages, s->json);
        finished = h_json_bool(fin);
        next_seq = (uint64_t)h_json_get_int(s->json, TIMConversationListResultNextSeq, 0);
        CHECK_MSG(next_seq != 0, "page %d: no next_seq", pages);
        /* Walk the array once (h_json_at would rescan it for every element). */
        p = h_json_ws(list);
        CHECK(*p == '[');
        p = h_json_ws(p + 1);
        while (*p != ']') {
            char* id = h_json_get_string(p, kTIMConvId);
            long long type = h_json_get_int(p, kTIMConvType, -1);
            char* end;
            long idx;
            CHECK_MSG(id != NULL && id[0] == 'u' && type == kTIMConv_C2C, "page %d: unexpected conversation %.200s",
                      pages, p);
            idx = strtol(id + 1, &end, 10);
            CHECK_MSG(*end == '\0' && idx >= 0 && idx < N_CONVS, "page %d: unexpected conversation %s", pages, id);
            free(id);
            seen[idx]++;
            n++;
            p = h_json_ws(h_json_skip(p));
            CHECK(p != NULL);
            if (*p == ',') p = h_json_ws(p + 1);
        }
        CHECK_MSG(n <= PAGE_SIZE, "page %d has %d conversations", pages, n);
        CHECK_MSG(finished || n == PAGE_SIZE, "page %d has %d conversations but is not the last", pages, n);
        returned += n;
        pages++;
        CHECK_MSG(pages <= 2 * N_CONVS / PAGE_SIZE, "the walk does not end (%d pages)", pages);
        pthread_mutex_lock(&t_mutex);
        t_pages_done = pages;
        pthread_cond_broadcast(&t_cond);
        pthread_mutex_unlock(&t_mutex);
        if (!finished) wait_for_touches(touches + MIN_TOUCHES_PER_PAGE);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    pthread_mutex_lock(&t_mutex);
    t_stop = 1;
    pthread_cond_broadcast(&t_cond);
    pthread_mutex_unlock(&t_mutex);
    CHECK_INT(pthread_join(thread, NULL), 0);

    for (k = 0; k < N_CONVS; k++) {
        CHECK_MSG(seen[k] <= 1, "u%d was returned %d times%s", k, seen[k], touched[k] ? " (touched)" : "");
        if (!touched[k]) {
            untouched++;
            CHECK_MSG(seen[k] == 1, "u%d was never touched but not returned", k);
        }
    }
    CHECK_MSG(untouched > N_CONVS / 2, "too many conversations touched (%d untouched)", untouched);
    CHECK_MSG(t_calls >= pages, "too few changes during the walk (%ld calls, %d pages)", t_calls, pages);
    h_log("paging: %d pages, %d conversations returned, %d never touched, %ld calls during the walk "
          "(%d sends, %d pins, %d deletes), %.2f s",
          pages, returned, untouched, t_calls, t_sends, t_pins, t_deletes,
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);
    h_check_no_bad_user_data();
    printf("paging: OK\n");
    return 0;
}
