//! Many callers at once, mixing every kind of call (message operations, writes that change
//! nothing, reads, blocking drafts, pages): every call is answered, and the end state is
//! consistent (the total is the sum of the counts, the doctor finds nothing, a reopen agrees).
//! A review found the actor parked for good by a write that changed nothing ahead of a message
//! operation; this mixes such writes into concurrent traffic.

use std::sync::mpsc::channel;
use std::time::Duration;

use tim_core::{ConvFilter, ConvKey, ReadScope, Sdk, SdkConfig, block_on};
use tim_types::{ConvType, Draft, Elem, Message, ReceiveMessageOpt};

fn c(n: u64) -> ConvKey {
    ConvKey::c2c(format!("peer{n}")).unwrap()
}

fn incoming(peer: u64, id: String) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text("hi")]);
    msg.message_sender = Some(format!("peer{peer}"));
    msg.message_conv_type = Some(ConvType::C2C);
    msg.message_msg_id = Some(id);
    msg
}

/// A small deterministic generator (xorshift), one per caller.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const CALLERS: u64 = 4;
const CALLS_EACH: u64 = 150;
const PEERS: u64 = 6;

/// One caller's calls, each awaited before the next.
fn caller(client: tim_core::Client, seed: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) + 1);
    for call in 0..CALLS_EACH {
        let peer = rng.below(PEERS);
        match rng.below(10) {
            0 | 1 => {
                let list =
                    (0..=rng.below(80)).map(|n| incoming(peer, format!("{seed}-{call}-{n}"))).collect();
                block_on(client.deliver(list)).unwrap();
            }
            // Often a write that changes nothing: the conversation is read already.
            // (A conversation not created yet refuses the read: the answer is what matters.)
            2 => drop(block_on(client.mark_read(ReadScope::Conversation(c(peer))))),
            3 => {
                let opt =
                    if rng.below(2) == 0 { ReceiveMessageOpt::Receive } else { ReceiveMessageOpt::NotNotify };
                block_on(client.set_receive_option(vec![c(peer)], opt)).unwrap();
            }
            4 => drop(block_on(client.pin_conversation(c(peer), rng.below(2) == 0))),
            5 => drop(block_on(client.create_conversation(c(peer))).unwrap()),
            6 => {
                let draft = Draft {
                    draft_msg: Message::from_elems(vec![Elem::text("draft")]),
                    draft_user_define: String::new(),
                    draft_edit_time: 1,
                };
                client.set_draft_blocking(c(peer), draft).unwrap();
            }
            7 => drop(block_on(client.conversation_page(ConvFilter::default(), 0, 3)).unwrap()),
            // Deleted with or without its messages (it may not exist: the answer is what matters).
            8 => drop(block_on(client.delete_conversation_list(vec![c(peer)], rng.below(2) == 0))),
            _ => drop(block_on(client.total_unread()).unwrap()),
        }
    }
}

#[test]
fn every_call_of_many_concurrent_callers_is_answered_and_the_counts_agree() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("me", "")).unwrap();
    let (done_tx, done_rx) = channel();
    for seed in 0..CALLERS {
        let (client, done_tx) = (client.clone(), done_tx.clone());
        std::thread::spawn(move || {
            caller(client, seed);
            let _ = done_tx.send(seed);
        });
    }
    for _ in 0..CALLERS {
        // Generous: the whole test takes a few seconds; a parked actor never answers.
        done_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("a caller waited for an answer that never came");
    }
    let list = block_on(client.conversation_list()).unwrap();
    let counted: u64 = list
        .iter()
        .filter(|c| c.conv_recv_opt == ReceiveMessageOpt::Receive)
        .map(|c| c.conv_unread_num)
        .sum();
    assert_eq!(block_on(client.total_unread()).unwrap(), counted);
    let report = block_on(client.doctor(false)).unwrap();
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
    block_on(client.logout()).unwrap();
    block_on(client.login("me", "")).unwrap();
    assert_eq!(block_on(client.conversation_list()).unwrap(), list, "a reopen reads back the same list");
    sdk.shutdown();
}
