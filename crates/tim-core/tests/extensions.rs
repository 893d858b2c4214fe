//! The newer conversation calls through the Rust API: pins, paging, batch delete, custom data,
//! marks, groups, unread by filter.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tim_core::{
    CallError, ConvFilter, ConvKey, Error, GroupEvent, GroupOp, HistoryQuery, Sdk, SdkConfig, block_on,
};
use tim_types::{ConvType, Elem, ErrCode, Message};

fn start(dir: &std::path::Path) -> Sdk {
    let sdk = Sdk::start(SdkConfig::new(dir)).unwrap();
    block_on(sdk.client().login("me", "")).unwrap();
    sdk
}

fn c(id: &str) -> ConvKey {
    ConvKey::c2c(id).unwrap()
}

fn ids(list: &[tim_types::ConvInfo]) -> Vec<String> {
    list.iter().map(|i| i.conv_id.clone()).collect()
}

fn incoming(from: &str, id: &str) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text("hi")]);
    msg.message_sender = Some(from.into());
    msg.message_conv_type = Some(ConvType::C2C);
    msg.message_msg_id = Some(id.into());
    msg
}

/// Records what the unread-by-filter handler reports: (filter label, total).
fn record_filtered_unread(client: &tim_core::Client) -> Arc<Mutex<Vec<(String, u64)>>> {
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    client.set_filtered_unread_handler(Some(Arc::new(move |label: &str, total| {
        sink.lock().unwrap().push((label.to_owned(), total))
    })));
    reports
}

/// Ten conversations `{prefix}0`..`{prefix}9`, the 3rd and 5th pinned; a walk's first page of
/// one, which holds `{prefix}5`.
fn ten_with_two_pinned_and_a_first_page(client: &tim_core::Client, prefix: &str) -> tim_core::ConvPage {
    for i in 0..10 {
        block_on(client.create_conversation(c(&format!("{prefix}{i}")))).unwrap();
    }
    block_on(client.pin_conversation(c(&format!("{prefix}3")), true)).unwrap();
    block_on(client.pin_conversation(c(&format!("{prefix}5")), true)).unwrap();
    let first = block_on(client.conversation_page(ConvFilter::default(), 0, 1)).unwrap();
    assert_eq!(ids(&first.list), [format!("{prefix}5")]);
    first
}

#[test]
fn pinning_keeps_relative_order_and_is_limited() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for id in ["5", "4", "3", "2", "1"] {
        block_on(client.create_conversation(c(id))).unwrap();
    }
    block_on(client.pin_conversation(c("2"), true)).unwrap();
    block_on(client.pin_conversation(c("3"), true)).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(ids(&list), ["2", "3", "1", "4", "5"]);
    assert!(list[0].conv_is_pinned);
    assert_ne!(list[0].conv_active_time & (1 << 62), 0);
    block_on(client.pin_conversation(c("2"), false)).unwrap();
    assert_eq!(ids(&block_on(client.conversation_list()).unwrap()), ["3", "1", "2", "4", "5"]);
    let missing = block_on(client.pin_conversation(c("nope"), true)).unwrap_err();
    assert_eq!(missing.code(), ErrCode::InvalidConversation.value());

    for i in 0..49 {
        let key = c(&format!("p{i}"));
        block_on(client.create_conversation(key.clone())).unwrap();
        block_on(client.pin_conversation(key, true)).unwrap();
    }
    let fifty_first = block_on(client.pin_conversation(c("1"), true)).unwrap_err();
    assert_eq!(fifty_first.code(), ErrCode::InvalidParameters.value());
    drop(sdk);
    let sdk = start(dir.path());
    let list = block_on(sdk.client().conversation_list()).unwrap();
    assert_eq!(list.iter().filter(|i| i.conv_is_pinned).count(), 50, "pins are durable");
}

