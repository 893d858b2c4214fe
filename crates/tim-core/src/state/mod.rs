//! The conversation state of the logged-in user, sans I/O: a map keyed by (type, ID), an ordered
//! index for the list, the order-key counter, and a journal of what changed since the last flush.
//!
//! Nothing here knows about actix, redb or threads; the conversation actor is a thin shell that
//! feeds commands in and ships the journal to the store. Unit tests drive it directly.

mod changes;
mod conversation;
pub mod extensions;
mod filter;
pub mod messages;
mod order;
mod table;
mod tagged;

pub use changes::{ChangeSet, EventBatch, GroupEvent};
pub use conversation::{ConvExtras, Conversation, PINNED_BIT};
pub use extensions::ItemResults;
pub use filter::ConvFilter;

use tim_types::{ConvInfo, ConvType, Draft, ReceiveMessageOpt};

use crate::ids::ConvKey;
use order::{OrderEntry, OrderIndex};
use table::ConvTable;

/// The conversations of one user, in memory.
#[derive(Debug, Default)]
pub struct ConvState {
    /// The records, in slots the order index names.
    convs: ConvTable,
    order: OrderIndex,
    /// While loading: the order entries of the records loaded so far, built into `order` at once
    /// when loading ends (from sorted entries, the index's nodes are full).
    loading_order: Option<Vec<OrderEntry>>,
    next_order_key: u64,
    /// What is kept from the records as they change, by [`Self::install`] (and
    /// [`Self::add_loaded`] while loading), so that no call walks them for it.
    kept: Kept,
    /// Conversation group names, in creation order.
    groups: Vec<String>,
    journal: ChangeSet,
}

/// The totals and the index [`ConvState`] keeps from its records: each record is counted in
/// when it is put in its slot and out when it leaves it.
#[derive(Debug, Default)]
struct Kept {
    /// Sum of every conversation's [`Conversation::unread_contribution`].
    total_unread: u64,
    /// The part of `total_unread` that group conversations add (the rest is C2C): an unread
    /// count by type is then no walk of the list (`ConvState::filtered_unread`).
    group_unread: u64,
    /// Conversations that are marked or grouped (the 1000 limit).
    tagged: tagged::Tagged,
}

impl Kept {
    fn count_in(&mut self, conv: &Conversation, slot: table::Slot) {
        self.total_unread += conv.unread_contribution();
        self.group_unread += group_unread_of(conv);
        self.tagged.add(conv, slot);
    }

    fn count_out(&mut self, conv: &Conversation, slot: table::Slot) {
        self.total_unread -= conv.unread_contribution();
        self.group_unread -= group_unread_of(conv);
        self.tagged.remove(conv, slot);
    }
}

/// The operation needs a conversation that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchConversation;

impl ConvState {
    /// Rebuilds the state from stored conversations. `next_order_key` is the stored counter; it is
    /// raised past every stored order key so that keys stay unique even if the counter was lost.
    pub fn load(
        conversations: impl IntoIterator<Item = Conversation>,
        next_order_key: u64,
        groups: Vec<String>,
    ) -> Self {
        let conversations = conversations.into_iter();
        let mut state = ConvState::loading(conversations.size_hint().0);
        for conv in conversations {
            state.add_loaded(conv);
        }
        state.finish_loading(next_order_key, groups);
        state
    }

    /// An empty state about to receive `expected` stored conversations through
    /// [`Self::add_loaded`] (the store hands them over in chunks while it reads on).
    pub fn loading(expected: usize) -> Self {
        let mut state = ConvState { loading_order: Some(Vec::with_capacity(expected)), ..Default::default() };
        state.reserve(expected);
        state
    }

    /// Makes room for `more` conversations.
    pub fn reserve(&mut self, more: usize) {
        // Sized once: growing a table of 100,000 conversations rehashes it many times over.
        self.convs.reserve(more);
        if let Some(entries) = &mut self.loading_order {
            entries.reserve(more);
        }
    }

