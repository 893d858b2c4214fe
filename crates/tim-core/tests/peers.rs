//! The bugs users of other IM SDKs report (OpenIM, matrix-rust-sdk, libxmtp, Stream, Sendbird,
//! Tencent's own: each test names the issue), each tried against this engine with the timing
//! that triggered it there: drifting unread counts, event storms, paging that skips or repeats,
//! lost drafts, stale last messages, pins.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use tim_core::{
    ConvFilter, ConvKey, HistoryQuery, LoopbackHub, ReadBound, ReadScope, Sdk, SdkConfig, Transport, block_on,
};
use tim_types::{ConvEvent, ConvInfo, ConvType, Draft, Elem, Message, ReceiveMessageOpt};

fn text(t: &str) -> Message {
    Message::from_elems(vec![Elem::text(t)])
}

/// A C2C message from `peer` with ID `id`, its text being the ID, at `time` (0 = none).
fn c2c(peer: &str, id: &str, time: u64) -> Message {
    let mut m = text(id);
    m.message_sender = Some(peer.into());
    m.message_conv_type = Some(ConvType::C2C);
    m.message_msg_id = Some(id.into());
    if time > 0 {
        m.message_server_time = Some(time);
    }
    m
}

fn body(m: &Message) -> String {
    match &m.message_elem_array[0] {
        Elem::Text(t) => t.text_elem_content.clone(),
        other => format!("{other:?}"),
    }
}

fn draft(t: &str) -> Draft {
    Draft { draft_msg: text(t), draft_user_define: String::new(), draft_edit_time: 1_700_000_000 }
}

fn start(dir: &std::path::Path, user: &str) -> Sdk {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    block_on(sdk.client().login(user, "")).unwrap();
    sdk
}

fn ids(list: &[ConvInfo]) -> Vec<String> {
    list.iter().map(|c| c.conv_id.clone()).collect()
}

fn find<'a>(list: &'a [ConvInfo], id: &str) -> &'a ConvInfo {
    list.iter().find(|c| c.conv_id == id).unwrap_or_else(|| panic!("{id} not listed in {:?}", ids(list)))
}

fn last_body(c: &ConvInfo) -> Option<String> {
    c.conv_last_msg.as_ref().map(|m| body(&m.message()))
}

fn k(id: &str) -> ConvKey {
    ConvKey::c2c(id).unwrap()
}

type Seen = Arc<Mutex<Vec<(ConvEvent, Vec<ConvInfo>)>>>;

/// Each conversation's draft calls in call order: (sequence, answer).
type DraftAnswers = BTreeMap<String, Vec<(u64, Result<(), tim_core::CallError>)>>;

fn record_events(client: &tim_core::Client) -> Seen {
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    client.set_conv_event_handler(Some(Arc::new(move |e, infos| {
        sink.lock().unwrap().push((e, infos.to_vec()))
    })));
    seen
}

fn record_totals(client: &tim_core::Client) -> Arc<Mutex<Vec<u64>>> {
    let totals: Arc<Mutex<Vec<u64>>> = Arc::default();
    let sink = totals.clone();
    client.set_total_unread_handler(Some(Arc::new(move |t| sink.lock().unwrap().push(t))));
    totals
}

/// Waits until the callbacks queued so far have run (a read is answered after them).
fn settle(client: &tim_core::Client) {
    let (tx, rx) = std::sync::mpsc::channel();
    client.total_unread_with(move |_| tx.send(()).unwrap()).unwrap();
    rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap();
}

fn check_consistent(client: &tim_core::Client) {
    let list = block_on(client.conversation_list()).unwrap();
    let sum: u64 = list
        .iter()
        .filter(|c| c.conv_recv_opt == ReceiveMessageOpt::Receive)
        .map(|c| c.conv_unread_num)
        .sum();
    assert_eq!(block_on(client.total_unread()).unwrap(), sum, "total = sum of the listed unread counts");
    assert_eq!(block_on(client.doctor(false)).unwrap().mismatches, Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Unread drift

/// open-im-server #2807 (own messages counted after reconnect), OpenIM #327 / android #62
/// (history replayed at each login): the same batch, own messages from another device included,
/// delivered again after a restart counts nothing, raises nothing.
#[test]
fn a_replayed_batch_after_a_restart_counts_nothing_and_raises_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut own = c2c("me", "own1", 1_700_000_010);
    own.message_conv_id = Some("bob".into());
    let batch = vec![c2c("bob", "b1", 1_700_000_000), c2c("bob", "b2", 1_700_000_005), own.clone()];
    {
        let sdk = start(dir.path(), "me");
        let stored = block_on(sdk.client().deliver(batch.clone())).unwrap();
        assert_eq!(stored.len(), 3);
        let list = block_on(sdk.client().conversation_list()).unwrap();
        assert_eq!(find(&list, "bob").conv_unread_num, 2, "own message not counted");
        sdk.shutdown();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    let seen = record_events(&client);
    let totals = record_totals(&client);
    let news = Arc::new(Mutex::new(0usize));
    let sink = news.clone();
    client.set_new_message_handler(Some(Arc::new(move |m| *sink.lock().unwrap() += m.len())));
    block_on(client.login("me", "")).unwrap();
    // Replay, then the own message alone, then in reverse order.
    assert!(block_on(client.deliver(batch.clone())).unwrap().is_empty());
    assert!(block_on(client.deliver(vec![own])).unwrap().is_empty());
    let mut rev = batch.clone();
    rev.reverse();
    assert!(block_on(client.deliver(rev)).unwrap().is_empty());
    settle(&client);
    let events: Vec<ConvEvent> = seen.lock().unwrap().iter().map(|(e, _)| *e).collect();
    assert_eq!(events, vec![ConvEvent::Start, ConvEvent::Finish], "login and replays raise nothing else");
    assert!(totals.lock().unwrap().is_empty(), "no total reported at login or for replays");
    assert_eq!(*news.lock().unwrap(), 0);
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(find(&list, "bob").conv_unread_num, 2);
    assert_eq!(last_body(find(&list, "bob")).as_deref(), Some("own1"));
    check_consistent(&client);
    sdk.shutdown();
}

/// open-im-server #3068: the sender's total dropped when the peer read. Through the loopback,
/// bob reading alice's messages changes nothing on alice's side; alice's own messages never count.
#[test]
fn the_peer_reading_does_not_change_the_senders_counts() {
    let dir = tempfile::tempdir().unwrap();
    let hub = LoopbackHub::new();
    let alice =
        Sdk::start(SdkConfig::new(dir.path()).with_transport(Transport::Loopback(hub.clone()))).unwrap();
    let bob = Sdk::start(SdkConfig::new(dir.path()).with_transport(Transport::Loopback(hub))).unwrap();
    let (a, b) = (alice.client(), bob.client());
    block_on(a.login("alice", "")).unwrap();
    block_on(b.login("bob", "")).unwrap();
    // bob writes first, so alice has something unread.
    block_on(b.send_message(k("alice"), text("hello alice"))).unwrap();
    for _ in 0..200 {
        if block_on(a.total_unread()).unwrap() == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(block_on(a.total_unread()).unwrap(), 1);
    let a_totals = record_totals(&a);
    for i in 0..3 {
        block_on(a.send_message(k("bob"), text(&format!("to bob {i}")))).unwrap();
    }
    for _ in 0..200 {
        if block_on(b.total_unread()).unwrap() == 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(block_on(b.total_unread()).unwrap(), 3);
    block_on(b.mark_read(ReadScope::Conversation(k("alice")))).unwrap();
    block_on(b.mark_read(ReadScope::All(None))).unwrap();
    assert_eq!(block_on(b.total_unread()).unwrap(), 0);
    std::thread::sleep(std::time::Duration::from_millis(50));
    settle(&a);
    assert_eq!(block_on(a.total_unread()).unwrap(), 1, "alice's total is hers: bob's read changes nothing");
    assert!(a_totals.lock().unwrap().is_empty(), "nothing reported to alice: {:?}", a_totals.lock().unwrap());
    check_consistent(&a);
    check_consistent(&b);
    alice.shutdown();
    bob.shutdown();
}

/// TIMSDK #1404 (total = 1 after a clean), OpenIM #556 (cannot clear): a clean of everything
/// with muted, hidden, group and C2C conversations, messages arriving between the cleans, a
/// type-scoped clean; the reported totals always equal what a read returns, and 0 at the end.
#[test]
fn cleaning_everything_leaves_zero_whatever_the_mix() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let totals = record_totals(&client);
    let mut batch = Vec::new();
    for (i, peer) in ["p1", "p2", "muted", "hid"].iter().enumerate() {
        for j in 0..3 {
            batch.push(c2c(peer, &format!("{peer}-{j}"), 1_700_000_000 + (i * 10 + j) as u64));
        }
    }
    for j in 0..4 {
        let mut m = c2c("carol", &format!("g-{j}"), 1_700_000_100 + j);
        m.message_conv_type = Some(ConvType::Group);
        m.message_conv_id = Some("grp".into());
        m.message_group_at_user_array = Some(vec!["me".into()]);
        batch.push(m);
    }
    block_on(client.deliver(batch)).unwrap();
    block_on(client.set_receive_option(vec![k("muted")], ReceiveMessageOpt::NotNotify)).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 3 + 3 + 3 + 4);
    // Hide one: it is read and out of the total.
    block_on(client.delete_conversation_list(vec![k("hid")], false)).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 10);
    block_on(client.mark_read(ReadScope::All(Some(ConvType::C2C)))).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 4, "only the group is left");
    // A message arrives, then the clean of everything.
    block_on(client.deliver(vec![c2c("p1", "late", 1_700_000_500)])).unwrap();
    block_on(client.mark_read(ReadScope::All(None))).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);
    let list = block_on(client.conversation_list()).unwrap();
    for c in &list {
        assert_eq!(c.conv_unread_num, 0, "{} still unread", c.conv_id);
        assert!(c.conv_group_at_info_array.is_empty(), "{} still has @", c.conv_id);
    }
    // Unmuting after the clean brings nothing back.
    block_on(client.set_receive_option(vec![k("muted")], ReceiveMessageOpt::Receive)).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);
    // The hidden one comes back with only its new message unread.
    block_on(client.deliver(vec![c2c("hid", "hid-new", 1_700_001_000)])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(find(&list, "hid").conv_unread_num, 1);
    assert_eq!(block_on(client.total_unread()).unwrap(), 1);
    settle(&client);
    assert_eq!(totals.lock().unwrap().last().copied(), Some(1));
    check_consistent(&client);
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    assert_eq!(block_on(sdk.client().total_unread()).unwrap(), 1);
    check_consistent(&sdk.client());
    sdk.shutdown();
}

