//! Whatever text a C caller passes, the parsers answer with one of the two documented failures
//! or a value, never a panic: text that is not JSON is `ParseError::Json` (`TIM_ERR_JSON`),
//! JSON of the wrong shape or types is `ParseError::Param` (`TIM_ERR_PARAM`). The generated
//! documents use the real TIM keys with values of every JSON type, so they reach the models'
//! field checks rather than stopping at an unknown key.

use proptest::prelude::*;
use serde_json::{Map, Value};
use tim_types::parse::{ParseError, parse_draft_param, parse_message_array, parse_message_param};

/// Keys a message or draft document may hold (and a few it may not).
const KEYS: &[&str] = &[
    "message_elem_array",
    "elem_type",
    "text_elem_content",
    "message_msg_id",
    "message_sender",
    "message_conv_type",
    "message_conv_id",
    "message_server_time",
    "message_seq",
    "message_is_read",
    "message_group_at_user_array",
    "message_sender_profile",
    "message_cloud_custom_str",
    "draft_msg",
    "draft_user_define",
    "draft_edit_time",
    "custom_elem_data",
    "face_elem_index",
    "unknown_key",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "[a-z \u{4e00}-\u{4e10}\u{0}]{0,12}".prop_map(Value::String),
        (-2i64..14).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// A message-like document: an element array of element-like objects, and other keys.
fn message_like() -> impl Strategy<Value = Value> {
    let elem = prop::collection::vec((prop::sample::select(KEYS), json_value()), 0..4).prop_map(|pairs| {
        let mut elem: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        elem.entry("elem_type").or_insert(Value::from(0));
        Value::Object(elem)
    });
    (
        prop::collection::vec(elem, 0..3),
        prop::collection::vec((prop::sample::select(KEYS), json_value()), 0..5),
    )
        .prop_map(|(elems, pairs)| {
            let mut msg: Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            msg.insert("message_elem_array".into(), Value::Array(elems));
            Value::Object(msg)
        })
}

fn classified(result: Result<impl Sized, ParseError>, text: &str) {
    if let Err(ParseError::Json(_)) = result {
        assert!(serde_json::from_str::<Value>(text).is_err(), "valid JSON called not JSON: {text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_a_value_or_a_documented_error(text in "\\PC{0,80}") {
        classified(parse_message_param(&text), &text);
        classified(parse_message_array(&text), &text);
        classified(parse_draft_param(&text, 1), &text);
    }

    #[test]
    fn any_json_document_is_a_value_or_a_param_error(doc in json_value()) {
        let text = doc.to_string();
        for result in [
            parse_message_param(&text).map(drop),
            parse_message_array(&text).map(drop),
            parse_draft_param(&text, 1).map(drop),
        ] {
            prop_assert!(!matches!(result, Err(ParseError::Json(_))), "valid JSON called not JSON: {}", text);
        }
    }

    #[test]
    fn message_like_documents_parse_or_are_refused_as_params(msg in message_like()) {
        let one = msg.to_string();
        let result = parse_message_param(&one);
        prop_assert!(!matches!(result, Err(ParseError::Json(_))));
        if let Ok(parsed) = result {
            // What parsed can be written back and read again (a stored message round-trips).
            let again = serde_json::to_string(&parsed).unwrap();
            prop_assert!(parse_message_param(&again).is_ok(), "{} did not read back: {}", one, again);
        }
        let draft = serde_json::json!({ "draft_msg": msg, "draft_edit_time": 5 }).to_string();
        prop_assert!(!matches!(parse_draft_param(&draft, 1), Err(ParseError::Json(_))));
    }
}