    /// Adds one stored conversation while loading.
    pub fn add_loaded(&mut self, conv: Conversation) {
        self.next_order_key = self.next_order_key.max(conv.order_key + 1);
        let Some(entries) = &mut self.loading_order else {
            self.install(conv.conv_key(), Some(conv));
            return;
        };
        let (slot, replaced) = self.convs.put(conv);
        if let Some(old) = replaced {
            // A key loaded twice (the store's keys are unique, so only a caller of `load` can).
            self.kept.count_out(&old, slot);
            entries.retain(|entry| entry.slot != slot);
        }
        let conv = self.convs.at(slot);
        self.kept.count_in(conv, slot);
        if !conv.hidden {
            entries.push(OrderEntry::of(conv, slot));
        }
    }

    /// Ends loading with the stored counter and group names (see [`Self::load`]).
    pub fn finish_loading(&mut self, next_order_key: u64, groups: Vec<String>) {
        if let Some(entries) = self.loading_order.take() {
            // Collecting sorts the entries and builds the index bottom-up, every node full.
            self.order = std::mem::take(&mut self.order).into_iter().chain(entries).collect();
        }
        self.next_order_key = self.next_order_key.max(next_order_key).max(1);
        self.groups = groups;
    }

    /// The total unread count: unread messages of the conversations that receive normally.
    pub fn total_unread(&self) -> u64 {
        self.kept.total_unread
    }

    /// The total unread count of one conversation type (of all with `None`).
    pub fn total_unread_of(&self, conv_type: Option<ConvType>) -> u64 {
        match conv_type {
            None => self.kept.total_unread,
            Some(ConvType::Group) => self.kept.group_unread,
            Some(ConvType::C2C) => self.kept.total_unread - self.kept.group_unread,
            Some(_) => 0,
        }
    }

    /// The one place records change once loaded ([`Self::add_loaded`] fills them while loading):
    /// keeps the table, the order index and the totals in step.
    fn install(&mut self, key: ConvKey, conv: Option<Conversation>) -> Option<Conversation> {
        debug_assert!(self.loading_order.is_none(), "loading adds through add_loaded");
        let (slot, old, added) = match conv {
            Some(conv) => {
                debug_assert_eq!(conv.key, key);
                let (slot, old) = self.convs.put(conv);
                (slot, old, true)
            }
            None => match self.convs.remove(&key) {
                Some((slot, old)) => (slot, Some(old), false),
                None => return None,
            },
        };
        if let Some(old) = &old {
            self.kept.count_out(old, slot);
            if !old.hidden {
                self.order.remove(&OrderEntry::of(old, slot));
            }
        }
        if added {
            let conv = self.convs.at(slot);
            self.kept.count_in(conv, slot);
            if !conv.hidden {
                self.order.insert(OrderEntry::of(conv, slot));
            }
        }
        old
    }

    /// Takes conversations as the store committed them (message operations run inside the store
    /// transaction). Returns the change set, for events; it is already durable, not journaled.
    pub fn apply_committed(
        &mut self,
        committed: Vec<(ConvKey, Option<Conversation>)>,
        next_order_key: u64,
    ) -> ChangeSet {
        let mut changes = ChangeSet::default();
        for (key, conv) in committed {
            let before = self.install(key.clone(), conv);
            changes.record_owned(key, before);
        }
        self.next_order_key = self.next_order_key.max(next_order_key);
        changes
    }

    /// Copies of the stored records of these conversations (hidden ones included; `None`: no
    /// record), so that the store need not decode what memory already holds.
    pub fn records(&self, keys: impl IntoIterator<Item = ConvKey>) -> Vec<(ConvKey, Option<Conversation>)> {
        keys.into_iter()
            .map(|key| {
                let conv = self.convs.get(&key).cloned();
                (key, conv)
            })
            .collect()
    }

    /// The record of a conversation, hidden ones included (`None`: no record).
    pub fn record(&self, key: &ConvKey) -> Option<&Conversation> {
        self.convs.get(key)
    }

