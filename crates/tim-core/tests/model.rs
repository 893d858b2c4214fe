//! Model-based property test: random sequences of conversation and message operations against a
//! small reference model. After every step the list order, unread counts, total, last messages,
//! each listed conversation's history (with `message_is_read`), read timestamps and sequences,
//! drafts, receive options and @-info must equal the model's, across restarts too.
//!
//! Besides the plain calls, the ops cover messages named by ID or by TIM 5.x locator (server
//! time with sequence and/or rand, colliding on purpose) in read reports, deletes and history
//! starts; reads up to a sequence or a time; sequence queries; calls queued back to back so that
//! they share a store transaction (answers in call order); and cursor walks of the list that stay
//! open across other ops and restarts, checked against what docs/c-api.md promises of paging
//! (no repeat, none skipped that stayed below the cursor, an old cursor refused after a login).
//! The store folds its recent records (`store/recent.rs`) and pending index rows often here, so
//! that folds happen at every point of a sequence.
//!
//! `TIM_MODEL_CASES` sets the number of cases (default 24, for CI); set it high for a long run.
//! `TIM_MODEL_FOCUS=1` plays on three conversations (deeper histories); `TIM_FOLD_RECENT` and
//! `TIM_FOLD_PENDING` set how often the store folds; deleted and cleared histories longer than
//! `TIM_RETIRE_ABOVE` (default 1) are retired, their rows removed afterwards
//! (`store/numbers.rs`); `TIM_MODEL_STATS=1` prints op counts.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tim_core::{
    ConvFilter, ConvKey, GroupOp, HistoryQuery, HistoryStart, MessageLocator, MessageName, ReadBound,
    ReadScope, Sdk, SdkConfig, block_on,
};
use tim_types::keys::MESSAGE_AT_ALL;
use tim_types::{ConvType, Draft, Elem, GroupAtType, Message, ReceiveMessageOpt};

const KEYS: [(ConvType, &str); 8] = [
    (ConvType::C2C, "a"),
    (ConvType::C2C, "b"),
    // Longer than a key holds inline (21 bytes): the shared form goes through every path too.
    (ConvType::C2C, "c-a-user-id-of-32-bytes-00000001"),
    (ConvType::Group, "g"),
    (ConvType::Group, "@TGS#h-a-group-id-longer-than-21"),
    (ConvType::C2C, "d"),
    (ConvType::Group, "g2"),
    // The same ID as the group "g": another conversation.
    (ConvType::C2C, "g"),
];

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Delete(usize),
    SetDraft(usize, u8),
    CancelDraft(usize),
    Send(usize, u8),
    Receive { conv: usize, text: u8, flags: u8, id: u8, mention: u8, seq: u8, rand: u8 },
    Import(usize, u8),
    DeleteMsg(usize, usize),
    Clear(usize),
    Read(usize),
    ReadAll(u8),
    RecvOpt(usize, u8),
    Pin(usize, bool),
    Mark(usize, u8, bool),
    CustomData(usize, u8),
    GroupCreate(u8, usize),
    GroupAdd(u8, usize),
    GroupRemove(u8, usize),
    GroupDelete(u8),
    DeleteList(usize, bool),
    Restart,
    ReadMsg(usize, usize, u8),
    ReadSeq(usize, u8),
    ReadTime(usize, usize, u8),
    DeleteLoc(usize, usize, u8),
    HistoryAfter { conv: usize, idx: usize, how: u8, forward: bool, count: u8 },
    PageStep(u8, u8),
    Batch(Vec<Op>),
    HistorySeq { conv: usize, seqs: Vec<u8>, at: bool, forward: bool, count: u8 },
    Save { conv: usize, id: u8, seq: u8, low: bool },
}

const GROUPS: [&str; 2] = ["work", "family"];
const MARKS: [u64; 3] = [0x1, 0x4, 1 << 40];

/// The conversations ops name: all, or with TIM_MODEL_FOCUS=1 two (deeper histories).
fn focus() -> Vec<usize> {
    if std::env::var("TIM_MODEL_FOCUS").is_ok() { vec![0, 3, 7, 3, 7] } else { (0..KEYS.len()).collect() }
}

