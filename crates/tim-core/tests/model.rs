//! Model-based property test: random sequences of conversation and message operations against a
//! small reference model. After every step the list order, unread counts, total, last messages,
//! each listed conversation's history, drafts, receive options and @-info must equal the model's,
//! across restarts too. The store folds its recent records (`store/recent.rs`) every four
//! entries here, so that folds happen at every point of a sequence.
//!
//! `TIM_MODEL_CASES` sets the number of cases (default 24, for CI); set it high for a long run.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tim_core::{ConvFilter, ConvKey, GroupOp, HistoryQuery, ReadScope, Sdk, SdkConfig, block_on};
use tim_types::keys::MESSAGE_AT_ALL;
use tim_types::{ConvType, Draft, Elem, GroupAtType, Message, ReceiveMessageOpt};

const KEYS: [(ConvType, &str); 5] = [
    (ConvType::C2C, "a"),
    (ConvType::C2C, "b"),
    // Longer than a key holds inline (21 bytes): the shared form goes through every path too.
    (ConvType::C2C, "c-a-user-id-of-32-bytes-00000001"),
    (ConvType::Group, "g"),
    (ConvType::Group, "@TGS#h-a-group-id-longer-than-21"),
];

#[derive(Debug, Clone)]
enum Op {
    Create(usize),
    Delete(usize),
    SetDraft(usize, u8),
    CancelDraft(usize),
    Send(usize, u8),
    Receive { conv: usize, text: u8, flags: u8, id: u8, mention: u8 },
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
}

const GROUPS: [&str; 2] = ["work", "family"];
const MARKS: [u64; 3] = [0x1, 0x4, 1 << 40];

