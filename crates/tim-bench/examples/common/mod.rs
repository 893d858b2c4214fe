//! What the profiling examples share: W1's messages as `ingest_profile` delivers them.

use tim_core::{Client, block_on};
use tim_types::{ConvType, Elem, Message};

// Each example compiles this module on its own, and not every one uses every helper.

/// The number in the environment variable `name`, or `default`.
#[allow(dead_code)]
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

/// Delivers W1's messages `0..messages` into `conversations` conversations, 1,000 per call.
#[allow(dead_code)]
pub fn deliver_w1(client: &Client, messages: usize, conversations: usize) {
    deliver_w1_edited(client, messages, conversations, |_, _| {});
}

/// [`deliver_w1`], each message first changed by `edit` (given its number).
#[allow(dead_code)]
pub fn deliver_w1_edited(
    client: &Client,
    messages: usize,
    conversations: usize,
    edit: impl Fn(usize, &mut Message),
) {
    for batch in 0..messages / 1000 {
        let list = (batch * 1000..(batch + 1) * 1000)
            .map(|n| {
                let mut msg = w1_message(n, conversations);
                edit(n, &mut msg);
                msg
            })
            .collect();
        block_on(client.deliver(list)).unwrap();
    }
}

/// Message `n` of an ingest into `conversations` C2C conversations: about 200 bytes of text from
/// peer `u{n % conversations:06}`, with its own ID and server time.
pub fn w1_message(n: usize, conversations: usize) -> Message {
    let mut msg = Message::from_elems(vec![Elem::text(format!("message {n:08} {}", "x".repeat(180)))]);
    msg.message_sender = Some(format!("u{:06}", n % conversations));
    msg.message_conv_type = Some(ConvType::C2C);
    msg.message_msg_id = Some(format!("m{n}"));
    msg.message_server_time = Some(1_700_000_000 + n as u64);
    msg
}
