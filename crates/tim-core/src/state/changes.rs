//! What changed in one batch, and the conversation events it turns into.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use tim_types::ConvInfo;

use super::Conversation;
use crate::ids::ConvKey;

/// A change to the conversation groups, reported to the group callbacks after its commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupEvent {
    /// A group was created with these conversations.
    Created(String, Vec<ConvKey>),
    /// A group was deleted.
    Deleted(String),
    /// A group was renamed (old, new).
    Renamed(String, String),
    /// Conversations were added to a group.
    Added(String, Vec<ConvKey>),
    /// Conversations were removed from a group.
    Removed(String, Vec<ConvKey>),
}

/// The state before the first change of each conversation touched in a batch, the group list
/// before its first change, and the group events of the batch.
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    befores: BTreeMap<ConvKey, Option<Conversation>>,
    purged: BTreeSet<ConvKey>,
    groups_before: Option<Vec<String>>,
    group_events: Vec<GroupEvent>,
}

impl ChangeSet {
    /// Remembers `before` as the state of `key` before this batch, unless it is already known.
    pub fn record(&mut self, key: &ConvKey, before: Option<&Conversation>) {
        if let Entry::Vacant(slot) = self.befores.entry(key.clone()) {
            slot.insert(before.cloned());
        }
    }

    /// The state of a touched conversation before the batch (`None`: it did not exist or was
    /// hidden, or it was not touched).
    pub fn before(&self, key: &ConvKey) -> Option<&Conversation> {
        visible(self.befores.get(key).and_then(Option::as_ref))
    }

    /// Remembers that `key` was deleted with its messages in this batch. Why apart from
    /// `before`: a conversation deleted and created again in one batch ends as a record, and its
    /// old messages must still go.
    pub fn record_purge(&mut self, key: &ConvKey) {
        self.purged.insert(key.clone());
    }

    /// The conversations deleted with their messages in this batch (some may exist again).
    pub fn purged(&self) -> &BTreeSet<ConvKey> {
        &self.purged
    }

    /// Remembers `before` (owned) as the state of `key` before this batch, unless known.
    pub fn record_owned(&mut self, key: ConvKey, before: Option<Conversation>) {
        self.befores.entry(key).or_insert(before);
    }

    /// Remembers the group list before this batch, unless it is already known.
    pub fn record_groups(&mut self, before: &[String]) {
        if self.groups_before.is_none() {
            self.groups_before = Some(before.to_vec());
        }
    }

    /// Adds a group event.
    pub fn push_group_event(&mut self, event: GroupEvent) {
        self.group_events.push(event);
    }

    /// The group list before the batch, if the batch changed it.
    pub fn groups_before(&self) -> Option<&[String]> {
        self.groups_before.as_deref()
    }

    /// Takes the group events.
    pub fn take_group_events(&mut self) -> Vec<GroupEvent> {
        std::mem::take(&mut self.group_events)
    }

    /// Whether nothing was touched.
    pub fn is_empty(&self) -> bool {
        self.befores.is_empty() && self.groups_before.is_none() && self.group_events.is_empty()
    }

    /// The touched conversations.
    pub fn keys(&self) -> impl Iterator<Item = &ConvKey> + Clone + '_ {
        self.befores.keys()
    }

    /// The states before the batch, and the group list before it if it changed.
    pub fn into_parts(self) -> (BTreeMap<ConvKey, Option<Conversation>>, Option<Vec<String>>) {
        (self.befores, self.groups_before)
    }

    /// The events this batch causes, given the committed state `after` of each touched
    /// conversation: absent → present is Add, present → absent is Del (with the ConvInfo as it
    /// was), a visible difference is Update, and no visible difference is no event at all.
    pub fn events(&self, after: &[(ConvKey, Option<Conversation>)], owner: &str) -> EventBatch {
        self.events_of(after.iter().map(|(key, now)| (key, now.as_ref())), owner)
    }

    /// As [`ChangeSet::events`], with the states after the batch given by reference.
    pub fn events_of<'a>(
        &self,
        after: impl Iterator<Item = (&'a ConvKey, Option<&'a Conversation>)>,
        owner: &str,
    ) -> EventBatch {
        let mut batch = EventBatch::default();
        for (key, now) in after {
            let before = visible(self.befores.get(key).and_then(Option::as_ref));
            match (before, visible(now)) {
                (None, Some(now)) => batch.added.push(now.info(owner)),
                (Some(before), None) => batch.deleted.push(before.info(owner)),
                (Some(before), Some(now)) => {
                    // Equal records make equal ConvInfo: skip building two to compare them.
                    if before != now {
                        let now = now.info(owner);
                        if before.info(owner) != now {
                            batch.updated.push(now);
                        }
                    }
                }
                (None, None) => {}
            }
        }
        batch
    }
}

/// A hidden conversation is out of the list: to the API it does not exist.
fn visible(conv: Option<&Conversation>) -> Option<&Conversation> {
    conv.filter(|c| !c.hidden)
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
