/*
 * harness.h: a tiny test harness shared by the C test programs of tests/c/.
 *
 * - CHECK macros: print "FAIL: file:line: message" and exit(1).
 * - Callback slots: a generic TIMCommCallback (h_comm_cb) records code, desc, json, user_data and
 *   the calling thread into the slot its user_data points at; h_wait() waits (mutex + condvar,
 *   10 s timeout) for the slot's callback. user_data that is not one of the slots is counted as
 *   an error instead of being dereferenced.
 * - Conversation events: h_event_cb records every event (kind, JSON copy, thread).
 * - A minimal JSON reader (h_json_*) to look into the SDK's results without a JSON library.
 * - Messages: receive callbacks (h_recv_cb_a/b/c record every batch), the total-unread callback
 *   (h_total_cb records every value), a message JSON builder and wrappers of the message calls
 *   that wait for their callbacks (h_send, h_deliver, h_msgs, h_total_unread, ...).
 *
 * Every function is `static inline` so that programs using only part of it compile without
 * unused-function warnings. Include this header before anything else.
 */
#ifndef TIM_TEST_HARNESS_H_
#define TIM_TEST_HARNESS_H_

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "TIMCloud.h"

#define H_TIMEOUT_SECONDS 10
#define H_MAX_SLOTS 2048
#define H_MAX_BATCHES 1024
#define H_MAX_TOTALS 1024
#define H_MAX_EVENTS 4096

/* ------------------------------------------------------------------------------------------ */
/* Failing                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static inline void h_fail(const char* file, int line, const char* fmt, ...) {
    va_list ap;
    fprintf(stdout, "FAIL: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fprintf(stdout, "\n");
    fflush(stdout);
    fflush(stderr);
    exit(1);
}

#define FAIL(...) h_fail(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond)                                   \
    do {                                              \
        if (!(cond)) FAIL("CHECK(%s) failed", #cond); \
    } while (0)

#define CHECK_MSG(cond, ...)            \
    do {                                \
        if (!(cond)) FAIL(__VA_ARGS__); \
    } while (0)

#define CHECK_INT(actual, expected)                                                        \
    do {                                                                                   \
        long long h_a_ = (long long)(actual);                                              \
        long long h_e_ = (long long)(expected);                                            \
        if (h_a_ != h_e_) FAIL("%s is %lld, expected %s = %lld", #actual, h_a_, #expected, h_e_); \
    } while (0)

#define CHECK_STR(actual, expected)                                                           \
    do {                                                                                      \
        const char* h_a_ = (actual);                                                          \
        const char* h_e_ = (expected);                                                        \
        if (h_a_ == NULL || strcmp(h_a_, h_e_) != 0)                                          \
            FAIL("%s is \"%s\", expected \"%s\"", #actual, h_a_ ? h_a_ : "(null)", h_e_);     \
    } while (0)

static inline void h_log(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
}

static inline char* h_strdup(const char* s) {
    size_t n;
    char* copy;
    if (s == NULL) return NULL;
    n = strlen(s);
    copy = (char*)malloc(n + 1);
    if (copy == NULL) FAIL("out of memory");
    memcpy(copy, s, n + 1);
    return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* Global state                                                                               */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    int calls;              /* how many times the callback ran for this slot */
    int32_t code;           /* last code */
    char* desc;             /* last desc (copy) */
    char* json;             /* last json_params (copy) */
    const void* user_data;  /* last user_data */
    int on_caller_thread;   /* 1 if it ever ran on the main thread */
    int json_was_null;      /* 1 if json_params or desc was ever NULL */
} h_slot;

typedef struct {
    int kind;
    char* json;
    const void* user_data;
    int on_caller_thread;
} h_event;

static pthread_mutex_t h_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t h_cond = PTHREAD_COND_INITIALIZER;
static pthread_t h_main_thread;
static h_slot h_slots[H_MAX_SLOTS];
static int h_next_slot;
static int h_bad_user_data;     /* callbacks whose user_data was not a slot */
static int h_total_callbacks;   /* every h_comm_cb call */
static h_event h_events[H_MAX_EVENTS];
static int h_event_count;
static int h_events_dropped;
static char h_init_json[4096];
static char h_dir[2048];

static inline void h_lock(void) { pthread_mutex_lock(&h_mutex); }
static inline void h_unlock(void) { pthread_mutex_unlock(&h_mutex); }

/* An absolute deadline `seconds` from now (CLOCK_REALTIME, as pthread_cond_timedwait uses). */
static inline struct timespec h_deadline(int seconds) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += seconds;
    return ts;
}

/* Waits on the condvar until the deadline; returns 0 on timeout. Call with the mutex held. */
static inline int h_cond_wait_until(const struct timespec* deadline) {
    int rc = pthread_cond_timedwait(&h_cond, &h_mutex, deadline);
    return rc != ETIMEDOUT;
}

/* A flag one thread sets and another polls: atomic, as a plain (or volatile) int shared so would
 * be a data race (undefined behaviour; ThreadSanitizer reports it). */
static inline int h_flag(const int* flag) { return __atomic_load_n(flag, __ATOMIC_SEQ_CST); }
static inline void h_set_flag(int* flag, int value) { __atomic_store_n(flag, value, __ATOMIC_SEQ_CST); }

static inline void h_sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Callback slots                                                                             */
/* ------------------------------------------------------------------------------------------ */

/* A fresh slot; pass it as user_data with h_comm_cb. */
static inline h_slot* h_new_slot(void) {
    h_slot* s;
    h_lock();
    if (h_next_slot >= H_MAX_SLOTS) {
        h_unlock();
        FAIL("out of callback slots");
    }
    s = &h_slots[h_next_slot++];
    h_unlock();
    return s;
}