fn batched_op() -> impl Strategy<Value = Op> {
    let k = prop::sample::select(focus());
    prop_oneof![
        4 => (k.clone(), any::<u8>(), any::<u8>(), 0u8..12, 0u8..4, 0u8..10, 0u8..6)
            .prop_map(|(conv, text, flags, id, mention, seq, rand)| Op::Receive { conv, text, flags, id, mention, seq, rand }),
        2 => (k.clone(), any::<usize>(), 0u8..5).prop_map(|(c, i, h)| Op::ReadMsg(c, i, h)),
        2 => (prop::sample::select(vec![3usize, 4, 6]), 0u8..9).prop_map(|(c, s)| Op::ReadSeq(c, s)),
        2 => (k.clone(), any::<usize>(), 0u8..5).prop_map(|(c, i, h)| Op::DeleteLoc(c, i, h)),
        2 => (k.clone(), any::<usize>(), 0u8..5, any::<bool>(), 1u8..5)
            .prop_map(|(conv, idx, how, forward, count)| Op::HistoryAfter { conv, idx, how, forward, count }),
        1 => k.clone().prop_map(Op::Create),
        1 => k.clone().prop_map(Op::Delete),
        1 => k.clone().prop_map(Op::Read),
        1 => (k.clone(), any::<bool>()).prop_map(|(c, p)| Op::Pin(c, p)),
        1 => (k, any::<bool>()).prop_map(|(c, clear)| Op::DeleteList(c, clear)),
        1 => Just(Op::PageStep(0, 1)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let k = prop::sample::select(focus());
    prop_oneof![
        2 => k.clone().prop_map(Op::Create),
        1 => k.clone().prop_map(Op::Delete),
        2 => (k.clone(), any::<u8>()).prop_map(|(c, t)| Op::SetDraft(c, t)),
        1 => k.clone().prop_map(Op::CancelDraft),
        3 => (k.clone(), any::<u8>()).prop_map(|(c, t)| Op::Send(c, t)),
        6 => (k.clone(), any::<u8>(), any::<u8>(), 0u8..12, 0u8..4, 0u8..10, 0u8..6)
            .prop_map(|(conv, text, flags, id, mention, seq, rand)| Op::Receive { conv, text, flags, id, mention, seq, rand }),
        1 => (k.clone(), 1u8..6).prop_map(|(c, n)| Op::Import(c, n)),
        2 => (k.clone(), any::<usize>()).prop_map(|(c, i)| Op::DeleteMsg(c, i)),
        1 => k.clone().prop_map(Op::Clear),
        2 => k.clone().prop_map(Op::Read),
        1 => (0u8..3).prop_map(Op::ReadAll),
        1 => (k.clone(), 0u8..5).prop_map(|(c, o)| Op::RecvOpt(c, o)),
        2 => (k.clone(), any::<bool>()).prop_map(|(c, p)| Op::Pin(c, p)),
        2 => (k.clone(), 0u8..3, any::<bool>()).prop_map(|(c, m, e)| Op::Mark(c, m, e)),
        1 => (k.clone(), any::<u8>()).prop_map(|(c, d)| Op::CustomData(c, d)),
        1 => (0u8..2, k.clone()).prop_map(|(g, c)| Op::GroupCreate(g, c)),
        1 => (0u8..2, k.clone()).prop_map(|(g, c)| Op::GroupAdd(g, c)),
        1 => (0u8..2, k.clone()).prop_map(|(g, c)| Op::GroupRemove(g, c)),
        1 => (0u8..2).prop_map(Op::GroupDelete),
        1 => (k.clone(), any::<bool>()).prop_map(|(c, clear)| Op::DeleteList(c, clear)),
        1 => Just(Op::Restart),
        2 => (k.clone(), any::<usize>(), 0u8..5).prop_map(|(c, i, h)| Op::ReadMsg(c, i, h)),
        2 => (prop::sample::select(vec![3usize, 4, 6]), 0u8..9).prop_map(|(c, s)| Op::ReadSeq(c, s)),
        1 => (prop::sample::select(vec![0usize, 1, 2, 5, 7]), any::<usize>(), 0u8..4)
            .prop_map(|(c, i, d)| Op::ReadTime(c, i, d)),
        2 => (k.clone(), any::<usize>(), 0u8..5).prop_map(|(c, i, h)| Op::DeleteLoc(c, i, h)),
        2 => (k.clone(), any::<usize>(), 0u8..5, any::<bool>(), 1u8..5)
            .prop_map(|(conv, idx, how, forward, count)| Op::HistoryAfter { conv, idx, how, forward, count }),
        3 => proptest::collection::vec(batched_op(), 2..6).prop_map(Op::Batch),
        2 => (k.clone(), 0u8..12, 0u8..8, any::<bool>())
            .prop_map(|(conv, id, seq, low)| Op::Save { conv, id, seq, low }),
        2 => (k.clone(), proptest::collection::vec(0u8..8, 1..4), any::<bool>(), any::<bool>(), 1u8..5)
            .prop_map(|(conv, seqs, at, forward, count)| Op::HistorySeq { conv, seqs, at, forward, count }),
        8 => (prop::sample::select(vec![0u8, 0, 0, 0, 1, 2, 2, 3, 4, 5, 6]), prop::sample::select(vec![1u8, 1, 2, 3])).prop_map(|(f, n)| Op::PageStep(f, n)),
    ]
}

#[derive(Debug, Clone)]
struct MMsg {
    pos: (u64, u64),
    id: String,
    text: String,
    counts: bool,
    can_be_last: bool,
    seq: u64,
    rand: u64,
    /// `message_is_read` as stored (reported true anyway once the read mark passes it).
    stored_read: bool,
}

impl MMsg {
    /// A message sent or saved: stored read, never counted, able to be the last message (its
    /// position's second part is filled in by `Model::insert`).
    fn own_history(time: u64, id: String, text: String, seq: u64, rand: u64) -> MMsg {
        MMsg { pos: (time, 0), id, text, counts: false, can_be_last: true, seq, rand, stored_read: true }
    }
}

#[derive(Debug, Clone, Default)]
struct MConv {
    order: u64,
    draft: Option<String>,
    recv: i32,
    msgs: Vec<MMsg>,
    read_mark: Option<(u64, u64)>,
    read_seq: u64,
    max_seq: u64,
    at: Vec<((u64, u64), u64, GroupAtType)>,
    pinned: bool,
    marks: u64,
    groups: Vec<String>,
    custom: String,
    hidden: bool,
}

impl MConv {
    fn unread(&self) -> u64 {
        self.msgs.iter().filter(|m| m.counts && Some(m.pos) > self.read_mark).count() as u64
    }
    fn last(&self) -> Option<&MMsg> {
        self.msgs.iter().filter(|m| m.can_be_last).max_by_key(|m| m.pos)
    }
    fn newest(&self) -> Option<(u64, u64)> {
        self.msgs.iter().map(|m| m.pos).max()
    }
    /// Hidden, muted, and otherwise as new: a user or group muted with no conversation.
    fn holds_only_a_receive_option(&self) -> bool {
        self.hidden
            && self.recv != 0
            && self.msgs.is_empty()
            && self.draft.is_none()
            && self.read_mark.is_none()
            && self.read_seq == 0
            && self.max_seq == 0
            && self.at.is_empty()
            && !self.pinned
            && self.marks == 0
            && self.groups.is_empty()
            && self.custom.is_empty()
    }
}

#[derive(Debug, Default)]
struct Model {
    convs: BTreeMap<usize, MConv>,
    next_order: u64,
    next_uid: u64,
    clock: u64,
    ids: BTreeSet<String>,
    groups: Vec<String>,
    walk: Option<Walk>,
}

#[derive(Debug)]
struct Walk {
    filter: ConvFilter,
    next_seq: u64,
    returned: Vec<usize>,
    /// Conversations below the cursor, matching, that sat at the same (pinned, order) at every
    /// page request since they were first seen so: each must be returned before the walk ends.
    pending: BTreeMap<usize, (bool, u64)>,
    /// (pinned, order) of the last conversation returned, when it was returned.
    cursor: Option<(bool, u64)>,
    /// A restart came: the cursor is forgotten.
    expired: bool,
}

impl Model {
    fn take_order(&mut self) -> u64 {
        self.next_order += 1;
        self.next_order
    }

    /// The visible conversations' labels in list order: pinned first, then by order key.
    fn list_order(&self) -> Vec<String> {
        let mut expected: Vec<(bool, u64, usize)> = self
            .convs
            .iter()
            .filter(|(_, conv)| !conv.hidden)
            .map(|(c, conv)| (conv.pinned, conv.order, *c))
            .collect();
        expected.sort_by(|a, b| b.cmp(a));
        expected.iter().map(|(_, _, c)| label(*c)).collect()
    }

    /// Deletes the conversation with its messages; its receive option stays, in a hidden
    /// conversation, as TIM keeps it on its server.
    fn purge(&mut self, c: usize) {
        let conv = self.convs.remove(&c).unwrap();
        for msg in &conv.msgs {
            self.ids.remove(&msg.id);
        }
        if conv.recv != 0 {
            self.convs.insert(c, MConv { recv: conv.recv, hidden: true, ..Default::default() });
        }
    }

    /// Creates the conversation, or brings a hidden one back at the top. Returns whether it was
    /// absent (or hidden) before.
    fn ensure(&mut self, c: usize) -> bool {
        match self.convs.get(&c).map(|conv| conv.hidden) {
            Some(false) => false,
            Some(true) => {
                let order = self.take_order();
                let conv = self.convs.get_mut(&c).unwrap();
                conv.hidden = false;
                conv.order = order;
                true
            }
            None => {
                let order = self.take_order();
                self.convs.insert(c, MConv { order, ..Default::default() });
                true
            }
        }
    }

    fn visible(&mut self, c: usize) -> Option<&mut MConv> {
        self.convs.get_mut(&c).filter(|conv| !conv.hidden)
    }

    /// Files a message as the engine does; `time` None means the engine picks now (a send).
    fn insert(&mut self, c: usize, mut m: MMsg, mention: Option<GroupAtType>) {
        if !self.convs.contains_key(&c) {
            let order = self.take_order();
            self.convs.insert(c, MConv { order, ..Default::default() });
        }
        if self.convs[&c].hidden {
            // The engine brings it back at the top first, then files the message.
            let order = self.take_order();
            let conv = self.convs.get_mut(&c).unwrap();
            conv.hidden = false;
            conv.order = order;
        }
        self.next_uid += 1;
        m.pos.1 = self.next_uid;
        let newest = self.convs[&c].newest();
        let bump = Some(m.pos) > newest;
        let order = if bump { Some(self.take_order()) } else { None };
        let conv = self.convs.get_mut(&c).unwrap();
        if m.seq == 0 {
            m.seq = conv.max_seq + 1;
        }
        conv.max_seq = conv.max_seq.max(m.seq);
        if m.counts
            && Some(m.pos) > conv.read_mark
            && let Some(at) = mention
        {
            conv.at.push((m.pos, m.seq, at));
        }
        if let Some(order) = order {
            conv.order = order;
        }
        self.ids.insert(m.id.clone());
        conv.msgs.push(m);
    }
}

fn key(c: usize) -> ConvKey {
    ConvKey::new(KEYS[c].0, KEYS[c].1).unwrap()
}

fn text_of(msg: &Message) -> String {
    match &msg.message_elem_array[0] {
        Elem::Text(t) => t.text_elem_content.clone(),
        _ => String::new(),
    }
}

fn draft(t: u8) -> Draft {
    Draft {
        draft_msg: Message::from_elems(vec![Elem::text(format!("d{t}"))]),
        draft_user_define: String::new(),
        draft_edit_time: 1,
    }
}

struct Harness {
    dir: tempfile::TempDir,
    sdk: Option<Sdk>,
}

impl Harness {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut h = Harness { dir, sdk: None };
        h.restart();
        h
    }
    fn restart(&mut self) {
        if let Some(sdk) = self.sdk.take() {
            sdk.shutdown();
        }
        let sdk = Sdk::start(SdkConfig::new(self.dir.path())).unwrap();
        block_on(sdk.client().login("me", "")).unwrap();
        self.sdk = Some(sdk);
    }
    fn client(&self) -> tim_core::Client {
        self.sdk.as_ref().unwrap().client()
    }
}

fn apply(h: &mut Harness, m: &mut Model, op: &Op) {
    let client = h.client();
    match op.clone() {
        Op::Create(c) => {
            block_on(client.create_conversation(key(c))).unwrap();
            m.ensure(c);
        }
        Op::Delete(c) => {
            let r = block_on(client.delete_conversation(key(c)));
            model_delete_conv(m, c, r.is_ok());
        }
        Op::SetDraft(c, t) => {
            client.set_draft_blocking(key(c), draft(t)).unwrap();
            if !m.ensure(c) {
                let order = m.take_order();
                m.convs.get_mut(&c).unwrap().order = order;
            }
            m.convs.get_mut(&c).unwrap().draft = Some(format!("d{t}"));
        }
        Op::CancelDraft(c) => {
            let r = client.cancel_draft_blocking(key(c));
            match m.visible(c) {
                Some(conv) => {
                    r.unwrap();
                    conv.draft = None;
                }
                None => assert!(r.is_err()),
            }
        }
        Op::Send(c, t) => {
            let sent =
                block_on(client.send_message(key(c), Message::from_elems(vec![Elem::text(format!("s{t}"))])))
                    .unwrap();
            let time = sent.message_server_time.unwrap();
            let id = sent.message_msg_id.unwrap();
            let rand = sent.message_rand.unwrap();
            m.insert(c, MMsg::own_history(time, id, format!("s{t}"), 0, rand), None);
        }
        Op::Receive { conv: c, text, flags, id, mention, seq, rand } => {
            let (msg, recv) = build_receive(m, c, text, flags, id, mention, seq, rand);
            let stored = block_on(client.deliver(vec![msg])).map_err(|e| e.to_string());
            model_received(m, recv, stored);
        }
        Op::Import(c, n) => {
            let list: Vec<Message> = (0..n)
                .map(|i| {
                    m.clock += 1;
                    let mut msg = Message::from_elems(vec![Elem::text(format!("i{i}"))]);
                    msg.message_server_time = Some(2_000_000_000 + m.clock);
                    msg.message_msg_id = Some(format!("imp{}", m.clock));
                    msg.message_rand = Some(m.clock % 3 + 1);
                    msg
                })
                .collect();
            let times: Vec<_> = list
                .iter()
                .map(|x| {
                    (
                        x.message_server_time.unwrap(),
                        x.message_msg_id.clone().unwrap(),
                        x.message_rand.unwrap(),
                    )
                })
                .collect();
            block_on(client.import_messages(key(c), list)).unwrap();
            for (i, (time, id, rand)) in times.into_iter().enumerate() {
                m.insert(
                    c,
                    MMsg {
                        pos: (time, 0),
                        id,
                        text: format!("i{i}"),
                        counts: false,
                        can_be_last: true,
                        seq: 0,
                        rand,
                        stored_read: true,
                    },
                    None,
                );
            }
        }
        Op::DeleteMsg(c, i) => {
            let Some(conv) = m.convs.get_mut(&c) else { return };
            if conv.msgs.is_empty() {
                return;
            }
            if conv.hidden {
                // A hidden conversation does not exist to the API: its messages stay untouched.
                let id = conv.msgs[i % conv.msgs.len()].id.clone();
                return assert!(block_on(client.delete_message(key(c), id)).is_err());
            }
            let victim = conv.msgs.remove(i % conv.msgs.len());
            block_on(client.delete_message(key(c), victim.id.clone())).unwrap();
            m.ids.remove(&victim.id);
            if victim.counts && Some(victim.pos) > conv.read_mark {
                conv.at.retain(|(p, _, _)| *p != victim.pos);
            }
        }
        Op::Clear(c) => {
            let r = block_on(client.clear_history(key(c)));
            let Some(conv) = m.convs.get_mut(&c).filter(|conv| !conv.hidden) else {
                return assert!(r.is_err());
            };
            r.unwrap();
            for msg in conv.msgs.drain(..) {
                m.ids.remove(&msg.id);
            }
            conv.at.clear();
        }
        Op::Read(c) => {
            let r = block_on(client.mark_read(ReadScope::Conversation(key(c))));
            model_read_all(m, c, r.is_ok());
        }
        Op::ReadAll(t) => {
            let scope = [None, Some(ConvType::C2C), Some(ConvType::Group)][t as usize];
            block_on(client.mark_read(ReadScope::All(scope))).unwrap();
            for (c, conv) in m.convs.iter_mut() {
                if !conv.hidden && scope.is_none_or(|s| KEYS[*c].0 == s) {
                    read_all(conv);
                }
            }
        }
        Op::RecvOpt(c, o) => {
            let opt = ReceiveMessageOpt::from_value(o.into()).unwrap();
            block_on(client.set_receive_option(vec![key(c)], opt)).unwrap();
            // Hidden ones keep it too; a missing one gets a hidden record keeping any but Receive,
            // which goes when set back to Receive.
            match m.convs.get_mut(&c) {
                Some(conv) if opt == ReceiveMessageOpt::Receive && conv.holds_only_a_receive_option() => {
                    m.convs.remove(&c);
                }
                Some(conv) => conv.recv = opt.value(),
                None if opt != ReceiveMessageOpt::Receive => {
                    m.convs.insert(c, MConv { recv: opt.value(), hidden: true, ..Default::default() });
                }
                None => {}
            }
        }
        Op::Pin(c, pinned) => {
            let r = block_on(client.pin_conversation(key(c), pinned));
            model_pin(m, c, pinned, r.is_ok());
        }
        Op::Mark(c, bit, enable) => {
            let bits = MARKS[bit as usize];
            let r = block_on(client.mark_conversations(vec![key(c)], bits, enable)).unwrap();
            let Some(conv) = m.visible(c) else { return assert!(r[0].1.is_err()) };
            assert!(r[0].1.is_ok());
            conv.marks = if enable { conv.marks | bits } else { conv.marks & !bits };
        }
        Op::CustomData(c, d) => {
            let r = block_on(client.set_custom_data(vec![key(c)], format!("cd{d}"))).unwrap();
            let Some(conv) = m.visible(c) else { return assert!(r[0].1.is_err()) };
            assert!(r[0].1.is_ok());
            conv.custom = format!("cd{d}");
        }
        Op::GroupCreate(g, c) => {
            let name = GROUPS[g as usize].to_owned();
            let r = block_on(client.group_op(GroupOp::Create(name.clone(), vec![key(c)])));
            if m.groups.contains(&name) {
                return assert!(r.is_err());
            }
            let r = r.unwrap();
            m.groups.push(name.clone());
            match m.visible(c) {
                Some(conv) => {
                    assert!(r[0].1.is_ok());
                    conv.groups.push(name);
                }
                None => assert!(r[0].1.is_err()),
            }
        }
        Op::GroupAdd(g, c) | Op::GroupRemove(g, c) => {
            let name = GROUPS[g as usize].to_owned();
            let add = matches!(op, Op::GroupAdd(..));
            let group_op = if add {
                GroupOp::Add(name.clone(), vec![key(c)])
            } else {
                GroupOp::Remove(name.clone(), vec![key(c)])
            };
            let r = block_on(client.group_op(group_op));
            if !m.groups.contains(&name) {
                return assert!(r.is_err());
            }
            let r = r.unwrap();
            match m.visible(c) {
                Some(conv) => {
                    assert!(r[0].1.is_ok());
                    let member = conv.groups.contains(&name);
                    if add && !member {
                        conv.groups.push(name);
                    } else if !add {
                        conv.groups.retain(|x| *x != name);
                    }
                }
                None => assert!(r[0].1.is_err()),
            }
        }
        Op::GroupDelete(g) => {
            let name = GROUPS[g as usize].to_owned();
            let r = block_on(client.group_op(GroupOp::Delete(name.clone())));
            if !m.groups.contains(&name) {
                return assert!(r.is_err());
            }
            r.unwrap();
            m.groups.retain(|x| *x != name);
            for conv in m.convs.values_mut() {
                conv.groups.retain(|x| *x != name);
            }
        }
        Op::DeleteList(c, clear) => {
            let r = block_on(client.delete_conversation_list(vec![key(c)], clear)).unwrap();
            model_delete_list(m, c, clear, r[0].1.is_ok());
        }
        Op::Restart => {
            h.restart();
            if let Some(walk) = &mut m.walk {
                walk.expired = true;
            }
        }
        Op::ReadMsg(c, idx, how) => {
            let name = name_of(m, c, idx, how);
            let r = block_on(client.read_up_to(key(c), ReadBound::Message(name.clone())));
            model_read_msg(m, c, &name, r.map_err(|e| e.to_string()));
        }
        Op::ReadSeq(c, s) => {
            let r = block_on(client.read_up_to(key(c), ReadBound::Seq(u64::from(s))));
            model_read_seq(m, c, u64::from(s), r.map_err(|e| e.to_string()));
        }
        Op::ReadTime(c, idx, d) => {
            let uid = m.next_uid;
            let t = match m.convs.get(&c) {
                _ if d == 3 => 0,
                Some(conv) if !conv.msgs.is_empty() => {
                    conv.msgs[idx % conv.msgs.len()].pos.0 + u64::from(d) - 1
                }
                _ => 1_500 + idx as u64 % 1000,
            };
            let r = block_on(client.read_up_to(key(c), ReadBound::Time(t)));
            let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
            r.unwrap();
            if t > 0 {
                read_to(conv, (t, uid));
            }
        }
        Op::DeleteLoc(c, idx, how) => {
            let name = name_of(m, c, idx, how);
            let r = block_on(client.delete_message(key(c), name.clone()));
            model_delete(m, c, &name, r.map_err(|e| e.to_string()));
        }
        Op::HistoryAfter { conv: c, idx, how, forward, count } => {
            let name = name_of(m, c, idx, how);
            let count = usize::from(count);
            let (time_from, time_to) = window_of(idx);
            let query = HistoryQuery {
                start: HistoryStart::AfterMessage(name.clone()),
                count,
                forward,
                time_from,
                time_to,
                ..Default::default()
            };
            let r = block_on(client.message_list(key(c), query));
            model_history(m, c, &name, forward, count, (time_from, time_to), r.map_err(|e| e.to_string()));
        }
        Op::Batch(ops) => batch(&client, m, &ops),
        Op::Save { conv: c, id, seq, low } => {
            let id = format!("v{id}");
            let given_seq = (1..=5).contains(&seq).then_some(u64::from(seq));
            m.clock += 1;
            let time = if low { 1_000 + m.clock / 2 } else { 2_000_000_000 + m.clock };
            let mut msg = Message::from_elems(vec![Elem::text(format!("v{seq}"))]);
            msg.message_msg_id = Some(id.clone());
            msg.message_server_time = Some(time);
            msg.message_seq = given_seq;
            let r = block_on(client.save_message(key(c), msg));
            if m.ids.contains(&id) {
                return assert!(r.is_err(), "a saved message's ID is taken");
            }
            let stored = r.unwrap();
            let rand = stored.message_rand.unwrap();
            m.insert(c, MMsg::own_history(time, id, format!("v{seq}"), given_seq.unwrap_or(0), rand), None);
        }
        Op::HistorySeq { conv: c, seqs, at, forward, count } => {
            let seqs: Vec<u64> = seqs.into_iter().map(u64::from).collect();
            let count = usize::from(count);
            let query = if at {
                HistoryQuery { start: HistoryStart::AtSeq(seqs[0]), count, forward, ..Default::default() }
            } else {
                HistoryQuery { seqs: Some(seqs.clone()), count, forward, ..Default::default() }
            };
            let r = block_on(client.message_list(key(c), query));
            let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
            let got: Vec<String> = r.unwrap().iter().map(|x| x.message_msg_id.clone().unwrap()).collect();
            let newest_of = |seq: u64| conv.msgs.iter().filter(|x| x.seq == seq).max_by_key(|x| x.pos);
            let mut want: Vec<&MMsg> = if at {
                match newest_of(seqs[0]) {
                    None => Vec::new(),
                    Some(start) => conv
                        .msgs
                        .iter()
                        .filter(|x| if forward { x.pos >= start.pos } else { x.pos <= start.pos })
                        .collect(),
                }
            } else {
                let mut v: Vec<&MMsg> = seqs.iter().filter_map(|s| newest_of(*s)).collect();
                v.sort_by_key(|x| x.pos);
                v.dedup_by_key(|x| x.pos);
                v
            };
            want.sort_by_key(|x| x.pos);
            if !forward {
                want.reverse();
            }
            let want: Vec<String> = want.iter().take(count).map(|x| x.id.clone()).collect();
            stat(if want.is_empty() { "history seq empty" } else { "history seq some" });
            assert_eq!(got, want, "history by seq {seqs:?} (at {at}, forward {forward}, count {count})");
        }
        Op::PageStep(f, n) => page_step(&client, m, f, n),
    }
}

fn model_delete_conv(m: &mut Model, c: usize, ok: bool) {
    if m.visible(c).is_none() {
        return assert!(!ok);
    }
    assert!(ok);
    m.purge(c);
}

fn model_read_all(m: &mut Model, c: usize, ok: bool) {
    let Some(conv) = m.visible(c) else { return assert!(!ok) };
    assert!(ok);
    read_all(conv);
}

fn model_pin(m: &mut Model, c: usize, pinned: bool, ok: bool) {
    let Some(conv) = m.visible(c) else { return assert!(!ok) };
    assert!(ok);
    conv.pinned = pinned;
}

fn model_delete_list(m: &mut Model, c: usize, clear: bool, ok: bool) {
    // A record kept only for its receive option is no conversation.
    let exists = if clear {
        m.convs.get(&c).is_some_and(|conv| !conv.holds_only_a_receive_option())
    } else {
        m.visible(c).is_some()
    };
    assert_eq!(ok, exists, "delete list result of {c}");
    if !exists {
        return;
    }
    if clear {
        m.purge(c);
    } else {
        let conv = m.convs.get_mut(&c).unwrap();
        read_all(conv);
        conv.hidden = true;
        conv.draft = None;
        conv.pinned = false;
        conv.marks = 0;
        conv.groups.clear();
    }
}

struct Recv {
    c: usize,
    id: String,
    text: u8,
    time: u64,
    excl_unread: bool,
    excl_last: bool,
    read: bool,
    mention: u8,
    given_seq: Option<u64>,
    no_time: bool,
}

#[allow(clippy::too_many_arguments)]
fn build_receive(
    m: &mut Model,
    c: usize,
    text: u8,
    flags: u8,
    id: u8,
    mention: u8,
    seq: u8,
    rand: u8,
) -> (Message, Recv) {
    let given_seq = (1..=5).contains(&seq).then_some(u64::from(seq));
    let given_rand = (rand >= 3).then(|| u64::from(rand - 2));
    let id = format!("r{id}");
    let no_time = flags & 0x80 != 0 && flags & 0x40 == 0 && text.is_multiple_of(2);
    let (conv_type, conv_id) = KEYS[c];
    let mut msg = Message::from_elems(vec![Elem::text(format!("r{text}"))]);
    msg.message_sender = Some(if conv_type == ConvType::C2C { conv_id.to_owned() } else { "peer".into() });
    msg.message_conv_type = Some(conv_type);
    msg.message_conv_id = Some(conv_id.to_owned());
    msg.message_msg_id = Some(id.clone());
    m.clock += 1 + u64::from(flags % 3);
    let time = if flags & 0x40 != 0 { 1_000 + m.clock / 2 } else { 2_000_000_000 + m.clock };
    msg.message_server_time = if no_time { None } else { Some(time) };
    let excl_unread = flags & 1 != 0 && flags & 2 != 0;
    let excl_last = flags & 4 != 0 && flags & 8 != 0;
    let read = flags & 16 != 0 && flags & 32 != 0;
    msg.message_is_excluded_from_unread_count = excl_unread.then_some(true);
    msg.message_excluded_from_last_message = excl_last.then_some(true);
    msg.message_is_read = read.then_some(true);
    msg.message_group_at_user_array = match mention {
        1 => Some(vec!["me".to_owned()]),
        2 => Some(vec![MESSAGE_AT_ALL.to_owned()]),
        3 => Some(vec!["me".to_owned(), MESSAGE_AT_ALL.to_owned()]),
        _ => None,
    };
    // 0 means "not set", as apps filling every field send it.
    msg.message_seq = if seq == 6 { Some(0) } else { given_seq };
    msg.message_rand = given_rand;
    (msg, Recv { c, id, text, time, excl_unread, excl_last, read, mention, given_seq, no_time })
}

fn model_received(m: &mut Model, recv: Recv, stored: Result<Vec<Message>, String>) {
    let Recv { c, id, text, mut time, excl_unread, excl_last, read, mention, given_seq, no_time } = recv;
    let conv_type = KEYS[c].0;
    let stored = stored.unwrap();
    let duplicate = m.ids.contains(&id);
    assert_eq!(stored.is_empty(), duplicate, "a duplicate is stored once");
    if duplicate {
        return;
    }
    let mention = match (conv_type, mention) {
        (ConvType::Group, 1) => Some(GroupAtType::AtMe),
        (ConvType::Group, 2) => Some(GroupAtType::AtAll),
        (ConvType::Group, 3) => Some(GroupAtType::AtAllAtMe),
        _ => None,
    };
    // A group message whose given sequence the read sequence covers arrives read.
    let read_seq = m.convs.get(&c).map_or(0, |conv| conv.read_seq);
    let covered = conv_type == ConvType::Group && given_seq.is_some_and(|s| s <= read_seq);
    let counts = !excl_unread && !read && !covered;
    let rand = stored[0].message_rand.unwrap();
    if no_time {
        // Stamped now, or the conversation's newest time or its read mark's if later: it
        // arrives after what is stored and after what was read (deleted since or not).
        time = stored[0].message_server_time.unwrap();
        let newest = m.convs.get(&c).and_then(MConv::newest).map_or(0, |p| p.0);
        let mark = m.convs.get(&c).and_then(|conv| conv.read_mark).map_or(0, |p| p.0);
        assert!(
            time >= newest.max(mark),
            "a message without a time is stamped at or after the newest and the mark"
        );
        stat("received without time");
    } else {
        assert_eq!(stored[0].message_server_time, Some(time));
    }
    let want_seq = given_seq.unwrap_or_else(|| m.convs.get(&c).map_or(0, |x| x.max_seq) + 1);
    assert_eq!(stored[0].message_seq, Some(want_seq), "seq of a delivered message");
    m.insert(
        c,
        MMsg {
            pos: (time, 0),
            id,
            text: format!("r{text}"),
            counts,
            can_be_last: !excl_last,
            seq: given_seq.unwrap_or(0),
            rand,
            stored_read: read || covered,
        },
        mention,
    );
}

fn model_read_msg(m: &mut Model, c: usize, name: &MessageName, r: Result<(), String>) {
    let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
    let Some(pos) = resolve(conv, name) else { return assert!(r.is_err(), "read up to {name}: {r:?}") };
    r.unwrap();
    stat(if conv.read_mark < Some(pos) { "read msg moved" } else { "read msg stayed" });
    read_to(conv, pos);
}

fn model_read_seq(m: &mut Model, c: usize, bound: u64, r: Result<(), String>) {
    let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
    r.unwrap();
    let Some((pos, seq)) =
        conv.msgs.iter().filter(|x| x.seq <= bound).max_by_key(|x| x.pos).map(|x| (x.pos, x.seq))
    else {
        return;
    };
    stat(if conv.read_mark < Some(pos) { "read seq moved" } else { "read seq stayed" });
    conv.read_seq = conv.read_seq.max(bound.min(conv.max_seq)).max(seq);
    read_to(conv, pos);
}

fn model_delete(m: &mut Model, c: usize, name: &MessageName, r: Result<(), String>) {
    let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
    let Some(pos) = resolve(conv, name) else { return assert!(r.is_err(), "delete {name}: {r:?}") };
    r.unwrap();
    let i = conv.msgs.iter().position(|x| x.pos == pos).unwrap();
    let victim = conv.msgs.remove(i);
    stat("delete located ok");
    if victim.counts && Some(victim.pos) > conv.read_mark {
        conv.at.retain(|(p, _, _)| *p != victim.pos);
    }
    m.ids.remove(&victim.id);
}

fn model_history(
    m: &mut Model,
    c: usize,
    name: &MessageName,
    forward: bool,
    count: usize,
    (time_from, time_to): (u64, u64),
    r: Result<Vec<Message>, String>,
) {
    let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
    let Some(pos) = resolve(conv, name) else { return assert!(r.is_err(), "history after {name}: {r:?}") };
    let got: Vec<String> = r.unwrap().iter().map(|x| x.message_msg_id.clone().unwrap()).collect();
    let mut want: Vec<&MMsg> = conv
        .msgs
        .iter()
        .filter(|x| if forward { x.pos > pos } else { x.pos < pos })
        .filter(|x| (time_from..=time_to).contains(&x.pos.0))
        .collect();
    want.sort_by_key(|x| x.pos);
    if !forward {
        want.reverse();
    }
    let want: Vec<String> = want.iter().take(count).map(|x| x.id.clone()).collect();
    stat(if want.is_empty() { "history after empty" } else { "history after some" });
    assert_eq!(
        got, want,
        "history after {name} (forward {forward}, count {count}, window {time_from}..={time_to})"
    );
}

/// A time window for a history query: none, or one that cuts the times the ops use.
fn window_of(idx: usize) -> (u64, u64) {
    match (idx >> 8) % 5 {
        0 | 1 => (0, u64::MAX),
        2 => (2_000_000_000 + (idx >> 12) as u64 % 40, u64::MAX),
        3 => (0, 2_000_000_000 + (idx >> 12) as u64 % 40),
        _ => (1_000 + (idx >> 12) as u64 % 20, 1_000 + (idx >> 12) as u64 % 20 + 5),
    }
}

/// Message operations queued back to back (they share a store transaction), answered in order.
fn batch(client: &tim_core::Client, m: &mut Model, ops: &[Op]) {
    enum Sent {
        Recv(Recv),
        ReadMsg(usize, MessageName),
        ReadSeq(usize, u64),
        Delete(usize, MessageName),
        History(usize, MessageName, bool, usize, (u64, u64)),
        Create(usize),
        DeleteConv(usize),
        Read(usize),
        Pin(usize, bool),
        DeleteList(usize, bool),
        Page,
    }
    enum Got {
        Msgs(Result<Vec<Message>, String>),
        Unit(Result<(), String>),
        Ids(Result<Vec<String>, String>),
    }
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Got)>();
    let mut sent = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let tx = tx.clone();
        let utx = tx.clone();
        let unit = move |r: Result<(), tim_core::TimError>| {
            utx.send((i, Got::Unit(r.map_err(|e| e.to_string())))).unwrap()
        };
        match op.clone() {
            Op::Receive { conv: c, text, flags, id, mention, seq, rand } => {
                let (msg, recv) = build_receive(m, c, text, flags, id, mention, seq, rand);
                client
                    .deliver_with(vec![msg], move |r| {
                        tx.send((i, Got::Msgs(r.map_err(|e| e.to_string())))).unwrap()
                    })
                    .unwrap();
                sent.push(Sent::Recv(recv));
            }
            Op::ReadMsg(c, idx, how) => {
                let name = name_of(m, c, idx, how);
                client.read_up_to_with(key(c), ReadBound::Message(name.clone()), unit).unwrap();
                sent.push(Sent::ReadMsg(c, name));
            }
            Op::ReadSeq(c, s) => {
                client.read_up_to_with(key(c), ReadBound::Seq(u64::from(s)), unit).unwrap();
                sent.push(Sent::ReadSeq(c, u64::from(s)));
            }
            Op::DeleteLoc(c, idx, how) => {
                let name = name_of(m, c, idx, how);
                client.delete_message_with(key(c), name.clone(), unit).unwrap();
                sent.push(Sent::Delete(c, name));
            }
            Op::HistoryAfter { conv: c, idx, how, forward, count } => {
                let name = name_of(m, c, idx, how);
                let count = usize::from(count);
                let window = window_of(idx);
                let query = HistoryQuery {
                    start: HistoryStart::AfterMessage(name.clone()),
                    count,
                    forward,
                    time_from: window.0,
                    time_to: window.1,
                    ..Default::default()
                };
                client
                    .message_list_with(key(c), query, move |r| {
                        tx.send((i, Got::Msgs(r.map_err(|e| e.to_string())))).unwrap()
                    })
                    .unwrap();
                sent.push(Sent::History(c, name, forward, count, window));
            }
            Op::Create(c) => {
                client.create_conversation_with(key(c), move |r| unit(r.map(|_| ()))).unwrap();
                sent.push(Sent::Create(c));
            }
            Op::Delete(c) => {
                client.delete_conversation_with(key(c), unit).unwrap();
                sent.push(Sent::DeleteConv(c));
            }
            Op::Read(c) => {
                client.mark_read_with(ReadScope::Conversation(key(c)), unit).unwrap();
                sent.push(Sent::Read(c));
            }
            Op::Pin(c, p) => {
                client.pin_conversation_with(key(c), p, unit).unwrap();
                sent.push(Sent::Pin(c, p));
            }
            Op::DeleteList(c, clear) => {
                client
                    .delete_conversation_list_with(vec![key(c)], clear, move |r| {
                        unit(r.and_then(|list| list.into_iter().next().unwrap().1))
                    })
                    .unwrap();
                sent.push(Sent::DeleteList(c, clear));
            }
            Op::PageStep(..) => {
                // The whole list, in one page, as it is when the page is taken.
                client
                    .conversation_page_with(ConvFilter::default(), 0, 1000, move |r| {
                        let ids = r.map(|p| p.list.iter().map(label_of).collect::<Vec<_>>());
                        tx.send((i, Got::Ids(ids.map_err(|e| e.to_string())))).unwrap()
                    })
                    .unwrap();
                sent.push(Sent::Page);
            }
            other => panic!("not a batched op: {other:?}"),
        }
    }
    drop(tx);
    let got: Vec<(usize, Got)> = rx.iter().collect();
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        (0..ops.len()).collect::<Vec<_>>(),
        "answers in call order"
    );
    stat("batch");
    for (s, (_, g)) in sent.into_iter().zip(got) {
        match (s, g) {
            (Sent::Recv(recv), Got::Msgs(r)) => model_received(m, recv, r),
            (Sent::ReadMsg(c, name), Got::Unit(r)) => model_read_msg(m, c, &name, r),
            (Sent::ReadSeq(c, b), Got::Unit(r)) => model_read_seq(m, c, b, r),
            (Sent::Delete(c, name), Got::Unit(r)) => model_delete(m, c, &name, r),
            (Sent::History(c, name, f, n, w), Got::Msgs(r)) => model_history(m, c, &name, f, n, w, r),
            (Sent::Create(c), Got::Unit(r)) => {
                r.unwrap();
                m.ensure(c);
            }
            (Sent::DeleteConv(c), Got::Unit(r)) => model_delete_conv(m, c, r.is_ok()),
            (Sent::Read(c), Got::Unit(r)) => model_read_all(m, c, r.is_ok()),
            (Sent::Pin(c, p), Got::Unit(r)) => model_pin(m, c, p, r.is_ok()),
            (Sent::DeleteList(c, clear), Got::Unit(r)) => model_delete_list(m, c, clear, r.is_ok()),
            (Sent::Page, Got::Ids(r)) => {
                assert_eq!(r.unwrap(), m.list_order(), "a page taken within a batch")
            }
            _ => unreachable!(),
        }
    }
}

