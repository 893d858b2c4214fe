//! Deleted and cleared histories: gone at once for every call, their rows removed afterwards at
//! idle moments (`store/numbers.rs`), and nothing of them ever coming back: not through a
//! message stored again with the same ID, a restart cutting the removal short, or the doctor.

use std::path::Path;

use redb::{Database, TableDefinition};
use tim_core::state::messages::Origin;
use tim_core::store::ops::{MsgOp, OpOutput};
use tim_core::store::{CommitBatch, Store, user_store_path};
use tim_core::{ConvKey, HistoryQuery, Sdk, SdkConfig, block_on};
use tim_types::{ConvType, Elem, ErrCode, Message};

const PER_CALL: usize = 1_000;

fn start(dir: &Path) -> Sdk {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    block_on(sdk.client().login("me", "")).unwrap();
    sdk
}

/// A message of `peer` (C2C) or in group `group`, with ID `id`.
fn message(peer: &str, group: Option<&str>, id: &str) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text(id)]);
    msg.message_sender = Some(peer.into());
    msg.message_msg_id = Some(id.into());
    match group {
        Some(group) => {
            msg.message_conv_type = Some(ConvType::Group);
            msg.message_conv_id = Some(group.into());
        }
        None => msg.message_conv_type = Some(ConvType::C2C),
    }
    msg
}

/// Delivers messages `first..first + count` of `peer` (IDs `<prefix><n>`).
fn deliver(sdk: &Sdk, peer: &str, group: Option<&str>, prefix: &str, range: std::ops::Range<usize>) {
    let ids: Vec<usize> = range.collect();
    for chunk in ids.chunks(PER_CALL) {
        let batch = chunk.iter().map(|n| message(peer, group, &format!("{prefix}{n}"))).collect();
        block_on(sdk.client().deliver(batch)).unwrap();
    }
}

fn history_len(sdk: &Sdk, key: &ConvKey) -> Result<usize, i32> {
    let query = HistoryQuery { count: 10_000, ..Default::default() };
    block_on(sdk.client().message_list(key.clone(), query)).map(|list| list.len()).map_err(|e| e.code())
}

/// Closes the SDK and reads the message tables' row counts, reopening until the removal of
/// the deleted rows (at idle moments, a chunk at a time) is done: `(log, index, IDs)`.
fn rows_once_removed(mut sdk: Sdk, dir: &Path, live: u64) -> (Sdk, (u64, u64, u64)) {
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        sdk.shutdown();
        let rows = Store::open_file(dir, "me").unwrap().message_table_rows().unwrap();
        sdk = start(dir);
        if rows == (live, live, live) {
            return (sdk, rows);
        }
    }
    sdk.shutdown();
    let rows = Store::open_file(dir, "me").unwrap().message_table_rows().unwrap();
    panic!("the deleted rows were never removed: {rows:?} for {live} live messages");
}

#[test]
fn a_deleted_history_is_gone_at_once_and_its_rows_go_at_idle_moments() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let (bob, carol, team) =
        (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap(), ConvKey::group("team").unwrap());
    deliver(&sdk, "bob", None, "b", 0..10_000);
    deliver(&sdk, "carol", None, "c", 0..500);
    deliver(&sdk, "erin", Some("team"), "t", 0..6_000);
    let client = sdk.client();
    block_on(client.delete_conversation(bob.clone())).unwrap();
    block_on(client.clear_history(team.clone())).unwrap();
    // At once: gone for every call.
    assert_eq!(history_len(&sdk, &bob), Err(ErrCode::InvalidConversation.value()));
    assert_eq!(history_len(&sdk, &team), Ok(0));
    assert_eq!(history_len(&sdk, &carol), Ok(500));
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list.iter().map(|c| c.conv_id.as_str()).collect::<Vec<_>>(), ["team", "carol"]);
    assert_eq!(block_on(client.total_unread()).unwrap(), 500);
    // The same messages again: new messages, not duplicates of the deleted ones.
    deliver(&sdk, "bob", None, "b", 9_000..10_000);
    deliver(&sdk, "erin", Some("team"), "t", 5_990..6_000);
    assert_eq!(history_len(&sdk, &bob), Ok(1_000));
    assert_eq!(history_len(&sdk, &team), Ok(10));
    let stored_again = block_on(client.deliver(vec![message("bob", None, "b9999")])).unwrap();
    assert!(stored_again.is_empty(), "a duplicate of a message stored again is one");
    block_on(client.delete_message(bob.clone(), "b9999")).unwrap();
    assert_eq!(history_len(&sdk, &bob), Ok(999));

    let live = 999 + 500 + 10;
    let (sdk, rows) = rows_once_removed(sdk, dir.path(), live);
    assert_eq!(rows, (live, live, live), "one index and one ID row per stored message");
    assert_eq!(history_len(&sdk, &bob), Ok(999));
    assert_eq!(history_len(&sdk, &team), Ok(10));
    let list = block_on(sdk.client().conversation_list()).unwrap();
    let unread: u64 = list.iter().map(|c| c.conv_unread_num).sum();
    assert_eq!(unread, live);
    let doctor = block_on(sdk.client().doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty() && doctor.unindexed_records == 0, "{doctor:?}");
    assert_eq!(doctor.messages, live);
    drop(sdk);
}

