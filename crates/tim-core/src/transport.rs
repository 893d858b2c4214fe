//! Where messages from other users come from: the transport boundary.
//!
//! Messages of others enter a user's store through one entry point, a [`MsgOp::Deliver`]
//! command to the conversation actor (also reachable as `Client::deliver_with` and, from C, the
//! `TIMExtDeliverIncomingMessages` extension). Two transports exist:
//! - [`Transport::Offline`] (the default): nothing is delivered; a sent message is stored as sent,
//!   with its server time and sequence assigned locally;
//! - [`Transport::Loopback`]: several SDK instances of one process share a [`LoopbackHub`]; a
//!   C2C message reaches the peer's instance, a group message every instance whose user has that
//!   group conversation. A user who is not logged in anywhere in the process receives nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tim_types::{ConvType, Message};

use crate::command::Command;
use crate::dispatch::Completion;
use crate::store::ops::MsgOp;

/// How sent messages leave and others' messages arrive.
#[derive(Clone, Default)]
pub enum Transport {
    /// No network: sends are stored as sent.
    #[default]
    Offline,
    /// An in-process hub shared by several SDK instances.
    Loopback(Arc<LoopbackHub>),
}

/// An in-process message switch between SDK instances.
#[derive(Default)]
pub struct LoopbackHub {
    users: Mutex<HashMap<String, (u64, flume::Sender<Command>)>>,
}

impl LoopbackHub {
    /// A new hub, to pass to every SDK instance that should talk to the others.
    pub fn new() -> Arc<Self> {
        Arc::new(LoopbackHub::default())
    }

    pub(crate) fn register(&self, user_id: &str, instance: u64, ingress: flume::Sender<Command>) {
        self.users.lock().unwrap_or_else(|e| e.into_inner()).insert(user_id.to_owned(), (instance, ingress));
    }

    pub(crate) fn unregister(&self, user_id: &str, instance: u64) {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.get(user_id).is_some_and(|(i, _)| *i == instance) {
            users.remove(user_id);
        }
    }

    /// Routes a message `from` sent: to the C2C peer, or to every other user (whose actor keeps it
    /// only if it has the group conversation).
    pub(crate) fn route(&self, from: &str, sent: &Message) {
        let Some(conv_type) = sent.message_conv_type else { return };
        let Some(conv_id) = sent.message_conv_id.clone() else { return };
        let mut incoming = sent.clone();
        incoming.message_is_from_self = None;
        incoming.message_is_read = None;
        incoming.message_status = None;
        incoming.message_unique_id = None;
        incoming.message_is_peer_read = None;
        // Sequences are per conversation and per store: each receiver numbers the message itself,
        // so two senders' messages can never share a sequence in a third store.
        incoming.message_seq = None;
        let users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        match conv_type {
            ConvType::C2C => {
                incoming.message_conv_id = Some(from.to_owned());
                if let Some((_, ingress)) = users.get(&conv_id) {
                    deliver(ingress, &conv_id, incoming);
                }
            }
            ConvType::Group => {
                for (user, (_, ingress)) in users.iter() {
                    if user != from {
                        deliver(ingress, user, incoming.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Queues a message for `user` on an instance (which may have another user logged in by the time
/// it is stored: then it is dropped).
fn deliver(ingress: &flume::Sender<Command>, user: &str, message: Message) {
    let op =
        MsgOp::Deliver { messages: vec![message], only_known_groups: true, for_user: Some(user.to_owned()) };
    let cmd = Command::Store { op: Box::new(op), done: Completion::direct(|_| {}) };
    if let Err(flume::SendError(cmd)) = ingress.send(cmd) {
        cmd.disarm();
    }
}
