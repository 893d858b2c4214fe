//! The newer conversation features on the state: pins, custom data, marks, conversation groups,
//! lookups by key, filtered totals and cursor paging.

use std::ops::Bound;

use tim_types::ErrCode;
use tim_types::limits::{
    MAX_CONV_GROUPS, MAX_CUSTOM_DATA_BYTES, MAX_GROUP_NAME_BYTES, MAX_IDS_PER_REQUEST, MAX_MARKED_OR_GROUPED,
    MAX_PINNED,
};

use super::order::OrderEntry;
use super::{ConvFilter, ConvState, Conversation, GroupEvent, PINNED_BIT};
use crate::error::TimError;
use crate::ids::ConvKey;

/// One result per conversation of a batch request (`TIMConversationOperationResult`).
pub type ItemResults = Vec<(ConvKey, Result<(), TimError>)>;

/// More than [`MAX_IDS_PER_REQUEST`] conversations in one request: `51006`, as the server says.
pub fn check_request_size(keys: &[ConvKey]) -> Result<(), TimError> {
    if keys.len() > MAX_IDS_PER_REQUEST {
        return Err(TimError::new(
            ErrCode::SvrConvConvMarkReqCountExceedLimit,
            format!("at most {MAX_IDS_PER_REQUEST} conversations per request, got {}", keys.len()),
        ));
    }
    Ok(())
}

fn missing(key: &ConvKey) -> TimError {
    TimError::new(ErrCode::InvalidConversation, format!("conversation {key} does not exist"))
}

/// Where a list walk is: the `conv_active_time` of the last conversation returned, and the
/// conversations it returned while they were pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// `conv_active_time` of the last conversation returned (`u64::MAX` before the first page).
    pub position: u64,
    /// The conversations the walk returned while they were pinned. Order keys only grow, so
    /// these are the only ones that can move down past the cursor (unpinned, or deleted and back
    /// unpinned): met below it, they are skipped. The pinned part is small (at most
    /// [`MAX_PINNED`]), so is this.
    pub returned_pinned: Vec<ConvKey>,
}

impl ListCursor {
    /// Before the first page.
    pub fn start() -> ListCursor {
        ListCursor { position: u64::MAX, returned_pinned: Vec::new() }
    }
}

/// One page of a filtered list.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// The conversations, in list order.
    pub convs: Vec<&'a Conversation>,
    /// Where the next page starts (unchanged when the page is empty).
    pub cursor: ListCursor,
    /// No matching conversation follows.
    pub finished: bool,
}

impl ConvState {
    fn check_group_name(name: &str) -> Result<(), TimError> {
        if name.is_empty() {
            return Err(TimError::new(ErrCode::InvalidParameters, "a group name may not be empty"));
        }
        // The C calls and callbacks carry group names as NUL-terminated strings: one with a NUL
        // (possible from Rust only) could not be named from C, and C callbacks would cut it.
        if name.contains('\0') {
            return Err(TimError::new(ErrCode::InvalidParameters, "a group name may not contain NUL"));
        }
        if name.len() > MAX_GROUP_NAME_BYTES {
            return Err(TimError::new(
                ErrCode::SvrConvConvGroupNameExceedLength,
                format!("group names are at most {MAX_GROUP_NAME_BYTES} bytes"),
            ));
        }
        Ok(())
    }

    fn has_group(&self, name: &str) -> bool {
        self.groups.iter().any(|g| g == name)
    }

    fn change_groups(&mut self, change: impl FnOnce(&mut Vec<String>)) {
        self.journal.record_groups(&self.groups);
        change(&mut self.groups);
    }

    /// Pins or unpins. Pinning keeps the relative order (the order key does not change); at most
    /// [`MAX_PINNED`] conversations are pinned.
    pub fn pin(&mut self, key: &ConvKey, pinned: bool) -> Result<(), TimError> {
        let conv = self.get(key).ok_or_else(|| missing(key))?;
        if conv.pinned == pinned {
            return Ok(());
        }
        if pinned && self.order.iter().take_while(|e| e.is_pinned()).count() >= MAX_PINNED {
            return Err(TimError::new(
                ErrCode::InvalidParameters,
                format!("at most {MAX_PINNED} conversations can be pinned"),
            ));
        }
        self.update(key, |conv| conv.pinned = pinned);
        Ok(())
    }

    /// Sets the custom data of each conversation (at most [`MAX_CUSTOM_DATA_BYTES`] bytes).
    pub fn set_custom_data(&mut self, keys: &[ConvKey], data: &str) -> Result<ItemResults, TimError> {
        check_request_size(keys)?;
        if data.len() > MAX_CUSTOM_DATA_BYTES {
            return Err(TimError::new(
                ErrCode::InvalidParameters,
                format!("custom data is at most {MAX_CUSTOM_DATA_BYTES} bytes"),
            ));
        }
        Ok(keys
            .iter()
            .map(|key| {
                let result = match self.get(key) {
                    None => Err(missing(key)),
                    Some(conv) if conv.extras().custom_data == data => Ok(()),
                    Some(_) => {
                        self.update(key, |conv| conv.edit_extras(|x| x.custom_data = data.to_owned()));
                        Ok(())
                    }
                };
                (key.clone(), result)
            })
            .collect())
    }

