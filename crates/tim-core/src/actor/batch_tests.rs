//! Writes that meet in one batch (group commit): a commit is held in flight by the test store
//! ([`crate::store::fault`]) while the next writes queue, so they are committed together.

use tim_types::{ConvType, Elem, Message};

use crate::store::fault::{Fault, faults_of};
use crate::{ConvKey, HistoryQuery, Sdk, SdkConfig, block_on};

fn from_peer(peer: &str, id: &str) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text("hi")]);
    msg.message_sender = Some(peer.into());
    msg.message_conv_type = Some(ConvType::C2C);
    msg.message_msg_id = Some(id.into());
    msg
}

#[test]
fn a_conversation_deleted_and_created_again_in_one_batch_has_no_old_messages() {
    let dir = tempfile::tempdir().unwrap();
    let faults = faults_of("recreated");
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("recreated", "")).unwrap();
    let (x, y) = (ConvKey::c2c("x").unwrap(), ConvKey::c2c("y").unwrap());
    let old: Vec<_> = (0..3).map(|n| from_peer("x", &format!("old{n}"))).collect();
    assert_eq!(block_on(client.deliver(old.clone())).unwrap().len(), 3);

    // A write of another conversation is in flight; the deletion and the creation of x queue
    // behind it and land in the next commit together.
    faults.set(Fault::HoldSyncs);
    let (tx, rx) = flume::unbounded();
    let sent = tx.clone();
    client.create_conversation_with(y, move |r| sent.send(r.map(drop)).unwrap()).unwrap();
    faults.wait_for_held_sync();
    let sent = tx.clone();
    client.delete_conversation_with(x.clone(), move |r| sent.send(r).unwrap()).unwrap();
    client.create_conversation_with(x.clone(), move |r| tx.send(r.map(drop)).unwrap()).unwrap();
    faults.set(Fault::None);
    for _ in 0..3 {
        rx.recv().unwrap().unwrap();
    }

    let check = |when: &str| {
        let history = block_on(client.message_list(x.clone(), HistoryQuery::default())).unwrap();
        assert!(history.is_empty(), "{when}: the deleted messages are gone, got {}", history.len());
        assert_eq!(block_on(client.total_unread()).unwrap(), 0, "{when}");
        let report = block_on(client.doctor(false)).unwrap();
        assert!(report.mismatches.is_empty(), "{when}: {:?}", report.mismatches);
    };
    check("after the batch");
    // The old messages are not duplicates of anything any more: delivered again, they count.
    assert_eq!(block_on(client.deliver(old)).unwrap().len(), 3);
    assert_eq!(block_on(client.total_unread()).unwrap(), 3);
    block_on(client.delete_conversation(x.clone())).unwrap();
    block_on(client.create_conversation(x.clone())).unwrap();
    block_on(client.logout()).unwrap();
    block_on(client.login("recreated", "")).unwrap();
    check("after logging in again");
    sdk.shutdown();
}
