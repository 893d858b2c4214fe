//! Event property test: every call raises exactly the callbacks its effect on the engine's own
//! state calls for, in the documented order, and nothing else.
//!
//! Why: apps keep their conversation list, badges and filtered counts from the callbacks alone,
//! and what goes wrong in peer SDKs is of that kind: event storms (an Update for every call, or
//! one call per conversation touched), missing events (a list that drifts from the engine's),
//! stale counts (a total or by-filter count reported before it settled, or not when it changed).
//! There is no reference model here: the oracle is the engine's own state, read before and after
//! each operation through the read-only calls (the list, get-info, the total, the by-filter
//! counts of the subscribed filters, the conversation-group list). For one operation,
//! docs/c-api.md ("Conversation events", "Callback order", "The total and its callback", "Unread
//! counts by filter", "The group callbacks") then fixes the callbacks exactly, in this order:
//!
//! 1. one Add with the conversations that appeared, one Update with those whose ConvInfo changed
//!    (as get-info returns them afterwards), one Del with those that disappeared (as they were);
//! 2. the group callback of a conversation-group call that changed something; the receive
//!    callback, once, with the messages a delivery stored;
//! 3. the total, only if it changed, with its new value;
//! 4. each subscribed filter whose count changed, in subscription order, with its new count.
//!
//! Read-only and failed calls raise nothing; a logout and login again raise Start and Finish and
//! no count. The plain tests pin calls that change nothing, the read of an unread conversation,
//! and calls made without waiting (a burst from one thread, blocked writers on several): those
//! share batches, so only the order within a batch and the sum of the events are fixed.
//!
//! `TIM_EVENTS_CASES` sets the number of cases (default 24, for CI); set it high for a long run.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use tim_core::{
    Client, ConvFilter, ConvKey, GroupEvent, GroupOp, HistoryQuery, ReadBound, ReadScope, Sdk, SdkConfig,
    block_on,
};
use tim_types::keys::MESSAGE_AT_ALL;
use tim_types::{ConvEvent, ConvInfo, ConvType, Draft, Elem, Message, ReceiveMessageOpt};

const ME: &str = "me";

/// Two C2C conversations and two groups. The group "a" shares its ID with the C2C "a" (events
/// must tell them apart by type); the long ID does not fit a key inline (21 bytes).
const KEYS: [(ConvType, &str); 4] = [
    (ConvType::C2C, "a"),
    (ConvType::C2C, "c-a-user-id-of-32-bytes-00000001"),
    (ConvType::Group, "g"),
    (ConvType::Group, "a"),
];

/// Conversation group names; "work" is also a subscribed filter.
const GROUPS: [&str; 3] = ["work", "family", "home"];
const MARKS: [u64; 3] = [0x1, 0x4, 1 << 40];

fn key(c: usize) -> ConvKey {
    ConvKey::new(KEYS[c].0, KEYS[c].1).unwrap()
}

fn keys(cs: &[usize]) -> Vec<ConvKey> {
    cs.iter().map(|&c| key(c)).collect()
}

fn all_keys() -> Vec<ConvKey> {
    (0..KEYS.len()).map(key).collect()
}

/// How a conversation is told apart: its type and its ID.
fn ident(info: &ConvInfo) -> (i32, String) {
    (info.conv_type.value(), info.conv_id.clone())
}

fn ident_of(key: &ConvKey) -> (i32, String) {
    (key.conv_type().value(), key.id().to_owned())
}

/// The subscribed filters, in subscription order, with the labels their callbacks carry. The
/// `has_unread`/`has_at` variants do not make subscriptions of their own (TIM's rule): the last
/// one replaces a plain subscription in the harness (see [`Harness::new`]).
fn subscriptions() -> Vec<(&'static str, ConvFilter)> {
    vec![
        ("all", ConvFilter::default()),
        ("c2c-unread", ConvFilter { conv_type: Some(ConvType::C2C), has_unread: true, ..Default::default() }),
        ("group", ConvFilter { conv_type: Some(ConvType::Group), ..Default::default() }),
        ("star", ConvFilter { mark: Some(0x1), ..Default::default() }),
        ("work", ConvFilter { group: Some("work".into()), ..Default::default() }),
        ("ungrouped", ConvFilter { group: Some(String::new()), ..Default::default() }),
        (
            "group-unmarked-at",
            ConvFilter {
                conv_type: Some(ConvType::Group),
                mark: Some(0),
                has_at: true,
                ..Default::default()
            },
        ),
    ]
}

/// One callback, as a handler saw it.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Conv(ConvEvent, Vec<ConvInfo>),
    Group(GroupEvent),
    Received(Vec<Message>),
    Total(u64),
    Filtered(String, u64),
    /// The completion of the burst's call number n (only the burst test makes these).
    Answer(usize),
}

/// Payload lists in a canonical order: the docs fix which conversations an event carries, not
/// in what order.
fn normalized(mut seen: Vec<Seen>) -> Vec<Seen> {
    for s in &mut seen {
        match s {
            Seen::Conv(_, infos) => infos.sort_by_key(ident),
            Seen::Group(
                GroupEvent::Created(_, keys) | GroupEvent::Added(_, keys) | GroupEvent::Removed(_, keys),
            ) => keys.sort(),
            _ => {}
        }
    }
    seen
}

/// What the read-only calls say.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    list: Vec<ConvInfo>,
    total: u64,
    /// The count of each subscribed filter, in subscription order.
    filtered: Vec<u64>,
    groups: Vec<String>,
}

