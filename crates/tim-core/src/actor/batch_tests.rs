//! Commands that queue behind a commit held in flight by the test store
//! ([`crate::store::fault`]): writes that meet in one batch (group commit), and a delivery that
//! waits behind a logout and another user's login.

use tim_types::{ConvType, Elem, Message};

use super::tests::draft_held_in_flight;
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

#[test]
fn a_loopback_delivery_for_a_user_who_logged_out_is_not_stored_for_the_next() {
    let hub = crate::LoopbackHub::new();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let start = |dir: &tempfile::TempDir, user: &str| {
        let config = SdkConfig::new(dir.path()).with_transport(crate::Transport::Loopback(hub.clone()));
        let sdk = Sdk::start(config).unwrap();
        block_on(sdk.client().login(user, "")).unwrap();
        sdk
    };
    let faults = faults_of("bob-leaving");
    let alice = start(&dir_a, "alice-sending");
    let shared = start(&dir_b, "bob-leaving");
    let device = shared.client();

    // On the shared device a draft of bob's is in flight; bob logs out and carol logs in behind it.
    let draft = draft_held_in_flight(&device, &faults, "x", "later");
    let (tx, rx) = flume::unbounded();
    let sent = tx.clone();
    device.logout_with(move |r| sent.send(r).unwrap()).unwrap();
    device.login_with("carol-next", "", move |r| tx.send(r).unwrap()).unwrap();
    // alice writes to bob: the hub still lists bob's device, so it queues behind carol's login.
    block_on(alice.client().send_message(
        ConvKey::c2c("bob-leaving").unwrap(),
        Message::from_elems(vec![Elem::text("for bob only")]),
    ))
    .unwrap();
    faults.set(Fault::None);
    draft.join().unwrap().unwrap();
    rx.recv().unwrap().unwrap();
    rx.recv().unwrap().unwrap();

    let carols = block_on(device.conversation_list()).unwrap();
    assert!(carols.iter().all(|c| c.conv_id != "alice-sending"), "bob's message reached carol's store");
    assert_eq!(block_on(device.doctor(false)).unwrap().messages, 0);
    alice.shutdown();
    shared.shutdown();
}

#[test]
fn a_logout_accepted_during_a_login_is_not_undone_by_the_login_completing() {
    let dir = tempfile::tempdir().unwrap();
    let faults = faults_of("short-stay");
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    // Creating the store file syncs: held, the login is still running when the logout comes.
    faults.set(Fault::HoldSyncs);
    let (tx, rx) = flume::unbounded();
    let status_seen = client.clone();
    client.login_with("short-stay", "", move |r| tx.send((r, status_seen.login_status())).unwrap()).unwrap();
    faults.wait_for_held_sync();
    let (out_tx, out_rx) = flume::unbounded();
    client.logout_with(move |r| out_tx.send(r).unwrap()).unwrap();
    assert_eq!(client.login_status(), tim_types::LoginStatus::Logouting);
    assert!(client.logout_with(|_| {}).is_err(), "one logout is accepted, not two");
    assert!(client.create_conversation_with(ConvKey::c2c("x").unwrap(), |_| {}).is_err(), "logging out");
    faults.set(Fault::None);
    let (login, status_after_login) = rx.recv().unwrap();
    login.unwrap();
    assert_ne!(status_after_login, tim_types::LoginStatus::Logined, "the accepted logout still runs");
    out_rx.recv().unwrap().unwrap();
    assert_eq!(client.login_status(), tim_types::LoginStatus::UnLogined);
    sdk.shutdown();
}