static STATS: std::sync::Mutex<BTreeMap<&'static str, u64>> = std::sync::Mutex::new(BTreeMap::new());

fn stat(name: &'static str) {
    *STATS.lock().unwrap().entry(name).or_default() += 1;
}

fn walk_filter(f: u8) -> ConvFilter {
    match f {
        0 => ConvFilter::default(),
        1 => ConvFilter { conv_type: Some(ConvType::Group), ..Default::default() },
        2 => ConvFilter { has_unread: true, ..Default::default() },
        3 => ConvFilter { group: Some("work".into()), ..Default::default() },
        4 => ConvFilter { mark: Some(0x1), ..Default::default() },
        5 => ConvFilter { mark: Some(0), ..Default::default() },
        _ => ConvFilter { has_at: true, ..Default::default() },
    }
}

fn model_matches(filter: &ConvFilter, c: usize, conv: &MConv) -> bool {
    !conv.hidden
        && filter.conv_type.is_none_or(|t| KEYS[c].0 == t)
        && match filter.group.as_deref() {
            None => true,
            Some("") => conv.groups.is_empty(),
            Some(g) => conv.groups.iter().any(|x| x == g),
        }
        && match filter.mark {
            None => true,
            Some(0) => conv.marks == 0,
            Some(bits) => conv.marks & bits == bits,
        }
        && (!filter.has_unread || conv.unread() > 0)
        && (!filter.has_at || !conv.at.is_empty())
}

