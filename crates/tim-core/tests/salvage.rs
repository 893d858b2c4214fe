//! Salvage (`tim_core::store::salvage`): a store whose login fails for good is replaced by one
//! made of what still reads, the damaged bytes kept aside; what reads comes through unchanged.

mod common;

use redb::{ReadableTable, TableDefinition};
use tim_core::store::StoreError;
use tim_core::store::{SalvageReport, salvage, user_store_path};
use tim_core::{ConvKey, Error, GroupOp, HistoryQuery, Sdk, SdkConfig, block_on};
use tim_types::{ConvInfo, ConvType, Draft, Elem, ErrCode, Message};

const CONVERSATIONS: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("conversations");
const RECENT_RECORDS: TableDefinition<u64, (u8, &str, &[u8])> = TableDefinition::new("recent_records");
const MESSAGE_LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("message_log");

fn message(sender: &str, conv_type: ConvType, conv_id: Option<&str>, id: &str) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text(format!("text of {id}"))]);
    msg.message_sender = Some(sender.into());
    msg.message_conv_type = Some(conv_type);
    msg.message_conv_id = conv_id.map(str::to_owned);
    msg.message_msg_id = Some(id.into());
    msg
}

fn c2c(id: &str) -> ConvKey {
    ConvKey::c2c(id).unwrap()
}

/// alice's store: bob (3 messages, 1 read), carol (2 unread), a group team (4 messages by
/// sequence, unread), a draft for dave, carol pinned, bob and team in the conversation group
/// "work".
fn fill(dir: &std::path::Path) {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    let client = sdk.client();
    block_on(client.login("alice", "")).unwrap();
    let mut list: Vec<Message> =
        (1..=3).map(|n| message("bob", ConvType::C2C, None, &format!("b{n}"))).collect();
    list.extend((1..=2).map(|n| message("carol", ConvType::C2C, None, &format!("c{n}"))));
    for n in 1..=4u64 {
        let mut msg = message("erin", ConvType::Group, Some("team"), &format!("t{n}"));
        msg.message_seq = Some(n);
        list.push(msg);
    }
    block_on(client.deliver(list)).unwrap();
    let bob_first =
        block_on(client.message_list(c2c("bob"), HistoryQuery { count: 3, ..Default::default() }))
            .unwrap()
            .into_iter()
            .find(|m| m.message_msg_id.as_deref() == Some("b1"))
            .unwrap();
    block_on(client.read_up_to(
        c2c("bob"),
        tim_core::ReadBound::Message(bob_first.message_msg_id.clone().unwrap().into()),
    ))
    .unwrap();
    let draft = Draft {
        draft_msg: Message::from_elems(vec![Elem::text("later")]),
        draft_user_define: "u".into(),
        draft_edit_time: 0,
    };
    client.set_draft_blocking(c2c("dave"), draft).unwrap();
    block_on(client.pin_conversation(c2c("carol"), true)).unwrap();
    let team = ConvKey::new(ConvType::Group, "team").unwrap();
    block_on(client.group_op(GroupOp::Create("work".into(), vec![c2c("bob"), team]))).unwrap();
    sdk.shutdown();
}

/// What alice's store shows: the list (as JSON) and each conversation's history IDs.
fn shown(dir: &std::path::Path) -> (Vec<serde_json::Value>, Vec<(String, Vec<String>)>) {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    let client = sdk.client();
    block_on(client.login("alice", "")).unwrap();
    let list: Vec<ConvInfo> = block_on(client.conversation_list()).unwrap();
    let histories = list
        .iter()
        .map(|c| {
            let key = ConvKey::new(c.conv_type, c.conv_id.clone()).unwrap();
            let page = block_on(client.message_list(key, HistoryQuery { count: 100, ..Default::default() }))
                .unwrap();
            (c.conv_id.clone(), page.into_iter().map(|m| m.message_msg_id.unwrap()).collect())
        })
        .collect();
    let doctor = block_on(client.doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty(), "{doctor:?}");
    assert_eq!((doctor.unindexed_records, doctor.unreadable_records.len()), (0, 0), "{doctor:?}");
    sdk.shutdown();
    (list.iter().map(|c| serde_json::to_value(c).unwrap()).collect(), histories)
}