/// Deleting unread messages (the newest among them), then clearing the history: the unread
/// count follows and the last message is never stale (OpenIM #195/#326; "stale last message").
#[test]
fn deleting_unread_messages_updates_unread_and_the_last_message() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let totals = record_totals(&client);
    block_on(client.deliver(vec![
        c2c("bob", "m1", 1_700_000_001),
        c2c("bob", "m2", 1_700_000_002),
        c2c("bob", "m3", 1_700_000_003),
    ]))
    .unwrap();
    block_on(client.delete_message(k("bob"), "m3".to_string())).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(find(&list, "bob").conv_unread_num, 2);
    assert_eq!(last_body(find(&list, "bob")).as_deref(), Some("m2"));
    block_on(client.read_up_to(k("bob"), ReadBound::Message("m1".to_string().into()))).unwrap();
    block_on(client.delete_message(k("bob"), "m1".to_string())).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(find(&list, "bob").conv_unread_num, 1, "m2 is still unread");
    assert_eq!(last_body(find(&list, "bob")).as_deref(), Some("m2"));
    block_on(client.delete_message(k("bob"), "m2".to_string())).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(find(&list, "bob").conv_unread_num, 0);
    assert!(!find(&list, "bob").conv_is_has_lastmsg);
    assert_eq!(last_body(find(&list, "bob")), None);
    // A new message after everything was deleted counts; the clear takes it.
    block_on(client.deliver(vec![c2c("bob", "m4", 1_700_000_010)])).unwrap();
    assert_eq!(block_on(client.total_unread()).unwrap(), 1);
    block_on(client.clear_history(k("bob"))).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(find(&list, "bob").conv_unread_num, 0);
    assert_eq!(last_body(find(&list, "bob")), None);
    settle(&client);
    assert_eq!(*totals.lock().unwrap(), vec![3, 2, 1, 0, 1, 0]);
    check_consistent(&client);
    sdk.shutdown();
}

/// Stale/unordered last message: messages arriving out of order and with equal server times;
/// the last message is the newest by (time, arrival) and an older one does not move the
/// conversation; a restart gives back the same.
#[test]
fn out_of_order_and_equal_time_arrivals_keep_the_newest_last_message() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(vec![c2c("bob", "new", 1_700_000_100)])).unwrap();
    block_on(client.deliver(vec![c2c("carol", "c1", 1_700_000_050)])).unwrap();
    // carol is on top (arrived later), bob's old message does not move bob.
    block_on(client.deliver(vec![c2c("bob", "old", 1_700_000_010)])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(ids(&list), ["carol", "bob"]);
    assert_eq!(last_body(find(&list, "bob")).as_deref(), Some("new"));
    assert_eq!(find(&list, "bob").conv_unread_num, 2);
    // Equal time: the later arrival is the newest and moves bob up.
    block_on(client.deliver(vec![c2c("bob", "same", 1_700_000_100)])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(ids(&list), ["bob", "carol"]);
    assert_eq!(last_body(find(&list, "bob")).as_deref(), Some("same"));
    // Deleting the newest gives back the one of the same second, not the old one.
    block_on(client.delete_message(k("bob"), "same".to_string())).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(last_body(find(&list, "bob")).as_deref(), Some("new"));
    let before = list.clone();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let after = block_on(sdk.client().conversation_list()).unwrap();
    assert_eq!(before, after, "a restart gives back the same list");
    check_consistent(&sdk.client());
    sdk.shutdown();
}

/// A hidden conversation brought back by older history (import/save): the last message is the
/// newest kept message, not the older one that brought it back.
#[test]
fn a_hidden_conversation_brought_back_by_older_history_shows_its_newest_message() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(vec![c2c("bob", "n1", 1_700_000_100), c2c("bob", "n2", 1_700_000_200)])).unwrap();
    block_on(client.delete_conversation_list(vec![k("bob")], false)).unwrap();
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    let mut older = c2c("bob", "o1", 1_700_000_001);
    older.message_conv_id = Some("bob".into());
    block_on(client.import_messages(k("bob"), vec![older])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    let bob = find(&list, "bob");
    assert_eq!(last_body(bob).as_deref(), Some("n2"));
    assert_eq!(bob.conv_unread_num, 0);
    let hist =
        block_on(client.message_list(k("bob"), HistoryQuery { count: 10, ..Default::default() })).unwrap();
    assert_eq!(hist.iter().map(body).collect::<Vec<_>>(), ["n2", "n1", "o1"]);
    check_consistent(&client);
    sdk.shutdown();
}

