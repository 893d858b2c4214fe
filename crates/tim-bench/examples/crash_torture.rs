//! Crash torture: random operations, a journal of acknowledged states, a check at every start.
//!
//! Each run checks, before any call, that the store it reopens holds exactly the last
//! acknowledged state (every conversation, group, total; the histories of twenty conversations;
//! deleted message IDs not found again; the doctor clean; a call in flight at the kill may have
//! changed only what it names), then makes random calls — deliveries, imports (up to 9,000),
//! sends, saves, deletes by ID and locator, clears, conversation deletes, drafts, receive
//! options, pins, marks, custom data, groups, read reports, bulk calls over 65–80 conversations,
//! concurrent bursts from several threads, pauses for the idle fold — journalling each
//! acknowledged state (fsynced) before the next call. In most rounds deleted and cleared
//! histories longer than a few messages are retired (`store/numbers.rs`), their rows removed
//! at idle moments. `scripts/crash_torture.sh` kills it at random moments round after round.
//! Seventeenth session: 5,428 kill rounds, no failure.
//!
//! Usage: crash_torture <data_dir> <journal> <round> [ops]. `TORTURE_STOP_AFTER=N` shuts down
//! cleanly after N calls (to be killed during the shutdown); `TORTURE_VERBOSE` prints each call.
//! Exit 0: ran its ops (or was told to stop); 2: a check failed (details on stderr).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::time::Duration;

use serde_json::{Value, json};
use tim_core::{
    ConvKey, GroupOp, HistoryQuery, MessageLocator, ReadBound, ReadScope, Sdk, SdkConfig, block_on,
};
use tim_types::keys::MESSAGE_AT_ALL;
use tim_types::{ConvType, Draft, Elem, Message, ReceiveMessageOpt};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

fn all_keys() -> Vec<String> {
    (0..10).map(|i| format!("c:u{i}")).chain((0..10).map(|i| format!("g:g{i}"))).collect()
}

fn key(k: &str) -> ConvKey {
    let (t, id) = k.split_at(2);
    if t == "c:" { ConvKey::c2c(id).unwrap() } else { ConvKey::group(id).unwrap() }
}

#[derive(Default)]
struct Model {
    convs: BTreeMap<String, String>,
    msgs: BTreeMap<String, BTreeMap<String, bool>>,
    deleted: HashSet<String>,
    recv: BTreeMap<String, Option<i32>>,
    total: u64,
    pending: Option<Value>,
    acked: u64,
    unknown: BTreeSet<String>,
    burst_acks: Vec<Value>,
}

struct Snapshot {
    convs: BTreeMap<String, String>,
    opts: BTreeMap<String, i32>,
    unread: BTreeMap<String, u64>,
    msgs: BTreeMap<String, BTreeMap<String, bool>>,
    total: u64,
}

fn fail(msg: String) -> ! {
    eprintln!("FAIL: {msg}");
    std::process::exit(2);
}

fn snapshot(client: &tim_core::Client, keys: &[String], absent_empty: &[String]) -> Result<Snapshot, String> {
    let list = block_on(client.conversation_list()).map_err(|e| format!("list: {e:?}"))?;
    let mut convs = BTreeMap::new();
    let mut opts = BTreeMap::new();
    let mut unread = BTreeMap::new();
    for c in &list {
        let k = format!("{}:{}", if c.conv_type == ConvType::C2C { "c" } else { "g" }, c.conv_id);
        convs.insert(k.clone(), serde_json::to_string(c).unwrap());
        opts.insert(k.clone(), c.conv_recv_opt as i32);
        unread.insert(k, c.conv_unread_num);
    }
    let groups = block_on(client.group_list()).map_err(|e| format!("groups: {e:?}"))?;
    convs.insert("groups".to_owned(), format!("{groups:?}"));
    let total = block_on(client.total_unread()).map_err(|e| format!("total: {e:?}"))?;
    let mut msgs = BTreeMap::new();
    for k in keys {
        let q = HistoryQuery { count: 1_000_000, ..Default::default() };
        let set = match block_on(client.message_list(key(k), q)) {
            Ok(list)
                if {
                    let ids: HashSet<&Option<String>> = list.iter().map(|m| &m.message_msg_id).collect();
                    ids.len() != list.len()
                } =>
            {
                return Err(format!("history {k}: duplicate message IDs in {} messages", list.len()));
            }
            Ok(list) => list
                .iter()
                .map(|m| (m.message_msg_id.clone().unwrap_or_default(), m.message_is_read.unwrap_or(false)))
                .collect(),
            Err(tim_core::Error::Failed(e)) if e.code == 6004 => {
                if absent_empty.contains(k) {
                    BTreeMap::new()
                } else {
                    continue;
                }
            }
            Err(e) => return Err(format!("history {k}: {e:?}")),
        };
        msgs.insert(k.clone(), set);
    }
    Ok(Snapshot { convs, opts, unread, msgs, total })
}

