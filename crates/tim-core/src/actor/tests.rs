//! The actor's commit-failure path, driven by a store whose disk starts refusing writes (real
//! redb errors from [`crate::store::fault`]): the failed write (a draft, a mark-read, a delivery)
//! is answered with `ERR_DATABASE_OPERATE_FAILED`, its change is rolled back, none of its events
//! or reports are queued, what was acknowledged before is still on disk, and writes work again
//! once the disk does, without logging in again.

use std::sync::{Arc, Mutex};

use tim_types::{ConvEvent, ConvInfo, ConvType, Draft, Elem, ErrCode, Message};

use crate::store::fault::{Fault, Faults, faults_of};
use crate::{CallError, Client, ConvKey, Error, ReadScope, Sdk, SdkConfig, TimError, block_on};

pub(super) fn draft(text: &str) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(text)]),
        draft_user_define: String::new(),
        draft_edit_time: 0,
    }
}

fn from_peer(id: &str) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text("hi")]);
    msg.message_sender = Some("peer".into());
    msg.message_conv_type = Some(ConvType::C2C);
    msg.message_msg_id = Some(id.into());
    msg
}

/// Sets a draft on another thread with its commit held in flight ([`Fault::HoldSyncs`]); returns
/// once the commit is held. The caller releases it by setting another fault.
pub(super) fn draft_held_in_flight(
    client: &Client,
    faults: &Faults,
    conv_id: &str,
    text: &str,
) -> std::thread::JoinHandle<Result<(), CallError>> {
    faults.set(Fault::HoldSyncs);
    let (writer, key, draft) = (client.clone(), ConvKey::c2c(conv_id).unwrap(), draft(text));
    let call = std::thread::spawn(move || writer.set_draft_blocking(key, draft));
    faults.wait_for_held_sync();
    call
}

fn assert_store_failure(error: &TimError) {
    assert_eq!(error.code, ErrCode::DatabaseOperateFailed.value(), "{error:?}");
}

/// Waits until every callback queued so far has run: a callback runs after all queued before it.
fn drain_callbacks(client: &Client) -> u64 {
    let (tx, rx) = flume::bounded(1);
    client.total_unread_with(move |total| drop(tx.send(total))).unwrap();
    rx.recv().unwrap().unwrap()
}

/// Conversation ID and draft text of each listed conversation.
fn drafts(list: &[ConvInfo]) -> Vec<(String, Option<String>)> {
    let text = |d: &Draft| match &d.draft_msg.message_elem_array[0] {
        Elem::Text(t) => t.text_elem_content.clone(),
        other => format!("{other:?}"),
    };
    let mut all: Vec<_> = list.iter().map(|c| (c.conv_id.clone(), c.conv_draft.as_ref().map(text))).collect();
    all.sort();
    all
}

/// A started SDK (nobody logged in) whose store file for `user` shows the returned faults.
fn start_faulty(user: &str) -> (tempfile::TempDir, Arc<Faults>, Sdk) {
    let dir = tempfile::tempdir().unwrap();
    let faults = faults_of(user);
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    (dir, faults, sdk)
}

/// Logs out and in again, and lists the conversations as the file has them.
fn relogin_and_list(client: &Client, user: &str) -> Vec<ConvInfo> {
    block_on(client.logout()).unwrap();
    block_on(client.login(user, "")).unwrap();
    block_on(client.conversation_list()).unwrap()
}