impl Snapshot {
    fn info(&self, key: &ConvKey) -> Option<&ConvInfo> {
        self.list.iter().find(|info| ident(info) == ident_of(key))
    }

    fn member(&self, key: &ConvKey, group: &str) -> bool {
        self.info(key).is_some_and(|info| info.conv_conversation_group_array.iter().any(|g| g == group))
    }

    fn history(&self, client: &Client, c: usize) -> Vec<Message> {
        if self.info(&key(c)).is_none() {
            return Vec::new();
        }
        let query = HistoryQuery { count: 1_000, ..Default::default() };
        block_on(client.message_list(key(c), query)).unwrap()
    }
}

struct Harness {
    sdk: Option<Sdk>,
    client: Client,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Counts the messages this test makes: their server times are unique.
    clock: u64,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// A logged-in SDK with every handler recording and the filters subscribed; what the login
    /// raised (Start, Finish) is checked and taken.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        client.set_conv_event_handler(Some(Arc::new(move |event, infos: &[ConvInfo]| {
            sink.lock().unwrap().push(Seen::Conv(event, infos.to_vec()));
        })));
        let sink = seen.clone();
        client.set_group_handler(Some(Arc::new(move |event: &GroupEvent| {
            sink.lock().unwrap().push(Seen::Group(event.clone()));
        })));
        let sink = seen.clone();
        client.set_new_message_handler(Some(Arc::new(move |messages: &[Message]| {
            sink.lock().unwrap().push(Seen::Received(messages.to_vec()));
        })));
        let sink = seen.clone();
        client.set_total_unread_handler(Some(Arc::new(move |total| {
            sink.lock().unwrap().push(Seen::Total(total))
        })));
        let sink = seen.clone();
        client.set_filtered_unread_handler(Some(Arc::new(move |label: &str, total| {
            sink.lock().unwrap().push(Seen::Filtered(label.to_owned(), total));
        })));
        let mut h = Harness { sdk: Some(sdk), client, seen, clock: 0, _dir: dir };
        h.login();
        let mut subs = subscriptions();
        // Subscribed plain first: the `has_at` variant must replace it, label included.
        let (_, last) = subs.pop().unwrap();
        let plain = ConvFilter { has_at: false, ..last.clone() };
        for (label, filter) in
            subs.into_iter().chain([("group-unmarked", plain), ("group-unmarked-at", last)])
        {
            h.client.subscribe_unread_blocking(filter, label.to_owned()).unwrap();
        }
        assert_eq!(h.drain(), [], "subscribing reports nothing");
        h
    }

    /// Logs in and checks that the login raised Start and Finish and nothing else.
    fn login(&mut self) {
        block_on(self.client.login(ME, "")).unwrap();
        // Start and Finish follow the login's answer (docs: "the login callback, Start, Finish"),
        // so a job queued straight onto the callback thread could overtake them; a call's
        // callback, queued by the engine after them, cannot.
        let (tx, rx) = flume::bounded(1);
        self.client.total_unread_with(move |r| tx.send(r).unwrap()).unwrap();
        rx.recv().unwrap().unwrap();
        let seen = self.drain();
        assert_eq!(seen, [Seen::Conv(ConvEvent::Start, vec![]), Seen::Conv(ConvEvent::Finish, vec![])]);
    }

    fn relogin(&mut self) {
        block_on(self.client.logout()).unwrap();
        assert_eq!(self.drain(), [], "a logout raises nothing");
        self.login();
    }

    /// Waits until the callback thread has run everything queued so far and takes what the
    /// handlers saw. A write's events are queued before its caller is answered, so after a
    /// `block_on` they are all there (a drain through the actor would hide one queued late).
    fn drain(&self) -> Vec<Seen> {
        let (tx, rx) = flume::bounded(1);
        assert!(self.client.dispatch(move || tx.send(()).unwrap()));
        rx.recv().unwrap();
        normalized(std::mem::take(&mut *self.seen.lock().unwrap()))
    }

    fn snapshot(&self) -> Snapshot {
        let client = &self.client;
        let list = block_on(client.conversation_list()).unwrap();
        // Get-info and the list are two views of one state: an Update's ConvInfo is checked
        // against the list, and so against get-info.
        let infos = block_on(client.conversation_info(all_keys())).unwrap();
        let listed: Vec<ConvInfo> = all_keys()
            .iter()
            .filter_map(|k| list.iter().find(|i| ident(i) == ident_of(k)))
            .cloned()
            .collect();
        assert_eq!(infos, listed, "get-info agrees with the list");
        let total = block_on(client.total_unread()).unwrap();
        let filtered =
            subscriptions().into_iter().map(|(_, f)| block_on(client.unread_by_filter(f)).unwrap()).collect();
        let groups = block_on(client.group_list()).unwrap();
        Snapshot { list, total, filtered, groups }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(sdk) = self.sdk.take() {
            sdk.shutdown();
        }
    }
}