fn conv_index(info: &tim_types::ConvInfo) -> usize {
    KEYS.iter().position(|k| k.0 == info.conv_type && k.1 == info.conv_id).unwrap()
}

fn label(c: usize) -> String {
    format!("{}:{}", KEYS[c].0.value(), KEYS[c].1)
}

fn label_of(info: &tim_types::ConvInfo) -> String {
    label(conv_index(info))
}

fn page_step(client: &tim_core::Client, m: &mut Model, f: u8, n: u8) {
    let walk = m.walk.get_or_insert_with(|| Walk {
        filter: walk_filter(f),
        next_seq: 0,
        returned: Vec::new(),
        pending: BTreeMap::new(),
        cursor: None,
        expired: false,
    });
    let filter = walk.filter.clone();
    let r = block_on(client.conversation_page(filter.clone(), walk.next_seq, u32::from(n)));
    if walk.expired {
        assert!(r.is_err(), "a cursor from before a restart is refused");
        m.walk = None;
        return;
    }
    let page = r.unwrap();
    let snap: BTreeMap<usize, (bool, u64)> = m
        .convs
        .iter()
        .filter(|(c, x)| model_matches(&filter, **c, x))
        .map(|(c, x)| (*c, (x.pinned, x.order)))
        .collect();
    let walk = m.walk.as_mut().unwrap();
    let below = |v: &(bool, u64)| walk.cursor.is_none_or(|cur| *v < cur);
    let mut pending: BTreeMap<usize, (bool, u64)> =
        walk.pending.iter().filter(|(c, v)| snap.get(c) == Some(v)).map(|(c, v)| (*c, *v)).collect();
    for (c, v) in &snap {
        if below(v) && !walk.returned.contains(c) {
            pending.entry(*c).or_insert(*v);
        }
    }
    let before = walk.cursor;
    let ids: Vec<usize> = page.list.iter().map(conv_index).collect();
    assert!(ids.len() <= usize::from(n), "page size");
    let mut prev: Option<(bool, u64)> = None;
    for c in &ids {
        let conv = m.convs.get(c).expect("a paged conversation exists");
        assert!(model_matches(&filter, *c, conv), "paged {c} does not match {filter:?}");
        assert!(
            !walk.returned.contains(c),
            "walk {filter:?} returned {c} twice: {:?} then {ids:?}",
            walk.returned
        );
        let here = (conv.pinned, conv.order);
        assert!(prev.is_none_or(|p| p > here), "page {ids:?} not in list order");
        assert!(
            before.is_none_or(|cur| here < cur),
            "walk {filter:?} returned {c} at {here:?}, above its cursor {before:?}"
        );
        prev = Some(here);
        pending.remove(c);
    }
    if let Some(p) = prev {
        walk.cursor = Some(p);
    }
    walk.pending = pending;
    walk.returned.extend(ids.iter().copied());
    stat("page");
    if walk.returned.len() > ids.len() {
        stat("page continued");
    }
    if page.finished {
        assert!(
            walk.pending.is_empty(),
            "walk {filter:?} skipped {:?}, which kept their place: returned {:?}",
            walk.pending,
            walk.returned
        );
        stat("walk done");
        m.walk = None;
    } else {
        walk.next_seq = page.next_seq;
        let peek = block_on(client.conversation_page(filter.clone(), page.next_seq, 1000)).unwrap();
        assert!(!peek.list.is_empty(), "a page not finished is followed by nothing ({filter:?})");
    }
}

