//! The engines under test, each doing the workloads its own way on its own files.

pub mod ffi;
pub mod ours;
pub mod raw_redb;
pub mod sqlite;

use std::collections::BTreeMap;

/// What an engine holds after ingest, to check that the engines agree.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndState {
    /// Messages stored.
    pub messages: u64,
    /// Per peer: unread count (when the engine keeps one) and the last message's text.
    pub conversations: BTreeMap<String, (Option<u64>, String)>,
}

impl EndState {
    /// The same state without unread counts (for comparing with raw redb, which keeps none).
    pub fn without_unread(&self) -> EndState {
        EndState {
            messages: self.messages,
            conversations: self
                .conversations
                .iter()
                .map(|(k, (_, last))| (k.clone(), (None, last.clone())))
                .collect(),
        }
    }
}