/// The store closed (or the process killed) right after the deletion, before any idle moment: the next
/// session finds the history gone, takes the same IDs as new, removes the rows at its own idle
/// moments; the doctor, run before they are, removes them itself and finds nothing wrong.
#[test]
fn a_deletion_cut_short_by_a_restart_is_finished_by_the_next_session_or_the_doctor() {
    for doctor_first in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut sdk = start(dir.path());
        let bob = ConvKey::c2c("bob").unwrap();
        deliver(&sdk, "bob", None, "b", 0..9_000);
        deliver(&sdk, "carol", None, "c", 0..100);
        sdk.shutdown();
        // The deletion as the actor commits it, through the store alone: no idle moment follows.
        {
            let (store, _) = Store::open(dir.path(), "me").unwrap();
            let batch = CommitBatch {
                conversations: vec![(bob.clone(), None)],
                purged: std::collections::BTreeSet::from([bob.clone()]),
                ..Default::default()
            };
            store.commit(&batch).unwrap();
        }
        let rows = Store::open_file(dir.path(), "me").unwrap().message_table_rows().unwrap();
        assert_eq!(rows.0, 9_100, "nothing removed yet");
        sdk = start(dir.path());
        if doctor_first {
            let doctor = block_on(sdk.client().doctor(false)).unwrap();
            assert!(doctor.mismatches.is_empty() && doctor.unindexed_records == 0, "{doctor:?}");
            assert_eq!(doctor.messages, 100);
        }
        assert_eq!(history_len(&sdk, &bob), Err(ErrCode::InvalidConversation.value()));
        deliver(&sdk, "bob", None, "b", 0..10);
        assert_eq!(history_len(&sdk, &bob), Ok(10));
        let (sdk, rows) = rows_once_removed(sdk, dir.path(), 110);
        assert_eq!(rows, (110, 110, 110));
        let doctor = block_on(sdk.client().doctor(true)).unwrap();
        assert!(doctor.mismatches.is_empty() && doctor.unindexed_records == 0, "{doctor:?}");
        drop(sdk);
    }
}

/// Histories whose messages are interleaved in the log, one retired while the removal of
/// another is under way: the sweeps start again for it (the rows they had passed were not
/// looked at for it), and in the end exactly the other conversation's messages are left.
#[test]
fn a_history_retired_while_a_removal_is_under_way_is_removed_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut sdk = start(dir.path());
    let peers = ["bob", "carol", "dave"];
    for call in 0..9 {
        let batch = (0..3_000)
            .map(|n| {
                let peer = peers[n % 3];
                message(peer, None, &format!("{peer}-{call}-{n}"))
            })
            .collect();
        block_on(sdk.client().deliver(batch)).unwrap();
    }
    sdk.shutdown();
    let retire = |store: &Store, peer: &str| {
        let key = ConvKey::c2c(peer).unwrap();
        let batch = CommitBatch {
            conversations: vec![(key.clone(), None)],
            purged: std::collections::BTreeSet::from([key]),
            ..Default::default()
        };
        store.commit(&batch).unwrap();
    };
    {
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        retire(&store, "bob");
        for _ in 0..3 {
            assert!(store.purge_retired_chunk().unwrap(), "27,000 records take more than three parts");
        }
        retire(&store, "dave");
        let mut parts = 0;
        while store.purge_retired_chunk().unwrap() {
            parts += 1;
            assert!(parts < 1_000, "the removal never ends");
        }
        assert_eq!(store.message_table_rows().unwrap(), (9_000, 9_000, 9_000));
    }
    sdk = start(dir.path());
    let carol = ConvKey::c2c("carol").unwrap();
    assert_eq!(history_len(&sdk, &carol), Ok(9_000));
    for gone in ["bob", "dave"] {
        assert_eq!(
            history_len(&sdk, &ConvKey::c2c(gone).unwrap()),
            Err(ErrCode::InvalidConversation.value())
        );
    }
    let doctor = block_on(sdk.client().doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty() && doctor.unindexed_records == 0, "{doctor:?}");
    assert_eq!(doctor.messages, 9_000);
    sdk.shutdown();
}

