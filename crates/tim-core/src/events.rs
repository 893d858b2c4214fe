//! Conversation event handlers and their delivery on the callback thread.

use std::sync::{Arc, RwLock};

use tim_types::{ConvEvent, ConvInfo, Message};

use crate::dispatch::Dispatcher;
use crate::state::{EventBatch, GroupEvent};

/// A conversation event handler: the event kind and the ConvInfo list (empty for Start/Finish).
pub type ConvEventHandler = Arc<dyn Fn(ConvEvent, &[ConvInfo]) + Send + Sync + 'static>;

/// A handler of newly received messages (one call per committed batch).
pub type NewMessageHandler = Arc<dyn Fn(&[Message]) + Send + Sync + 'static>;

/// A handler of the total unread count, called when a commit changed it.
pub type TotalUnreadHandler = Arc<dyn Fn(u64) + Send + Sync + 'static>;

/// A handler of conversation group changes.
pub type GroupEventHandler = Arc<dyn Fn(&GroupEvent) + Send + Sync + 'static>;

/// A handler of a subscribed unread-by-filter count: the filter's label and its new total.
pub type FilteredUnreadHandler = Arc<dyn Fn(&str, u64) + Send + Sync + 'static>;

/// The registered event handlers.
#[derive(Default)]
pub struct EventHub {
    groups: RwLock<Option<GroupEventHandler>>,
    filtered_unread: RwLock<Option<FilteredUnreadHandler>>,
    conv: RwLock<Option<ConvEventHandler>>,
    new_messages: RwLock<Option<NewMessageHandler>>,
    total_unread: RwLock<Option<TotalUnreadHandler>>,
}

fn read<T: Clone>(slot: &RwLock<Option<T>>) -> Option<T> {
    slot.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write<T>(slot: &RwLock<Option<T>>, value: Option<T>) {
    *slot.write().unwrap_or_else(|e| e.into_inner()) = value;
}

impl EventHub {
    /// Sets (or with `None` clears) the conversation event handler; replaces any earlier one.
    pub fn set_conv_handler(&self, handler: Option<ConvEventHandler>) {
        write(&self.conv, handler);
    }

    /// Whether a conversation event handler is set (events are computed only then).
    pub fn has_conv_handler(&self) -> bool {
        read(&self.conv).is_some()
    }

    /// Whether a total-unread handler is set.
    pub fn has_total_unread_handler(&self) -> bool {
        read(&self.total_unread).is_some()
    }

    /// Whether a new-message handler is set.
    pub fn has_new_message_handler(&self) -> bool {
        read(&self.new_messages).is_some()
    }

    /// Sets (or clears) the handler of newly received messages.
    pub fn set_new_message_handler(&self, handler: Option<NewMessageHandler>) {
        write(&self.new_messages, handler);
    }

    /// Sets (or clears) the handler of the total unread count.
    pub fn set_total_unread_handler(&self, handler: Option<TotalUnreadHandler>) {
        write(&self.total_unread, handler);
    }

    /// Sets (or clears) the conversation group handler.
    pub fn set_group_handler(&self, handler: Option<GroupEventHandler>) {
        write(&self.groups, handler);
    }

    /// Sets (or clears) the unread-by-filter handler.
    pub fn set_filtered_unread_handler(&self, handler: Option<FilteredUnreadHandler>) {
        write(&self.filtered_unread, handler);
    }

    /// Queues one call of the group handler.
    pub fn emit_group_event(&self, dispatcher: &Dispatcher, event: GroupEvent) {
        if let Some(handler) = read(&self.groups) {
            dispatcher.dispatch(move || handler(&event));
        }
    }

    /// Queues one call of the unread-by-filter handler.
    pub fn emit_filtered_unread(&self, dispatcher: &Dispatcher, label: String, total: u64) {
        if let Some(handler) = read(&self.filtered_unread) {
            dispatcher.dispatch(move || handler(&label, total));
        }
    }

    /// Queues one call of the new-message handler with a batch of messages.
    pub fn emit_new_messages(&self, dispatcher: &Dispatcher, messages: Vec<Message>) {
        if let Some(handler) = read(&self.new_messages) {
            dispatcher.dispatch(move || handler(&messages));
        }
    }

    /// Queues one call of the total-unread handler.
    pub fn emit_total_unread(&self, dispatcher: &Dispatcher, total: u64) {
        if let Some(handler) = read(&self.total_unread) {
            dispatcher.dispatch(move || handler(total));
        }
    }

    /// Queues one event call on the callback thread, if a handler is set.
    pub fn emit(&self, dispatcher: &Dispatcher, event: ConvEvent, infos: Vec<ConvInfo>) {
        if let Some(handler) = read(&self.conv) {
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