/// Many threads delivering (with overlapping duplicate IDs), reading and hiding at once: no
/// drift between the per-conversation counts, the total, the reported totals and the stored
/// messages, before and after a restart (OpenIM #195/#269, matrix #6211).
#[test]
fn concurrent_deliveries_reads_and_hides_never_drift() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let totals = record_totals(&client);
    let mut threads = Vec::new();
    for t in 0..4u64 {
        let client = client.clone();
        threads.push(std::thread::spawn(move || {
            let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ (t + 1);
            for i in 0..60u64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let peer = format!("p{}", x % 6);
                match x % 7 {
                    0 => {
                        block_on(client.mark_read(ReadScope::Conversation(k(&peer)))).ok();
                    }
                    1 => {
                        block_on(client.delete_conversation_list(vec![k(&peer)], false)).unwrap();
                    }
                    2 => {
                        block_on(client.mark_read(ReadScope::All(None))).unwrap();
                    }
                    _ => {
                        // IDs shared between threads: (i / 2) so pairs of threads collide.
                        let id = format!("{peer}-{}-{}", t / 2, i);
                        let m = c2c(&peer, &id, 1_700_000_000 + (x % 50));
                        block_on(client.deliver(vec![m.clone(), m])).unwrap();
                    }
                }
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    settle(&client);
    let total = block_on(client.total_unread()).unwrap();
    assert_eq!(totals.lock().unwrap().last().copied().unwrap_or(0), total, "last reported = read");
    check_consistent(&client);
    let before = block_on(client.conversation_list()).unwrap();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    assert_eq!(block_on(sdk.client().conversation_list()).unwrap(), before);
    assert_eq!(block_on(sdk.client().total_unread()).unwrap(), total);
    check_consistent(&sdk.client());
    sdk.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Event storms and conflicting events

/// openim-electron-demo #82 (several Changed callbacks with conflicting values), TIMSDK #135:
/// threads writing drafts, messages, reads and pins on the same conversations; an app applying
/// the events in the order received ends with the engine's list, and no Update carries a value
/// older than one delivered before it for the same conversation (active time never goes back
/// for unpinned ones, since order keys only grow).
#[test]
fn events_from_concurrent_writers_apply_to_the_final_list() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let seen = record_events(&client);
    let mut threads = Vec::new();
    for t in 0..4u64 {
        let client = client.clone();
        threads.push(std::thread::spawn(move || {
            for i in 0..40u64 {
                let peer = format!("q{}", (i + t) % 5);
                match (i + t) % 5 {
                    0 => client.set_draft_blocking(k(&peer), draft(&format!("d{t}-{i}"))).unwrap(),
                    1 => {
                        block_on(client.deliver(vec![c2c(&peer, &format!("{t}-{i}"), 1_700_000_000 + i)]))
                            .unwrap();
                    }
                    2 => {
                        block_on(client.mark_read(ReadScope::Conversation(k(&peer)))).ok();
                    }
                    3 => {
                        block_on(client.pin_conversation(k(&peer), i % 2 == 0)).ok();
                    }
                    _ => {
                        block_on(client.send_message(k(&peer), text(&format!("s{t}-{i}")))).unwrap();
                    }
                }
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    settle(&client);
    let mut list: BTreeMap<String, ConvInfo> = BTreeMap::new();
    for (event, infos) in seen.lock().unwrap().iter() {
        for info in infos {
            match event {
                ConvEvent::Add => {
                    assert!(list.insert(info.conv_id.clone(), info.clone()).is_none(), "Add of a listed one")
                }
                ConvEvent::Update => {
                    let old =
                        list.insert(info.conv_id.clone(), info.clone()).expect("Update of an unlisted one");
                    let mask = !(1u64 << 62);
                    assert!(
                        info.conv_active_time & mask >= old.conv_active_time & mask,
                        "an Update went back in time for {}: {} after {}",
                        info.conv_id,
                        info.conv_active_time,
                        old.conv_active_time
                    );
                }
                ConvEvent::Del => {
                    list.remove(&info.conv_id).expect("Del of an unlisted one");
                }
                _ => {}
            }
        }
    }
    let engine: BTreeMap<String, ConvInfo> =
        block_on(client.conversation_list()).unwrap().into_iter().map(|c| (c.conv_id.clone(), c)).collect();
    assert_eq!(list, engine);
    sdk.shutdown();
}

/// TIMSDK #1076 (entering a chat fires Changed because of the read report), openim PR #45 (read
/// must raise Update, never Add): reads of already-read conversations, in every form, raise
/// nothing; a real read raises exactly one Update.
#[test]
fn reads_of_read_conversations_raise_nothing_and_a_read_raises_one_update() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(vec![c2c("bob", "b1", 1_700_000_001), c2c("bob", "b2", 1_700_000_002)])).unwrap();
    block_on(client.send_message(k("carol"), text("hi"))).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(k("bob")))).unwrap();
    block_on(client.mark_read(ReadScope::Conversation(k("carol")))).unwrap();
    let seen = record_events(&client);
    let totals = record_totals(&client);
    block_on(client.mark_read(ReadScope::Conversation(k("bob")))).unwrap();
    block_on(client.mark_read(ReadScope::All(None))).unwrap();
    block_on(client.mark_read(ReadScope::All(Some(ConvType::C2C)))).unwrap();
    block_on(client.read_up_to(k("bob"), ReadBound::Message("b1".to_string().into()))).unwrap();
    block_on(client.read_up_to(k("bob"), ReadBound::Time(1_700_000_001))).unwrap();
    settle(&client);
    assert!(seen.lock().unwrap().is_empty(), "no-op reads raised {:?}", seen.lock().unwrap());
    assert!(totals.lock().unwrap().is_empty());
    block_on(client.deliver(vec![c2c("bob", "b3", 1_700_000_003)])).unwrap();
    settle(&client);
    seen.lock().unwrap().clear();
    block_on(client.mark_read(ReadScope::Conversation(k("bob")))).unwrap();
    settle(&client);
    let s = seen.lock().unwrap();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].0, ConvEvent::Update);
    assert_eq!(ids(&s[0].1), ["bob"]);
    assert_eq!(*totals.lock().unwrap(), vec![1, 0]);
    drop(s);
    sdk.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Paging

/// wildfirechat ios-chat #532 and OpenIM OFFSET paging: a walk over conversations whose
/// messages share one server time, while between pages conversations ahead are deleted, get
/// old messages (no move), returned ones get news or are hidden and come back, and pins move
/// returned ones around: nothing twice, nothing that kept its place skipped.
#[test]
fn a_walk_over_equal_times_with_deletes_and_news_between_pages() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let n = 40;
    // One batch: all in the same second, so only the order key tells them apart.
    let batch: Vec<Message> =
        (0..n).map(|i| c2c(&format!("u{i:02}"), &format!("x{i}"), 1_700_000_000)).collect();
    block_on(client.deliver(batch)).unwrap();
    block_on(client.pin_conversation(k("u05"), true)).unwrap();
    block_on(client.pin_conversation(k("u30"), true)).unwrap();
    let full = ids(&block_on(client.conversation_list()).unwrap());
    let mut returned: Vec<String> = Vec::new();
    let mut moved: HashSet<String> = HashSet::new();
    let mut deleted: HashSet<String> = HashSet::new();
    let mut next = 0;
    let mut page_no = 0;
    loop {
        let page = block_on(client.conversation_page(ConvFilter::default(), next, 6)).unwrap();
        returned.extend(ids(&page.list));
        if page.finished {
            break;
        }
        next = page.next_seq;
        page_no += 1;
        // Ahead of the walk (not returned yet): one deleted, one gets an old message (stays).
        let ahead: Vec<String> =
            full.iter().filter(|c| !returned.contains(c) && !deleted.contains(*c)).cloned().collect();
        if ahead.len() > 3 {
            let victim = ahead[ahead.len() - 1].clone();
            block_on(client.delete_conversation(k(&victim))).unwrap();
            deleted.insert(victim);
            let stay = ahead[1].clone();
            block_on(client.deliver(vec![c2c(&stay, &format!("old-{page_no}"), 1_600_000_000)])).unwrap();
        }
        // Behind the walk: news for one, hide-and-back for another, unpin a returned pinned one.
        let behind = returned.last().unwrap().clone();
        block_on(client.deliver(vec![c2c(&behind, &format!("news-{page_no}"), 1_700_000_000)])).unwrap();
        moved.insert(behind);
        if returned.len() > 2 {
            let h = returned[returned.len() - 2].clone();
            block_on(client.delete_conversation_list(vec![k(&h)], false)).unwrap();
            block_on(client.deliver(vec![c2c(&h, &format!("back-{page_no}"), 1_600_000_000)])).unwrap();
            moved.insert(h);
        }
        if page_no == 1 {
            block_on(client.pin_conversation(k("u05"), false)).unwrap();
            moved.insert("u05".into());
        }
    }
    let mut dup = HashSet::new();
    for r in &returned {
        assert!(dup.insert(r.clone()), "{r} returned twice: {returned:?}");
    }
    for c in &full {
        if !deleted.contains(c) && !moved.contains(c) {
            assert!(returned.contains(c), "{c} kept its place and was skipped: {returned:?}");
        }
    }
    for d in &deleted {
        assert!(!returned.contains(d), "deleted {d} returned");
    }
    sdk.shutdown();
}

/// With no change during the walk, the pages concatenated are the full list, with equal times
/// and pins, before and after a restart (matrix #5695/#5698: an inconsistent comparator).
#[test]
fn pages_concatenate_to_the_list_before_and_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for round in 0..3u64 {
        let batch: Vec<Message> =
            (0..25).map(|i| c2c(&format!("v{i:02}"), &format!("r{round}-{i}"), 1_700_000_000)).collect();
        block_on(client.deliver(batch)).unwrap();
    }
    client.set_draft_blocking(k("v03"), draft("d")).unwrap();
    block_on(client.pin_conversation(k("v10"), true)).unwrap();
    block_on(client.pin_conversation(k("v02"), true)).unwrap();
    block_on(client.create_conversation(ConvKey::group("g1").unwrap())).unwrap();
    let walk = |client: &tim_core::Client, count: u32| {
        let mut out = Vec::new();
        let mut next = 0;
        loop {
            let p = block_on(client.conversation_page(ConvFilter::default(), next, count)).unwrap();
            out.extend(p.list);
            if p.finished {
                return out;
            }
            next = p.next_seq;
        }
    };
    let list = block_on(client.conversation_list()).unwrap();
    for count in [1, 4, 7, 100] {
        assert_eq!(walk(&client, count), list, "pages of {count}");
    }
    let mut sorted = list.clone();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.conv_active_time));
    assert_eq!(ids(&sorted), ids(&list), "sorting by active time gives the list order");
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    assert_eq!(block_on(client.conversation_list()).unwrap(), list);
    for count in [1, 7] {
        assert_eq!(walk(&client, count), list);
    }
    sdk.shutdown();
}

