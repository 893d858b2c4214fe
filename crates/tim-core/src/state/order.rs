//! The ordered index behind the conversation list.
//!
//! Entries sort pinned first, then by order key descending, then by slot (a tie-break that is never
//! needed while order keys are unique, but keeps the order total). An entry holds the record's
//! slot number in the [`ConvTable`](super::table::ConvTable), not its key: 16 bytes instead of 40,
//! and the login builds the index from sorted entries, so its nodes are full.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::Conversation;
use super::table::Slot;

/// One conversation's place in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrderEntry {
    pub(super) unpinned: bool,
    pub(super) order_key: Reverse<u64>,
    /// Where the conversation's record is.
    pub slot: Slot,
}

impl OrderEntry {
    /// The entry of a conversation as it is now, in its slot.
    pub fn of(conv: &Conversation, slot: Slot) -> Self {
        OrderEntry { unpinned: !conv.pinned, order_key: Reverse(conv.order_key), slot }
    }
}

/// The list order of all conversations.
pub type OrderIndex = BTreeSet<OrderEntry>;