static inline h_slot* h_slot_of(const void* user_data) {
    uintptr_t a = (uintptr_t)user_data;
    uintptr_t lo = (uintptr_t)&h_slots[0];
    uintptr_t hi = (uintptr_t)&h_slots[H_MAX_SLOTS];
    if (a < lo || a >= hi || (a - lo) % sizeof(h_slot) != 0) return NULL;
    return &h_slots[(a - lo) / sizeof(h_slot)];
}

/* The generic TIMCommCallback. */
static inline void h_comm_cb(int32_t code, const char* desc, const char* json_params, const void* user_data) {
    h_slot* s = h_slot_of(user_data);
    int on_main = pthread_equal(pthread_self(), h_main_thread);
    h_lock();
    h_total_callbacks++;
    if (s == NULL) {
        h_bad_user_data++;
    } else {
        s->calls++;
        s->code = code;
        free(s->desc);
        free(s->json);
        s->desc = h_strdup(desc ? desc : "");
        s->json = h_strdup(json_params ? json_params : "");
        s->user_data = user_data;
        if (on_main) s->on_caller_thread = 1;
        if (json_params == NULL || desc == NULL) s->json_was_null = 1;
    }
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

/* Waits until the slot's callback ran `n` times in total; fails after the timeout. Checks that it
 * ran on another thread, with its own user_data, and never more than `n` times. */
static inline void h_wait_n_at(h_slot* s, int n, const char* file, int line) {
    struct timespec deadline = h_deadline(H_TIMEOUT_SECONDS);
    h_lock();
    while (s->calls < n) {
        if (!h_cond_wait_until(&deadline)) {
            int calls = s->calls;
            h_unlock();
            h_fail(file, line, "timed out after %d s waiting for a callback (%d of %d arrived)",
                   H_TIMEOUT_SECONDS, calls, n);
        }
    }
    if (s->calls != n) {
        int calls = s->calls;
        h_unlock();
        h_fail(file, line, "callback ran %d times, expected %d", calls, n);
    }
    if (s->user_data != (const void*)s) {
        h_unlock();
        h_fail(file, line, "callback received user_data %p, expected %p", s->user_data, (void*)s);
    }
    if (s->on_caller_thread) {
        h_unlock();
        h_fail(file, line, "callback ran on the calling (main) thread");
    }
    if (s->json_was_null) {
        h_unlock();
        h_fail(file, line, "callback received a NULL desc or json_params");
    }
    h_unlock();
}

#define h_wait(slot) h_wait_n_at((slot), 1, __FILE__, __LINE__)
#define h_wait_n(slot, n) h_wait_n_at((slot), (n), __FILE__, __LINE__)

static inline int h_total(void) {
    int n;
    h_lock();
    n = h_total_callbacks;
    h_unlock();
    return n;
}

static inline void h_check_no_bad_user_data(void) {
    h_lock();
    if (h_bad_user_data != 0) {
        int n = h_bad_user_data;
        h_unlock();
        FAIL("%d callback(s) received a user_data that was not passed to any call", n);
    }
    h_unlock();
}

/* ------------------------------------------------------------------------------------------ */
/* Conversation events                                                                        */
/* ------------------------------------------------------------------------------------------ */

static int h_event_user_data_tag;
#define H_EVENT_USER_DATA ((const void*)&h_event_user_data_tag)

static inline void h_event_cb(enum TIMConvEvent conv_event, const char* json_conv_array, const void* user_data) {
    int on_main = pthread_equal(pthread_self(), h_main_thread);
    h_lock();
    if (h_event_count < H_MAX_EVENTS) {
        h_event* e = &h_events[h_event_count++];
        e->kind = (int)conv_event;
        e->json = h_strdup(json_conv_array ? json_conv_array : "(null)");
        e->user_data = user_data;
        e->on_caller_thread = on_main;
    } else {
        h_events_dropped++;
    }
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

/* The number of events recorded so far (a mark to wait for later events). */
static inline int h_event_mark(void) {
    int n;
    h_lock();
    n = h_event_count;
    h_unlock();
    return n;
}

static inline int h_json_array_has_conv(const char* json, const char* conv_id, int conv_type);

/* Waits for an event of `kind` recorded after `mark` whose array contains the conversation. Checks
 * the event's user_data and thread. Returns the index of the event. */
static inline int h_wait_event_at(int mark, int kind, const char* conv_id, int conv_type, const char* file,
                                  int line) {
    struct timespec deadline = h_deadline(H_TIMEOUT_SECONDS);
    int i = mark;
    h_lock();
    for (;;) {
        for (; i < h_event_count; i++) {
            h_event* e = &h_events[i];
            if (e->kind == kind && h_json_array_has_conv(e->json, conv_id, conv_type)) {
                if (e->user_data != H_EVENT_USER_DATA) {
                    h_unlock();
                    h_fail(file, line, "event callback received user_data %p, expected %p", e->user_data,
                           (void*)H_EVENT_USER_DATA);
                }
                if (e->on_caller_thread) {
                    h_unlock();
                    h_fail(file, line, "event callback ran on the calling (main) thread");
                }
                h_unlock();
                return i;
            }
        }
        if (!h_cond_wait_until(&deadline)) {
            h_unlock();
            h_fail(file, line, "timed out waiting for event %d for conversation \"%s\" (type %d)", kind,
                   conv_id, conv_type);
        }
    }
}

#define h_wait_event(mark, kind, conv_id, conv_type) \
    h_wait_event_at((mark), (kind), (conv_id), (conv_type), __FILE__, __LINE__)

/* Counts events of `kind` (or any kind if kind < 0) after `mark` mentioning the conversation (or
 * any, if conv_id is NULL). */
static inline int h_count_events(int mark, int kind, const char* conv_id, int conv_type) {
    int i, n = 0;
    h_lock();
    for (i = mark; i < h_event_count; i++) {
        if (kind >= 0 && h_events[i].kind != kind) continue;
        if (conv_id != NULL && !h_json_array_has_conv(h_events[i].json, conv_id, conv_type)) continue;
        n++;
    }
    h_unlock();
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* Minimal JSON reader                                                                        */
/* ------------------------------------------------------------------------------------------ */

static inline const char* h_json_ws(const char* p) {
    while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* Skips one JSON string starting at `"`; returns the position after it, or NULL. */
static inline const char* h_json_skip_string(const char* p) {
    if (p == NULL || *p != '"') return NULL;
    p++;
    while (*p && *p != '"') {
        if (*p == '\\') {
            p++;
            if (!*p) return NULL;
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}

/* Skips one JSON value; returns the position after it, or NULL if malformed. */
static inline const char* h_json_skip(const char* p) {
    p = h_json_ws(p);
    if (p == NULL || *p == '\0') return NULL;
    if (*p == '"') return h_json_skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = h_json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = h_json_skip_string(h_json_ws(p));
                p = h_json_ws(p);
                if (p == NULL || *p != ':') return NULL;
                p++;
            }
            p = h_json_skip(p);
            p = h_json_ws(p);
            if (p == NULL) return NULL;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == close) return p + 1;
            return NULL;
        }
    }
    /* number, true, false, null */
    if (!(*p == '-' || (*p >= '0' && *p <= '9') || *p == 't' || *p == 'f' || *p == 'n')) return NULL;
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') p++;
    return p;
}

/* Appends the UTF-8 encoding of a code point. */
static inline char* h_utf8_put(char* out, unsigned long cp) {
    if (cp < 0x80) {
        *out++ = (char)cp;
    } else if (cp < 0x800) {
        *out++ = (char)(0xC0 | (cp >> 6));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = (char)(0xE0 | (cp >> 12));
        *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *out++ = (char)(0xF0 | (cp >> 18));
        *out++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *out++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    }
    return out;
}

static inline int h_hex4(const char* p, unsigned long* out) {
    int i;
    *out = 0;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        *out <<= 4;
        if (c >= '0' && c <= '9') *out |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') *out |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *out |= (unsigned long)(c - 'A' + 10);
        else return 0;
    }
    return 1;
}

/* Decodes the JSON string at `p` into a malloc'd UTF-8 string (NULL if `p` is not a string). */
static inline char* h_json_string(const char* p) {
    const char* end;
    char *out, *o;
    p = h_json_ws(p);
    end = h_json_skip_string(p);
    if (end == NULL) return NULL;
    out = (char*)malloc((size_t)(end - p) + 1);
    if (out == NULL) FAIL("out of memory");
    o = out;
    for (p = p + 1; p < end - 1; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
            case 'n': *o++ = '\n'; break;
            case 't': *o++ = '\t'; break;
            case 'r': *o++ = '\r'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'u': {
                unsigned long cp, lo;
                if (!h_hex4(p + 1, &cp)) {
                    free(out);
                    return NULL;
                }
                p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && p[1] == '\\' && p[2] == 'u' && h_hex4(p + 3, &lo)) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
                o = h_utf8_put(o, cp);
                break;
            }
            default: *o++ = *p; break; /* \" \\ \/ */
        }
    }
    *o = '\0';
    return out;
}