#[test]
fn a_panic_in_the_stores_work_fails_the_calls_and_the_sdk_goes_on() {
    let (_dir, faults, sdk) = start_faulty("panicky");
    let client = sdk.client();
    block_on(client.login("panicky", "")).unwrap();
    let (kept, lost) = (ConvKey::c2c("kept").unwrap(), ConvKey::c2c("lost").unwrap());
    client.set_draft_blocking(kept.clone(), draft("kept")).unwrap();

    // A panic inside redb's commit (the actor commits a draft on its own thread) and inside a
    // message operation (on the store thread): each call fails with the store error.
    faults.set(Fault::PanicOnWrite);
    let CallError::Failed(error) = client.set_draft_blocking(lost.clone(), draft("lost")).unwrap_err() else {
        panic!("a draft whose commit panicked must fail with the store error");
    };
    assert_store_failure(&error);
    let Error::Failed(error) = block_on(client.deliver(vec![from_peer("m1")])).unwrap_err() else {
        panic!("a delivery whose commit panicked must fail with the store error");
    };
    assert_store_failure(&error);

    // The threads are alive and the store reopens at the next use.
    faults.set(Fault::None);
    client.set_draft_blocking(kept.clone(), draft("again")).unwrap();
    assert_eq!(block_on(client.deliver(vec![from_peer("m1")])).unwrap().len(), 1);
    let list = relogin_and_list(&client, "panicky");
    assert_eq!(drafts(&list), [("kept".into(), Some("again".into())), ("peer".into(), None)]);
    sdk.shutdown();
}

#[test]
fn a_failed_commit_answers_the_error_rolls_back_queues_nothing_and_recovers() {
    let (_dir, faults, sdk) = start_faulty("unlucky");
    let client = sdk.client();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    client.set_conv_event_handler(Some(Arc::new(move |event: ConvEvent, infos: &[ConvInfo]| {
        let ids = infos.iter().map(|i| i.conv_id.clone()).collect::<Vec<_>>();
        sink.lock().unwrap().push((event, ids));
    })));
    let totals = Arc::new(Mutex::new(Vec::new()));
    let sink = totals.clone();
    client.set_total_unread_handler(Some(Arc::new(move |total| sink.lock().unwrap().push(total))));
    block_on(client.login("unlucky", "")).unwrap();
    let (kept, lost) = (ConvKey::c2c("kept").unwrap(), ConvKey::c2c("lost").unwrap());
    let peer = ConvKey::c2c("peer").unwrap();
    client.set_draft_blocking(kept.clone(), draft("kept")).unwrap();
    assert_eq!(block_on(client.deliver(vec![from_peer("m1")])).unwrap().len(), 1);
    drain_callbacks(&client);
    events.lock().unwrap().clear();

    faults.set(Fault::Full);
    let CallError::Failed(error) = client.set_draft_blocking(lost.clone(), draft("lost")).unwrap_err() else {
        panic!("a draft on a full disk must fail with the store error");
    };
    assert_store_failure(&error);
    let Error::Failed(error) = block_on(client.mark_read(ReadScope::Conversation(peer.clone()))).unwrap_err()
    else {
        panic!("a mark-read on a full disk must fail with the store error");
    };
    assert_store_failure(&error);
    let Error::Failed(error) = block_on(client.deliver(vec![from_peer("m2")])).unwrap_err() else {
        panic!("a delivery on a full disk must fail with the store error");
    };
    assert_store_failure(&error);
    // Rolled back: the new conversation is gone, the unread count is back.
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(drafts(&list), [("kept".into(), Some("kept".into())), ("peer".into(), None)]);
    assert_eq!(block_on(client.total_unread()).unwrap(), 1);

    // The disk has room again: writes work without a new login, and report what they change,
    // measured from what is on disk (a failed batch's total was never reported).
    faults.set(Fault::None);
    client.set_draft_blocking(kept.clone(), draft("again")).unwrap();
    assert_eq!(block_on(client.deliver(vec![from_peer("m2")])).unwrap().len(), 1, "not stored before");
    assert_eq!(block_on(client.total_unread()).unwrap(), 2);
    block_on(client.mark_read(ReadScope::Conversation(peer.clone()))).unwrap();
    // Nothing of the failed writes can still be on its way after this.
    assert_eq!(drain_callbacks(&client), 0);
    assert_eq!(
        *events.lock().unwrap(),
        [
            (ConvEvent::Update, vec!["kept".to_owned()]),
            (ConvEvent::Update, vec!["peer".to_owned()]),
            (ConvEvent::Update, vec!["peer".to_owned()])
        ],
        "no event of a failed write"
    );
    assert_eq!(*totals.lock().unwrap(), [1, 2, 0], "the total is reported when it changes on disk");

    let list = relogin_and_list(&client, "unlucky");
    assert_eq!(drafts(&list), [("kept".into(), Some("again".into())), ("peer".into(), None)]);
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);
    sdk.shutdown();
}

