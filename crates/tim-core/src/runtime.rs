//! Starting and stopping the SDK: the actix System on its own thread, the store actor, the
//! callback thread, and an orderly shutdown that answers every pending call exactly once.
//!
//! Threads: `tim-actix` runs the System and the conversation actor (blocks only while it commits
//! its own batch); `tim-store` runs the store actor (logins, message operations, the work a failed
//! write leaves; blocks on redb and fsync); `tim-callback` runs application callbacks.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::{self, JoinHandle};

use actix::prelude::*;

use crate::actor::{ActorDeps, ConvActor};
use crate::client::{Client, Shared};
use crate::command::Command;
use crate::dispatch::CallbackThread;
use crate::events::EventHub;
use crate::session::Session;
use crate::store::StoreActor;
use crate::transport::Transport;

/// Numbers SDK instances, so a loopback hub tells two instances of one user apart.
static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// How to start the SDK.
#[derive(Clone)]
pub struct SdkConfig {
    /// The folder that holds the per-user stores (`sdk_config_config_file_path`).
    pub data_dir: PathBuf,
    /// The app ID given to `TIMInit`; kept for reference.
    pub sdk_app_id: u64,
    /// Where others' messages come from (default: offline).
    pub transport: Transport,
    /// Instances of one lineage succeed one another: a new one's callbacks wait until every
    /// callback of one shut down before it (even from inside one of them) has run, and never run
    /// beside them. Instances of different lineages do not wait for each other. Default (`None`):
    /// a lineage of its own, as two accounts of one app (in one folder or two) are independent;
    /// the C API gives every `TIMInit` one lineage, as a C app has one instance at a time.
    pub lineage: Option<String>,
}

impl SdkConfig {
    /// A configuration with the given data folder.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        SdkConfig { data_dir: data_dir.into(), sdk_app_id: 0, transport: Transport::Offline, lineage: None }
    }

    /// The same configuration in another lineage (see [`SdkConfig::lineage`]).
    pub fn with_lineage(mut self, lineage: impl Into<String>) -> Self {
        self.lineage = Some(lineage.into());
        self
    }

    /// The same configuration with another transport.
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }
}

/// A running SDK instance. Dropping it shuts it down.
pub struct Sdk {
    client: Client,
    actix_thread: Option<JoinHandle<()>>,
    store_closed: flume::Receiver<()>,
    callback_thread: Option<CallbackThread>,
    unread_commands: flume::Receiver<Command>,
}

impl Sdk {
    /// Starts the threads and actors. No store is opened until a user logs in.
    pub fn start(config: SdkConfig) -> std::io::Result<Sdk> {
        // An instance of no named lineage waits for none: a name no other instance has.
        static UNNAMED: AtomicU64 = AtomicU64::new(0);
        let lineage = config
            .lineage
            .clone()
            .unwrap_or_else(|| format!("unnamed instance {}", UNNAMED.fetch_add(1, Ordering::Relaxed)));
        let (callback_thread, dispatcher) = CallbackThread::start(&lineage)?;
        let (ingress, commands) = flume::unbounded::<Command>();
        let session = Arc::new(Session::default());
        let hub = Arc::new(EventHub::default());
        let (started_tx, started_rx) = std::sync::mpsc::channel();

        let deps_session = session.clone();
        let deps_hub = hub.clone();
        let deps_dispatcher = dispatcher.clone();
        let actor_commands = commands.clone();
        let queued_commands = commands.clone();
        let data_dir = config.data_dir.clone();
        let transport = config.transport.clone();
        let own_ingress = ingress.clone();
        let instance = INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let actix_thread = thread::Builder::new().name("tim-actix".into()).spawn(move || {
            let system = System::new();
            system.block_on(async move {
                let (store, store_closed, store_slot) = StoreActor::start();
                ConvActor::create(move |ctx| {
                    ctx.add_stream(actor_commands.into_stream());
                    ConvActor::new(ActorDeps {
                        data_dir,
                        store,
                        store_slot,
                        dispatcher: deps_dispatcher,
                        hub: deps_hub,
                        session: deps_session,
                        transport,
                        ingress: own_ingress,
                        queued: queued_commands,
                        instance,
                    })
                });
                let _ = started_tx.send(store_closed);
            });
            let _ = system.run();
        })?;
        let store_closed =
            started_rx.recv().map_err(|_| std::io::Error::other("the actor system failed to start"))?;

        let client = Client::new(Arc::new(Shared::new(ingress, session, dispatcher, hub)));
        Ok(Sdk {
            client,
            actix_thread: Some(actix_thread),
            store_closed,
            callback_thread: Some(callback_thread),
            unread_commands: commands,
        })
    }

    /// A handle for making calls; cheap to clone and usable from any thread.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// Shuts down: refuses new calls, commits what was already carried out in memory (those calls
    /// succeed), answers every other pending call with `ERR_SDK_NOT_INITIALIZED`, closes the store
    /// (releasing its file lock), runs the queued callbacks and joins the threads. Called from
    /// inside a callback it cannot join the callback thread, which then finishes by itself.
    pub fn shutdown(mut self) {
        self.stop(|| {});
    }

    /// As [`Sdk::shutdown`], calling `store_closed` once the store is closed, before the queued
    /// callbacks run: from then on the user's store may be opened again (by a new instance started
    /// inside one of those callbacks, which this shutdown then waits for).
    pub fn shutdown_then(mut self, store_closed: impl FnOnce()) {
        self.stop(store_closed);
    }

    fn stop(&mut self, store_closed: impl FnOnce()) {
        let Some(actix_thread) = self.actix_thread.take() else { return };
        let shared = self.client.shared();
        shared.close_gate();
        shared.session.begin_stop();
        let _ = shared.ingress.send(Command::Shutdown);
        let _ = actix_thread.join();
        // Disconnects once the store actor and its file handle are gone.
        let _ = self.store_closed.recv();
        // Commands the actor never read are dropped here, answering them with the shutdown error
        // while the callback thread still runs.
        for cmd in self.unread_commands.drain() {
            drop(cmd);
        }
        shared.session.stopped();
        // Told to stop (and listed as finishing) before the store is said to be closed: a new
        // instance started inside its last callbacks then waits for them (`dispatch.rs`).
        let stopping = self.callback_thread.take().map(CallbackThread::begin_stop);
        store_closed();
        if let Some(stopping) = stopping {
            stopping.finish();
        }
    }
}

impl Drop for Sdk {
    fn drop(&mut self) {
        self.stop(|| {});
    }
}