#[test]
fn paging_never_repeats_or_skips_while_the_list_reorders() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let n = 300;
    for i in 0..n {
        block_on(client.create_conversation(c(&format!("u{i}")))).unwrap();
    }
    for i in 0..10 {
        block_on(client.pin_conversation(c(&format!("u{}", i * 7)), true)).unwrap();
    }
    let mut seen = Vec::new();
    let mut touched = HashSet::new();
    let mut next_seq = 0;
    let mut round = 0u64;
    loop {
        let page = block_on(client.conversation_page(ConvFilter::default(), next_seq, 7)).unwrap();
        seen.extend(ids(&page.list));
        // Reorder between pages: news moves conversations up, unpins move them down.
        for k in 0..3 {
            round += 1;
            let victim = format!("u{}", (round * 37 + k * 11) % n);
            block_on(client.deliver(vec![incoming(&victim, &format!("m{round}-{k}"))])).unwrap();
            touched.insert(victim);
        }
        if round.is_multiple_of(4) {
            let pinned = format!("u{}", (round / 4 % 10) * 7);
            block_on(client.pin_conversation(c(&pinned), false)).unwrap();
            touched.insert(pinned);
        }
        next_seq = page.next_seq;
        if page.finished {
            break;
        }
    }
    let unique: HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no conversation twice");
    for i in 0..n {
        let id = format!("u{i}");
        assert!(touched.contains(&id) || unique.contains(&id), "{id} kept its place and was skipped");
    }
    let bad = block_on(client.conversation_page(ConvFilter::default(), 999_999, 7)).unwrap_err();
    assert_eq!(bad.code(), ErrCode::InvalidParameters.value());
}

/// A `next_seq` kept across a shutdown and a new start (`TIMUninit`, `TIMInit`) has expired: it
/// once named the new instance's first walk and went on from there, skipping conversations.
#[test]
fn a_cursor_from_before_a_restart_is_refused_not_taken_for_another_walk() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for i in 0..6 {
        block_on(client.deliver(vec![incoming(&format!("u{i}"), &format!("m{i}"))])).unwrap();
    }
    let first = block_on(client.conversation_page(ConvFilter::default(), 0, 2)).unwrap();
    assert_eq!(ids(&first.list), ["u5", "u4"]);
    sdk.shutdown();

    let sdk = start(dir.path());
    let client = sdk.client();
    let other_walk = block_on(client.conversation_page(ConvFilter::default(), 0, 5)).unwrap();
    assert_ne!(other_walk.next_seq, first.next_seq, "a cursor number is never given twice");
    let stale = block_on(client.conversation_page(ConvFilter::default(), first.next_seq, 2));
    assert_eq!(stale.map(|p| ids(&p.list)).unwrap_err().code(), ErrCode::InvalidParameters.value());
    let fresh = block_on(client.conversation_page(ConvFilter::default(), other_walk.next_seq, 2)).unwrap();
    assert_eq!(ids(&fresh.list), ["u0"]);
    sdk.shutdown();
}

#[test]
fn filters_select_by_type_group_mark_unread_and_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for key in [c("a"), c("b"), ConvKey::group("g").unwrap()] {
        block_on(client.create_conversation(key)).unwrap();
    }
    block_on(client.deliver(vec![incoming("a", "x1"), incoming("a", "x2")])).unwrap();
    block_on(client.mark_conversations(vec![c("b")], 0x1 | (1 << 40), true)).unwrap();
    block_on(client.group_op(GroupOp::Create("work".into(), vec![c("a"), ConvKey::group("g").unwrap()])))
        .unwrap();
    let page = |f: ConvFilter| ids(&block_on(client.conversation_page(f, 0, 100)).unwrap().list);
    assert_eq!(page(ConvFilter { conv_type: Some(ConvType::Group), ..Default::default() }), ["g"]);
    let mut in_work = page(ConvFilter { group: Some("work".into()), ..Default::default() });
    in_work.sort();
    assert_eq!(in_work, ["a", "g"]);
    assert_eq!(page(ConvFilter { group: Some(String::new()), ..Default::default() }), ["b"]);
    assert_eq!(page(ConvFilter { mark: Some(0x1), ..Default::default() }), ["b"]);
    assert_eq!(page(ConvFilter { mark: Some(0), ..Default::default() }).len(), 2);
    assert_eq!(page(ConvFilter { has_unread: true, ..Default::default() }), ["a"]);
    assert!(page(ConvFilter { has_at: true, ..Default::default() }).is_empty());
    let info = block_on(client.conversation_info(vec![c("b"), c("zz"), c("a")])).unwrap();
    assert_eq!(ids(&info), ["b", "a"], "existing ones, in request order");
    assert_eq!(info[0].conv_mark_array, [0x1, 1 << 40]);
    assert_eq!(info[1].conv_conversation_group_array, ["work"]);
    assert!(tim_core::check_mark_bits(0x10).is_err());
    assert!(tim_core::check_mark_bits(0).is_err());
}