/// A cursor from before a logout and a new login in the same process is refused, not taken
/// for another walk (docs: "a login forgets them all").
#[test]
fn a_cursor_from_before_a_relogin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for i in 0..10 {
        block_on(client.create_conversation(k(&format!("w{i}")))).unwrap();
    }
    let p = block_on(client.conversation_page(ConvFilter::default(), 0, 3)).unwrap();
    block_on(client.logout()).unwrap();
    block_on(client.login("me", "")).unwrap();
    // A new walk in the new session first, so a reused number would name it.
    let fresh = block_on(client.conversation_page(ConvFilter::default(), 0, 3)).unwrap();
    assert_ne!(fresh.next_seq, p.next_seq);
    let err = block_on(client.conversation_page(ConvFilter::default(), p.next_seq, 3)).unwrap_err();
    assert_eq!(err.code(), 6017, "{err:?}");
    sdk.shutdown();
}

/// A filtered walk (unread only) while conversations ahead are read (leave the filter) and come
/// back unread without moving (an old message): nothing twice.
#[test]
fn an_unread_filter_walk_while_reads_and_old_messages_come_in() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let batch: Vec<Message> =
        (0..20).map(|i| c2c(&format!("f{i:02}"), &format!("y{i}"), 1_700_000_000)).collect();
    block_on(client.deliver(batch)).unwrap();
    let filter = ConvFilter { has_unread: true, ..ConvFilter::default() };
    let mut returned = Vec::new();
    let mut next = 0;
    let mut step = 0;
    loop {
        let p = block_on(client.conversation_page(filter.clone(), next, 4)).unwrap();
        for c in &p.list {
            assert!(c.conv_unread_num > 0, "{} has nothing unread", c.conv_id);
        }
        returned.extend(ids(&p.list));
        if p.finished {
            break;
        }
        next = p.next_seq;
        step += 1;
        // Read the last returned, then give it an old message: it is unread again, in place.
        let last = returned.last().unwrap().clone();
        block_on(client.mark_read(ReadScope::Conversation(k(&last)))).unwrap();
        block_on(client.deliver(vec![c2c(&last, &format!("late{step}"), 1_700_000_000)])).unwrap();
    }
    let set: HashSet<_> = returned.iter().collect();
    assert_eq!(set.len(), returned.len(), "twice: {returned:?}");
    sdk.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Drafts

/// openimsdk-core #892: a draft on a conversation never messaged (nor created) works, raises
/// Add, survives a restart, and a message arriving after it does not lose it.
#[test]
fn a_draft_on_a_never_messaged_conversation_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let seen = record_events(&client);
    client.set_draft_blocking(k("newbie"), draft("first words")).unwrap();
    client.set_draft_blocking(ConvKey::group("never").unwrap(), draft("group words")).unwrap();
    settle(&client);
    let adds: Vec<String> =
        seen.lock().unwrap().iter().filter(|(e, _)| *e == ConvEvent::Add).flat_map(|(_, l)| ids(l)).collect();
    assert_eq!(adds, ["newbie", "never"]);
    block_on(client.deliver(vec![c2c("newbie", "hello", 1_700_000_000)])).unwrap();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let list = block_on(sdk.client().conversation_list()).unwrap();
    assert_eq!(find(&list, "newbie").conv_draft, Some(draft("first words")));
    assert_eq!(find(&list, "never").conv_draft, Some(draft("group words")));
    assert_eq!(ids(&list), ["newbie", "never"]);
    sdk.shutdown();
}

