//! `Message`: the message object inside drafts and `conv_last_msg`.
//!
//! The keys the engine reasons about are typed; every other key is kept in [`Message::extra`] and
//! written back unchanged, so an app's data survives a round trip through the store.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Elem;
use crate::enums::{ConvType, MsgStatus};
use crate::keys;

/// A message (reference §6). Only `message_elem_array` is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The elements, in order.
    pub message_elem_array: Vec<Elem>,
    /// The conversation ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_conv_id: Option<String>,
    /// The conversation type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_conv_type: Option<ConvType>,
    /// The sender's user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_sender: Option<String>,
    /// Priority (`TIMMsgPriority`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_priority: Option<u32>,
    /// Client time, UTC seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_client_time: Option<u64>,
    /// Server time, UTC seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_server_time: Option<u64>,
    /// Whether the logged-in user sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_is_from_self: Option<bool>,
    /// Platform of the sender (`TIMPlatform`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_platform: Option<u32>,
    /// Whether it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_is_read: Option<bool>,
    /// Whether it was received online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_is_online_msg: Option<bool>,
    /// Whether the peer read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_is_peer_read: Option<bool>,
    /// State of the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_status: Option<MsgStatus>,
    /// The older numeric ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_unique_id: Option<u64>,
    /// The message ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_msg_id: Option<String>,
    /// Random number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_rand: Option<u64>,
    /// Sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_seq: Option<u64>,
    /// Local custom integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_custom_int: Option<u32>,
    /// Local custom string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_custom_str: Option<String>,
    /// Cloud custom string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_cloud_custom_str: Option<String>,
    /// Whether it does not count as unread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_is_excluded_from_unread_count: Option<bool>,
    /// Whether it may not stand as the conversation's last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_excluded_from_last_message: Option<bool>,
    /// Users @-mentioned (group messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_group_at_user_array: Option<Vec<String>>,
    /// Profile of the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_sender_profile: Option<Map<String, Value>>,
    /// Whether a read receipt is wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_need_read_receipt: Option<bool>,
    /// Every key this model does not name, kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Message {
    /// A message of the given elements and nothing else.
    pub fn from_elems(elems: Vec<Elem>) -> Self {
        Message {
            message_elem_array: elems,
            message_conv_id: None,
            message_conv_type: None,
            message_sender: None,
            message_priority: None,
            message_client_time: None,
            message_server_time: None,
            message_is_from_self: None,
            message_platform: None,
            message_is_read: None,
            message_is_online_msg: None,
            message_is_peer_read: None,
            message_status: None,
            message_unique_id: None,
            message_msg_id: None,
            message_rand: None,
            message_seq: None,
            message_custom_int: None,
            message_custom_str: None,
            message_cloud_custom_str: None,
            message_is_excluded_from_unread_count: None,
            message_excluded_from_last_message: None,
            message_group_at_user_array: None,
            message_sender_profile: None,
            message_need_read_receipt: None,
            extra: Map::new(),
        }
    }

    /// The keys of the fields this model names: every field but `extra`.
    pub const FIELD_KEYS: [&'static str; 25] = [
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
    ];

    /// The first key of `extra` that names a field, if any. Such a message would be written with
    /// that key twice, which no reader takes back; JSON parsing never makes one (it files every
    /// named key into its field), a Rust caller filling `extra` can.
    pub fn extra_key_naming_a_field(&self) -> Option<&str> {
        self.extra.keys().map(String::as_str).find(|key| Self::FIELD_KEYS.contains(key))
    }
}

/// A message kept as its JSON text: the conversation's last message. It is encoded once, when it
/// becomes the last message, and then copied and written out as text, never decoded again unless
/// asked for with [`MessageJson::message`]: listing and loading conversations stay cheap.
#[derive(Clone)]
pub struct MessageJson(Box<serde_json::value::RawValue>);

impl MessageJson {
    /// Encodes a message.
    pub fn encode(message: &Message) -> Self {
        // `to_raw_value` keeps the serializer's output as it is; `RawValue::from_string` would
        // parse it once more to validate what is valid by construction.
        match serde_json::value::to_raw_value(message) {
            Ok(raw) => MessageJson(raw),
            Err(_) => Self::from_text(String::from("{}")),
        }
    }

    fn from_text(text: String) -> Self {
        MessageJson(
            serde_json::value::RawValue::from_string(text).unwrap_or_else(|_| {
                serde_json::value::RawValue::from_string("{}".into()).expect("valid JSON")
            }),
        )
    }

    /// Decodes the message.
    pub fn message(&self) -> Message {
        serde_json::from_str(self.0.get()).unwrap_or_else(|_| Message::from_elems(Vec::new()))
    }

    /// The JSON text.
    pub fn text(&self) -> &str {
        self.0.get()
    }
}

impl std::fmt::Debug for MessageJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.get())
    }
}

impl PartialEq for MessageJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Serialize for MessageJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for MessageJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        // Kept as text (decoding here would cost what this type saves); it must be an object.
        if !raw.get().starts_with('{') {
            return Err(serde::de::Error::custom("a message must be a JSON object"));
        }
        Ok(MessageJson(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Elem;

    /// Every field set (a struct literal without `..`: a new field fails to compile here until it
    /// is added, and then this test until `FIELD_KEYS` names it).
    #[test]
    fn field_keys_are_the_keys_of_a_message_with_every_field_set() {
        let message = Message {
            message_elem_array: vec![Elem::text("x")],
            message_conv_id: Some("c".into()),
            message_conv_type: Some(ConvType::C2C),
            message_sender: Some("s".into()),
            message_priority: Some(1),
            message_client_time: Some(1),
            message_server_time: Some(1),
            message_is_from_self: Some(true),
            message_platform: Some(1),
            message_is_read: Some(true),
            message_is_online_msg: Some(true),
            message_is_peer_read: Some(true),
            message_status: Some(MsgStatus::SendSucc),
            message_unique_id: Some(1),
            message_msg_id: Some("m".into()),
            message_rand: Some(1),
            message_seq: Some(1),
            message_custom_int: Some(1),
            message_custom_str: Some("x".into()),
            message_cloud_custom_str: Some("x".into()),
            message_is_excluded_from_unread_count: Some(true),
            message_excluded_from_last_message: Some(true),
            message_group_at_user_array: Some(vec![]),
            message_sender_profile: Some(Map::new()),
            message_need_read_receipt: Some(true),
            extra: Map::new(),
        };
        let Value::Object(written) = serde_json::to_value(&message).unwrap() else { panic!("not an object") };
        let mut written: Vec<&str> = written.keys().map(String::as_str).collect();
        let mut named = Message::FIELD_KEYS.to_vec();
        written.sort_unstable();
        named.sort_unstable();
        assert_eq!(written, named);
    }

    #[test]
    fn an_extra_key_naming_a_field_is_found() {
        let mut message = Message::from_elems(vec![Elem::text("x")]);
        message.extra.insert("not_a_field".into(), Value::Null);
        assert_eq!(message.extra_key_naming_a_field(), None);
        message.extra.insert("message_msg_id".into(), Value::from("dup"));
        assert_eq!(message.extra_key_naming_a_field(), Some("message_msg_id"));
    }
}
