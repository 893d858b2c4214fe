//! The Rust API: a cloneable [`Client`] handle that does everything the C API does.
//!
//! Each call validates its input synchronously (a [`CallError`] means nothing was queued), then
//! queues a command for the conversation actor. Three styles:
//! - `*_with(.., done)`: `done` runs exactly once on the SDK callback thread, in call order (the
//!   C API is built on these);
//! - `async fn`: awaits the result, delivered without the callback thread;
//! - `*_blocking`: the synchronous calls of the C API (drafts), which return once durable.

mod extensions;
mod messages;
mod unread;

pub use extensions::{ALLOWED_MARK_BITS, check_mark_bits};
pub use messages::check_importable;

use std::sync::{Arc, RwLock};

use tim_types::parse::check_writable;
use tim_types::{ConvInfo, Draft, ErrCode, LoginStatus};

use crate::command::Command;
use crate::dispatch::{Completion, Dispatcher};
use crate::error::{CallError, Error, TimError};
use crate::events::{ConvEventHandler, EventHub};
use crate::ids::{ConvKey, check_creatable, check_id};
use crate::session::Session;

/// State shared by all clones of a client.
pub(crate) struct Shared {
    pub(crate) ingress: flume::Sender<Command>,
    /// Open while the SDK runs; shutdown takes the write lock, so no call is half-queued then.
    gate: RwLock<bool>,
    pub(crate) session: Arc<Session>,
    dispatcher: Dispatcher,
    pub(crate) hub: Arc<EventHub>,
}

impl Shared {
    pub(crate) fn new(
        ingress: flume::Sender<Command>,
        session: Arc<Session>,
        dispatcher: Dispatcher,
        hub: Arc<EventHub>,
    ) -> Self {
        Shared { ingress, gate: RwLock::new(true), session, dispatcher, hub }
    }

    pub(crate) fn close_gate(&self) {
        *self.gate.write().unwrap_or_else(|e| e.into_inner()) = false;
    }
}

/// A handle to a running SDK.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

type Done<T> = Box<dyn FnOnce(Result<T, TimError>) + Send + 'static>;

impl Client {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Client { shared }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    fn submit(&self, cmd: Command) -> Result<(), CallError> {
        let open = self.shared.gate.read().unwrap_or_else(|e| e.into_inner());
        if !*open {
            cmd.disarm();
            return Err(CallError::SdkUninit);
        }
        self.shared.ingress.send(cmd).map_err(|flume::SendError(cmd)| {
            cmd.disarm();
            CallError::SdkUninit
        })
    }

    /// Queues `job` on the callback thread, after every callback queued before it (for answers
    /// the C layer gives itself, such as `TIMMsgSendNewMsgEx`'s message ID); `false` if the SDK
    /// has shut down (then it does not run).
    pub fn dispatch(&self, job: impl FnOnce() + Send + 'static) -> bool {
        // Under the gate, as a call: once shutdown closed it, a job could land behind the callback
        // thread's stop and never run.
        let open = self.shared.gate.read().unwrap_or_else(|e| e.into_inner());
        *open && self.shared.dispatcher.try_dispatch(job).is_ok()
    }

