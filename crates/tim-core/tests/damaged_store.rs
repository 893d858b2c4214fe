//! A damaged store file: the login that opens it fails with the store error, and nothing else
//! does. redb checks a damaged file with assertions in places (a debug build panics where a
//! release build returns `Corrupted`); a panic on the store thread once ended the SDK.

use tim_core::store::user_store_path;
use tim_core::{ConvKey, Error, Sdk, SdkConfig, block_on};
use tim_types::{Draft, Elem, ErrCode, Message};

fn draft(n: usize) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
        draft_user_define: String::new(),
        draft_edit_time: 0,
    }
}

/// Flips 100 bytes in every 4 KiB page past the first 20,000 bytes (the file's header and
/// first pages are left, so that it still opens as a redb file).
fn damage(path: &std::path::Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    for page in (20_000..len.saturating_sub(4096)).step_by(4096) {
        for byte in &mut bytes[page + 100..page + 200] {
            *byte ^= 0x5A;
        }
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_damaged_file_fails_its_own_login_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("demo", "")).unwrap();
        for n in 0..200 {
            client.set_draft_blocking(ConvKey::c2c(format!("peer{n}")).unwrap(), draft(n)).unwrap();
        }
        sdk.shutdown();
    }
    damage(&user_store_path(dir.path(), "demo"));

    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    match block_on(client.login("demo", "")) {
        Err(e @ Error::Failed(_)) => assert_eq!(e.code(), ErrCode::DatabaseOperateFailed.value(), "{e}"),
        other => panic!("a damaged file opened: {other:?}"),
    }
    // The SDK goes on: another user's store opens and takes writes.
    block_on(client.login("other", "")).unwrap();
    client.set_draft_blocking(ConvKey::c2c("bob").unwrap(), draft(1)).unwrap();
    assert_eq!(block_on(client.conversation_list()).unwrap().len(), 1);
    sdk.shutdown();
}