/// A message delivered as if from the network.
#[derive(Debug, Clone)]
struct Incoming {
    conv: usize,
    /// Few IDs: duplicates, across calls and within one, are common.
    id: u8,
    /// Two bits per property, so that each is set in a quarter of the messages.
    flags: u8,
    /// 0: sent by the user from another device; 1: a peer with a profile; else a peer.
    who: u8,
    /// 0: none, 1: @me, 2: @all, 3: both.
    mention: u8,
}

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Delete(usize),
    SetDraft(usize, u8),
    CancelDraft(usize),
    Send(usize, u8),
    /// Saved with a fixed ID (saving it again fails), older than everything or newest.
    Save {
        conv: usize,
        id: u8,
        old: bool,
        peer: bool,
    },
    Deliver(Vec<Incoming>),
    /// Imports IDs `first..first + count`: overlapping imports skip what is stored.
    Import(usize, u8, u8),
    DeleteMsg(usize, usize),
    Clear(usize),
    Read(usize),
    /// Reads up to the n-th stored message, by its ID or by its time (C2C) or sequence (group).
    ReadUpTo(usize, usize, bool),
    ReadAll(u8),
    RecvOpt(Vec<usize>, u8),
    Pin(usize, bool),
    Mark(Vec<usize>, u8, bool),
    CustomData(Vec<usize>, u8),
    DeleteList(Vec<usize>, bool),
    GroupCreate(u8, Vec<usize>),
    GroupAdd(u8, Vec<usize>),
    GroupRemove(u8, Vec<usize>),
    GroupDelete(u8),
    GroupRename(u8, u8),
    /// Read-only calls only.
    Reads(usize),
    Relogin,
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..KEYS.len();
    let ks = proptest::collection::vec(0..KEYS.len(), 1..4);
    // Mostly the seeded group: calls on a group that does not exist only fail.
    let g = prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)];
    let incoming = (k.clone(), 0u8..16, any::<u8>(), 0u8..6, 0u8..4)
        .prop_map(|(conv, id, flags, who, mention)| Incoming { conv, id, flags, who, mention });
    prop_oneof![
        3 => k.clone().prop_map(Op::Create),
        1 => k.clone().prop_map(Op::Delete),
        2 => (k.clone(), any::<u8>()).prop_map(|(c, t)| Op::SetDraft(c, t)),
        1 => k.clone().prop_map(Op::CancelDraft),
        2 => (k.clone(), any::<u8>()).prop_map(|(c, t)| Op::Send(c, t)),
        1 => (k.clone(), 0u8..4, any::<bool>(), any::<bool>())
            .prop_map(|(conv, id, old, peer)| Op::Save { conv, id, old, peer }),
        5 => proptest::collection::vec(incoming.clone(), 1..2).prop_map(Op::Deliver),
        3 => proptest::collection::vec(incoming, 2..6).prop_map(Op::Deliver),
        1 => (k.clone(), 0u8..6, 1u8..4).prop_map(|(c, first, n)| Op::Import(c, first, n)),
        2 => (k.clone(), any::<usize>()).prop_map(|(c, i)| Op::DeleteMsg(c, i)),
        1 => k.clone().prop_map(Op::Clear),
        2 => k.clone().prop_map(Op::Read),
        2 => (k.clone(), any::<usize>(), any::<bool>()).prop_map(|(c, i, by_id)| Op::ReadUpTo(c, i, by_id)),
        1 => (0u8..3).prop_map(Op::ReadAll),
        1 => (ks.clone(), 0u8..5).prop_map(|(cs, o)| Op::RecvOpt(cs, o)),
        2 => (k.clone(), any::<bool>()).prop_map(|(c, p)| Op::Pin(c, p)),
        2 => (ks.clone(), 0u8..3, any::<bool>()).prop_map(|(cs, m, e)| Op::Mark(cs, m, e)),
        1 => (ks.clone(), 0u8..3).prop_map(|(cs, d)| Op::CustomData(cs, d)),
        1 => (ks.clone(), any::<bool>()).prop_map(|(cs, clear)| Op::DeleteList(cs, clear)),
        2 => (g.clone(), proptest::collection::vec(0..KEYS.len(), 0..3))
            .prop_map(|(g, cs)| Op::GroupCreate(g, cs)),
        2 => (g.clone(), ks.clone()).prop_map(|(g, cs)| Op::GroupAdd(g, cs)),
        1 => (g.clone(), ks).prop_map(|(g, cs)| Op::GroupRemove(g, cs)),
        1 => g.clone().prop_map(Op::GroupDelete),
        // A third of them to the same name (no change), the others to another.
        1 => (g, 0u8..3).prop_map(|(a, d)| Op::GroupRename(a, (a + d) % 3)),
        1 => k.prop_map(Op::Reads),
        1 => Just(Op::Relogin),
    ]
}

/// Up to 20 random operations, most often after a seed that gives every property a count to
/// change: unread messages everywhere, an @ reminder, a conversation group, star marks. (From
/// nothing, a short sequence rarely reaches a group or a marked conversation with news.)
fn ops() -> impl Strategy<Value = Vec<Op>> {
    let seed = [
        Op::Deliver(
            (0..KEYS.len())
                .map(|conv| Incoming { conv, id: conv as u8, flags: 0, who: 2, mention: 1 })
                .collect(),
        ),
        Op::GroupCreate(0, vec![0, 2]),
        Op::Mark(vec![0, 3], 0, true),
    ];
    (proptest::bool::weighted(0.75), proptest::collection::vec(op(), 1..21))
        .prop_map(move |(seeded, ops)| if seeded { seed.iter().cloned().chain(ops).collect() } else { ops })
}

fn text(t: impl Into<String>) -> Message {
    Message::from_elems(vec![Elem::text(t)])
}

fn draft(t: u8) -> Draft {
    Draft { draft_msg: text(format!("d{t}")), draft_user_define: String::new(), draft_edit_time: 1 }
}