/// Drafts set just before a shutdown (asynchronously, not awaited, from several threads): every
/// draft whose call was answered with success is there after the restart, the last one of each
/// conversation in call order; none answered with an error is (tdesktop #8595: lost drafts).
#[test]
fn drafts_set_just_before_a_shutdown_are_kept_iff_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..8u64 {
        let sdk = start(dir.path(), "me");
        let client = sdk.client();
        // results[conv] = list of (seq, ok) in call order
        let results: Arc<Mutex<DraftAnswers>> = Arc::default();
        let mut threads = Vec::new();
        for t in 0..3u64 {
            let client = client.clone();
            let results = results.clone();
            threads.push(std::thread::spawn(move || {
                let conv = format!("t{t}");
                for i in 0..10_000u64 {
                    let res = client.set_draft_blocking(k(&conv), draft(&format!("r{round}-{i}")));
                    let failed = res.is_err();
                    results.lock().unwrap().entry(conv.clone()).or_default().push((i, res));
                    if failed {
                        break;
                    }
                }
            }));
        }
        std::thread::sleep(std::time::Duration::from_millis(2 + 3 * round));
        sdk.shutdown();
        for t in threads {
            t.join().unwrap();
        }
        let results = results.lock().unwrap().clone();
        let sdk = start(dir.path(), "me");
        let list = block_on(sdk.client().conversation_list()).unwrap();
        for t in 0..3u64 {
            let conv = format!("t{t}");
            let calls = results.get(&conv).cloned().unwrap_or_default();
            // Answers come in call order.
            let seqs: Vec<u64> = calls.iter().map(|(i, _)| *i).collect();
            let mut sorted = seqs.clone();
            sorted.sort();
            assert_eq!(seqs, sorted, "answers out of call order for {conv}");
            let last_ok = calls.iter().filter(|(_, r)| r.is_ok()).map(|(i, _)| *i).next_back();
            // once a call failed, no later one may have succeeded
            let first_err = calls.iter().position(|(_, r)| r.is_err());
            if let Some(p) = first_err {
                assert!(calls[p..].iter().all(|(_, r)| r.is_err()), "success after a failure: {calls:?}");
            }
            let stored = list.iter().find(|c| c.conv_id == conv).and_then(|c| c.conv_draft.clone());
            match last_ok {
                Some(i) => assert_eq!(
                    stored.map(|d| body(&d.draft_msg)),
                    Some(format!("r{round}-{i}")),
                    "round {round}: {conv}'s acknowledged draft"
                ),
                None => {
                    if let Some(d) = stored {
                        assert!(
                            !body(&d.draft_msg).starts_with(&format!("r{round}-")),
                            "unacknowledged draft stored"
                        )
                    }
                }
            }
        }
        sdk.shutdown();
    }
}

/// OpenIM hide resets the draft; Stream hide lasts until a new message. Here: a hidden
/// conversation loses its draft (documented), a draft brings it back (Add) with its messages
/// read, and then the draft survives a message and a restart.
#[test]
fn a_draft_brings_a_hidden_conversation_back_and_stays() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(vec![c2c("bob", "b1", 1_700_000_000)])).unwrap();
    client.set_draft_blocking(k("bob"), draft("old")).unwrap();
    block_on(client.delete_conversation_list(vec![k("bob")], false)).unwrap();
    let seen = record_events(&client);
    client.set_draft_blocking(k("bob"), draft("new")).unwrap();
    settle(&client);
    assert_eq!(seen.lock().unwrap().first().map(|(e, _)| *e), Some(ConvEvent::Add));
    let list = block_on(client.conversation_list()).unwrap();
    let bob = find(&list, "bob");
    assert_eq!(bob.conv_draft, Some(draft("new")));
    assert_eq!(bob.conv_unread_num, 0);
    assert_eq!(last_body(bob).as_deref(), Some("b1"));
    block_on(client.deliver(vec![c2c("bob", "b2", 1_700_000_100)])).unwrap();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let list = block_on(sdk.client().conversation_list()).unwrap();
    assert_eq!(find(&list, "bob").conv_draft, Some(draft("new")));
    assert_eq!(find(&list, "bob").conv_unread_num, 1);
    sdk.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Ordering and pins

/// HushChat #581: an unpinned conversation above a pinned one after a new message. Pinned ones
/// stay first through news, drafts, creates, revivals, sends, a restart and a walk.
#[test]
fn pinned_conversations_stay_first_through_news_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for p in ["a", "b", "c", "d", "e"] {
        block_on(client.create_conversation(k(p))).unwrap();
    }
    block_on(client.pin_conversation(k("b"), true)).unwrap();
    block_on(client.pin_conversation(k("d"), true)).unwrap();
    block_on(client.delete_conversation_list(vec![k("e")], false)).unwrap();
    block_on(client.deliver(vec![c2c("a", "m", 1_900_000_000)])).unwrap();
    client.set_draft_blocking(k("c"), draft("x")).unwrap();
    block_on(client.create_conversation(k("f"))).unwrap();
    block_on(client.deliver(vec![c2c("e", "back", 1_900_000_001)])).unwrap();
    block_on(client.send_message(k("a"), text("reply"))).unwrap();
    let check = |client: &tim_core::Client| {
        let list = block_on(client.conversation_list()).unwrap();
        assert_eq!(ids(&list)[..2], ["d", "b"], "{:?}", ids(&list));
        assert_eq!(ids(&list), ["d", "b", "a", "e", "f", "c"]);
        let p = block_on(client.conversation_page(ConvFilter::default(), 0, 100)).unwrap();
        assert_eq!(p.list, list);
    };
    check(&client);
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    check(&sdk.client());
    sdk.shutdown();
}

/// Pin count bookkeeping: at the limit of 50 pins, hiding a pinned conversation (its pin is
/// dropped) and deleting one free a place each; a revived one comes back unpinned.
#[test]
fn hiding_or_deleting_pinned_conversations_frees_their_pin() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    for i in 0..52 {
        block_on(client.create_conversation(k(&format!("pin{i:02}")))).unwrap();
    }
    for i in 0..50 {
        block_on(client.pin_conversation(k(&format!("pin{i:02}")), true)).unwrap();
    }
    assert!(block_on(client.pin_conversation(k("pin50"), true)).is_err(), "51st pin refused");
    block_on(client.delete_conversation_list(vec![k("pin00")], false)).unwrap();
    block_on(client.delete_conversation(k("pin01"))).unwrap();
    block_on(client.pin_conversation(k("pin50"), true)).unwrap();
    block_on(client.pin_conversation(k("pin51"), true)).unwrap();
    // Revive both: unpinned.
    block_on(client.create_conversation(k("pin00"))).unwrap();
    block_on(client.create_conversation(k("pin01"))).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert!(!find(&list, "pin00").conv_is_pinned);
    assert!(!find(&list, "pin01").conv_is_pinned);
    assert!(block_on(client.pin_conversation(k("pin00"), true)).is_err(), "still 50 pinned");
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    assert!(block_on(client.pin_conversation(k("pin00"), true)).is_err(), "still 50 pinned after restart");
    block_on(client.pin_conversation(k("pin50"), false)).unwrap();
    block_on(client.pin_conversation(k("pin00"), true)).unwrap();
    sdk.shutdown();
}