/// A salvage of a store whose deleted history was not removed yet leaves that history out: the
/// conversation is not made again from its messages.
#[test]
fn a_salvage_does_not_bring_back_a_deleted_history_not_yet_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut sdk = start(dir.path());
    deliver(&sdk, "bob", None, "b", 0..3_000);
    deliver(&sdk, "carol", None, "c", 0..10);
    sdk.shutdown();
    {
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        let bob = ConvKey::c2c("bob").unwrap();
        let batch = CommitBatch {
            conversations: vec![(bob.clone(), None)],
            purged: std::collections::BTreeSet::from([bob]),
            ..Default::default()
        };
        store.commit(&batch).unwrap();
        assert_eq!(store.message_table_rows().unwrap().0, 3_010, "not removed yet");
    }
    let report = tim_core::store::salvage(dir.path(), "me").unwrap();
    assert_eq!((report.messages, report.conversations_remade), (10, 0), "{report:?}");
    sdk = start(dir.path());
    assert_eq!(history_len(&sdk, &ConvKey::c2c("bob").unwrap()), Err(ErrCode::InvalidConversation.value()));
    assert_eq!(history_len(&sdk, &ConvKey::c2c("carol").unwrap()), Ok(10));
    sdk.shutdown();
}

/// Through the store alone: imports `ids` into `key`.
fn import(store: &Store, key: &ConvKey, ids: &[String]) {
    let messages = ids
        .iter()
        .map(|id| {
            let mut msg = Message::from_elems(vec![Elem::text(id)]);
            msg.message_msg_id = Some(id.clone());
            msg
        })
        .collect();
    let op = MsgOp::Insert { key: key.clone(), messages, origin: Origin::Imported };
    let outcome = store.execute(vec![op], 100, 100, false, Vec::new()).unwrap();
    assert!(outcome.results[0].is_ok(), "{:?}", outcome.results);
}

/// Through the store alone: the message IDs of `key`'s history, oldest first.
fn stored_history(store: &Store, key: &ConvKey) -> Vec<String> {
    let op =
        MsgOp::History { key: key.clone(), query: HistoryQuery { count: 100_000, ..Default::default() } };
    match store.execute(vec![op], 100, 100, false, Vec::new()).unwrap().results.remove(0) {
        Ok(OpOutput::Messages(found)) => found.into_iter().rev().filter_map(|m| m.message_msg_id).collect(),
        other => panic!("{other:?}"),
    }
}

