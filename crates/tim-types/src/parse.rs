//! Strict parsing of JSON parameters, with the two failure kinds the C API tells apart.
//!
//! - [`ParseError::Json`]: the text is not JSON at all → `TIM_ERR_JSON`.
//! - [`ParseError::Param`]: well-formed JSON of the wrong shape, type or range, or larger than
//!   [`MAX_JSON_BYTES`] → `TIM_ERR_PARAM`.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::enums::ElemType;
use crate::limits::MAX_JSON_BYTES;
#[cfg(doc)]
use crate::model::Elem;
use crate::model::{Draft, Message};

/// Why a JSON parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text is not JSON.
    #[error("not JSON: {0}")]
    Json(String),
    /// The JSON is well formed but not a valid parameter.
    #[error("invalid parameter: {0}")]
    Param(String),
}

/// Parses `text` as JSON, then as `T`, telling "not JSON" from "wrong shape".
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    check_size(text)?;
    parse_json_unbounded(text)
}

fn check_size(text: &str) -> Result<(), ParseError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(ParseError::Param(format!(
            "JSON parameter of {} bytes exceeds the limit of {MAX_JSON_BYTES}",
            text.len()
        )));
    }
    Ok(())
}

/// [`parse_json`] without the size limit, for input that is not a C parameter (a file).
fn parse_json_unbounded<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| ParseError::Param(e.to_string()))
}

/// As [`parse_json_unbounded`], for messages: straight into the type first, and the two steps
/// only for a failure (which tell "not JSON" from "wrong shape", and keep a repeated key's last
/// value where a direct parse refuses a repeated field). Why: a `Value` in between cost as much
/// again as the parse itself (W1 through the C ABI, docs/performance.md).
///
/// Only for a type that reads every key of every object in it (a message and its elements keep
/// the keys they do not name): serde_json skips a key a type does not read without checking
/// its numbers' range, its escapes or its depth, so a direct parse of any other type could
/// accept text that is not JSON.
fn parse_messages_unbounded<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    match serde_json::from_str(text) {
        Ok(parsed) => Ok(parsed),
        Err(_) => parse_json_unbounded(text),
    }
}

/// Parses `text` as a JSON object, then as `T`. Rejects arrays where an object belongs (serde
/// would otherwise accept a struct written as an array of its fields).
pub fn parse_json_object<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let value: Value = parse_json(text)?;
    if !value.is_object() {
        return Err(ParseError::Param("expected a JSON object".into()));
    }
    serde_json::from_value(value).map_err(|e| ParseError::Param(e.to_string()))
}

/// Parses `text` as a JSON array whose every element is an object, then as `T`s (as
/// [`parse_json_object`] for each element: serde would accept a struct written as an array).
pub fn parse_json_object_array<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, ParseError> {
    let value: Value = parse_json(text)?;
    let Value::Array(items) = value else {
        return Err(ParseError::Param("expected a JSON array".into()));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            if !item.is_object() {
                return Err(ParseError::Param(format!("element {n}: expected a JSON object")));
            }
            serde_json::from_value(item).map_err(|e| ParseError::Param(format!("element {n}: {e}")))
        })
        .collect()
}

/// An optional JSON parameter: `None` for NULL or blank text (the call's defaults), else the
/// text without its surrounding whitespace. The size limit is checked first, on the text as
/// given: blank text over [`MAX_JSON_BYTES`] is refused like any other.
pub fn optional_param(text: Option<&str>) -> Result<Option<&str>, ParseError> {
    let Some(text) = text else { return Ok(None) };
    check_size(text)?;
    let text = text.trim();
    Ok((!text.is_empty()).then_some(text))
}

/// The input of `TIMConvSetDraft` before defaults are applied.
#[derive(Debug, Deserialize)]
struct DraftParam {
    draft_msg: Message,
    #[serde(default)]
    draft_user_define: Option<String>,
    #[serde(default)]
    draft_edit_time: Option<u64>,
}

