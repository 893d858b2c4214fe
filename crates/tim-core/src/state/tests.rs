//! Unit tests of the sans-I/O conversation state.

use tim_types::{Draft, Elem, Message};

use super::*;

fn key(id: &str) -> ConvKey {
    ConvKey::c2c(id).unwrap()
}

fn draft(text: &str) -> Box<Draft> {
    Box::new(Draft {
        draft_msg: Message::from_elems(vec![Elem::text(text)]),
        draft_user_define: String::new(),
        draft_edit_time: 1,
    })
}

fn ids(state: &ConvState) -> Vec<String> {
    state.iter_ordered().map(|c| c.key.id().to_string()).collect()
}

#[test]
fn newer_conversations_come_first() {
    let mut state = ConvState::default();
    for id in ["a", "b", "c"] {
        assert!(state.create(&key(id)));
    }
    assert!(!state.create(&key("a")), "creating twice obtains the existing one");
    assert_eq!(ids(&state), ["c", "b", "a"]);
}

#[test]
fn a_c2c_and_a_group_may_share_an_id() {
    let mut state = ConvState::default();
    state.create(&ConvKey::c2c("x").unwrap());
    state.create(&ConvKey::group("x").unwrap());
    assert_eq!(state.len(), 2);
}

#[test]
fn setting_a_draft_moves_the_conversation_up_and_cancelling_keeps_its_place() {
    let mut state = ConvState::default();
    for id in ["a", "b", "c"] {
        state.create(&key(id));
    }
    assert!(!state.set_draft(&key("a"), draft("hi")));
    assert_eq!(ids(&state), ["a", "c", "b"]);
    state.cancel_draft(&key("a")).unwrap();
    assert_eq!(ids(&state), ["a", "c", "b"]);
    assert!(state.get(&key("a")).unwrap().draft().is_none());
    assert_eq!(state.cancel_draft(&key("zz")), Err(NoSuchConversation));
}

#[test]
fn a_draft_on_a_missing_conversation_creates_it() {
    let mut state = ConvState::default();
    assert!(state.set_draft(&key("n"), draft("x")));
    assert_eq!(state.get(&key("n")).unwrap().draft(), Some(&*draft("x")));
}

#[test]
fn events_report_the_net_change_of_a_batch() {
    let mut state = ConvState::default();
    state.create(&key("kept"));
    state.create(&key("gone"));
    state.take_journal();

    state.create(&key("new"));
    state.set_draft(&key("new"), draft("d"));
    state.set_draft(&key("kept"), draft("d"));
    state.delete(&key("gone"));
    state.create(&key("flash"));
    state.delete(&key("flash"));
    state.create(&key("kept"));
    let journal = state.take_journal();
    let after = state.current(&journal);
    let events = journal.events(&after, "me");

    let id = |infos: &[tim_types::ConvInfo]| infos.iter().map(|i| i.conv_id.clone()).collect::<Vec<_>>();
    assert_eq!(id(&events.added), ["new"]);
    assert!(events.added[0].conv_is_has_draft);
    assert_eq!(id(&events.updated), ["kept"]);
    assert_eq!(id(&events.deleted), ["gone"]);
}

#[test]
fn no_visible_change_means_no_event() {
    let mut state = ConvState::default();
    state.create(&key("a"));
    state.take_journal();
    state.cancel_draft(&key("a")).unwrap();
    state.create(&key("a"));
    assert!(!state.has_changes());
    let journal = state.take_journal();
    assert!(journal.events(&state.current(&journal), "me").is_empty());
}

#[test]
fn rolling_back_restores_the_state_and_the_order() {
    let mut state = ConvState::default();
    state.create(&key("a"));
    state.create(&key("b"));
    state.take_journal();
    let before = ids(&state);

    state.set_draft(&key("a"), draft("x"));
    state.delete(&key("b"));
    state.create(&key("c"));
    let first = state.take_journal();
    state.set_draft(&key("c"), draft("y"));
    state.create(&key("d"));
    let second = state.take_journal();

    state.roll_back(second);
    state.roll_back(first);
    assert_eq!(ids(&state), before);
    assert!(state.get(&key("a")).unwrap().draft().is_none());
}

