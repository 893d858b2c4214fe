//! The one SDK instance behind the C API, between `TIMInit` and `TIMUninit`, and the C event
//! callbacks that outlive it.
//!
//! Calls take a [`Client`] clone under a short lock and never hold the lock while working, so a
//! callback may call any `TIM*` function, `TIMUninit` included.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use tim_core::{CallError, Client, Sdk, SdkConfig};
use tim_types::ConvEvent;

use crate::callback::c_string;
use crate::json;
use crate::types::{
    TIMConvConversationGroupCreatedCallback, TIMConvConversationGroupDeletedCallback,
    TIMConvConversationGroupNameChangedCallback, TIMConvConversationsAddedToGroupCallback,
    TIMConvConversationsDeletedFromGroupCallback, TIMConvEventCallback,
    TIMConvTotalUnreadMessageCountChangedByFilterCallback, TIMConvTotalUnreadMessageCountChangedCallback,
    TIMRecvNewMsgCallback, UserData,
};

static SDK: Mutex<Option<Sdk>> = Mutex::new(None);

/// The registered `TIMConvEventCallback`; kept across `TIMUninit`/`TIMInit`.
static CONV_EVENT_CALLBACK: Mutex<Option<(TIMConvEventCallback, UserData)>> = Mutex::new(None);

type RecvNewMsgFn = unsafe extern "C" fn(*const std::ffi::c_char, *const std::ffi::c_void);

/// The registered `TIMRecvNewMsgCallback`s, in registration order; kept across `TIMUninit`.
static RECV_NEW_MSG_CALLBACKS: Mutex<Vec<(RecvNewMsgFn, UserData)>> = Mutex::new(Vec::new());

/// The registered unread-by-filter callback; kept across `TIMUninit`.
static FILTERED_UNREAD_CALLBACK: Mutex<
    Option<(TIMConvTotalUnreadMessageCountChangedByFilterCallback, UserData)>,
> = Mutex::new(None);

/// One of the five conversation group callbacks.
#[derive(Clone, Copy)]
pub enum GroupCallback {
    /// `TIMSetConvConversationGroupCreatedCallback`.
    Created(TIMConvConversationGroupCreatedCallback),
    /// `TIMSetConvConversationGroupDeletedCallback`.
    Deleted(TIMConvConversationGroupDeletedCallback),
    /// `TIMSetConvConversationGroupNameChangedCallback`.
    Renamed(TIMConvConversationGroupNameChangedCallback),
    /// `TIMSetConvConversationsAddedToGroupCallback`.
    Added(TIMConvConversationsAddedToGroupCallback),
    /// `TIMSetConvConversationsDeletedFromGroupCallback`.
    Removed(TIMConvConversationsDeletedFromGroupCallback),
}

/// The registered group callbacks, one slot per kind; kept across `TIMUninit`.
static GROUP_CALLBACKS: Mutex<[Option<(GroupCallback, UserData)>; 5]> = Mutex::new([None; 5]);

/// The registered total-unread callback; kept across `TIMUninit`.
static TOTAL_UNREAD_CALLBACK: Mutex<Option<(TIMConvTotalUnreadMessageCountChangedCallback, UserData)>> =
    Mutex::new(None);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The running SDK's client, or `TIM_ERR_SDKUNINIT`.
pub fn client() -> Result<Client, CallError> {
    lock(&SDK).as_ref().map(Sdk::client).ok_or(CallError::SdkUninit)
}

/// Whether the SDK is initialized.
pub fn is_initialized() -> bool {
    lock(&SDK).is_some()
}

/// How many instances are being shut down (taken out of [`SDK`], not yet stopped), and the signal
/// that one has stopped.
static STOPPING: Mutex<usize> = Mutex::new(0);
static STOPPED: Condvar = Condvar::new();

/// How many of those still have their store open, and the signal that one closed it.
static CLOSING: Mutex<usize> = Mutex::new(0);
static CLOSED: Condvar = Condvar::new();

