//! The tables of a user store and the schema version.
//!
//! Keys carry the conversation type, since a C2C conversation and a group may share an ID.
//! Message records are a small binary header around the message's JSON, its key names compacted
//! (`compact.rs`; serde defaults, so a field added later reads as its default from an older
//! file; records of plain JSON, and records written as one JSON document by earlier builds,
//! still read); conversation records use the versioned compact layout of `record.rs` (its
//! first byte is the layout version). A change that cannot be expressed either way bumps
//! [`SCHEMA_VERSION`] and migrates.

use redb::TableDefinition;

use crate::ids::ConvKey;

/// The schema this build writes. A file with a larger version is refused, not misread; a file
/// with a smaller one is read as it is (every older record layout still reads), its messages
/// moved to the log if it is older than 4 and its index to conversation numbers if older than
/// 6, and marked with this version, so that older builds refuse it from then on.
///
/// 2: message records are framed (a binary header around the JSON) and C2C messages have no
/// sequence index entries; a version-1 build would fail on the first and miss the second.
/// 3: message records hold their JSON compacted (`compact.rs`: the key names replaced by two
/// bytes); a version-2 build would refuse those records as corrupt.
/// 4: messages sit in `MESSAGE_LOG` by uid with a key-only `MESSAGE_INDEX_BEFORE_V6` per
/// conversation, instead of one table keyed by position (`MESSAGES_BEFORE_V4`); opening an
/// older file moves its messages over once (`migrate.rs`).
/// 5: small commits append conversation records to `RECENT_RECORDS` (`recent.rs`), whose
/// newest entry overrides the row in `CONVERSATIONS`; a version-4 build would read the older
/// rows (and write rows the log then shadows). Older files open as they are (no log yet).
/// 6: the per-conversation index is `MESSAGE_INDEX`, keyed by conversation number
/// (`numbers.rs`), instead of `MESSAGE_INDEX_BEFORE_V6`, keyed by type and ID; opening an
/// older file numbers its conversations and moves the index over once (`migrate.rs`). A
/// version-5 build would find no messages.
/// 7: the index rows of the newest messages are written behind (`pending.rs`): only records
/// below the mark `indexed_below` are sure to have theirs in the per-conversation and ID
/// indexes. A version-6 build would miss the others. Opening an older file marks all of its log
/// as indexed.
/// 8: every group message has its sequence row, in `message_seqs` or `message_seq_shared`.
/// Builds before those rows listed messages sharing a sequence (1cdb10c) left such a message
/// without one (the last inserted took the row; the row went with a deleted sharer), and a read
/// report up to a sequence reads these rows: opening an older file rebuilds them from the log.
/// Nothing else changed: the bump makes the rebuild run once, also on files older builds of
/// this layout already upgraded.
/// 9: a conversation deleted with its messages, or whose history is cleared, gives its number
/// up (`numbers.rs`): its rows stay under a retired number until removed at idle moments, and
/// a message ID row may name such a message. A version-8 build would take those IDs as in use
/// (a re-import after a deletion refused as duplicates) and count the rows as unindexed.
/// Older files open as they are (they have no retired number).
pub const SCHEMA_VERSION: u64 = 9;

/// The first schema whose files have every group message's sequence row (`migrate.rs`).
pub const SEQUENCE_ROWS_WHOLE_SINCE: u64 = 8;

/// The first schema whose index rows may be written behind (`pending.rs`).
pub const WRITTEN_BEHIND_SINCE: u64 = 7;

/// The first schema with [`MESSAGE_LOG`]: older files have their messages moved to it when
/// opened (`migrate.rs`).
pub const MESSAGE_LOG_SINCE: u64 = 4;

/// Store-wide values: `schema_version`, `next_order_key`, `next_msg_uid`, `indexed_below` (u64
/// LE), `user_id` (UTF-8), `conversation_groups` (JSON).
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// Conversations: `(conv_type, conv_id)` → a [`Conversation`](crate::state::Conversation) in the
/// compact layout of `record.rs` (older JSON records still read).
pub const CONVERSATIONS: TableDefinition<(u8, &str), &[u8]> = TableDefinition::new("conversations");

/// An entry of [`RECENT_RECORDS`]: `(conv_type, conv_id, record)`, the record empty for a deletion.
pub type RecentEntry = (u8, &'static str, &'static [u8]);

/// Conversation records appended by small commits, numbered from 0 after each fold, the newest
/// entry of a conversation overriding its row in [`CONVERSATIONS`] (`recent.rs`).
pub const RECENT_RECORDS: TableDefinition<u64, RecentEntry> = TableDefinition::new("recent_records");

