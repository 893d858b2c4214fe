//! What changed in one batch, and the conversation events it turns into.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use tim_types::ConvInfo;

use super::Conversation;
use crate::ids::ConvKey;

/// The state before the first change of each conversation touched in a batch.
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    befores: BTreeMap<ConvKey, Option<Conversation>>,
}

impl ChangeSet {
    /// Remembers `before` as the state of `key` before this batch, unless it is already known.
    pub fn record(&mut self, key: &ConvKey, before: Option<&Conversation>) {
        if let Entry::Vacant(slot) = self.befores.entry(key.clone()) {
            slot.insert(before.cloned());
        }
    }

    /// Whether nothing was touched.
    pub fn is_empty(&self) -> bool {
        self.befores.is_empty()
    }

    /// The touched conversations.
    pub fn keys(&self) -> impl Iterator<Item = &ConvKey> + '_ {
        self.befores.keys()
    }

    /// The states before the batch.
    pub fn into_befores(self) -> impl Iterator<Item = (ConvKey, Option<Conversation>)> {
        self.befores.into_iter()
    }

    /// The events this batch causes, given the committed state `after` of each touched
    /// conversation: absent → present is Add, present → absent is Del (with the ConvInfo as it
    /// was), a visible difference is Update, and no visible difference is no event at all.
    pub fn events(&self, after: &[(ConvKey, Option<Conversation>)], owner: &str) -> EventBatch {
        let mut batch = EventBatch::default();
        for (key, now) in after {
            let before = self.befores.get(key).and_then(Option::as_ref);
            match (before, now) {
                (None, Some(now)) => batch.added.push(now.info(owner)),
                (Some(before), None) => batch.deleted.push(before.info(owner)),
                (Some(before), Some(now)) => {
                    let now = now.info(owner);
                    if before.info(owner) != now {
                        batch.updated.push(now);
                    }
                }
                (None, None) => {}
            }
        }
        batch
    }
}

/// The conversation events of one committed batch, at most one list per kind.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventBatch {
    /// New conversations.
    pub added: Vec<ConvInfo>,
    /// Changed conversations.
    pub updated: Vec<ConvInfo>,
    /// Deleted conversations, as they were.
    pub deleted: Vec<ConvInfo>,
}

impl EventBatch {
    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.updated.is_empty() && self.deleted.is_empty()
    }
}