/// Parses the JSON of `TIMConvSetDraft`. `draft_msg` is required and must be a message object
/// with a `message_elem_array`; `draft_edit_time` defaults to `now` (UTC seconds) when absent.
pub fn parse_draft_param(text: &str, now: u64) -> Result<Draft, ParseError> {
    let param: DraftParam = parse_json_object(text)?;
    Ok(Draft {
        draft_msg: param.draft_msg,
        draft_user_define: param.draft_user_define.unwrap_or_default(),
        draft_edit_time: param.draft_edit_time.unwrap_or(now),
    })
}

/// Checks that a message built in Rust can be written and read back: no key of its `extra`
/// names one of its fields (it would be written twice; see
/// [`Message::extra_key_naming_a_field`]), and no element is one that would not read back as it is
/// (see [`Elem::unreadable_when_written`]: `elem_type` or a named key in its `extra`, an `Other`
/// of a modelled type, a location that is not finite).
pub fn check_writable(message: &Message) -> Result<(), ParseError> {
    if let Some(key) = message.extra_key_naming_a_field() {
        return Err(ParseError::Param(format!("extra repeats the field {key}")));
    }
    for (n, elem) in message.message_elem_array.iter().enumerate() {
        if let Some(why) = elem.unreadable_when_written() {
            return Err(ParseError::Param(format!("element {n}: {why}")));
        }
    }
    Ok(())
}

/// Checks that a message may be sent or stored: [`check_writable`], at least one element, and none of the elements
/// only the system generates (group tips, group reports).
pub fn check_sendable(message: &Message) -> Result<(), ParseError> {
    check_writable(message)?;
    if message.message_elem_array.is_empty() {
        return Err(ParseError::Param("message_elem_array is empty".into()));
    }
    for elem in &message.message_elem_array {
        if matches!(elem.elem_type(), ElemType::GroupTips | ElemType::GroupReport) {
            return Err(ParseError::Param(format!(
                "elem_type {} is generated by the system and cannot be sent",
                elem.elem_type().value()
            )));
        }
    }
    Ok(())
}

/// Parses the message of `TIMMsgSendMessage` / `TIMMsgSaveMsg` and checks it is sendable.
pub fn parse_message_param(text: &str) -> Result<Message, ParseError> {
    check_size(text)?;
    let message: Message = parse_messages_unbounded(text)?;
    check_sendable(&message)?;
    Ok(message)
}

/// Parses a JSON array of messages (`TIMMsgImportMsgList`, delivered messages); one bad element
/// rejects the whole array.
pub fn parse_message_array(text: &str) -> Result<Vec<Message>, ParseError> {
    check_size(text)?;
    checked_messages(parse_messages_unbounded(text)?)
}

/// As [`parse_message_array`], of any size: for a file of messages (the CLI's import), which is
/// not a C parameter and may hold far more than [`MAX_JSON_BYTES`].
pub fn parse_message_file(text: &str) -> Result<Vec<Message>, ParseError> {
    checked_messages(parse_messages_unbounded(text)?)
}