/// openim-flutter-demo #177, TIMSDK #576: the first list asked right after the login (not
/// awaited) is the whole stored list, not a partial one.
#[test]
fn a_list_asked_before_the_login_finishes_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3000;
    {
        let sdk = start(dir.path(), "me");
        let batch: Vec<Message> =
            (0..n).map(|i| c2c(&format!("z{i}"), &format!("zz{i}"), 1_700_000_000)).collect();
        block_on(sdk.client().deliver(batch)).unwrap();
        sdk.shutdown();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    let got: Arc<Mutex<Option<(usize, u64)>>> = Arc::default();
    let sink = got.clone();
    let total_sink = got.clone();
    client.login_with("me", "", |r| r.unwrap()).unwrap();
    client
        .conversation_list_with(move |r| {
            sink.lock().unwrap().replace((r.unwrap().len(), 0));
        })
        .unwrap();
    let totals: Arc<Mutex<Option<u64>>> = Arc::default();
    let ts = totals.clone();
    client.total_unread_with(move |r| *ts.lock().unwrap() = Some(r.unwrap())).unwrap();
    let _ = total_sink;
    settle(&client);
    assert_eq!(got.lock().unwrap().map(|g| g.0), Some(n));
    assert_eq!(*totals.lock().unwrap(), Some(n as u64));
    sdk.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Locking

/// open-im-sdk-ios #36, libxmtp #1480 ("database is locked" hangs): a second instance logging
/// in the same user while the first holds the store fails promptly and leaves the first alone;
/// once the first is gone it works.
#[test]
fn a_second_login_of_the_same_user_fails_promptly_and_harms_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path(), "me");
    block_on(first.client().deliver(vec![c2c("bob", "b1", 1_700_000_000)])).unwrap();
    let second = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let t0 = std::time::Instant::now();
    let r = block_on(second.client().login("me", ""));
    assert!(t0.elapsed() < std::time::Duration::from_secs(10), "took {:?}", t0.elapsed());
    assert!(r.is_err(), "two instances on one store");
    block_on(first.client().deliver(vec![c2c("bob", "b2", 1_700_000_001)])).unwrap();
    assert_eq!(block_on(first.client().total_unread()).unwrap(), 2);
    first.shutdown();
    block_on(second.client().login("me", "")).unwrap();
    assert_eq!(block_on(second.client().total_unread()).unwrap(), 2);
    check_consistent(&second.client());
    second.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Second round: bulk paths, restarts, tagged walks

fn walk(client: &tim_core::Client, filter: &ConvFilter, count: u32) -> Vec<ConvInfo> {
    let mut out = Vec::new();
    let mut next = 0;
    loop {
        let p = block_on(client.conversation_page(filter.clone(), next, count)).unwrap();
        out.extend(p.list);
        if p.finished {
            return out;
        }
        next = p.next_seq;
    }
}

fn assert_unique_times(list: &[ConvInfo]) {
    let mut times: Vec<u64> = list.iter().map(|c| c.conv_active_time).collect();
    let n = times.len();
    times.sort();
    times.dedup();
    assert_eq!(times.len(), n, "two conversations share an active time");
}

/// One bulk delivery (past 64 messages: the encode-thread path) to 150 conversations in one
/// second, duplicates in the array and across conversations: every conversation has its own
/// place, the pages concatenate to the list, counts agree, also after a restart.
#[test]
fn a_bulk_delivery_gives_every_conversation_its_own_place() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let mut batch = Vec::new();
    for i in 0..300 {
        batch.push(c2c(&format!("bulk{:03}", i % 150), &format!("id{i}"), 1_700_000_000));
    }
    // Duplicates: in the array, and an ID reused for another conversation.
    for i in 0..40 {
        batch.push(c2c(&format!("bulk{:03}", (i * 7) % 150), &format!("id{i}"), 1_700_000_000));
    }
    let stored = block_on(client.deliver(batch)).unwrap();
    assert_eq!(stored.len(), 300);
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list.len(), 150);
    assert_unique_times(&list);
    assert_eq!(block_on(client.total_unread()).unwrap(), 300);
    for count in [1, 7, 64] {
        assert_eq!(walk(&client, &ConvFilter::default(), count), list);
    }
    check_consistent(&client);
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    assert_eq!(block_on(client.conversation_list()).unwrap(), list);
    block_on(client.create_conversation(k("after"))).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(list[0].conv_id, "after");
    assert_unique_times(&list);
    sdk.shutdown();
}

/// The order-key counter after restarts when the newest conversations were hidden or deleted:
/// a new or revived conversation goes on top and no two share a place.
#[test]
fn the_order_counter_survives_restarts_with_the_newest_hidden_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    {
        let sdk = start(dir.path(), "me");
        let c = sdk.client();
        for p in ["a", "b", "c", "d"] {
            block_on(c.create_conversation(k(p))).unwrap();
        }
        block_on(c.deliver(vec![c2c("e", "e1", 1_700_000_000)])).unwrap();
        block_on(c.delete_conversation_list(vec![k("e")], false)).unwrap();
        block_on(c.delete_conversation(k("d"))).unwrap();
        c.set_draft_blocking(k("f"), draft("f")).unwrap();
        block_on(c.delete_conversation_list(vec![k("f")], false)).unwrap();
        sdk.shutdown();
    }
    for round in 0..3 {
        let sdk = start(dir.path(), "me");
        let c = sdk.client();
        let newcomer = format!("n{round}");
        block_on(c.create_conversation(k(&newcomer))).unwrap();
        let list = block_on(c.conversation_list()).unwrap();
        assert_eq!(list[0].conv_id, newcomer, "{:?}", ids(&list));
        assert_unique_times(&list);
        if round == 1 {
            block_on(c.deliver(vec![c2c("e", "e2", 1_600_000_000)])).unwrap();
            let list = block_on(c.conversation_list()).unwrap();
            assert_eq!(list[0].conv_id, "e", "revived on top: {:?}", ids(&list));
            assert_unique_times(&list);
        }
        sdk.shutdown();
    }
}