fn incoming_message(h: &mut Harness, m: &Incoming) -> Message {
    let (conv_type, conv_id) = KEYS[m.conv];
    let mut msg = text(format!("r{}", m.id));
    let peer = if conv_type == ConvType::C2C { conv_id } else { "peer" };
    msg.message_sender = Some(if m.who == 0 { ME } else { peer }.to_owned());
    msg.message_conv_type = Some(conv_type);
    msg.message_conv_id = Some(conv_id.to_owned());
    msg.message_msg_id = Some(format!("r{}", m.id));
    let both = |bits: u8| m.flags & bits == bits;
    let clock = h.tick();
    msg.message_server_time = Some(if both(0xC0) { 1_000 + clock } else { 2_000_000_000 + clock });
    msg.message_is_excluded_from_unread_count = both(0x03).then_some(true);
    msg.message_is_read = both(0x0C).then_some(true);
    msg.message_excluded_from_last_message = both(0x30).then_some(true);
    if m.who == 1 {
        let profile = serde_json::json!({ "user_profile_nick_name": format!("nick{}", m.id) });
        msg.message_sender_profile = profile.as_object().cloned();
    }
    msg.message_group_at_user_array = match m.mention {
        1 => Some(vec![ME.to_owned()]),
        2 => Some(vec![MESSAGE_AT_ALL.to_owned()]),
        3 => Some(vec![ME.to_owned(), MESSAGE_AT_ALL.to_owned()]),
        _ => None,
    };
    msg
}

/// Carries the operation out; returns the messages a delivery stored (the receive callback's
/// payload). Results are checked only where they tell whether anything changed.
fn apply(h: &mut Harness, before: &Snapshot, op: &Op) -> Vec<Message> {
    let client = h.client.clone();
    match op.clone() {
        Op::Create(c) => {
            let info = block_on(client.create_conversation(key(c))).unwrap();
            assert_eq!(ident(&info), ident_of(&key(c)));
        }
        Op::Delete(c) => {
            let r = block_on(client.delete_conversation(key(c)));
            assert_eq!(r.is_ok(), before.info(&key(c)).is_some(), "delete: {r:?}");
        }
        Op::SetDraft(c, t) => client.set_draft_blocking(key(c), draft(t)).unwrap(),
        Op::CancelDraft(c) => {
            let r = client.cancel_draft_blocking(key(c));
            assert_eq!(r.is_ok(), before.info(&key(c)).is_some(), "cancel draft: {r:?}");
        }
        Op::Send(c, t) => {
            block_on(client.send_message(key(c), text(format!("s{t}")))).unwrap();
        }
        Op::Save { conv, id, old, peer } => {
            let mut msg = text(format!("v{id}"));
            msg.message_msg_id = Some(format!("v{id}"));
            let clock = h.tick();
            msg.message_server_time = Some(if old { 1_000 + clock } else { 2_000_000_000 + clock });
            msg.message_sender = peer.then(|| "peer".to_owned());
            // Fails when the ID is stored already: then nothing may be raised.
            let _ = block_on(client.save_message(key(conv), msg));
        }
        Op::Deliver(list) => {
            let messages: Vec<Message> = list.iter().map(|m| incoming_message(h, m)).collect();
            let stored = block_on(client.deliver(messages)).unwrap();
            let mut ids: Vec<_> = stored.iter().map(|m| m.message_msg_id.clone().unwrap()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), stored.len(), "a duplicate within one delivery is stored once");
            return stored;
        }
        Op::Import(c, first, n) => {
            let list: Vec<Message> = (first..first + n)
                .map(|i| {
                    let mut msg = text(format!("i{i}"));
                    msg.message_msg_id = Some(format!("i{i}"));
                    msg.message_server_time = Some(2_000_000_000 + h.tick());
                    msg
                })
                .collect();
            block_on(client.import_messages(key(c), list)).unwrap();
        }
        Op::DeleteMsg(c, i) => {
            let history = before.history(&client, c);
            // Without a message of its own: one of another conversation, or none (both fail).
            let id = match history.get(i % history.len().max(1)) {
                Some(m) => m.message_msg_id.clone().unwrap(),
                None => format!("r{}", i % 16),
            };
            let r = block_on(client.delete_message(key(c), id));
            assert_eq!(r.is_ok(), !history.is_empty(), "delete message: {r:?}");
        }
        Op::Clear(c) => {
            let r = block_on(client.clear_history(key(c)));
            assert_eq!(r.is_ok(), before.info(&key(c)).is_some(), "clear: {r:?}");
        }
        Op::Read(c) => {
            let r = block_on(client.mark_read(ReadScope::Conversation(key(c))));
            assert_eq!(r.is_ok(), before.info(&key(c)).is_some(), "read: {r:?}");
        }
        Op::ReadUpTo(c, i, by_id) => {
            let history = before.history(&client, c);
            let bound = match history.get(i % history.len().max(1)) {
                None => ReadBound::Message("r0".into()),
                Some(m) if by_id => ReadBound::Message(m.message_msg_id.clone().unwrap().into()),
                Some(m) if KEYS[c].0 == ConvType::C2C => ReadBound::Time(m.message_server_time.unwrap()),
                Some(m) => ReadBound::Seq(m.message_seq.unwrap()),
            };
            let r = block_on(client.read_up_to(key(c), bound));
            assert!(r.is_ok() || history.is_empty(), "read up to: {r:?}");
        }
        Op::ReadAll(t) => {
            let scope = [None, Some(ConvType::C2C), Some(ConvType::Group)][usize::from(t)];
            block_on(client.mark_read(ReadScope::All(scope))).unwrap();
        }
        Op::RecvOpt(cs, o) => {
            let opt = ReceiveMessageOpt::from_value(o.into()).unwrap();
            block_on(client.set_receive_option(keys(&cs), opt)).unwrap();
        }
        Op::Pin(c, pinned) => {
            let r = block_on(client.pin_conversation(key(c), pinned));
            assert_eq!(r.is_ok(), before.info(&key(c)).is_some(), "pin: {r:?}");
        }
        Op::Mark(cs, m, enable) => {
            block_on(client.mark_conversations(keys(&cs), MARKS[usize::from(m)], enable)).unwrap();
        }
        Op::CustomData(cs, d) => {
            block_on(client.set_custom_data(keys(&cs), format!("cd{d}"))).unwrap();
        }
        Op::DeleteList(cs, clear) => {
            block_on(client.delete_conversation_list(keys(&cs), clear)).unwrap();
        }
        Op::GroupCreate(g, cs) => {
            let name = GROUPS[usize::from(g)].to_owned();
            let r = block_on(client.group_op(GroupOp::Create(name.clone(), keys(&cs))));
            // A group is created with at least one conversation.
            assert_eq!(r.is_ok(), !before.groups.contains(&name) && !cs.is_empty(), "create group: {r:?}");
        }
        Op::GroupAdd(g, cs) => {
            let name = GROUPS[usize::from(g)].to_owned();
            let r = block_on(client.group_op(GroupOp::Add(name.clone(), keys(&cs))));
            assert_eq!(r.is_ok(), before.groups.contains(&name), "add to group: {r:?}");
        }
        Op::GroupRemove(g, cs) => {
            let name = GROUPS[usize::from(g)].to_owned();
            let r = block_on(client.group_op(GroupOp::Remove(name.clone(), keys(&cs))));
            assert_eq!(r.is_ok(), before.groups.contains(&name), "remove from group: {r:?}");
        }
        Op::GroupDelete(g) => {
            let name = GROUPS[usize::from(g)].to_owned();
            let r = block_on(client.group_op(GroupOp::Delete(name.clone())));
            assert_eq!(r.is_ok(), before.groups.contains(&name), "delete group: {r:?}");
        }
        Op::GroupRename(a, b) => {
            let (old, new) = (GROUPS[usize::from(a)].to_owned(), GROUPS[usize::from(b)].to_owned());
            let r = block_on(client.group_op(GroupOp::Rename(old.clone(), new.clone())));
            let ok = before.groups.contains(&old) && (old == new || !before.groups.contains(&new));
            assert_eq!(r.is_ok(), ok, "rename group: {r:?}");
        }
        Op::Reads(c) => {
            block_on(client.conversation_list()).unwrap();
            block_on(client.conversation_info(all_keys())).unwrap();
            block_on(client.conversation_page(ConvFilter::default(), 0, 2)).unwrap();
            block_on(client.total_unread()).unwrap();
            block_on(client.unread_by_filter(subscriptions()[1].1.clone())).unwrap();
            block_on(client.group_list()).unwrap();
            // Fails for a missing conversation: a failed read raises nothing either.
            let _ = block_on(client.message_list(key(c), HistoryQuery::default()));
        }
        Op::Relogin => h.relogin(),
    }
    Vec::new()
}

