//! Messages driving conversations, through the Rust API with real stores.

use std::sync::{Arc, Mutex};

use tim_core::{
    ConvKey, HistoryQuery, HistoryStart, LoopbackHub, MessageLocator, ReadBound, ReadScope, Sdk, SdkConfig,
    Transport, block_on,
};
use tim_types::keys::MESSAGE_AT_ALL;
use tim_types::{ConvEvent, ConvInfo, ConvType, Elem, ErrCode, GroupAtType, Message, ReceiveMessageOpt};

fn text(t: &str) -> Message {
    Message::from_elems(vec![Elem::text(t)])
}

fn from(sender: &str, conv_type: ConvType, conv_id: Option<&str>, t: &str, id: &str) -> Message {
    let mut msg = text(t);
    msg.message_sender = Some(sender.into());
    msg.message_conv_type = Some(conv_type);
    msg.message_conv_id = conv_id.map(str::to_owned);
    msg.message_msg_id = Some(id.into());
    msg
}

fn body(msg: &Message) -> String {
    match &msg.message_elem_array[0] {
        Elem::Text(t) => t.text_elem_content.clone(),
        other => format!("{other:?}"),
    }
}

fn start(dir: &std::path::Path, user: &str) -> Sdk {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    block_on(sdk.client().login(user, "")).unwrap();
    sdk
}

/// An SDK connected to `hub`, with `user` logged in.
fn start_on_hub(hub: &Arc<LoopbackHub>, dir: &std::path::Path, user: &str) -> Sdk {
    let sdk = Sdk::start(SdkConfig::new(dir).with_transport(Transport::Loopback(hub.clone()))).unwrap();
    block_on(sdk.client().login(user, "")).unwrap();
    sdk
}

fn conv<'a>(list: &'a [ConvInfo], id: &str) -> &'a ConvInfo {
    list.iter().find(|c| c.conv_id == id).unwrap()
}

#[test]
fn a_peers_messages_raise_unread_and_reading_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let totals = Arc::new(Mutex::new(Vec::new()));
    let sink = totals.clone();
    client.set_total_unread_handler(Some(Arc::new(move |t| sink.lock().unwrap().push(t))));
    block_on(client.create_conversation(ConvKey::c2c("other").unwrap())).unwrap();
    let batch: Vec<_> =
        (1..=3).map(|i| from("peer", ConvType::C2C, None, &format!("m{i}"), &format!("id{i}"))).collect();
    let stored = block_on(client.deliver(batch.clone())).unwrap();
    assert_eq!(stored.len(), 3);
    assert!(block_on(client.deliver(batch)).unwrap().is_empty(), "a message delivered twice is stored once");

    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list[0].conv_id, "peer", "the conversation with news comes first");
    assert_eq!(list[0].conv_unread_num, 3);
    assert_eq!(body(&list[0].conv_last_msg.as_ref().unwrap().message()), "m3");
    assert_eq!(list[0].conv_last_msg.as_ref().unwrap().message().message_is_from_self, Some(false));
    assert_eq!(block_on(client.total_unread()).unwrap(), 3);

    block_on(client.mark_read(ReadScope::Conversation(ConvKey::c2c("peer").unwrap()))).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list[0].conv_last_msg.as_ref().unwrap().message().message_is_read, Some(true));
    sdk.shutdown();
    assert_eq!(*totals.lock().unwrap(), vec![3, 0]);

    let sdk = start(dir.path(), "me");
    let list = block_on(sdk.client().conversation_list()).unwrap();
    assert_eq!(conv(&list, "peer").conv_unread_num, 0);
    assert_eq!(block_on(sdk.client().doctor(false)).unwrap().mismatches, Vec::<String>::new());
}

#[test]
fn sent_messages_become_the_last_message_and_history_pages() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::c2c("bob").unwrap();
    let mut ids = Vec::new();
    for i in 0..30 {
        let sent = block_on(client.send_message(key.clone(), text(&format!("s{i}")))).unwrap();
        assert_eq!(sent.message_sender.as_deref(), Some("me"));
        assert_eq!(sent.message_is_from_self, Some(true));
        assert_eq!(sent.message_status, Some(tim_types::MsgStatus::SendSucc));
        assert_eq!(sent.message_seq, Some(i + 1));
        ids.push(sent.message_msg_id.unwrap());
    }
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list[0].conv_unread_num, 0, "own messages are never unread");
    assert_eq!(body(&list[0].conv_last_msg.as_ref().unwrap().message()), "s29");

    let page =
        block_on(client.message_list(key.clone(), HistoryQuery { count: 10, ..Default::default() })).unwrap();
    assert_eq!(
        page.iter().map(body).collect::<Vec<_>>(),
        (20..30).rev().map(|i| format!("s{i}")).collect::<Vec<_>>()
    );
    let next = HistoryQuery {
        count: 10,
        start: HistoryStart::AfterMessage(page.last().unwrap().message_msg_id.clone().unwrap().into()),
        ..Default::default()
    };
    let page2 = block_on(client.message_list(key.clone(), next)).unwrap();
    assert_eq!(body(&page2[0]), "s19");
    // TIM 5.x code names the last message by its time, sequence and random number: same page.
    let last = page.last().unwrap();
    let located = |seq, rand| HistoryQuery {
        count: 10,
        start: HistoryStart::AfterMessage(
            MessageLocator { time: last.message_server_time.unwrap(), seq, rand }.into(),
        ),
        ..Default::default()
    };
    assert!(last.message_rand.is_some(), "sent messages have a random number");
    assert_eq!(
        block_on(client.message_list(key.clone(), located(last.message_seq, last.message_rand))).unwrap(),
        page2
    );
    assert_eq!(block_on(client.message_list(key.clone(), located(None, last.message_rand))).unwrap(), page2);
    let missing = block_on(client.message_list(key.clone(), located(Some(9999), None))).unwrap_err();
    assert_eq!(missing.code(), ErrCode::InvalidParameters.value(), "{missing:?}");
    let forward =
        HistoryQuery { count: 3, forward: true, start: HistoryStart::AtSeq(5), ..Default::default() };
    let page3 = block_on(client.message_list(key.clone(), forward)).unwrap();
    assert_eq!(page3.iter().map(body).collect::<Vec<_>>(), ["s4", "s5", "s6"]);
    let seqs = HistoryQuery { seqs: Some(vec![1, 30, 99]), forward: true, ..Default::default() };
    assert_eq!(
        block_on(client.message_list(key.clone(), seqs)).unwrap().iter().map(body).collect::<Vec<_>>(),
        ["s0", "s29"]
    );

    block_on(client.delete_message(key.clone(), ids[29].clone())).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(
        body(&list[0].conv_last_msg.as_ref().unwrap().message()),
        "s28",
        "the last message follows a delete"
    );
    let err = block_on(client.delete_message(key.clone(), ids[29].clone())).unwrap_err();
    assert_eq!(err.code(), ErrCode::InvalidParameters.value());

    block_on(client.clear_history(key.clone())).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list.len(), 1, "clearing keeps the conversation");
    assert!(!list[0].conv_is_has_lastmsg);
    assert!(block_on(client.message_list(key, HistoryQuery::default())).unwrap().is_empty());
}

#[test]
fn importing_many_messages_fires_one_update_per_batch() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for i in 0..10 {
        block_on(client.create_conversation(ConvKey::c2c(format!("u{i}")).unwrap())).unwrap();
    }
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    client.set_conv_event_handler(Some(Arc::new(move |e: ConvEvent, infos: &[ConvInfo]| {
        sink.lock().unwrap().push((e, infos.len()))
    })));
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    client.set_new_message_handler(Some(Arc::new(move |m: &[Message]| sink.lock().unwrap().push(m.len()))));
    let batch: Vec<_> = (0..1000)
        .map(|n| from(&format!("u{}", n % 10), ConvType::C2C, None, &format!("x{n}"), &format!("imp{n}")))
        .collect();
    block_on(client.deliver(batch)).unwrap();
    sdk.shutdown();
    assert_eq!(*events.lock().unwrap(), vec![(ConvEvent::Update, 10)]);
    assert_eq!(*received.lock().unwrap(), vec![1000]);
}

