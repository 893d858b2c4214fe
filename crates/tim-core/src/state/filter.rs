//! `TIMConversationListFilter`: which conversations a filtered list or unread count covers.

use tim_types::ConvType;

use super::Conversation;

/// A conversation filter. Each condition that is set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ConvFilter {
    /// Only this type.
    pub conv_type: Option<ConvType>,
    /// Only conversations in this group; `Some("")`: only conversations in no group.
    pub group: Option<String>,
    /// Only conversations with all of these mark bits; `Some(0)`: only unmarked conversations.
    pub mark: Option<u64>,
    /// Only conversations with unread messages.
    pub has_unread: bool,
    /// Only conversations with @ reminders.
    pub has_at: bool,
}

impl ConvFilter {
    /// Whether an unread-by-filter subscription to `other` is the same as one to this: TIM tells
    /// subscribed filters apart by conversation type, mark and group only (the flags
    /// `has_unread` and `has_at` do not make another subscription).
    pub fn same_subscription(&self, other: &ConvFilter) -> bool {
        (self.conv_type, self.mark, &self.group) == (other.conv_type, other.mark, &other.group)
    }

    /// Whether only a conversation that is marked or in a group can pass (a group named, or
    /// mark bits): then only those need looking at (`tagged.rs`).
    pub fn needs_mark_or_group(&self) -> bool {
        self.group.as_deref().is_some_and(|name| !name.is_empty()) || self.mark.is_some_and(|bits| bits != 0)
    }

    /// Whether a (visible) conversation passes the filter.
    pub fn matches(&self, conv: &Conversation) -> bool {
        if conv.hidden {
            return false;
        }
        if self.conv_type.is_some_and(|t| t != conv.key.conv_type()) {
            return false;
        }
        match self.group.as_deref() {
            Some("") if !conv.extras().groups.is_empty() => return false,
            Some(name) if !name.is_empty() && !conv.extras().groups.iter().any(|g| g == name) => {
                return false;
            }
            _ => {}
        }
        match self.mark {
            Some(0) if conv.marks() != 0 => return false,
            Some(bits) if bits != 0 && conv.marks() & bits != bits => return false,
            _ => {}
        }
        (!self.has_unread || conv.unread > 0) && (!self.has_at || !conv.extras().group_at.is_empty())
    }

    /// What a conversation adds to this filter's unread count (muted conversations add nothing,
    /// as in the total).
    pub fn unread_contribution(&self, conv: &Conversation) -> u64 {
        if self.matches(conv) { conv.unread_contribution() } else { 0 }
    }
}
