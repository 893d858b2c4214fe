//! Strict parsing of JSON parameters, with the two failure kinds the C API tells apart.
//!
//! - [`ParseError::Json`]: the text is not JSON at all → `TIM_ERR_JSON`.
//! - [`ParseError::Param`]: well-formed JSON of the wrong shape, type or range, or larger than
//!   [`MAX_JSON_BYTES`](crate::limits::MAX_JSON_BYTES) → `TIM_ERR_PARAM`.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::limits::MAX_JSON_BYTES;
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
    if text.len() > MAX_JSON_BYTES {
        return Err(ParseError::Param(format!(
            "JSON parameter of {} bytes exceeds the limit of {MAX_JSON_BYTES}",
            text.len()
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| ParseError::Param(e.to_string()))
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
    let param: DraftParam = parse_json(text)?;
    Ok(Draft {
        draft_msg: param.draft_msg,
        draft_user_define: param.draft_user_define.unwrap_or_default(),
        draft_edit_time: param.draft_edit_time.unwrap_or(now),
    })
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
    fn wrong_shapes_are_param_errors() {
        let cases = [
            r#"[]"#,
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
}