#[test]
fn receive_options_mentions_and_read_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let mut at = from("bob", ConvType::Group, Some("g"), "hey @me", "g1");
    at.message_group_at_user_array = Some(vec!["me".into(), MESSAGE_AT_ALL.into()]);
    let mut later = from("bob", ConvType::Group, Some("g"), "later", "g2");
    later.message_server_time = Some(4_000_000_000);
    block_on(client.deliver(vec![at, later])).unwrap();
    block_on(client.deliver(vec![from("ann", ConvType::C2C, None, "hi", "c1")])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    let group = conv(&list, "g");
    assert_eq!(group.conv_unread_num, 2);
    assert_eq!(group.conv_group_at_info_array[0].conv_group_at_info_at_type, GroupAtType::AtAllAtMe);
    assert_eq!(block_on(client.total_unread()).unwrap(), 3);

    block_on(client.set_receive_option(vec![ConvKey::group("g").unwrap()], ReceiveMessageOpt::NotNotify))
        .unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 1, "muted conversations leave the total");

    block_on(client.read_up_to(ConvKey::group("g").unwrap(), ReadBound::Seq(1))).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    let group = conv(&list, "g");
    assert_eq!(group.conv_unread_num, 1);
    assert_eq!(group.conv_group_read_sequence, 1);
    assert!(group.conv_group_at_info_array.is_empty(), "reading the mention clears it");
    block_on(client.mark_read(ReadScope::All(None))).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);
    let report = block_on(client.doctor(false)).unwrap();
    assert_eq!((report.conversations, report.messages, report.mismatches.len()), (2, 3, 0));
}

#[test]
fn deleting_a_conversation_deletes_its_messages() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::c2c("bob").unwrap();
    block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "old", "d1")])).unwrap();
    block_on(client.delete_conversation(key.clone())).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);
    block_on(client.create_conversation(key.clone())).unwrap();
    assert!(block_on(client.message_list(key, HistoryQuery::default())).unwrap().is_empty());
    let again = block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "old", "d1")])).unwrap();
    assert_eq!(again.len(), 1, "its message IDs are gone too");
}

#[test]
fn two_clients_talk_through_the_loopback_hub() {
    let hub = LoopbackHub::new();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let make = |dir: &tempfile::TempDir, user: &str| start_on_hub(&hub, dir.path(), user);
    let alice = make(&dirs[0], "alice");
    let bob = make(&dirs[1], "bob");
    let carol = make(&dirs[2], "carol");
    let (a, b, c) = (alice.client(), bob.client(), carol.client());
    let arrived = Arc::new(Mutex::new(Vec::new()));
    let sink = arrived.clone();
    b.set_new_message_handler(Some(Arc::new(move |m: &[Message]| {
        sink.lock().unwrap().extend(m.iter().map(body))
    })));

    block_on(a.send_message(ConvKey::c2c("bob").unwrap(), text("hi bob"))).unwrap();
    block_on(b.create_conversation(ConvKey::group("team").unwrap())).unwrap();
    block_on(a.send_message(ConvKey::group("team").unwrap(), text("hi team"))).unwrap();
    // Deliveries are queued to the peers' actors; a later call of theirs runs after them.
    let wait = |client: &tim_core::Client, id: &str, unread: u64| {
        for _ in 0..200 {
            let list = block_on(client.conversation_list()).unwrap();
            if list.iter().any(|c| c.conv_id == id && c.conv_unread_num == unread) {
                return list;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("{id} never reached unread {unread}");
    };
    let list = wait(&b, "alice", 1);
    let from_alice = conv(&list, "alice");
    assert_eq!(from_alice.conv_type, ConvType::C2C);
    assert_eq!(from_alice.conv_last_msg.as_ref().unwrap().message().message_is_from_self, Some(false));
    assert_eq!(from_alice.conv_last_msg.as_ref().unwrap().message().message_sender.as_deref(), Some("alice"));
    wait(&b, "team", 1);
    assert!(block_on(c.conversation_list()).unwrap().is_empty(), "carol has no team conversation");
    // The receive handler runs on bob's callback thread, after the state it reports changed.
    for _ in 0..200 {
        if arrived.lock().unwrap().len() == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(*arrived.lock().unwrap(), ["hi bob", "hi team"]);

    block_on(b.send_message(ConvKey::c2c("alice").unwrap(), text("hi alice"))).unwrap();
    let list = wait(&a, "bob", 1);
    assert_eq!(body(&conv(&list, "bob").conv_last_msg.as_ref().unwrap().message()), "hi alice");
    drop((alice, bob, carol));
}

/// A group its user has hidden (deleted with its messages kept) is still the user's: a message
/// the hub brings comes back with it, as a C2C one does (the hub drops messages only for groups
/// the user has no conversation of), and stays in its history.
#[test]
fn a_hidden_group_comes_back_with_the_next_loopback_message() {
    let hub = LoopbackHub::new();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let make = |dir: &tempfile::TempDir, user: &str| start_on_hub(&hub, dir.path(), user);
    let alice = make(&dirs[0], "alice");
    let bob = make(&dirs[1], "bob");
    let (a, b) = (alice.client(), bob.client());
    let team = ConvKey::group("team").unwrap();
    block_on(b.create_conversation(team.clone())).unwrap();
    let wait_for = |want: &[(&str, u64)]| {
        for _ in 0..300 {
            let list = block_on(b.conversation_list()).unwrap();
            if want.iter().all(|(id, n)| list.iter().any(|c| c.conv_id == *id && c.conv_unread_num == *n)) {
                return list;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("bob never got {want:?}: {:?}", block_on(b.conversation_list()).unwrap());
    };
    block_on(a.send_message(ConvKey::c2c("bob").unwrap(), text("c2c 1"))).unwrap();
    block_on(a.send_message(team.clone(), text("team 1"))).unwrap();
    wait_for(&[("alice", 1), ("team", 1)]);
    block_on(b.delete_conversation_list(vec![ConvKey::c2c("alice").unwrap(), team.clone()], false)).unwrap();
    assert!(block_on(b.conversation_list()).unwrap().is_empty());

    block_on(a.send_message(ConvKey::c2c("bob").unwrap(), text("c2c 2"))).unwrap();
    block_on(a.send_message(team.clone(), text("team 2"))).unwrap();
    let list = wait_for(&[("alice", 1), ("team", 1)]);
    let back = conv(&list, "team");
    assert_eq!(body(&back.conv_last_msg.as_ref().unwrap().message()), "team 2");
    let history = block_on(b.message_list(team, HistoryQuery { count: 10, ..Default::default() })).unwrap();
    assert_eq!(history.iter().map(body).collect::<Vec<_>>(), ["team 2", "team 1"]);
    drop((alice, bob));
}

/// Groups answer sequence queries from their sequence index, C2C conversations by scanning their
/// messages (the index is kept for groups only): both must give the same answers.
#[test]
fn sequence_queries_agree_between_the_group_index_and_the_c2c_scan() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let group = ConvKey::group("g").unwrap();
    let c2c = ConvKey::c2c("ann").unwrap();
    let mut batch = Vec::new();
    for i in 0..30u64 {
        for (conv_type, conv_id) in [(ConvType::Group, Some("g")), (ConvType::C2C, None)] {
            let mut msg = from("ann", conv_type, conv_id, &format!("m{i}"), &format!("{conv_type:?}-{i}"));
            msg.message_seq = Some(100 + 3 * i);
            msg.message_server_time = Some(1_700_000_000 + i);
            batch.push(msg);
        }
    }
    block_on(client.deliver(batch)).unwrap();

    let queries = [
        HistoryQuery { count: 3, forward: true, start: HistoryStart::AtSeq(112), ..Default::default() },
        HistoryQuery { count: 4, start: HistoryStart::AtSeq(112), ..Default::default() },
        HistoryQuery { count: 4, start: HistoryStart::AtSeq(113), ..Default::default() },
        HistoryQuery { seqs: Some(vec![100, 187, 150, 151]), forward: true, ..Default::default() },
    ];
    let bodies = |key: &ConvKey, q: &HistoryQuery| -> Vec<String> {
        block_on(client.message_list(key.clone(), q.clone())).unwrap().iter().map(body).collect()
    };
    for q in &queries {
        assert_eq!(bodies(&group, q), bodies(&c2c, q), "{q:?}");
    }
    assert_eq!(bodies(&c2c, &queries[0]), ["m4", "m5", "m6"]);
    assert_eq!(bodies(&c2c, &queries[1]), ["m4", "m3", "m2", "m1"]);
    assert!(bodies(&c2c, &queries[2]).is_empty(), "no message has sequence 113");
    assert_eq!(bodies(&c2c, &queries[3]), ["m0", "m17", "m29"]);

    // An older message imported with a sequence already stored: the newest keeps it, in both.
    for key in [&group, &c2c] {
        let mut twin = text("older twin");
        twin.message_seq = Some(112);
        twin.message_server_time = Some(1_600_000_000);
        twin.message_sender = Some("ann".into());
        twin.message_msg_id = Some(format!("twin-{key}"));
        assert_eq!(block_on(client.import_messages(key.clone(), vec![twin])).unwrap(), 1);
    }
    let at_112 = HistoryQuery { count: 1, start: HistoryStart::AtSeq(112), ..Default::default() };
    let seq_112 = HistoryQuery { seqs: Some(vec![112]), ..Default::default() };
    assert_eq!(bodies(&group, &at_112), bodies(&c2c, &at_112));
    assert_eq!(bodies(&c2c, &at_112), ["m4"]);

    // Deleting the newest of the two: the other one has the sequence now, in both.
    block_on(client.delete_message(group.clone(), "Group-4")).unwrap();
    block_on(client.delete_message(c2c.clone(), "C2C-4")).unwrap();
    for q in [&at_112, &seq_112] {
        assert_eq!(bodies(&group, q), ["older twin"], "{q:?}");
        assert_eq!(bodies(&c2c, q), ["older twin"], "{q:?}");
    }
    // The index survives a restart, and the last one's deletion leaves the sequence empty.
    drop(client);
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let bodies = |key: &ConvKey, q: &HistoryQuery| -> Vec<String> {
        block_on(client.message_list(key.clone(), q.clone())).unwrap().iter().map(body).collect()
    };
    assert_eq!(bodies(&group, &seq_112), ["older twin"]);
    for key in [&group, &c2c] {
        block_on(client.delete_message(key.clone(), format!("twin-{key}"))).unwrap();
        assert!(bodies(key, &seq_112).is_empty());
    }

    for key in [&group, &c2c] {
        block_on(client.read_up_to(key.clone(), ReadBound::Seq(130))).unwrap();
    }
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "g").conv_unread_num, 19, "m11..m29 stay unread");
    assert_eq!(conv(&list, "ann").conv_unread_num, 19);
    assert_eq!(block_on(client.doctor(false)).unwrap().mismatches, Vec::<String>::new());
}

/// Logging in builds the state from chunks the store thread reads meanwhile: with more
/// conversations than one chunk, the list, order and totals must come back exactly.
#[test]
fn a_large_store_loads_back_exactly_across_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let count = 2 * tim_core::store::LOAD_CHUNK + 7;
    let before = {
        let sdk = start(dir.path(), "me");
        let client = sdk.client();
        let batch: Vec<Message> = (0..count)
            .map(|n| {
                let mut msg =
                    from(&format!("p{n:05}"), ConvType::C2C, None, &format!("t{n}"), &format!("id{n}"));
                msg.message_server_time = Some(1_700_000_000 + (n as u64 * 7919) % 1000);
                msg
            })
            .collect();
        block_on(client.deliver(batch)).unwrap();
        let list = block_on(client.conversation_list()).unwrap();
        let total = block_on(client.total_unread()).unwrap();
        sdk.shutdown();
        (list, total)
    };
    assert_eq!(before.0.len(), count);
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    assert_eq!(block_on(client.conversation_list()).unwrap(), before.0);
    assert_eq!(block_on(client.total_unread()).unwrap(), before.1);
    assert_eq!(before.1, count as u64);
}

#[test]
fn a_generated_message_id_never_takes_the_id_of_a_stored_message() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::c2c("bob").unwrap();
    let at = |t: &str, time: u64| {
        let mut msg = text(t);
        msg.message_server_time = Some(time);
        msg
    };
    // A fresh store files its first message as number 1 and its second as number 2; this ID is
    // the one the store would generate for the second, saved at that time.
    let time = 1_700_000_000u64;
    let taken = format!("{:x}-{}-{:x}", 2u64, time, 2u64.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32);
    let mut first = at("given", time);
    first.message_msg_id = Some(taken.clone());
    block_on(client.save_message(key.clone(), first)).unwrap();
    let second = block_on(client.save_message(key.clone(), at("generated", time))).unwrap();
    assert_eq!(second.message_msg_id.as_deref(), Some(format!("{taken}-1").as_str()), "made unique");
    block_on(client.delete_message(key.clone(), taken)).unwrap();
    let left = block_on(client.message_list(key, HistoryQuery::default())).unwrap();
    assert_eq!(left.iter().map(body).collect::<Vec<_>>(), ["generated"], "the ID still finds its message");
}