/// Whether the doctor's recount of the new store left nothing it could not fix (what it fixed
/// are the counts of what was lost).
fn clean(report: &SalvageReport) -> bool {
    report.doctor.unindexed_records == 0
        && report.doctor.unreadable_records.is_empty()
        && report.doctor.damaged_numbers.is_empty()
}

/// Edits alice's closed store in one write transaction.
fn edit(dir: &std::path::Path, change: impl FnOnce(&redb::WriteTransaction)) {
    let db = redb::Database::open(user_store_path(dir, "alice")).unwrap();
    let txn = db.begin_write().unwrap();
    change(&txn);
    txn.commit().unwrap();
}

/// The log records (uid and bytes) whose bytes hold `text` (a message ID or text of `fill`'s), in
/// uid order.
fn log_records_with(log: &redb::Table<u64, &[u8]>, text: &[u8]) -> Vec<(u64, Vec<u8>)> {
    log.iter()
        .unwrap()
        .map(|r| r.unwrap())
        .filter(|(_, v)| v.value().windows(text.len()).any(|w| w == text))
        .map(|(k, v)| (k.value(), v.value().to_vec()))
        .collect()
}

fn login_error(dir: &std::path::Path) -> Option<Error> {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    let result = block_on(sdk.client().login("alice", "")).err();
    sdk.shutdown();
    result
}

#[test]
fn a_sound_store_comes_through_unchanged_and_its_bytes_are_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let before = shown(dir.path());
    let bytes = std::fs::read(user_store_path(dir.path(), "alice")).unwrap();

    // What a salvage killed while it set up its new store leaves.
    let left = dir.path().join(tim_core::store::USERS_DIR).join(".salvage-1-2");
    std::fs::create_dir_all(left.join("users")).unwrap();
    std::fs::write(left.join("users").join("partial.redb"), [0u8; 4096]).unwrap();

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(!left.exists(), "a killed salvage's work folder is removed by the next");
    assert!(clean(&report) && report.doctor.mismatches.is_empty(), "{report:?}");
    assert_eq!(
        (report.conversations, report.conversations_remade, report.records_lost),
        (4, 0, 0),
        "bob, carol, team, dave: {report:?}"
    );
    assert_eq!((report.messages, report.messages_lost, report.duplicate_messages), (9, 0, 0), "{report:?}");
    assert!(report.cut_short.is_empty() && !report.groups_lost && report.unopenable.is_none(), "{report:?}");
    assert!(std::fs::read(&report.damaged_copy).unwrap() == bytes, "the copy aside is the file as it was");
    assert_eq!(shown(dir.path()), before, "the list, unread counts, drafts, pins, groups and histories");

    // The salvaged store takes new messages, numbered past the kept ones.
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("alice", "")).unwrap();
    assert!(block_on(client.deliver(vec![message("bob", ConvType::C2C, None, "b1")])).unwrap().is_empty());
    let mut later = message("erin", ConvType::Group, Some("team"), "t5");
    later.message_seq = Some(5);
    assert_eq!(block_on(client.deliver(vec![later])).unwrap().len(), 1);
    let team = ConvKey::new(ConvType::Group, "team").unwrap();
    assert_eq!(
        block_on(client.conversation_list())
            .unwrap()
            .iter()
            .find(|c| c.conv_id == "team")
            .unwrap()
            .conv_unread_num,
        5
    );
    let page = block_on(client.message_list(team, HistoryQuery { count: 10, ..Default::default() })).unwrap();
    assert_eq!(page.len(), 5);
    sdk.shutdown();
}

