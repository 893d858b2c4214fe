//! The conversation actor's handling of the newer conversation calls: conversation info, pins,
//! filtered paging, batch delete, custom data, marks, groups and unread-by-filter subscriptions.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tim_types::ErrCode;

use super::ConvActor;
use crate::clock::unix_nanos;
use crate::command::{Command, ConvPage, GroupOp};
use crate::error::TimError;
use crate::ids::ConvKey;
use crate::state::extensions::ListCursor;
use crate::state::{ChangeSet, ConvFilter, ConvState, Conversation};

/// The most list cursors kept; older ones expire (the caller starts again from 0).
const MAX_CURSORS: usize = 1024;

/// A subscribed unread-by-filter count.
pub(super) struct Subscription {
    pub filter: ConvFilter,
    /// The filter as the caller wrote it, handed back to its callback.
    pub label: String,
    pub total: u64,
}

/// Open list walks: cursor ID → where the walk is.
#[derive(Default)]
pub(super) struct Cursors {
    open: BTreeMap<u64, ListCursor>,
}

impl Cursors {
    fn get(&self, id: u64) -> Option<&ListCursor> {
        self.open.get(&id)
    }

    fn add(&mut self, cursor: ListCursor) -> u64 {
        let id = next_cursor_id();
        self.open.insert(id, cursor);
        while self.open.len() > MAX_CURSORS {
            self.open.pop_first();
        }
        id
    }

    pub fn clear(&mut self) {
        self.open.clear();
    }
}

/// A cursor ID never given before in this process (a `next_seq` an app kept across
/// `TIMUninit`/`TIMInit` once named the new actor's first walk, which went on from another
/// place and skipped conversations), nor, as far as the clock tells, by an earlier process: the
/// first is the time in microseconds, and a process would have to open more than one walk per
/// microsecond to reach the next one's. Kept below 2^53, so that JSON readers that parse numbers
/// as doubles (JavaScript) read it back exactly.
fn next_cursor_id() -> u64 {
    static NEXT: OnceLock<AtomicU64> = OnceLock::new();
    NEXT.get_or_init(|| AtomicU64::new(first_cursor_id(unix_nanos()))).fetch_add(1, Ordering::Relaxed)
}

/// The first cursor ID of a process started at `nanos` (Unix time): never 0 ("from the start").
fn first_cursor_id(nanos: u128) -> u64 {
    ((nanos / 1000) % (1 << 50)) as u64 + 1
}

/// How each subscribed total changes with a batch: the sum over its conversations of what they
/// add after minus what they added before.
pub(super) fn subscription_totals<'a>(
    subscriptions: &[Subscription],
    changes: &ChangeSet,
    after: impl Iterator<Item = (&'a ConvKey, Option<&'a Conversation>)> + Clone,
) -> Vec<u64> {
    subscriptions
        .iter()
        .map(|sub| {
            let mut total = sub.total as i128;
            for (key, now) in after.clone() {
                let before = changes.before(key).map_or(0, |c| sub.filter.unread_contribution(c));
                let now = now.map_or(0, |c| sub.filter.unread_contribution(c));
                total += now as i128 - before as i128;
            }
            total.max(0) as u64
        })
        .collect()
}

impl ConvActor {
    /// Reports the subscribed totals that changed.
    pub(super) fn report_subscriptions(&mut self, totals: Vec<u64>) {
        for (label, total) in self.subscriptions_to_report(totals) {
            self.deps.hub.emit_filtered_unread(&self.deps.dispatcher, label, total);
        }
    }

    /// The subscribed totals that changed, with their labels; counts them as reported.
    pub(super) fn subscriptions_to_report(&mut self, totals: Vec<u64>) -> Vec<(String, u64)> {
        let mut changed = Vec::new();
        for (sub, total) in self.subscriptions.iter_mut().zip(totals) {
            if sub.total != total {
                sub.total = total;
                changed.push((sub.label.clone(), total));
            }
        }
        changed
    }

    /// Recomputes every subscribed total from the state (after login).
    pub(super) fn reset_subscriptions(&mut self) {
        let totals: Vec<u64> = match &self.user {
            Some(user) => self.subscriptions.iter().map(|s| user.state.filtered_unread(&s.filter)).collect(),
            None => vec![0; self.subscriptions.len()],
        };
        for (sub, total) in self.subscriptions.iter_mut().zip(totals) {
            sub.total = total;
        }
    }