/* The value of `key` in the object at `obj`, or NULL. */
static inline const char* h_json_get(const char* obj, const char* key) {
    const char* p = h_json_ws(obj);
    size_t klen = strlen(key);
    if (p == NULL || *p != '{') return NULL;
    p = h_json_ws(p + 1);
    if (*p == '}') return NULL;
    for (;;) {
        const char* kstart = h_json_ws(p);
        const char* kend = h_json_skip_string(kstart);
        const char* value;
        if (kend == NULL) return NULL;
        p = h_json_ws(kend);
        if (*p != ':') return NULL;
        value = h_json_ws(p + 1);
        if ((size_t)(kend - kstart) == klen + 2 && strncmp(kstart + 1, key, klen) == 0) return value;
        p = h_json_ws(h_json_skip(value));
        if (p == NULL || *p != ',') return NULL;
        p++;
    }
}

/* Element `index` of the array at `arr`, or NULL. */
static inline const char* h_json_at(const char* arr, int index) {
    const char* p = h_json_ws(arr);
    int i = 0;
    if (p == NULL || *p != '[') return NULL;
    p = h_json_ws(p + 1);
    if (*p == ']') return NULL;
    for (;;) {
        if (i == index) return p;
        p = h_json_ws(h_json_skip(p));
        if (p == NULL || *p != ',') return NULL;
        p = h_json_ws(p + 1);
        i++;
    }
}

/* The number of elements of the array at `arr`, or -1 if it is not an array. */
static inline int h_json_len(const char* arr) {
    const char* p = h_json_ws(arr);
    int n = 0;
    if (p == NULL || *p != '[') return -1;
    p = h_json_ws(p + 1);
    if (*p == ']') return 0;
    for (;;) {
        p = h_json_ws(h_json_skip(p));
        n++;
        if (p == NULL) return -1;
        if (*p == ']') return n;
        if (*p != ',') return -1;
        p++;
    }
}

/* Whether the value at `v` is the JSON string `expected`. */
static inline int h_json_str_eq(const char* v, const char* expected) {
    char* s = h_json_string(v);
    int eq = s != NULL && strcmp(s, expected) == 0;
    free(s);
    return eq;
}