#[test]
fn a_record_and_a_message_that_do_not_read_are_left_out_and_the_login_works_again() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let garbage: &[u8] = &[0xEE; 40];
    edit(dir.path(), |txn| {
        // bob's record, wherever its current one is.
        let mut rows = txn.open_table(CONVERSATIONS).unwrap();
        if rows.get((1, "bob")).unwrap().is_some() {
            rows.insert((1, "bob"), garbage).unwrap();
        }
        let mut recent = txn.open_table(RECENT_RECORDS).unwrap();
        let ids: Vec<u64> = recent
            .iter()
            .unwrap()
            .map(|r| r.unwrap())
            .filter(|(_, v)| v.value().1 == "bob")
            .map(|(k, _)| k.value())
            .collect();
        for id in ids {
            recent.insert(id, (1, "bob", garbage)).unwrap();
        }
        // carol's newest message.
        let mut log = txn.open_table(MESSAGE_LOG).unwrap();
        let (uid, _) = log_records_with(&log, b"c2").pop().unwrap();
        log.insert(uid, garbage).unwrap();
    });
    match login_error(dir.path()) {
        Some(e) => assert_eq!(e.code(), ErrCode::DatabaseOperateFailed.value(), "{e}"),
        None => panic!("a store whose record does not read logged in"),
    }

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(clean(&report), "{report:?}");
    assert!(report.records_lost >= 1, "{report:?}");
    assert_eq!((report.conversations, report.conversations_remade), (3, 1), "{report:?}");
    assert_eq!((report.messages, report.messages_lost), (8, 1), "{report:?}");

    let (list, histories) = shown(dir.path());
    let find = |id: &str| list.iter().find(|c| c["conv_id"] == id).unwrap().clone();
    let bob = find("bob");
    assert_eq!(bob["conv_unread_num"], 0, "a remade conversation's messages are taken as read");
    assert_eq!(bob["conv_last_msg"]["message_msg_id"], "b3");
    let carol = find("carol");
    assert_eq!(carol["conv_unread_num"], 1, "carol's lost message no longer counts");
    assert_eq!(carol["conv_last_msg"]["message_msg_id"], "c1");
    assert_eq!(carol["conv_is_pinned"], true, "carol's record came through");
    let history = |id: &str| histories.iter().find(|(c, _)| c == id).unwrap().1.clone();
    assert_eq!(history("bob"), ["b3", "b2", "b1"]);
    assert_eq!(history("carol"), ["c1"]);
    assert_eq!(find("team")["conv_unread_num"], 4);
    assert!(find("dave")["conv_draft"].is_object(), "dave's draft came through");
}

/// Damages every 7th page past the header (damage in every page makes a file redb cannot open).
fn damage_every_7th_page(path: &std::path::Path) {
    common::damage_pages(path, 7);
}

#[test]
fn a_file_damaged_in_many_places_gives_a_store_that_opens_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("alice", "")).unwrap();
        let list: Vec<Message> = (0..3000)
            .map(|n| message(&format!("p{}", n % 300), ConvType::C2C, None, &format!("m{n}")))
            .collect();
        block_on(client.deliver(list)).unwrap();
        sdk.shutdown();
    }
    let path = user_store_path(dir.path(), "alice");
    damage_every_7th_page(&path);
    assert!(login_error(dir.path()).is_some(), "the damage is one a login notices");

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(clean(&report), "{report:?}");
    assert!(report.unopenable.is_none() && report.records_lost > 0 && report.messages_lost > 0, "{report:?}");
    assert_eq!(report.messages + report.messages_lost, 3000, "{report:?}");
    assert_eq!(
        report.conversations + report.conversations_remade,
        300,
        "each kept some of its ten: {report:?}"
    );
    // Whatever was kept, the store opens, lists and takes messages.
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("alice", "")).unwrap();
    let listed = block_on(client.conversation_list()).unwrap().len() as u64;
    assert_eq!(listed, report.conversations + report.conversations_remade, "{report:?}");
    assert_eq!(
        block_on(client.deliver(vec![message("new", ConvType::C2C, None, "fresh")])).unwrap().len(),
        1
    );
    let doctor = block_on(client.doctor(false)).unwrap();
    assert!(doctor.mismatches.is_empty() && doctor.unindexed_records == 0, "{doctor:?}");
    sdk.shutdown();
}