/// How a call names message `idx` of conversation `c`: by ID (0), by time with its sequence (1),
/// its random number (2) or both (3); 4 (or an empty conversation) names one elsewhere, or none.
fn name_of(m: &Model, c: usize, idx: usize, how: u8) -> MessageName {
    let msgs = m.convs.get(&c).map(|x| &x.msgs[..]).unwrap_or(&[]);
    if msgs.is_empty() || how == 4 {
        let other = m.convs.iter().filter(|(k, _)| **k != c).flat_map(|(_, x)| x.msgs.iter()).nth(idx % 7);
        return match (other, idx % 3) {
            (Some(msg), 0) => MessageName::Id(msg.id.clone()),
            (Some(msg), 1) => {
                MessageName::Located(MessageLocator { time: msg.pos.0, seq: Some(msg.seq), rand: None })
            }
            _ => MessageName::Id("nope".into()),
        };
    }
    let msg = &msgs[idx % msgs.len()];
    let time = msg.pos.0;
    match how {
        0 => MessageName::Id(msg.id.clone()),
        1 => MessageName::Located(MessageLocator { time, seq: Some(msg.seq), rand: None }),
        2 => MessageName::Located(MessageLocator { time, seq: None, rand: Some(msg.rand) }),
        _ => MessageName::Located(MessageLocator { time, seq: Some(msg.seq), rand: Some(msg.rand) }),
    }
}