/// Messages by uid (the store-wide counter that numbers them as they arrive) → a
/// [`MessageRecord`](crate::state::messages::MessageRecord): a layout byte, time and uid (u64
/// LE), counts-unread (u8), then the message's JSON. Why keyed by arrival and not by
/// conversation: a call's messages then fill a few new pages at the end of the tree, where keyed
/// by conversation each dirtied (and copied, on commit) a page of its own; the per-conversation
/// order is [`MESSAGE_INDEX`], whose rows are keys only. W1 in docs/performance.md ("The
/// message log").
pub const MESSAGE_LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("message_log");

/// The first schema with [`MESSAGE_INDEX`] keyed by conversation number: older files have their
/// index moved over when opened (`migrate.rs`).
pub const NUMBERED_INDEX_SINCE: u64 = 6;

/// `(conversation number, time, uid)` → `()`: one conversation's history is one contiguous key
/// range, in position order; the uid finds the record in [`MESSAGE_LOG`]. The number comes from
/// [`CONVERSATION_NUMBERS`]; why a number and not the type and ID: `numbers.rs`.
pub const MESSAGE_INDEX: TableDefinition<(u32, u64, u64), ()> = TableDefinition::new("message_order");

/// Schema 5 and before: `(conv_type, conv_id, time, uid)` → `()`, what [`MESSAGE_INDEX`] holds
/// now. Read once, when such a file is opened, to move its rows over; then deleted.
pub const MESSAGE_INDEX_BEFORE_V6: TableDefinition<(u8, &str, u64, u64), ()> =
    TableDefinition::new("message_index");

/// `(conv_type, conv_id)` → the conversation's number, given when it first holds a message and
/// never taken back (`numbers.rs`).
pub const CONVERSATION_NUMBERS: TableDefinition<(u8, &str), u32> =
    TableDefinition::new("conversation_numbers");

/// The same pairs as [`CONVERSATION_NUMBERS`] the other way round: the next number is one past
/// its last.
pub const CONVERSATIONS_BY_NUMBER: TableDefinition<u32, (u8, &str)> =
    TableDefinition::new("conversations_by_number");

/// Schema 3 and before: `(conv_type, conv_id, time, uid)` → the record, as [`MESSAGE_LOG`] holds
/// it. Read once, when such a file is opened, to move its messages over; then deleted.
pub const MESSAGES_BEFORE_V4: TableDefinition<(u8, &str, u64, u64), &[u8]> = TableDefinition::new("messages");

/// Message ID → the message's key (duplicate detection, delete and read by ID).
pub const MESSAGE_IDS: TableDefinition<&str, (u8, &str, u64, u64)> = TableDefinition::new("message_ids");

/// `(conv_type, conv_id, seq)` → `(time, uid)`: group messages by sequence (TIM's sequence queries
/// are group-only; C2C ones are answered by a scan, and stores written before kept C2C entries too).
pub const MESSAGE_SEQS: TableDefinition<(u8, &str, u64), (u64, u64)> = TableDefinition::new("message_seqs");

/// Group messages sharing a sequence with the one [`MESSAGE_SEQS`] points at (only imports that
/// repeat a sequence make them): `(conv_type, conv_id, seq, time, uid)` → `()`. When the indexed
/// one is deleted, the newest of these takes its place. A file written before this table has
/// none; an older build that deletes a message listed here leaves a stale entry, which is
/// checked against the messages before it is used.
pub const MESSAGE_SEQ_SHARED: TableDefinition<(u8, &str, u64, u64, u64), ()> =
    TableDefinition::new("message_seq_shared");

/// The conversation part of every table key: `(conv_type, conv_id)`.
pub fn conv_row(key: &ConvKey) -> (u8, &str) {
    (key.conv_type().value() as u8, key.id())
}

/// Meta key of the schema version.
pub const META_SCHEMA_VERSION: &str = "schema_version";
/// Meta key of the owner's user ID.
pub const META_USER_ID: &str = "user_id";
/// Meta key of the order-key counter.
pub const META_NEXT_ORDER_KEY: &str = "next_order_key";
/// Meta key of the conversation group names (a JSON array, in creation order).
pub const META_CONV_GROUPS: &str = "conversation_groups";
/// Meta key of the message position counter.
pub const META_NEXT_MSG_UID: &str = "next_msg_uid";
/// Meta key of the mark below which every message record has its index rows in the trees
/// (`pending.rs`).
pub const META_INDEXED_BELOW: &str = "indexed_below";