#[test]
fn a_file_redb_cannot_open_is_kept_aside_and_replaced_by_an_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let path = user_store_path(dir.path(), "alice");
    let junk: Vec<u8> = (0..100_000u32).map(|n| (n * 7919 % 251) as u8).collect();
    std::fs::write(&path, &junk).unwrap();
    assert!(login_error(dir.path()).is_some());

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(report.unopenable.is_some(), "{report:?}");
    assert_eq!((report.conversations, report.messages), (0, 0));
    assert!(std::fs::read(&report.damaged_copy).unwrap() == junk);
    let (list, _) = shown(dir.path());
    assert!(list.is_empty());
}

#[test]
fn an_open_store_another_owners_file_and_no_file_are_refused_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join(tim_core::store::USERS_DIR);
    assert!(matches!(salvage(dir.path(), "alice"), Err(StoreError::Io { .. })), "no store to salvage");
    fill(dir.path());
    let files = || {
        let mut names: Vec<_> = std::fs::read_dir(&users).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        names
    };
    let before = files();

    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    block_on(sdk.client().login("alice", "")).unwrap();
    assert!(matches!(salvage(dir.path(), "alice"), Err(StoreError::AlreadyOpen(_))));
    sdk.shutdown();
    assert_eq!(files(), before, "no copy aside, no work folder");

    // A salvage running (it locks the folder: two would each rename a new file into place).
    let running = std::fs::File::open(&users).unwrap();
    running.try_lock().unwrap();
    match salvage(dir.path(), "alice") {
        Err(StoreError::Io { source, .. }) => {
            assert!(source.to_string().contains("another salvage"), "{source}")
        }
        other => panic!("a second salvage ran: {other:?}"),
    }
    drop(running);
    assert_eq!(files(), before);

    std::fs::copy(user_store_path(dir.path(), "alice"), user_store_path(dir.path(), "bob")).unwrap();
    let bob_bytes = std::fs::read(user_store_path(dir.path(), "bob")).unwrap();
    assert!(matches!(salvage(dir.path(), "bob"), Err(StoreError::WrongOwner)));
    assert!(std::fs::read(user_store_path(dir.path(), "bob")).unwrap() == bob_bytes, "bob's file unchanged");
    assert_eq!(files().len(), before.len() + 1, "bob's file only");
}

/// A file backend without redb's lock (so that the test can leave a file open, as a crash does,
/// and still open it again).
#[derive(Debug)]
struct Unlocked(std::fs::File);

impl redb::StorageBackend for Unlocked {
    fn len(&self) -> Result<u64, std::io::Error> {
        Ok(self.0.metadata()?.len())
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), std::io::Error> {
        std::os::unix::fs::FileExt::read_exact_at(&self.0, out, offset)
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        self.0.set_len(len)
    }

    fn sync_data(&self) -> Result<(), std::io::Error> {
        self.0.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        std::os::unix::fs::FileExt::write_all_at(&self.0, data, offset)
    }
}

#[test]
fn a_file_left_by_a_crash_is_repaired_and_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let before = shown(dir.path());
    let path = user_store_path(dir.path(), "alice");
    {
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let db = redb::Database::builder().create_with_backend(Unlocked(file)).unwrap();
        db.begin_write().unwrap().commit().unwrap();
        // Never closed, as after a crash: the file needs redb's repair.
        std::mem::forget(db);
    }
    assert!(redb::ReadOnlyDatabase::open(&path).is_err(), "a read-only open refuses a file to repair");
    let bytes = std::fs::read(&path).unwrap();

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(clean(&report) && report.doctor.mismatches.is_empty(), "{report:?}");
    assert_eq!(
        (report.conversations, report.messages, report.records_lost, report.messages_lost),
        (4, 9, 0, 0)
    );
    assert!(std::fs::read(&report.damaged_copy).unwrap() == bytes, "the copy is the file before its repair");
    assert_eq!(shown(dir.path()), before);
}

/// alice's store with `n` messages from bob; the SDK still logged in.
fn open_with_messages(dir: &std::path::Path, n: usize) -> Sdk {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    let client = sdk.client();
    block_on(client.login("alice", "")).unwrap();
    let list: Vec<Message> = (0..n).map(|k| message("bob", ConvType::C2C, None, &format!("m{k}"))).collect();
    for chunk in list.chunks(1000) {
        block_on(client.deliver(chunk.to_vec())).unwrap();
    }
    sdk
}