/// One instance counted in [`STOPPING`] or [`CLOSING`] until dropped, which signals the change.
struct Counted {
    count: &'static Mutex<usize>,
    changed: &'static Condvar,
}

impl Counted {
    fn new(count: &'static Mutex<usize>, changed: &'static Condvar) -> Self {
        *lock(count) += 1;
        Counted { count, changed }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        *lock(self.count) -= 1;
        self.changed.notify_all();
    }
}

/// Waits until no instance is shutting down. Why: a `TIMInit` racing a `TIMUninit` on another
/// thread would start a second instance while the first still holds the user's store file (its
/// login would fail with "already open"), and the first's callbacks would still be running.
/// On the callback thread, only until no instance has its store open: the shutdown waits for
/// that thread (after closing the store), which would then wait for it; the new instance's
/// callbacks wait for this thread instead (`tim_core::dispatch`).
fn wait_until_stopped() {
    if tim_core::dispatch::on_callback_thread() {
        let mut closing = lock(&CLOSING);
        while *closing > 0 {
            closing = CLOSED.wait(closing).unwrap_or_else(|e| e.into_inner());
        }
        return;
    }
    let mut stopping = lock(&STOPPING);
    while *stopping > 0 {
        stopping = STOPPED.wait(stopping).unwrap_or_else(|e| e.into_inner());
    }
}

/// The lineage of every instance the C API starts (`SdkConfig::lineage`).
pub const C_LINEAGE: &str = "TIMInit";

/// Starts the SDK unless it runs already (a second `TIMInit` keeps the running instance).
pub fn init(config: SdkConfig) -> std::io::Result<()> {
    let mut slot = loop {
        wait_until_stopped();
        let slot = lock(&SDK);
        // Checked again under the SDK lock (the lock `uninit` counts under): an uninit may have
        // begun between the wait and the lock.
        let stopping = if tim_core::dispatch::on_callback_thread() { &CLOSING } else { &STOPPING };
        if *lock(stopping) == 0 {
            break slot;
        }
    };
    if slot.is_some() {
        return Ok(());
    }
    let sdk = Sdk::start(config)?;
    let client = sdk.client();
    // These cost nothing to forward when no C callback is set, so they are always installed.
    client.set_total_unread_handler(Some(Arc::new(forward_total_unread)));
    client.set_filtered_unread_handler(Some(Arc::new(forward_filtered_unread)));
    client.set_group_handler(Some(Arc::new(forward_group_event)));
    *slot = Some(sdk);
    drop(slot);
    sync_costly_handlers();
    Ok(())
}

/// Installs the core's conversation-event and new-message handlers only while a C callback
/// wants them: the core computes events and copies received messages only for a handler.
fn sync_costly_handlers() {
    // Reading the registrations and installing the handlers is one step: two threads changing
    // registrations at once would otherwise let the one that read first install last, leaving
    // a registered callback without its handler (or the other way round).
    static SYNCING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = lock(&SYNCING);
    let Ok(client) = client() else { return };
    let events = lock(&CONV_EVENT_CALLBACK).is_some();
    client.set_conv_event_handler(events.then(|| Arc::new(forward_conv_event) as tim_core::ConvEventHandler));
    let messages = !lock(&RECV_NEW_MSG_CALLBACKS).is_empty();
    client.set_new_message_handler(
        messages.then(|| Arc::new(forward_new_messages) as tim_core::NewMessageHandler),
    );
}

