//! The tables of a user store and the schema version.
//!
//! Keys carry the conversation type, since a C2C conversation and a group may share an ID.
//! Records are JSON with serde defaults, so a field added later reads as its default from an
//! older file; a change that cannot be expressed that way bumps [`SCHEMA_VERSION`] and migrates.

use redb::TableDefinition;

/// The schema this build writes. A file with a larger version is refused, not misread.
pub const SCHEMA_VERSION: u64 = 1;

/// Store-wide values: `schema_version` (u64 LE), `user_id` (UTF-8), `next_order_key` (u64 LE).
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// Conversations: `(conv_type, conv_id)` → JSON of [`Conversation`](crate::state::Conversation).
pub const CONVERSATIONS: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("conversations");

/// Meta key of the schema version.
pub const META_SCHEMA_VERSION: &str = "schema_version";
/// Meta key of the owner's user ID.
pub const META_USER_ID: &str = "user_id";
/// Meta key of the order-key counter.
pub const META_NEXT_ORDER_KEY: &str = "next_order_key";