fn with_alice<T>(dir: &std::path::Path, work: impl FnOnce(&tim_core::Client) -> T) -> T {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    let client = sdk.client();
    block_on(client.login("alice", "")).unwrap();
    let out = work(&client);
    sdk.shutdown();
    out
}

#[test]
fn a_new_message_after_salvage_is_numbered_past_deleted_ones_and_counts_as_unread() {
    let at = |mut msg: Message| {
        msg.message_server_time = Some(1_700_000_000);
        msg
    };
    let dir = tempfile::tempdir().unwrap();
    with_alice(dir.path(), |client| {
        let both = vec![
            at(message("bob", ConvType::C2C, None, "b1")),
            at(message("bob", ConvType::C2C, None, "b2")),
        ];
        block_on(client.deliver(both)).unwrap();
        block_on(client.read_up_to(c2c("bob"), tim_core::ReadBound::Message("b2".into()))).unwrap();
        block_on(client.delete_message(c2c("bob"), "b2")).unwrap();
    });
    let original = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(original.path().join(tim_core::store::USERS_DIR)).unwrap();
    std::fs::copy(user_store_path(dir.path(), "alice"), user_store_path(original.path(), "alice")).unwrap();
    salvage(dir.path(), "alice").unwrap();
    // b3 arrives in the same second: numbered past the deleted b2, it is after the read mark.
    let arrive = |dir: &std::path::Path| {
        with_alice(dir, |client| {
            let stored =
                block_on(client.deliver(vec![at(message("bob", ConvType::C2C, None, "b3"))])).unwrap();
            let list = block_on(client.conversation_list()).unwrap();
            (stored[0].message_unique_id, list.iter().find(|c| c.conv_id == "bob").unwrap().conv_unread_num)
        })
    };
    let before = arrive(original.path());
    assert_eq!(before, (Some(3), 1));
    assert_eq!(arrive(dir.path()), before, "(message_unique_id, unread) of b3 after the salvage");
}

#[test]
fn refusing_another_owners_file_that_needed_repair_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = open_with_messages(dir.path(), 30);
    let bob = user_store_path(dir.path(), "bob");
    // Copied while open: as a crash leaves it, a file that needs redb's repair.
    std::fs::copy(user_store_path(dir.path(), "alice"), &bob).unwrap();
    sdk.shutdown();
    let before = std::fs::read(&bob).unwrap();
    assert!(redb::ReadOnlyDatabase::open(&bob).is_err(), "the test's file needs a repair");
    assert!(matches!(salvage(dir.path(), "bob"), Err(StoreError::WrongOwner)));
    assert!(std::fs::read(&bob).unwrap() == before, "bob's file was changed by a refused salvage");
    let left: Vec<_> =
        std::fs::read_dir(bob.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "alice's and bob's files only: {left:?}");
}

#[test]
fn a_key_redb_panics_on_is_lost_alone() {
    let dir = tempfile::tempdir().unwrap();
    open_with_messages(dir.path(), 100).shutdown();
    with_alice(dir.path(), |client| {
        let draft = Draft {
            draft_msg: Message::from_elems(vec![Elem::text("later")]),
            draft_user_define: String::new(),
            draft_edit_time: 5,
        };
        client.set_draft_blocking(c2c("QQdraftonlyQQ"), draft).unwrap();
    });
    // The conversation's ID, wherever the file holds it, no longer UTF-8 (redb unwraps it).
    let path = user_store_path(dir.path(), "alice");
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = b"QQdraftonlyQQ";
    for i in 0..bytes.len() - needle.len() {
        if &bytes[i..i + needle.len()] == needle {
            bytes[i] = 0xFF;
        }
    }
    std::fs::write(&path, bytes).unwrap();
    assert!(login_error(dir.path()).is_some(), "the damage is one a login notices");

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(clean(&report), "{report:?}");
    assert_eq!((report.messages, report.conversations), (100, 1), "{report:?}");
    assert_eq!(report.records_lost, 1, "one record lost, counted once: {report:?}");
    with_alice(dir.path(), |client| assert_eq!(block_on(client.conversation_list()).unwrap().len(), 1));
}

