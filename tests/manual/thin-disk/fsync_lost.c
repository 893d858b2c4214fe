/* fsync_lost <data dir>: 30 acknowledged drafts; on "go" from stdin, 60 KB drafts until three fail
 * (CRASH=1: exit at the first); on a second "go" (space is back), ten more; then logout and exit.
 * Run by run.sh beside it (manual, root only). */
#include "harness.h"
#include <unistd.h>

static int draft(const char* conv, const char* text, long long t) {
    char* d = h_draft_json(text, "", t);
    int rc = TIMConvSetDraft(conv, kTIMConv_C2C, d);
    free(d);
    return rc;
}

int main(int argc, char** argv) {
    static char big[60000];
    char conv[32], line[16];
    int i, fails = 0;
    h_setup(argc, argv);
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("alice");
    for (i = 0; i < 30; i++) {
        sprintf(conv, "a%d", i);
        CHECK_INT(draft(conv, "acknowledged", 1000 + i), TIM_SUCC);
    }
    printf("READY: 30 drafts acknowledged\n");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL) return 1;
    memset(big, 'x', sizeof big - 1);
    for (i = 0; i < 1000 && fails < 3; i++) {
        int rc;
        sprintf(conv, "b%d", i);
        if ((rc = draft(conv, big, 2000 + i)) != TIM_SUCC) {
            printf("TIMConvSetDraft(%s) = %d\n", conv, rc);
            fails++;
            if (getenv("CRASH")) { printf("FAILED\n"); fflush(stdout); _exit(9); }
        }
    }
    printf("FAILED\n");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL) return 1;
    for (i = 0; i < 10; i++) {
        sprintf(conv, "c%d", i);
        printf("TIMConvSetDraft(%s) after space came back = %d\n", conv, draft(conv, "later", 3000 + i));
    }
    h_logout();
    TIMUninit();
    printf("DONE\n");
    return 0;
}