/* Reads an integer value; returns 0 if `v` is not an integer. */
static inline int h_json_int(const char* v, long long* out) {
    char* end;
    v = h_json_ws(v);
    if (v == NULL || !(*v == '-' || (*v >= '0' && *v <= '9'))) return 0;
    errno = 0;
    *out = strtoll(v, &end, 10);
    if (errno != 0 || end == v || *end == '.' || *end == 'e' || *end == 'E') return 0;
    return 1;
}

/* Reads a boolean value: 1 true, 0 false, -1 not a boolean. */
static inline int h_json_bool(const char* v) {
    v = h_json_ws(v);
    if (v == NULL) return -1;
    if (strncmp(v, "true", 4) == 0) return 1;
    if (strncmp(v, "false", 5) == 0) return 0;
    return -1;
}

/* Whether the object at `obj` is the conversation (conv_id, conv_type). */
static inline int h_json_is_conv(const char* obj, const char* conv_id, int conv_type) {
    long long type = -1;
    const char* id = h_json_get(obj, kTIMConvId);
    const char* t = h_json_get(obj, kTIMConvType);
    return id != NULL && t != NULL && h_json_str_eq(id, conv_id) && h_json_int(t, &type) && type == conv_type;
}

/* The ConvInfo object of the conversation in the array at `arr`, or NULL. */
static inline const char* h_json_find_conv(const char* arr, const char* conv_id, int conv_type) {
    int i, n = h_json_len(arr);
    for (i = 0; i < n; i++) {
        const char* obj = h_json_at(arr, i);
        if (h_json_is_conv(obj, conv_id, conv_type)) return obj;
    }
    return NULL;
}

static inline int h_json_array_has_conv(const char* json, const char* conv_id, int conv_type) {
    return h_json_find_conv(json, conv_id, conv_type) != NULL;
}

/* A malloc'd copy of the JSON text of the value at `v`. */
static inline char* h_json_dup_value(const char* v) {
    const char* end;
    char* out;
    v = h_json_ws(v);
    end = h_json_skip(v);
    if (end == NULL) return NULL;
    out = (char*)malloc((size_t)(end - v) + 1);
    if (out == NULL) FAIL("out of memory");
    memcpy(out, v, (size_t)(end - v));
    out[end - v] = '\0';
    return out;
}

/* ------------------------------------------------------------------------------------------ */
/* SDK helpers                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* Remembers the main thread and the data folder (argv[1]); builds the TIMInit JSON. */
static inline void h_setup(int argc, char** argv) {
    const char* dir;
    char* o;
    size_t i;
    h_main_thread = pthread_self();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2 || argv[1][0] == '\0') {
        fprintf(stdout, "FAIL: usage: %s <empty data directory>\n", argc > 0 ? argv[0] : "test");
        exit(1);
    }
    dir = argv[1];
    if (strlen(dir) >= sizeof h_dir) FAIL("data directory path too long");
    strcpy(h_dir, dir);
    o = h_init_json;
    o += sprintf(o, "{\"%s\":\"", kTIMSdkConfigConfigFilePath);
    for (i = 0; dir[i] != '\0'; i++) {
        if ((size_t)(o - h_init_json) > sizeof h_init_json - 8) FAIL("data directory path too long");
        if (dir[i] == '"' || dir[i] == '\\') *o++ = '\\';
        *o++ = dir[i];
    }
    strcpy(o, "\"}");
}

/* TIMInit with the data folder of the program. */
static inline int h_init(void) { return TIMInit(0, h_init_json); }

/* TIMLogin and wait for its callback; checks success. */
#define h_login(user) h_login_at((user), __FILE__, __LINE__)
static inline void h_login_at(const char* user, const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMLogin(user, "user-sig", h_comm_cb, s);
    if (rc != TIM_SUCC) h_fail(file, line, "TIMLogin(\"%s\") returned %d", user, rc);
    h_wait_n_at(s, 1, file, line);
    if (s->code != ERR_SUCC) h_fail(file, line, "TIMLogin(\"%s\") callback code %d (%s)", user, s->code, s->desc);
}

/* TIMLogout and wait for its callback; checks success. */
#define h_logout() h_logout_at(__FILE__, __LINE__)
static inline void h_logout_at(const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMLogout(h_comm_cb, s);
    if (rc != TIM_SUCC) h_fail(file, line, "TIMLogout returned %d", rc);
    h_wait_n_at(s, 1, file, line);
    if (s->code != ERR_SUCC) h_fail(file, line, "TIMLogout callback code %d (%s)", s->code, s->desc);
}

/* TIMConvCreate and wait; checks success and that the callback JSON is the conversation. */
#define h_create(conv_id, conv_type) h_create_at((conv_id), (conv_type), __FILE__, __LINE__)
static inline void h_create_at(const char* conv_id, int conv_type, const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMConvCreate(conv_id, (enum TIMConvType)conv_type, h_comm_cb, s);
    if (rc != TIM_SUCC) h_fail(file, line, "TIMConvCreate(\"%s\", %d) returned %d", conv_id, conv_type, rc);
    h_wait_n_at(s, 1, file, line);
    if (s->code != ERR_SUCC)
        h_fail(file, line, "TIMConvCreate(\"%s\") callback code %d (%s)", conv_id, s->code, s->desc);
    if (!h_json_is_conv(s->json, conv_id, conv_type))
        h_fail(file, line, "TIMConvCreate(\"%s\", %d) callback JSON is not that conversation: %s", conv_id,
               conv_type, s->json);
}