#[test]
fn on_a_thin_disk_out_of_space_failed_writes_lose_nothing_acknowledged() {
    // A full thin-provisioned disk: writes within the file reach it, writes past its end are
    // taken and lost at the flush, which fails. Every draft acknowledged must survive the
    // failures around it, the reopens after them and a new login.
    let (_dir, faults, sdk) = start_faulty("thin");
    let client = sdk.client();
    block_on(client.login("thin", "")).unwrap();
    // Free pages inside the file for later commits to fill: big drafts set, then cancelled.
    let big = "x".repeat(20_000);
    for i in 0..60 {
        client.set_draft_blocking(ConvKey::c2c(format!("filler{i}")).unwrap(), draft(&big)).unwrap();
    }
    for i in 0..60 {
        block_on(client.delete_conversation(ConvKey::c2c(format!("filler{i}")).unwrap())).unwrap();
    }
    for i in 0..30 {
        client.set_draft_blocking(ConvKey::c2c(format!("a{i}")).unwrap(), draft("acknowledged")).unwrap();
    }
    let path = crate::store::user_store_path(_dir.path(), "thin");
    faults.lose_writes_past(Some(std::fs::metadata(&path).unwrap().len()));
    let mut told = drafts(&block_on(client.conversation_list()).unwrap());
    let (mut acknowledged, mut failed) = (0, 0);
    for i in 0..400 {
        let key = ConvKey::c2c(format!("b{i}")).unwrap();
        match client.set_draft_blocking(key, draft(&format!("b{i} {big}"))) {
            Ok(()) => acknowledged += 1,
            Err(CallError::Failed(error)) => {
                assert_store_failure(&error);
                failed += 1;
                if failed == 5 {
                    break;
                }
            }
            Err(other) => panic!("{other:?}"),
        }
        told = drafts(&block_on(client.conversation_list()).unwrap());
    }
    assert!(acknowledged > 0 && failed == 5, "the test tried nothing: {acknowledged} ok, {failed} failed");
    faults.lose_writes_past(None);
    assert_eq!(drafts(&relogin_and_list(&client, "thin")), told, "the file holds what the callers were told");
    assert!(block_on(client.doctor(false)).unwrap().mismatches.is_empty());
    sdk.shutdown();
}

#[test]
fn after_a_failed_fsync_the_file_converges_to_what_the_caller_was_told() {
    // A failed fsync leaves the outcome unknown: the data may sit in the page cache and show up
    // when the file is read again, although the call was answered with an error.
    let (_dir, faults, sdk) = start_faulty("unsure");
    let client = sdk.client();
    block_on(client.login("unsure", "")).unwrap();
    let (kept, lost) = (ConvKey::c2c("kept").unwrap(), ConvKey::c2c("lost").unwrap());
    client.set_draft_blocking(kept.clone(), draft("kept")).unwrap();
    client.set_draft_blocking(lost.clone(), draft("first")).unwrap();

    faults.set(Fault::Syncs);
    let CallError::Failed(error) = client.set_draft_blocking(lost.clone(), draft("unsure")).unwrap_err()
    else {
        panic!("a draft whose fsync fails must fail with the store error");
    };
    assert_store_failure(&error);
    let told = [("kept".to_owned(), Some("kept".to_owned())), ("lost".to_owned(), Some("first".to_owned()))];
    assert_eq!(drafts(&block_on(client.conversation_list()).unwrap()), told, "rolled back in memory");

    // The disk works again; logging out writes the unsure conversation back.
    faults.set(Fault::None);
    assert_eq!(drafts(&relogin_and_list(&client, "unsure")), told, "the file says what the caller was told");

    // Again, now settled by the next write, of another conversation.
    faults.set(Fault::Syncs);
    assert!(client.set_draft_blocking(lost.clone(), draft("unsure")).is_err());
    faults.set(Fault::None);
    client.set_draft_blocking(kept.clone(), draft("kept")).unwrap();
    assert_eq!(drafts(&relogin_and_list(&client, "unsure")), told, "the file says what the caller was told");
    sdk.shutdown();
}

