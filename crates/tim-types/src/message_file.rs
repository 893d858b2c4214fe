//! A file of messages (the CLI's import), checked whole and then read again one message at a
//! time instead of held parsed. Why: a parsed [`Message`] takes about six times its text, so an
//! import holding its file parsed needed some seven times the file in memory; checked and read
//! this way it needs the text and one chunk.
//!
//! Both reads parse straight into [`Message`], as [`parse_message_file`] does first. A file that
//! this does not take (not JSON, the wrong shape, a message that may not be stored, a repeated
//! key, which a direct parse refuses and the two-step parse keeps the last value of) goes through
//! [`parse_message_file`] itself: the same messages, and the same error for the same file.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, SeqAccess, Visitor};

use crate::model::Message;
use crate::parse::{ParseError, check_sendable, parse_message_file};

/// The messages of a file, checked as [`parse_message_file`] checks them.
#[derive(Debug)]
pub enum MessageFile {
    /// The file's text, read again when its messages are needed.
    Streamed {
        /// The whole file.
        text: String,
        /// How many messages it holds.
        count: usize,
    },
    /// The messages, parsed (a file the direct parse does not take).
    Parsed(Vec<Message>),
}

impl MessageFile {
    /// Checks `text`: the messages [`parse_message_file`] would return, or its error.
    pub fn check(text: String) -> Result<MessageFile, ParseError> {
        Self::check_with(text, |_| Ok(()))
    }

    /// [`MessageFile::check`], each message also checked by `also` (what the importer checks
    /// beyond [`check_sendable`]: the whole file is checked before anything is imported). A
    /// refusal names the message by its index: `message <n>: <why>`.
    pub fn check_with(
        text: String,
        mut also: impl FnMut(&Message) -> Result<(), String>,
    ) -> Result<MessageFile, ParseError> {
        let mut count = 0;
        let mut refused = None;
        let streamed = each_message(&text, |message| {
            check_sendable(&message).map_err(drop)?;
            if let Err(why) = also(&message) {
                refused = Some(format!("message {count}: {why}"));
                return Err(());
            }
            count += 1;
            Ok(())
        });
        if let Some(why) = refused {
            return Err(ParseError::Param(why));
        }
        match streamed {
            Ok(()) => Ok(MessageFile::Streamed { text, count }),
            Err(_) => {
                let list = parse_message_file(&text)?;
                for (n, message) in list.iter().enumerate() {
                    also(message).map_err(|why| ParseError::Param(format!("message {n}: {why}")))?;
                }
                Ok(MessageFile::Parsed(list))
            }
        }
    }

    /// How many messages the file holds.
    pub fn len(&self) -> usize {
        match self {
            MessageFile::Streamed { count, .. } => *count,
            MessageFile::Parsed(list) => list.len(),
        }
    }

    /// Whether the file holds no message.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands the messages to `each` in order, in runs of `chunk` (at least one; the last run may
    /// be shorter), and stops at its first error.
    pub fn for_each_chunk<E: From<ParseError>>(
        self,
        chunk: usize,
        mut each: impl FnMut(Vec<Message>) -> Result<(), E>,
    ) -> Result<(), E> {
        let chunk = chunk.max(1);
        match self {
            MessageFile::Parsed(list) => {
                let mut messages = list.into_iter().peekable();
                while messages.peek().is_some() {
                    each(messages.by_ref().take(chunk).collect())?;
                }
                Ok(())
            }
            MessageFile::Streamed { text, .. } => {
                let mut run = Vec::with_capacity(chunk);
                let mut failure = None;
                let streamed = each_message(&text, |message| {
                    run.push(message);
                    if run.len() == chunk {
                        let full = std::mem::replace(&mut run, Vec::with_capacity(chunk));
                        each(full).map_err(|e| failure = Some(e))?;
                    }
                    Ok(())
                });
                if let Some(e) = failure {
                    return Err(e);
                }
                // The text is the one `check` read whole, so a parse error cannot come back;
                // should it, it is an error, not a panic.
                streamed.map_err(|e| ParseError::Param(e.to_string()))?;
                if !run.is_empty() {
                    each(run)?;
                }
                Ok(())
            }
        }
    }
}