#[test]
fn deleting_a_list_keeps_or_clears_messages() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    block_on(client.deliver(vec![incoming("keep", "k1"), incoming("wipe", "w1")])).unwrap();
    let results =
        block_on(client.delete_conversation_list(vec![c("keep"), c("ghost"), c("keep")], false)).unwrap();
    assert_eq!(results[0].1, Ok(()));
    assert_eq!(results[1].1.as_ref().unwrap_err().code, ErrCode::InvalidConversation.value());
    assert_eq!(results[2].1, Ok(()), "a repeated ID is answered as its first time");
    block_on(client.delete_conversation_list(vec![c("wipe")], true)).unwrap();
    assert!(block_on(client.conversation_list()).unwrap().is_empty());
    assert_eq!(block_on(client.total_unread()).unwrap(), 0);

    block_on(client.deliver(vec![incoming("keep", "k2")])).unwrap();
    let list = block_on(client.conversation_list()).unwrap();
    assert_eq!(ids(&list), ["keep"]);
    assert_eq!(list[0].conv_unread_num, 1, "what was there counts as read");
    let history = block_on(client.message_list(c("keep"), HistoryQuery::default())).unwrap();
    assert_eq!(history.len(), 2, "the kept message came back with it");
    block_on(client.create_conversation(c("wipe"))).unwrap();
    assert!(block_on(client.message_list(c("wipe"), HistoryQuery::default())).unwrap().is_empty());
    let too_many: Vec<_> = (0..101).map(|i| c(&format!("x{i}"))).collect();
    assert!(matches!(
        block_on(client.delete_conversation_list(too_many, true)),
        Err(tim_core::Error::Rejected(_))
    ));
    assert!(block_on(client.doctor(false)).unwrap().mismatches.is_empty());
}

#[test]
fn custom_data_marks_and_groups_with_their_limits() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    client.set_group_handler(Some(Arc::new(move |e: &GroupEvent| sink.lock().unwrap().push(e.clone()))));
    for i in 0..3 {
        block_on(client.create_conversation(c(&format!("c{i}")))).unwrap();
    }
    let r = block_on(client.set_custom_data(vec![c("c0"), c("nope")], "x".repeat(256))).unwrap();
    assert!(r[0].1.is_ok() && r[1].1.is_err());
    let too_long = block_on(client.set_custom_data(vec![c("c0")], "x".repeat(257))).unwrap_err();
    assert_eq!(too_long.code(), ErrCode::InvalidParameters.value());
    let too_many: Vec<_> = (0..101).map(|i| c(&format!("c{i}"))).collect();
    let err = block_on(client.set_custom_data(too_many, "y".into())).unwrap_err();
    assert_eq!(err.code(), ErrCode::SvrConvConvMarkReqCountExceedLimit.value());

    let empty = block_on(client.group_op(GroupOp::Create("g1".into(), vec![]))).unwrap_err();
    assert!(matches!(empty, Error::Rejected(CallError::Param(_))), "{empty:?}");
    block_on(client.group_op(GroupOp::Create("g1".into(), vec![c("c0"), c("c1")]))).unwrap();
    let nul = block_on(client.group_op(GroupOp::Create("g\0x".into(), vec![c("c0")]))).unwrap_err();
    assert_eq!(nul.code(), ErrCode::InvalidParameters.value());
    let nul = block_on(client.group_op(GroupOp::Rename("g1".into(), "g\0".into()))).unwrap_err();
    assert_eq!(nul.code(), ErrCode::InvalidParameters.value());
    let long = block_on(client.group_op(GroupOp::Create("n".repeat(33), vec![c("c0")]))).unwrap_err();
    assert_eq!(long.code(), ErrCode::SvrConvConvGroupNameExceedLength.value());
    let missing = block_on(client.group_op(GroupOp::Add("nope".into(), vec![c("c0")]))).unwrap_err();
    assert_eq!(missing.code(), ErrCode::SvrConvConvGroupNotExist.value());
    for i in 2..=20 {
        block_on(client.group_op(GroupOp::Create(format!("g{i}"), vec![c("c2")]))).unwrap();
    }
    let over = block_on(client.group_op(GroupOp::Create("g21".into(), vec![c("c2")]))).unwrap_err();
    assert_eq!(over.code(), ErrCode::SvrConvConvGroupTotalCountExceedLimit.value());
    block_on(client.group_op(GroupOp::Rename("g1".into(), "first".into()))).unwrap();
    block_on(client.group_op(GroupOp::Remove("first".into(), vec![c("c1")]))).unwrap();
    block_on(client.group_op(GroupOp::Delete("g20".into()))).unwrap();
    let groups = block_on(client.group_list()).unwrap();
    assert_eq!(groups.len(), 19);
    assert_eq!(groups[0], "first");
    drop(sdk);

    let sdk = start(dir.path());
    let client = sdk.client();
    assert_eq!(block_on(client.group_list()).unwrap().len(), 19, "groups are durable");
    let info = block_on(client.conversation_info(vec![c("c0"), c("c1")])).unwrap();
    assert_eq!(info[0].conv_conversation_group_array, ["first"]);
    assert!(info[1].conv_conversation_group_array.is_empty());
    assert_eq!(info[0].conv_custom_data.len(), 256);
    let seen = events.lock().unwrap().clone();
    assert_eq!(seen[0], GroupEvent::Created("g1".into(), vec![c("c0"), c("c1")]));
    assert!(seen.contains(&GroupEvent::Renamed("g1".into(), "first".into())));
    assert!(seen.contains(&GroupEvent::Removed("first".into(), vec![c("c1")])));
    assert!(seen.contains(&GroupEvent::Deleted("g20".into())));
}

