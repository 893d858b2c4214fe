//! The callback thread and the exactly-once completion handle.
//!
//! Every callback the SDK makes to application code runs on one thread, `tim-callback`, in the
//! order the work was queued. That gives the C contract: never inside the call, in call order,
//! and a slow or re-entrant callback never blocks the conversation actor.
//!
//! A [`Completion`] is created for every accepted call. Calling it, or dropping it unanswered
//! (for example when the SDK shuts down with the call still queued), runs its function exactly
//! once: a dropped completion answers [`TimError::shut_down`].

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, ThreadId};

use crate::error::TimError;

/// Work for the callback thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

enum Work {
    Run(Job),
    Stop,
}

thread_local! {
    static ON_CALLBACK_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Set once a callback thread has run its last job and is exiting.
#[derive(Default)]
struct Exited {
    done: Mutex<bool>,
    signal: Condvar,
}

impl Exited {
    fn set(&self) {
        *self.done.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.signal.notify_all();
    }

    fn wait(&self) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        while !*done {
            done = self.signal.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Callback threads being stopped, still finishing their queues: each with its lineage, the thread
/// that stopped it and its own. A callback thread started next in the same lineage waits for them
/// before running anything, so that an uninit followed by a new init (inside a callback, or on
/// another thread meanwhile) never makes two threads call the application at once, nor the new
/// instance's callbacks come before the old one's queued ones: one started from inside a callback
/// waits for those that callback's thread stopped and for that thread itself, if it is being
/// stopped (by another thread, which waits for it: an init inside its last callbacks); one started
/// elsewhere, for all of them. Why by lineage: instances that do not succeed one another (two
/// accounts of a Rust app) must not wait for each other; one shutting down while its last callback
/// waits for an answer from the other, started meanwhile, would wait forever. (A thread exiting
/// removes itself.)
static FINISHING: Mutex<Vec<Finishing>> = Mutex::new(Vec::new());

/// An entry of [`FINISHING`].
struct Finishing {
    lineage: Arc<str>,
    stopper: ThreadId,
    thread: ThreadId,
    exited: Arc<Exited>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the current thread is the SDK's callback thread (a call made from inside a callback).
pub fn on_callback_thread() -> bool {
    ON_CALLBACK_THREAD.with(Cell::get)
}

/// Waits until every callback thread of `lineage` stopped from inside a callback has run what it
/// had queued and exited: an uninit outside the callbacks, after one made inside one, returns once
/// no callback of the instance it stopped can still run. At once on a callback thread (it cannot
/// wait for itself, nor for a thread that may be waiting for it).
pub fn wait_for_finishing_callback_threads(lineage: &str) {
    if on_callback_thread() {
        return;
    }
    let finishing: Vec<Arc<Exited>> =
        lock(&FINISHING).iter().filter(|f| &*f.lineage == lineage).map(|f| f.exited.clone()).collect();
    for exited in finishing {
        exited.wait();
    }
}

/// A handle for queueing work onto the callback thread.
#[derive(Clone)]
pub struct Dispatcher {
    queue: flume::Sender<Work>,
}

/// Owns the callback thread; [`CallbackThread::stop`] runs what is queued, then joins it.
pub struct CallbackThread {
    lineage: Arc<str>,
    queue: flume::Sender<Work>,
    handle: Option<JoinHandle<()>>,
    exited: Arc<Exited>,
}

impl CallbackThread {
    /// Starts the callback thread of an instance of `lineage`: instances that succeed one another
    /// share one, and a new one's thread runs nothing before the callback threads of its lineage
    /// being stopped have exited.
    pub fn start(lineage: &str) -> std::io::Result<(Self, Dispatcher)> {
        let (queue, jobs) = flume::unbounded::<Work>();
        let here = thread::current().id();
        let inside_a_callback = on_callback_thread();
        let lineage: Arc<str> = lineage.into();
        let previous: Vec<Arc<Exited>> = lock(&FINISHING)
            .iter()
            .filter(|f| f.lineage == lineage)
            .filter(|f| !inside_a_callback || f.stopper == here || f.thread == here)
            .map(|f| f.exited.clone())
            .collect();
        let exited = Arc::new(Exited::default());
        let exiting = exited.clone();
        let handle = thread::Builder::new().name("tim-callback".into()).spawn(move || {
            ON_CALLBACK_THREAD.with(|flag| flag.set(true));
            for finishing in previous {
                finishing.wait();
            }
            while let Ok(Work::Run(job)) = jobs.recv() {
                // A panicking callback must not take the thread (and every later callback) down.
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
            // Done first, then out of the list: a stop that looks after this sees it done and
            // adds nothing; one that added it before is undone here.
            exiting.set();
            lock(&FINISHING).retain(|f| !Arc::ptr_eq(&f.exited, &exiting));
        })?;
        let dispatcher = Dispatcher { queue: queue.clone() };
        Ok((CallbackThread { lineage, queue, handle: Some(handle), exited }, dispatcher))
    }

    /// Runs everything queued so far, then stops the thread. When called from the callback thread
    /// itself (an uninit inside a callback) it cannot wait for itself: the thread finishes the
    /// queue after the current callback returns.
    pub fn stop(self) {
        self.begin_stop().finish();
    }

    /// Queues the stop behind everything queued so far and lists the thread as finishing until
    /// it exits, so that a callback thread started from now on waits for it;
    /// [`StoppingThread::finish`] then waits for it to exit.
    pub fn begin_stop(mut self) -> StoppingThread {
        let _ = self.queue.send(Work::Stop);
        let handle = self.handle.take();
        if let Some(handle) = &handle {
            let mut finishing = lock(&FINISHING);
            if !self.exited.done.lock().map(|done| *done).unwrap_or(true) {
                let stopper = thread::current().id();
                finishing.push(Finishing {
                    lineage: self.lineage.clone(),
                    stopper,
                    thread: handle.thread().id(),
                    exited: self.exited.clone(),
                });
            }
        }
        StoppingThread { handle }
    }
}

/// A callback thread told to stop ([`CallbackThread::begin_stop`]).
pub struct StoppingThread {
    handle: Option<JoinHandle<()>>,
}

impl StoppingThread {
    /// Waits for the thread to run its queue and exit; on the callback thread itself (or, in a Rust
    /// app running several instances, another's) it finishes on its own.
    pub fn finish(mut self) {
        if let Some(handle) = self.handle.take() {
            if on_callback_thread() {
                drop(handle);
            } else {
                let _ = handle.join();
            }
        }
    }
}

impl Dispatcher {
    /// Queues `job` to run on the callback thread. If the thread is gone (the SDK was shut down)
    /// the job runs here, so that nothing promised is ever skipped.
    pub fn dispatch(&self, job: impl FnOnce() + Send + 'static) {
        if let Err(job) = self.try_dispatch(job) {
            let _ = catch_unwind(AssertUnwindSafe(job));
        }
    }

    /// Queues `job` to run on the callback thread; gives it back if the thread is gone (for a
    /// job that must not run on the caller's thread).
    pub fn try_dispatch(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Job> {
        match self.queue.send(Work::Run(Box::new(job))) {
            Ok(()) => Ok(()),
            Err(flume::SendError(Work::Run(job))) => Err(job),
            Err(flume::SendError(Work::Stop)) => Ok(()),
        }
    }
}

type Answer<T> = Box<dyn FnOnce(Result<T, TimError>) + Send + 'static>;

/// How a completion delivers its answer.
enum Delivery {
    /// On the callback thread, in queue order (callbacks to application code).
    Dispatched(Dispatcher),
    /// Right where it is answered (a channel send to a waiting caller; never blocks).
    Direct,
}

/// The answer to one accepted call: runs its function exactly once.
pub struct Completion<T: Send + 'static> {
    answer: Option<Answer<T>>,
    delivery: Delivery,
    /// The thread blocked until this answer comes (a synchronous call): once answered, it is
    /// likely to call again at once, which group commit takes into account.
    blocked_caller: Option<ThreadId>,
}

impl<T: Send + 'static> Completion<T> {
    /// A completion whose function runs on the callback thread.
    pub fn dispatched(
        dispatcher: &Dispatcher,
        answer: impl FnOnce(Result<T, TimError>) + Send + 'static,
    ) -> Self {
        Completion {
            answer: Some(Box::new(answer)),
            delivery: Delivery::Dispatched(dispatcher.clone()),
            blocked_caller: None,
        }
    }

    /// A completion whose function runs where it is answered; use only for functions that never
    /// block (a send on an unbounded or one-slot channel).
    pub fn direct(answer: impl FnOnce(Result<T, TimError>) + Send + 'static) -> Self {
        Completion { answer: Some(Box::new(answer)), delivery: Delivery::Direct, blocked_caller: None }
    }

    /// Like [`Self::direct`], for the answer the current thread is about to block on (a
    /// synchronous call).
    pub fn direct_to_blocked_caller(answer: impl FnOnce(Result<T, TimError>) + Send + 'static) -> Self {
        Completion {
            answer: Some(Box::new(answer)),
            delivery: Delivery::Direct,
            blocked_caller: Some(thread::current().id()),
        }
    }

    /// The thread blocked until this answer comes, if one is.
    pub fn blocked_caller(&self) -> Option<ThreadId> {
        self.blocked_caller
    }

    /// Answers the call.
    pub fn complete(mut self, result: Result<T, TimError>) {
        self.deliver(result);
    }

    /// Forgets the call without answering: only for a call that was refused before it was queued,
    /// whose caller was told so synchronously.
    pub fn disarm(mut self) {
        self.answer = None;
    }

    fn deliver(&mut self, result: Result<T, TimError>) {
        let Some(answer) = self.answer.take() else { return };
        match &self.delivery {
            Delivery::Dispatched(dispatcher) => dispatcher.dispatch(move || answer(result)),
            Delivery::Direct => answer(result),
        }
    }
}

impl<T: Send + 'static> Drop for Completion<T> {
    fn drop(&mut self) {
        self.deliver(Err(TimError::shut_down()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    const LINEAGE: &str = "dispatch tests";

    #[test]
    fn dispatched_work_runs_in_order_on_the_callback_thread() {
        let (thread, dispatcher) = CallbackThread::start(LINEAGE).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..100 {
            let seen = seen.clone();
            dispatcher.dispatch(move || {
                assert!(on_callback_thread());
                seen.lock().unwrap().push(i);
            });
        }
        thread.stop();
        assert_eq!(*seen.lock().unwrap(), (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_dropped_completion_answers_once_with_the_shutdown_error() {
        let (thread, dispatcher) = CallbackThread::start(LINEAGE).unwrap();
        let answers = Arc::new(Mutex::new(Vec::new()));
        let sink = answers.clone();
        let completion = Completion::<u32>::dispatched(&dispatcher, move |r| sink.lock().unwrap().push(r));
        drop(completion);
        let sink = answers.clone();
        Completion::<u32>::dispatched(&dispatcher, move |r| sink.lock().unwrap().push(r)).complete(Ok(7));
        let sink = answers.clone();
        Completion::<u32>::dispatched(&dispatcher, move |r| sink.lock().unwrap().push(r)).disarm();
        thread.stop();
        assert_eq!(*answers.lock().unwrap(), vec![Err(TimError::shut_down()), Ok(7)]);
    }

    #[test]
    fn a_callback_thread_started_inside_a_callback_waits_for_the_stopping_one() {
        // An uninit and a new init inside one callback: the new thread must not call back while
        // the old one still runs the current callback and what was queued behind it.
        let (first, dispatcher) = CallbackThread::start(LINEAGE).unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = Arc::new(Mutex::new(Some(first)));
        let (started, second) = flume::bounded(1);
        let (queued, go) = flume::bounded::<()>(1);
        let (seen, in_callback) = (order.clone(), first.clone());
        dispatcher.dispatch(move || {
            // The job queued behind this one must be in the queue before the stop is.
            go.recv().unwrap();
            in_callback.lock().unwrap().take().unwrap().stop();
            let (thread, next) = CallbackThread::start(LINEAGE).unwrap();
            let log = seen.clone();
            next.dispatch(move || log.lock().unwrap().push("second thread"));
            std::thread::sleep(std::time::Duration::from_millis(50));
            seen.lock().unwrap().push("first thread, in the callback");
            started.send(thread).unwrap();
        });
        let log = order.clone();
        dispatcher.dispatch(move || log.lock().unwrap().push("first thread, queued behind"));
        queued.send(()).unwrap();
        second.recv().unwrap().stop();
        assert_eq!(
            *order.lock().unwrap(),
            ["first thread, in the callback", "first thread, queued behind", "second thread"]
        );
    }

    #[test]
    fn a_callback_thread_started_elsewhere_waits_for_one_stopping_inside_a_callback() {
        // An uninit inside a callback, then an init on another thread: the same rule.
        let (first, dispatcher) = CallbackThread::start(LINEAGE).unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = Arc::new(Mutex::new(Some(first)));
        let (queued, go) = flume::bounded::<()>(1);
        let (stopped, has_stopped) = flume::bounded::<()>(1);
        let (seen, in_callback) = (order.clone(), first.clone());
        dispatcher.dispatch(move || {
            go.recv().unwrap();
            in_callback.lock().unwrap().take().unwrap().stop();
            stopped.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(50));
            seen.lock().unwrap().push("first thread, in the callback");
        });
        let log = order.clone();
        dispatcher.dispatch(move || log.lock().unwrap().push("first thread, queued behind"));
        queued.send(()).unwrap();
        has_stopped.recv().unwrap();
        let (second, next) = CallbackThread::start(LINEAGE).unwrap();
        let log = order.clone();
        next.dispatch(move || log.lock().unwrap().push("second thread"));
        second.stop();
        assert_eq!(
            *order.lock().unwrap(),
            ["first thread, in the callback", "first thread, queued behind", "second thread"]
        );
    }

    #[test]
    fn a_callback_thread_of_another_lineage_does_not_wait_for_one_stopping() {
        // Two accounts of one app: the first stops while its callback waits for the second,
        // started meanwhile, to call back. Waiting for the first, the second never would.
        let (first, dispatcher) = CallbackThread::start("first account").unwrap();
        let first = Arc::new(Mutex::new(Some(first)));
        let (stopped, has_stopped) = flume::bounded::<()>(1);
        let (answered, answer) = flume::bounded::<bool>(1);
        let (to_second, second_dispatcher) = flume::bounded::<Dispatcher>(1);
        let in_callback = first.clone();
        dispatcher.dispatch(move || {
            in_callback.lock().unwrap().take().unwrap().stop();
            stopped.send(()).unwrap();
            let second = second_dispatcher.recv().unwrap();
            let (called_back, wait) = flume::bounded::<()>(1);
            second.dispatch(move || called_back.send(()).unwrap());
            answered.send(wait.recv_timeout(std::time::Duration::from_secs(10)).is_ok()).unwrap();
        });
        has_stopped.recv().unwrap();
        let (second, next) = CallbackThread::start("second account").unwrap();
        to_second.send(next).unwrap();
        assert!(answer.recv().unwrap(), "the second account's callback waited for the first's thread");
        second.stop();
    }

    #[test]
    fn a_panicking_callback_does_not_stop_the_thread() {
        let (thread, dispatcher) = CallbackThread::start(LINEAGE).unwrap();
        let ran = Arc::new(Mutex::new(false));
        dispatcher.dispatch(|| panic!("app bug"));
        let flag = ran.clone();
        dispatcher.dispatch(move || *flag.lock().unwrap() = true);
        thread.stop();
        assert!(*ran.lock().unwrap());
    }
}