/// Parses `text` as a JSON array of messages, handing each to `each` as soon as it is read; an
/// `Err(())` from `each` stops the parse (with an error).
fn each_message(text: &str, each: impl FnMut(Message) -> Result<(), ()>) -> Result<(), serde_json::Error> {
    let mut parser = serde_json::Deserializer::from_str(text);
    (&mut parser).deserialize_seq(EachMessage(each))?;
    parser.end()
}

/// Visits a JSON array, one [`Message`] at a time.
struct EachMessage<F>(F);

impl<'de, F: FnMut(Message) -> Result<(), ()>> Visitor<'de> for EachMessage<F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(message) = seq.next_element::<Message>()? {
            (self.0)(message).map_err(|()| de::Error::custom("stopped"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Elem;

    fn text_message(n: usize) -> serde_json::Value {
        serde_json::json!({
            "message_elem_array": [{"elem_type": 0, "text_elem_content": format!("m{n}")}],
            "message_msg_id": format!("id-{n}"),
        })
    }

    fn file_of(n: usize) -> String {
        serde_json::to_string(&(0..n).map(text_message).collect::<Vec<_>>()).unwrap()
    }

    fn chunks(file: MessageFile, chunk: usize) -> Vec<Vec<Message>> {
        let mut runs = Vec::new();
        file.for_each_chunk::<ParseError>(chunk, |run| {
            runs.push(run);
            Ok(())
        })
        .unwrap();
        runs
    }

    #[test]
    fn a_plain_file_is_streamed_in_chunks_holding_what_a_whole_parse_holds() {
        for (n, chunk) in [(0, 3), (1, 3), (7, 3), (9, 3), (5, 1), (4, 0)] {
            let text = file_of(n);
            let file = MessageFile::check(text.clone()).unwrap();
            assert!(matches!(file, MessageFile::Streamed { count, .. } if count == n));
            assert_eq!(file.len(), n);
            let runs = chunks(file, chunk);
            let chunk = chunk.max(1);
            assert!(runs.iter().all(|run| !run.is_empty() && run.len() <= chunk), "{n} by {chunk}");
            assert!(runs.iter().rev().skip(1).all(|run| run.len() == chunk), "only the last run is short");
            assert_eq!(runs.concat(), parse_message_file(&text).unwrap(), "{n} by {chunk}");
        }
    }

    #[test]
    fn a_file_the_direct_parse_refuses_gets_the_whole_parse_and_its_answer() {
        // A repeated key: the whole parse keeps its last value.
        let repeated = r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"a"}],
            "message_msg_id":"first","message_msg_id":"second"}]"#;
        let file = MessageFile::check(repeated.into()).unwrap();
        assert!(matches!(file, MessageFile::Parsed(_)));
        let runs = chunks(file, 10);
        assert_eq!(runs.concat()[0].message_msg_id.as_deref(), Some("second"));

        let not_sendable = format!("[{},{}]", text_message(0), r#"{"message_elem_array":[]}"#);
        let refused = [
            "[1,",
            "{}",
            r#"[{"message_elem_array":"x"}]"#,
            &not_sendable,
            r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"a"}]}] x"#,
        ];
        for text in refused {
            assert_eq!(
                MessageFile::check(text.into()).unwrap_err(),
                parse_message_file(text).unwrap_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn the_first_error_of_a_chunk_stops_the_rest() {
        for file in [
            MessageFile::check(file_of(10)).unwrap(),
            MessageFile::Parsed(vec![Message::from_elems(vec![Elem::text("x")]); 10]),
        ] {
            let mut calls = 0;
            let result = file.for_each_chunk(4, |_| {
                calls += 1;
                if calls == 2 { Err(ParseError::Param("full".into())) } else { Ok(()) }
            });
            assert_eq!(result, Err(ParseError::Param("full".into())));
            assert_eq!(calls, 2);
        }
    }
}