fn op() -> impl Strategy<Value = Op> {
    let k = 0..KEYS.len();
    prop_oneof![
        2 => k.clone().prop_map(Op::Create),
        1 => k.clone().prop_map(Op::Delete),
        2 => (k.clone(), any::<u8>()).prop_map(|(c, t)| Op::SetDraft(c, t)),
        1 => k.clone().prop_map(Op::CancelDraft),
        3 => (k.clone(), any::<u8>()).prop_map(|(c, t)| Op::Send(c, t)),
        6 => (k.clone(), any::<u8>(), any::<u8>(), 0u8..12, 0u8..4)
            .prop_map(|(conv, text, flags, id, mention)| Op::Receive { conv, text, flags, id, mention }),
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
        1 => (k, any::<bool>()).prop_map(|(c, clear)| Op::DeleteList(c, clear)),
        1 => Just(Op::Restart),
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
    at: Vec<(u64, GroupAtType)>,
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
}

#[derive(Debug, Default)]
struct Model {
    convs: BTreeMap<usize, MConv>,
    next_order: u64,
    next_uid: u64,
    clock: u64,
    ids: BTreeSet<String>,
    groups: Vec<String>,
}

impl Model {
    fn take_order(&mut self) -> u64 {
        self.next_order += 1;
        self.next_order
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
        m.seq = conv.max_seq + 1;
        conv.max_seq = m.seq;
        if m.counts
            && Some(m.pos) > conv.read_mark
            && let Some(at) = mention
        {
            conv.at.push((m.seq, at));
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
            if m.visible(c).is_none() {
                return assert!(r.is_err());
            }
            r.unwrap();
            m.purge(c);
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
            m.insert(
                c,
                MMsg { pos: (time, 0), id, text: format!("s{t}"), counts: false, can_be_last: true, seq: 0 },
                None,
            );
        }
        Op::Receive { conv: c, text, flags, id, mention } => {
            let id = format!("r{id}");
            let (conv_type, conv_id) = KEYS[c];
            let mut msg = Message::from_elems(vec![Elem::text(format!("r{text}"))]);
            msg.message_sender =
                Some(if conv_type == ConvType::C2C { conv_id.to_owned() } else { "peer".into() });
            msg.message_conv_type = Some(conv_type);
            msg.message_conv_id = Some(conv_id.to_owned());
            msg.message_msg_id = Some(id.clone());
            m.clock += 1 + u64::from(flags % 3);
            let time = if flags & 0x40 != 0 { 1_000 + m.clock / 2 } else { 2_000_000_000 + m.clock };
            msg.message_server_time = Some(time);
            let excl_unread = flags & 1 != 0 && flags & 2 != 0;
            let excl_last = flags & 4 != 0 && flags & 8 != 0;
            let read = flags & 16 != 0 && flags & 32 != 0;
            msg.message_is_excluded_from_unread_count = excl_unread.then_some(true);
            msg.message_excluded_from_last_message = excl_last.then_some(true);
            msg.message_is_read = read.then_some(true);
            let at = match mention {
                1 => Some(vec!["me".to_owned()]),
                2 => Some(vec![MESSAGE_AT_ALL.to_owned()]),
                3 => Some(vec!["me".to_owned(), MESSAGE_AT_ALL.to_owned()]),
                _ => None,
            };
            msg.message_group_at_user_array = at;
            let stored = block_on(client.deliver(vec![msg])).unwrap();
            let duplicate = m.ids.contains(&id);
            assert_eq!(stored.is_empty(), duplicate, "a duplicate is stored once");
            if !duplicate {
                let mention = match (conv_type, mention) {
                    (ConvType::Group, 1) => Some(GroupAtType::AtMe),
                    (ConvType::Group, 2) => Some(GroupAtType::AtAll),
                    (ConvType::Group, 3) => Some(GroupAtType::AtAllAtMe),
                    _ => None,
                };
                let counts = !excl_unread && !read;
                m.insert(
                    c,
                    MMsg {
                        pos: (time, 0),
                        id,
                        text: format!("r{text}"),
                        counts,
                        can_be_last: !excl_last,
                        seq: 0,
                    },
                    mention,
                );
            }
        }
        Op::Import(c, n) => {
            let list: Vec<Message> = (0..n)
                .map(|i| {
                    m.clock += 1;
                    let mut msg = Message::from_elems(vec![Elem::text(format!("i{i}"))]);
                    msg.message_server_time = Some(2_000_000_000 + m.clock);
                    msg.message_msg_id = Some(format!("imp{}", m.clock));
                    msg
                })
                .collect();
            let times: Vec<_> = list
                .iter()
                .map(|x| (x.message_server_time.unwrap(), x.message_msg_id.clone().unwrap()))
                .collect();
            block_on(client.import_messages(key(c), list)).unwrap();
            for (i, (time, id)) in times.into_iter().enumerate() {
                m.insert(
                    c,
                    MMsg {
                        pos: (time, 0),
                        id,
                        text: format!("i{i}"),
                        counts: false,
                        can_be_last: true,
                        seq: 0,
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
                conv.at.retain(|(s, _)| *s != victim.seq);
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
            let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
            r.unwrap();
            read_all(conv);
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
            // Hidden ones keep it too; a missing one gets a hidden record keeping any but Receive.
            match m.convs.get_mut(&c) {
                Some(conv) => conv.recv = opt.value(),
                None if opt != ReceiveMessageOpt::Receive => {
                    m.convs.insert(c, MConv { recv: opt.value(), hidden: true, ..Default::default() });
                }
                None => {}
            }
        }
        Op::Pin(c, pinned) => {
            let r = block_on(client.pin_conversation(key(c), pinned));
            let Some(conv) = m.visible(c) else { return assert!(r.is_err()) };
            r.unwrap();
            conv.pinned = pinned;
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
            let exists = if clear { m.convs.contains_key(&c) } else { m.visible(c).is_some() };
            assert_eq!(r[0].1.is_ok(), exists, "delete list result of {c}");
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
        Op::Restart => h.restart(),
    }
}

fn read_all(conv: &mut MConv) {
    conv.read_mark = conv.read_mark.max(conv.newest());
    conv.read_seq = conv.read_seq.max(conv.max_seq);
    conv.at.clear();
}

fn check(h: &Harness, m: &Model, step: usize) {
    let client = h.client();
    let list = block_on(client.conversation_list()).unwrap();
    let mut expected: Vec<(bool, u64, usize)> = m
        .convs
        .iter()
        .filter(|(_, conv)| !conv.hidden)
        .map(|(c, conv)| (conv.pinned, conv.order, *c))
        .collect();
    expected.sort_by(|a, b| b.cmp(a));
    let got: Vec<String> = list.iter().map(|i| i.conv_id.clone()).collect();
    let want: Vec<String> = expected.iter().map(|(_, _, c)| KEYS[*c].1.to_owned()).collect();
    assert_eq!(got, want, "step {step}: list order");
    let mut total = 0;
    for info in &list {
        let c = KEYS.iter().position(|k| k.1 == info.conv_id).unwrap();
        let conv = &m.convs[&c];
        assert_eq!(info.conv_unread_num, conv.unread(), "step {step}: unread of {}", info.conv_id);
        assert_eq!(
            info.conv_last_msg.as_ref().map(|m| text_of(&m.message())),
            conv.last().map(|x| x.text.clone()),
            "step {step}: last of {}",
            info.conv_id
        );
        assert_eq!(info.conv_draft.as_ref().map(|d| text_of(&d.draft_msg)), conv.draft, "step {step}: draft");
        assert_eq!(info.conv_recv_opt.value(), conv.recv, "step {step}: recv opt");
        let at: Vec<_> = info
            .conv_group_at_info_array
            .iter()
            .map(|a| (a.conv_group_at_info_seq, a.conv_group_at_info_at_type))
            .collect();
        assert_eq!(at, conv.at, "step {step}: @-info of {}", info.conv_id);
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
        let got: Vec<String> = history.iter().map(text_of).collect();
        let mut want: Vec<&MMsg> = conv.msgs.iter().collect();
        want.sort_by_key(|x| std::cmp::Reverse(x.pos));
        let want: Vec<String> = want.iter().map(|x| x.text.clone()).collect();
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
                let c = KEYS.iter().position(|k| k.1 == info.conv_id).unwrap();
                let conv = &m.convs[&c];
                filter.conv_type.is_none_or(|t| KEYS[c].0 == t)
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
            })
            .map(|info| info.conv_id.clone())
            .collect();
        let mut got = Vec::new();
        let mut next_seq = 0;
        loop {
            let page = block_on(client.conversation_page(filter.clone(), next_seq, 2)).unwrap();
            got.extend(page.list.iter().map(|i| i.conv_id.clone()));
            next_seq = page.next_seq;
            if page.finished {
                break;
            }
        }
        assert_eq!(got, want, "step {step}: paged {filter:?}");
        let unread: u64 = want
            .iter()
            .map(|id| &m.convs[&KEYS.iter().position(|k| k.1 == id).unwrap()])
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
    fn the_engine_matches_the_model(ops in proptest::collection::vec(op(), 1..40)) {
        // Small commits append records to a log folded into the records tree when full: at 4
        // entries a case folds many times, between restarts and across them.
        tim_core::store::fold_recent_records_at(4);
        // Message index rows are written behind and folded by the operation that finds 3
        // pending: folds between reads, deletions and restarts (each closing folds them too).
        tim_core::store::fold_pending_rows_at(3);
        let mut h = Harness::new();
        let mut m = Model::default();
        for (step, op) in ops.iter().enumerate() {
            apply(&mut h, &mut m, op);
            check(&h, &m, step);
        }
        let report = block_on(h.client().doctor(false)).unwrap();
        prop_assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    }
}
