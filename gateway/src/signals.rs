//! Waiting on several change signals at once: a live summary (the
//! Overview, the cluster picker, a diagram) is computed again only when a
//! cluster's state or one of the caches it reads has changed, instead of
//! on a timer for every viewer.

use tokio::sync::watch as signal;

/// The change signals of what one live view reads.
#[derive(Default)]
pub struct Signals(Vec<signal::Receiver<u64>>);

impl Signals {
    /// Signals that have seen nothing yet: the first change of any wakes.
    pub fn new(receivers: Vec<signal::Receiver<u64>>) -> Self {
        Self(receivers)
    }

    /// Waits until any signal has changed since the last wait (or since
    /// it was subscribed); false when a signal's sender is gone (its
    /// cache or cluster was dropped). With no signal at all it waits
    /// forever, as there is nothing that could change.
    pub async fn changed(&mut self) -> bool {
        if self.0.is_empty() {
            std::future::pending::<()>().await;
        }
        let waits = self.0.iter_mut().map(|rx| Box::pin(rx.changed()));
        let (result, _, _) = futures::future::select_all(waits).await;
        result.is_ok()
    }

    /// Marks every signal's current value as seen, so changes that came
    /// during a coalescing pause wake nobody again.
    pub fn mark_seen(&mut self) {
        for rx in &mut self.0 {
            rx.borrow_and_update();
        }
    }
}