    /// Handles the commands of the newer conversation calls. Returns whether the command was
    /// one of them.
    pub(super) fn process_extension(&mut self, cmd: Command) -> Option<Command> {
        let Some(user) = self.user.as_mut() else { return Some(cmd) };
        let owner = user.user_id.clone();
        let state: &mut ConvState = &mut user.state;
        match cmd {
            Command::GetConvInfo { keys, done } => {
                let infos = keys.iter().filter_map(|k| state.get(k)).map(|c| c.info(&owner)).collect();
                self.answer_now(done, Ok(infos));
            }
            Command::Pin { key, pinned, done } => match state.pin(&key, pinned) {
                Ok(()) => self.answer_after_commit(done, ()),
                Err(e) => self.answer_now(done, Err(e)),
            },
            Command::ListPage { filter, next_seq, count, done } => {
                let cursor = match next_seq {
                    0 => None,
                    id => match self.cursors.get(id) {
                        Some(cursor) => Some(cursor.clone()),
                        None => {
                            let error = TimError::new(
                                ErrCode::InvalidParameters,
                                format!("next_seq {id} is unknown or expired; start again from 0"),
                            );
                            self.answer_now(done, Err(error));
                            return None;
                        }
                    },
                };
                let page = state.page(&filter, cursor.as_ref(), count);
                let list = page.convs.iter().map(|c| c.info(&owner)).collect();
                let finished = page.finished;
                let next_seq = self.cursors.add(page.cursor);
                self.answer_now(done, Ok(ConvPage { list, next_seq, finished }));
            }
            Command::DeleteList { keys, clear_messages, done } => {
                // An ID repeated in the array is answered as its first time (as the other batch
                // calls do): it was deleted, not missing.
                let mut deleted = std::collections::HashSet::new();
                let results = keys
                    .into_iter()
                    .map(|key| {
                        let done = deleted.contains(&key)
                            || if clear_messages { state.purge(&key).is_some() } else { state.hide(&key) };
                        if done {
                            deleted.insert(key.clone());
                        }
                        let result = if done { Ok(()) } else { Err(missing(&key)) };
                        (key, result)
                    })
                    .collect();
                self.answer_after_commit(done, results);
            }
            Command::SetCustomData { keys, data, done } => match state.set_custom_data(&keys, &data) {
                Ok(results) => self.answer_after_commit(done, results),
                Err(e) => self.answer_now(done, Err(e)),
            },
            Command::Mark { keys, bits, enable, done } => match state.mark(&keys, bits, enable) {
                Ok(results) => self.answer_after_commit(done, results),
                Err(e) => self.answer_now(done, Err(e)),
            },
            Command::Group { op, done } => {
                let result = match op {
                    GroupOp::Create(name, keys) => state.create_group(&name, &keys),
                    GroupOp::Delete(name) => state.delete_group(&name).map(|()| Vec::new()),
                    GroupOp::Rename(old, new) => state.rename_group(&old, &new).map(|()| Vec::new()),
                    GroupOp::Add(name, keys) => state.add_to_group_checked(&name, &keys),
                    GroupOp::Remove(name, keys) => state.remove_from_group(&name, &keys),
                };
                match result {
                    Ok(results) => self.answer_after_commit(done, results),
                    Err(e) => self.answer_now(done, Err(e)),
                }
            }
            Command::GroupList { done } => {
                let groups = state.groups().to_vec();
                self.answer_now(done, Ok(groups));
            }
            Command::FilteredUnread { filter, done } => {
                let total = state.filtered_unread(&filter);
                self.answer_now(done, Ok(total));
            }
            Command::Subscribe { filter, label, done } => {
                // A barrier command: the state is the committed state here.
                // The same subscription (TIM's rule: the same type, mark and group) is replaced
                // by the newer filter, its count recomputed without a report.
                let total = state.filtered_unread(&filter);
                let subscription = Subscription { filter, label, total };
                match self.subscriptions.iter_mut().find(|s| s.filter.same_subscription(&subscription.filter))
                {
                    Some(sub) => *sub = subscription,
                    None => self.subscriptions.push(subscription),
                }
                self.answer_now(done, Ok(()));
            }
            Command::Unsubscribe { filter, done } => {
                self.subscriptions.retain(|s| !s.filter.same_subscription(&filter));
                self.answer_now(done, Ok(()));
            }
            other => return Some(other),
        }
        None
    }
}

fn missing(key: &ConvKey) -> TimError {
    TimError::new(ErrCode::InvalidConversation, format!("conversation {key} does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_ids_start_from_the_clock_never_at_0_and_stay_exact_as_doubles() {
        assert_eq!(first_cursor_id(0), 1);
        let now = unix_nanos();
        assert_eq!(first_cursor_id(now + 5_000) - first_cursor_id(now), 5, "one per microsecond");
        let largest = first_cursor_id((1u128 << 50) * 1000 - 1);
        assert_eq!(largest, 1 << 50);
        assert!(largest < 1 << 53);
        let (a, b) = (next_cursor_id(), next_cursor_id());
        assert!(b > a && a > 0);
    }
}
