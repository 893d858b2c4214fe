//! The login state, readable synchronously from any thread (`TIMGetLoginStatus`,
//! `TIMGetLoginUserID`, and the `TIM_ERR_NOTLOGIN` check every conversation call makes).

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tim_types::LoginStatus;

use crate::error::CallError;

/// Login state shared by the client handles and the conversation actor.
#[derive(Debug)]
pub struct Session {
    status: AtomicI32,
    user_id: Mutex<Option<String>>,
    /// The user signature given at login: kept (for a future server transport), never verified.
    user_sig: Mutex<Option<String>>,
    stopping: AtomicBool,
    /// Logins accepted and not yet taken up by the actor (each held by a [`QueuedLogin`]). While
    /// one is queued, calls are accepted (they run after it, in order) and a status of "not
    /// logged in" reads "logging in": a login accepted behind a logout would otherwise refuse
    /// the calls made after it until the logout completed, and show "not logged in" between
    /// the logout's end and the login's start.
    queued_logins: AtomicUsize,
    /// Logouts accepted and not yet completed (each held by a [`PendingLogout`]): a login that
    /// completes while one is pending (accepted after the login) leaves "logging out".
    pending_logouts: AtomicUsize,
    /// Which of login and logout was accepted last ([`LAST_LOGIN`], [`LAST_LOGOUT`]). While
    /// either is queued or pending, it says whether a call made now runs logged in (after a
    /// login) or not (after a logout): the status alone cannot say, as it reads the state of
    /// the operation running now, not of the last one accepted.
    last_accepted: AtomicU8,
}

const LAST_LOGIN: u8 = 1;
const LAST_LOGOUT: u8 = 2;

/// A login accepted and queued for the actor: while it lives, the session counts it (see
/// `Session::queued_logins`). The actor drops it once its login has set the status.
#[derive(Debug)]
pub struct QueuedLogin(Arc<Session>);