/* TIMConvDelete and wait; returns the callback code. */
#define h_delete(conv_id, conv_type) h_delete_at((conv_id), (conv_type), __FILE__, __LINE__)
static inline int32_t h_delete_at(const char* conv_id, int conv_type, const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMConvDelete(conv_id, (enum TIMConvType)conv_type, h_comm_cb, s);
    if (rc != TIM_SUCC) h_fail(file, line, "TIMConvDelete(\"%s\", %d) returned %d", conv_id, conv_type, rc);
    h_wait_n_at(s, 1, file, line);
    return s->code;
}

/* TIMConvGetConvList and wait; returns a malloc'd copy of the list JSON (checked to be an array). */
#define h_list() h_list_at(__FILE__, __LINE__)
static inline char* h_list_at(const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMConvGetConvList(h_comm_cb, s);
    if (rc != TIM_SUCC) h_fail(file, line, "TIMConvGetConvList returned %d", rc);
    h_wait_n_at(s, 1, file, line);
    if (s->code != ERR_SUCC) h_fail(file, line, "TIMConvGetConvList callback code %d (%s)", s->code, s->desc);
    if (h_json_len(s->json) < 0) h_fail(file, line, "TIMConvGetConvList JSON is not an array: %s", s->json);
    return h_strdup(s->json);
}

/* Builds a draft JSON with one text elem. `text` and `user_define` must not need escaping beyond
 * quotes and backslashes (they are escaped here). Returns a malloc'd string. */
static inline char* h_draft_json(const char* text, const char* user_define, long long edit_time) {
    size_t cap = strlen(text) * 2 + strlen(user_define) * 2 + 512;
    char* out = (char*)malloc(cap);
    char* o = out;
    const char* parts[2];
    int k;
    size_t i;
    if (out == NULL) FAIL("out of memory");
    parts[0] = text;
    parts[1] = user_define;
    o += sprintf(o, "{\"%s\":{\"%s\":[{\"%s\":%d,\"%s\":\"", kTIMDraftMsg, kTIMMsgElemArray, kTIMElemType,
                 (int)kTIMElem_Text, kTIMTextElemContent);
    for (k = 0; k < 2; k++) {
        for (i = 0; parts[k][i] != '\0'; i++) {
            if (parts[k][i] == '"' || parts[k][i] == '\\') *o++ = '\\';
            *o++ = parts[k][i];
        }
        if (k == 0) o += sprintf(o, "\"}]},\"%s\":\"", kTIMDraftUserDefine);
    }
    if (edit_time >= 0) {
        sprintf(o, "\",\"%s\":%lld}", kTIMDraftEditTime, edit_time);
    } else {
        sprintf(o, "\"}");
    }
    return out;
}

/* Checks the draft of the conversation in a list: present with the given text, user_define and
 * edit time (edit_time < 0: any), or absent when text is NULL. */
#define h_check_draft(list, conv_id, conv_type, text, user_define, edit_time) \
    h_check_draft_at((list), (conv_id), (conv_type), (text), (user_define), (edit_time), __FILE__, __LINE__)
static inline void h_check_draft_at(const char* list, const char* conv_id, int conv_type, const char* text,
                                    const char* user_define, long long edit_time, const char* file, int line) {
    const char* conv = h_json_find_conv(list, conv_id, conv_type);
    const char *has, *draft, *msg, *elems, *elem, *v;
    long long n;
    if (conv == NULL) h_fail(file, line, "conversation \"%s\" (%d) not in the list: %.2000s", conv_id, conv_type, list);
    has = h_json_get(conv, kTIMConvIsHasDraft);
    draft = h_json_get(conv, kTIMConvDraft);
    if (text == NULL) {
        if (h_json_bool(has) != 0) h_fail(file, line, "\"%s\": conv_is_has_draft is not false", conv_id);
        if (draft != NULL && strncmp(h_json_ws(draft), "null", 4) != 0)
            h_fail(file, line, "\"%s\": conv_draft present without a draft", conv_id);
        return;
    }
    if (h_json_bool(has) != 1) h_fail(file, line, "\"%s\": conv_is_has_draft is not true", conv_id);
    if (draft == NULL) h_fail(file, line, "\"%s\": no conv_draft", conv_id);
    msg = h_json_get(draft, kTIMDraftMsg);
    elems = msg ? h_json_get(msg, kTIMMsgElemArray) : NULL;
    elem = elems ? h_json_at(elems, 0) : NULL;
    if (elem == NULL) h_fail(file, line, "\"%s\": draft has no message elem", conv_id);
    v = h_json_get(elem, kTIMElemType);
    if (v == NULL || !h_json_int(v, &n) || n != kTIMElem_Text) h_fail(file, line, "\"%s\": draft elem is not text", conv_id);
    v = h_json_get(elem, kTIMTextElemContent);
    if (v == NULL || !h_json_str_eq(v, text)) h_fail(file, line, "\"%s\": draft text differs", conv_id);
    v = h_json_get(draft, kTIMDraftUserDefine);
    if (v == NULL || !h_json_str_eq(v, user_define)) h_fail(file, line, "\"%s\": draft_user_define differs", conv_id);
    v = h_json_get(draft, kTIMDraftEditTime);
    if (v == NULL || !h_json_int(v, &n)) h_fail(file, line, "\"%s\": draft_edit_time missing", conv_id);
    if (edit_time >= 0 && n != edit_time)
        h_fail(file, line, "\"%s\": draft_edit_time is %lld, expected %lld", conv_id, n, edit_time);
}


/* ------------------------------------------------------------------------------------------ */
/* Messages: receive callbacks, total-unread callback, builders and wrappers                  */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    int which;              /* 0, 1, 2: h_recv_cb_a, _b, _c */
    char* json;             /* copy of json_msg_array */
    const void* user_data;
    int on_caller_thread;
} h_batch;

