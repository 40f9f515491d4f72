//! A live page of rows for one subscriber: waits for its kind's cache to
//! change (the first change after a quiet spell at once, a burst at most
//! every [`COALESCE`]), recomputes the page the subscriber
//! asked for (with its own authorisation) and yields only the row diff.
//! Recomputing a page from the cache's indexes is cheap, so hundreds of
//! streams share one upstream watch without a per-stream copy of the list.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch as signal;
use tokio::time::Instant;

use crate::authz::{Subject, authorize};
use crate::cluster::Cluster;
use crate::diff::{PageDiff, SentPage};
use crate::gateway::{list_action, page};
use crate::query::ListQuery;
use crate::selector::LabelSelector;
use crate::watch::{KindWatch, ViewerGuard};

/// Changes within this interval of the last diff are sent as one diff.
pub const COALESCE: Duration = Duration::from_millis(100);

/// One subscriber's live page.
pub struct LiveList {
    subject: Subject,
    cluster: Arc<Cluster>,
    viewer: ViewerGuard,
    query: ListQuery,
    selector: LabelSelector,
    changes: signal::Receiver<u64>,
    sent: Option<SentPage>,
    /// When the last diff went out.
    last_sent: Option<Instant>,
}

impl LiveList {
    pub(crate) fn new(
        subject: Subject,
        cluster: Arc<Cluster>,
        watch: Arc<KindWatch>,
        query: ListQuery,
        selector: LabelSelector,
    ) -> Self {
        let changes = watch.subscribe();
        Self {
            subject,
            cluster,
            viewer: watch.viewer(),
            query,
            selector,
            changes,
            sent: None,
            last_sent: None,
        }
    }

    /// The next diff: the whole first page at once, then whenever the page
    /// changes. `None` when the watch is gone or the subject may no longer
    /// list the kind.
    pub async fn next(&mut self) -> Option<PageDiff> {
        loop {
            if self.sent.is_some() {
                self.changes.changed().await.ok()?;
                if let Some(last) = self.last_sent {
                    tokio::time::sleep_until(last + COALESCE).await;
                }
                self.changes.borrow_and_update();
            }
            let watch = self.viewer.watch().clone();
            let action = list_action(
                self.cluster.name(),
                &watch.info,
                self.query.namespace.as_deref(),
            );
            if !authorize(&self.subject, &action).allowed() {
                return None;
            }
            let page = page(
                &self.subject,
                &self.cluster,
                &watch,
                &self.query,
                &self.selector,
            );
            match &mut self.sent {
                None => {
                    let mut sent = SentPage::default();
                    let diff = sent.advance(&page.rows, page.total, page.sync.clone());
                    self.sent = Some(sent);
                    self.last_sent = Some(Instant::now());
                    return Some(diff.unwrap_or_else(|| PageDiff {
                        order: Some(Vec::new()),
                        total: page.total,
                        sync: page.sync,
                        ..PageDiff::default()
                    }));
                }
                Some(sent) => {
                    if let Some(diff) = sent.advance(&page.rows, page.total, page.sync) {
                        self.last_sent = Some(Instant::now());
                        return Some(diff);
                    }
                }
            }
        }
    }
}