impl Drop for QueuedLogin {
    fn drop(&mut self) {
        self.0.queued_logins.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A logout accepted and not yet completed (see `Session::pending_logouts`). The actor drops it
/// when the logout has closed the store, before the status says "not logged in".
#[derive(Debug)]
pub struct PendingLogout(Arc<Session>);

impl Drop for PendingLogout {
    fn drop(&mut self) {
        self.0.pending_logouts.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Default for Session {
    fn default() -> Self {
        Session {
            status: AtomicI32::new(LoginStatus::UnLogined.value()),
            user_id: Mutex::new(None),
            user_sig: Mutex::new(None),
            stopping: AtomicBool::new(false),
            queued_logins: AtomicUsize::new(0),
            pending_logouts: AtomicUsize::new(0),
            last_accepted: AtomicU8::new(0),
        }
    }
}

impl Session {
    /// The current login status; "logging in" while a login is queued and nobody is logged in.
    pub fn status(&self) -> LoginStatus {
        let status = LoginStatus::from_value(self.status.load(Ordering::Acquire).into())
            .unwrap_or(LoginStatus::UnLogined);
        if status == LoginStatus::UnLogined && self.login_queued() { LoginStatus::Logining } else { status }
    }

    fn login_queued(&self) -> bool {
        self.queued_logins.load(Ordering::Acquire) > 0
    }

    /// A login not yet taken up or a logout not yet completed.
    fn lifecycle_pending(&self) -> bool {
        self.login_queued() || self.pending_logouts.load(Ordering::Acquire) > 0
    }

    /// The logged-in user, once the login completed.
    pub fn user_id(&self) -> Option<String> {
        self.user_id.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Conversation calls are accepted while logged in or while a login is queued ahead of them
    /// (they are carried out after it, in order).
    pub fn require_login(&self) -> Result<(), CallError> {
        if self.lifecycle_pending() {
            // The call runs after the last login or logout accepted.
            return match self.last_accepted.load(Ordering::Acquire) {
                LAST_LOGIN => Ok(()),
                _ => Err(CallError::NotLogin),
            };
        }
        match self.status() {
            LoginStatus::Logined | LoginStatus::Logining => Ok(()),
            _ => Err(CallError::NotLogin),
        }
    }

    /// A login is accepted: counted as queued until the actor takes it up and drops the token
    /// (also when the command is dropped unprocessed: a call that could not be queued, a
    /// shutdown).
    pub fn queue_login(self: &Arc<Self>) -> QueuedLogin {
        self.queued_logins.fetch_add(1, Ordering::AcqRel);
        self.last_accepted.store(LAST_LOGIN, Ordering::Release);
        QueuedLogin(self.clone())
    }

    /// The actor takes a login up: from "not logged in" the status becomes "logging in"; a
    /// logout accepted meanwhile keeps "logging out" until it completes.
    pub(crate) fn begin_login(&self) {
        self.transition(LoginStatus::UnLogined, LoginStatus::Logining);
    }

    /// A logout was accepted: from "logged in" or "logging in", or with a login accepted last
    /// and still queued or behind a pending logout, the status becomes "logging out", in one step
    /// (of two logouts at once, one is accepted). The token goes with the logout command.
    pub fn begin_logout(self: &Arc<Self>) -> Result<PendingLogout, CallError> {
        // Counted first, so that a call racing with this one sees a lifecycle operation pending
        // as soon as the last one accepted may say "logout".
        self.pending_logouts.fetch_add(1, Ordering::AcqRel);
        let pending = PendingLogout(self.clone());
        if self.lifecycle_pending_besides_one_logout() {
            self.last_accepted
                .compare_exchange(LAST_LOGIN, LAST_LOGOUT, Ordering::AcqRel, Ordering::Acquire)
                .map_err(|_| CallError::NotLogin)?;
            self.set_status(LoginStatus::Logouting);
        } else {
            let logged_in = [LoginStatus::Logined.value(), LoginStatus::Logining.value()];
            self.status
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |status| {
                    logged_in.contains(&status).then_some(LoginStatus::Logouting.value())
                })
                .map_err(|_| CallError::NotLogin)?;
            self.last_accepted.store(LAST_LOGOUT, Ordering::Release);
        }
        Ok(pending)
    }

    /// [`Self::lifecycle_pending`], not counting the logout [`Self::begin_logout`] counted.
    fn lifecycle_pending_besides_one_logout(&self) -> bool {
        self.login_queued() || self.pending_logouts.load(Ordering::Acquire) > 1
    }

    /// A logout found nobody logged in (the login before it failed): a status left at "logging
    /// out" goes back to "not logged in".
    pub(crate) fn logout_found_nobody(&self) {
        self.transition(LoginStatus::Logouting, LoginStatus::UnLogined);
    }

    /// Moves the status from `from` to `to`, only if it is `from` (one atomic step).
    fn transition(&self, from: LoginStatus, to: LoginStatus) -> bool {
        self.status.compare_exchange(from.value(), to.value(), Ordering::AcqRel, Ordering::Acquire).is_ok()
    }

    pub(crate) fn set_status(&self, status: LoginStatus) {
        self.status.store(status.value(), Ordering::Release);
    }

    /// The user signature of the current login.
    pub fn user_sig(&self) -> Option<String> {
        self.user_sig.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A login completed. A logout accepted after it (while it was queued or ran) keeps, or
    /// makes, the status "logging out": the status had gone back to "not logged in" if that
    /// logout was accepted behind another logout.
    pub(crate) fn logged_in(&self, user_id: &str, user_sig: &str) {
        *self.user_id.lock().unwrap_or_else(|e| e.into_inner()) = Some(user_id.to_owned());
        *self.user_sig.lock().unwrap_or_else(|e| e.into_inner()) = Some(user_sig.to_owned());
        if self.pending_logouts.load(Ordering::Acquire) > 0 {
            self.set_status(LoginStatus::Logouting);
        } else {
            self.transition(LoginStatus::Logining, LoginStatus::Logined);
        }
    }

    pub(crate) fn logged_out(&self) {
        *self.user_id.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self.user_sig.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.set_status(LoginStatus::UnLogined);
    }

    pub(crate) fn begin_stop(&self) {
        self.stopping.store(true, Ordering::Release);
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }
}
