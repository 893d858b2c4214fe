/*
 * persistence.c: conversations and drafts survive TIMUninit / TIMInit with the same data folder,
 * byte for byte, and are per user.
 *
 * Usage: persistence <empty data directory>. Exit 0 on success; "FAIL: ..." and exit 1 otherwise.
 */
#include "harness.h"

#define BIG_TEXT_BYTES (64 * 1024)

/* UTF-8: Chinese, accents, an emoji (4 bytes), quotes and a backslash. */
static const char* const UNICODE_TEXT = "草稿 draft \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80 \"quoted\" back\\slash";
static const char* const UNICODE_USER_DEFINE = "用户定义 {\"reply_to\":\"msg-1\"}";

static char* conv_draft_text(const char* list, const char* conv_id, int conv_type) {
    const char* conv = h_json_find_conv(list, conv_id, conv_type);
    const char* draft;
    if (conv == NULL) FAIL("conversation %s not in the list", conv_id);
    draft = h_json_get(conv, kTIMConvDraft);
    if (draft == NULL) FAIL("conversation %s has no conv_draft", conv_id);
    return h_json_dup_value(draft);
}

int main(int argc, char** argv) {
    char* big;
    char* draft;
    char* list;
    char *unicode_before, *big_before, *unicode_after, *big_after;
    size_t i;

    h_setup(argc, argv);

    big = (char*)malloc(BIG_TEXT_BYTES + 1);
    CHECK(big != NULL);
    for (i = 0; i < BIG_TEXT_BYTES; i++) big[i] = (char)('a' + (int)(i % 26));
    big[BIG_TEXT_BYTES] = '\0';

    /* First session: alice creates conversations and drafts. */
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("alice");
    h_create("bob", kTIMConv_C2C);
    h_create("team", kTIMConv_Group);
    h_create("carol", kTIMConv_C2C);
    h_create("gone", kTIMConv_C2C);
    CHECK_INT(h_delete("gone", kTIMConv_C2C), ERR_SUCC);

    draft = h_draft_json(UNICODE_TEXT, UNICODE_USER_DEFINE, 1551271429LL);
    CHECK_INT(TIMConvSetDraft("bob", kTIMConv_C2C, draft), TIM_SUCC);
    free(draft);
    draft = h_draft_json(big, "big draft", 1700000000LL);
    CHECK_INT(TIMConvSetDraft("team", kTIMConv_Group, draft), TIM_SUCC);
    free(draft);

    list = h_list();
    h_check_draft(list, "bob", kTIMConv_C2C, UNICODE_TEXT, UNICODE_USER_DEFINE, 1551271429LL);
    h_check_draft(list, "team", kTIMConv_Group, big, "big draft", 1700000000LL);
    h_check_draft(list, "carol", kTIMConv_C2C, NULL, NULL, -1);
    CHECK(h_json_find_conv(list, "gone", kTIMConv_C2C) == NULL);
    CHECK_INT(h_json_len(list), 3);
    unicode_before = conv_draft_text(list, "bob", kTIMConv_C2C);
    big_before = conv_draft_text(list, "team", kTIMConv_Group);
    free(list);
    CHECK_INT(TIMUninit(), TIM_SUCC);

    /* Second session, same folder: everything is back, the drafts identical. */
    CHECK_INT(h_init(), TIM_SUCC);
    CHECK_INT(TIMGetLoginStatus(), kTIMLoginStatus_UnLogined);
    h_login("alice");
    list = h_list();
    CHECK_INT(h_json_len(list), 3);
    CHECK(h_json_find_conv(list, "gone", kTIMConv_C2C) == NULL);
    h_check_draft(list, "bob", kTIMConv_C2C, UNICODE_TEXT, UNICODE_USER_DEFINE, 1551271429LL);
    h_check_draft(list, "team", kTIMConv_Group, big, "big draft", 1700000000LL);
    h_check_draft(list, "carol", kTIMConv_C2C, NULL, NULL, -1);
    unicode_after = conv_draft_text(list, "bob", kTIMConv_C2C);
    big_after = conv_draft_text(list, "team", kTIMConv_Group);
    CHECK_MSG(strcmp(unicode_before, unicode_after) == 0, "draft changed across restart:\n%s\n%s", unicode_before,
              unicode_after);
    CHECK_MSG(strcmp(big_before, big_after) == 0, "the 64 KiB draft changed across restart");
    free(list);

    /* Another user sees none of alice's conversations. */
    h_logout();
    h_login("bob");
    list = h_list();
    CHECK_MSG(h_json_len(list) == 0, "bob sees conversations: %.500s", list);
    free(list);
    h_create("alice", kTIMConv_C2C);
    h_logout();

    /* And alice still sees only hers. */
    h_login("alice");
    list = h_list();
    CHECK_INT(h_json_len(list), 3);
    CHECK(h_json_find_conv(list, "alice", kTIMConv_C2C) == NULL);
    h_check_draft(list, "bob", kTIMConv_C2C, UNICODE_TEXT, UNICODE_USER_DEFINE, 1551271429LL);
    free(list);
    CHECK_INT(TIMUninit(), TIM_SUCC);

    /* Third session: bob's conversation persisted too. */
    CHECK_INT(h_init(), TIM_SUCC);
    h_login("bob");
    list = h_list();
    CHECK_INT(h_json_len(list), 1);
    CHECK(h_json_find_conv(list, "alice", kTIMConv_C2C) != NULL);
    free(list);
    h_logout();
    CHECK_INT(TIMUninit(), TIM_SUCC);

    free(unicode_before);
    free(unicode_after);
    free(big_before);
    free(big_after);
    free(big);
    h_check_no_bad_user_data();
    printf("persistence: OK\n");
    return 0;
}