/// The conversation events from the net change between two lists: Add, Update, Del, each at
/// most once, the Del carrying the ConvInfo as it was.
fn conv_events(before: &[ConvInfo], after: &[ConvInfo]) -> Vec<Seen> {
    let by_ident = |list: &[ConvInfo]| list.iter().map(|i| (ident(i), i.clone())).collect::<BTreeMap<_, _>>();
    let (b, a) = (by_ident(before), by_ident(after));
    let added: Vec<ConvInfo> =
        a.iter().filter(|(k, _)| !b.contains_key(*k)).map(|(_, i)| i.clone()).collect();
    let updated: Vec<ConvInfo> =
        a.iter().filter(|(k, i)| b.get(*k).is_some_and(|old| old != *i)).map(|(_, i)| i.clone()).collect();
    let deleted: Vec<ConvInfo> =
        b.iter().filter(|(k, _)| !a.contains_key(*k)).map(|(_, i)| i.clone()).collect();
    [(ConvEvent::Add, added), (ConvEvent::Update, updated), (ConvEvent::Del, deleted)]
        .into_iter()
        .filter(|(_, infos)| !infos.is_empty())
        .map(|(event, infos)| Seen::Conv(event, infos))
        .collect()
}

/// The group callback a conversation-group call owes, read off the state before and after it.
fn group_events(op: &Op, before: &Snapshot, after: &Snapshot) -> Vec<GroupEvent> {
    let name = |g: u8| GROUPS[usize::from(g)].to_owned();
    let members = |cs: &[usize], joined: bool, name: &str| {
        let mut list: Vec<ConvKey> = keys(cs)
            .into_iter()
            .filter(|k| before.member(k, name) != joined && after.member(k, name) == joined)
            .collect();
        list.sort();
        list.dedup();
        list
    };
    let event = match op {
        // Created even when no conversation joined (every one failed); an empty list is refused.
        Op::GroupCreate(g, cs) if !cs.is_empty() && !before.groups.contains(&name(*g)) => {
            Some(GroupEvent::Created(name(*g), members(cs, true, &name(*g))))
        }
        Op::GroupDelete(g) if before.groups.contains(&name(*g)) => Some(GroupEvent::Deleted(name(*g))),
        Op::GroupRename(a, b)
            if a != b && before.groups.contains(&name(*a)) && !before.groups.contains(&name(*b)) =>
        {
            Some(GroupEvent::Renamed(name(*a), name(*b)))
        }
        Op::GroupAdd(g, cs) => Some(GroupEvent::Added(name(*g), members(cs, true, &name(*g)))),
        Op::GroupRemove(g, cs) => Some(GroupEvent::Removed(name(*g), members(cs, false, &name(*g)))),
        _ => None,
    };
    // Adding only members, or removing only non-members, calls nothing.
    event
        .into_iter()
        .filter(|e| !matches!(e, GroupEvent::Added(_, k) | GroupEvent::Removed(_, k) if k.is_empty()))
        .collect()
}