fn checked_messages(messages: Vec<Message>) -> Result<Vec<Message>, ParseError> {
    for (n, message) in messages.iter().enumerate() {
        check_sendable(message).map_err(|e| ParseError::Param(format!("message {n}: {e}")))?;
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Elem;

    const SEED_EXAMPLE: &str = r#"{
       "draft_edit_time" : 1551271429,
       "draft_msg" : {
          "message_elem_array" : [
             {
                "elem_type" : 0,
                "text_elem_content" : "this draft"
             }
          ]
       },
       "draft_user_define" : "this is userdefine"
    }"#;

    #[test]
    fn the_seed_example_parses() {
        let draft = parse_draft_param(SEED_EXAMPLE, 7).unwrap();
        assert_eq!(draft.draft_edit_time, 1551271429);
        assert_eq!(draft.draft_user_define, "this is userdefine");
        assert_eq!(draft.draft_msg.message_elem_array, vec![Elem::text("this draft")]);
    }

    #[test]
    fn an_array_of_objects_refuses_an_element_written_as_an_array() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Pair {
            id: String,
            kind: u32,
        }
        let pairs: Vec<Pair> = parse_json_object_array(r#"[{"id":"bob","kind":1}]"#).unwrap();
        assert_eq!(pairs, vec![Pair { id: "bob".into(), kind: 1 }]);
        assert!(matches!(parse_json_object_array::<Pair>(r#"[["bob",1]]"#), Err(ParseError::Param(_))));
        assert!(matches!(
            parse_json_object_array::<Pair>(r#"{"id":"bob","kind":1}"#),
            Err(ParseError::Param(_))
        ));
        assert!(matches!(parse_json_object_array::<Pair>("[{"), Err(ParseError::Json(_))));
    }

    #[test]
    fn an_optional_parameter_is_measured_before_it_is_trimmed() {
        assert_eq!(optional_param(None), Ok(None));
        assert_eq!(optional_param(Some(" \n ")), Ok(None));
        assert_eq!(optional_param(Some(" {} ")), Ok(Some("{}")));
        let blank = " ".repeat(MAX_JSON_BYTES + 1);
        assert!(matches!(optional_param(Some(&blank)), Err(ParseError::Param(_))));
    }

    #[test]
    fn edit_time_defaults_to_now() {
        let draft = parse_draft_param(r#"{"draft_msg":{"message_elem_array":[]}}"#, 42).unwrap();
        assert_eq!(draft.draft_edit_time, 42);
        assert_eq!(draft.draft_user_define, "");
    }

    #[test]
    fn not_json_is_a_json_error() {
        for text in ["", "{", "draft", "{\"a\":}", "\u{0}"] {
            assert!(matches!(parse_draft_param(text, 0), Err(ParseError::Json(_))), "{text:?}");
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_as_before_the_direct_parse() {
        // The direct parse refuses a repeated field; the two-step parse it falls back to keeps
        // what a `Value` keeps, the last one, in the message and in its elements.
        let text = r#"[{"message_sender":"a","message_elem_array":[{"elem_type":0,"text_elem_content":"x",
            "elem_type":0,"text_elem_content":"y"}],"message_sender":"b"}]"#;
        let parsed = parse_message_array(text).unwrap();
        assert_eq!(parsed[0].message_sender.as_deref(), Some("b"));
        assert_eq!(parsed[0].message_elem_array, vec![Elem::text("y")]);
    }

    #[test]
    fn text_that_is_not_json_is_refused_in_keys_no_type_reads() {
        // Keys serde_json would skip unread: a number out of range, a lone surrogate, nesting
        // deeper than 128. Not JSON, wherever they stand (found by a review: a direct parse of a
        // type that ignores unknown keys accepted them).
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for bad in ["1e400", r#""\ud800""#, deep.as_str()] {
            let draft = format!(r#"{{"draft_msg":{{"message_elem_array":[]}},"x":{bad}}}"#);
            assert!(matches!(parse_draft_param(&draft, 0), Err(ParseError::Json(_))), "{bad}");
            let message = format!(
                r#"{{"message_elem_array":[{{"elem_type":0,"text_elem_content":"a","x":{bad}}}],"y":{bad}}}"#
            );
            assert!(matches!(parse_message_param(&message), Err(ParseError::Json(_))), "{bad}");
            assert!(
                matches!(parse_message_array(&format!("[{message}]")), Err(ParseError::Json(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_direct_parse_tells_the_same_errors_apart() {
        // A wrong shape before a syntax error is still "not JSON"; whitespace before an object
        // still parses; an array where an object belongs is still a wrong shape.
        let shape_then_syntax = r#"[{"message_elem_array": 5}, "#;
        assert!(matches!(parse_message_array(shape_then_syntax), Err(ParseError::Json(_))));
        let spaced = " \n\t{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"x\"}]}";
        assert_eq!(parse_message_param(spaced).unwrap().message_elem_array, vec![Elem::text("x")]);
        assert!(matches!(parse_message_param(r#"[[]]"#), Err(ParseError::Param(_))));
        assert!(matches!(parse_message_param("\u{a0}{}"), Err(ParseError::Json(_))));
    }

    #[test]
    fn wrong_shapes_are_param_errors() {
        let cases = [
            r#"[]"#,
            r#"[{"message_elem_array":[]}]"#,
            r#"{}"#,
            r#"{"draft_msg": "text"}"#,
            r#"{"draft_msg": {}}"#,
            r#"{"draft_msg": {"message_elem_array": {}}}"#,
            r#"{"draft_msg": {"message_elem_array": [{"elem_type": 99}]}}"#,
            r#"{"draft_msg": {"message_elem_array": [{"elem_type": -1}]}}"#,
            r#"{"draft_msg": {"message_elem_array": [{"elem_type": "0"}]}}"#,
            r#"{"draft_msg": {"message_elem_array": [{"text_elem_content": "x"}]}}"#,
            r#"{"draft_msg": {"message_elem_array": [{"elem_type": 0, "text_elem_content": 5}]}}"#,
            r#"{"draft_msg": {"message_elem_array": [{"elem_type": 0}]}}"#,
            r#"{"draft_msg": {"message_elem_array": []}, "draft_edit_time": -1}"#,
            r#"{"draft_msg": {"message_elem_array": []}, "draft_edit_time": "now"}"#,
            r#"{"draft_msg": {"message_elem_array": []}, "draft_edit_time": 1.5}"#,
            r#"{"draft_msg": {"message_elem_array": []}, "draft_user_define": 3}"#,
            r#"{"draft_msg": {"message_elem_array": [], "message_conv_type": 7}}"#,
        ];
        for text in cases {
            assert!(matches!(parse_draft_param(text, 0), Err(ParseError::Param(_))), "{text}");
        }
    }

    #[test]
    fn oversize_json_is_a_param_error() {
        let text = format!("\"{}\"", "x".repeat(MAX_JSON_BYTES));
        assert!(matches!(parse_json::<Value>(&text), Err(ParseError::Param(_))));
    }

    #[test]
    fn unknown_message_and_elem_keys_survive_a_round_trip() {
        let text = r#"{"message_elem_array":[{"elem_type":3,"custom_elem_data":"d","my_key":[1,2]},
            {"elem_type":12,"merge_elem_title":"t"},{"elem_type":7,"location_elem_latitude":1.5}],
            "message_custom_int":3,"app_field":{"nested":true}}"#;
        let message: Message = parse_json(text).unwrap();
        let again: Value = serde_json::to_value(&message).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(again, original);
    }

    #[test]
    fn sendable_messages() {
        assert!(
            parse_message_param(r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"x"}]}"#)
                .is_ok()
        );
        for bad in [
            r#"{"message_elem_array":[]}"#,
            r#"{"message_elem_array":[{"elem_type":5}]}"#,
            r#"{"message_elem_array":[{"elem_type":8}]}"#,
            r#"{"message_elem_array":[{"elem_type":0,"text_elem_content":"x"}],"message_seq":-1}"#,
        ] {
            assert!(matches!(parse_message_param(bad), Err(ParseError::Param(_))), "{bad}");
        }
        let array =
            r#"[{"message_elem_array":[{"elem_type":0,"text_elem_content":"x"}]},{"message_elem_array":[]}]"#;
        assert!(matches!(parse_message_array(array), Err(ParseError::Param(_))));
        assert!(matches!(parse_message_array("{}"), Err(ParseError::Param(_))));
    }
}
