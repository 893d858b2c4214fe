//! What a committed batch owes the outside world, run by whichever thread committed it.
//!
//! Why: a blocked caller (`TIMConvSetDraft`, `set_draft_blocking`) should wake once after the
//! fsync. The thread that commits the batch (the actor's own, or the store thread when the store
//! lock is busy) runs the [`Release`] right after the commit: it queues the batch's events and
//! reports, then answers the batch's callers, in that order. A failed commit hands it back unrun
//! to the actor, which must roll its state back before anyone is answered.

use std::sync::Arc;

use crate::dispatch::Dispatcher;
use crate::error::TimError;
use crate::events::EventHub;
use crate::state::{EventBatch, GroupEvent};
use crate::store::AfterCommit;

/// An answer waiting for the batch it belongs to: it receives that batch's commit result.
pub(super) type Deferred = Box<dyn FnOnce(&Result<(), TimError>) + Send>;

/// The events, reports and answers of one batch, released once it is durable.
pub(super) struct Release {
    pub hub: Arc<EventHub>,
    pub dispatcher: Dispatcher,
    pub events: EventBatch,
    pub group_events: Vec<GroupEvent>,
    /// The new total unread count, when it differs from the last one reported.
    pub total: Option<u64>,
    /// The subscribed unread-by-filter totals that changed: label and new total.
    pub filtered: Vec<(String, u64)>,
    /// In arrival order.
    pub answers: Vec<Deferred>,
}

impl AfterCommit for Release {
    fn committed(self) {
        let Release { hub, dispatcher, events, group_events, total, filtered, answers } = self;
        hub.emit_batch(&dispatcher, events);
        for event in group_events {
            hub.emit_group_event(&dispatcher, event);
        }
        if let Some(total) = total {
            hub.emit_total_unread(&dispatcher, total);
        }
        for (label, total) in filtered {
            hub.emit_filtered_unread(&dispatcher, label, total);
        }
        for answer in answers {
            answer(&Ok(()));
        }
    }
}
