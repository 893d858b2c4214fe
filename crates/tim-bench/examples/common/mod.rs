//! What the profiling examples share: W1's messages as `ingest_profile` delivers them.

use tim_types::{ConvType, Elem, Message};

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
