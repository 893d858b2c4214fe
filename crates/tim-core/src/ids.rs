//! Conversation and user identifiers, validated once at the edge.

use std::fmt;
use std::sync::Arc;

use tim_types::ConvType;
use tim_types::limits::MAX_ID_BYTES;

use crate::error::CallError;

/// Identifies a conversation: its type and its bare ID. A C2C conversation and a group may share
/// an ID, so the type is always part of the key.
///
/// 24 bytes: an ID of up to 21 bytes (`INLINE_ID_BYTES`; most user and group IDs) sits inline, a
/// longer one in a shared allocation. Every conversation in memory holds its key, and an
/// allocation per ID cost about 32 bytes each (W4 in docs/performance.md); a copy of an inline
/// key is a copy of 24 bytes, with no reference count to touch.
#[derive(Clone)]
pub struct ConvKey(Repr);

/// The longest ID kept inside the key.
pub const INLINE_ID_BYTES: usize = 21;

/// The two forms of a key. An ID of up to [`INLINE_ID_BYTES`] bytes is always inline, so equal
/// keys have equal forms.
#[derive(Clone)]
enum Repr {
    Inline { group: bool, len: u8, bytes: [u8; INLINE_ID_BYTES] },
    Shared { group: bool, id: Arc<str> },
}

impl ConvKey {
    /// Validates and builds a key: the type must be C2C or group, the ID non-empty, at most
    /// [`MAX_ID_BYTES`] long and free of NUL.
    pub fn new(conv_type: ConvType, conv_id: impl AsRef<str>) -> Result<Self, CallError> {
        let conv_id = conv_id.as_ref();
        check_id("conversation ID", conv_id)?;
        Self::existing(conv_type, conv_id)
    }

    /// A key read back from the store, or one that only names a conversation (to find, delete,
    /// mark or read it): checked as every build has checked keys (C2C or group, non-empty, at
    /// most [`MAX_ID_BYTES`]) but not for NUL. Builds before the NUL check stored such IDs from
    /// JSON: their conversations must still load (a record that does not load fails every later
    /// login), and be named, and deleted. The calls that create a conversation or a message
    /// refuse such a key ([`check_creatable`]).
    pub fn existing(conv_type: ConvType, conv_id: &str) -> Result<Self, CallError> {
        let group = match conv_type {
            ConvType::C2C => false,
            ConvType::Group => true,
            _ => {
                return Err(CallError::param(format!(
                    "conversation type {} is not C2C or group",
                    conv_type.value()
                )));
            }
        };
        check_id_length("conversation ID", conv_id)?;
        let repr = match u8::try_from(conv_id.len()) {
            Ok(len) if usize::from(len) <= INLINE_ID_BYTES => {
                let mut bytes = [0; INLINE_ID_BYTES];
                bytes[..conv_id.len()].copy_from_slice(conv_id.as_bytes());
                Repr::Inline { group, len, bytes }
            }
            _ => Repr::Shared { group, id: conv_id.into() },
        };
        Ok(ConvKey(repr))
    }

    /// A C2C key (validated).
    pub fn c2c(conv_id: impl AsRef<str>) -> Result<Self, CallError> {
        Self::new(ConvType::C2C, conv_id)
    }

    /// A group key (validated).
    pub fn group(conv_id: impl AsRef<str>) -> Result<Self, CallError> {
        Self::new(ConvType::Group, conv_id)
    }

    /// C2C or group.
    pub fn conv_type(&self) -> ConvType {
        let (Repr::Inline { group, .. } | Repr::Shared { group, .. }) = &self.0;
        if *group { ConvType::Group } else { ConvType::C2C }
    }
}

impl PartialEq for ConvKey {
    fn eq(&self, other: &Self) -> bool {
        // Each ID has one form, and inline bytes past the ID are zero: forms compare directly.
        match (&self.0, &other.0) {
            (Repr::Inline { group, len, bytes }, Repr::Inline { group: g, len: l, bytes: b }) => {
                group == g && len == l && bytes == b
            }
            (Repr::Shared { group, id }, Repr::Shared { group: g, id: i }) => group == g && id == i,
            _ => false,
        }
    }
}

impl Eq for ConvKey {}

impl std::hash::Hash for ConvKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.conv_type().hash(state);
        self.id_bytes().hash(state);
    }
}

impl PartialOrd for ConvKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By type, then by ID.
impl Ord for ConvKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Bytewise, as `str` orders, without checking the UTF-8 again on every comparison.
        (self.conv_type(), self.id_bytes()).cmp(&(other.conv_type(), other.id_bytes()))
    }
}