    /// The current state of the conversations a change set touched, by reference (for events).
    pub fn touched<'a>(
        &'a self,
        changes: &'a ChangeSet,
    ) -> impl Iterator<Item = (&'a ConvKey, Option<&'a Conversation>)> + Clone {
        changes.keys().map(|key| (key, self.convs.get(key)))
    }

    /// The number of conversations in the list.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The conversation with this key, unless it does not exist or is hidden.
    pub fn get(&self, key: &ConvKey) -> Option<&Conversation> {
        self.convs.get(key).filter(|c| !c.hidden)
    }

    /// The conversation group names, in creation order.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// The conversations in list order: pinned first, then by order key, newest first.
    pub fn iter_ordered(&self) -> impl Iterator<Item = &Conversation> + '_ {
        self.order.iter().map(|entry| self.convs.at(entry.slot))
    }

    /// The ConvInfo list in list order.
    pub fn list(&self, owner: &str) -> Vec<ConvInfo> {
        self.iter_ordered().map(|c| c.info(owner)).collect()
    }

    /// The next order key the counter will hand out.
    pub fn next_order_key(&self) -> u64 {
        self.next_order_key
    }

    /// Creates the conversation if it does not exist, or brings a hidden one back at the top.
    /// Returns whether it was created (or brought back).
    pub fn create(&mut self, key: &ConvKey) -> bool {
        match self.convs.get(key) {
            Some(conv) if !conv.hidden => false,
            Some(_) => {
                let order_key = self.take_order_key();
                self.update(key, |conv| {
                    conv.hidden = false;
                    conv.order_key = order_key;
                });
                true
            }
            None => {
                let order_key = self.take_order_key();
                self.put(Conversation::new(key, order_key));
                true
            }
        }
    }

    /// Deletes the conversation with its draft (and, in the store, its messages). Returns it, or
    /// `None` if it did not exist or was hidden.
    pub fn delete(&mut self, key: &ConvKey) -> Option<Conversation> {
        self.get(key)?;
        self.purge(key)
    }

    /// Deletes the conversation whether visible or hidden, with its messages. Its receive option
    /// stays (in a hidden record, as [`ConvState::set_recv_opt`] keeps one): TIM keeps it with the
    /// user or group on its server, so deleting a muted conversation does not unmute them. A
    /// record that holds nothing but such an option is no conversation: `None`, as for none.
    pub fn purge(&mut self, key: &ConvKey) -> Option<Conversation> {
        let conv = self.convs.get(key)?;
        if holds_only_a_receive_option(conv) {
            return None;
        }
        let recv_opt = conv.recv_opt;
        self.journal.record(key, Some(conv));
        self.journal.record_purge(key);
        let purged = self.install(key.clone(), None);
        self.set_recv_opt(key, recv_opt);
        purged
    }

    /// Deletes the conversation from the list but keeps its messages: it leaves every list, count,
    /// group and mark, everything in it counts as read, and a message, draft or create brings it
    /// back. Returns whether it existed.
    pub fn hide(&mut self, key: &ConvKey) -> bool {
        if self.get(key).is_none() {
            return false;
        }
        self.update(key, |conv| {
            messages::apply_read_all(conv);
            conv.hidden = true;
            conv.set_draft(None);
            conv.pinned = false;
            conv.set_marks(0);
            conv.edit_extras(|x| x.groups.clear());
        });
        true
    }

    /// Sets the draft, creating the conversation if needed; the conversation moves up the list as
    /// Tencent's orderKey does. Returns whether the conversation was created.
    pub fn set_draft(&mut self, key: &ConvKey, draft: Box<Draft>) -> bool {
        let created = self.create(key);
        let order_key = if created { None } else { Some(self.take_order_key()) };
        self.update(key, |conv| {
            conv.set_draft(Some(draft));
            if let Some(order_key) = order_key {
                conv.order_key = order_key;
            }
        });
        created
    }

    /// Removes the draft. The conversation keeps its place in the list.
    pub fn cancel_draft(&mut self, key: &ConvKey) -> Result<(), NoSuchConversation> {
        let conv = self.get(key).ok_or(NoSuchConversation)?;
        if conv.draft().is_some() {
            self.update(key, |conv| conv.set_draft(None));
        }
        Ok(())
    }

    /// Sets the receive option of a conversation, hidden ones included. One without a record gets
    /// a hidden record holding an option other than `Receive`, so that the conversation has it when
    /// it comes (a message, a draft, a create): TIM keeps a user's or group's option on its
    /// server, and muting someone before the first message must hold. Set back to `Receive`,
    /// such a record has nothing left to keep and goes (else every unmute of a user or group with
    /// no conversation would leave a record for good, read at every login).
    pub fn set_recv_opt(&mut self, key: &ConvKey, opt: ReceiveMessageOpt) {
        match self.convs.get(key) {
            Some(conv) if conv.recv_opt == opt => {}
            Some(conv) if opt == ReceiveMessageOpt::Receive && holds_only_a_receive_option(conv) => {
                self.journal.record(key, Some(conv));
                self.install(key.clone(), None);
            }
            Some(_) => self.update(key, |conv| conv.recv_opt = opt),
            None if opt == ReceiveMessageOpt::Receive => {}
            None => {
                // Its order key is given when it comes back (as for any hidden conversation).
                let mut conv = Conversation::new(key, 0);
                conv.hidden = true;
                conv.recv_opt = opt;
                self.put(conv);
            }
        }
    }

    /// Marks every message of the conversation read. Returns whether it exists.
    pub fn mark_read(&mut self, key: &ConvKey) -> bool {
        match self.get(key) {
            None => false,
            Some(conv) if !messages::has_unread_state(conv) => true,
            Some(_) => {
                self.update(key, messages::apply_read_all);
                true
            }
        }
    }

    /// Marks every message read in every conversation of `conv_type` (all types with `None`).
    pub fn mark_read_all(&mut self, conv_type: Option<ConvType>) {
        let keys: Vec<ConvKey> = self
            .convs
            .iter()
            .filter(|conv| {
                !conv.hidden
                    && conv_type.is_none_or(|t| conv.key.conv_type() == t)
                    && messages::has_unread_state(conv)
            })
            .map(Conversation::conv_key)
            .collect();
        for key in keys {
            self.update(&key, messages::apply_read_all);
        }
    }

    /// Takes what changed since the last call: the state before each touched conversation.
    pub fn take_journal(&mut self) -> ChangeSet {
        std::mem::take(&mut self.journal)
    }

    /// Whether anything changed since the last [`ConvState::take_journal`].
    pub fn has_changes(&self) -> bool {
        !self.journal.is_empty()
    }

    /// The current value of every conversation the change set touched (`None`: deleted).
    pub fn current(&self, changes: &ChangeSet) -> Vec<(ConvKey, Option<Conversation>)> {
        changes.keys().map(|key| (key.clone(), self.convs.get(key).cloned())).collect()
    }

    /// Undoes a change set: every touched conversation goes back to its state before it. Undo the
    /// newest change set first when undoing several.
    pub fn roll_back(&mut self, changes: ChangeSet) {
        let (befores, groups_before) = changes.into_parts();
        for (key, before) in befores {
            self.install(key, before);
        }
        if let Some(groups) = groups_before {
            self.groups = groups;
        }
    }

    fn take_order_key(&mut self) -> u64 {
        let key = self.next_order_key;
        self.next_order_key += 1;
        key
    }

    fn put(&mut self, conv: Conversation) {
        let key = conv.conv_key();
        self.journal.record(&key, self.convs.get(&key));
        self.install(key, Some(conv));
    }

    fn update(&mut self, key: &ConvKey, change: impl FnOnce(&mut Conversation)) {
        if let Some(conv) = self.convs.get(key) {
            let mut conv = Conversation::clone(conv);
            change(&mut conv);
            self.put(conv);
        }
    }
}

#[cfg(test)]
mod tests;

/// What a conversation adds to [`ConvState::total_unread_of`] the group type.
fn group_unread_of(conv: &Conversation) -> u64 {
    if conv.key.conv_type() == ConvType::Group { conv.unread_contribution() } else { 0 }
}

/// Whether the record is one kept only for its receive option (a user or group muted with no
/// conversation, or whose conversation was deleted): hidden, and otherwise as new.
fn holds_only_a_receive_option(conv: &Conversation) -> bool {
    let mut kept = Conversation::new(&conv.key, conv.order_key);
    kept.hidden = true;
    kept.recv_opt = conv.recv_opt;
    conv.recv_opt != ReceiveMessageOpt::Receive && *conv == kept
}