/// Stops the SDK; `false` if it was not running (after waiting for an instance another thread is
/// stopping). The lock is released before shutting down, so callbacks still being delivered may
/// call in (and get `TIM_ERR_SDKUNINIT`).
pub fn uninit() -> bool {
    let sdk = {
        let mut slot = lock(&SDK);
        let sdk = slot.take();
        // Counted while the slot is still locked: an init after this sees it.
        sdk.map(|sdk| (sdk, Counted::new(&STOPPING, &STOPPED), Counted::new(&CLOSING, &CLOSED)))
    };
    match sdk {
        Some((sdk, stopping, closing)) => {
            // Uncounted when the store is closed, or however the shutdown ends (a panic caught at
            // the boundary must not leave every later TIMInit waiting).
            sdk.shutdown_then(move || drop(closing));
            drop(stopping);
            true
        }
        None => {
            wait_until_stopped();
            // An uninit made inside a callback returned before the callbacks queued behind that
            // one ran: this one returns after them.
            tim_core::dispatch::wait_for_finishing_callback_threads(C_LINEAGE);
            false
        }
    }
}

/// Registers (or with NULL clears) the C conversation event callback.
pub fn set_conv_event_callback(cb: TIMConvEventCallback, user_data: UserData) {
    *lock(&CONV_EVENT_CALLBACK) = cb.map(|cb| (Some(cb), user_data));
    sync_costly_handlers();
}

/// Adds a receive callback; adding the same function again only replaces its user data.
pub fn add_recv_new_msg_callback(cb: TIMRecvNewMsgCallback, user_data: UserData) {
    let Some(cb) = cb else { return };
    let mut callbacks = lock(&RECV_NEW_MSG_CALLBACKS);
    match callbacks.iter_mut().find(|(f, _)| std::ptr::fn_addr_eq(*f, cb)) {
        Some(slot) => slot.1 = user_data,
        None => callbacks.push((cb, user_data)),
    }
    drop(callbacks);
    sync_costly_handlers();
}

/// Removes a receive callback by its function pointer.
pub fn remove_recv_new_msg_callback(cb: TIMRecvNewMsgCallback) {
    let Some(cb) = cb else { return };
    lock(&RECV_NEW_MSG_CALLBACKS).retain(|(f, _)| !std::ptr::fn_addr_eq(*f, cb));
    sync_costly_handlers();
}

/// Registers (or with NULL clears) the total-unread callback.
pub fn set_total_unread_callback(cb: TIMConvTotalUnreadMessageCountChangedCallback, user_data: UserData) {
    *lock(&TOTAL_UNREAD_CALLBACK) = cb.map(|cb| (Some(cb), user_data));
}

/// Registers (or with NULL clears) the unread-by-filter callback.
pub fn set_filtered_unread_callback(
    cb: TIMConvTotalUnreadMessageCountChangedByFilterCallback,
    user_data: UserData,
) {
    *lock(&FILTERED_UNREAD_CALLBACK) = cb.map(|cb| (Some(cb), user_data));
}

fn group_slot(callback: &GroupCallback) -> (usize, bool) {
    match callback {
        GroupCallback::Created(cb) => (0, cb.is_some()),
        GroupCallback::Deleted(cb) => (1, cb.is_some()),
        GroupCallback::Renamed(cb) => (2, cb.is_some()),
        GroupCallback::Added(cb) => (3, cb.is_some()),
        GroupCallback::Removed(cb) => (4, cb.is_some()),
    }
}

/// Registers (or with NULL clears) one of the group callbacks.
pub fn set_group_callback(callback: GroupCallback, user_data: UserData) {
    let (slot, set) = group_slot(&callback);
    lock(&GROUP_CALLBACKS)[slot] = set.then_some((callback, user_data));
}

fn forward_filtered_unread(filter: &str, total: u64) {
    let Some((Some(cb), user_data)) = *lock(&FILTERED_UNREAD_CALLBACK) else { return };
    let filter = c_string(filter);
    let total = std::ffi::c_int::try_from(total).unwrap_or(std::ffi::c_int::MAX);
    // SAFETY: registered with this signature; the string outlives the call.
    unsafe { cb(filter.as_ptr(), total, user_data.0) };
}

fn id_array(keys: &[tim_core::ConvKey]) -> std::ffi::CString {
    c_string(&json::to_json(&keys.iter().map(ToString::to_string).collect::<Vec<_>>()))
}

