//! Profiling aid: calls that change nothing, or little, on one long conversation, and must not
//! read its whole history: a read report on an already-read older message (a scrolled-back
//! screen, a device behind), and deleting messages of a conversation whose newest messages are
//! all excluded from being its last message (signalling, tips). `MESSAGES` (default 200,000)
//! messages in each of the two conversations.
//! `cargo build --release -p tim-bench --example stale_probe && target/release/examples/stale_probe`

mod common;

use std::time::{Duration, Instant};

use tim_core::{ConvKey, MessageName, ReadBound, ReadScope, Sdk, SdkConfig, block_on};

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("{what}: {:.2} ms", start.elapsed().as_secs_f64() * 1000.0);
    out
}

fn main() {
    let messages = common::env_number("MESSAGES", 200_000).max(2000) / 1000 * 1000;
    let dir = tempfile::tempdir().unwrap();
    {
        let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
        let client = sdk.client();
        block_on(client.login("bench", "")).unwrap();
        // u000000: plain messages. u000001: one plain message, then only excluded ones.
        common::deliver_w1(&client, messages, 1);
        common::deliver_w1_edited(&client, messages, 1, |n, msg| {
            msg.message_sender = Some("u000001".into());
            msg.message_msg_id = Some(format!("x{n}"));
            msg.message_excluded_from_last_message = Some(n != 0);
        });
        sdk.shutdown();
    }
    let sdk = Sdk::start(SdkConfig::new(dir.path())).unwrap();
    let client = sdk.client();
    block_on(client.login("bench", "")).unwrap();
    let (plain, excluded) = (ConvKey::c2c("u000000").unwrap(), ConvKey::c2c("u000001").unwrap());
    block_on(client.mark_read(ReadScope::All(None))).unwrap();
    println!("{messages} messages per conversation, all read");
    for (label, n) in [("the newest", messages - 1), ("the middle", messages / 2), ("the oldest", 0)] {
        timed(&format!("read report on {label} message"), || {
            let name = MessageName::Id(format!("m{n}"));
            block_on(client.read_up_to(plain.clone(), ReadBound::Message(name))).unwrap()
        });
    }
    {
        // A call made while a stale report runs waits for it (message operations hold the rest).
        let reporter = client.clone();
        let key = plain.clone();
        let report = std::thread::spawn(move || {
            block_on(reporter.read_up_to(key, ReadBound::Message(MessageName::Id("m0".into())))).unwrap()
        });
        std::thread::sleep(Duration::from_millis(5));
        timed("conversation info asked 5 ms into a report on the oldest message", || {
            block_on(client.conversation_info(vec![plain.clone()])).unwrap()
        });
        report.join().unwrap();
    }
    timed("delete the newest message of the excluded conversation", || {
        block_on(client.delete_message(excluded.clone(), MessageName::Id(format!("x{}", messages - 1))))
            .unwrap()
    });
    timed("delete its second-oldest message (neither last nor newest)", || {
        block_on(client.delete_message(excluded.clone(), MessageName::Id("x1".into()))).unwrap()
    });
    timed("delete its last message (the oldest: the search goes down from it)", || {
        block_on(client.delete_message(excluded.clone(), MessageName::Id("x0".into()))).unwrap()
    });
    sdk.shutdown();
}