#[test]
fn calls_made_after_a_login_queued_behind_a_logout_are_accepted_and_run_as_the_new_user() {
    use tim_types::LoginStatus;
    let dir = tempfile::tempdir().unwrap();
    let faults = faults_of("leaving");
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("leaving", "")).unwrap();
    // A write in flight: the logout, the login and the call after them all queue behind it.
    faults.set(Fault::HoldSyncs);
    let (tx, rx) = flume::unbounded();
    let sent = tx.clone();
    let old = ConvKey::c2c("old").unwrap();
    client.create_conversation_with(old, move |r| sent.send(("old", r.map(drop))).unwrap()).unwrap();
    faults.wait_for_held_sync();
    let sent = tx.clone();
    client.logout_with(move |r| sent.send(("logout", r)).unwrap()).unwrap();
    let sent = tx.clone();
    client.login_with("arriving", "", move |r| sent.send(("login", r)).unwrap()).unwrap();
    assert_eq!(client.login_status(), LoginStatus::Logouting);
    // Made after the login, so carried out after it, as calls behind any accepted login are
    // (it was refused with "not logged in" until the logout completed).
    let new = ConvKey::c2c("new").unwrap();
    let accepted = client.create_conversation_with(new, move |r| tx.send(("new", r.map(drop))).unwrap());
    let watcher = {
        let client = client.clone();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            let mut seen = vec![client.login_status()];
            while std::time::Instant::now() < deadline {
                let status = client.login_status();
                if seen.last() != Some(&status) {
                    seen.push(status);
                }
                if status == LoginStatus::Logined {
                    break;
                }
                std::thread::yield_now();
            }
            seen
        })
    };
    faults.set(Fault::None);
    accepted.expect("accepted: a login is queued ahead of it");
    let order: Vec<_> = (0..4).map(|_| rx.recv().unwrap()).collect();
    for (what, result) in &order {
        assert!(result.is_ok(), "{what}: {result:?}");
    }
    assert_eq!(order.iter().map(|(what, _)| *what).collect::<Vec<_>>(), ["old", "logout", "login", "new"]);
    let seen = watcher.join().unwrap();
    assert_eq!(seen.last(), Some(&LoginStatus::Logined));
    assert!(
        !seen.contains(&LoginStatus::UnLogined),
        "the status read \"not logged in\" on the way: {seen:?}"
    );
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list.iter().map(|c| c.conv_id.as_str()).collect::<Vec<_>>(), ["new"]);
    sdk.shutdown();
}

#[test]
fn a_logout_accepted_behind_a_queued_login_is_not_undone_by_that_login_completing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tim_types::LoginStatus;
    let dir = tempfile::tempdir().unwrap();
    let faults = faults_of("first");
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("first", "")).unwrap();
    faults.set(Fault::HoldSyncs);
    let (tx, rx) = flume::unbounded();
    let sent = tx.clone();
    client
        .create_conversation_with(ConvKey::c2c("x").unwrap(), move |r| sent.send(r.map(drop)).unwrap())
        .unwrap();
    faults.wait_for_held_sync();
    let sent = tx.clone();
    client.logout_with(move |r| sent.send(r).unwrap()).unwrap();
    let (status_tx, status_rx) = flume::unbounded();
    let status_seen = client.clone();
    client
        .login_with("second", "", move |r| status_tx.send((r, status_seen.login_status())).unwrap())
        .unwrap();
    // Accepted: a login is queued ahead of it. A call after it is refused, as after any logout.
    let sent = tx.clone();
    let second_logout = client.logout_with(move |r| sent.send(r).unwrap());
    let after = client.create_conversation_with(ConvKey::c2c("y").unwrap(), |_| {});
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (client, stop) = (client.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seen = vec![client.login_status()];
            while !stop.load(Ordering::Acquire) {
                let status = client.login_status();
                if seen.last() != Some(&status) {
                    seen.push(status);
                }
                std::thread::yield_now();
            }
            seen
        })
    };
    faults.set(Fault::None);
    second_logout.expect("accepted: a login is queued ahead of it");
    assert!(after.is_err(), "a call after the accepted logout is refused");
    let (login, status_at_login) = status_rx.recv().unwrap();
    login.unwrap();
    assert_eq!(status_at_login, LoginStatus::Logouting, "the logout accepted after the login still runs");
    for _ in 0..3 {
        rx.recv().unwrap().unwrap();
    }
    stop.store(true, Ordering::Release);
    let seen = watcher.join().unwrap();
    assert!(!seen.contains(&LoginStatus::Logined), "read \"logged in\" with a logout pending: {seen:?}");
    assert_eq!(client.login_status(), LoginStatus::UnLogined);
    sdk.shutdown();
}