/// The position of the message a name names in `conv`: the oldest of that time that matches.
fn resolve(conv: &MConv, name: &MessageName) -> Option<(u64, u64)> {
    match name {
        MessageName::Id(id) => conv.msgs.iter().find(|x| x.id == *id).map(|x| x.pos),
        MessageName::Located(l) => conv
            .msgs
            .iter()
            .filter(|x| {
                x.pos.0 == l.time && l.seq.is_none_or(|s| x.seq == s) && l.rand.is_none_or(|r| x.rand == r)
            })
            .map(|x| x.pos)
            .min(),
    }
}

fn read_to(conv: &mut MConv, pos: (u64, u64)) {
    if Some(pos) <= conv.read_mark {
        return;
    }
    conv.read_mark = Some(pos);
    let seq = conv.msgs.iter().filter(|x| x.pos <= pos).max_by_key(|x| x.pos).map_or(0, |x| x.seq);
    conv.read_seq = conv.read_seq.max(seq);
    conv.at.retain(|(p, _, _)| *p > pos);
}

fn read_all(conv: &mut MConv) {
    conv.read_mark = conv.read_mark.max(conv.newest());
    conv.read_seq = conv.read_seq.max(conv.max_seq);
    conv.at.clear();
}

fn check(h: &Harness, m: &Model, step: usize) {
    let client = h.client();
    let list = block_on(client.conversation_list()).unwrap();
    let got: Vec<String> = list.iter().map(label_of).collect();
    assert_eq!(got, m.list_order(), "step {step}: list order");
    let mut total = 0;
    for info in &list {
        let c = conv_index(info);
        let conv = &m.convs[&c];
        assert_eq!(info.conv_unread_num, conv.unread(), "step {step}: unread of {}", info.conv_id);
        assert_eq!(
            info.conv_last_msg.as_ref().map(|m| (text_of(&m.message()), m.message().message_is_read)),
            conv.last().map(|x| (x.text.clone(), Some(x.stored_read || Some(x.pos) <= conv.read_mark))),
            "step {step}: last of {}",
            info.conv_id
        );
        assert_eq!(info.conv_draft.as_ref().map(|d| text_of(&d.draft_msg)), conv.draft, "step {step}: draft");
        assert_eq!(info.conv_recv_opt.value(), conv.recv, "step {step}: recv opt");
        let mut at: Vec<_> = info
            .conv_group_at_info_array
            .iter()
            .map(|a| (a.conv_group_at_info_seq, a.conv_group_at_info_at_type.value()))
            .collect();
        let mut want_at: Vec<_> = conv.at.iter().map(|(_, s, t)| (*s, t.value())).collect();
        at.sort();
        want_at.sort();
        assert_eq!(at, want_at, "step {step}: @-info of {}", info.conv_id);
        if KEYS[c].0 == ConvType::Group {
            assert_eq!(
                info.conv_group_read_sequence, conv.read_seq,
                "step {step}: read seq of {}",
                info.conv_id
            );
        } else {
            assert_eq!(
                info.conv_c2c_read_timestamp,
                conv.read_mark.map_or(0, |p| p.0),
                "step {step}: read time of {}",
                info.conv_id
            );
        }
        assert_eq!(info.conv_is_pinned, conv.pinned, "step {step}: pinned");
        let marks = info.conv_mark_array.iter().fold(0, |acc, m| acc | m);
        assert_eq!(marks, conv.marks, "step {step}: marks of {}", info.conv_id);
        let mut groups = info.conv_conversation_group_array.clone();
        let mut want_groups = conv.groups.clone();
        groups.sort();
        want_groups.sort();
        assert_eq!(groups, want_groups, "step {step}: groups of {}", info.conv_id);
        assert_eq!(info.conv_custom_data, conv.custom, "step {step}: custom data");
        // The stored history, newest first, through the per-conversation index and the log.
        let query = HistoryQuery { count: 10_000, ..Default::default() };
        let history = block_on(client.message_list(key(c), query)).unwrap();
        let got: Vec<(String, Option<bool>)> =
            history.iter().map(|x| (text_of(x), x.message_is_read)).collect();
        let mut want: Vec<&MMsg> = conv.msgs.iter().collect();
        want.sort_by_key(|x| std::cmp::Reverse(x.pos));
        let want: Vec<(String, Option<bool>)> = want
            .iter()
            .map(|x| (x.text.clone(), Some(x.stored_read || Some(x.pos) <= conv.read_mark)))
            .collect();
        assert_eq!(got, want, "step {step}: history of {}", info.conv_id);
        if conv.recv == 0 {
            total += conv.unread();
        }
    }
    assert_eq!(block_on(client.total_unread()).unwrap(), total, "step {step}: total");
    let mut group_list = block_on(client.group_list()).unwrap();
    group_list.sort();
    let mut want_groups = m.groups.clone();
    want_groups.sort();
    assert_eq!(group_list, want_groups, "step {step}: group list");
    check_filters(&client, &list, m, step);
}