/// Everything one operation must raise, in the documented order.
fn expected(op: &Op, before: &Snapshot, after: &Snapshot, received: Vec<Message>) -> Vec<Seen> {
    if let Op::Relogin = op {
        // Nothing but the login's own events: the counts are recomputed silently.
        return vec![Seen::Conv(ConvEvent::Start, vec![]), Seen::Conv(ConvEvent::Finish, vec![])];
    }
    let mut want = conv_events(&before.list, &after.list);
    want.extend(group_events(op, before, after).into_iter().map(Seen::Group));
    if !received.is_empty() {
        want.push(Seen::Received(received));
    }
    if after.total != before.total {
        want.push(Seen::Total(after.total));
    }
    for (((label, _), was), now) in subscriptions().into_iter().zip(&before.filtered).zip(&after.filtered) {
        if was != now {
            want.push(Seen::Filtered(label.to_owned(), *now));
        }
    }
    want
}

/// Runs one operation and checks what it raised; returns the state after it.
fn step(h: &mut Harness, before: &Snapshot, op: &Op, n: usize) -> Snapshot {
    let received = apply(h, before, op);
    let seen = if let Op::Relogin = op { Vec::new() } else { h.drain() };
    let after = h.snapshot();
    assert_eq!(h.drain(), [], "step {n}: read-only calls raise nothing");
    if let Op::Relogin = op {
        // `relogin` checked Start and Finish; the state is the stored one.
        assert_eq!(after, *before, "step {n}: a new login loads what the logout left");
        return after;
    }
    assert_eq!(seen, expected(op, before, &after, received), "step {n}: {op:?}\nbefore: {before:#?}");
    after
}

fn cases() -> u32 {
    std::env::var("TIM_EVENTS_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_call_raises_exactly_what_it_changed(ops in ops()) {
        // Frequent folds: an idle fold holds the store, and the batch behind it is committed and
        // released by the store thread instead of the actor: both paths must raise the same.
        tim_core::store::fold_recent_records_at(4);
        tim_core::store::fold_pending_rows_at(3);
        let mut h = Harness::new();
        let mut state = h.snapshot();
        for (n, op) in ops.iter().enumerate() {
            state = step(&mut h, &state, op, n);
        }
    }
}

fn from_peer(conv: usize, id: &str, mention: bool) -> Message {
    let (conv_type, conv_id) = KEYS[conv];
    let mut msg = text(id);
    msg.message_sender = Some(if conv_type == ConvType::C2C { conv_id } else { "peer" }.to_owned());
    msg.message_conv_type = Some(conv_type);
    msg.message_conv_id = Some(conv_id.to_owned());
    msg.message_msg_id = Some(id.to_owned());
    msg.message_group_at_user_array = mention.then(|| vec![ME.to_owned()]);
    msg
}

/// Calls that change nothing visible raise nothing: no Update "just in case", no total or
/// count reported unchanged, no Add for a conversation that an import of duplicates would create.
#[test]
fn a_call_that_changes_nothing_raises_nothing() {
    let mut h = Harness::new();
    let setup = [
        Op::Create(0),
        Op::Deliver(vec![Incoming { conv: 2, id: 1, flags: 0, who: 2, mention: 1 }]),
        Op::Import(3, 0, 2),
        Op::GroupCreate(0, vec![0]),
        Op::Mark(vec![2], 0, true),
        Op::CustomData(vec![2], 0),
    ];
    let mut state = h.snapshot();
    for (n, op) in setup.iter().enumerate() {
        state = step(&mut h, &state, op, n);
    }
    let no_ops = [
        Op::Create(0),
        // No draft, and no conversation (fails).
        Op::CancelDraft(0),
        Op::CancelDraft(1),
        Op::Delete(1),
        Op::Pin(0, false),
        Op::RecvOpt(vec![0], 0),
        // An option for a missing conversation is kept in a hidden record: no event.
        Op::RecvOpt(vec![1], 1),
        Op::Mark(vec![0], 1, false),
        Op::Mark(vec![2], 0, true),
        Op::CustomData(vec![2], 0),
        Op::Read(0),
        Op::GroupAdd(0, vec![0]),
        Op::GroupRemove(0, vec![2]),
        Op::GroupRename(0, 0),
        Op::GroupCreate(0, vec![2]),
        Op::Deliver(vec![Incoming { conv: 2, id: 1, flags: 0, who: 2, mention: 1 }]),
        // Duplicates only: the missing conversation is not created.
        Op::Import(1, 0, 2),
        // Older than the newest message: neither its last message nor its place changes.
        Op::Save { conv: 3, id: 0, old: true, peer: true },
        Op::DeleteList(vec![1], true),
        Op::DeleteList(vec![], false),
        Op::Reads(1),
        Op::Relogin,
    ];
    for (n, op) in no_ops.iter().enumerate() {
        // `step` checks that what was raised is what the change calls for; here that is nothing.
        let after = step(&mut h, &state, op, n);
        assert_eq!(after, state, "{op:?} changed nothing");
    }
}