fn forward_group_event(event: &tim_core::GroupEvent) {
    use tim_core::GroupEvent as E;
    let slot = match event {
        E::Created(..) => 0,
        E::Deleted(_) => 1,
        E::Renamed(..) => 2,
        E::Added(..) => 3,
        E::Removed(..) => 4,
    };
    let Some((callback, user_data)) = lock(&GROUP_CALLBACKS)[slot] else { return };
    let ud = user_data.0;
    // SAFETY: the application registered each callback with the signature of its slot; the
    // strings outlive the call.
    unsafe {
        match (callback, event) {
            (GroupCallback::Created(Some(cb)), E::Created(name, keys)) => {
                cb(c_string(name).as_ptr(), id_array(keys).as_ptr(), ud)
            }
            (GroupCallback::Deleted(Some(cb)), E::Deleted(name)) => cb(c_string(name).as_ptr(), ud),
            (GroupCallback::Renamed(Some(cb)), E::Renamed(old, new)) => {
                cb(c_string(old).as_ptr(), c_string(new).as_ptr(), ud)
            }
            (GroupCallback::Added(Some(cb)), E::Added(name, keys)) => {
                cb(c_string(name).as_ptr(), id_array(keys).as_ptr(), ud)
            }
            (GroupCallback::Removed(Some(cb)), E::Removed(name, keys)) => {
                cb(c_string(name).as_ptr(), id_array(keys).as_ptr(), ud)
            }
            _ => {}
        }
    }
}

/// Runs on the callback thread with each committed batch of received messages.
fn forward_new_messages(messages: &[tim_types::Message]) {
    if lock(&RECV_NEW_MSG_CALLBACKS).is_empty() {
        return;
    }
    let payload = c_string(&json::to_json(messages));
    // The list as it is once the payload is built (that takes a while), and each callback
    // looked up again just before its call: a removal made meanwhile, on another thread or by
    // an earlier callback of this payload, is honoured.
    let listed: Vec<RecvNewMsgFn> = lock(&RECV_NEW_MSG_CALLBACKS).iter().map(|(cb, _)| *cb).collect();
    for cb in listed {
        let registered =
            lock(&RECV_NEW_MSG_CALLBACKS).iter().find(|(f, _)| std::ptr::fn_addr_eq(*f, cb)).copied();
        let Some((cb, user_data)) = registered else { continue };
        // SAFETY: registered with this signature; the string outlives the call.
        unsafe { cb(payload.as_ptr(), user_data.0) };
    }
}

/// Runs on the callback thread when a commit changed the total unread count.
fn forward_total_unread(total: u64) {
    let Some((Some(cb), user_data)) = *lock(&TOTAL_UNREAD_CALLBACK) else { return };
    let total = std::ffi::c_int::try_from(total).unwrap_or(std::ffi::c_int::MAX);
    // SAFETY: registered with this signature.
    unsafe { cb(total, user_data.0) };
}

/// Runs on the callback thread for every conversation event: looks up the C callback at that
/// moment (so clearing it takes effect at once) and calls it with the JSON payload.
fn forward_conv_event(event: ConvEvent, infos: &[tim_types::ConvInfo]) {
    if !matches!(*lock(&CONV_EVENT_CALLBACK), Some((Some(_), _))) {
        return;
    }
    let payload = match event {
        ConvEvent::Start | ConvEvent::Finish => String::new(),
        _ => json::conv_list(infos),
    };
    let payload = c_string(&payload);
    // Looked up again now that the payload is built (that takes a while): a clear made
    // meanwhile is honoured.
    let Some((Some(cb), user_data)) = *lock(&CONV_EVENT_CALLBACK) else { return };
    // SAFETY: the application registered `cb` with this signature; the string outlives the call.
    unsafe { cb(event.value(), payload.as_ptr(), user_data.0) };
}