#[test]
fn a_sent_reply_is_the_newest_even_when_this_clock_is_behind_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::c2c("bob").unwrap();
    let mut ahead = from("bob", ConvType::C2C, None, "from the future", "f1");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let server_time = now + 3600;
    ahead.message_server_time = Some(server_time);
    block_on(client.deliver(vec![ahead])).unwrap();
    let reply = block_on(client.send_message(key.clone(), text("reply"))).unwrap();
    assert!(reply.message_server_time.unwrap() >= server_time);
    let client_time = reply.message_client_time.unwrap();
    assert!((now..now + 60).contains(&client_time), "the client time is this device's clock: {client_time}");
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(body(&conv(&list, "bob").conv_last_msg.clone().unwrap().message()), "reply");
    let history = block_on(client.message_list(key, HistoryQuery::default())).unwrap();
    assert_eq!(history.iter().map(body).collect::<Vec<_>>(), ["reply", "from the future"], "newest first");
}

#[test]
fn zero_times_and_sequences_count_as_not_given() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::group("team").unwrap();
    let mut zero = text("all fields filled");
    zero.message_server_time = Some(0);
    zero.message_client_time = Some(0);
    zero.message_seq = Some(0);
    let first = block_on(client.save_message(key.clone(), text("first"))).unwrap();
    let saved = block_on(client.save_message(key.clone(), zero)).unwrap();
    assert!(saved.message_server_time.unwrap() >= first.message_server_time.unwrap(), "filed as now");
    assert_eq!(saved.message_client_time, saved.message_server_time);
    assert_eq!(saved.message_seq, Some(first.message_seq.unwrap() + 1), "the next sequence");
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(body(&conv(&list, "team").conv_last_msg.clone().unwrap().message()), "all fields filled");
}

#[test]
fn an_own_message_from_another_device_must_name_its_peer() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let own = from("me", ConvType::C2C, None, "from my phone", "p1");
    let error = block_on(client.deliver(vec![own])).unwrap_err();
    assert!(matches!(error, tim_core::Error::Rejected(tim_core::CallError::Param(_))), "{error:?}");
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    let named = from("me", ConvType::C2C, Some("bob"), "from my phone", "p1");
    assert_eq!(block_on(client.deliver(vec![named])).unwrap().len(), 1);
    assert_eq!(block_on(client.conversation_list()).unwrap()[0].conv_id, "bob");
}