/// Every filter's paged walk and unread count equal the model's list filtered by hand.
fn check_filters(client: &tim_core::Client, list: &[tim_types::ConvInfo], m: &Model, step: usize) {
    let filters = [
        ConvFilter { conv_type: Some(ConvType::Group), ..Default::default() },
        ConvFilter { group: Some("work".into()), ..Default::default() },
        ConvFilter { group: Some(String::new()), ..Default::default() },
        ConvFilter { mark: Some(0x1), ..Default::default() },
        ConvFilter { mark: Some(0), ..Default::default() },
        ConvFilter { has_unread: true, ..Default::default() },
        ConvFilter { has_at: true, conv_type: Some(ConvType::Group), ..Default::default() },
    ];
    for filter in filters {
        let want: Vec<String> = list
            .iter()
            .filter(|info| {
                let c = conv_index(info);
                model_matches(&filter, c, &m.convs[&c])
            })
            .map(label_of)
            .collect();
        let mut got = Vec::new();
        let mut next_seq = 0;
        loop {
            let page = block_on(client.conversation_page(filter.clone(), next_seq, 2)).unwrap();
            got.extend(page.list.iter().map(label_of));
            next_seq = page.next_seq;
            if page.finished {
                break;
            }
        }
        assert_eq!(got, want, "step {step}: paged {filter:?}");
        let unread: u64 = want
            .iter()
            .map(|id| &m.convs[&KEYS.iter().position(|k| format!("{}:{}", k.0.value(), k.1) == *id).unwrap()])
            .filter(|conv| conv.recv == 0)
            .map(MConv::unread)
            .sum();
        assert_eq!(
            block_on(client.unread_by_filter(filter.clone())).unwrap(),
            unread,
            "step {step}: unread of {filter:?}"
        );
    }
}