static h_batch h_batches[H_MAX_BATCHES];
static int h_batch_count;
static int h_batches_dropped;
static int h_totals[H_MAX_TOTALS];
static const void* h_total_user_data[H_MAX_TOTALS];
static int h_total_count;
static int h_total_on_caller_thread;

static int h_recv_user_data_tag[3];
#define H_RECV_USER_DATA(which) ((const void*)&h_recv_user_data_tag[(which)])
static int h_total_user_data_tag;
#define H_TOTAL_USER_DATA ((const void*)&h_total_user_data_tag)

static inline void h_record_batch(int which, const char* json, const void* user_data) {
    int on_main = pthread_equal(pthread_self(), h_main_thread);
    h_lock();
    if (h_batch_count < H_MAX_BATCHES) {
        h_batch* b = &h_batches[h_batch_count++];
        b->which = which;
        b->json = h_strdup(json ? json : "(null)");
        b->user_data = user_data;
        b->on_caller_thread = on_main;
    } else {
        h_batches_dropped++;
    }
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

/* Three distinct TIMRecvNewMsgCallback functions (removal is by function pointer). */
static inline void h_recv_cb_a(const char* json_msg_array, const void* user_data) {
    h_record_batch(0, json_msg_array, user_data);
}
static inline void h_recv_cb_b(const char* json_msg_array, const void* user_data) {
    h_record_batch(1, json_msg_array, user_data);
}
static inline void h_recv_cb_c(const char* json_msg_array, const void* user_data) {
    h_record_batch(2, json_msg_array, user_data);
}

/* The number of batches recorded so far (a mark). */
static inline int h_batch_mark(void) {
    int n;
    h_lock();
    n = h_batch_count;
    h_unlock();
    return n;
}

/* Counts the batches of callback `which` after `mark` (which < 0: any) and, if `messages` is
 * not NULL, adds up their message counts into it. */
static inline int h_count_batches(int mark, int which, int* messages) {
    int i, n = 0, m = 0;
    h_lock();
    for (i = mark; i < h_batch_count; i++) {
        if (which >= 0 && h_batches[i].which != which) continue;
        n++;
        m += h_json_len(h_batches[i].json);
    }
    h_unlock();
    if (messages != NULL) *messages = m;
    return n;
}

/* Waits until callback `which` has received `n_messages` messages in batches after `mark`; checks
 * the batches' user_data (H_RECV_USER_DATA(which) unless `user_data` is given) and thread. */
#define h_wait_recv(mark, which, n_messages, user_data) \
    h_wait_recv_at((mark), (which), (n_messages), (user_data), __FILE__, __LINE__)
static inline void h_wait_recv_at(int mark, int which, int n_messages, const void* user_data, const char* file,
                                  int line) {
    struct timespec deadline = h_deadline(H_TIMEOUT_SECONDS);
    const void* expected = user_data != NULL ? user_data : H_RECV_USER_DATA(which);
    int i, m;
    h_lock();
    for (;;) {
        m = 0;
        for (i = mark; i < h_batch_count; i++) {
            h_batch* b = &h_batches[i];
            if (b->which != which) continue;
            if (b->user_data != expected) {
                h_unlock();
                h_fail(file, line, "receive callback %d got user_data %p, expected %p", which, b->user_data,
                       expected);
            }
            if (b->on_caller_thread) {
                h_unlock();
                h_fail(file, line, "receive callback ran on the calling (main) thread");
            }
            if (h_json_len(b->json) <= 0) {
                h_unlock();
                h_fail(file, line, "receive callback got an empty or non-array batch: %.500s", b->json);
            }
            m += h_json_len(b->json);
        }
        if (m >= n_messages) break;
        if (!h_cond_wait_until(&deadline)) {
            h_unlock();
            h_fail(file, line, "timed out waiting for %d received message(s) at callback %d (%d arrived)",
                   n_messages, which, m);
        }
    }
    h_unlock();
    if (m != n_messages)
        h_fail(file, line, "receive callback %d got %d message(s), expected %d", which, m, n_messages);
}

/* The TIMConvTotalUnreadMessageCountChangedCallback: records every value. */
static inline void h_total_cb(int total_unread_count, const void* user_data) {
    int on_main = pthread_equal(pthread_self(), h_main_thread);
    h_lock();
    if (h_total_count < H_MAX_TOTALS) {
        h_total_user_data[h_total_count] = user_data;
        h_totals[h_total_count++] = total_unread_count;
    }
    if (on_main) h_total_on_caller_thread = 1;
    pthread_cond_broadcast(&h_cond);
    h_unlock();
}

static inline int h_total_mark(void) {
    int n;
    h_lock();
    n = h_total_count;
    h_unlock();
    return n;
}

/* The n-th total reported (-1 if there is none). */
static inline int h_total_at(int n) {
    int v;
    h_lock();
    v = n < h_total_count ? h_totals[n] : -1;
    h_unlock();
    return v;
}

/* Waits for a total-unread callback after `mark` reporting `value`; returns its index. */
#define h_wait_total(mark, value) h_wait_total_at((mark), (value), __FILE__, __LINE__)
static inline int h_wait_total_at(int mark, int value, const char* file, int line) {
    struct timespec deadline = h_deadline(H_TIMEOUT_SECONDS);
    int i = mark;
    h_lock();
    for (;;) {
        for (; i < h_total_count; i++) {
            if (h_totals[i] == value) {
                if (h_total_user_data[i] != H_TOTAL_USER_DATA || h_total_on_caller_thread) {
                    h_unlock();
                    h_fail(file, line, "total-unread callback: wrong user_data or ran on the main thread");
                }
                h_unlock();
                return i;
            }
        }
        if (!h_cond_wait_until(&deadline)) {
            int n = h_total_count;
            h_unlock();
            h_fail(file, line, "timed out waiting for the total-unread callback to report %d (%d reports since mark,"
                   " last %d)", value, n - mark, n > 0 ? h_totals[n - 1] : -1);
        }
    }
}

/* Appends `s` to `out` as the inside of a JSON string (escapes quotes, backslashes and control
 * characters); returns the new end. */
static inline char* h_json_escape(char* out, const char* s) {
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *out++ = '\\';
            *out++ = (char)c;
        } else if (c < 0x20) {
            out += sprintf(out, "\\u%04x", c);
        } else {
            *out++ = (char)c;
        }
    }
    *out = '\0';
    return out;
}