#[test]
fn an_id_with_nul_is_refused_and_stores_nothing() {
    // A conversation named with a NUL could never be named again through the C calls, whose
    // IDs are NUL-terminated strings.
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for msg in [
        from("b\0b", ConvType::C2C, None, "hi", "n1"),
        from("ann", ConvType::Group, Some("g\0"), "hi", "n2"),
        from("me", ConvType::C2C, Some("\0"), "hi", "n3"),
    ] {
        let error =
            block_on(client.deliver(vec![msg, from("carol", ConvType::C2C, None, "ok", "n4")])).unwrap_err();
        assert!(matches!(error, tim_core::Error::Rejected(tim_core::CallError::Param(_))), "{error:?}");
    }
    assert!(tim_core::ConvKey::c2c("x\0y").is_err());
    assert!(block_on(client.conversation_list()).unwrap().is_empty(), "nothing of a refused batch is stored");
    // A message ID is named again by C strings and CLI arguments too (a delete, a read bound),
    // and is an ID as any other: no NUL, at most 1024 bytes; wherever the store keeps it.
    let ann = tim_core::ConvKey::c2c("ann").unwrap();
    for bad in ["m\0".to_string(), "m".repeat(1025)] {
        let param =
            |e: tim_core::Error| matches!(e, tim_core::Error::Rejected(tim_core::CallError::Param(_)));
        let delivered = from("ann", ConvType::C2C, None, "hi", &bad);
        assert!(param(block_on(client.deliver(vec![delivered.clone()])).unwrap_err()));
        assert!(param(block_on(client.import_messages(ann.clone(), vec![delivered.clone()])).unwrap_err()));
        assert!(param(block_on(client.save_message(ann.clone(), delivered.clone())).unwrap_err()));
        // A sent message gets a new ID and the user as its sender: the given ones are replaced,
        // not refused (an app may send again a message it was given).
        let mut again = delivered;
        again.message_sender = Some(bad.clone());
        let sent = block_on(client.send_message(ann.clone(), again)).unwrap();
        assert_ne!(sent.message_msg_id.as_deref(), Some(bad.as_str()));
        assert_eq!(sent.message_sender.as_deref(), Some("me"));
    }
    let kept = block_on(client.message_list(ann, HistoryQuery::default())).unwrap();
    assert_eq!(kept.len(), 2, "only the two sent messages are stored");
}

#[test]
fn mention_reminders_follow_the_unread_messages_whatever_order_sequences_came_in() {
    // Two group messages of the same second arrive with their sequences swapped: 11, then 10.
    let group_pair = |mention_on: u64, ids: [&str; 2]| {
        [(11u64, ids[0]), (10, ids[1])]
            .into_iter()
            .map(|(seq, id)| {
                let mut msg = from("bob", ConvType::Group, Some("g"), &format!("seq {seq}"), id);
                msg.message_seq = Some(seq);
                msg.message_server_time = Some(1_700_000_000);
                if seq == mention_on {
                    msg.message_group_at_user_array = Some(vec!["me".into()]);
                }
                msg
            })
            .collect::<Vec<_>>()
    };
    let key = ConvKey::group("g").unwrap();
    let group = |client: &tim_core::Client| {
        let list = block_on(client.conversation_list()).unwrap();
        let g = conv(&list, "g");
        (g.conv_unread_num, g.conv_group_at_info_array.len(), g.conv_group_read_sequence)
    };

    // Cleaning up to sequence 11 reads both: no reminder may stay.
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(group_pair(11, ["a11", "a10"]))).unwrap();
    block_on(client.read_up_to(key.clone(), ReadBound::Seq(11))).unwrap();
    assert_eq!(group(&client), (0, 0, 11));
    sdk.shutdown();

    // Reading up to the message of sequence 11 leaves the one of sequence 10 (it came after):
    // its reminder stays with it.
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(group_pair(10, ["b11", "b10"]))).unwrap();
    block_on(client.read_up_to(key.clone(), ReadBound::Message("b11".into()))).unwrap();
    assert_eq!(group(&client), (1, 1, 11));
    sdk.shutdown();
}

#[test]
fn an_own_message_without_its_peer_is_refused_even_while_the_login_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    client.login_with("me", "", |_| {}).unwrap();
    // The call's own check cannot know the user yet; the delivery itself refuses it.
    let own = from("me", ConvType::C2C, None, "from my phone", "p1");
    match block_on(client.deliver(vec![own, from("bob", ConvType::C2C, None, "hi", "b1")])) {
        Err(tim_core::Error::Failed(e)) => assert_eq!(e.code, ErrCode::InvalidParameters.value()),
        Err(tim_core::Error::Rejected(tim_core::CallError::Param(_))) => {}
        other => panic!("an own message without its peer was accepted: {other:?}"),
    }
    assert!(block_on(client.conversation_list()).unwrap().is_empty(), "nothing of the call was stored");
    sdk.shutdown();
}

/// One call of 4,200 messages (encoded on a second thread, written in two chunks) and the same
/// messages in calls of 60 (each one after the other) store the same: what the calls return,
/// the list, every history, the unread counts and @-reminders, and what a restart loads.
#[test]
fn a_bulk_delivery_stores_exactly_what_smaller_calls_store() {
    let messages: Vec<Message> = (0..4_200u64)
        .map(|i| {
            let conv = i % 5;
            let (sender, conv_type, conv_id) = match conv {
                0..=2 => (format!("p{conv}"), ConvType::C2C, None),
                _ => (format!("member{}", i % 3), ConvType::Group, Some(format!("g{conv}"))),
            };
            // Duplicates within a call and across calls of 60; some without an ID (generated).
            let id = match i % 11 {
                0 => None,
                3 => Some(format!("id{}", i / 2)),
                _ => Some(format!("id{i}")),
            };
            let mut msg = from(&sender, conv_type, conv_id.as_deref(), &format!("t{i}"), "");
            msg.message_msg_id = id;
            // Out of order in places: an older message may arrive after a newer one.
            msg.message_server_time = Some(1_000 + if i % 7 == 0 { i / 2 } else { i });
            if i % 13 == 0 {
                msg.message_is_read = Some(true);
            }
            if conv_type == ConvType::Group && i % 4 == 0 {
                msg.message_group_at_user_array = Some(vec!["me".into()]);
            }
            msg
        })
        .collect();
    let observe = |sdk: &Sdk| {
        let client = sdk.client();
        let list = block_on(client.conversation_list()).unwrap();
        let histories: Vec<Vec<Message>> = list
            .iter()
            .map(|info| {
                let key = ConvKey::new(info.conv_type, &info.conv_id).unwrap();
                block_on(client.message_list(key, HistoryQuery { count: 1_000, ..Default::default() }))
                    .unwrap()
            })
            .collect();
        (serde_json::to_string(&list).unwrap(), serde_json::to_string(&histories).unwrap())
    };
    let bulk_dir = tempfile::tempdir().unwrap();
    let bulk = start(bulk_dir.path(), "me");
    let bulk_stored = block_on(bulk.client().deliver(messages.clone())).unwrap();
    let steps_dir = tempfile::tempdir().unwrap();
    let steps = start(steps_dir.path(), "me");
    let mut steps_stored = Vec::new();
    for chunk in messages.chunks(60) {
        steps_stored.extend(block_on(steps.client().deliver(chunk.to_vec())).unwrap());
    }
    assert!((3_000..4_200).contains(&bulk_stored.len()), "duplicates dropped: {}", bulk_stored.len());
    assert_eq!(serde_json::to_string(&bulk_stored).unwrap(), serde_json::to_string(&steps_stored).unwrap());
    let seen = observe(&bulk);
    assert_eq!(seen, observe(&steps));
    drop(bulk);
    let reopened = start(bulk_dir.path(), "me");
    assert_eq!(observe(&reopened), seen, "the bulk call's records as a restart loads them");
    let list = block_on(reopened.client().conversation_list()).unwrap();
    assert!(list.iter().any(|c| !c.conv_group_at_info_array.is_empty()), "@-reminders kept");
    assert!(list.iter().all(|c| c.conv_unread_num > 0 && c.conv_last_msg.is_some()));
}

/// A write that changes nothing (a read mark on a conversation with nothing unread) waiting for
/// its answer while a message operation queues behind it: the operation must still run, and every
/// call after it (a review found the actor parked for good).
#[test]
fn a_write_that_changes_nothing_does_not_hold_up_the_message_operation_behind_it() {
    use std::sync::mpsc::channel;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.create_conversation(ConvKey::c2c("bob").unwrap())).unwrap();
    for round in 0..3 {
        // A large delivery keeps the actor busy, so that the next two calls queue behind it.
        let busy: Vec<Message> =
            (0..3000).map(|n| from("carol", ConvType::C2C, None, "x", &format!("busy{round}-{n}"))).collect();
        client.deliver_with(busy, |r| assert!(r.is_ok())).unwrap();
        let (read_tx, read_rx) = channel();
        client
            .mark_read_with(ReadScope::Conversation(ConvKey::c2c("bob").unwrap()), move |r| {
                let _ = read_tx.send(r.is_ok());
            })
            .unwrap();
        let (tx, rx) = channel();
        let msg = from("bob", ConvType::C2C, None, "hi", &format!("bob{round}"));
        client
            .deliver_with(vec![msg], move |r| {
                let _ = tx.send(r.map(|m| m.len()));
            })
            .unwrap();
        assert_eq!(read_rx.recv_timeout(Duration::from_secs(20)), Ok(true));
        assert_eq!(rx.recv_timeout(Duration::from_secs(20)), Ok(Ok(1)), "the delivery behind it is answered");
        block_on(client.mark_read(ReadScope::Conversation(ConvKey::c2c("bob").unwrap()))).unwrap();
    }
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "carol").conv_unread_num, 9000);
    sdk.shutdown();
}

