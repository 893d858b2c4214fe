//! The stored form of message JSON: the TIM key names replaced by two bytes each.
//!
//! Why: a text message of 200 bytes is about 590 bytes of JSON, 260 of them key names
//! (`"message_client_time":`, `"message_is_from_self":`, ...). Message records are most of a
//! store file; compacted, the file is about 40 % smaller. (Conversation records keep their last
//! message plain: a login reads every one of them, and expanding them all cost it 5–10 %.)
//!
//! How: each `"<key>":` of [`DICTIONARY`] becomes [`ESCAPE`] and the key's index. Valid JSON
//! never holds the byte [`ESCAPE`] (control characters inside strings must be escaped, and they
//! are not whitespace), so [`expand`] restores the exact text: every `ESCAPE` it meets was put
//! there by [`compact`]. Text that holds the byte anyway is not compacted ([`compact`] returns
//! `None`) and is stored as it is.
//!
//! The dictionary is part of the file format: entries are only ever appended, and a file that
//! uses an appended entry needs a schema version that older builds refuse.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use tim_types::keys;

/// Marks a dictionary key in compacted text; the next byte is the key's index.
pub const ESCAPE: u8 = 0x01;

/// The keys replaced, by index. Append only (see the module docs).
const DICTIONARY: &[&str] = &[
    keys::MSG_ELEM_ARRAY,
    keys::MSG_CONV_ID,
    keys::MSG_CONV_TYPE,
    keys::MSG_SENDER,
    keys::MSG_PRIORITY,
    keys::MSG_CLIENT_TIME,
    keys::MSG_SERVER_TIME,
    keys::MSG_IS_FROM_SELF,
    keys::MSG_PLATFORM,
    keys::MSG_IS_READ,
    keys::MSG_IS_ONLINE_MSG,
    keys::MSG_IS_PEER_READ,
    keys::MSG_STATUS,
    keys::MSG_UNIQUE_ID,
    keys::MSG_MSG_ID,
    keys::MSG_RAND,
    keys::MSG_SEQ,
    keys::MSG_CUSTOM_INT,
    keys::MSG_CUSTOM_STR,
    keys::MSG_CLOUD_CUSTOM_STR,
    keys::MSG_IS_EXCLUDED_FROM_UNREAD_COUNT,
    keys::MSG_EXCLUDED_FROM_LAST_MESSAGE,
    keys::MSG_GROUP_AT_USER_ARRAY,
    keys::MSG_SENDER_PROFILE,
    keys::MSG_NEED_READ_RECEIPT,
    keys::MSG_RECEIPT_PEER_READ,
    keys::ELEM_TYPE,
    keys::TEXT_ELEM_CONTENT,
    keys::CUSTOM_ELEM_DATA,
    keys::CUSTOM_ELEM_DESC,
    keys::CUSTOM_ELEM_EXT,
    keys::CUSTOM_ELEM_SOUND,
    keys::FACE_ELEM_INDEX,
    keys::FACE_ELEM_BUF,
    keys::LOCATION_ELEM_DESC,
    keys::LOCATION_ELEM_LONGITUDE,
    keys::LOCATION_ELEM_LATITUDE,
    keys::IMAGE_ELEM_ORIG_PATH,
    keys::IMAGE_ELEM_LEVEL,
    keys::SOUND_ELEM_FILE_PATH,
    keys::SOUND_ELEM_FILE_SIZE,
    keys::SOUND_ELEM_FILE_TIME,
    keys::FILE_ELEM_FILE_PATH,
    keys::FILE_ELEM_FILE_NAME,
    keys::FILE_ELEM_FILE_SIZE,
    keys::VIDEO_ELEM_VIDEO_TYPE,
    keys::VIDEO_ELEM_VIDEO_SIZE,
    keys::VIDEO_ELEM_VIDEO_DURATION,
    keys::VIDEO_ELEM_VIDEO_PATH,
    keys::VIDEO_ELEM_IMAGE_TYPE,
    keys::VIDEO_ELEM_IMAGE_SIZE,
    keys::VIDEO_ELEM_IMAGE_WIDTH,
    keys::VIDEO_ELEM_IMAGE_HEIGHT,
    keys::VIDEO_ELEM_IMAGE_PATH,
    keys::DRAFT_MSG,
    keys::DRAFT_USER_DEFINE,
    keys::DRAFT_EDIT_TIME,
];

/// Key name → index, hashed with FNV-1a: every key of every stored message is looked up, and
/// SipHash (the default, made to resist chosen keys, which a fixed dictionary has no use for)
/// took about a fifth of the compaction.
static INDEX: LazyLock<HashMap<&'static [u8], u8, BuildHasherDefault<Fnv1a>>> =
    LazyLock::new(|| DICTIONARY.iter().enumerate().map(|(i, key)| (key.as_bytes(), i as u8)).collect());

/// The index `key` is compacted to, if it is in the dictionary (`sieve.rs` looks for it).
pub fn key_index(key: &str) -> Option<u8> {
    INDEX.get(key.as_bytes()).copied()
}

/// Whether `index` names a key of the dictionary (what [`expand`] accepts after [`ESCAPE`]).
pub fn names_a_key(index: u8) -> bool {
    usize::from(index) < DICTIONARY.len()
}