#[test]
fn loading_keeps_order_keys_unique() {
    let mut a = Conversation::new(&key("a"), 10);
    a.pinned = true;
    let b = Conversation::new(&key("b"), 20);
    let mut state = ConvState::load([a, b], 3, Vec::new());
    assert_eq!(ids(&state), ["a", "b"], "pinned first");
    assert_eq!(state.next_order_key(), 21);
    state.create(&key("c"));
    assert_eq!(ids(&state), ["a", "c", "b"]);
    assert_eq!(state.get(&key("a")).unwrap().active_time(), 10 | PINNED_BIT);
}

#[test]
fn a_loaded_state_lists_and_changes_like_the_one_it_was_saved_from() {
    let mut saved = ConvState::default();
    for n in 0..50 {
        saved.create(&key(&format!("u{n:02}")));
    }
    for n in (0..50).step_by(7) {
        saved.pin(&key(&format!("u{n:02}")), true).unwrap();
    }
    for n in (3..50).step_by(5) {
        saved.hide(&key(&format!("u{n:02}")));
    }
    saved.take_journal();
    let records: Vec<Conversation> = saved
        .records((0..50).map(|n| key(&format!("u{n:02}"))))
        .into_iter()
        .filter_map(|(_, conv)| conv)
        .collect();
    // The store hands records over in key order, not list order; a record loaded twice keeps the last.
    let mut stale = records[10].clone();
    stale.order_key = 1_000;
    let mut loaded = ConvState::loading(records.len());
    loaded.add_loaded(stale);
    records.iter().rev().cloned().for_each(|conv| loaded.add_loaded(conv));
    loaded.finish_loading(saved.next_order_key(), Vec::new());
    assert_eq!(ids(&loaded), ids(&saved));
    assert_eq!(loaded.len(), 40, "hidden ones are out of the list");

    // Every entry built at the login is found again when its conversation changes.
    for state in [&mut saved, &mut loaded] {
        state.set_draft(&key("u10"), draft("up"));
        state.pin(&key("u07"), false).unwrap();
        state.delete(&key("u01"));
        state.create(&key("u03"));
        state.mark_read(&key("u20"));
    }
    assert_eq!(ids(&loaded), ids(&saved));
    assert_eq!(loaded.len(), 40);
}