    fn may_join_marked_or_grouped(&self, conv: &Conversation) -> Result<(), TimError> {
        if !conv.is_marked_or_grouped() && self.kept.tagged.len() >= MAX_MARKED_OR_GROUPED {
            return Err(TimError::new(
                ErrCode::SvrConvConvMarkTotalCountExceedLimit,
                format!("at most {MAX_MARKED_OR_GROUPED} conversations can be marked or grouped"),
            ));
        }
        Ok(())
    }

    /// Sets or clears mark bits on each conversation.
    pub fn mark(&mut self, keys: &[ConvKey], bits: u64, enable: bool) -> Result<ItemResults, TimError> {
        check_request_size(keys)?;
        Ok(keys
            .iter()
            .map(|key| {
                let result = (|| {
                    let conv = self.get(key).ok_or_else(|| missing(key))?;
                    let marks = if enable { conv.marks() | bits } else { conv.marks() & !bits };
                    if marks == conv.marks() {
                        return Ok(());
                    }
                    if enable {
                        self.may_join_marked_or_grouped(conv)?;
                    }
                    self.update(key, |conv| conv.set_marks(marks));
                    Ok(())
                })();
                (key.clone(), result)
            })
            .collect())
    }

    /// Adds conversations to a group; returns one result per conversation and the conversations
    /// that actually joined (for the group callback: no-ops and repeats are not reported).
    fn add_to_group(&mut self, name: &str, keys: &[ConvKey]) -> (ItemResults, Vec<ConvKey>) {
        let mut joined = Vec::new();
        let results = keys
            .iter()
            .map(|key| {
                let result = (|| {
                    let conv = self.get(key).ok_or_else(|| missing(key))?;
                    if conv.extras().groups.iter().any(|g| g == name) {
                        return Ok(());
                    }
                    self.may_join_marked_or_grouped(conv)?;
                    self.update(key, |conv| conv.edit_extras(|x| x.groups.push(name.to_owned())));
                    joined.push(key.clone());
                    Ok(())
                })();
                (key.clone(), result)
            })
            .collect();
        (results, joined)
    }

    /// Creates a conversation group holding `keys`.
    pub fn create_group(&mut self, name: &str, keys: &[ConvKey]) -> Result<ItemResults, TimError> {
        check_request_size(keys)?;
        Self::check_group_name(name)?;
        if self.has_group(name) {
            return Err(TimError::new(ErrCode::InvalidParameters, format!("group {name:?} exists")));
        }
        if self.groups.len() >= MAX_CONV_GROUPS {
            return Err(TimError::new(
                ErrCode::SvrConvConvGroupTotalCountExceedLimit,
                format!("at most {MAX_CONV_GROUPS} conversation groups"),
            ));
        }
        self.change_groups(|groups| groups.push(name.to_owned()));
        let (results, joined) = self.add_to_group(name, keys);
        self.journal.push_group_event(GroupEvent::Created(name.to_owned(), joined));
        Ok(results)
    }

    fn require_group(&self, name: &str) -> Result<(), TimError> {
        if self.has_group(name) {
            Ok(())
        } else {
            Err(TimError::new(ErrCode::SvrConvConvGroupNotExist, format!("group {name:?} does not exist")))
        }
    }

    fn members(&self, name: &str) -> Vec<ConvKey> {
        self.kept
            .tagged
            .slots()
            .map(|slot| self.convs.at(slot))
            .filter(|c| c.extras().groups.iter().any(|g| g == name))
            .map(Conversation::conv_key)
            .collect()
    }

    /// Deletes a conversation group; its conversations stay.
    pub fn delete_group(&mut self, name: &str) -> Result<(), TimError> {
        self.require_group(name)?;
        for key in self.members(name) {
            self.update(&key, |conv| conv.edit_extras(|x| x.groups.retain(|g| g != name)));
        }
        self.change_groups(|groups| groups.retain(|g| g != name));
        self.journal.push_group_event(GroupEvent::Deleted(name.to_owned()));
        Ok(())
    }

    /// Renames a conversation group.
    pub fn rename_group(&mut self, old: &str, new: &str) -> Result<(), TimError> {
        self.require_group(old)?;
        Self::check_group_name(new)?;
        if old == new {
            return Ok(());
        }
        if self.has_group(new) {
            return Err(TimError::new(ErrCode::InvalidParameters, format!("group {new:?} exists")));
        }
        for key in self.members(old) {
            self.update(&key, |conv| {
                conv.edit_extras(|x| {
                    for g in x.groups.iter_mut().filter(|g| *g == old) {
                        *g = new.to_owned();
                    }
                })
            });
        }
        self.change_groups(|groups| {
            for g in groups.iter_mut().filter(|g| *g == old) {
                *g = new.to_owned();
            }
        });
        self.journal.push_group_event(GroupEvent::Renamed(old.to_owned(), new.to_owned()));
        Ok(())
    }

