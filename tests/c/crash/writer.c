/*
 * crash/writer.c: delivers messages from seven senders, 500 per TIMExtDeliverIncomingMessages
 * call, until it is killed. After each call whose callback reported success it prints
 * "acked <n>" (n: the messages acknowledged so far, IDs "m0" to "m<n-1>") and flushes. The test
 * (c_programs.rs) kills it with SIGKILL and checks that the store holds every acknowledged
 * message.
 *
 * Usage: writer <empty data directory>. Exits non-zero only on an error.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "TIMCloud.h"

#define PER_CALL 500
#define SENDERS 7

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static int done;
static int32_t result;

static void on_done(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    (void)desc;
    (void)json_params;
    (void)user_data;
    pthread_mutex_lock(&mutex);
    result = code;
    done = 1;
    pthread_cond_signal(&answered);
    pthread_mutex_unlock(&mutex);
}

/* Waits for the callback of the call just made; returns its code. */
static int32_t wait_answer(void) {
    int32_t code;
    pthread_mutex_lock(&mutex);
    while (!done) pthread_cond_wait(&answered, &mutex);
    done = 0;
    code = result;
    pthread_mutex_unlock(&mutex);
    return code;
}

int main(int argc, char** argv) {
    char config[4096];
    char* array;
    unsigned long next = 0;
    int i;

    if (argc != 2 || strlen(argv[1]) > 3000 || strpbrk(argv[1], "\"\\") != NULL) {
        fprintf(stderr, "usage: writer <data directory without quotes or backslashes>\n");
        return 2;
    }
    snprintf(config, sizeof config, "{\"%s\":\"%s\"}", kTIMSdkConfigConfigFilePath, argv[1]);
    if (TIMInit(0, config) != TIM_SUCC) return 3;
    if (TIMLogin("alice", "", on_done, NULL) != TIM_SUCC || wait_answer() != ERR_SUCC) return 4;
    array = (char*)malloc(PER_CALL * 256 + 16);
    if (array == NULL) return 5;
    for (;;) {
        char* o = array;
        *o++ = '[';
        for (i = 0; i < PER_CALL; i++) {
            unsigned long n = next + (unsigned long)i;
            o += sprintf(o, "%s{\"%s\":\"peer%lu\",\"%s\":%d,\"%s\":\"m%lu\",\"%s\":[{\"%s\":%d,\"%s\":\"message %lu\"}]}",
                         i > 0 ? "," : "", kTIMMsgSender, n % SENDERS, kTIMMsgConvType, (int)kTIMConv_C2C, kTIMMsgMsgId,
                         n, kTIMMsgElemArray, kTIMElemType, (int)kTIMElem_Text, kTIMTextElemContent, n);
        }
        *o++ = ']';
        *o = '\0';
        if (TIMExtDeliverIncomingMessages(array, on_done, NULL) != TIM_SUCC) return 6;
        if (wait_answer() != ERR_SUCC) return 7;
        next += PER_CALL;
        printf("acked %lu\n", next);
        fflush(stdout);
    }
}