/// A walk filtered by conversation group (it walks the marked-or-grouped index) while members
/// are reordered, pinned, unpinned, and leave and join: nothing twice, none that kept its place
/// skipped.
#[test]
fn a_group_filtered_walk_while_members_move() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let members: Vec<String> = (0..16).map(|i| format!("gm{i:02}")).collect();
    for m in &members {
        block_on(client.create_conversation(k(m))).unwrap();
        block_on(client.create_conversation(k(&format!("out-{m}")))).unwrap();
    }
    block_on(
        client.group_op(tim_core::GroupOp::Create("work".into(), members.iter().map(|m| k(m)).collect())),
    )
    .unwrap();
    block_on(client.pin_conversation(k("gm03"), true)).unwrap();
    block_on(client.pin_conversation(k("gm09"), true)).unwrap();
    let filter = ConvFilter { group: Some("work".into()), ..ConvFilter::default() };
    let full = ids(&walk(&client, &filter, 100));
    assert_eq!(full.len(), 16);
    let mut returned: Vec<String> = Vec::new();
    let mut moved: HashSet<String> = HashSet::new();
    let mut next = 0;
    let mut step = 0;
    loop {
        let p = block_on(client.conversation_page(filter.clone(), next, 3)).unwrap();
        returned.extend(ids(&p.list));
        if p.finished {
            break;
        }
        next = p.next_seq;
        step += 1;
        let last = returned.last().unwrap().clone();
        // News for the last returned (moves up), unpin any returned pinned one.
        block_on(client.deliver(vec![c2c(&last, &format!("w{step}"), 1_700_000_000)])).unwrap();
        moved.insert(last.clone());
        for p in ["gm03", "gm09"] {
            if returned.iter().any(|r| r == p) && !moved.contains(p) {
                block_on(client.pin_conversation(k(p), false)).unwrap();
                moved.insert(p.into());
            }
        }
        // One ahead is pinned and unpinned again (back in its place).
        let ahead: Vec<String> = full.iter().filter(|c| !returned.contains(c)).cloned().collect();
        if let Some(a) = ahead.get(1).filter(|a| !moved.contains(*a)) {
            block_on(client.pin_conversation(k(a), true)).unwrap();
            block_on(client.pin_conversation(k(a), false)).unwrap();
        }
        // Non-members get news (they pass every member in list order).
        block_on(client.deliver(vec![c2c(
            &format!("out-gm{:02}", step),
            &format!("o{step}"),
            1_700_000_000,
        )]))
        .unwrap();
        // A returned member leaves the group and comes back.
        if returned.len() > 1 {
            let r = returned[0].clone();
            block_on(client.group_op(tim_core::GroupOp::Remove("work".into(), vec![k(&r)]))).unwrap();
            block_on(client.group_op(tim_core::GroupOp::Add("work".into(), vec![k(&r)]))).unwrap();
        }
    }
    let set: HashSet<_> = returned.iter().collect();
    assert_eq!(set.len(), returned.len(), "twice: {returned:?}");
    for c in &full {
        if !moved.contains(c) {
            assert!(returned.contains(c), "{c} kept its place and was skipped: {returned:?}");
        }
    }
    sdk.shutdown();
}

/// OpenIM #62 (history replayed): a conversation deleted with its messages, then the same
/// messages delivered again (as a reinstall's re-pull would), before and after a restart and in
/// the bulk path: stored again, counted once, the doctor clean.
#[test]
fn messages_of_a_deleted_conversation_delivered_again_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let small: Vec<Message> = (0..5).map(|i| c2c("bob", &format!("s{i}"), 1_700_000_000 + i)).collect();
    let bulk: Vec<Message> = (0..100).map(|i| c2c("carol", &format!("b{i}"), 1_700_000_000 + i)).collect();
    block_on(client.deliver(small.clone())).unwrap();
    block_on(client.deliver(bulk.clone())).unwrap();
    block_on(client.delete_conversation(k("bob"))).unwrap();
    block_on(client.delete_conversation_list(vec![k("carol")], true)).unwrap();
    assert_eq!(block_on(client.deliver(small.clone())).unwrap().len(), 5);
    assert_eq!(block_on(client.deliver(bulk.clone())).unwrap().len(), 100);
    assert_eq!(block_on(client.total_unread()).unwrap(), 105);
    check_consistent(&client);
    // Again across a restart: delete, restart, deliver.
    block_on(client.delete_conversation(k("bob"))).unwrap();
    block_on(client.delete_conversation(k("carol"))).unwrap();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    assert_eq!(block_on(client.deliver(bulk.clone())).unwrap().len(), 100);
    assert_eq!(block_on(client.deliver(small.clone())).unwrap().len(), 5);
    assert!(block_on(client.deliver(small)).unwrap().is_empty());
    let hist =
        block_on(client.message_list(k("carol"), HistoryQuery { count: 200, ..Default::default() })).unwrap();
    assert_eq!(hist.len(), 100);
    assert_eq!(block_on(client.total_unread()).unwrap(), 105);
    check_consistent(&client);
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    assert_eq!(block_on(sdk.client().total_unread()).unwrap(), 105);
    check_consistent(&sdk.client());
    sdk.shutdown();
}

/// Message operations queued back to back without waiting (they share transactions) with
/// conversation calls between them: the end state is the one of running them one by one.
#[test]
fn queued_message_and_conversation_calls_end_as_if_run_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let (tx, rx) = std::sync::mpsc::channel::<(usize, bool)>();
    let mut n = 0;
    let mut go = |name: &str, r: Result<(), tim_core::CallError>| {
        assert!(r.is_ok(), "{name} refused");
        n += 1;
    };
    macro_rules! cb {
        ($i:expr) => {{
            let tx = tx.clone();
            let i = $i;
            move |r: Result<_, tim_core::TimError>| tx.send((i, r.is_ok())).unwrap()
        }};
    }
    go("d1", client.deliver_with(vec![c2c("x", "x1", 1_700_000_001), c2c("x", "x2", 1_700_000_002)], cb!(1)));
    go("pin", client.pin_conversation_with(k("x"), true, cb!(2)));
    go("read", client.read_up_to_with(k("x"), ReadBound::Message("x1".to_string().into()), cb!(3)));
    go("hide", client.delete_conversation_list_with(vec![k("x")], false, cb!(4)));
    go("d2", client.deliver_with(vec![c2c("x", "x3", 1_700_000_003)], cb!(5)));
    go("del", client.delete_message_with(k("x"), "x3".to_string(), cb!(6)));
    go("d3", client.deliver_with(vec![c2c("x", "x4", 1_700_000_004), c2c("y", "y1", 1_700_000_004)], cb!(7)));
    go("delconv", client.delete_conversation_with(k("y"), cb!(8)));
    go("d4", client.deliver_with(vec![c2c("y", "y1", 1_700_000_005)], cb!(9)));
    go("clear", client.clear_history_with(k("x"), cb!(10)));
    go("d5", client.deliver_with(vec![c2c("x", "x5", 1_600_000_000)], cb!(11)));
    let _ = n;
    let mut got = Vec::new();
    for _ in 0..11 {
        got.push(rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap());
    }
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), (1..=11).collect::<Vec<_>>(), "call order");
    assert!(got.iter().all(|g| g.1), "{got:?}");
    let list = block_on(client.conversation_list()).unwrap();
    let x = find(&list, "x");
    assert!(!x.conv_is_pinned, "hide dropped the pin");
    // x5 is older than the read mark? The mark is at x4 (hide read everything, then x4 arrived
    // after and stayed unread until the clear, which keeps the mark at x2... see below).
    assert_eq!(last_body(x).as_deref(), Some("x5"));
    let y = find(&list, "y");
    assert_eq!(y.conv_unread_num, 1);
    assert_eq!(last_body(y).as_deref(), Some("y1"));
    check_consistent(&client);
    let before = list.clone();
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    assert_eq!(block_on(sdk.client().conversation_list()).unwrap(), before);
    sdk.shutdown();
}