fn at(mut msg: Message, time: u64, seq: Option<u64>) -> Message {
    msg.message_server_time = Some(time);
    msg.message_seq = seq;
    msg
}

/// A message from carol to group `conv`, with its ID as its text, a server time and a sequence.
fn group_msg(conv: &str, id: &str, time: u64, seq: u64) -> Message {
    at(from("carol", ConvType::Group, Some(conv), id, id), time, Some(seq))
}

/// Any sequence a caller gives is kept; the largest one does not stop the conversation from
/// numbering the next (it once overflowed: every later message failed with 6019).
#[test]
fn the_largest_sequence_does_not_break_the_next_message() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let bob = ConvKey::c2c("bob").unwrap();
    let mut max = text("max");
    max.message_seq = Some(u64::MAX);
    block_on(client.import_messages(bob.clone(), vec![max])).unwrap();
    let sent = block_on(client.send_message(bob, text("next"))).unwrap();
    assert_eq!(sent.message_seq, Some(u64::MAX), "the next sequence is shared, not wrapped to 0");
    // A group read up to the largest sequence: what arrives later without a sequence is new.
    let g = ConvKey::group("g").unwrap();
    let numbered = |id: &str, seq: Option<u64>| {
        let mut msg = from("carol", ConvType::Group, Some("g"), id, id);
        msg.message_seq = seq;
        msg
    };
    block_on(client.deliver(vec![numbered("top", Some(u64::MAX))])).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(g))).unwrap();
    block_on(client.deliver(vec![numbered("new1", None), numbered("new2", None)])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "g").conv_unread_num, 2, "two new messages arrived after the read");
}

/// A group's read sequence covers a sequence that arrives late; a C2C read mark is a position,
/// so a message arriving after a read in the same second still counts (it is new to the user);
/// and reading a whole group reports its highest sequence.
#[test]
fn what_the_read_state_covers_arrives_read_and_what_is_new_counts() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let bob = ConvKey::c2c("bob").unwrap();
    block_on(client.deliver(vec![at(from("bob", ConvType::C2C, None, "a", "s1"), 1000, None)])).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(bob))).unwrap();
    block_on(client.deliver(vec![at(from("bob", ConvType::C2C, None, "b", "s2"), 1000, None)])).unwrap();
    block_on(client.deliver(vec![at(from("bob", ConvType::C2C, None, "c", "s3"), 1001, None)])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "bob").conv_c2c_read_timestamp, 1000);
    assert_eq!(conv(&list, "bob").conv_unread_num, 2, "both arrived after the read");

    let g = ConvKey::group("g").unwrap();
    let g_msg = |id: &str, seq: u64| group_msg("g", id, 1000, seq);
    block_on(
        client
            .deliver(["q1", "q2", "q3", "q5"].iter().zip([1, 2, 3, 5]).map(|(id, s)| g_msg(id, s)).collect()),
    )
    .unwrap();
    block_on(client.read_up_to(g.clone(), ReadBound::Seq(5))).unwrap();
    block_on(client.deliver(vec![g_msg("q4", 4), g_msg("q6", 6)])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "g").conv_group_read_sequence, 5);
    assert_eq!(conv(&list, "g").conv_unread_num, 1, "seq 4 arrives read, seq 6 counts");
    let history = block_on(client.message_list(g, HistoryQuery::default())).unwrap();
    let read: Vec<_> = history.iter().map(|m| (body(m), m.message_is_read == Some(true))).collect();
    assert!(read.contains(&("q4".into(), true)) && read.contains(&("q6".into(), false)), "{read:?}");

    let h = ConvKey::group("h").unwrap();
    let h_msg = |id: &str, seq: u64| group_msg("h", id, 1000, seq);
    block_on(client.deliver(vec![h_msg("w5", 5), h_msg("w3", 3)])).unwrap();
    block_on(client.read_up_to(h.clone(), ReadBound::Message("w3".into()))).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(h))).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(
        conv(&list, "h").conv_group_read_sequence,
        5,
        "a whole group read reports its highest sequence"
    );
    block_on(client.logout()).unwrap();
    block_on(client.login("me", "")).unwrap();
    assert_eq!(block_on(client.conversation_list()).unwrap(), list);
    assert!(block_on(client.doctor(false)).unwrap().mismatches.is_empty());
}

/// Group messages sharing a sequence: deleting one takes only its own @-reminder; reading up to a
/// message takes the reminders of the messages read, not of an unread one with the same sequence;
/// and a clean up to a sequence whose newest message was read already still raises the read
/// sequence (found by a review of the group paths).
#[test]
fn reminders_and_the_read_sequence_follow_each_message_when_sequences_are_shared() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let msg = |conv: &str, id: &str, time: u64, seq: u64, mentions: &[&str]| {
        let mut m = group_msg(conv, id, time, seq);
        m.message_group_at_user_array = Some(mentions.iter().map(|u| (*u).to_owned()).collect());
        m
    };
    let info = |id: &str| {
        let list = block_on(client.conversation_list()).unwrap();
        let c = conv(&list, id);
        let at: Vec<(u64, GroupAtType)> = c
            .conv_group_at_info_array
            .iter()
            .map(|a| (a.conv_group_at_info_seq, a.conv_group_at_info_at_type))
            .collect();
        (c.conv_unread_num, c.conv_group_read_sequence, at)
    };
    // Deleting one of two @ messages of sequence 5.
    block_on(
        client.deliver(vec![msg("d", "a1", 100, 5, &["me"]), msg("d", "a2", 200, 5, &[MESSAGE_AT_ALL])]),
    )
    .unwrap();
    block_on(client.delete_message(ConvKey::group("d").unwrap(), "a1")).unwrap();
    assert_eq!(info("d"), (1, 0, vec![(5, GroupAtType::AtAll)]));
    // Reading up to b2 reads b1 (@me, sequence 5), not b3 (sequence 5 too, no mention).
    block_on(client.deliver(vec![
        msg("r", "b1", 100, 5, &["me"]),
        msg("r", "b2", 150, 6, &[]),
        msg("r", "b3", 200, 5, &[]),
    ]))
    .unwrap();
    block_on(client.read_up_to(ConvKey::group("r").unwrap(), ReadBound::Message("b2".into()))).unwrap();
    assert_eq!(info("r"), (1, 6, vec![]));
    // Clean up to 2, then up to 5: the newest message at or below 5 is the one read already.
    let c = ConvKey::group("c").unwrap();
    block_on(client.deliver(vec![msg("c", "c1", 100, 5, &[]), msg("c", "c2", 200, 2, &[])])).unwrap();
    block_on(client.read_up_to(c.clone(), ReadBound::Seq(2))).unwrap();
    block_on(client.read_up_to(c, ReadBound::Seq(5))).unwrap();
    assert_eq!(info("c").1, 5);
    block_on(client.deliver(vec![msg("c", "c3", 300, 4, &["me"])])).unwrap();
    assert_eq!(info("c"), (0, 5, vec![]), "sequence 4 was cleaned: it arrives read");
    let before = (info("d"), info("r"), info("c"));
    block_on(client.logout()).unwrap();
    block_on(client.login("me", "")).unwrap();
    assert_eq!((info("d"), info("r"), info("c")), before);
    assert!(block_on(client.doctor(false)).unwrap().mismatches.is_empty());
}

/// A report at or before the read mark changes nothing, not the read sequence either, even when
/// the message it names has a higher sequence than the one read (sequences out of order).
#[test]
fn a_report_before_the_mark_leaves_the_read_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let g = ConvKey::group("o").unwrap();
    let msg = |id: &str, time: u64, seq: u64| group_msg("o", id, time, seq);
    block_on(client.deliver(vec![msg("m1", 100, 9), msg("m2", 200, 3)])).unwrap();
    block_on(client.read_up_to(g.clone(), ReadBound::Message("m2".into()))).unwrap();
    block_on(client.read_up_to(g, ReadBound::Message("m1".into()))).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "o").conv_group_read_sequence, 3);
}