#[test]
fn random_damage_is_salvaged_into_a_store_that_opens_and_checks_clean() {
    // One store: 4,000 messages in 400 conversations, drafts, a group's messages by sequence.
    let made = tempfile::tempdir().unwrap();
    with_alice(made.path(), |client| {
        let mut list: Vec<Message> = (0..4000)
            .map(|n| message(&format!("p{}", n % 400), ConvType::C2C, None, &format!("m{n}")))
            .collect();
        list.extend((1..=200u64).map(|n| {
            let mut msg = message("erin", ConvType::Group, Some("team"), &format!("t{n}"));
            msg.message_seq = Some(n);
            msg
        }));
        for chunk in list.chunks(1000) {
            block_on(client.deliver(chunk.to_vec())).unwrap();
        }
        for n in 0..40 {
            let draft = Draft {
                draft_msg: Message::from_elems(vec![Elem::text(format!("draft {n}"))]),
                draft_user_define: String::new(),
                draft_edit_time: 0,
            };
            client.set_draft_blocking(c2c(&format!("p{n}")), draft).unwrap();
        }
    });
    let pristine = std::fs::read(user_store_path(made.path(), "alice")).unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..16 {
        // 1 to 7 runs of 64 flipped bytes past the header page.
        let mut bytes = pristine.clone();
        for _ in 0..1 + next() % 7 {
            let at = 4096 + (next() as usize) % (bytes.len() - 4096 - 64);
            for byte in &mut bytes[at..at + 64] {
                *byte ^= 0xA5;
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = user_store_path(dir.path(), "alice");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let report = match salvage(dir.path(), "alice") {
            Ok(report) => report,
            Err(e) => panic!("round {round}: the salvage failed as a whole: {e:?}"),
        };
        assert!(clean(&report), "round {round}: {report:?}");
        assert!(report.messages + report.messages_lost <= 4200, "round {round}: {report:?}");
        with_alice(dir.path(), |client| {
            let listed = block_on(client.conversation_list()).unwrap().len() as u64;
            assert!(listed <= report.conversations + report.conversations_remade, "round {round}");
            let doctor = block_on(client.doctor(false)).unwrap();
            assert!(
                doctor.mismatches.is_empty()
                    && doctor.unindexed_records == 0
                    && doctor.unreadable_records.is_empty(),
                "round {round}: {doctor:?}"
            );
            assert_eq!(
                block_on(client.deliver(vec![message("new", ConvType::C2C, None, "fresh")])).unwrap().len(),
                1
            );
        });
    }
}

#[test]
fn what_the_doctor_leaves_in_place_comes_back_indexed() {
    const MESSAGE_ORDER: TableDefinition<(u32, u64, u64), ()> = TableDefinition::new("message_order");
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    // bob's oldest message loses its index row: no history reaches it.
    edit(dir.path(), |txn| {
        let mut index = txn.open_table(MESSAGE_ORDER).unwrap();
        let first = index.iter().unwrap().next().unwrap().unwrap().0.value();
        index.remove(first).unwrap();
    });
    let doctor = with_alice(dir.path(), |client| block_on(client.doctor(true)).unwrap());
    assert_eq!(doctor.unindexed_records, 1, "{doctor:?}");

    let report = salvage(dir.path(), "alice").unwrap();
    assert!(clean(&report), "{report:?}");
    assert_eq!(report.messages, 9, "{report:?}");
    let (_, histories) = shown(dir.path());
    let all: usize = histories.iter().map(|(_, ids)| ids.len()).sum();
    assert_eq!(all, 9, "{histories:?}");
}

#[test]
fn a_lost_message_leaves_no_at_reminder_after_salvage() {
    let dir = tempfile::tempdir().unwrap();
    with_alice(dir.path(), |client| {
        let mut at_me = message("erin", ConvType::Group, Some("team"), "t1");
        at_me.message_seq = Some(1);
        at_me.message_group_at_user_array = Some(vec!["alice".into()]);
        let mut plain = message("erin", ConvType::Group, Some("team"), "t2");
        plain.message_seq = Some(2);
        block_on(client.deliver(vec![at_me, plain])).unwrap();
    });
    edit(dir.path(), |txn| {
        let mut log = txn.open_table(MESSAGE_LOG).unwrap();
        let (uid, _) = log_records_with(&log, b"t1").remove(0);
        log.insert(uid, [0xEE; 40].as_slice()).unwrap();
    });
    let report = salvage(dir.path(), "alice").unwrap();
    assert_eq!((report.messages, report.messages_lost), (1, 1), "{report:?}");
    assert!(report.doctor.mismatches.iter().any(|m| m.contains("@ reminders 1 != 0")), "{report:?}");
    let list = with_alice(dir.path(), |client| block_on(client.conversation_list()).unwrap());
    let team = list.iter().find(|c| c.conv_id == "team").unwrap();
    assert_eq!(team.conv_unread_num, 1);
    assert!(team.conv_group_at_info_array.is_empty(), "{:?}", team.conv_group_at_info_array);
}

#[test]
fn a_damaged_log_key_at_the_largest_uid_does_not_stop_new_messages() {
    let dir = tempfile::tempdir().unwrap();
    with_alice(dir.path(), |client| {
        block_on(client.deliver(vec![message("bob", ConvType::C2C, None, "b1")])).unwrap();
    });
    edit(dir.path(), |txn| {
        txn.open_table(MESSAGE_LOG).unwrap().insert(u64::MAX, [0xEE; 40].as_slice()).unwrap();
    });
    let report = salvage(dir.path(), "alice").unwrap();
    assert_eq!((report.messages, report.messages_lost), (1, 1), "{report:?}");
    with_alice(dir.path(), |client| {
        let stored = block_on(client.deliver(vec![message("bob", ConvType::C2C, None, "b2")]));
        assert!(matches!(&stored, Ok(list) if list.len() == 1), "{stored:?}");
    });
}

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

#[test]
fn a_newer_builds_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    edit(dir.path(), |txn| {
        txn.open_table(META).unwrap().insert("schema_version", 99u64.to_le_bytes().as_slice()).unwrap();
    });
    let path = user_store_path(dir.path(), "alice");
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(salvage(dir.path(), "alice"), Err(StoreError::NewerSchema { found: 99 })));
    assert!(std::fs::read(&path).unwrap() == before);
    assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no copy left");
}

