/*
 * threads.c: 8 threads x 200 calls each (TIMConvCreate on distinct and shared IDs,
 * TIMConvSetDraft, TIMConvGetConvList, TIMConvCancelDraft). Every callback arrives exactly once,
 * with its own user_data, and per calling thread the callbacks arrive in call order.
 *
 * user_data encodes (thread, index) as an integer, never a real pointer: the SDK must not
 * dereference it.
 *
 * Usage: threads <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

#define THREADS 8
#define CALLS 200
#define SHARED_IDS 5

static int counts[THREADS][CALLS];        /* callbacks per (thread, index) */
static int expected[THREADS][CALLS];      /* 1 if the call returned TIM_SUCC and has a callback */
static int last_index[THREADS];           /* the index of the last callback seen per thread */
static int out_of_order;
static int bad_code;
static int unknown_user_data;
static int total_received;
static int total_expected;
static int sync_failures;
static int async_failures;
static int on_main_thread;

static const void* encode(int thread, int index) {
    return (const void*)(uintptr_t)(((uintptr_t)(thread + 1) << 16) | (uintptr_t)index);
}

static void thread_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    uintptr_t v = (uintptr_t)user_data;
    int thread = (int)(v >> 16) - 1;
    int index = (int)(v & 0xFFFF);
    int main_thread = pthread_equal(pthread_self(), h_main_thread);
    (void)desc;
    (void)json_params;
    h_lock();
    total_received++;
    if (main_thread) on_main_thread++;
    if (thread < 0 || thread >= THREADS || index >= CALLS) {
        unknown_user_data++;
    } else {
        counts[thread][index]++;
        if (index <= last_index[thread]) out_of_order++;
        last_index[thread] = index;
        if (code != ERR_SUCC) bad_code++;
    }
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

static void* worker(void* arg) {
    int t = (int)(intptr_t)arg;
    int i, rc;
    char id[64];
    char draft[256];
    for (i = 0; i < CALLS; i++) {
        int has_cb = 1;
        switch (i % 5) {
            case 0: /* a conversation of this thread */
                sprintf(id, "t%d-%d", t, i);
                rc = TIMConvCreate(id, (i % 10 == 0) ? kTIMConv_C2C : kTIMConv_Group, thread_cb, encode(t, i));
                break;
            case 1: /* a conversation shared by all threads */
                sprintf(id, "shared-%d", (i / 5) % SHARED_IDS);
                rc = TIMConvCreate(id, kTIMConv_C2C, thread_cb, encode(t, i));
                break;
            case 2: /* a draft on a pre-created conversation (synchronous: no callback) */
                sprintf(id, "base-%d", t);
                sprintf(draft,
                        "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":"
                        "\"thread %d call %d\"}]},\"draft_edit_time\":%d}",
                        t, i, i);
                rc = TIMConvSetDraft(id, kTIMConv_C2C, draft);
                has_cb = 0;
                if (rc != TIM_SUCC) {
                    h_lock();
                    sync_failures++;
                    h_unlock();
                }
                break;
            case 3:
                rc = TIMConvGetConvList(thread_cb, encode(t, i));
                break;
            default: /* a draft on the shared base conversation, then cancel it */
                rc = TIMConvSetDraft("base-shared", kTIMConv_C2C,
                                     "{\"draft_msg\":{\"message_elem_array\":[{\"elem_type\":0,"
                                     "\"text_elem_content\":\"shared\"}]}}");
                if (rc == TIM_SUCC) rc = TIMConvCancelDraft("base-shared", kTIMConv_C2C);
                has_cb = 0;
                if (rc != TIM_SUCC) {
                    h_lock();
                    sync_failures++;
                    h_unlock();
                }
                break;
        }
        if (has_cb) {
            h_lock();
            if (rc == TIM_SUCC) {
                expected[t][i] = 1;
                total_expected++;
            } else {
                async_failures++;
            }
            h_unlock();
        }
    }
    return NULL;
}

int main(int argc, char** argv) {
    pthread_t threads[THREADS];
    struct timespec deadline;
    char id[64];
    char* list;
    int t, i;

    h_setup(argc, argv);
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("thread-user");
    for (t = 0; t < THREADS; t++) {
        sprintf(id, "base-%d", t);
        h_create(id, kTIMConv_C2C);
        last_index[t] = -1;
    }
    h_create("base-shared", kTIMConv_C2C);

    for (t = 0; t < THREADS; t++) {
        CHECK_INT(pthread_create(&threads[t], NULL, worker, (void*)(intptr_t)t), 0);
    }
    for (t = 0; t < THREADS; t++) CHECK_INT(pthread_join(threads[t], NULL), 0);

    /* Wait for every callback (generous timeout: 1000+ callbacks). */
    deadline = h_deadline(60);
    h_lock();
    while (total_received < total_expected) {
        if (!h_cond_wait_until(&deadline)) break;
    }
    h_unlock();
    h_sleep_ms(300); /* let duplicates, if any, arrive */

    h_lock();
    CHECK_MSG(sync_failures == 0, "%d synchronous calls failed", sync_failures);
    CHECK_MSG(async_failures == 0, "%d asynchronous calls did not return TIM_SUCC", async_failures);
    CHECK_MSG(unknown_user_data == 0, "%d callbacks had a user_data that no call passed", unknown_user_data);
    CHECK_MSG(on_main_thread == 0, "%d callbacks ran on the main thread", on_main_thread);
    for (t = 0; t < THREADS; t++) {
        for (i = 0; i < CALLS; i++) {
            CHECK_MSG(counts[t][i] == expected[t][i], "thread %d call %d: %d callbacks, expected %d", t, i,
                      counts[t][i], expected[t][i]);
        }
    }
    CHECK_MSG(total_received == total_expected, "%d callbacks, expected %d", total_received, total_expected);
    CHECK_MSG(out_of_order == 0, "%d callbacks arrived out of call order", out_of_order);
    CHECK_MSG(bad_code == 0, "%d callbacks reported an error", bad_code);
    h_unlock();

    list = h_list();
    for (t = 0; t < THREADS; t++) {
        for (i = 0; i < CALLS; i += 5) {
            sprintf(id, "t%d-%d", t, i);
            CHECK_MSG(h_json_find_conv(list, id, (i % 10 == 0) ? kTIMConv_C2C : kTIMConv_Group) != NULL,
                      "%s missing from the list", id);
        }
        sprintf(id, "base-%d", t);
        sprintf(id + 32, "thread %d call %d", t, CALLS - 3);
        h_check_draft(list, id, kTIMConv_C2C, id + 32, "", CALLS - 3);
    }
    for (i = 0; i < SHARED_IDS; i++) {
        sprintf(id, "shared-%d", i);
        CHECK_MSG(h_json_find_conv(list, id, kTIMConv_C2C) != NULL, "%s missing from the list", id);
    }
    h_check_draft(list, "base-shared", kTIMConv_C2C, NULL, NULL, -1);
    /* THREADS * CALLS / 5 own conversations + shared + bases. */
    CHECK_INT(h_json_len(list), THREADS * CALLS / 5 + SHARED_IDS + THREADS + 1);
    free(list);

    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);
    printf("threads: OK (%d callbacks)\n", total_expected);
    return 0;
}