#[test]
fn a_message_arriving_after_a_read_up_to_a_time_in_that_second_counts() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let t = 1_700_000_000;
    let at = |id: &str, sender: &str, time: u64| {
        let mut msg = from(sender, ConvType::C2C, None, id, id);
        msg.message_server_time = Some(time);
        msg
    };
    let unread = |id: &str| conv(&block_on(client.conversation_list()).unwrap(), id).conv_unread_num;
    let bob = ConvKey::c2c("bob").unwrap();
    block_on(client.deliver(vec![at("a1", "bob", t - 1), at("a2", "bob", t)])).unwrap();
    block_on(client.read_up_to(bob.clone(), ReadBound::Time(t))).unwrap();
    assert_eq!(unread("bob"), 0, "both at or before the time are read");
    // Arriving after the read, in its very second: news, as after a whole-conversation read.
    block_on(client.deliver(vec![at("a3", "bob", t)])).unwrap();
    let carol = ConvKey::c2c("carol").unwrap();
    block_on(client.deliver(vec![at("b1", "carol", t)])).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(carol))).unwrap();
    block_on(client.deliver(vec![at("b2", "carol", t)])).unwrap();
    assert_eq!((unread("bob"), unread("carol")), (1, 1));
    // One arriving later with an earlier time stays read; reading to the time again reads a3.
    block_on(client.deliver(vec![at("a0", "bob", t - 5)])).unwrap();
    assert_eq!(unread("bob"), 1);
    block_on(client.read_up_to(bob.clone(), ReadBound::Time(t))).unwrap();
    assert_eq!(unread("bob"), 0);
    sdk.shutdown();
}

#[test]
fn a_receive_option_set_before_the_conversation_exists_holds_when_it_comes() {
    let dir = tempfile::tempdir().unwrap();
    let mut sdk = start(dir.path(), "me");
    let mut client = sdk.client();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    client.set_conv_event_handler(Some(Arc::new(move |e: ConvEvent, infos: &[ConvInfo]| {
        sink.lock().unwrap().push((e, infos.iter().map(|c| c.conv_id.clone()).collect::<Vec<_>>()));
    })));
    let (stranger, team, gone) =
        (ConvKey::c2c("stranger").unwrap(), ConvKey::group("team").unwrap(), ConvKey::c2c("gone").unwrap());
    // gone: deleted without its messages (hidden).
    block_on(client.deliver(vec![from("gone", ConvType::C2C, None, "hi", "g1")])).unwrap();
    block_on(client.delete_conversation_list(vec![gone.clone()], false)).unwrap();
    events.lock().unwrap().clear();

    block_on(client.set_receive_option(vec![stranger.clone(), gone.clone()], ReceiveMessageOpt::NotNotify))
        .unwrap();
    block_on(client.set_receive_option(vec![team.clone()], ReceiveMessageOpt::NotReceive)).unwrap();
    // (The hiding's own Del may be delivered after its call returned.)
    let seen: Vec<_> = events.lock().unwrap().iter().filter(|(e, _)| *e != ConvEvent::Del).cloned().collect();
    assert!(seen.is_empty(), "no conversation appears: {seen:?}");
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    // Kept across a login.
    sdk.shutdown();
    sdk = start(dir.path(), "me");
    client = sdk.client();

    let mut group_msg = from("erin", ConvType::Group, Some("team"), "standup", "t1");
    group_msg.message_seq = Some(1);
    let arriving = vec![
        from("stranger", ConvType::C2C, None, "hello", "s1"),
        from("gone", ConvType::C2C, None, "back", "g2"),
        group_msg,
    ];
    block_on(client.deliver(arriving)).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "stranger").conv_recv_opt, ReceiveMessageOpt::NotNotify);
    assert_eq!(conv(&list, "gone").conv_recv_opt, ReceiveMessageOpt::NotNotify);
    assert_eq!(conv(&list, "team").conv_recv_opt, ReceiveMessageOpt::NotReceive);
    assert_eq!(
        (
            conv(&list, "stranger").conv_unread_num,
            conv(&list, "gone").conv_unread_num,
            conv(&list, "team").conv_unread_num
        ),
        (1, 1, 1)
    );
    assert_eq!(block_on(client.total_unread()).unwrap(), 0, "all three are muted");
    // Receive for one without a record keeps nothing.
    block_on(client.set_receive_option(vec![ConvKey::c2c("other").unwrap()], ReceiveMessageOpt::Receive))
        .unwrap();
    block_on(client.deliver(vec![from("other", ConvType::C2C, None, "x", "o1")])).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 1);
    let doctor = block_on(client.doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty(), "{doctor:?}");
    sdk.shutdown();
}

#[test]
fn a_read_up_to_time_zero_reads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let dave = ConvKey::c2c("dave").unwrap();
    block_on(client.create_conversation(dave.clone())).unwrap();
    // Before any message (the mark would have been the position that stands for none).
    block_on(client.read_up_to(dave.clone(), ReadBound::Time(0))).unwrap();
    block_on(client.deliver(vec![from("dave", ConvType::C2C, None, "hi", "d1")])).unwrap();
    block_on(client.read_up_to(dave, ReadBound::Time(0))).unwrap();
    assert_eq!(conv(&block_on(client.conversation_list()).unwrap(), "dave").conv_unread_num, 1);
    sdk.shutdown();
}

#[test]
fn a_message_arriving_without_a_time_after_a_future_one_was_read_counts() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let bob = ConvKey::c2c("bob").unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut ahead = from("bob", ConvType::C2C, None, "from a clock an hour ahead", "f1");
    ahead.message_server_time = Some(now + 3600);
    block_on(client.deliver(vec![ahead])).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(bob))).unwrap();
    // Arriving now without a time: the newest of the conversation, after the read mark.
    let stored = block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "now", "f2")])).unwrap();
    assert_eq!(stored[0].message_server_time, Some(now + 3600));
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "bob").conv_unread_num, 1);
    assert_eq!(body(&conv(&list, "bob").conv_last_msg.as_ref().unwrap().message()), "now");
    sdk.shutdown();
}

#[test]
fn an_element_that_would_not_read_back_is_refused_and_stores_nothing() {
    use tim_types::model::{CustomElem, LocationElem, TextElem};
    use tim_types::{Draft, ElemType};
    let draft_of =
        |msg: Message| Draft { draft_msg: msg, draft_user_define: String::new(), draft_edit_time: 0 };
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let bob = ConvKey::c2c("bob").unwrap();
    let mut custom = CustomElem::default();
    custom.extra.insert("custom_elem_data".into(), serde_json::json!(42));
    let mut text = TextElem { text_elem_content: "hi".into(), ..Default::default() };
    text.extra.insert("text_elem_content".into(), serde_json::json!(5));
    let location = LocationElem { location_elem_latitude: Some(f64::INFINITY), ..Default::default() };
    let unreadable = [
        Elem::Custom(custom),
        Elem::Text(text),
        Elem::Other { elem_type: ElemType::Text, fields: Default::default() },
        Elem::Other { elem_type: ElemType::Invalid, fields: Default::default() },
        Elem::Location(location),
    ];
    for elem in unreadable {
        let draft = draft_of(Message::from_elems(vec![elem.clone()]));
        let refused = client.set_draft_blocking(bob.clone(), draft);
        assert!(refused.is_err(), "draft with {elem:?}");
        let saved = block_on(client.save_message(bob.clone(), Message::from_elems(vec![elem.clone()])));
        assert!(saved.is_err(), "message with {elem:?}");
    }
    assert!(block_on(client.conversation_list()).unwrap().is_empty(), "nothing stored");
    // An unmodelled type with its own keys, and extra keys a model does not name, are fine.
    let mut tip = serde_json::Map::new();
    tip.insert("group_tips_elem_tip_type".into(), serde_json::json!(1));
    let mut kept = TextElem { text_elem_content: "hi".into(), ..Default::default() };
    kept.extra.insert("app_key".into(), serde_json::json!({"a": 1}));
    let draft = draft_of(Message::from_elems(vec![
        Elem::Other { elem_type: ElemType::GroupTips, fields: tip },
        Elem::Text(kept),
    ]));
    client.set_draft_blocking(bob.clone(), draft.clone()).unwrap();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let list = block_on(sdk.client().conversation_list()).unwrap();
    assert_eq!(conv(&list, "bob").conv_draft.as_ref().unwrap().draft_msg, draft.draft_msg);
    sdk.shutdown();
}

