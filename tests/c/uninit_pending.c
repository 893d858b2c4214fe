/*
 * uninit_pending.c: 500 asynchronous calls, then TIMUninit() at once. When TIMUninit returns,
 * every callback has run exactly once (with success or an error code); none runs afterwards.
 * Then Init -> Login works again, twice. A TIMUninit after one made inside a callback returns
 * once that instance's remaining callbacks have run. A TIMInit and login inside a callback while
 * another thread is in TIMUninit: the new instance's callbacks come after the old one's, never
 * beside them, and its login finds the store closed.
 *
 * Usage: uninit_pending <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1
 * otherwise.
 */
#include "harness.h"

#define CALLS 500

static int counts[CALLS];
static int total;
static int errors_seen;
static int on_main;

static void pending_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    uintptr_t index = (uintptr_t)user_data;
    int main_thread = pthread_equal(pthread_self(), h_main_thread);
    (void)desc;
    (void)json_params;
    h_lock();
    if (index >= 1 && index <= CALLS) counts[index - 1]++;
    total++;
    if (code != ERR_SUCC) errors_seen++;
    if (main_thread) on_main++;
    h_unlock();
}

static void round_trip(int round) {
    int accepted[CALLS];
    int i, n_accepted = 0, snapshot;
    char id[64];
    char* list;

    memset(counts, 0, sizeof counts);
    total = 0;
    errors_seen = 0;
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("pending-user");
    for (i = 0; i < CALLS; i++) {
        const void* ud = (const void*)(uintptr_t)(i + 1);
        int rc;
        if (i % 3 == 2) {
            rc = TIMConvGetConvList(pending_cb, ud);
        } else {
            sprintf(id, "r%d-c%d", round, i);
            rc = TIMConvCreate(id, (i % 2) ? kTIMConv_Group : kTIMConv_C2C, pending_cb, ud);
        }
        accepted[i] = rc == TIM_SUCC;
        CHECK_MSG(rc == TIM_SUCC, "round %d call %d returned %d", round, i, rc);
        n_accepted += accepted[i];
    }
    CHECK_INT(TIMUninit(), TIM_SUCC);

    /* Right after TIMUninit returned: every callback ran exactly once. */
    h_lock();
    snapshot = total;
    for (i = 0; i < CALLS; i++) {
        if (counts[i] != accepted[i]) {
            int c = counts[i];
            h_unlock();
            FAIL("round %d call %d: %d callbacks when TIMUninit returned, expected %d", round, i, c, accepted[i]);
        }
    }
    h_unlock();
    CHECK_INT(snapshot, n_accepted);
    h_log("round %d: %d callbacks before TIMUninit returned, %d with an error code", round, snapshot, errors_seen);

    /* And none afterwards. */
    h_sleep_ms(300);
    h_lock();
    i = total;
    h_unlock();
    CHECK_MSG(i == snapshot, "round %d: %d callbacks ran after TIMUninit returned", round, i - snapshot);
    CHECK_INT(on_main, 0);

    /* The SDK is uninitialised now. */
    CHECK_INT(TIMConvGetConvList(h_comm_cb, h_new_slot()), TIM_ERR_SDKUNINIT);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);

    /* Init again: login and calls work; what was stored before is intact and readable. */
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("pending-user");
    sprintf(id, "after-round-%d", round);
    h_create(id, kTIMConv_C2C);
    list = h_list();
    CHECK(h_json_find_conv(list, id, kTIMConv_C2C) != NULL);
    free(list);
    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);
}

/* TIMUninit inside a callback returns before the callbacks queued behind that one have run;
 * a TIMUninit on another thread afterwards returns (TIM_ERR_SDKUNINIT) only once they have. */
static int inner_uninit_done, both_queued; /* h_flag / h_set_flag */
static int second_ran;

static void uninit_inside_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)code;
    (void)desc;
    (void)json_params;
    (void)user_data;
    while (!h_flag(&both_queued)) h_sleep_ms(1);
    TIMUninit();
    h_set_flag(&inner_uninit_done, 1);
    h_sleep_ms(100); /* the main thread's TIMUninit comes meanwhile */
}

static void queued_behind_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)code;
    (void)desc;
    (void)json_params;
    (void)user_data;
    h_lock();
    second_ran++;
    h_unlock();
}

