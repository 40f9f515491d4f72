//! Time limits, so that a test waiting for something that never happens
//! fails with a message naming what it waited for instead of hanging the
//! run (once, a run of `faults.rs` spun for 14 minutes).
//!
//! Two layers:
//!
//! * [`within`] limits one await and names it. Every waiting helper in
//!   `common` (kubectl, watches, polling, kube-rs requests) goes through
//!   it, and tests use it for what they await directly.
//! * [`TestLimit`] limits the whole test from an OS thread of its own:
//!   it catches what `within` cannot, an await nobody named, code stuck
//!   outside any await, or a runtime whose workers are all busy so its
//!   timers never fire. [`super::start_with`] arms one for every test with
//!   a simulator; tests without one arm it themselves.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::future::Future;
use std::io::Write as _;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// The most a whole test may take. Far above any test's normal run
/// (under a minute on a loaded 2-core machine), and above the
/// longest single limited wait, so [`within`]'s more precise message
/// normally comes first.
pub const TEST_LIMIT: Duration = Duration::from_secs(300);

/// Awaits `fut`, panicking with "timed out after {limit} waiting for
/// {what}" if it has not finished within `limit`. Dropping `fut` on
/// timeout also ends what it owns (a kubectl child with `kill_on_drop`,
/// a watch connection). While it waits, `what` is the step the
/// [`TestLimit`] watchdog reports.
pub async fn within<T>(what: &str, limit: Duration, fut: impl Future<Output = T>) -> T {
    let _step = Step::begin(what);
    match tokio::time::timeout(limit, fut).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {limit:?} waiting for {what}"),
    }
}

thread_local! {
    /// The steps of the test running on this thread while it holds a
    /// [`TestLimit`] (which owns them). A test's body runs on its own
    /// thread; tasks it spawns do not, so their waits are not recorded
    /// (they have limits of their own).
    static STEPS: RefCell<Weak<Steps>> = const { RefCell::new(Weak::new()) };
}

/// What one test is waiting for, for the watchdog's message.
#[derive(Default)]
struct Steps(Mutex<StepLog>);

#[derive(Default)]
struct StepLog {
    next_id: u64,
    /// Named waits in progress, outermost first: (id, what, since).
    open: Vec<(u64, String, Instant)>,
    /// The last named wait to end, and when.
    last: Option<(String, Instant)>,
}

/// A named wait in progress; ends when dropped (done, timed out or
/// cancelled).
struct Step {
    steps: Option<Arc<Steps>>,
    id: u64,
}

impl Step {
    fn begin(what: &str) -> Step {
        let steps = STEPS.try_with(|s| s.borrow().upgrade()).ok().flatten();
        let id = steps.as_ref().map_or(0, |s| {
            let mut log = s.0.lock().unwrap_or_else(|e| e.into_inner());
            log.next_id += 1;
            let id = log.next_id;
            log.open.push((id, what.to_owned(), Instant::now()));
            id
        });
        Step { steps, id }
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        let Some(steps) = &self.steps else { return };
        let mut log = steps.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = log.open.iter().position(|(id, ..)| *id == self.id) {
            let (_, what, _) = log.open.remove(i);
            log.last = Some((what, Instant::now()));
        }
    }
}

impl Steps {
    /// The watchdog's message: the test, and the named waits in progress
    /// or, if there are none, the last one that ended.
    fn report(&self, test: &str, limit: Duration) -> String {
        let log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut msg = format!("test {test} did not finish within {limit:?};");
        if log.open.is_empty() {
            match &log.last {
                Some((what, at)) => write!(
                    msg,
                    " it is stuck after waiting for {what} (done {:.1?} ago), in an \
                     unnamed await or in code that never yields",
                    at.elapsed()
                ),
                None => write!(msg, " it is stuck before its first named wait"),
            }
            .expect("write to a String");
        } else {
            for (_, what, since) in &log.open {
                write!(msg, "\n  waiting for {what} (for {:.1?})", since.elapsed())
                    .expect("write to a String");
            }
        }
        msg
    }
}

/// A watchdog for one test: unless dropped within its limit, it prints
/// which test hung and what it was waiting for, then aborts the test
/// process. Aborting is the only way to stop a thread stuck in code that
/// never yields; it also ends the other tests of that binary, which is
/// better than a run that never finishes.
pub struct TestLimit {
    /// Dropping it disconnects the watchdog's channel: the test ended.
    _disarm: mpsc::Sender<()>,
    _steps: Arc<Steps>,
}

impl TestLimit {
    /// Arms a watchdog for the test running on this thread (named after
    /// the thread, which the test harness names after the test). A second
    /// limit armed while the first is held shares its record of steps.
    pub fn arm(limit: Duration) -> TestLimit {
        let test = std::thread::current()
            .name()
            .unwrap_or("(unnamed)")
            .to_owned();
        let steps = STEPS.with(|s| {
            let mut s = s.borrow_mut();
            s.upgrade().unwrap_or_else(|| {
                let fresh = Arc::new(Steps::default());
                *s = Arc::downgrade(&fresh);
                fresh
            })
        });
        let (disarm, disarmed) = mpsc::channel::<()>();
        let watched = Arc::downgrade(&steps);
        std::thread::Builder::new()
            .name(format!("limit of {test}"))
            .spawn(move || watch(&disarmed, limit, &test, &watched))
            .expect("the watchdog thread starts");
        TestLimit {
            _disarm: disarm,
            _steps: steps,
        }
    }
}

/// The watchdog thread: returns once the test drops its [`TestLimit`];
/// aborts the process with [`Steps::report`] if that has not happened
/// within `limit`.
fn watch(disarmed: &mpsc::Receiver<()>, limit: Duration, test: &str, steps: &Weak<Steps>) {
    if let Err(RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
        let report = steps.upgrade().map_or_else(
            || format!("test {test} did not finish within {limit:?}"),
            |s| s.report(test, limit),
        );
        // Straight to the process's stderr: the harness captures `eprintln!`
        // and would lose it with the process.
        let _ = writeln!(std::io::stderr(), "\n{report}\n");
        std::process::abort();
    }
}