/// TIM 5.x messages had no ID: its code names a message by server time with its sequence and/or
/// random number. Deleting and reading up to a message so named reach that very message, also
/// among others of the same second, and one named wrongly changes nothing.
#[test]
fn a_message_named_by_time_seq_and_rand_is_deleted_and_read_up_to() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::group("g").unwrap();
    let mut same_second = (1..=4).map(|seq| group_msg("g", &format!("m{seq}"), 100, seq)).collect::<Vec<_>>();
    for (msg, rand) in same_second.iter_mut().zip([7, 8, 7, 9]) {
        msg.message_rand = Some(rand);
    }
    block_on(client.deliver(same_second)).unwrap();
    let located = |seq, rand| MessageLocator { time: 100, seq, rand };
    let unread =
        |client: &tim_core::Client| conv(&block_on(client.conversation_list()).unwrap(), "g").conv_unread_num;
    let history = |client: &tim_core::Client| {
        let page = block_on(client.message_list(key.clone(), HistoryQuery::default())).unwrap();
        page.iter().map(body).collect::<Vec<_>>()
    };
    assert_eq!(unread(&client), 4);

    // Named wrongly (no such sequence; a random number of another sequence; another second;
    // another conversation): refused, nothing changes.
    for wrong in [
        located(Some(5), None),
        located(Some(3), Some(8)),
        MessageLocator { time: 101, seq: Some(1), rand: None },
    ] {
        let err = block_on(client.delete_message(key.clone(), wrong)).unwrap_err();
        assert_eq!(err.code(), ErrCode::InvalidParameters.value(), "{wrong:?}: {err:?}");
        let err = block_on(client.read_up_to(key.clone(), ReadBound::Message(wrong.into()))).unwrap_err();
        assert_eq!(err.code(), ErrCode::InvalidParameters.value(), "{wrong:?}: {err:?}");
    }
    block_on(client.deliver(vec![group_msg("other", "o1", 100, 3)])).unwrap();
    let elsewhere = block_on(client.delete_message(ConvKey::group("other").unwrap(), located(Some(2), None)));
    assert_eq!(elsewhere.unwrap_err().code(), ErrCode::InvalidParameters.value());
    assert_eq!(history(&client), ["m4", "m3", "m2", "m1"]);
    assert_eq!(unread(&client), 4);

    // By random number alone the first of that second with it (m1 of m1, m3); with the sequence, m3.
    block_on(client.delete_message(key.clone(), located(Some(3), Some(7)))).unwrap();
    assert_eq!(history(&client), ["m4", "m2", "m1"]);
    assert_eq!(unread(&client), 3, "the unread count follows the delete");
    block_on(client.read_up_to(key.clone(), ReadBound::Message(located(None, Some(8)).into()))).unwrap();
    assert_eq!(unread(&client), 1, "m1 and m2 read, m4 not");
    block_on(client.delete_message(key.clone(), located(None, Some(7)))).unwrap();
    assert_eq!(history(&client), ["m4", "m2"]);
    assert_eq!(block_on(client.doctor(false)).unwrap().mismatches, Vec::<String>::new());
    sdk.shutdown();
}

/// Reading a group up to a sequence marks read up to the newest message whose sequence is at or
/// below it, whatever the order sequences arrived in (late ones, shared ones, same-second
/// times): checked against a model for every bound, low ones (read from the sequence rows
/// below) and high ones (from the rows above).
#[test]
fn reading_a_group_up_to_a_sequence_reads_up_to_the_newest_message_at_or_below_it() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let key = ConvKey::group("seqs").unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    // (time, arrival, seq): positions order by time, then arrival.
    let mut model = Vec::new();
    for arrival in 0..80u64 {
        let seq = if arrival % 9 == 4 { next(arrival) + 1 } else { arrival + 1 + next(5) };
        let time = 1_000 + next(40);
        model.push((time, arrival, seq));
    }
    // Two newest messages sharing the highest sequence: the older one is listed apart.
    let highest = model.iter().map(|m| m.2).max().unwrap() + 1;
    model.extend([(2_000, 80, highest), (2_001, 81, highest)]);
    let messages = model
        .iter()
        .map(|&(time, arrival, seq)| group_msg("seqs", &format!("q{arrival}"), time, seq))
        .collect::<Vec<_>>();
    for chunk in messages.chunks(7) {
        block_on(client.deliver(chunk.to_vec())).unwrap();
    }
    let unread = || conv(&block_on(client.conversation_list()).unwrap(), "seqs").conv_unread_num;
    assert_eq!(unread(), 82);
    let largest = model.iter().map(|m| m.2).max().unwrap();
    let mut mark = None;
    for bound in 0..=largest + 1 {
        block_on(client.read_up_to(key.clone(), ReadBound::Seq(bound))).unwrap();
        let newest_at_or_below = model.iter().filter(|m| m.2 <= bound).map(|m| (m.0, m.1)).max();
        mark = mark.max(newest_at_or_below);
        let expected = model.iter().filter(|m| Some((m.0, m.1)) > mark).count() as u64;
        assert_eq!(unread(), expected, "after reading up to sequence {bound}");
    }
    assert_eq!(unread(), 0);
    sdk.shutdown();
}

#[test]
fn a_c2c_conversation_shows_the_peer_as_their_newest_message_does_remark_first() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let with_profile = |sender: &str, id: &str, time: u64, profile: serde_json::Value| {
        let mut msg = from(sender, ConvType::C2C, None, "hi", id);
        msg.message_server_time = Some(time);
        msg.message_sender_profile = profile.as_object().cloned();
        msg
    };
    let shown = |id: &str| {
        let info = &block_on(client.conversation_info(vec![ConvKey::c2c(id).unwrap()])).unwrap()[0];
        (info.conv_show_name.clone(), info.conv_face_url.clone())
    };
    block_on(client.deliver(vec![
        with_profile(
            "bob",
            "b1",
            1_700_000_001,
            serde_json::json!({"user_profile_nick_name": "Bobby", "user_profile_friend_remark": "My Bob"}),
        ),
        with_profile(
            "carol",
            "c1",
            1_700_000_002,
            serde_json::json!({"user_profile_friend_remark": "Aunt C"}),
        ),
        with_profile(
            "dave",
            "d-new",
            1_700_000_100,
            serde_json::json!({"user_profile_nick_name": "Dave 2023", "user_profile_face_url": "new.png"}),
        ),
    ]))
    .unwrap();
    assert_eq!(shown("bob").0, "My Bob", "the friend remark comes before the nickname");
    assert_eq!(shown("carol").0, "Aunt C");
    // History imported later, older than what the conversation holds: the peer's old name and
    // picture stay in that history.
    let old = with_profile(
        "dave",
        "d-old",
        1_400_000_000,
        serde_json::json!({"user_profile_nick_name": "Dave 2014", "user_profile_face_url": "old.png"}),
    );
    assert_eq!(block_on(client.import_messages(ConvKey::c2c("dave").unwrap(), vec![old])).unwrap(), 1);
    assert_eq!(shown("dave"), ("Dave 2023".to_owned(), Some("new.png".to_owned())));
    // A newer message renames them.
    block_on(client.deliver(vec![with_profile(
        "dave",
        "d-newer",
        1_700_000_200,
        serde_json::json!({"user_profile_nick_name": "Dave 2024"}),
    )]))
    .unwrap();
    assert_eq!(shown("dave"), ("Dave 2024".to_owned(), Some("new.png".to_owned())));
    drop(sdk);
    let sdk = start(dir.path(), "me");
    let info = block_on(sdk.client().conversation_info(vec![ConvKey::c2c("bob").unwrap()])).unwrap();
    assert_eq!(info[0].conv_show_name, "My Bob", "kept across a restart");
}