#[test]
fn a_second_copy_of_a_message_and_a_groups_list_that_does_not_read_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    edit(dir.path(), |txn| {
        // bob's b2 again under a uid of its own (a damaged file's second copy of an ID).
        let mut log = txn.open_table(MESSAGE_LOG).unwrap();
        let (uid, mut bytes) = log_records_with(&log, b"b2").remove(0);
        let last = log.last().unwrap().unwrap().0.value();
        assert_eq!(u64::from_le_bytes(bytes[9..17].try_into().unwrap()), uid, "the record's uid field");
        bytes[9..17].copy_from_slice(&(last + 1).to_le_bytes());
        log.insert(last + 1, bytes.as_slice()).unwrap();
        txn.open_table(META).unwrap().insert("conversation_groups", b"[\"wo".as_slice()).unwrap();
    });
    let report = salvage(dir.path(), "alice").unwrap();
    assert!(clean(&report), "{report:?}");
    assert_eq!((report.messages, report.duplicate_messages), (9, 1), "{report:?}");
    assert!(report.groups_lost, "{report:?}");
    // The list of groups is made again from the conversations that name one.
    let groups = with_alice(dir.path(), |client| {
        let list = block_on(client.conversation_list()).unwrap();
        list.iter().filter(|c| c.conv_conversation_group_array.iter().any(|g| g == "work")).count()
    });
    assert_eq!(groups, 2, "bob and team are still in work");
    let (_, histories) = shown(dir.path());
    let bob = &histories.iter().find(|(c, _)| c == "bob").unwrap().1;
    assert_eq!(bob, &["b3", "b2", "b1"], "one b2");
}