    /// Adds conversations to a group.
    pub fn add_to_group_checked(&mut self, name: &str, keys: &[ConvKey]) -> Result<ItemResults, TimError> {
        check_request_size(keys)?;
        self.require_group(name)?;
        let (results, joined) = self.add_to_group(name, keys);
        if !joined.is_empty() {
            self.journal.push_group_event(GroupEvent::Added(name.to_owned(), joined));
        }
        Ok(results)
    }

    /// Removes conversations from a group.
    pub fn remove_from_group(&mut self, name: &str, keys: &[ConvKey]) -> Result<ItemResults, TimError> {
        check_request_size(keys)?;
        self.require_group(name)?;
        let mut left = Vec::new();
        let results: ItemResults = keys
            .iter()
            .map(|key| {
                let result = match self.get(key) {
                    None => Err(missing(key)),
                    Some(conv) if !conv.extras().groups.iter().any(|g| g == name) => Ok(()),
                    Some(_) => {
                        self.update(key, |conv| conv.edit_extras(|x| x.groups.retain(|g| g != name)));
                        left.push(key.clone());
                        Ok(())
                    }
                };
                (key.clone(), result)
            })
            .collect();
        if !left.is_empty() {
            self.journal.push_group_event(GroupEvent::Removed(name.to_owned(), left));
        }
        Ok(results)
    }

    /// The unread count of the conversations a filter covers.
    ///
    /// Without `has_at`, only the marked or grouped conversations are walked: every other one
    /// passes a filter's group and mark conditions (none, `Some("")`, `Some(0)`) or fails them
    /// (a group named, mark bits), so it adds its unread count when its type matches, which the
    /// totals by type hold already (`has_unread` changes nothing: a conversation without unread
    /// messages adds nothing anyway).
    pub fn filtered_unread(&self, filter: &ConvFilter) -> u64 {
        if filter.has_at {
            return self.iter_ordered().map(|conv| filter.unread_contribution(conv)).sum();
        }
        let (mut matching, mut of_type) = (0, 0);
        for entry in self.kept.tagged.visible_from(Bound::Unbounded) {
            let conv = self.convs.at(entry.slot);
            matching += filter.unread_contribution(conv);
            if filter.conv_type.is_none_or(|t| t == conv.key.conv_type()) {
                of_type += conv.unread_contribution();
            }
        }
        if filter.needs_mark_or_group() {
            matching
        } else {
            self.total_unread_of(filter.conv_type) - of_type + matching
        }
    }

    /// One page of the filtered list after `cursor` (from the top with `None`). Cost grows with
    /// the number of entries scanned, not with the number of conversations: the walk starts in the
    /// ordered index right after the cursor, and a filter by group or mark walks only the
    /// conversations that are marked or grouped (at most 1,000). A conversation the walk returned while it was pinned
    /// and that has moved down past the cursor since (an unpin, or a delete it came back from) is
    /// not returned again; one pinned only during the walk was ahead of the walk then, and is
    /// back in that place.
    pub fn page(&self, filter: &ConvFilter, cursor: Option<&ListCursor>, count: usize) -> Page<'_> {
        let start = ListCursor::start();
        let cursor = cursor.unwrap_or(&start);
        let from = match cursor.position {
            u64::MAX => Bound::Unbounded,
            position => Bound::Excluded(OrderEntry::first_at(position)),
        };
        let walk = if filter.needs_mark_or_group() {
            self.kept.tagged.visible_from(from)
        } else {
            self.order.range((from, Bound::Unbounded))
        };
        let mut entries = walk
            .map(|entry| self.convs.at(entry.slot))
            .filter(|conv| conv.active_time() < cursor.position || cursor.position == u64::MAX)
            .filter(|conv| filter.matches(conv) && !cursor.returned_pinned.contains(&conv.key));
        let convs: Vec<&Conversation> = entries.by_ref().take(count).collect();
        let finished = entries.next().is_none();
        let position = convs.last().map_or(cursor.position, |c| c.active_time());
        let mut returned_pinned = cursor.returned_pinned.clone();
        returned_pinned.extend(convs.iter().filter(|c| c.pinned).map(|c| c.key.clone()));
        Page { convs, cursor: ListCursor { position, returned_pinned }, finished }
    }
}

impl OrderEntry {
    /// Whether the entry is pinned.
    pub fn is_pinned(&self) -> bool {
        !self.unpinned
    }

    /// The first possible entry at a `conv_active_time` (the smallest key of that rank).
    pub fn first_at(active_time: u64) -> OrderEntry {
        OrderEntry {
            unpinned: active_time & PINNED_BIT == 0,
            order_key: std::cmp::Reverse(active_time & !PINNED_BIT),
            slot: 0,
        }
    }
}