    fn dispatched<T: Send + 'static>(&self, done: Done<T>) -> Completion<T> {
        Completion::dispatched(&self.shared.dispatcher, done)
    }

    async fn ask<T: Send + 'static>(
        &self,
        build: impl FnOnce(Completion<T>) -> Result<Command, CallError>,
    ) -> Result<T, Error> {
        self.ask_sent(build, |cmd| self.submit(cmd)).await
    }

    /// As [`Self::ask`], the command queued by `send` (a login or logout queues its command
    /// under the session's lock).
    async fn ask_sent<T: Send + 'static>(
        &self,
        build: impl FnOnce(Completion<T>) -> Result<Command, CallError>,
        send: impl FnOnce(Command) -> Result<(), CallError>,
    ) -> Result<T, Error> {
        let (tx, rx) = flume::bounded(1);
        let completion = Completion::direct(move |result| {
            let _ = tx.send(result);
        });
        send(build(completion)?)?;
        Ok(rx.recv_async().await.unwrap_or_else(|_| Err(TimError::shut_down()))?)
    }

    fn ask_blocking<T: Send + 'static>(
        &self,
        build: impl FnOnce(Completion<T>) -> Command,
    ) -> Result<T, CallError> {
        let (tx, rx) = flume::bounded(1);
        let completion = Completion::direct_to_blocked_caller(move |result| {
            let _ = tx.send(result);
        });
        self.submit(build(completion))?;
        rx.recv().unwrap_or_else(|_| Err(TimError::shut_down())).map_err(|e| {
            if e.code == ErrCode::InvalidConversation.value() {
                CallError::Conv
            } else if e.code == ErrCode::SdkNotInitialized.value() {
                CallError::SdkUninit
            } else if e.code == ErrCode::SdkNotLoggedIn.value() {
                CallError::NotLogin
            } else {
                CallError::Failed(e)
            }
        })
    }

    // ---- login ------------------------------------------------------------------------------

    fn login_command(
        &self,
        user_id: &str,
        user_sig: &str,
        done: Completion<()>,
    ) -> Result<Command, CallError> {
        if let Err(e) = check_id("user ID", user_id) {
            done.disarm();
            return Err(e);
        }
        Ok(Command::Login { user_id: user_id.to_owned(), user_sig: user_sig.to_owned(), done })
    }

    /// Logs in `user_id`, opening (or creating) that user's store and loading its conversations.
    /// The signature is kept, not verified: there is no server.
    pub fn login_with(
        &self,
        user_id: &str,
        user_sig: &str,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        let cmd = self.login_command(user_id, user_sig, self.dispatched(Box::new(done)))?;
        self.shared.session.accept_login(|| self.submit(cmd))
    }

    /// Logs in (async).
    pub async fn login(&self, user_id: &str, user_sig: &str) -> Result<(), Error> {
        let session = &self.shared.session;
        self.ask_sent(
            |c| self.login_command(user_id, user_sig, c),
            |cmd| session.accept_login(|| self.submit(cmd)),
        )
        .await
    }

    /// Logs out after every earlier call completed, closing the user's store.
    pub fn logout_with(
        &self,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        self.require_login()?;
        self.queue_logout(Command::Logout { done: self.dispatched(Box::new(done)) })
    }

    /// Queues a logout if the session still accepts one. One refused (another thread's logout
    /// won since `require_login`) is disarmed: its caller got the refusal, so its callback must
    /// never run (dropped armed, it answered "uninitialized" to a call that returned NOTLOGIN).
    fn queue_logout(&self, cmd: Command) -> Result<(), CallError> {
        let mut cmd = Some(cmd);
        let accepted = self.shared.session.accept_logout(|| self.submit(cmd.take().expect("queued once")));
        if let Some(refused) = cmd {
            refused.disarm();
        }
        accepted
    }

    /// Logs out (async).
    pub async fn logout(&self) -> Result<(), Error> {
        self.ask_sent(
            |done| {
                if let Err(e) = self.require_login() {
                    done.disarm();
                    return Err(e);
                }
                Ok(Command::Logout { done })
            },
            |cmd| self.queue_logout(cmd),
        )
        .await
    }

    /// The login status.
    pub fn login_status(&self) -> LoginStatus {
        self.shared.session.status()
    }

    /// The logged-in user.
    pub fn login_user_id(&self) -> Option<String> {
        self.shared.session.user_id()
    }

    /// The user signature given at login (kept, never verified).
    pub fn login_user_sig(&self) -> Option<String> {
        self.shared.session.user_sig()
    }

    // ---- conversations ----------------------------------------------------------------------

    /// The SDK runs and a user is logged in (or a login is queued ahead).
    fn require_login(&self) -> Result<(), CallError> {
        if !*self.shared.gate.read().unwrap_or_else(|e| e.into_inner()) {
            return Err(CallError::SdkUninit);
        }
        self.shared.session.require_login()
    }

    fn logged_in<T: Send + 'static>(&self, done: Completion<T>) -> Result<Completion<T>, CallError> {
        match self.require_login() {
            Ok(()) => Ok(done),
            Err(e) => {
                done.disarm();
                Err(e)
            }
        }
    }

    /// Creates the conversation, or obtains it if it exists; `done` gets its ConvInfo.
    pub fn create_conversation_with(
        &self,
        key: ConvKey,
        done: impl FnOnce(Result<ConvInfo, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        check_creatable(&key)?;
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::CreateConv { key, done })
    }

    /// Creates or obtains a conversation (async).
    pub async fn create_conversation(&self, key: ConvKey) -> Result<ConvInfo, Error> {
        check_creatable(&key).map_err(Error::Rejected)?;
        self.ask(|done| Ok(Command::CreateConv { key, done: self.logged_in(done)? })).await
    }

    /// Deletes the conversation and its draft; `ERR_INVALID_CONVERSATION` if it does not exist.
    pub fn delete_conversation_with(
        &self,
        key: ConvKey,
        done: impl FnOnce(Result<(), TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::DeleteConv { key, done })
    }

    /// Deletes a conversation (async).
    pub async fn delete_conversation(&self, key: ConvKey) -> Result<(), Error> {
        self.ask(|done| Ok(Command::DeleteConv { key, done: self.logged_in(done)? })).await
    }

    /// The conversation list in list order: pinned first, then most recently active first.
    pub fn conversation_list_with(
        &self,
        done: impl FnOnce(Result<Vec<ConvInfo>, TimError>) + Send + 'static,
    ) -> Result<(), CallError> {
        let done = self.logged_in(self.dispatched(Box::new(done)))?;
        self.submit(Command::GetConvList { done })
    }

    /// The conversation list (async).
    pub async fn conversation_list(&self) -> Result<Vec<ConvInfo>, Error> {
        self.ask(|done| Ok(Command::GetConvList { done: self.logged_in(done)? })).await
    }

    /// Sets the draft of a conversation (creating it if needed) and returns once it is durable.
    /// Blocks the calling thread; from async code use [`Client::set_draft`].
    pub fn set_draft_blocking(&self, key: ConvKey, draft: Draft) -> Result<(), CallError> {
        check_writable(&draft.draft_msg)?;
        check_creatable(&key)?;
        self.require_login()?;
        self.ask_blocking(|done| Command::SetDraft { key, draft: Box::new(draft), done })
    }

    /// Sets a draft (async); resolves once it is durable.
    pub async fn set_draft(&self, key: ConvKey, draft: Draft) -> Result<(), Error> {
        check_writable(&draft.draft_msg).map_err(CallError::from)?;
        check_creatable(&key)?;
        self.ask(|done| Ok(Command::SetDraft { key, draft: Box::new(draft), done: self.logged_in(done)? }))
            .await
    }

    /// Removes the draft of a conversation and returns once that is durable;
    /// [`CallError::Conv`] if the conversation does not exist. Blocks the calling thread.
    pub fn cancel_draft_blocking(&self, key: ConvKey) -> Result<(), CallError> {
        self.require_login()?;
        self.ask_blocking(|done| Command::CancelDraft { key, done })
    }

    /// Removes a draft (async).
    pub async fn cancel_draft(&self, key: ConvKey) -> Result<(), Error> {
        self.ask(|done| Ok(Command::CancelDraft { key, done: self.logged_in(done)? })).await
    }

    // ---- events -----------------------------------------------------------------------------

    /// Sets the conversation event handler (or clears it with `None`), replacing any earlier one.
    /// It runs on the callback thread: once per kind per committed batch, never for a batch that
    /// changed nothing visible.
    ///
    /// This and the other handler setters take effect for the events the actor emits after them:
    /// an event already waiting on the callback thread goes to the handler that was set when it
    /// was emitted (the C layer looks its callbacks up again at delivery; docs/c-api.md).
    pub fn set_conv_event_handler(&self, handler: Option<ConvEventHandler>) {
        self.shared.hub.set_conv_handler(handler);
    }
}