static void uninit_inside_then_outside(void) {
    int ran;
    CHECK_INT(h_init(), TIM_SUCC);
    CHECK_INT(TIMSetConfig("{}", uninit_inside_cb, NULL), TIM_SUCC);
    CHECK_INT(TIMSetConfig("{}", queued_behind_cb, NULL), TIM_SUCC);
    h_set_flag(&both_queued, 1);
    while (!h_flag(&inner_uninit_done)) h_sleep_ms(1);
    CHECK_INT(TIMUninit(), TIM_ERR_SDKUNINIT);
    h_lock();
    ran = second_ran;
    h_unlock();
    CHECK_MSG(ran == 1, "TIMUninit returned with %d of 1 callbacks of the old instance run", ran);
}

/* A TIMInit and a login of the same user made inside a callback while another thread is in
 * TIMUninit: the old instance's callbacks queued behind that one run first, the new instance's
 * after them and never at the same time, and the login succeeds (the old store is closed first). */
#define BEHIND 50
static int in_restarting_cb, uninit_begun, new_login_done; /* h_flag / h_set_flag */
static int new_login_code = -999, overlapped, behind_ran, behind_after_new;
static int restart_at_once; /* restart as soon as the logout is seen, while the store may be open */

static void new_login_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)desc;
    (void)json_params;
    (void)user_data;
    h_lock();
    if (h_flag(&in_restarting_cb)) overlapped = 1;
    new_login_code = code;
    h_unlock();
    h_set_flag(&new_login_done, 1);
}

static void behind_restart_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)code;
    (void)desc;
    (void)json_params;
    (void)user_data;
    h_lock();
    behind_ran++;
    if (h_flag(&new_login_done)) behind_after_new++;
    h_unlock();
}

static void restarting_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)code;
    (void)desc;
    (void)json_params;
    (void)user_data;
    h_set_flag(&in_restarting_cb, 1);
    while (!h_flag(&uninit_begun)) h_sleep_ms(1);
    if (restart_at_once) {
        while (TIMGetLoginStatus() != kTIMLoginStatus_UnLogined) {
        }
    } else {
        h_sleep_ms(30); /* the main thread is inside TIMUninit, waiting for this thread */
    }
    CHECK_INT(h_init(), TIM_SUCC);
    CHECK_INT(TIMLogin("restart-user", "", new_login_cb, NULL), TIM_SUCC);
    h_sleep_ms(200); /* a new instance's callback that ran now would run beside this one */
    h_set_flag(&in_restarting_cb, 0);
}

static void init_inside_a_callback_during_uninit(int at_once) {
    int i;
    restart_at_once = at_once;
    h_set_flag(&in_restarting_cb, 0);
    h_set_flag(&uninit_begun, 0);
    h_set_flag(&new_login_done, 0);
    new_login_code = -999;
    overlapped = behind_ran = behind_after_new = 0;
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("restart-user");
    CHECK_INT(TIMSetConfig("{}", restarting_cb, NULL), TIM_SUCC);
    for (i = 0; i < BEHIND; i++) CHECK_INT(TIMSetConfig("{}", behind_restart_cb, NULL), TIM_SUCC);
    while (!h_flag(&in_restarting_cb)) h_sleep_ms(1);
    h_set_flag(&uninit_begun, 1);
    CHECK_INT(TIMUninit(), TIM_SUCC);
    h_lock();
    CHECK_MSG(behind_ran == BEHIND, "TIMUninit returned with %d of %d old callbacks run", behind_ran, BEHIND);
    h_unlock();
    while (!h_flag(&new_login_done)) h_sleep_ms(1);
    h_lock();
    CHECK_MSG(new_login_code == ERR_SUCC, "the new instance's login failed: %d", new_login_code);
    CHECK_MSG(!overlapped, "the new instance's callback ran beside the old instance's");
    CHECK_MSG(behind_after_new == 0, "%d old callbacks ran after the new instance's", behind_after_new);
    h_unlock();
    CHECK_INT(TIMUninit(), TIM_SUCC);
}

int main(int argc, char** argv) {
    char* list;
    h_setup(argc, argv);
    round_trip(1);
    round_trip(2);
    uninit_inside_then_outside();
    init_inside_a_callback_during_uninit(0);
    init_inside_a_callback_during_uninit(1);

    /* A last Init -> Login: both rounds' marker conversations are there. */
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("pending-user");
    list = h_list();
    CHECK(h_json_find_conv(list, "after-round-1", kTIMConv_C2C) != NULL);
    CHECK(h_json_find_conv(list, "after-round-2", kTIMConv_C2C) != NULL);
    free(list);
    CHECK_INT(TIMUninit(), TIM_SUCC); /* uninit while logged in */
    h_check_no_bad_user_data();
    printf("uninit_pending: OK\n");
    return 0;
}
