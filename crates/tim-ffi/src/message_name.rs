//! How a caller names one message in `msg_getmsglist_param_last_msg`, `msg_delete_param_msg`
//! and `TIMMsgReportReaded`'s message: by `message_msg_id`, or, as TIM 5.x code does (its
//! messages had no ID), by `message_server_time` with `message_seq` and/or `message_rand`.

use serde_json::Value;
use tim_core::{CallError, MessageLocator, MessageName};
use tim_types::MessageRef;

/// The message `message` names; `what` is the JSON key it came in, for the error. A non-empty
/// `message_msg_id` wins; without one, the server time and a sequence or random number (unsigned
/// integers) locate it. Anything less names no message: `TIM_ERR_PARAM`.
pub fn message_name(message: &MessageRef, what: &str) -> Result<MessageName, CallError> {
    if let Some(id) = message.message_msg_id.as_ref().filter(|id| !id.is_empty()) {
        return Ok(MessageName::Id(id.clone()));
    }
    let number = |key: &str| -> Result<Option<u64>, CallError> {
        match message.rest.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| CallError::param(format!("{what}: {key} is not an unsigned integer"))),
        }
    };
    let (time, seq, rand) = (number("message_server_time")?, number("message_seq")?, number("message_rand")?);
    match time {
        Some(time) if seq.is_some() || rand.is_some() => Ok(MessageLocator { time, seq, rand }.into()),
        _ => Err(CallError::param(format!(
            "{what} names no message: give message_msg_id, or message_server_time with message_seq or message_rand"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Result<MessageName, CallError> {
        message_name(&serde_json::from_str(text).unwrap(), "m")
    }

    #[test]
    fn an_id_wins_over_a_location() {
        let both = r#"{"message_msg_id":"x","message_server_time":7,"message_seq":3}"#;
        assert_eq!(name(both), Ok(MessageName::Id("x".into())));
    }

    #[test]
    fn a_message_without_an_id_is_located_by_time_and_seq_or_rand() {
        let located = MessageLocator { time: 7, seq: Some(3), rand: Some(9) };
        let full = r#"{"message_msg_id":"","message_server_time":7,"message_seq":3,"message_rand":9}"#;
        assert_eq!(name(full), Ok(located.into()));
        let by_rand = MessageLocator { time: 7, seq: None, rand: Some(9) };
        assert_eq!(name(r#"{"message_server_time":7,"message_rand":9}"#), Ok(by_rand.into()));
    }

    #[test]
    fn less_than_a_time_with_a_seq_or_rand_names_no_message() {
        for text in [
            r#"{}"#,
            r#"{"message_msg_id":null}"#,
            r#"{"message_server_time":7}"#,
            r#"{"message_seq":3,"message_rand":9}"#,
            r#"{"message_server_time":"7","message_seq":3}"#,
            r#"{"message_server_time":7,"message_seq":-3}"#,
        ] {
            assert!(matches!(name(text), Err(CallError::Param(_))), "{text}: {:?}", name(text));
        }
    }
}