/// Replays the journal; truncates a torn last line.
fn load_journal(path: &str) -> Model {
    let mut model = Model::default();
    model.convs.insert("groups".to_owned(), "[]".to_owned());
    let Ok(bytes) = std::fs::read(path) else { return model };
    let good = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    if good < bytes.len() {
        let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        f.set_len(good as u64).unwrap();
        f.sync_all().unwrap();
    }
    for line in bytes[..good].split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: Value = serde_json::from_slice(line).unwrap();
        match v["t"].as_str().unwrap() {
            "I" => {
                model.pending = Some(v);
                model.burst_acks.clear();
            }
            "B" => model.burst_acks.push(v),
            "A" => {
                apply_delta(&mut model, &v);
                model.pending = None;
                model.acked += 1;
                model.burst_acks.clear();
            }
            _ => unreachable!(),
        }
    }
    model
}

fn apply_delta(model: &mut Model, v: &Value) {
    for (k, d) in v["convs"].as_object().unwrap() {
        match d.as_str() {
            Some(s) => model.convs.insert(k.clone(), s.to_owned()),
            None => model.convs.remove(k),
        };
    }
    for (k, d) in v["msgs"].as_object().unwrap() {
        let set = model.msgs.entry(k.clone()).or_default();
        for e in d["set"].as_array().unwrap() {
            set.insert(e[0].as_str().unwrap().to_owned(), e[1].as_bool().unwrap());
        }
        for e in d["del"].as_array().unwrap() {
            set.remove(e.as_str().unwrap());
            model.deleted.insert(e.as_str().unwrap().to_owned());
        }
        if let Some(drop) = d.get("drop") {
            for e in drop.as_array().unwrap() {
                set.remove(e.as_str().unwrap());
            }
        }
        model.unknown.remove(k);
    }
    if let Some(u) = v.get("unknown") {
        for k in u.as_array().unwrap() {
            model.unknown.insert(k.as_str().unwrap().to_owned());
        }
    }
    model.total = v["total"].as_u64().unwrap();
    if let Some(r) = v.get("recv").and_then(|r| r.as_object()) {
        for (k, o) in r {
            model.recv.insert(k.clone(), o.as_i64().map(|o| o as i32));
        }
    }
}

/// The delta from the model to a snapshot (conversations: all; messages: the snapshot's keys).
fn delta(model: &Model, snap: &Snapshot) -> (Value, Vec<String>) {
    let mut convs = serde_json::Map::new();
    for (k, d) in &snap.convs {
        if model.convs.get(k) != Some(d) {
            convs.insert(k.clone(), json!(d));
        }
    }
    for k in model.convs.keys() {
        if !snap.convs.contains_key(k) {
            convs.insert(k.clone(), Value::Null);
        }
    }
    let mut msgs = serde_json::Map::new();
    let mut removed = Vec::new();
    let empty = BTreeMap::new();
    for (k, set) in &snap.msgs {
        let old = model.msgs.get(k).unwrap_or(&empty);
        let set_: Vec<Value> =
            set.iter().filter(|(id, r)| old.get(*id) != Some(r)).map(|(id, r)| json!([id, r])).collect();
        let mut del: Vec<Value> =
            old.keys().filter(|id| !set.contains_key(*id)).map(|id| json!(id)).collect();
        let mut drop = Vec::new();
        if model.unknown.contains(k) {
            drop = std::mem::take(&mut del);
        }
        removed.extend(del.iter().map(|d| d.as_str().unwrap().to_owned()));
        if !set_.is_empty() || !del.is_empty() || model.unknown.contains(k) {
            msgs.insert(k.clone(), json!({"set": set_, "del": del, "drop": drop}));
        }
    }
    (json!({"t": "A", "convs": convs, "msgs": msgs, "total": snap.total}), removed)
}

struct Journal(std::fs::File);
impl Journal {
    fn write(&mut self, v: &Value) {
        let mut line = serde_json::to_vec(v).unwrap();
        line.push(b'\n');
        self.0.write_all(&line).unwrap();
        self.0.sync_data().unwrap();
    }
}

