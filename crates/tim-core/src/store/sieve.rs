//! A look at a stored message's compacted JSON that can tell, without decoding the message, that
//! it holds no wanted value of one key (an element type, a sequence).
//!
//! Why: a history query with an element-type filter (a chat's media gallery) or by C2C sequences
//! (C2C has no sequence index) decodes every message it passes until it has its page: 80–180 ms
//! at 100,000 messages when little matches (docs/performance.md, "Beyond W1–W5").
//!
//! Sound only where "no" is certain. A compacted text (`compact.rs`) holds [`ESCAPE`] and the
//! key's index exactly where the JSON held `"key":`, followed by the value as serde wrote it.
//! The answer is "maybe" (decode it) whenever a value after the key is not a plain unsigned
//! integer, an escape names no key (a body cut short or damaged), or the key's name is spelled
//! out anywhere (a key `compact` left alone; or a string
//! that ends with the name, which costs only a decode). Keys of nested messages (a merged
//! message's elements) only add values to look at, so they can only turn a "no" into a "maybe".
//! A message without the key is a "no": callers for whom an absent key is a wanted value (a
//! sequence of 0) do not sieve.

use super::compact::{ESCAPE, key_index, names_a_key};

/// Wanted values of one dictionary key.
pub struct Sieve<F> {
    index: u8,
    name: &'static str,
    wanted: F,
}

impl<F: Fn(u64) -> bool> Sieve<F> {
    /// A sieve for `key`'s values that `wanted` accepts; `None` if `key` is not compacted.
    pub fn new(key: &'static str, wanted: F) -> Option<Self> {
        Some(Sieve { index: key_index(key)?, name: key, wanted })
    }

    /// Whether the message compacted as `body` may hold a wanted value of the key (`false`:
    /// certainly not). One pass over the body's escapes and quotes.
    pub fn may_hold(&self, body: &[u8]) -> bool {
        let name = self.name.as_bytes();
        // Every ESCAPE is followed by its index (it occurs nowhere else); that byte may itself
        // equal ESCAPE or a quote, and is passed over.
        let mut index_byte = None;
        for at in memchr::memchr2_iter(ESCAPE, b'"', body) {
            if index_byte == Some(at) {
                continue;
            }
            if body[at] == b'"' {
                if body[..at].ends_with(name) {
                    return true;
                }
                continue;
            }
            index_byte = Some(at + 1);
            match body.get(at + 1) {
                Some(&index) if index == self.index => {
                    if self.value_may_be_wanted(&body[at + 2..]) {
                        return true;
                    }
                }
                Some(&index) if names_a_key(index) => {}
                // An escape that names no key (the body cut short, or damaged): not what
                // `compact` wrote, so nothing can be told from it.
                _ => return true,
            }
        }
        false
    }

    /// Whether the value at the start of `value` is wanted, or not a plain unsigned integer
    /// (`null`, a negative or fractional number, a string, one beyond u64: "maybe").
    fn value_may_be_wanted(&self, value: &[u8]) -> bool {
        let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || matches!(value.get(digits), Some(b'.' | b'e' | b'E')) {
            return true;
        }
        match std::str::from_utf8(&value[..digits]).ok().and_then(|d| d.parse::<u64>().ok()) {
            Some(number) => (self.wanted)(number),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use tim_types::keys::{ELEM_TYPE, MSG_SEQ};
    use tim_types::{Elem, Message, MessageJson};

    use super::*;
    use crate::store::compact::compact;

    fn compacted(msg: &Message) -> Vec<u8> {
        compact(MessageJson::encode(msg).text()).unwrap()
    }

    fn image() -> Elem {
        serde_json::from_value(serde_json::json!({"elem_type": 1, "image_elem_orig_path": "/a.jpg"})).unwrap()
    }

    #[test]
    fn element_types_are_told_apart_without_decoding() {
        let images = Sieve::new(ELEM_TYPE, |t| t == 1).unwrap();
        let text = Message::from_elems(vec![Elem::text("hello")]);
        assert!(!images.may_hold(&compacted(&text)));
        let mixed = Message::from_elems(vec![Elem::text("look"), image()]);
        assert!(images.may_hold(&compacted(&mixed)));
    }

    #[test]
    fn a_text_naming_the_key_only_costs_a_decode() {
        let images = Sieve::new(ELEM_TYPE, |t| t == 1).unwrap();
        // The content's quotes are escaped: nothing to see.
        let quoted = Message::from_elems(vec![Elem::text("{\"elem_type\":1}")]);
        assert!(!images.may_hold(&compacted(&quoted)));
        // A string ending with the name: "maybe".
        let ending = Message::from_elems(vec![Elem::text("elem_type")]);
        assert!(images.may_hold(&compacted(&ending)));
    }

    #[test]
    fn sequences_are_read_whole_and_odd_values_mean_maybe() {
        let mut msg = Message::from_elems(vec![Elem::text("hi")]);
        msg.message_seq = Some(12);
        let body = compacted(&msg);
        assert!(!Sieve::new(MSG_SEQ, |s| s == 1).unwrap().may_hold(&body), "12 is not 1");
        assert!(!Sieve::new(MSG_SEQ, |s| s == 123).unwrap().may_hold(&body), "nor 123");
        assert!(Sieve::new(MSG_SEQ, |s| s == 12).unwrap().may_hold(&body));
        msg.message_seq = Some(u64::MAX);
        assert!(Sieve::new(MSG_SEQ, |s| s == u64::MAX).unwrap().may_hold(&compacted(&msg)));
        // Values serde would not write for a sequence: "maybe", never "no".
        let mut odd = body.clone();
        let at = odd.windows(2).position(|w| w == [ESCAPE, key_index(MSG_SEQ).unwrap()]).unwrap() + 2;
        odd.splice(at..at + 2, b"-1".iter().copied());
        assert!(Sieve::new(MSG_SEQ, |_| false).unwrap().may_hold(&odd));
        odd.splice(at..at + 2, b"null".iter().copied());
        assert!(Sieve::new(MSG_SEQ, |_| false).unwrap().may_hold(&odd));
    }

    #[test]
    fn an_escape_that_names_no_key_means_maybe() {
        let msg = Message::from_elems(vec![Elem::text("hi")]);
        let images = Sieve::new(ELEM_TYPE, |t| t == 1).unwrap();
        let mut cut = compacted(&msg);
        assert!(!images.may_hold(&cut));
        cut.truncate(cut.iter().rposition(|&b| b == ESCAPE).unwrap() + 1);
        assert!(images.may_hold(&cut), "cut short after an escape");
        let mut unknown = compacted(&msg);
        let last = unknown.iter().rposition(|&b| b == ESCAPE).unwrap();
        unknown[last + 1] = 0xEE;
        assert!(images.may_hold(&unknown), "an index past the dictionary");
    }

    #[test]
    fn a_message_without_the_key_holds_none_of_its_values() {
        let msg = Message::from_elems(vec![Elem::text("hi")]);
        assert!(!Sieve::new(MSG_SEQ, |_| true).unwrap().may_hold(&compacted(&msg)));
    }

    #[test]
    fn keys_outside_the_dictionary_have_no_sieve() {
        assert!(Sieve::new("message_no_such_key", |_| true).is_none());
    }
}