/// The FNV-1a hash (64 bits), for the short keys of [`INDEX`].
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The text with every dictionary key replaced, or `None` if it holds the byte [`ESCAPE`].
#[cfg(test)]
pub fn compact(json: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(json.len());
    compact_into(json, &mut out).then_some(out)
}

/// [`compact`], appended to `out` (after a record's header, say: one allocation for both);
/// `false`, and `out` as it was, if the text holds the byte [`ESCAPE`].
pub fn compact_into(json: &str, out: &mut Vec<u8>) -> bool {
    let bytes = json.as_bytes();
    if bytes.contains(&ESCAPE) {
        return false;
    }
    let mut copied = 0;
    let mut at = 0;
    while let Some(quote) = bytes[at..].iter().position(|&b| b == b'"') {
        let start = at + quote;
        at = start + 1;
        // A key of compact JSON follows `{` or `,`; anything else is a value or inside a string.
        if start == 0 || !matches!(bytes[start - 1], b'{' | b',') {
            continue;
        }
        let Some(len) = bytes[start + 1..].iter().position(|&b| b == b'"') else { break };
        let name = &bytes[start + 1..start + 1 + len];
        let after = start + 2 + len;
        if bytes.get(after) != Some(&b':') {
            continue;
        }
        if let Some(&index) = INDEX.get(name) {
            out.extend_from_slice(&bytes[copied..start]);
            out.push(ESCAPE);
            out.push(index);
            copied = after + 1;
        }
        at = after + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    true
}

/// The text [`compact`] was given; an error for bytes it cannot have made. Its allocation is
/// exactly the text's length, so that it becomes a `Box<str>` without another copy.
pub fn expand(bytes: &[u8]) -> Result<String, String> {
    let mut len = bytes.len();
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| b == ESCAPE) {
        let index = *bytes.get(at + found + 1).ok_or("compacted text ends inside a key")?;
        let key = DICTIONARY.get(usize::from(index)).ok_or_else(|| format!("unknown key index {index}"))?;
        // `"key":` in place of the two bytes.
        len += key.len() + 3 - 2;
        at += found + 2;
    }
    let mut out = Vec::with_capacity(len);
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| b == ESCAPE) {
        out.extend_from_slice(&rest[..at]);
        let index = *rest.get(at + 1).ok_or("compacted text ends inside a key")?;
        let key = DICTIONARY.get(usize::from(index)).ok_or_else(|| format!("unknown key index {index}"))?;
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        rest = &rest[at + 2..];
    }
    out.extend_from_slice(rest);
    debug_assert_eq!(out.len(), len);
    String::from_utf8(out).map_err(|_| "compacted text is not UTF-8".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tim_types::{Elem, Message, MessageJson};

    #[test]
    fn a_text_message_loses_its_key_names_and_comes_back_exactly() {
        let mut msg = Message::from_elems(vec![Elem::text("hello \"world\", {\"message_seq\":1}")]);
        msg.message_sender = Some("u1".into());
        msg.message_msg_id = Some("m1".into());
        msg.message_server_time = Some(1_700_000_000);
        let json = MessageJson::encode(&msg).text().to_owned();
        let compacted = compact(&json).unwrap();
        assert!(compacted.len() < json.len() / 2 + 40, "{} of {} bytes", compacted.len(), json.len());
        let expanded = expand(&compacted).unwrap();
        assert_eq!(expanded, json);
        assert_eq!(expanded.capacity(), expanded.len(), "no copy to become a Box<str>");
        // Key names inside the text are text: left alone.
        assert!(String::from_utf8_lossy(&compacted).contains("{\\\"message_seq\\\":1}"));
    }

    #[test]
    fn text_holding_the_escape_byte_is_not_compacted() {
        assert_eq!(compact("{\"a\":\"\u{1}\"}"), None);
    }

    #[test]
    fn bytes_compact_cannot_make_are_refused() {
        assert!(expand(&[b'{', ESCAPE]).is_err());
        assert!(expand(&[b'{', ESCAPE, 250, b'1', b'}']).is_err());
    }

    #[test]
    fn the_dictionary_has_room_and_no_duplicates() {
        assert!(DICTIONARY.len() <= 256);
        assert_eq!(INDEX.len(), DICTIONARY.len());
    }

    /// Arbitrary JSON-ish text built from keys, known and unknown, and awkward strings.
    fn json_like() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            prop::sample::select(DICTIONARY.to_vec()).prop_map(str::to_owned),
            "[a-z_\\\\\"]{0,12}",
        ];
        let value = prop_oneof![
            "[ -~]{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            any::<i64>().prop_map(|n| n.to_string()),
            Just("{}".to_owned()),
            Just("[\"a\",\"b\"]".to_owned()),
        ];
        prop::collection::vec((key, value), 0..12).prop_map(|pairs| {
            let body: Vec<String> = pairs
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", serde_json::to_string(&k).unwrap()))
                .collect();
            format!("{{{}}}", body.join(","))
        })
    }

    proptest! {
        #[test]
        fn expand_restores_what_compact_was_given(json in json_like()) {
            let compacted = compact(&json).unwrap();
            prop_assert_eq!(expand(&compacted).unwrap(), json);
        }

        #[test]
        fn any_text_without_the_escape_byte_round_trips(text in "[^\u{1}]{0,64}") {
            let compacted = compact(&text).unwrap();
            prop_assert_eq!(expand(&compacted).unwrap(), text);
        }
    }
}
