//! A live page of rows for one subscriber: waits for its kind's cache to
//! change, at most every [`COALESCE`], recomputes the page the subscriber
//! asked for (with its own authorisation) and yields only the row diff.
//! Recomputing a page from the cache's indexes is cheap, so hundreds of
//! streams share one upstream watch without a per-stream copy of the list.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch as signal;

use crate::authz::{Subject, authorize};
use crate::cluster::Cluster;
use crate::diff::{PageDiff, SentPage};
use crate::gateway::{list_action, page};
use crate::query::ListQuery;
use crate::selector::LabelSelector;
use crate::watch::{KindWatch, ViewerGuard};

/// Bursts of changes within this interval are sent as one diff.
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
        }
    }

    /// The next diff: the whole first page at once, then whenever the page
    /// changes. `None` when the watch is gone or the subject may no longer
    /// list the kind.
    pub async fn next(&mut self) -> Option<PageDiff> {
        loop {
            if self.sent.is_some() {
                self.changes.changed().await.ok()?;
                tokio::time::sleep(COALESCE).await;
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
                    return Some(diff.unwrap_or_else(|| PageDiff {
                        order: Some(Vec::new()),
                        total: page.total,
                        sync: page.sync,
                        ..PageDiff::default()
                    }));
                }
                Some(sent) => {
                    if let Some(diff) = sent.advance(&page.rows, page.total, page.sync) {
                        return Some(diff);
                    }
                }
            }
        }
    }
}