#[test]
fn after_a_failed_fsync_of_a_delivery_memory_takes_what_the_file_holds() {
    // The delivery's transaction reaches the file although its fsync fails (once: the file reopens
    // at once): the caller is told it failed (the outcome is unknown), and memory must not keep
    // the older record, or the next delivery would write a record that does not count the stored
    // message.
    let (_dir, faults, sdk) = start_faulty("landed");
    let client = sdk.client();
    block_on(client.login("landed", "")).unwrap();
    assert_eq!(block_on(client.deliver(vec![from_peer("m1")])).unwrap().len(), 1);

    faults.set(Fault::NextSync);
    let Error::Failed(error) = block_on(client.deliver(vec![from_peer("m2")])).unwrap_err() else {
        panic!("a delivery whose fsync fails must fail with the store error");
    };
    assert_store_failure(&error);

    let on_file = block_on(client.doctor(false)).unwrap();
    assert!(on_file.mismatches.is_empty(), "{:?}", on_file.mismatches);
    let total = block_on(client.total_unread()).unwrap();
    assert_eq!(total, on_file.messages, "memory counts what the file holds (m2 landed or not)");
    // Delivered again: stored once, whichever way the failed one went.
    block_on(client.deliver(vec![from_peer("m2"), from_peer("m3")])).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 3);
    let report = block_on(client.doctor(false)).unwrap();
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    assert_eq!(report.messages, 3);
    let list = relogin_and_list(&client, "landed");
    assert_eq!(list[0].conv_unread_num, 3);
    sdk.shutdown();
}

#[test]
fn a_read_queued_behind_a_failed_write_does_not_report_the_write() {
    let (_dir, faults, sdk) = start_faulty("reader");
    let client = sdk.client();
    block_on(client.login("reader", "")).unwrap();
    client.set_draft_blocking(ConvKey::c2c("kept").unwrap(), draft("kept")).unwrap();

    // The draft's commit is held in flight; the list is asked for behind it; then the commit
    // fails. The actor commits on its own thread, so it takes the read after the roll-back and
    // answers what is durable; read while the commit was in flight (the store thread's path),
    // the read fails with the write. Either way it never reports the write.
    let draft_call = draft_held_in_flight(&client, &faults, "lost", "lost");
    let (tx, rx) = flume::bounded(1);
    client.conversation_list_with(move |list| tx.send(list).unwrap()).unwrap();
    faults.set(Fault::Syncs);
    assert!(draft_call.join().unwrap().is_err(), "the draft failed");
    match rx.recv().unwrap() {
        Ok(list) => assert_eq!(drafts(&list), [("kept".into(), Some("kept".into()))], "only what is durable"),
        Err(error) => assert_store_failure(&error),
    }
    faults.set(Fault::None);
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(drafts(&list), [("kept".into(), Some("kept".into()))]);
    sdk.shutdown();
}

#[test]
fn a_read_in_the_batch_of_a_failing_write_fails_with_it() {
    // Commit A is held; a write B and a read R queue behind it and become the next batch, whose
    // commit fails. R read state that included B, so it must not be answered as if B landed.
    let (_dir, faults, sdk) = start_faulty("same-batch");
    let client = sdk.client();
    block_on(client.login("same-batch", "")).unwrap();
    let landing = draft_held_in_flight(&client, &faults, "a", "lands");
    let (write_tx, write_rx) = flume::bounded(1);
    client.create_conversation_with(ConvKey::c2c("b").unwrap(), move |r| write_tx.send(r).unwrap()).unwrap();
    let (read_tx, read_rx) = flume::bounded(1);
    client.conversation_list_with(move |list| read_tx.send(list).unwrap()).unwrap();
    faults.fail_sync_after(1);
    faults.set(Fault::None);
    landing.join().unwrap().unwrap();
    assert_store_failure(&write_rx.recv().unwrap().unwrap_err());
    match read_rx.recv().unwrap() {
        Ok(list) => panic!("the read in the failed batch was answered: {:?}", drafts(&list)),
        Err(error) => assert_store_failure(&error),
    }
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(drafts(&list), [("a".into(), Some("lands".into()))]);
    sdk.shutdown();
}