#[test]
fn a_subscribed_filter_reports_only_changes() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let reports = record_filtered_unread(&client);
    let c2c = ConvFilter { conv_type: Some(ConvType::C2C), ..Default::default() };
    client.subscribe_unread_blocking(c2c.clone(), "c2c".into()).unwrap();
    block_on(client.deliver(vec![incoming("a", "1"), incoming("b", "2")])).unwrap();
    let mut group_msg = incoming("z", "3");
    group_msg.message_conv_type = Some(ConvType::Group);
    group_msg.message_conv_id = Some("g".into());
    block_on(client.deliver(vec![group_msg])).unwrap();
    block_on(client.create_conversation(c("quiet"))).unwrap();
    block_on(client.mark_read(tim_core::ReadScope::Conversation(c("a")))).unwrap();
    assert_eq!(block_on(client.unread_by_filter(c2c.clone())).unwrap(), 1);
    client.unsubscribe_unread_blocking(c2c).unwrap();
    block_on(client.mark_read(tim_core::ReadScope::All(None))).unwrap();
    sdk.shutdown();
    assert_eq!(*reports.lock().unwrap(), vec![("c2c".to_owned(), 2), ("c2c".to_owned(), 1)]);
}

#[test]
fn filters_differing_only_in_their_flags_are_one_subscription() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let reports = record_filtered_unread(&client);
    let c2c = ConvFilter { conv_type: Some(ConvType::C2C), ..Default::default() };
    let with_unread = ConvFilter { has_unread: true, ..c2c.clone() };
    client.subscribe_unread_blocking(c2c, "c2c".into()).unwrap();
    // TIM tells subscriptions apart by type, mark and group: this one replaces the first.
    client.subscribe_unread_blocking(with_unread.clone(), "c2c with unread".into()).unwrap();
    block_on(client.deliver(vec![incoming("a", "1")])).unwrap();
    client.unsubscribe_unread_blocking(with_unread).unwrap();
    block_on(client.deliver(vec![incoming("a", "2")])).unwrap();
    sdk.shutdown();
    assert_eq!(
        *reports.lock().unwrap(),
        vec![("c2c with unread".to_owned(), 1)],
        "one report for the one subscription, none after it was cancelled"
    );
}

#[test]
fn unpinning_the_conversation_a_walk_stands_on_does_not_return_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for id in ["v4", "v3", "v2", "v1"] {
        block_on(client.create_conversation(c(id))).unwrap();
    }
    block_on(client.pin_conversation(c("v1"), true)).unwrap();
    block_on(client.pin_conversation(c("v2"), true)).unwrap();
    let first = block_on(client.conversation_page(ConvFilter::default(), 0, 2)).unwrap();
    assert_eq!(ids(&first.list), ["v1", "v2"]);
    block_on(client.pin_conversation(c("v2"), false)).unwrap();
    let rest = block_on(client.conversation_page(ConvFilter::default(), first.next_seq, 10)).unwrap();
    assert_eq!(ids(&rest.list), ["v3", "v4"]);
}

#[test]
fn a_conversation_pinned_and_unpinned_again_during_a_walk_is_still_returned() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for id in ["w4", "w3", "w2", "w1"] {
        block_on(client.create_conversation(c(id))).unwrap();
    }
    let first = block_on(client.conversation_page(ConvFilter::default(), 0, 2)).unwrap();
    assert_eq!(ids(&first.list), ["w1", "w2"]);
    // w4 is still ahead of the walk; pinned and unpinned, it is back in its place, ahead.
    block_on(client.pin_conversation(c("w4"), true)).unwrap();
    block_on(client.pin_conversation(c("w4"), false)).unwrap();
    let rest = block_on(client.conversation_page(ConvFilter::default(), first.next_seq, 10)).unwrap();
    assert_eq!(ids(&rest.list), ["w3", "w4"]);
}

