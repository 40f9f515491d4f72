//! A page of rows worked out once for everyone who asks for the same page
//! of the same cache at the same moment.
//!
//! When a pod changes, every live list of pods wakes; two hundred sessions
//! on the pods page would each walk the cache for the same hundred rows.
//! A page depends only on the cache (its generation), the query, the sync
//! state and which namespaces the asker may see, so those are the key: the
//! first asker computes, the others wait for and share the answer. Two
//! subjects share a page only when the one authorisation function hides
//! exactly the same namespaces from both, so nothing is served to a user it
//! was not checked for. Entries live for one generation of the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::query::{ListPage, ListQuery, SyncState};

/// Entries kept at most per generation, however many distinct queries come.
const MAX_ENTRIES: usize = 1024;

/// What a page is a function of, besides the cache itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub query: ListQuery,
    pub sync: SyncState,
    /// The namespaces of the cache the asker may not see ("" for
    /// cluster-scoped rows), in the cache's order.
    pub hidden: Vec<String>,
}

/// The pages of one cache's current generation.
#[derive(Debug, Default)]
pub struct SharedPages {
    memo: Mutex<Memo>,
}

#[derive(Debug, Default)]
struct Memo {
    generation: u64,
    pages: HashMap<PageKey, Arc<OnceLock<ListPage>>>,
}

impl SharedPages {
    /// The page for `key` at `generation`: computed by `compute` for the
    /// first asker, shared with the others. Call it under the cache's read
    /// lock, so the generation cannot move meanwhile.
    pub fn get(
        &self,
        key: PageKey,
        generation: u64,
        compute: impl FnOnce() -> ListPage,
    ) -> ListPage {
        let cell = {
            let mut memo = self.memo.lock().expect("pages lock");
            if generation < memo.generation {
                drop(memo);
                return compute();
            }
            if generation > memo.generation || memo.pages.len() >= MAX_ENTRIES {
                memo.pages.clear();
                memo.generation = generation;
            }
            memo.pages.entry(key).or_default().clone()
        };
        cell.get_or_init(compute).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn page(total: usize) -> ListPage {
        ListPage {
            rows: Vec::new(),
            total,
            offset: 0,
            sync: SyncState::Synced,
            generation: 0,
        }
    }

    fn key(hidden: &[&str]) -> PageKey {
        PageKey {
            query: ListQuery::default(),
            sync: SyncState::Synced,
            hidden: hidden.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_same_page_is_computed_once_per_generation() {
        let pages = SharedPages::default();
        let runs = AtomicUsize::new(0);
        let compute = |n| {
            runs.fetch_add(1, Ordering::SeqCst);
            page(n)
        };
        assert_eq!(pages.get(key(&[]), 1, || compute(7)).total, 7);
        assert_eq!(pages.get(key(&[]), 1, || compute(8)).total, 7);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // The cache moved on: the page is worked out again.
        assert_eq!(pages.get(key(&[]), 2, || compute(9)).total, 9);
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn askers_who_may_see_different_namespaces_never_share_a_page() {
        let pages = SharedPages::default();
        assert_eq!(pages.get(key(&[]), 1, || page(3)).total, 3);
        assert_eq!(pages.get(key(&["team-b"]), 1, || page(2)).total, 2);
        assert_eq!(pages.get(key(&["team-a"]), 1, || page(1)).total, 1);
        assert_eq!(pages.get(key(&["team-b"]), 1, || page(0)).total, 2);
    }

    #[test]
    fn an_asker_behind_the_current_generation_gets_its_own_page() {
        let pages = SharedPages::default();
        pages.get(key(&[]), 5, || page(5));
        assert_eq!(pages.get(key(&[]), 4, || page(4)).total, 4);
        assert_eq!(pages.get(key(&[]), 5, || page(0)).total, 5);
    }
}