/// Checks that a snapshot is self-consistent and does not bring back deleted messages.
fn check_invariants(model: &Model, snap: &Snapshot, ctx: &str) {
    let sum: u64 = snap
        .unread
        .iter()
        .filter(|(k, _)| snap.opts[*k] == ReceiveMessageOpt::Receive as i32)
        .map(|(_, u)| *u)
        .sum();
    if sum != snap.total {
        fail(format!("{ctx}: total unread {} != sum over receiving conversations {sum}", snap.total));
    }
    for (k, set) in &snap.msgs {
        for id in set.keys() {
            if model.deleted.contains(id) {
                fail(format!("{ctx}: deleted message {id} is back in {k}"));
            }
        }
    }
    for (k, opt) in &snap.opts {
        if let Some(Some(want)) = model.recv.get(k) {
            if want != opt {
                fail(format!("{ctx}: {k} has receive option {opt}, expected {want}"));
            }
        } else if !model.recv.contains_key(k) && *opt != 0 {
            fail(format!("{ctx}: {k} has receive option {opt}, never set"));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, jpath, round) = (&args[1], &args[2], args[3].parse::<u64>().unwrap());
    let nops: u64 = args.get(4).map_or(1_000_000, |s| s.parse().unwrap());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ round.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    // Fold often in some rounds, at the defaults in others.
    match rng.below(4) {
        3 => {
            tim_core::store::fold_recent_records_at(1 + rng.below(8));
            tim_core::store::fold_pending_rows_at(1 + rng.below(64) as usize);
        }
        0 => {
            tim_core::store::fold_recent_records_at(4 + rng.below(60));
            tim_core::store::fold_pending_rows_at(8 + rng.below(500) as usize);
        }
        1 => tim_core::store::fold_recent_records_at(16 + rng.below(200)),
        _ => {}
    }
    // Deleted and cleared histories retired (their rows removed at idle moments, and by the
    // doctor of each start's check) in most rounds: longer than 0 to 40 messages.
    if !rng.chance(25) {
        tim_core::store::retire_histories_longer_than(rng.below(41) as usize);
    }
    let mut model = load_journal(jpath);
    let mut journal = Journal(std::fs::OpenOptions::new().create(true).append(true).open(jpath).unwrap());
    std::fs::write(format!("{jpath}.ready"), b"").unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    let client = sdk.client();
    block_on(client.login("me", "")).unwrap_or_else(|e| fail(format!("login: {e:?}")));
    let keys = all_keys();

    // The check of what the last run left.
    let purge_keys: Vec<String> = match &model.pending {
        Some(i)
            if i["deletes"].as_bool().unwrap()
                && (i["desc"].as_str().unwrap().starts_with("delete conversation")
                    || i["desc"].as_str().unwrap().contains("clear=true")) =>
        {
            i["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_owned()).collect()
        }
        _ => Vec::new(),
    };
    let visible_purge: Vec<String> =
        purge_keys.iter().filter(|k| model.convs.contains_key(*k)).cloned().collect();
    let snap =
        snapshot(&client, &keys, &visible_purge).unwrap_or_else(|e| fail(format!("check snapshot: {e}")));
    let report = block_on(client.doctor(false)).unwrap_or_else(|e| fail(format!("doctor: {e:?}")));
    if !report.mismatches.is_empty()
        || report.unindexed_records != 0
        || !report.unreadable_records.is_empty()
        || !report.damaged_numbers.is_empty()
    {
        fail(format!("round {round}: doctor: {report:?}"));
    }
    let (d, removed) = delta(&model, &snap);
    let changed: BTreeSet<String> = d["convs"]
        .as_object()
        .unwrap()
        .keys()
        .chain(d["msgs"].as_object().unwrap().keys())
        .cloned()
        .collect();
    let total_changed = snap.total != model.total;
    let mut resync = d.clone();
    resync["unknown"] = purge_keys
        .iter()
        .filter(|k| !visible_purge.contains(*k) && !snap.msgs.contains_key(*k))
        .map(|k| json!(k))
        .collect();
    match &model.pending {
        None => {
            if !changed.is_empty() || total_changed {
                fail(format!(
                    "round {round}: reopened state differs from the last acknowledged one (no call in flight) after {} acks: {}\nmodel total {} now {}",
                    model.acked, d, model.total, snap.total
                ));
            }
        }
        Some(intent) => {
            let global = intent["global"].as_bool().unwrap();
            let allowed: BTreeSet<String> =
                intent["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_owned()).collect();
            let outside: Vec<_> = changed.iter().filter(|k| !global && !allowed.contains(*k)).collect();
            if !outside.is_empty() {
                fail(format!(
                    "round {round}: in-flight {} changed conversations it does not name: {outside:?}: {d}",
                    intent["desc"]
                ));
            }
            if !removed.is_empty() && !intent["deletes"].as_bool().unwrap() {
                fail(format!("round {round}: in-flight {} lost messages {removed:?}", intent["desc"]));
            }
            if intent["recv"].as_bool().unwrap() {
                resync["recv"] = allowed.iter().map(|k| (k.clone(), Value::Null)).collect();
                for k in &allowed {
                    model.recv.insert(k.clone(), None);
                }
            }
        }
    }
    for ack in &model.burst_acks {
        let k = ack["key"].as_str().unwrap();
        let Some(digest) = snap.convs.get(k) else {
            fail(format!("round {round}: acknowledged burst call {ack} lost: {k} not in the list"));
        };
        let c: Value = serde_json::from_str(digest).unwrap();
        let good = if let Some(id) = ack.get("msg") {
            snap.msgs.get(k).is_some_and(|set| set.contains_key(id.as_str().unwrap()))
        } else if ack.get("read").is_some() {
            c["conv_unread_num"] == 0
        } else if let Some(d) = ack.get("draft") {
            digest.contains(&format!("\"{}\"", d.as_str().unwrap()))
        } else if let Some(p) = ack.get("pinned") {
            c["conv_is_pinned"] == *p
        } else {
            c["conv_custom_data"] == ack["custom"]
        };
        if !good {
            fail(format!("round {round}: acknowledged burst call {ack} lost: {k} is {digest}"));
        }
    }
    if !model.burst_acks.is_empty() {
        eprintln!("round {round}: checked {} burst acks", model.burst_acks.len());
    }
    check_invariants(&model, &snap, &format!("round {round} reopen"));
    {
        let dels: Vec<&String> = model.deleted.iter().collect();
        let visible: Vec<&String> = snap.convs.keys().filter(|k| k.as_str() != "groups").collect();
        for _ in 0..if visible.is_empty() { 0 } else { dels.len().min(10) } {
            let on = visible[rng.below(visible.len() as u64) as usize];
            let id = dels[rng.below(dels.len() as u64) as usize];
            let q = HistoryQuery {
                start: tim_core::HistoryStart::AfterMessage(id.clone().into()),
                count: 5,
                ..Default::default()
            };
            match block_on(client.message_list(key(on), q)) {
                Err(tim_core::Error::Failed(e))
                    if e.desc.contains(&format!("message {id:?} does not exist")) => {}
                other => {
                    fail(format!("round {round}: deleted message {id} is still found by its ID: {other:?}"))
                }
            }
        }
    }
    if model.pending.is_some() {
        journal.write(&resync);
        apply_delta(&mut model, &resync);
        model.pending = None;
    }
    eprintln!("round {round}: check ok ({} acks)", model.acked);

    let mut counter = 0u64;
    let base = round * 1_000_000;
    let next_id = |c: &mut u64| {
        *c += 1;
        base + *c
    };
    let stop_after: Option<u64> = std::env::var("TORTURE_STOP_AFTER").ok().and_then(|v| v.parse().ok());
    for op_no in 0..nops {
        if stop_after == Some(op_no) {
            std::fs::write(format!("{jpath}.stopping"), b"").unwrap();
            break;
        }
        let k = keys[rng.below(20) as usize].clone();
        let is_group = k.starts_with("g:");
        let mut desc;
        let mut op_keys = vec![k.clone()];
        let mut global = false;
        let mut deletes = false;
        let mut recv = false;
        let mut history_keys = vec![k.clone()];
        enum Call {
            Deliver(Vec<Message>),
            Send(ConvKey, Message, bool),
            Import(ConvKey, Vec<Message>),
            DelMsg(ConvKey, tim_core::MessageName),
            Clear(ConvKey),
            DelConv(ConvKey),
            DelList(Vec<ConvKey>, bool),
            Draft(ConvKey, Option<Draft>),
            Recv(Vec<ConvKey>, ReceiveMessageOpt),
            Pin(ConvKey, bool),
            Mark(Vec<ConvKey>, u64, bool),
            Group(GroupOp),
            MarkRead(ReadScope),
            ReadUpTo(ConvKey, ReadBound),
            Create(ConvKey),
            Custom(Vec<ConvKey>, String),
            Burst(Vec<String>, Vec<u64>, Vec<u64>),
        }
        let make_msg = |n: u64, k: &str, rng: &mut Rng| {
            let mut m = Message::from_elems(vec![Elem::text(format!("t{n}"))]);
            m.message_msg_id = Some(format!("m{n}"));
            let group = k.starts_with("g:");
            m.message_conv_type = Some(if group { ConvType::Group } else { ConvType::C2C });
            if group {
                m.message_conv_id = Some(k[2..].to_owned());
                m.message_sender = Some(format!("p{}", rng.below(4)));
                if rng.chance(80) {
                    m.message_seq = Some(n);
                }
                if rng.chance(15) {
                    m.message_group_at_user_array =
                        Some(if rng.chance(50) { vec!["me".into()] } else { vec![MESSAGE_AT_ALL.into()] });
                }
            } else {
                m.message_sender = Some(k[2..].to_owned());
            }
            m.message_server_time = Some(1_700_000_000 + n / 3);
            m.message_rand = Some(rng.below(1000));
            if rng.chance(10) {
                m.message_is_excluded_from_unread_count = Some(true);
            }
            if rng.chance(10) {
                m.message_excluded_from_last_message = Some(true);
            }
            m
        };
        let pick = rng.below(100);
        let call = if rng.chance(5) {
            let n = 65 + rng.below(16);
            let start = rng.below(80);
            let bk: Vec<String> = (0..n).map(|i| format!("c:b{}", (start + i) % 96)).collect();
            op_keys = bk.clone();
            history_keys.clear();
            global = true;
            match rng.below(7) {
                0 | 5 | 6 => {
                    let list: Vec<Message> =
                        bk.iter().map(|kk| make_msg(next_id(&mut counter), kk, &mut rng)).collect();
                    desc = format!("bulk deliver {n} from b{start}");
                    Call::Deliver(list)
                }
                1 => {
                    let clear = rng.chance(50);
                    deletes = clear;
                    desc = format!("bulk delete list {n} from b{start} clear={clear}");
                    Call::DelList(bk.iter().map(|k| key(k)).collect(), clear)
                }
                2 => {
                    let opt = match rng.below(3) {
                        0 => ReceiveMessageOpt::Receive,
                        1 => ReceiveMessageOpt::NotReceive,
                        _ => ReceiveMessageOpt::NotNotify,
                    };
                    recv = true;
                    desc = format!("bulk recv opt {opt:?} {n} from b{start}");
                    Call::Recv(bk.iter().map(|k| key(k)).collect(), opt)
                }
                3 => {
                    let on = rng.chance(60);
                    desc = format!("bulk mark {n} from b{start} {on}");
                    Call::Mark(bk.iter().map(|k| key(k)).collect(), 1, on)
                }
                _ => {
                    desc = format!("bulk custom {n} from b{start}");
                    Call::Custom(bk.iter().map(|k| key(k)).collect(), format!("bc{}", rng.below(100)))
                }
            }
        } else if rng.chance(7) {
            let n = 2 + rng.below(6);
            let mut bk: Vec<String> = (0..n).map(|_| keys[rng.below(20) as usize].clone()).collect();
            bk.sort();
            bk.dedup();
            let kinds: Vec<u64> = bk.iter().map(|_| rng.below(5)).collect();
            let vals: Vec<u64> = bk.iter().map(|_| next_id(&mut counter)).collect();
            op_keys = bk.clone();
            history_keys = bk.clone();
            desc = format!("burst {bk:?} {kinds:?} {vals:?}");
            Call::Burst(bk, kinds, vals)
        } else if pick < 22 {
            let big = rng.chance(10);
            let count = 1 + rng.below(if big { 40 } else { 3 });
            let mut list = Vec::new();
            op_keys.clear();
            for _ in 0..count {
                let kk = if rng.chance(70) { k.clone() } else { keys[rng.below(20) as usize].clone() };
                list.push(make_msg(next_id(&mut counter), &kk, &mut rng));
                if !op_keys.contains(&kk) {
                    op_keys.push(kk);
                }
            }
            history_keys = op_keys.clone();
            desc = format!("deliver {count} into {op_keys:?}");
            Call::Deliver(list)
        } else if pick < 25
            && model.msgs.get(&k).is_some_and(|s| s.keys().any(|id| id.starts_with('m') && !id.contains('-')))
        {
            let ids: Vec<&String> =
                model.msgs[&k].keys().filter(|id| id.starts_with('m') && !id.contains('-')).collect();
            let id = ids[rng.below(ids.len() as u64) as usize].clone();
            let mut m = make_msg(next_id(&mut counter), &k, &mut rng);
            m.message_msg_id = Some(id.clone());
            history_keys = vec![k.clone()];
            desc = format!("redeliver {id} into {k}");
            Call::Deliver(vec![m])
        } else if pick < 28 {
            let save = rng.chance(30);
            desc = format!("{} to {k}", if save { "save" } else { "send" });
            let mut m = Message::from_elems(vec![Elem::text("mine")]);
            if save {
                m.message_msg_id = Some(format!("m{}", next_id(&mut counter)));
            }
            Call::Send(key(&k), m, save)
        } else if pick < 32 {
            let count = if rng.chance(3) {
                4000 + rng.below(5000)
            } else if rng.chance(15) {
                200 + rng.below(1500)
            } else {
                1 + rng.below(10)
            };
            let list: Vec<Message> = (0..count)
                .map(|_| {
                    let n = next_id(&mut counter);
                    let mut m = make_msg(n, &k, &mut rng);
                    if rng.chance(30) {
                        m.message_sender = Some("me".into());
                    }
                    m.message_server_time = Some(1_690_000_000 + rng.below(20_000_000));
                    m
                })
                .collect();
            desc = format!("import {count} into {k}");
            Call::Import(key(&k), list)
        } else if pick < 42 {
            deletes = true;
            // Pick a message from the model, by ID or by locator.
            let ids: Vec<String> =
                model.msgs.get(&k).map(|s| s.keys().cloned().collect()).unwrap_or_default();
            if !ids.is_empty() && rng.chance(60) {
                let id = ids[rng.below(ids.len() as u64) as usize].clone();
                desc = format!("delete {id} in {k}");
                Call::DelMsg(key(&k), id.into())
            } else {
                let page =
                    block_on(client.message_list(key(&k), HistoryQuery { count: 50, ..Default::default() }))
                        .unwrap_or_default();
                if page.is_empty() {
                    desc = format!("delete by locator nothing in {k}");
                    Call::DelMsg(key(&k), MessageLocator { time: 1, seq: None, rand: None }.into())
                } else {
                    let m = &page[rng.below(page.len() as u64) as usize];
                    let loc = MessageLocator {
                        time: m.message_server_time.unwrap(),
                        seq: if rng.chance(50) { m.message_seq } else { None },
                        rand: if rng.chance(50) { m.message_rand } else { None },
                    };
                    desc = format!("delete located {loc:?} in {k}");
                    Call::DelMsg(key(&k), loc.into())
                }
            }
        } else if pick < 45 {
            deletes = true;
            desc = format!("clear {k}");
            Call::Clear(key(&k))
        } else if pick < 49 {
            deletes = true;
            desc = format!("delete conversation {k}");
            Call::DelConv(key(&k))
        } else if pick < 53 {
            let n = 1 + rng.below(3);
            op_keys = (0..n).map(|_| keys[rng.below(20) as usize].clone()).collect();
            op_keys.sort();
            op_keys.dedup();
            history_keys = op_keys.clone();
            let clear = rng.chance(50);
            deletes = clear;
            desc = format!("delete list {op_keys:?} clear={clear}");
            Call::DelList(op_keys.iter().map(|k| key(k)).collect(), clear)
        } else if pick < 60 {
            if rng.chance(65) {
                let n = next_id(&mut counter);
                let draft = Draft {
                    draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
                    draft_user_define: format!("u{n}"),
                    draft_edit_time: 1_700_000_000 + n,
                };
                desc = format!("set draft {n} on {k}");
                Call::Draft(key(&k), Some(draft))
            } else {
                desc = format!("cancel draft {k}");
                Call::Draft(key(&k), None)
            }
        } else if pick < 66 {
            let n = 1 + rng.below(3);
            op_keys = (0..n).map(|_| keys[rng.below(20) as usize].clone()).collect();
            op_keys.sort();
            op_keys.dedup();
            let opt = match rng.below(5) {
                0 | 1 => ReceiveMessageOpt::Receive,
                2 => ReceiveMessageOpt::NotReceive,
                3 => ReceiveMessageOpt::NotNotify,
                _ => ReceiveMessageOpt::NotNotifyExceptAt,
            };
            recv = true;
            desc = format!("recv opt {opt:?} on {op_keys:?}");
            Call::Recv(op_keys.iter().map(|k| key(k)).collect(), opt)
        } else if pick < 70 {
            let p = rng.chance(60);
            desc = format!("pin {k} {p}");
            Call::Pin(key(&k), p)
        } else if pick < 74 {
            let bits = [1u64, 2, 4, 8, 1 << 33][rng.below(5) as usize];
            let on = rng.chance(60);
            desc = format!("mark {k} {bits:#x} {on}");
            Call::Mark(vec![key(&k)], bits, on)
        } else if pick < 79 {
            let name = format!("grp{}", rng.below(4));
            let op = match rng.below(6) {
                0 | 1 => GroupOp::Create(name.clone(), vec![key(&k)]),
                2 => GroupOp::Add(name.clone(), vec![key(&k)]),
                3 => GroupOp::Remove(name.clone(), vec![key(&k)]),
                4 => {
                    global = true;
                    GroupOp::Delete(name.clone())
                }
                _ => {
                    global = true;
                    GroupOp::Rename(name.clone(), format!("grp{}", rng.below(4)))
                }
            };
            history_keys.clear();
            desc = format!("group {op:?}");
            Call::Group(op)
        } else if pick < 88 {
            match rng.below(7) {
                0 => {
                    desc = format!("mark read {k}");
                    Call::MarkRead(ReadScope::Conversation(key(&k)))
                }
                1 => {
                    global = true;
                    history_keys = keys.clone();
                    let t = [None, Some(ConvType::C2C), Some(ConvType::Group)][rng.below(3) as usize];
                    desc = format!("mark read all {t:?}");
                    Call::MarkRead(ReadScope::All(t))
                }
                _ => {
                    let page = block_on(
                        client.message_list(key(&k), HistoryQuery { count: 30, ..Default::default() }),
                    )
                    .unwrap_or_default();
                    let bound = if page.is_empty() {
                        ReadBound::Time(1_800_000_000)
                    } else {
                        let m = &page[rng.below(page.len() as u64) as usize];
                        match rng.below(3) {
                            0 => ReadBound::Message(m.message_msg_id.clone().unwrap().into()),
                            1 if is_group => ReadBound::Seq(m.message_seq.unwrap_or(0)),
                            _ if !is_group => ReadBound::Time(m.message_server_time.unwrap()),
                            _ => ReadBound::Message(m.message_msg_id.clone().unwrap().into()),
                        }
                    };
                    desc = format!("read {k} up to {bound:?}");
                    Call::ReadUpTo(key(&k), bound)
                }
            }
        } else if pick < 94 {
            desc = format!("create {k}");
            Call::Create(key(&k))
        } else {
            desc = format!("custom data {k}");
            Call::Custom(vec![key(&k)], format!("cd{}", rng.below(100)))
        };
        let _ = &mut desc;
        if desc.starts_with("group") || desc.starts_with("delete") || desc.starts_with("burst") {
            op_keys.push("groups".to_owned());
        }
        journal.write(&json!({"t": "I", "desc": desc, "keys": op_keys, "global": global, "deletes": deletes, "recv": recv}));
        model.pending = Some(Value::Null);
        let mut purged_ok: Vec<String> = Vec::new();
        let result: Result<String, String> = match call {
            Call::Burst(bk, kinds, vals) => {
                let jf = std::sync::Mutex::new(journal.0.try_clone().unwrap());
                std::thread::scope(|s| {
                    for ((k, kind), v) in bk.iter().zip(&kinds).zip(&vals) {
                        let client = client.clone();
                        let jf = &jf;
                        s.spawn(move || {
                            let (ok, rec) = match kind {
                                0 => {
                                    let d = Draft {
                                        draft_msg: Message::from_elems(vec![Elem::text(format!(
                                            "draft {v}"
                                        ))]),
                                        draft_user_define: String::new(),
                                        draft_edit_time: 1_700_000_000 + v,
                                    };
                                    (
                                        client.set_draft_blocking(key(k), d).is_ok(),
                                        json!({"t": "B", "key": k, "draft": format!("draft {v}")}),
                                    )
                                }
                                1 => {
                                    let p = v % 2 == 0;
                                    (
                                        block_on(client.pin_conversation(key(k), p)).is_ok(),
                                        json!({"t": "B", "key": k, "pinned": p}),
                                    )
                                }
                                3 => {
                                    let mut m = Message::from_elems(vec![Elem::text(format!("b{v}"))]);
                                    m.message_msg_id = Some(format!("m{v}"));
                                    if let Some(group) = k.strip_prefix("g:") {
                                        m.message_conv_type = Some(ConvType::Group);
                                        m.message_conv_id = Some(group.to_owned());
                                        m.message_sender = Some("p9".into());
                                        m.message_seq = Some(*v);
                                    } else {
                                        m.message_conv_type = Some(ConvType::C2C);
                                        m.message_sender = Some(k[2..].to_owned());
                                    }
                                    let ok = block_on(client.deliver(vec![m]))
                                        .map(|l| l.len() == 1)
                                        .unwrap_or(false);
                                    (ok, json!({"t": "B", "key": k, "msg": format!("m{v}")}))
                                }
                                4 => {
                                    let ok =
                                        block_on(client.mark_read(ReadScope::Conversation(key(k)))).is_ok();
                                    (ok, json!({"t": "B", "key": k, "read": true}))
                                }
                                _ => {
                                    let c = format!("cd{v}");
                                    let ok = block_on(client.set_custom_data(vec![key(k)], c.clone()))
                                        .map(|r| r.iter().all(|x| x.1.is_ok()))
                                        .unwrap_or(false);
                                    (ok, json!({"t": "B", "key": k, "custom": c}))
                                }
                            };
                            if ok {
                                let mut line = serde_json::to_vec(&rec).unwrap();
                                line.push(b'\n');
                                let mut f = jf.lock().unwrap();
                                f.write_all(&line).unwrap();
                                f.sync_data().unwrap();
                            }
                        });
                    }
                });
                Ok(String::new())
            }
            Call::Deliver(list) => {
                block_on(client.deliver(list)).map(|s| format!("{}", s.len())).map_err(|e| format!("{e:?}"))
            }
            Call::Send(k, m, save) => {
                (if save { block_on(client.save_message(k, m)) } else { block_on(client.send_message(k, m)) })
                    .map(|m| m.message_msg_id.unwrap_or_default())
                    .map_err(|e| format!("{e:?}"))
            }
            Call::Import(k, l) => {
                block_on(client.import_messages(k, l)).map(|n| n.to_string()).map_err(|e| format!("{e:?}"))
            }
            Call::DelMsg(k, n) => {
                block_on(client.delete_message(k, n)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::Clear(k) => {
                block_on(client.clear_history(k)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::DelConv(k) => {
                block_on(client.delete_conversation(k)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::DelList(ks, c) => block_on(client.delete_conversation_list(ks, c))
                .map(|r| {
                    for (k, res) in &r {
                        if res.is_ok() && c {
                            purged_ok.push(format!(
                                "{}:{}",
                                if k.conv_type() == ConvType::C2C { "c" } else { "g" },
                                k.id()
                            ));
                        }
                    }
                    format!("{r:?}")
                })
                .map_err(|e| format!("{e:?}")),
            Call::Draft(k, Some(d)) => {
                client.set_draft_blocking(k, d).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::Draft(k, None) => {
                client.cancel_draft_blocking(k).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::Recv(ks, o) => block_on(client.set_receive_option(ks, o))
                .map(|_| String::new())
                .map_err(|e| format!("{e:?}")),
            Call::Pin(k, p) => {
                block_on(client.pin_conversation(k, p)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::Mark(ks, b, on) => block_on(client.mark_conversations(ks, b, on))
                .map(|r| format!("{r:?}"))
                .map_err(|e| format!("{e:?}")),
            Call::Group(op) => {
                block_on(client.group_op(op)).map(|r| format!("{r:?}")).map_err(|e| format!("{e:?}"))
            }
            Call::MarkRead(s) => {
                block_on(client.mark_read(s)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::ReadUpTo(k, b) => {
                block_on(client.read_up_to(k, b)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::Create(k) => {
                block_on(client.create_conversation(k)).map(|_| String::new()).map_err(|e| format!("{e:?}"))
            }
            Call::Custom(ks, d) => block_on(client.set_custom_data(ks, d))
                .map(|r| format!("{r:?}"))
                .map_err(|e| format!("{e:?}")),
        };
        let ok = result.is_ok();
        if desc.starts_with("redeliver") && result.as_deref() != Ok("0") {
            fail(format!("round {round} op {op_no}: {desc} -> {result:?}: a duplicate was stored"));
        }
        if std::env::var("TORTURE_VERBOSE").is_ok() {
            eprintln!("op {op_no}: {desc} -> {result:?}");
        }
        let purged: Vec<String> =
            if ok && (desc.starts_with("clear") || desc.starts_with("delete conversation")) {
                op_keys.clone()
            } else {
                purged_ok
            };
        let mut snap =
            snapshot(&client, &history_keys, &purged).unwrap_or_else(|e| fail(format!("snapshot: {e}")));
        // A conversation that changed may have changed its messages' read state (a revival).
        let mut more = history_keys.clone();
        for k in keys.iter() {
            if model.convs.get(k) != snap.convs.get(k) && !more.contains(k) {
                more.push(k.clone());
            }
        }
        if more.len() > history_keys.len() {
            snap = snapshot(&client, &more, &purged).unwrap_or_else(|e| fail(format!("snapshot: {e}")));
        }
        let (mut d, removed) = delta(&model, &snap);
        if !removed.is_empty() && !deletes {
            fail(format!("round {round} op {op_no}: {desc} -> {result:?} removed messages {removed:?}"));
        }
        // A conversation not named by the call must not change (except for global calls and
        // message receipt that touches the named ones only).
        if !global {
            for kk in d["convs"].as_object().unwrap().keys() {
                if !op_keys.contains(kk) {
                    fail(format!("round {round} op {op_no}: {desc} -> {result:?} changed {kk}: {d}"));
                }
            }
        }
        if recv && ok {
            d["recv"] = json!({});
            // The option set is in the description; parse it back.
            let opt = if desc.contains("NotNotifyExceptAt") {
                3
            } else if desc.contains("NotNotify") {
                2
            } else if desc.contains("NotReceive") {
                1
            } else {
                0
            };
            for kk in &op_keys {
                d["recv"][kk] = json!(opt);
            }
        }
        let mut next =
            Model { deleted: model.deleted.clone(), recv: model.recv.clone(), ..Default::default() };
        apply_delta(&mut next, &d);
        check_invariants(&next, &snap, &format!("round {round} op {op_no} after {desc} -> {result:?}"));
        journal.write(&d);
        apply_delta(&mut model, &d);
        model.pending = None;
        model.acked += 1;
        let _ = ok;
        if rng.chance(8) {
            std::thread::sleep(Duration::from_millis(1 + rng.below(25)));
        }
    }
    sdk.shutdown();
}