#[test]
fn a_conversation_unpinned_pinned_and_unpinned_again_during_a_walk_is_not_returned_twice() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for id in ["q4", "q3", "q2", "q1"] {
        block_on(client.create_conversation(c(id))).unwrap();
    }
    block_on(client.pin_conversation(c("q4"), true)).unwrap();
    let first = block_on(client.conversation_page(ConvFilter::default(), 0, 2)).unwrap();
    assert_eq!(ids(&first.list), ["q4", "q1"], "the pinned one first");
    for pinned in [false, true, false] {
        block_on(client.pin_conversation(c("q4"), pinned)).unwrap();
    }
    let rest = block_on(client.conversation_page(ConvFilter::default(), first.next_seq, 10)).unwrap();
    assert_eq!(ids(&rest.list), ["q2", "q3"]);
}

/// A walk returned a pinned conversation; then it was deleted and came back (unpinned, at the
/// top of the unpinned part, below the cursor): the walk must not return it again.
#[test]
fn a_pinned_conversation_deleted_and_back_during_a_walk_is_not_returned_twice() {
    for how in ["hide", "delete", "delete and create"] {
        let dir = tempfile::tempdir().unwrap();
        let sdk = start(dir.path());
        let client = sdk.client();
        let first = ten_with_two_pinned_and_a_first_page(&client, "u");
        match how {
            "hide" => {
                block_on(client.delete_conversation_list(vec![c("u5")], false)).unwrap();
                block_on(client.deliver(vec![incoming("u5", "back")])).unwrap();
            }
            "delete" => {
                block_on(client.delete_conversation(c("u5"))).unwrap();
                block_on(client.deliver(vec![incoming("u5", "back")])).unwrap();
            }
            _ => {
                block_on(client.delete_conversation(c("u5"))).unwrap();
                block_on(client.create_conversation(c("u5"))).unwrap();
            }
        }
        let mut seen = ids(&first.list);
        let mut next = first.next_seq;
        loop {
            let page = block_on(client.conversation_page(ConvFilter::default(), next, 3)).unwrap();
            seen.extend(ids(&page.list));
            next = page.next_seq;
            if page.finished {
                break;
            }
        }
        assert_eq!(seen, ["u5", "u3", "u9", "u8", "u7", "u6", "u4", "u2", "u1", "u0"], "{how}");
        sdk.shutdown();
    }
}

/// A conversation created during a walk is at the top of the unpinned part: in this walk while
/// the cursor is among the pinned ones, in the next once the walk is past that point.
#[test]
fn a_conversation_created_during_a_walk_is_met_only_if_the_walk_is_not_past_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    for id in ["a", "b", "c", "p"] {
        block_on(client.create_conversation(c(id))).unwrap();
    }
    block_on(client.pin_conversation(c("p"), true)).unwrap();
    let walk = |first_page: u32, new: &str| {
        let first = block_on(client.conversation_page(ConvFilter::default(), 0, first_page)).unwrap();
        block_on(client.create_conversation(c(new))).unwrap();
        let rest = block_on(client.conversation_page(ConvFilter::default(), first.next_seq, 10)).unwrap();
        [ids(&first.list), ids(&rest.list)].concat()
    };
    assert_eq!(walk(1, "n1"), ["p", "n1", "c", "b", "a"], "the cursor still among the pinned");
    assert_eq!(walk(2, "n2"), ["p", "n1", "c", "b", "a"], "past the top of the unpinned part");
    sdk.shutdown();
}

/// However often a conversation returned while pinned is unpinned and pinned again during a
/// walk, it is not met twice (the walk once remembered only its latest 16 moves down).
#[test]
fn a_pinned_conversation_toggled_many_times_during_a_walk_is_not_returned_twice() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = start(dir.path());
    let client = sdk.client();
    let first = ten_with_two_pinned_and_a_first_page(&client, "t");
    for _ in 0..40 {
        block_on(client.pin_conversation(c("t5"), false)).unwrap();
        block_on(client.pin_conversation(c("t5"), true)).unwrap();
    }
    block_on(client.pin_conversation(c("t5"), false)).unwrap();
    let rest = block_on(client.conversation_page(ConvFilter::default(), first.next_seq, 20)).unwrap();
    assert_eq!(ids(&rest.list), ["t3", "t9", "t8", "t7", "t6", "t4", "t2", "t1", "t0"]);
    sdk.shutdown();
}