/* A malloc'd Message JSON object with one text elem, plus the raw JSON members `extra` (for
 * example "\"message_sender\":\"bob\"", or NULL/""). */
static inline char* h_msg_json(const char* text, const char* extra) {
    size_t cap = strlen(text) * 6 + (extra ? strlen(extra) : 0) + 128;
    char* out = (char*)malloc(cap);
    char* o;
    if (out == NULL) FAIL("out of memory");
    o = out + sprintf(out, "{\"%s\":[{\"%s\":%d,\"%s\":\"", kTIMMsgElemArray, kTIMElemType, (int)kTIMElem_Text,
                      kTIMTextElemContent);
    o = h_json_escape(o, text);
    o += sprintf(o, "\"}]");
    if (extra != NULL && extra[0] != '\0') o += sprintf(o, ",%s", extra);
    sprintf(o, "}");
    return out;
}

/* A malloc'd message from another user for TIMExtDeliverIncomingMessages. conv_id: the group (or
 * NULL for C2C: the sender's conversation); msg_id and server_time are left out when NULL / 0;
 * `extra`: more raw JSON members or NULL. */
static inline char* h_incoming_json(const char* sender, int conv_type, const char* conv_id, const char* msg_id,
                                    long long server_time, const char* text, const char* extra) {
    char members[4096];
    char* o = members;
    o += sprintf(o, "\"%s\":\"%s\",\"%s\":%d", kTIMMsgSender, sender, kTIMMsgConvType, conv_type);
    if (conv_id != NULL) o += sprintf(o, ",\"%s\":\"%s\"", kTIMMsgConvId, conv_id);
    if (msg_id != NULL) o += sprintf(o, ",\"%s\":\"%s\"", kTIMMsgMsgId, msg_id);
    if (server_time > 0) o += sprintf(o, ",\"%s\":%lld", kTIMMsgServerTime, server_time);
    if (extra != NULL && extra[0] != '\0') sprintf(o, ",%s", extra);
    return h_msg_json(text, members);
}

/* Joins JSON values into a malloc'd array "[a,b,...]". */
static inline char* h_json_array_of(char** items, int n) {
    size_t cap = 3;
    int i;
    char *out, *o;
    for (i = 0; i < n; i++) cap += strlen(items[i]) + 1;
    out = (char*)malloc(cap);
    if (out == NULL) FAIL("out of memory");
    o = out;
    *o++ = '[';
    for (i = 0; i < n; i++) {
        size_t len = strlen(items[i]);
        if (i > 0) *o++ = ',';
        memcpy(o, items[i], len);
        o += len;
    }
    *o++ = ']';
    *o = '\0';
    return out;
}

/* Waits for the slot of an accepted async call and returns the callback code. */
#define h_await(rc, slot, what) h_await_at((rc), (slot), (what), __FILE__, __LINE__)
static inline int32_t h_await_at(int rc, h_slot* s, const char* what, const char* file, int line) {
    if (rc != TIM_SUCC) h_fail(file, line, "%s returned %d, expected TIM_SUCC", what, rc);
    h_wait_n_at(s, 1, file, line);
    return s->code;
}

/* Waits for the slot and checks the callback code is ERR_SUCC. */
#define h_await_ok(rc, slot, what) h_await_ok_at((rc), (slot), (what), __FILE__, __LINE__)
static inline void h_await_ok_at(int rc, h_slot* s, const char* what, const char* file, int line) {
    int32_t code = h_await_at(rc, s, what, file, line);
    if (code != ERR_SUCC) h_fail(file, line, "%s: callback code %d (%s)", what, code, s->desc);
}

/* The string value of `key` in the object at `obj`, malloc'd, or NULL. */
static inline char* h_json_get_string(const char* obj, const char* key) {
    const char* v = h_json_get(obj, key);
    return v != NULL ? h_json_string(v) : NULL;
}

/* The integer value of `key` in the object at `obj`, or `fallback`. */
static inline long long h_json_get_int(const char* obj, const char* key, long long fallback) {
    long long n;
    const char* v = h_json_get(obj, key);
    return v != NULL && h_json_int(v, &n) ? n : fallback;
}

/* Whether the message at `msg` has `message_msg_id` equal to `id`. */
static inline int h_msg_has_id(const char* msg, const char* id) {
    const char* v = msg != NULL ? h_json_get(msg, kTIMMsgMsgId) : NULL;
    return v != NULL && h_json_str_eq(v, id);
}

/* The text of the first elem of the message at `msg` (malloc'd), or NULL. */
static inline char* h_msg_text(const char* msg) {
    const char* elems = msg != NULL ? h_json_get(msg, kTIMMsgElemArray) : NULL;
    const char* elem = elems != NULL ? h_json_at(elems, 0) : NULL;
    return elem != NULL ? h_json_get_string(elem, kTIMTextElemContent) : NULL;
}

/* TIMMsgSendMessage of a text message, waiting for success. Writes the ID into id_buf (128 bytes,
 * may be NULL) and returns a malloc'd copy of the callback's message JSON. */