#[test]
fn a_read_queued_before_a_failed_write_still_answers_what_it_read() {
    // The read saw only the batch in flight, which lands; the write behind it fails in the next
    // batch. The read's answer is not that batch's business.
    let (_dir, faults, sdk) = start_faulty("earlier");
    let client = sdk.client();
    block_on(client.login("earlier", "")).unwrap();
    let landing = draft_held_in_flight(&client, &faults, "a", "lands");
    let (read_tx, read_rx) = flume::bounded(1);
    client.conversation_list_with(move |list| read_tx.send(list).unwrap()).unwrap();
    let (write_tx, write_rx) = flume::bounded(1);
    client.create_conversation_with(ConvKey::c2c("b").unwrap(), move |r| write_tx.send(r).unwrap()).unwrap();
    faults.fail_sync_after(1);
    faults.set(Fault::None);
    landing.join().unwrap().unwrap();
    let list = read_rx.recv().unwrap().expect("the read saw only durable state");
    assert_eq!(drafts(&list), [("a".into(), Some("lands".into()))]);
    assert_store_failure(&write_rx.recv().unwrap().unwrap_err());
    sdk.shutdown();
}

#[test]
fn reading_history_commits_nothing_so_a_failing_disk_does_not_fail_it() {
    let (_dir, faults, sdk) = start_faulty("history-reader");
    let client = sdk.client();
    block_on(client.login("history-reader", "")).unwrap();
    block_on(client.deliver(vec![from_peer("m1")])).unwrap();
    let key = ConvKey::c2c("peer").unwrap();
    // Every fsync fails from here: a read that committed (as every batch did) would fail too.
    faults.set(Fault::Syncs);
    let page = block_on(client.message_list(key.clone(), crate::HistoryQuery::default())).unwrap();
    assert_eq!(page.iter().filter_map(|m| m.message_msg_id.as_deref()).collect::<Vec<_>>(), ["m1"]);
    let report = block_on(client.doctor(false)).unwrap();
    assert_eq!((report.messages, report.mismatches.len()), (1, 0));
    // A write still meets the failing disk, and fails (whether it landed is unknown after a
    // failed fsync: `after_a_failed_fsync_of_a_delivery_memory_takes_what_the_file_holds`).
    assert!(block_on(client.delete_message(key, "m1")).is_err());
    faults.set(Fault::None);
    sdk.shutdown();
}

#[test]
fn history_reads_do_not_wait_for_a_write_back_the_full_disk_refuses() {
    let (dir, faults, sdk) = start_faulty("full-reader");
    let client = sdk.client();
    block_on(client.login("full-reader", "")).unwrap();
    block_on(client.deliver(vec![from_peer("m1")])).unwrap();
    let key = ConvKey::c2c("peer").unwrap();
    // A large draft, then a disk with no free block: the next large draft fails (ENOSPC), and so
    // does the write-back queued after it (the conversation's record, with the first draft, does
    // not fit either), at every later use of the store that waits for it.
    let big = |fill: &str| draft(&fill.repeat(3 << 20));
    client.set_draft_blocking(key.clone(), big("a")).unwrap();
    let file = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    faults.cap_length_at(Some(std::fs::metadata(&file).unwrap().len()));
    let CallError::Failed(error) = client.set_draft_blocking(key.clone(), big("b")).unwrap_err() else {
        panic!("a draft on a full disk must fail with the store error");
    };
    assert_store_failure(&error);
    // The file reads fine: history is served from it, the write-back still waiting.
    for _ in 0..2 {
        let page = block_on(client.message_list(key.clone(), crate::HistoryQuery::default())).unwrap();
        assert_eq!(page.iter().filter_map(|m| m.message_msg_id.as_deref()).collect::<Vec<_>>(), ["m1"]);
    }
    // Writes wait for the write-back, and fail while the disk is full; then work again.
    assert!(client.set_draft_blocking(key.clone(), big("c")).is_err());
    faults.cap_length_at(None);
    client.set_draft_blocking(key.clone(), draft("kept")).unwrap();
    assert_eq!(
        drafts(&relogin_and_list(&client, "full-reader")),
        [("peer".to_owned(), Some("kept".to_owned()))]
    );
    sdk.shutdown();
}
