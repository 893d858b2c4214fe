//! The ordered index behind the conversation list.
//!
//! Entries sort pinned first, then by order key descending, then by key (a tie-break that is never
//! needed while order keys are unique, but keeps the order total).

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::Conversation;
use crate::ids::ConvKey;

/// One conversation's place in the list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrderEntry {
    pub(super) unpinned: bool,
    pub(super) order_key: Reverse<u64>,
    /// The conversation.
    pub key: ConvKey,
}

impl OrderEntry {
    /// The entry of a conversation as it is now.
    pub fn of(conv: &Conversation) -> Self {
        OrderEntry { unpinned: !conv.pinned, order_key: Reverse(conv.order_key), key: conv.conv_key() }
    }
}

/// The list order of all conversations.
pub type OrderIndex = BTreeSet<OrderEntry>;
