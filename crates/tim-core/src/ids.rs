//! Conversation and user identifiers, validated once at the edge.

use std::fmt;
use std::sync::Arc;

use tim_types::ConvType;
use tim_types::limits::MAX_ID_BYTES;

use crate::error::CallError;

/// Identifies a conversation: its type and its bare ID. A C2C conversation and a group may share
/// an ID, so the type is always part of the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConvKey {
    /// C2C or group.
    pub conv_type: ConvType,
    /// The peer's user ID or the group ID. Shared: the map key, the order index and the record
    /// of a conversation all hold this key, and an `Arc` makes the copies one allocation.
    pub conv_id: Arc<str>,
}

impl ConvKey {
    /// Validates and builds a key: the type must be C2C or group, the ID non-empty and at most
    /// [`MAX_ID_BYTES`] long.
    pub fn new(conv_type: ConvType, conv_id: impl Into<String>) -> Result<Self, CallError> {
        if !matches!(conv_type, ConvType::C2C | ConvType::Group) {
            return Err(CallError::param(format!(
                "conversation type {} is not C2C or group",
                conv_type.value()
            )));
        }
        let conv_id: String = conv_id.into();
        check_id("conversation ID", &conv_id)?;
        Ok(ConvKey { conv_type, conv_id: conv_id.into() })
    }

    /// A C2C key (validated).
    pub fn c2c(conv_id: impl Into<String>) -> Result<Self, CallError> {
        Self::new(ConvType::C2C, conv_id)
    }

    /// A group key (validated).
    pub fn group(conv_id: impl Into<String>) -> Result<Self, CallError> {
        Self::new(ConvType::Group, conv_id)
    }
}

impl ConvKey {
    /// The bare ID.
    pub fn id(&self) -> &str {
        &self.conv_id
    }

    /// Parses the newer "conversation ID" form: `c2c_<user ID>` or `group_<group ID>`.
    pub fn from_conversation_id(id: &str) -> Result<Self, CallError> {
        if let Some(user) = id.strip_prefix("c2c_") {
            Self::c2c(user)
        } else if let Some(group) = id.strip_prefix("group_") {
            Self::group(group)
        } else {
            Err(CallError::param(format!("{id:?} is not c2c_<user ID> or group_<group ID>")))
        }
    }
}

impl fmt::Display for ConvKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.conv_type.conversation_id_prefix(), self.conv_id)
    }
}

/// Checks an ID: non-empty and at most [`MAX_ID_BYTES`] bytes.
pub fn check_id(what: &str, id: &str) -> Result<(), CallError> {
    if id.is_empty() {
        return Err(CallError::param(format!("{what} is empty")));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(CallError::param(format!(
            "{what} of {} bytes exceeds the limit of {MAX_ID_BYTES}",
            id.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_validated() {
        assert!(ConvKey::c2c("bob").is_ok());
        assert!(ConvKey::c2c("").is_err());
        assert!(ConvKey::group("g".repeat(MAX_ID_BYTES)).is_ok());
        assert!(ConvKey::group("g".repeat(MAX_ID_BYTES + 1)).is_err());
        assert!(ConvKey::new(ConvType::Invalid, "x").is_err());
        assert!(ConvKey::new(ConvType::System, "x").is_err());
        assert_eq!(ConvKey::group("g1").unwrap().to_string(), "group_g1");
    }
}