fn numbered(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// Clears a history of 3,000 folded messages, stores one message, and closes cleanly (before any
/// idle moment): the cleared records stay in the log for the sweeps.
fn clear_a_long_history_then_add_one(store: &Store, carol: &ConvKey) {
    import(store, carol, &numbered("c", 3_000));
    store.fold_pending_rows().unwrap();
    let clear = MsgOp::Clear { key: carol.clone() };
    assert!(store.execute(vec![clear], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
    import(store, carol, &["new".to_string()]);
    assert_eq!(stored_history(store, carol), ["new"], "cleared at once");
    store.fold_pending_rows().unwrap();
}

/// The rows written behind are rebuilt from the log past the index mark, which a stranded
/// record holds back or a damaged file lost: a retired history's records there are no
/// conversation's (review: filed under the conversation's new number, a cleared history of
/// 3,000 came back whole).
#[test]
fn a_retired_history_past_the_index_mark_stays_gone() {
    const NUMBERS: TableDefinition<(u8, &str), u32> = TableDefinition::new("conversation_numbers");
    const BY_NUMBER: TableDefinition<u32, (u8, &str)> = TableDefinition::new("conversations_by_number");
    const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
    let (bob, dave, carol) =
        (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("dave").unwrap(), ConvKey::c2c("carol").unwrap());
    // The mark held back by a stranded record: dave's pair lost from both tables (it held the
    // last number) while his rows were pending.
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        import(&store, &bob, &numbered("b", 1));
        import(&store, &dave, &numbered("d", 2));
    }
    {
        let db = Database::create(user_store_path(dir.path(), "me")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let number = txn.open_table(NUMBERS).unwrap().remove((1, "dave")).unwrap().unwrap().value();
            txn.open_table(BY_NUMBER).unwrap().remove(number).unwrap();
        }
        txn.commit().unwrap();
    }
    {
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        clear_a_long_history_then_add_one(&store, &carol);
    }
    let (store, _) = Store::open(dir.path(), "me").unwrap();
    let history = stored_history(&store, &carol);
    assert!(
        history == ["new"],
        "behind a stranded record: {} messages, first {:?}",
        history.len(),
        history.first()
    );
    drop(store);
    // The mark lost: the whole log read again.
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        clear_a_long_history_then_add_one(&store, &carol);
    }
    {
        let db = Database::create(user_store_path(dir.path(), "me")).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(META).unwrap().remove("indexed_below").unwrap().unwrap();
        txn.commit().unwrap();
    }
    let (store, _) = Store::open(dir.path(), "me").unwrap();
    let history = stored_history(&store, &carol);
    assert!(
        history == ["new"],
        "with the mark lost: {} messages, first {:?}",
        history.len(),
        history.first()
    );
}

/// `compact_file` (`tim compact`): refused while the store is open elsewhere; on a closed
/// store, removes what a long history's clear left (no idle moment came: the clear is made
/// through the store alone, which has none), then gives the freed pages back to the file
/// system, every row of what lives kept.
#[test]
fn a_compaction_removes_what_deletions_left_and_shrinks_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    deliver(&sdk, "bob", None, "b", 0..20_000);
    deliver(&sdk, "carol", None, "c", 0..300);
    sdk.shutdown();
    let bob = ConvKey::c2c("bob").unwrap();
    let store = Store::open_file(dir.path(), "me").unwrap();
    let clear = MsgOp::Clear { key: bob.clone() };
    assert!(store.execute(vec![clear], 100, 100, false, Vec::new()).unwrap().results[0].is_ok());
    match tim_core::store::compact_file(dir.path(), "me") {
        Err(tim_core::store::StoreError::AlreadyOpen(_)) => {}
        other => panic!("compacted a store open elsewhere: {other:?}"),
    }
    drop(store);
    let path = user_store_path(dir.path(), "me");
    let report = tim_core::store::compact_file(dir.path(), "me").unwrap();
    assert!(report.removed_deleted_histories, "{report:?}");
    assert_eq!(report.bytes_after, std::fs::metadata(&path).unwrap().len());
    assert!(report.bytes_after * 3 < report.bytes_before, "{report:?}");
    assert_eq!(Store::open_file(dir.path(), "me").unwrap().message_table_rows().unwrap(), (300, 300, 300));
    let sdk = start(dir.path());
    assert_eq!(history_len(&sdk, &ConvKey::c2c("carol").unwrap()), Ok(300));
    assert_eq!(history_len(&sdk, &bob), Ok(0));
    let doctor = block_on(sdk.client().doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty() && doctor.unindexed_records == 0, "{doctor:?}");
    assert_eq!(block_on(sdk.client().total_unread()).unwrap(), 300);
    drop(sdk);
}

/// A store whose process was killed before it closed holds index rows only its log knows of
/// (`pending.rs`): a compaction folds them too, so that the next session does not write them
/// and grow the file again (review).
#[test]
fn a_compaction_folds_the_index_rows_a_killed_process_left_pending() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _) = Store::open(dir.path(), "me").unwrap();
        let ids = numbered("id-", 3_000);
        import(&store, &ConvKey::c2c("bob").unwrap(), &ids);
        // No fold at close: what a process killed before its store closed leaves.
    }
    assert_eq!(Store::open_file(dir.path(), "me").unwrap().message_table_rows().unwrap(), (3_000, 0, 0));
    let report = tim_core::store::compact_file(dir.path(), "me").unwrap();
    assert!(!report.removed_deleted_histories);
    let store = Store::open_file(dir.path(), "me").unwrap();
    assert_eq!(store.message_table_rows().unwrap(), (3_000, 3_000, 3_000), "{report:?}");
    assert_eq!(stored_history(&store, &ConvKey::c2c("bob").unwrap()).len(), 3_000);
}
