//! The workload data: deterministic message texts of about 200 bytes and the conversation each
//! message goes to, the same for every engine.

/// The text of message `n`: about 200 bytes, varied so no engine compresses its way ahead.
pub fn text(n: usize) -> String {
    let mut s = format!("message {n:08} ");
    let mut x = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while s.len() < 200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let word = (x % 7 + 3) as usize;
        for i in 0..word {
            s.push((b'a' + ((x >> (i * 5)) % 26) as u8) as char);
        }
        s.push(' ');
    }
    s.truncate(200);
    s
}

/// Draft `n` as the JSON of a `TIMConvSetDraft` parameter: one text element of [`text`] `n`
/// (the text is letters, digits and spaces, so it needs no escaping).
pub fn draft_json(n: usize) -> String {
    format!(
        r#"{{"draft_msg":{{"message_elem_array":[{{"elem_type":0,"text_elem_content":"{}"}}]}}}}"#,
        text(n)
    )
}

/// The conversation (peer) of message `n` among `conversations`.
pub fn conversation(n: usize, conversations: usize) -> usize {
    n % conversations
}

/// The peer's user ID of conversation `c`.
pub fn peer(c: usize) -> String {
    format!("u{c:06}")
}

/// The calls (or transactions) of an ingest: `range` cut into consecutive runs of `batch`.
pub fn batches(range: std::ops::Range<usize>, batch: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    range.clone().step_by(batch.max(1)).map(move |n| n..(n + batch.max(1)).min(range.end))
}