/// Reading an unread conversation: one Update with the conversation as it now is, the new total,
/// and the by-filter counts that changed, in that order and in subscription order.
#[test]
fn reading_an_unread_conversation_raises_update_total_and_filtered() {
    let h = Harness::new();
    let client = &h.client;
    block_on(client.deliver(vec![from_peer(0, "m1", false), from_peer(0, "m2", false)])).unwrap();
    block_on(client.deliver(vec![from_peer(2, "m3", true)])).unwrap();
    h.drain();
    assert_eq!(block_on(client.total_unread()).unwrap(), 3);
    block_on(client.mark_read(ReadScope::Conversation(key(0)))).unwrap();
    let info = block_on(client.conversation_info(vec![key(0)])).unwrap().remove(0);
    assert_eq!(info.conv_unread_num, 0);
    assert_eq!(
        h.drain(),
        [
            Seen::Conv(ConvEvent::Update, vec![info]),
            Seen::Total(1),
            Seen::Filtered("all".into(), 1),
            Seen::Filtered("c2c-unread".into(), 0),
            Seen::Filtered("ungrouped".into(), 1),
        ]
    );
}

/// The rank of a callback within its batch (docs: "Callback order").
fn rank(seen: &Seen) -> usize {
    match seen {
        Seen::Conv(ConvEvent::Add, _) => 0,
        Seen::Conv(ConvEvent::Update, _) => 1,
        Seen::Conv(ConvEvent::Del, _) => 2,
        Seen::Conv(..) => panic!("Start or Finish without a login: {seen:?}"),
        Seen::Group(_) => 3,
        Seen::Received(_) => 4,
        Seen::Total(_) => 5,
        Seen::Filtered(..) => 6,
        Seen::Answer(_) => 7,
    }
}

/// Waits for the calls made so far (a last call's callback runs after all of theirs), then takes
/// what the handlers saw.
fn settle(h: &Harness) -> Vec<Seen> {
    let (tx, rx) = flume::bounded(1);
    h.client.total_unread_with(move |r| tx.send(r).unwrap()).unwrap();
    rx.recv().unwrap().unwrap();
    h.drain()
}

/// What holds however the calls were batched: an app that applies the events to the list it had
/// ends with the engine's list (no Add of a listed conversation, no Update or Del of an unlisted
/// one); each count is reported only when it changed, the last report being the engine's; the
/// receive callback got every stored message once, in the order stored; the group callbacks
/// replayed on the old group list give the new one.
fn check_adds_up(before: &Snapshot, seen: &[Seen], after: &Snapshot, stored: &[Message]) {
    let mut list: BTreeMap<(i32, String), ConvInfo> =
        before.list.iter().map(|i| (ident(i), i.clone())).collect();
    for s in seen {
        let Seen::Conv(event, infos) = s else { continue };
        for info in infos {
            let listed = list.contains_key(&ident(info));
            match event {
                ConvEvent::Add => assert!(!listed, "Add of a listed conversation: {info:?}"),
                _ => assert!(listed, "{event:?} of an unlisted conversation: {info:?}"),
            }
            match event {
                ConvEvent::Del => list.remove(&ident(info)),
                _ => list.insert(ident(info), info.clone()),
            };
        }
    }
    let engine: BTreeMap<(i32, String), ConvInfo> =
        after.list.iter().map(|i| (ident(i), i.clone())).collect();
    assert_eq!(list, engine, "the events add up to the list");

    let totals: Vec<u64> = std::iter::once(before.total)
        .chain(seen.iter().filter_map(|s| if let Seen::Total(t) = s { Some(*t) } else { None }))
        .collect();
    assert!(totals.windows(2).all(|w| w[0] != w[1]), "a total reported unchanged: {totals:?}");
    assert_eq!(*totals.last().unwrap(), after.total, "the last total reported");
    for (n, (label, _)) in subscriptions().iter().enumerate() {
        let counts: Vec<u64> = std::iter::once(before.filtered[n])
            .chain(seen.iter().filter_map(|s| match s {
                Seen::Filtered(l, c) if l == label => Some(*c),
                _ => None,
            }))
            .collect();
        assert!(counts.windows(2).all(|w| w[0] != w[1]), "{label} reported unchanged: {counts:?}");
        assert_eq!(*counts.last().unwrap(), after.filtered[n], "the last count of {label}");
    }

    let got: Vec<&Message> = seen
        .iter()
        .filter_map(|s| if let Seen::Received(m) = s { Some(m) } else { None })
        .flatten()
        .collect();
    assert_eq!(got, stored.iter().collect::<Vec<_>>(), "every stored message received once");

    let mut groups = before.groups.clone();
    for s in seen {
        match s {
            Seen::Group(GroupEvent::Created(name, _)) => groups.push(name.clone()),
            Seen::Group(GroupEvent::Deleted(name)) => groups.retain(|g| g != name),
            Seen::Group(GroupEvent::Renamed(old, new)) => {
                groups.iter_mut().filter(|g| *g == old).for_each(|g| *g = new.clone());
            }
            _ => {}
        }
    }
    assert_eq!(groups, after.groups, "the group callbacks add up to the group list");
}