#[test]
fn deleting_a_muted_conversation_does_not_unmute_the_peer() {
    let dir = tempfile::tempdir().unwrap();
    let mut sdk = start(dir.path(), "me");
    let mut client = sdk.client();
    let (bob, team) = (ConvKey::c2c("bob").unwrap(), ConvKey::group("team").unwrap());
    let group_msg = |id: &str, seq: u64| {
        let mut msg = from("erin", ConvType::Group, Some("team"), "standup", id);
        msg.message_seq = Some(seq);
        msg
    };
    block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "hi", "b1"), group_msg("t1", 1)])).unwrap();
    block_on(client.set_receive_option(vec![bob.clone()], ReceiveMessageOpt::NotNotify)).unwrap();
    block_on(client.set_receive_option(vec![team.clone()], ReceiveMessageOpt::NotReceive)).unwrap();
    block_on(client.delete_conversation(bob.clone())).unwrap();
    block_on(client.delete_conversation_list(vec![team.clone()], true)).unwrap();
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    // Deleted already: missing, muted or not, and the option stays.
    let again = block_on(client.delete_conversation_list(vec![bob.clone(), team.clone()], true)).unwrap();
    assert!(again.iter().all(|(_, r)| r.as_ref().is_err_and(|e| e.code == 6004)), "{again:?}");
    assert!(block_on(client.delete_conversation(bob.clone())).is_err());
    assert_eq!(
        block_on(client.message_list(bob.clone(), HistoryQuery::default()))
            .map(|l| l.len())
            .map_err(|e| e.code()),
        Err(ErrCode::InvalidConversation.value()),
        "the messages went with the conversation"
    );
    sdk.shutdown();
    sdk = start(dir.path(), "me");
    client = sdk.client();
    block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "again", "b2"), group_msg("t2", 2)]))
        .unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "bob").conv_recv_opt, ReceiveMessageOpt::NotNotify);
    assert_eq!(conv(&list, "team").conv_recv_opt, ReceiveMessageOpt::NotReceive);
    assert_eq!(
        block_on(client.message_list(bob, HistoryQuery::default())).unwrap().len(),
        1,
        "only the new one"
    );
    assert_eq!(block_on(client.total_unread()).unwrap(), 0, "both still muted");
    let doctor = block_on(client.doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty(), "{doctor:?}");
    sdk.shutdown();
}

/// Unmuting a user or group with no conversation (never one, or one deleted while muted)
/// leaves nothing stored: the record kept for the option goes with it, instead of one record
/// per unmute for good, each read at every login.
#[test]
fn unmuting_a_user_with_no_conversation_leaves_no_record() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for n in 0..20 {
        let key = ConvKey::c2c(format!("stranger{n}")).unwrap();
        block_on(client.set_receive_option(vec![key.clone()], ReceiveMessageOpt::NotReceive)).unwrap();
        block_on(client.set_receive_option(vec![key], ReceiveMessageOpt::Receive)).unwrap();
    }
    let (bob, kept) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("still-muted").unwrap());
    block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "hi", "b1")])).unwrap();
    block_on(client.set_receive_option(vec![bob.clone(), kept], ReceiveMessageOpt::NotNotify)).unwrap();
    block_on(client.delete_conversation(bob.clone())).unwrap();
    block_on(client.set_receive_option(vec![bob.clone()], ReceiveMessageOpt::Receive)).unwrap();
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    sdk.shutdown();
    let (records, _) =
        tim_core::store::Store::open_file(dir.path(), "me").unwrap().conversation_record_bytes().unwrap();
    assert_eq!(records, 1, "only the record of the user still muted is stored");
    // And a message from bob now arrives as from anyone not muted.
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(vec![from("bob", ConvType::C2C, None, "again", "b2")])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(conv(&list, "bob").conv_recv_opt, ReceiveMessageOpt::Receive);
    assert_eq!(block_on(client.total_unread()).unwrap(), 1);
    sdk.shutdown();
}

#[test]
fn a_receive_option_is_refused_for_an_id_no_c_string_could_name_as_the_c_call_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let nul = ConvKey::existing(ConvType::C2C, "a\0b").unwrap();
    let refused = block_on(client.set_receive_option(vec![nul.clone()], ReceiveMessageOpt::NotNotify));
    assert_eq!(refused.map_err(|e| e.code()), Err(tim_types::TimResult::Param.value()));
    assert!(client.set_receive_option_with(vec![nul], ReceiveMessageOpt::NotNotify, |_| {}).is_err());
    let doctor = block_on(client.doctor(false)).unwrap();
    assert_eq!(doctor.conversations, 0, "no record was made: {doctor:?}");
}

#[test]
fn a_peer_is_named_whichever_order_their_messages_and_the_users_came_in() {
    let named = |own_first: bool| {
        let dir = tempfile::tempdir().unwrap();
        let sdk = start(dir.path(), "me");
        let client = sdk.client();
        // The user's message stamped ahead (a clock ahead), the peer's reply behind it.
        let mut own = from("me", ConvType::C2C, Some("bob"), "hi", "m1");
        own.message_server_time = Some(2000);
        let mut reply = from("bob", ConvType::C2C, None, "hello", "b1");
        reply.message_server_time = Some(1990);
        reply.message_sender_profile =
            serde_json::json!({"user_profile_nick_name": "Bobby"}).as_object().cloned();
        let order = if own_first { [own, reply] } else { [reply, own] };
        for msg in order {
            block_on(client.deliver(vec![msg])).unwrap();
        }
        let info = block_on(client.conversation_info(vec![ConvKey::c2c("bob").unwrap()])).unwrap();
        info[0].conv_show_name.clone()
    };
    assert_eq!(named(false), "Bobby");
    assert_eq!(named(true), "Bobby", "an older message names the peer while no name is known");
}

/// A saved or imported message whose `message_sender` is `""` (an app filling every field) is
/// the user's, as one without it: an ID is never stored empty.
#[test]
fn an_empty_sender_of_a_saved_or_imported_message_is_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let peer = ConvKey::c2c("peer").unwrap();
    let with_empty_sender = |t: &str, id: &str| {
        let mut msg = text(t);
        msg.message_sender = Some(String::new());
        msg.message_msg_id = Some(id.into());
        msg
    };
    block_on(client.import_messages(peer.clone(), vec![with_empty_sender("imported", "imp-1")])).unwrap();
    let saved = block_on(client.save_message(peer.clone(), with_empty_sender("saved", "save-1"))).unwrap();
    assert_eq!(saved.message_sender.as_deref(), Some("me"));
    let history =
        block_on(client.message_list(peer, HistoryQuery { count: 10, ..Default::default() })).unwrap();
    assert_eq!(history.len(), 2);
    for msg in &history {
        assert_eq!(msg.message_sender.as_deref(), Some("me"), "{}", body(msg));
        assert_eq!(msg.message_is_from_self, Some(true), "{}", body(msg));
    }
    sdk.shutdown();
}

/// A message arriving without a time after the messages that set the read mark were deleted
/// or cleared counts, though the mark is later than this device's clock (the server's clock
/// ahead, or this one gone back): it arrives now, after whatever was read. It was stamped with
/// this clock, fell before the mark and arrived read, never counted.
#[test]
fn a_message_arriving_without_a_time_after_the_read_ones_went_counts() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let an_hour_ahead =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600;
    let (bob, carol) = (ConvKey::c2c("bob").unwrap(), ConvKey::c2c("carol").unwrap());
    let ahead = |sender: &str, id: &str| {
        let mut msg = from(sender, ConvType::C2C, None, id, id);
        msg.message_server_time = Some(an_hour_ahead);
        msg
    };
    block_on(client.deliver(vec![ahead("bob", "b-ahead"), ahead("carol", "c-ahead")])).unwrap();
    block_on(client.mark_read(ReadScope::All(None))).unwrap();
    block_on(client.clear_history(bob)).unwrap();
    block_on(client.delete_message(carol, "c-ahead")).unwrap();
    let arrived = block_on(client.deliver(vec![
        from("bob", ConvType::C2C, None, "b-now", "b-now"),
        from("carol", ConvType::C2C, None, "c-now", "c-now"),
    ]))
    .unwrap();
    assert!(arrived.iter().all(|m| m.message_is_read == Some(false)), "{arrived:?}");
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!((conv(&list, "bob").conv_unread_num, conv(&list, "carol").conv_unread_num), (1, 1));
    assert_eq!(block_on(client.total_unread()).unwrap(), 2);
    let doctor = block_on(client.doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty(), "{doctor:?}");
    sdk.shutdown();
}