fn cases() -> u32 {
    std::env::var("TIM_MODEL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_engine_matches_the_extended_model(ops in proptest::collection::vec(op(), 1..90)) {
        // Small commits append records to a log folded into the records tree when full: at 4
        // entries a case folds many times, between restarts and across them.
        let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        tim_core::store::fold_recent_records_at(env("TIM_FOLD_RECENT", 4));
        // Message index rows are written behind and folded by the operation that finds 3
        // pending: folds between reads, deletions and restarts (each closing folds them too).
        tim_core::store::fold_pending_rows_at(env("TIM_FOLD_PENDING", 3) as usize);
        // A deleted or cleared history of more than one message gives its conversation number
        // up, its rows removed at idle moments (or by the doctor): both ways are taken.
        tim_core::store::retire_histories_longer_than(env("TIM_RETIRE_ABOVE", 1) as usize);
        let mut h = Harness::new();
        let mut m = Model::default();
        for (step, op) in ops.iter().enumerate() {
            apply(&mut h, &mut m, op);
            check(&h, &m, step);
        }
        if std::env::var("TIM_MODEL_STATS").is_ok() {
            eprintln!("STATS {:?}", STATS.lock().unwrap());
        }
        let report = block_on(h.client().doctor(false)).unwrap();
        prop_assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    }
}