/// Calls made without waiting share batches, so what each raises is no longer fixed. What is:
/// each batch's callbacks come in the documented order, before its calls' answers, at most one
/// per kind (one per filter, in subscription order); and the whole adds up ([`check_adds_up`]).
#[test]
fn a_burst_of_calls_keeps_the_batch_order_and_adds_up() {
    let h = Harness::new();
    block_on(h.client.create_conversation(key(3))).unwrap();
    block_on(h.client.deliver(vec![from_peer(3, "old", false)])).unwrap();
    h.drain();
    let before = h.snapshot();
    let client = h.client.clone();
    let stored = Arc::new(Mutex::new(Vec::new()));
    let mut calls = 0;
    // Each completion logs its number among the events: the answers end their batch.
    let mut answer = || {
        let (seen, i) = (h.seen.clone(), calls);
        calls += 1;
        move |_: bool| seen.lock().unwrap().push(Seen::Answer(i))
    };
    for round in 0..6u64 {
        let a = answer();
        client.create_conversation_with(key(0), move |r| a(r.is_ok())).unwrap();
        let (a, sink) = (answer(), stored.clone());
        let batch = vec![from_peer(0, &format!("b{round}"), false), from_peer(2, &format!("c{round}"), true)];
        client
            .deliver_with(batch, move |r| {
                sink.lock().unwrap().extend(r.as_ref().unwrap().iter().cloned());
                a(r.is_ok());
            })
            .unwrap();
        let a = answer();
        client.send_message_with(key(1), text("hi"), move |r| a(r.is_ok())).unwrap();
        let a = answer();
        client.pin_conversation_with(key(0), round % 2 == 0, move |r| a(r.is_ok())).unwrap();
        let a = answer();
        client.mark_conversations_with(vec![key(2)], 0x1, round % 3 != 0, move |r| a(r.is_ok())).unwrap();
        let a = answer();
        let op = if round % 2 == 0 {
            GroupOp::Create("work".into(), vec![key(0), key(2)])
        } else {
            GroupOp::Delete("work".into())
        };
        client.group_op_with(op, move |r| a(r.is_ok())).unwrap();
        let a = answer();
        client.conversation_list_with(move |r| a(r.is_ok())).unwrap();
        let a = answer();
        client.mark_read_with(ReadScope::Conversation(key(2)), move |r| a(r.is_ok())).unwrap();
        let a = answer();
        let opt = ReceiveMessageOpt::from_value((round % 2) as i64).unwrap();
        client.set_receive_option_with(vec![key(3)], opt, move |r| a(r.is_ok())).unwrap();
        let a = answer();
        client.delete_conversation_list_with(vec![key(1)], round % 2 == 0, move |r| a(r.is_ok())).unwrap();
        let a = answer();
        let bound = ReadBound::Message(format!("b{round}").into());
        client.read_up_to_with(key(0), bound, move |r| a(r.is_ok())).unwrap();
    }
    let seen = settle(&h);
    let after = h.snapshot();

    let answers: Vec<usize> =
        seen.iter().filter_map(|s| if let Seen::Answer(i) = s { Some(*i) } else { None }).collect();
    assert_eq!(answers, (0..calls).collect::<Vec<_>>(), "every call answered once, in call order");
    // Every batch holds a call of this thread (nothing else writes), so answers delimit them.
    for batch in seen.split(|s| matches!(s, Seen::Answer(_))).filter(|b| !b.is_empty()) {
        let ranks: Vec<usize> = batch.iter().map(rank).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "a batch out of order: {batch:#?}");
        for once in [0, 1, 2, 4, 5] {
            let n = ranks.iter().filter(|r| **r == once).count();
            assert!(n <= 1, "two of a kind in one batch: {batch:#?}");
        }
        let labels: Vec<&str> = batch
            .iter()
            .filter_map(|s| if let Seen::Filtered(l, _) = s { Some(l.as_str()) } else { None })
            .collect();
        let order: Vec<&str> =
            subscriptions().iter().map(|(l, _)| *l).filter(|l| labels.contains(l)).collect();
        assert_eq!(labels, order, "each filter once, in subscription order");
    }
    let events = seen.into_iter().filter(|s| !matches!(s, Seen::Answer(_))).collect::<Vec<_>>();
    check_adds_up(&before, &events, &after, &stored.lock().unwrap());
}

/// Writers blocked on two threads (drafts) and a third making calls without waiting: group
/// commit gathers the blocked writers into shared batches, committed by the actor or the store
/// thread. Whatever the batches were, the events add up.
#[test]
fn concurrent_writers_raise_events_that_add_up() {
    tim_core::store::fold_recent_records_at(4);
    let h = Harness::new();
    let before = h.snapshot();
    let stored = Arc::new(Mutex::new(Vec::new()));
    std::thread::scope(|s| {
        for t in 0..2 {
            let client = h.client.clone();
            s.spawn(move || {
                for i in 0..20 {
                    client.set_draft_blocking(key(t), draft(i)).unwrap();
                    if i % 3 == 0 {
                        client.cancel_draft_blocking(key(t)).unwrap();
                    }
                }
            });
        }
        for i in 0..20u64 {
            let sink = stored.clone();
            let batch = vec![from_peer(i as usize % 4, &format!("x{i}"), i % 2 == 0)];
            h.client.deliver_with(batch, move |r| sink.lock().unwrap().extend(r.unwrap())).unwrap();
            h.client.mark_read_with(ReadScope::All(Some(ConvType::Group)), |r| r.unwrap()).unwrap();
            h.client.pin_conversation_with(key(2), i % 2 == 0, |_| {}).unwrap();
            let op = if i % 4 == 0 {
                GroupOp::Create("work".into(), vec![key(0)])
            } else {
                GroupOp::Delete("work".into())
            };
            h.client.group_op_with(op, |_| {}).unwrap();
            if i % 5 == 4 {
                h.client.delete_conversation_list_with(vec![key(3)], i % 2 == 0, |_| {}).unwrap();
            }
        }
    });
    let seen = settle(&h);
    let after = h.snapshot();
    check_adds_up(&before, &seen, &after, &stored.lock().unwrap());
}