#define h_send(conv_id, conv_type, text, id_buf) h_send_at((conv_id), (conv_type), (text), (id_buf), __FILE__, __LINE__)
static inline char* h_send_at(const char* conv_id, int conv_type, const char* text, char* id_buf, const char* file,
                              int line) {
    h_slot* s = h_new_slot();
    char* msg = h_msg_json(text, NULL);
    int rc = TIMMsgSendMessage(conv_id, (enum TIMConvType)conv_type, msg, id_buf, h_comm_cb, s);
    free(msg);
    h_await_ok_at(rc, s, "TIMMsgSendMessage", file, line);
    if (id_buf != NULL && !h_msg_has_id(s->json, id_buf))
        h_fail(file, line, "the callback's message_msg_id differs from the buffer \"%s\": %.500s", id_buf, s->json);
    return h_strdup(s->json);
}

/* TIMExtDeliverIncomingMessages, waiting for success; returns a malloc'd copy of the callback JSON
 * (the array of stored messages). */
#define h_deliver(json_array) h_deliver_at((json_array), __FILE__, __LINE__)
static inline char* h_deliver_at(const char* json_array, const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMExtDeliverIncomingMessages(json_array, h_comm_cb, s);
    h_await_ok_at(rc, s, "TIMExtDeliverIncomingMessages", file, line);
    if (h_json_len(s->json) < 0) h_fail(file, line, "delivery callback JSON is not an array: %.500s", s->json);
    return h_strdup(s->json);
}

/* Delivers one message (built with h_incoming_json) and returns how many were stored (0 or 1). */
#define h_deliver_one(sender, conv_type, conv_id, msg_id, server_time, text, extra)                              \
    h_deliver_one_at((sender), (conv_type), (conv_id), (msg_id), (server_time), (text), (extra), __FILE__, \
                     __LINE__)
static inline int h_deliver_one_at(const char* sender, int conv_type, const char* conv_id, const char* msg_id,
                                   long long server_time, const char* text, const char* extra, const char* file,
                                   int line) {
    char* msg = h_incoming_json(sender, conv_type, conv_id, msg_id, server_time, text, extra);
    char* array = h_json_array_of(&msg, 1);
    char* stored = h_deliver_at(array, file, line);
    int n = h_json_len(stored);
    free(msg);
    free(array);
    free(stored);
    return n;
}

/* TIMMsgGetMsgList, waiting for success; returns a malloc'd copy of the message array. */
#define h_msgs(conv_id, conv_type, param) h_msgs_at((conv_id), (conv_type), (param), __FILE__, __LINE__)
static inline char* h_msgs_at(const char* conv_id, int conv_type, const char* param, const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMMsgGetMsgList(conv_id, (enum TIMConvType)conv_type, param, h_comm_cb, s);
    h_await_ok_at(rc, s, "TIMMsgGetMsgList", file, line);
    if (h_json_len(s->json) < 0) h_fail(file, line, "TIMMsgGetMsgList JSON is not an array: %.500s", s->json);
    return h_strdup(s->json);
}

/* TIMConvGetTotalUnreadMessageCount, waiting for success; returns the count. */
#define h_total_unread() h_total_unread_at(__FILE__, __LINE__)
static inline long long h_total_unread_at(const char* file, int line) {
    h_slot* s = h_new_slot();
    int rc = TIMConvGetTotalUnreadMessageCount(h_comm_cb, s);
    long long n;
    h_await_ok_at(rc, s, "TIMConvGetTotalUnreadMessageCount", file, line);
    n = h_json_get_int(s->json, kTIMConvGetTotalUnreadMessageCountResultUnreadCount, -1);
    if (n < 0) h_fail(file, line, "total unread JSON without a count: %s", s->json);
    return n;
}

/* The conversation's conv_unread_num in a fresh list (-1 if it is not listed). */
#define h_unread(conv_id, conv_type) h_unread_at((conv_id), (conv_type), __FILE__, __LINE__)
static inline long long h_unread_at(const char* conv_id, int conv_type, const char* file, int line) {
    char* list = h_list_at(file, line);
    const char* conv = h_json_find_conv(list, conv_id, conv_type);
    long long n = conv != NULL ? h_json_get_int(conv, kTIMConvUnReadNum, -2) : -1;
    free(list);
    if (n == -2) h_fail(file, line, "\"%s\" has no conv_unread_num", conv_id);
    return n;
}

/* Delivers, in one call, one text message from each of the users u<from>..u<to-1> (IDs
 * "<id_prefix><k>"), creating their C2C conversations; fails unless every message is stored. */
#define h_deliver_range(id_prefix, from, to, text) \
    h_deliver_range_at((id_prefix), (from), (to), (text), __FILE__, __LINE__)
static inline void h_deliver_range_at(const char* id_prefix, int from, int to, const char* text, const char* file,
                                      int line) {
    char** items = (char**)malloc(sizeof(char*) * (size_t)(to - from));
    char *arr, *stored;
    int k;
    if (items == NULL) h_fail(file, line, "out of memory");
    for (k = from; k < to; k++) {
        char sender[32], msg_id[96];
        sprintf(sender, "u%d", k);
        snprintf(msg_id, sizeof msg_id, "%s%d", id_prefix, k);
        items[k - from] = h_incoming_json(sender, kTIMConv_C2C, NULL, msg_id, 0, text, NULL);
    }
    arr = h_json_array_of(items, to - from);
    stored = h_deliver_at(arr, file, line);
    if (h_json_len(stored) != to - from)
        h_fail(file, line, "%d of %d messages stored", h_json_len(stored), to - from);
    free(stored);
    free(arr);
    for (k = from; k < to; k++) free(items[k - from]);
    free(items);
}

#endif /* TIM_TEST_HARNESS_H_ */
