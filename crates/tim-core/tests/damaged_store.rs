//! A damaged store file: the login that opens it fails with the store error, and nothing else
//! does. redb checks a damaged file with assertions in places (a debug build panics where a
//! release build returns `Corrupted`); a panic on the store thread once ended the SDK.

mod common;

use tim_core::store::user_store_path;
use tim_core::{ConvKey, Error, HistoryQuery, Sdk, SdkConfig, block_on};
use tim_types::{Draft, Elem, ElemType, ErrCode, Message};

fn draft(n: usize) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
        draft_user_define: String::new(),
        draft_edit_time: 0,
    }
}

/// Damages every page of the file but its header and first pages.
fn damage(path: &std::path::Path) {
    common::damage_pages(path, 1);
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

fn message_from(peer: &str, id: &str) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text(format!("text {id}"))]);
    msg.message_sender = Some(peer.into());
    msg.message_conv_type = Some(tim_types::ConvType::C2C);
    msg.message_msg_id = Some(id.into());
    msg
}

#[test]
fn a_record_that_does_not_read_fails_the_calls_that_reach_it_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("demo", "")).unwrap();
        block_on(client.deliver(vec![message_from("bad", "b1"), message_from("good", "g1")])).unwrap();
        sdk.shutdown();
    }
    // bad's message record no longer decodes (the conversation records are intact: the login works).
    {
        const LOG: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new("message_log");
        let db = redb::Database::open(user_store_path(dir.path(), "demo")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            use redb::ReadableTable;
            let mut log = txn.open_table(LOG).unwrap();
            let first = log.first().unwrap().unwrap().0.value();
            log.insert(first, [0xEE; 40].as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("demo", "")).unwrap();
    let (bad, good) = (ConvKey::c2c("bad").unwrap(), ConvKey::c2c("good").unwrap());
    // Queued without waiting, so that they share batches with the history reads that fail.
    let (tx, rx) = std::sync::mpsc::channel();
    for n in 0..20 {
        let reads = tx.clone();
        client
            .message_list_with(
                bad.clone(),
                tim_core::HistoryQuery { count: 10, ..Default::default() },
                move |r| reads.send(("history of bad", r.map(drop))).unwrap(),
            )
            .unwrap();
        let saves = tx.clone();
        client
            .save_message_with(
                good.clone(),
                Message::from_elems(vec![Elem::text(format!("s{n}"))]),
                move |r| saves.send(("save to good", r.map(drop))).unwrap(),
            )
            .unwrap();
        let creates = tx.clone();
        client
            .create_conversation_with(ConvKey::c2c(format!("new{n}")).unwrap(), move |r| {
                creates.send(("create", r.map(drop))).unwrap()
            })
            .unwrap();
    }
    drop(tx);
    let results: Vec<_> = rx.iter().collect();
    assert_eq!(results.len(), 60);
    for (what, result) in results {
        match what {
            "history of bad" => assert_eq!(result.unwrap_err().code, ErrCode::DatabaseOperateFailed.value()),
            _ => assert!(result.is_ok(), "{what}: {result:?}"),
        }
    }
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list.len(), 22, "bad, good and the 20 created");
    sdk.shutdown();
}

/// A history query that can tell from a message's stored bytes that it does not want it (an
/// element-type filter, C2C sequences) does not decode it, so a message whose text no longer
/// reads (its header intact) fails only the queries that may want it (review of the sieve).
#[test]
fn a_filtered_query_fails_on_a_record_that_does_not_read_only_if_it_may_want_it() {
    let dir = tempfile::tempdir().unwrap();
    let image: Elem =
        serde_json::from_value(serde_json::json!({"elem_type": 1, "image_elem_orig_path": "/a.jpg"}))
            .unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("demo", "")).unwrap();
        let mut text = message_from("bad", "t1");
        text.message_seq = Some(5);
        let mut picture = message_from("bad", "i1");
        picture.message_elem_array = vec![image];
        picture.message_seq = Some(6);
        block_on(client.deliver(vec![text, picture])).unwrap();
        sdk.shutdown();
    }
    // The text's record: header and layout intact, a byte of its text no longer UTF-8.
    {
        use redb::ReadableTable;
        const LOG: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new("message_log");
        let db = redb::Database::open(user_store_path(dir.path(), "demo")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut log = txn.open_table(LOG).unwrap();
            let (uid, mut bytes) = log
                .iter()
                .unwrap()
                .map(|row| row.unwrap())
                .map(|(uid, bytes)| (uid.value(), bytes.value().to_vec()))
                .find(|(_, bytes)| bytes.windows(4).any(|w| w == b"\"t1\""))
                .expect("the text's record");
            let at = bytes.windows(7).position(|w| w == b"text t1").unwrap();
            bytes[at] = 0xFF;
            log.insert(uid, bytes.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("demo", "")).unwrap();
    let bad = ConvKey::c2c("bad").unwrap();
    let found = |q: HistoryQuery| block_on(client.message_list(bad.clone(), q)).map(|list| list.len());
    let failed = ErrCode::DatabaseOperateFailed.value();
    assert_eq!(found(HistoryQuery::default()).unwrap_err().code(), failed, "a plain page reaches it");
    let of_type = |t: ElemType| HistoryQuery { types: vec![t], ..Default::default() };
    assert_eq!(found(of_type(ElemType::Image)).unwrap(), 1, "the images: the text is passed over");
    assert_eq!(found(of_type(ElemType::Text)).unwrap_err().code(), failed, "the texts may include it");
    let seqs = |s: Vec<u64>| HistoryQuery { seqs: Some(s), ..Default::default() };
    assert_eq!(found(seqs(vec![6, 9])).unwrap(), 1);
    assert_eq!(found(seqs(vec![5])).unwrap_err().code(), failed, "sequence 5 is the damaged one's");
    sdk.shutdown();
}