impl fmt::Debug for ConvKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvKey").field("conv_type", &self.conv_type()).field("conv_id", &self.id()).finish()
    }
}

impl ConvKey {
    /// The bare ID's bytes (for hashing and ordering: no UTF-8 check).
    fn id_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes, .. } => &bytes[..usize::from(*len)],
            Repr::Shared { id, .. } => id.as_bytes(),
        }
    }

    /// The bare ID.
    pub fn id(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes, .. } => {
                // Filled from a `&str` in `new`, never changed after.
                std::str::from_utf8(&bytes[..usize::from(*len)])
                    .expect("an inline ID is the UTF-8 it was built from")
            }
            Repr::Shared { id, .. } => id,
        }
    }

    /// Parses the newer "conversation ID" form: `c2c_<user ID>` or `group_<group ID>`, as a key
    /// that names a conversation ([`Self::existing`]: the calls that take such IDs find
    /// conversations, none creates one).
    pub fn from_conversation_id(id: &str) -> Result<Self, CallError> {
        if let Some(user) = id.strip_prefix("c2c_") {
            Self::existing(ConvType::C2C, user)
        } else if let Some(group) = id.strip_prefix("group_") {
            Self::existing(ConvType::Group, group)
        } else {
            Err(CallError::param(format!("{id:?} is not c2c_<user ID> or group_<group ID>")))
        }
    }
}

impl fmt::Display for ConvKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.conv_type().conversation_id_prefix(), self.id())
    }
}

/// Refuses a key that would create a conversation (or a message in one) with a NUL in its ID
/// (see [`check_id`]); keys that only name one may have it ([`ConvKey::existing`]).
pub fn check_creatable(key: &ConvKey) -> Result<(), CallError> {
    check_id("conversation ID", key.id())
}

/// Checks an ID given by a caller: non-empty, at most [`MAX_ID_BYTES`] bytes, and without NUL.
/// Why no NUL: the C calls take IDs as NUL-terminated strings, so a conversation (or sender)
/// whose ID came with a NUL in JSON could never be named again from C (`TIMConvDelete` would
/// get the ID cut at the NUL), and apps' C strings of it would be cut in the same place.
pub fn check_id(what: &str, id: &str) -> Result<(), CallError> {
    check_id_length(what, id)?;
    if id.contains('\0') {
        return Err(CallError::param(format!("{what} contains NUL")));
    }
    Ok(())
}

/// The checks every build has made of an ID: non-empty and at most [`MAX_ID_BYTES`] bytes.
fn check_id_length(what: &str, id: &str) -> Result<(), CallError> {
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
        assert!(ConvKey::c2c("a\0b").is_err());
        assert_eq!(ConvKey::from_conversation_id("group_a\0").unwrap().id(), "a\0", "names a stored one");
        assert!(ConvKey::from_conversation_id("group_").is_err());
        assert_eq!(ConvKey::existing(ConvType::C2C, "a\0b").unwrap().id(), "a\0b");
        assert!(ConvKey::existing(ConvType::C2C, "").is_err());
        assert_eq!(ConvKey::group("g1").unwrap().to_string(), "group_g1");
    }

    #[test]
    fn short_and_long_ids_behave_alike_in_24_bytes() {
        use std::collections::hash_map::RandomState;
        use std::hash::BuildHasher;

        assert_eq!(std::mem::size_of::<ConvKey>(), 24);
        let hasher = RandomState::new();
        let ids = [
            "a",
            "é€",
            &"x".repeat(INLINE_ID_BYTES),
            &"x".repeat(INLINE_ID_BYTES + 1),
            &"y".repeat(MAX_ID_BYTES),
        ];
        let keys: Vec<ConvKey> =
            ids.iter().flat_map(|id| [ConvKey::c2c(id).unwrap(), ConvKey::group(id).unwrap()]).collect();
        for (n, key) in keys.iter().enumerate() {
            assert_eq!(key.id(), ids[n / 2]);
            assert_eq!(key.conv_type(), if n % 2 == 0 { ConvType::C2C } else { ConvType::Group });
            assert_eq!(key.clone(), *key);
            assert_eq!(hasher.hash_one(key.clone()), hasher.hash_one(key));
            for other in &keys {
                let by_parts = (key.conv_type(), key.id()).cmp(&(other.conv_type(), other.id()));
                assert_eq!(key.cmp(other), by_parts, "{key:?} vs {other:?}");
                assert_eq!(key == other, by_parts.is_eq());
            }
        }
        assert_eq!(format!("{:?}", keys[0]), r#"ConvKey { conv_type: C2C, conv_id: "a" }"#);
    }
}