/// The arena's invariants: every record is found through the table at its own slot, every
/// visible record has exactly its order entry and every entry names a visible record, and the
/// totals are what a recount gives.
fn check_invariants(state: &ConvState) {
    let (mut visible, mut unread, mut marked) = (0, 0, 0);
    let (mut tagged, mut tagged_visible) =
        (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    for conv in state.convs.iter() {
        let slot = state.convs.slot_of(&conv.key).expect("every record is found by its key");
        if conv.is_marked_or_grouped() {
            tagged.insert(slot);
            if !conv.hidden {
                tagged_visible.insert(OrderEntry::of(conv, slot));
            }
        }
        assert!(std::ptr::eq(state.convs.at(slot), conv), "{:?} is found at its own slot", conv.key);
        if !conv.hidden {
            visible += 1;
            assert!(state.order.contains(&OrderEntry::of(conv, slot)), "{:?} has its order entry", conv.key);
        }
        unread += conv.unread_contribution();
        marked += usize::from(conv.is_marked_or_grouped());
    }
    assert_eq!(state.order.len(), visible, "one order entry per visible record");
    for entry in &state.order {
        assert_eq!(OrderEntry::of(state.convs.at(entry.slot), entry.slot), *entry);
    }
    assert_eq!((state.kept.total_unread, state.kept.tagged.len()), (unread, marked));
    let group_unread: u64 = state
        .convs
        .iter()
        .filter(|conv| conv.key.conv_type() == ConvType::Group)
        .map(Conversation::unread_contribution)
        .sum();
    assert_eq!(state.kept.group_unread, group_unread);
    // Every filter's unread count is what a walk of the whole list gives.
    for conv_type in [None, Some(ConvType::C2C), Some(ConvType::Group)] {
        for group in [None, Some(""), Some("g1"), Some("g4")] {
            for mark in [None, Some(0), Some(1), Some(3)] {
                for has_at in [false, true] {
                    let filter = ConvFilter {
                        conv_type,
                        group: group.map(str::to_owned),
                        mark,
                        has_unread: !has_at,
                        has_at,
                    };
                    let walked: u64 = state.iter_ordered().map(|conv| filter.unread_contribution(conv)).sum();
                    assert_eq!(state.filtered_unread(&filter), walked, "{filter:?}");
                }
            }
        }
    }
    assert_eq!(
        state.kept.tagged.slots().collect::<std::collections::BTreeSet<_>>(),
        tagged,
        "every marked or grouped one"
    );
    let listed = state.kept.tagged.visible_from(std::ops::Bound::Unbounded).copied().collect();
    assert_eq!(tagged_visible, listed, "the visible ones, with their order entries as they are now");
}

#[test]
fn the_arena_stays_in_step_through_random_changes_and_roll_backs() {
    // Some of the IDs are longer than a key holds inline.
    let keys: Vec<ConvKey> = (0..24)
        .map(|n| {
            match n % 3 {
                // Groups too: the unread totals are kept by type.
                0 => ConvKey::group(format!("g{n}")).unwrap(),
                _ if n % 2 == 0 => key(&format!("u{n}")),
                _ => key(&format!("a-long-user-id-number-{n:04}")),
            }
        })
        .collect();
    let mut state = ConvState::default();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    };
    let mut journals = Vec::new();
    for step in 0..20_000 {
        let k = &keys[next(keys.len() as u64) as usize];
        match next(14) {
            0 | 1 => drop(state.create(k)),
            2 => drop(state.delete(k)),
            3 => drop(state.purge(k)),
            4 => drop(state.hide(k)),
            5 => drop(state.set_draft(k, draft("d"))),
            6 => drop(state.cancel_draft(k)),
            7 => drop(state.pin(k, next(2) == 0)),
            8 => drop(state.mark(std::slice::from_ref(k), 1 << next(4), next(2) == 0)),
            11 => {
                let name = ["g1", "g2", "g3"][next(3) as usize];
                let _ = match next(3) {
                    0 => state.create_group(name, std::slice::from_ref(k)).map(drop),
                    1 => state.add_to_group_checked(name, std::slice::from_ref(k)).map(drop),
                    _ => state.remove_from_group(name, std::slice::from_ref(k)).map(drop),
                };
            }
            12 => drop(state.delete_group(["g1", "g2", "g3"][next(3) as usize])),
            13 => drop(
                state
                    .rename_group(["g1", "g2", "g3"][next(3) as usize], ["g1", "g2", "g4"][next(3) as usize]),
            ),
            9 => {
                // A record as the store commits it (message operations set unread), or a
                // deletion and a re-creation of one key in one batch.
                let mut conv = Conversation::new(k, state.next_order_key() + next(3));
                conv.unread = next(5);
                conv.hidden = next(4) == 0;
                let committed = if next(2) == 0 {
                    vec![(k.clone(), Some(conv))]
                } else {
                    vec![(k.clone(), None), (k.clone(), Some(conv))]
                };
                let _events = state.apply_committed(committed, 0);
            }
            _ => {
                journals.push(state.take_journal());
                if next(3) == 0 {
                    // A failed commit: newest change set first.
                    while let Some(journal) = journals.pop() {
                        state.roll_back(journal);
                    }
                }
            }
        }
        if step % 7 == 0 || step > 19_900 {
            check_invariants(&state);
        }
    }
    check_invariants(&state);
}
