//! The login state, readable synchronously from any thread (`TIMGetLoginStatus`,
//! `TIMGetLoginUserID`, and the `TIM_ERR_NOTLOGIN` check every conversation call makes).
//!
//! Every decision about logins and logouts (is this logout accepted? does a login completing
//! now say "logged in"?) is taken under one lock, [`Lifecycle`], which also holds while a login
//! or logout command is queued for the actor: whatever another thread then reads says what a
//! call it queues next will run after. Its outcome is published in two atomics, so that the
//! status and the check every call makes stay a single load.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard};

use tim_types::LoginStatus;

use crate::error::CallError;

/// Login state shared by the client handles and the conversation actor.
#[derive(Debug)]
pub struct Session {
    /// The status as reported ([`Lifecycle::reported`]), published under `lifecycle`.
    status: AtomicI32,
    /// Whether a conversation call made now is accepted ([`Lifecycle::accepts_calls`]),
    /// published under `lifecycle`.
    accepting: AtomicBool,
    lifecycle: Mutex<Lifecycle>,
    user_id: Mutex<Option<String>>,
    /// The user signature given at login: kept (for a future server transport), never verified.
    user_sig: Mutex<Option<String>>,
    stopping: AtomicBool,
}

/// Logins and logouts accepted and not yet carried out, and what the actor has done so far.
#[derive(Debug, Default)]
struct Lifecycle {
    /// What the actor has done: logged in, logging in, logging out, or not logged in.
    status: Status,
    /// Logins queued and not yet taken up by the actor. While one is, "not logged in" reads
    /// "logging in": a login accepted behind a logout would otherwise show "not logged in"
    /// between the logout's end and the login's start.
    queued_logins: usize,
    /// Logouts accepted and not yet completed. A login completing while one is pending (one
    /// accepted after it: the actor carries them out in order) leaves "logging out".
    pending_logouts: usize,
    /// Which of login and logout was accepted last: while either is queued or pending, a call
    /// made now runs after it, so it is accepted iff that was a login. (The status cannot say:
    /// it is the state of the operation running now, not of the last one accepted.)
    last_accepted: Option<Accepted>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Status {
    #[default]
    UnLogined,
    Logining,
    Logined,
    Logouting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accepted {
    Login,
    Logout,
}

impl Lifecycle {
    fn reported(&self) -> LoginStatus {
        match self.status {
            Status::UnLogined if self.queued_logins > 0 => LoginStatus::Logining,
            Status::UnLogined => LoginStatus::UnLogined,
            Status::Logining => LoginStatus::Logining,
            Status::Logined => LoginStatus::Logined,
            Status::Logouting => LoginStatus::Logouting,
        }
    }

    fn pending(&self) -> bool {
        self.queued_logins > 0 || self.pending_logouts > 0
    }

    fn accepts_calls(&self) -> bool {
        if self.pending() {
            self.last_accepted == Some(Accepted::Login)
        } else {
            matches!(self.status, Status::Logined | Status::Logining)
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session {
            status: AtomicI32::new(LoginStatus::UnLogined.value()),
            accepting: AtomicBool::new(false),
            lifecycle: Mutex::new(Lifecycle::default()),
            user_id: Mutex::new(None),
            user_sig: Mutex::new(None),
            stopping: AtomicBool::new(false),
        }
    }
}

impl Session {
    /// The current login status; "logging in" while a login is queued and nobody is logged in.
    pub fn status(&self) -> LoginStatus {
        LoginStatus::from_value(self.status.load(Ordering::Acquire).into()).unwrap_or(LoginStatus::UnLogined)
    }

    /// The logged-in user, once the login completed.
    pub fn user_id(&self) -> Option<String> {
        self.user_id.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Conversation calls are accepted while logged in or logging in, and while a login is the
    /// last of the logins and logouts accepted and not yet carried out (they run after it).
    pub fn require_login(&self) -> Result<(), CallError> {
        if self.accepting.load(Ordering::Acquire) { Ok(()) } else { Err(CallError::NotLogin) }
    }

    fn lock(&self) -> MutexGuard<'_, Lifecycle> {
        self.lifecycle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the lifecycle and publishes the outcome, under the lock.
    fn change<R>(&self, change: impl FnOnce(&mut Lifecycle) -> R) -> R {
        let mut lifecycle = self.lock();
        let result = change(&mut lifecycle);
        self.status.store(lifecycle.reported().value(), Ordering::Release);
        self.accepting.store(lifecycle.accepts_calls(), Ordering::Release);
        result
    }

    /// Accepts a login: `queue` sends its command to the actor, under the lock, so that a call
    /// another thread makes once it sees the login accepted is queued behind it.
    pub(crate) fn accept_login(
        &self,
        queue: impl FnOnce() -> Result<(), CallError>,
    ) -> Result<(), CallError> {
        self.change(|lifecycle| {
            queue()?;
            lifecycle.queued_logins += 1;
            lifecycle.last_accepted = Some(Accepted::Login);
            Ok(())
        })
    }

    /// Accepts a logout if someone is logged in or logging in, or a login is the last operation
    /// accepted (of two logouts at once, one is): `queue` sends its command to the actor under
    /// the lock. The status becomes "logging out".
    pub(crate) fn accept_logout(
        &self,
        queue: impl FnOnce() -> Result<(), CallError>,
    ) -> Result<(), CallError> {
        self.change(|lifecycle| {
            if !lifecycle.accepts_calls() {
                return Err(CallError::NotLogin);
            }
            queue()?;
            lifecycle.pending_logouts += 1;
            lifecycle.last_accepted = Some(Accepted::Logout);
            lifecycle.status = Status::Logouting;
            Ok(())
        })
    }

    /// The actor takes a queued login up (whether it opens a store or answers at once): from
    /// "not logged in" the status becomes "logging in"; a logout accepted meanwhile keeps
    /// "logging out" until it completes.
    pub(crate) fn take_up_login(&self) {
        self.change(|lifecycle| {
            lifecycle.queued_logins = lifecycle.queued_logins.saturating_sub(1);
            if lifecycle.status == Status::UnLogined {
                lifecycle.status = Status::Logining;
            }
        });
    }

    /// A login completed. A logout accepted after it (while it was queued or ran) keeps, or
    /// makes, the status "logging out".
    pub(crate) fn logged_in(&self, user_id: &str, user_sig: &str) {
        *self.user_id.lock().unwrap_or_else(|e| e.into_inner()) = Some(user_id.to_owned());
        *self.user_sig.lock().unwrap_or_else(|e| e.into_inner()) = Some(user_sig.to_owned());
        self.change(|lifecycle| {
            lifecycle.status =
                if lifecycle.pending_logouts > 0 { Status::Logouting } else { Status::Logined };
        });
    }

    /// A login failed: "not logged in", unless a logout accepted after it is still to run.
    pub(crate) fn login_failed(&self) {
        self.change(|lifecycle| {
            if lifecycle.status == Status::Logining {
                lifecycle.status = Status::UnLogined;
            }
        });
    }

    /// The actor starts a logout.
    pub(crate) fn logging_out(&self) {
        self.change(|lifecycle| lifecycle.status = Status::Logouting);
    }

    /// A logout completed, or found nobody logged in (the login before it failed).
    pub(crate) fn logged_out(&self) {
        *self.user_id.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self.user_sig.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.change(|lifecycle| {
            lifecycle.pending_logouts = lifecycle.pending_logouts.saturating_sub(1);
            lifecycle.status = Status::UnLogined;
        });
    }

    /// The SDK stopped: nobody logged in, and nothing queued (commands the actor never read
    /// were dropped).
    pub(crate) fn stopped(&self) {
        *self.user_id.lock().unwrap_or_else(|e| e.into_inner()) = None;
        *self.user_sig.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.change(|lifecycle| *lifecycle = Lifecycle::default());
    }

    /// The user signature of the current login.
    pub fn user_sig(&self) -> Option<String> {
        self.user_sig.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn begin_stop(&self) {
        self.stopping.store(true, Ordering::Release);
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two threads run `a` and `b` on a fresh session each round, as close together as they
    /// can; returns, per round, whether each returned `true`.
    fn race(
        rounds: usize,
        fresh: impl Fn() -> Session + Sync,
        a: impl Fn(&Session) -> bool + Sync,
        b: impl Fn(&Session) -> bool + Sync,
    ) -> Vec<(bool, bool, Session)> {
        (0..rounds)
            .map(|_| {
                let session = fresh();
                let barrier = std::sync::Barrier::new(2);
                let (x, y) = std::thread::scope(|scope| {
                    let left = scope.spawn(|| {
                        barrier.wait();
                        a(&session)
                    });
                    barrier.wait();
                    let right = b(&session);
                    (left.join().unwrap(), right)
                });
                (x, y, session)
            })
            .collect()
    }

    fn logging_in() -> Session {
        let session = Session::default();
        session.accept_login(|| Ok(())).unwrap();
        session.take_up_login();
        session
    }

    fn logged_in() -> Session {
        let session = logging_in();
        session.logged_in("alice", "");
        session
    }

    #[test]
    fn a_logout_racing_the_end_of_a_login_is_accepted_and_the_status_says_logging_out() {
        for (_, accepted, session) in race(
            2000,
            logging_in,
            |s| {
                s.logged_in("alice", "");
                true
            },
            |s| s.accept_logout(|| Ok(())).is_ok(),
        ) {
            assert!(accepted, "a logout during a login is accepted");
            assert_eq!(session.status(), LoginStatus::Logouting);
            assert!(session.require_login().is_err());
        }
    }

    #[test]
    fn of_two_logouts_at_once_one_is_accepted() {
        let logout = |s: &Session| s.accept_logout(|| Ok(())).is_ok();
        for (a, b, session) in race(2000, logged_in, logout, logout) {
            assert!(a != b, "exactly one accepted: {a} {b}");
            assert_eq!(session.status(), LoginStatus::Logouting);
        }
    }

    #[test]
    fn calls_follow_the_last_login_or_logout_accepted() {
        let session = logged_in();
        session.accept_logout(|| Ok(())).unwrap();
        assert!(session.require_login().is_err());
        session.accept_login(|| Ok(())).unwrap();
        assert!(session.require_login().is_ok(), "behind a queued login");
        assert_eq!(session.status(), LoginStatus::Logouting, "the logout still runs");
        session.accept_logout(|| Ok(())).unwrap();
        assert!(session.require_login().is_err());
        // The actor: the first logout, then the login, then the second logout.
        session.logging_out();
        session.logged_out();
        assert_eq!(session.status(), LoginStatus::Logining, "a login is queued");
        session.take_up_login();
        session.logged_in("bob", "");
        assert_eq!(session.status(), LoginStatus::Logouting, "a logout accepted after it is pending");
        session.logging_out();
        session.logged_out();
        assert_eq!(session.status(), LoginStatus::UnLogined);
        assert!(session.require_login().is_err());
        assert!(session.accept_logout(|| Ok(())).is_err(), "nobody to log out");
    }

    #[test]
    fn a_login_or_logout_that_could_not_be_queued_changes_nothing() {
        let session = logged_in();
        assert!(session.accept_logout(|| Err(CallError::SdkUninit)).is_err());
        assert_eq!(session.status(), LoginStatus::Logined);
        assert!(session.require_login().is_ok());
        let session = Session::default();
        assert!(session.accept_login(|| Err(CallError::SdkUninit)).is_err());
        assert_eq!(session.status(), LoginStatus::UnLogined);
        assert!(session.require_login().is_err());
    }
}
