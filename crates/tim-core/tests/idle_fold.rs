//! The recent records (`store/recent.rs`) are folded into the records tree when the SDK has been
//! idle for a moment and the log is a quarter full, so that the fold does not land on a caller's
//! write; below that, the log is left as it is. Alone in its binary: it sets the process-wide
//! fold threshold.

use std::time::Duration;

use tim_core::store::{Store, fold_recent_records_at, user_store_path};
use tim_core::{ConvKey, Sdk, SdkConfig, block_on};
use tim_types::{Draft, Elem, Message};

/// The fold threshold of this binary: an idle fold is worth it from a quarter of it, 16 entries.
const FOLD_AT: u64 = 64;

fn draft(n: usize) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
        draft_user_define: String::new(),
        draft_edit_time: 0,
    }
}

/// Sets `count` drafts, one commit each, waits well past the idle delay, shuts the SDK down and
/// returns how many entries the log holds, and the drafts a new login lists.
fn drafts_then_idle(count: usize) -> (u64, usize) {
    fold_recent_records_at(FOLD_AT);
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("me", "")).unwrap();
    for n in 0..count {
        client.set_draft_blocking(ConvKey::c2c(format!("peer{n}")).unwrap(), draft(n)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    sdk.shutdown();
    let entries = {
        let store = Store::open_file(dir.path(), "me").unwrap();
        store.recent_record_entries().unwrap()
    };
    assert!(user_store_path(dir.path(), "me").exists());
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("me", "")).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    let with_drafts = list.iter().filter(|c| c.conv_draft.is_some()).count();
    sdk.shutdown();
    (entries, with_drafts)
}

#[test]
fn an_idle_sdk_folds_a_quarter_full_log_and_keeps_every_record() {
    let (entries, drafts) = drafts_then_idle(20);
    // 0, unless a pause between two drafts already folded the first 16 or more.
    assert!(entries < FOLD_AT / 4, "folded while idle: {entries} entries left");
    assert_eq!(drafts, 20);
}

#[test]
fn an_idle_sdk_leaves_a_log_below_a_quarter_alone() {
    let (entries, drafts) = drafts_then_idle(10);
    assert_eq!(entries, 10, "not worth a commit of its own");
    assert_eq!(drafts, 10);
}
