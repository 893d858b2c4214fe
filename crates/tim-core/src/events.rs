//! Conversation event handlers and their delivery on the callback thread.

use std::sync::{Arc, RwLock};

use tim_types::{ConvEvent, ConvInfo};

use crate::dispatch::Dispatcher;
use crate::state::EventBatch;

/// A conversation event handler: the event kind and the ConvInfo list (empty for Start/Finish).
pub type ConvEventHandler = Arc<dyn Fn(ConvEvent, &[ConvInfo]) + Send + Sync + 'static>;

/// The registered event handlers.
#[derive(Default)]
pub struct EventHub {
    conv: RwLock<Option<ConvEventHandler>>,
}

impl EventHub {
    /// Sets (or with `None` clears) the conversation event handler; replaces any earlier one.
    pub fn set_conv_handler(&self, handler: Option<ConvEventHandler>) {
        *self.conv.write().unwrap_or_else(|e| e.into_inner()) = handler;
    }

    fn conv_handler(&self) -> Option<ConvEventHandler> {
        self.conv.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Queues one event call on the callback thread, if a handler is set.
    pub fn emit(&self, dispatcher: &Dispatcher, event: ConvEvent, infos: Vec<ConvInfo>) {
        if let Some(handler) = self.conv_handler() {
            dispatcher.dispatch(move || handler(event, &infos));
        }
    }

    /// Queues the events of one committed batch: at most one Add, one Update and one Del call.
    pub fn emit_batch(&self, dispatcher: &Dispatcher, batch: EventBatch) {
        let EventBatch { added, updated, deleted } = batch;
        for (event, infos) in
            [(ConvEvent::Add, added), (ConvEvent::Update, updated), (ConvEvent::Del, deleted)]
        {
            if !infos.is_empty() {
                self.emit(dispatcher, event, infos);
            }
        }
    }
}