/// Deleting messages that never counted (excluded, delivered read, own) takes nothing from the
/// unread count; hiding a group with @ reminders clears them for good (OpenIM #624/#269:
/// counters decremented for messages that never counted).
#[test]
fn deleting_messages_that_never_counted_takes_nothing_off() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let mut excluded = c2c("bob", "ex", 1_700_000_002);
    excluded.message_is_excluded_from_unread_count = Some(true);
    let mut read = c2c("bob", "rd", 1_700_000_003);
    read.message_is_read = Some(true);
    let mut own = c2c("me", "own", 1_700_000_004);
    own.message_conv_id = Some("bob".into());
    block_on(client.deliver(vec![
        c2c("bob", "c1", 1_700_000_001),
        excluded,
        read,
        own,
        c2c("bob", "c2", 1_700_000_005),
    ]))
    .unwrap();
    let unread =
        |c: &tim_core::Client| find(&block_on(c.conversation_list()).unwrap(), "bob").conv_unread_num;
    assert_eq!(unread(&client), 2);
    for id in ["ex", "rd", "own"] {
        block_on(client.delete_message(k("bob"), id.to_string())).unwrap();
        assert_eq!(unread(&client), 2, "after deleting {id}");
    }
    block_on(client.delete_message(k("bob"), "c2".to_string())).unwrap();
    assert_eq!(unread(&client), 1);
    check_consistent(&client);
    // Group with @ reminders, hidden and back.
    let at = |id: &str, t: u64| {
        let mut m = c2c("carol", id, t);
        m.message_conv_type = Some(ConvType::Group);
        m.message_conv_id = Some("grp".into());
        m.message_group_at_user_array = Some(vec!["me".into()]);
        m
    };
    block_on(client.deliver(vec![at("a1", 1_700_000_010), at("a2", 1_700_000_011)])).unwrap();
    let filter = ConvFilter { has_at: true, ..ConvFilter::default() };
    assert_eq!(block_on(client.conversation_page(filter.clone(), 0, 10)).unwrap().list.len(), 1);
    block_on(client.delete_conversation_list(vec![ConvKey::group("grp").unwrap()], false)).unwrap();
    block_on(
        client.deliver(
            vec![c2c("carol", "plain", 1_700_000_012)]
                .into_iter()
                .map(|mut m| {
                    m.message_conv_type = Some(ConvType::Group);
                    m.message_conv_id = Some("grp".into());
                    m
                })
                .collect(),
        ),
    )
    .unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    let g = list.iter().find(|c| c.conv_type == ConvType::Group).unwrap();
    assert!(g.conv_group_at_info_array.is_empty(), "{:?}", g.conv_group_at_info_array);
    assert_eq!(g.conv_unread_num, 1);
    assert!(block_on(client.conversation_page(filter, 0, 10)).unwrap().list.is_empty());
    check_consistent(&client);
    sdk.shutdown();
}

/// Threads delivering, muting and unmuting, hiding, grouping and reading, with unread-by-filter
/// subscriptions: the last report of the total and of each filter equals what a read returns.
#[test]
fn filtered_totals_do_not_drift_under_concurrent_mutes_and_hides() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    let totals = record_totals(&client);
    let by_filter: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let sink = by_filter.clone();
    client.set_filtered_unread_handler(Some(Arc::new(move |label, n| {
        sink.lock().unwrap().insert(label.to_string(), n);
    })));
    block_on(client.create_conversation(k("h0"))).unwrap();
    block_on(client.group_op(tim_core::GroupOp::Create("work".into(), vec![k("h0")]))).unwrap();
    let c2c_filter = ConvFilter { conv_type: Some(ConvType::C2C), ..ConvFilter::default() };
    let work = ConvFilter { group: Some("work".into()), ..ConvFilter::default() };
    client.subscribe_unread_blocking(c2c_filter.clone(), "c2c".into()).unwrap();
    client.subscribe_unread_blocking(work.clone(), "work".into()).unwrap();
    let mut threads = Vec::new();
    for t in 0..4u64 {
        let client = client.clone();
        threads.push(std::thread::spawn(move || {
            let mut x = 0x2545_f491_4f6c_dd1du64 ^ (t * 77 + 1);
            for i in 0..50u64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let peer = format!("h{}", x % 5);
                match (x >> 8) % 8 {
                    0 => {
                        let opt = if x.is_multiple_of(2) {
                            ReceiveMessageOpt::NotNotify
                        } else {
                            ReceiveMessageOpt::Receive
                        };
                        block_on(client.set_receive_option(vec![k(&peer)], opt)).unwrap();
                    }
                    1 => {
                        block_on(client.delete_conversation_list(vec![k(&peer)], false)).unwrap();
                    }
                    2 => {
                        block_on(client.group_op(tim_core::GroupOp::Add("work".into(), vec![k(&peer)]))).ok();
                    }
                    3 => {
                        block_on(client.mark_read(ReadScope::Conversation(k(&peer)))).ok();
                    }
                    4 => {
                        block_on(client.group_op(tim_core::GroupOp::Remove("work".into(), vec![k(&peer)])))
                            .ok();
                    }
                    _ => {
                        let m = c2c(&peer, &format!("{t}-{i}"), 1_700_000_000 + i);
                        block_on(client.deliver(vec![m])).unwrap();
                    }
                }
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    settle(&client);
    let total = block_on(client.total_unread()).unwrap();
    assert_eq!(totals.lock().unwrap().last().copied().unwrap_or(0), total);
    let reported = by_filter.lock().unwrap().clone();
    let c2c_now = block_on(client.unread_by_filter(c2c_filter)).unwrap();
    let work_now = block_on(client.unread_by_filter(work)).unwrap();
    assert_eq!(reported.get("c2c").copied().unwrap_or(0), c2c_now, "c2c filter");
    assert_eq!(reported.get("work").copied().unwrap_or(0), work_now, "work filter");
    check_consistent(&client);
    sdk.shutdown();
}

/// A hidden conversation drops its marks and groups (docs), so after it comes back no filter,
/// count or walk by mark or group finds it, before and after a restart.
#[test]
fn a_hidden_conversation_leaves_its_marks_and_groups_behind() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path(), "me");
    let client = sdk.client();
    block_on(client.deliver(vec![c2c("x", "x1", 1_700_000_000), c2c("y", "y1", 1_700_000_000)])).unwrap();
    block_on(client.mark_conversations(vec![k("x"), k("y")], 0x1, true)).unwrap();
    block_on(client.group_op(tim_core::GroupOp::Create("work".into(), vec![k("x"), k("y")]))).unwrap();
    block_on(client.delete_conversation_list(vec![k("x")], false)).unwrap();
    block_on(client.deliver(vec![c2c("x", "x2", 1_700_000_100)])).unwrap();
    let check = |client: &tim_core::Client| {
        let list = block_on(client.conversation_list()).unwrap();
        let x = find(&list, "x");
        assert!(x.conv_mark_array.is_empty(), "{:?}", x.conv_mark_array);
        assert!(x.conv_conversation_group_array.is_empty(), "{:?}", x.conv_conversation_group_array);
        for f in [
            ConvFilter { mark: Some(0x1), ..ConvFilter::default() },
            ConvFilter { group: Some("work".into()), ..ConvFilter::default() },
        ] {
            assert_eq!(ids(&walk(client, &f, 1)), ["y"], "{f:?}");
            assert_eq!(block_on(client.unread_by_filter(f)).unwrap(), 1);
        }
        assert_eq!(
            ids(&walk(client, &ConvFilter { mark: Some(0), ..ConvFilter::default() }, 1)),
            ["x"],
            "x is unmarked"
        );
        assert_eq!(
            ids(&walk(client, &ConvFilter { group: Some(String::new()), ..ConvFilter::default() }, 1)),
            ["x"],
            "x is in no group"
        );
    };
    check(&client);
    sdk.shutdown();
    let sdk = start(dir.path(), "me");
    check(&sdk.client());
    // Deleting the group now must not touch x; renaming neither.
    block_on(sdk.client().group_op(tim_core::GroupOp::Rename("work".into(), "job".into()))).unwrap();
    let list = block_on(sdk.client().conversation_list()).unwrap();
    assert!(find(&list, "x").conv_conversation_group_array.is_empty());
    assert_eq!(find(&list, "y").conv_conversation_group_array, ["job"]);
    sdk.shutdown();
}
