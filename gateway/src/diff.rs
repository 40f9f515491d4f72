//! Row-level changes of a page of rows, as a live view sends them: rows
//! added or modified, uids removed, and the new order when it changed.
//! Never whole lists: a page that did not change sends nothing.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::query::SyncState;
use crate::row::Row;

/// What changed on a page since the last diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PageDiff {
    /// Rows new to the page or changed.
    pub upserts: Vec<Row>,
    /// Uids no longer on the page.
    pub removes: Vec<String>,
    /// The page's uids in order, when the order or membership changed.
    pub order: Option<Vec<String>>,
    /// Matching rows across all pages.
    pub total: usize,
    pub sync: SyncState,
}

impl PageDiff {
    /// Whether there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty() && self.removes.is_empty() && self.order.is_none()
    }
}

/// What a view last sent, to diff the next page against.
#[derive(Debug, Default)]
pub struct SentPage {
    rows: HashMap<String, Arc<Row>>,
    order: Vec<String>,
    total: usize,
    sync: SyncState,
}

impl SentPage {
    /// Remembers `rows` as sent (the page the browser rendered first).
    pub fn new(rows: &[Arc<Row>], total: usize, sync: SyncState) -> Self {
        Self {
            rows: rows.iter().map(|r| (r.uid.clone(), r.clone())).collect(),
            order: rows.iter().map(|r| r.uid.clone()).collect(),
            total,
            sync,
        }
    }

    /// The diff from what was sent to `rows`, and remembers `rows`.
    pub fn advance(
        &mut self,
        rows: &[Arc<Row>],
        total: usize,
        sync: SyncState,
    ) -> Option<PageDiff> {
        let order: Vec<String> = rows.iter().map(|r| r.uid.clone()).collect();
        let upserts: Vec<Row> = rows
            .iter()
            .filter(|r| {
                self.rows
                    .get(&r.uid)
                    .is_none_or(|old| !Arc::ptr_eq(old, r) && **old != ***r)
            })
            .map(|r| (**r).clone())
            .collect();
        let removes: Vec<String> = self
            .order
            .iter()
            .filter(|uid| !order.contains(uid))
            .cloned()
            .collect();
        let order_changed = order != self.order;
        let diff = PageDiff {
            upserts,
            removes,
            order: order_changed.then(|| order.clone()),
            total,
            sync: sync.clone(),
        };
        let changed = !diff.is_empty() || total != self.total || sync != self.sync;
        *self = SentPage {
            rows: rows.iter().map(|r| (r.uid.clone(), r.clone())).collect(),
            order,
            total,
            sync,
        };
        changed.then_some(diff)
    }
}

/// Applies `diff` to the rows a page shows (the browser's side of
/// [`SentPage::advance`]): removed rows go, upserted rows replace theirs or
/// join, and the order follows the diff's when it has one.
pub fn apply(rows: &mut Vec<Row>, diff: &PageDiff) {
    let order: Vec<String> = match &diff.order {
        Some(order) => order.clone(),
        None => rows.iter().map(|r| r.uid.clone()).collect(),
    };
    let mut by_uid: HashMap<String, Row> = rows.drain(..).map(|r| (r.uid.clone(), r)).collect();
    for uid in &diff.removes {
        by_uid.remove(uid);
    }
    for row in &diff.upserts {
        by_uid.insert(row.uid.clone(), row.clone());
    }
    *rows = order.iter().filter_map(|uid| by_uid.remove(uid)).collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(uid: &str, status: &str) -> Arc<Row> {
        Arc::new(Row {
            uid: uid.into(),
            name: uid.into(),
            status: status.into(),
            ..Row::default()
        })
    }

    #[test]
    fn only_what_changed_is_sent() {
        let (a, b, c) = (
            row("a", "Running"),
            row("b", "Pending"),
            row("c", "Running"),
        );
        let mut sent = SentPage::new(&[a.clone(), b.clone()], 2, SyncState::Synced);
        assert_eq!(
            sent.advance(&[a.clone(), b.clone()], 2, SyncState::Synced),
            None
        );

        let b2 = row("b", "Running");
        let diff = sent
            .advance(&[a.clone(), b2.clone()], 2, SyncState::Synced)
            .unwrap();
        assert_eq!(diff.upserts, vec![(*b2).clone()]);
        assert!(diff.removes.is_empty() && diff.order.is_none());

        let diff = sent
            .advance(&[c.clone(), a.clone()], 2, SyncState::Synced)
            .unwrap();
        assert_eq!(diff.upserts, vec![(*c).clone()]);
        assert_eq!(diff.removes, vec!["b".to_string()]);
        assert_eq!(diff.order, Some(vec!["c".to_string(), "a".to_string()]));
    }

    #[test]
    fn applying_the_diffs_gives_the_same_page_as_the_server() {
        let (a, b, c) = (
            row("a", "Running"),
            row("b", "Pending"),
            row("c", "Running"),
        );
        let mut sent = SentPage::default();
        let mut shown: Vec<Row> = Vec::new();
        let pages = [
            vec![a.clone(), b.clone()],
            vec![a.clone(), row("b", "Running")],
            vec![c.clone(), a.clone()],
            vec![],
            vec![b.clone()],
        ];
        for page in pages {
            if let Some(diff) = sent.advance(&page, page.len(), SyncState::Synced) {
                apply(&mut shown, &diff);
            }
            let expected: Vec<Row> = page.iter().map(|r| (**r).clone()).collect();
            assert_eq!(shown, expected);
        }
    }

    #[test]
    fn a_new_total_or_sync_state_is_sent_even_with_the_same_rows() {
        let a = row("a", "Running");
        let mut sent = SentPage::new(std::slice::from_ref(&a), 1, SyncState::Syncing);
        let diff = sent
            .advance(std::slice::from_ref(&a), 5, SyncState::Synced)
            .unwrap();
        assert!(diff.is_empty());
        assert_eq!((diff.total, diff.sync), (5, SyncState::Synced));
    }
}
