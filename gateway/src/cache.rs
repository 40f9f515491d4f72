//! The rows of one (cluster, kind), kept in memory with the indexes the
//! pages need: ordered by namespace and name (the primary map) and by name
//! alone, so the first page of 150,000 pods sorted by name is read off an
//! index instead of sorting. Other sorts sort the filtered rows.
//!
//! A relist replaces the rows at once ([`RowCache::replace_all`]), which is
//! how rows deleted while the watch was down disappear (no ghost rows), and
//! keys are (namespace, name), so a row can never be there twice.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

mod by_node;
mod derived;

pub use by_node::{ByNode, NodeRows};
use derived::Derived;

use crate::query::{ListPage, ListQuery, SyncState};
use crate::row::Row;
use crate::selector::LabelSelector;

/// (namespace or "", name).
type Key = (String, String);

/// The rows of one kind in one cluster.
#[derive(Debug, Default)]
pub struct RowCache {
    rows: BTreeMap<Key, Arc<Row>>,
    /// The same rows by (name, namespace), for the default sort.
    by_name: BTreeMap<(String, String), Arc<Row>>,
    /// Rows per namespace, so an unfiltered total costs one lookup per
    /// namespace instead of a walk over every row.
    per_namespace: BTreeMap<String, usize>,
    /// The rows that run on a node (pods), by node.
    by_node: ByNode,
    generation: u64,
    /// A value made from every row, kept for one generation.
    derived: Derived,
}

fn key_of(row: &Row) -> Key {
    (row.namespace.clone().unwrap_or_default(), row.name.clone())
}

impl RowCache {
    /// Adds or replaces `row`; returns whether anything changed.
    pub fn upsert(&mut self, row: Row) -> bool {
        let key = key_of(&row);
        if let Some(old) = self.rows.get(&key)
            && **old == row
        {
            return false;
        }
        let row = Arc::new(row);
        self.by_name
            .insert((key.1.clone(), key.0.clone()), row.clone());
        match self.rows.insert(key.clone(), row.clone()) {
            Some(old) => self.by_node.remove(&old),
            None => *self.per_namespace.entry(key.0).or_default() += 1,
        }
        self.by_node.insert(&row);
        self.generation += 1;
        true
    }

    /// Removes the row of `namespace`/`name`; returns whether it was there.
    pub fn remove(&mut self, namespace: Option<&str>, name: &str) -> bool {
        let key = (namespace.unwrap_or_default().to_owned(), name.to_owned());
        let removed = self.rows.remove(&key);
        if let Some(row) = &removed {
            self.by_node.remove(row);
            self.by_name.remove(&(key.1, key.0.clone()));
            if let Some(n) = self.per_namespace.get_mut(&key.0) {
                *n -= 1;
                if *n == 0 {
                    self.per_namespace.remove(&key.0);
                }
            }
            self.generation += 1;
        }
        removed.is_some()
    }

    /// Replaces every row (after a list or relist).
    pub fn replace_all(&mut self, rows: Vec<Row>) {
        let mut fresh = RowCache {
            generation: self.generation + 1,
            ..RowCache::default()
        };
        for row in rows {
            let key = key_of(&row);
            // Reuse the old allocation when nothing changed, so views
            // comparing by pointer or by value see no change.
            let row = match self.rows.get(&key) {
                Some(old) if **old == row => old.clone(),
                _ => Arc::new(row),
            };
            fresh
                .by_name
                .insert((key.1.clone(), key.0.clone()), row.clone());
            fresh.by_node.insert(&row);
            if fresh.rows.insert(key.clone(), row).is_none() {
                *fresh.per_namespace.entry(key.0).or_default() += 1;
            }
        }
        *self = fresh;
    }

    /// A value made from every row (the nodes as `Node`s for a topology),
    /// made once per generation of the cache. It holds every row: hand it
    /// only to a subject allowed to see every row.
    pub fn derived<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce(&RowCache) -> T,
    ) -> Arc<T> {
        self.derived.get_or(self.generation, || make(self))
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Bumped at every change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// One row.
    pub fn get(&self, namespace: Option<&str>, name: &str) -> Option<Arc<Row>> {
        self.rows
            .get(&(namespace.unwrap_or_default().to_owned(), name.to_owned()))
            .cloned()
    }

    /// Every row, in namespace/name order (for Overview counts and
    /// related-object lookups).
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Row>> {
        self.rows.values()
    }

    /// The rows of one namespace (or every row for `None`), in name order,
    /// read off the primary index without a walk over other namespaces.
    pub fn rows_in<'a>(
        &'a self,
        namespace: Option<&str>,
    ) -> Box<dyn Iterator<Item = &'a Arc<Row>> + 'a> {
        match namespace {
            None => Box::new(self.rows.values()),
            Some(ns) => self.in_namespace(ns, false),
        }
    }

    /// The rows that run on `node` (pods), oldest first and counted per
    /// namespace.
    pub fn on_node(&self, node: &str) -> Option<&NodeRows> {
        self.by_node.get(node)
    }

    /// Rows per namespace ("" for cluster-scoped rows).
    pub fn namespace_counts(&self) -> &BTreeMap<String, usize> {
        &self.per_namespace
    }

    /// The namespaces that hold at least one row.
    pub fn namespaces(&self) -> Vec<String> {
        self.per_namespace.keys().cloned().collect()
    }

    /// Answers `query` with the rows `visible` allows (the caller's
    /// authorisation, asked once per namespace).
    pub fn query(
        &self,
        query: &ListQuery,
        selector: &LabelSelector,
        sync: SyncState,
        visible: &mut dyn FnMut(Option<&str>) -> bool,
    ) -> ListPage {
        let needle = query.filter.trim().to_lowercase();
        let unfiltered = needle.is_empty() && selector.is_empty();
        let mut allowed = NamespaceMemo::default();
        // The common first page (by name, no filter, all namespaces): the
        // total from the namespace counts, so no walk over every row.
        let counted_total: Option<usize> =
            (query.sorted_by_name() && unfiltered && query.namespace.is_none()).then(|| {
                self.per_namespace
                    .iter()
                    .filter(|(ns, _)| keep_namespace(ns, &mut allowed, visible))
                    .map(|(_, n)| *n)
                    .sum()
            });
        let mut keep = |row: &Arc<Row>| {
            (needle.is_empty() || contains_ignoring_case(&row.name, &needle))
                && selector.matches(&row.labels)
                && allowed.check(row.namespace.as_deref(), visible)
        };
        let (offset, size) = (query.offset, query.page_size());
        let (rows, total) = if let Some(total) = counted_total {
            let ordered = self.by_name_order(query.sort.descending);
            let rows = ordered
                .filter(|r| keep(r))
                .skip(offset)
                .take(size)
                .cloned()
                .collect();
            (rows, total)
        } else if query.sorted_by_name() {
            let ordered: Box<dyn Iterator<Item = &Arc<Row>>> = match &query.namespace {
                Some(ns) => self.in_namespace(ns, query.sort.descending),
                None => self.by_name_order(query.sort.descending),
            };
            page_of(ordered.filter(|r| keep(r)), offset, size)
        } else {
            let mut matching: Vec<&Arc<Row>> = match &query.namespace {
                Some(ns) => self.in_namespace(ns, false).filter(|r| keep(r)).collect(),
                None => self.rows.values().filter(|r| keep(r)).collect(),
            };
            let column = query.sort.column.as_str();
            matching.sort_by(|a, b| {
                let ord = compare(a, b, column).then_with(|| a.name.cmp(&b.name));
                if query.sort.descending {
                    ord.reverse()
                } else {
                    ord
                }
            });
            let total = matching.len();
            let rows = matching
                .into_iter()
                .skip(offset)
                .take(size)
                .cloned()
                .collect();
            (rows, total)
        };
        ListPage {
            rows,
            total,
            offset,
            sync,
            generation: self.generation,
        }
    }

    fn in_namespace<'a>(
        &'a self,
        namespace: &str,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &'a Arc<Row>> + 'a> {
        let start = (namespace.to_owned(), String::new());
        let ns = namespace.to_owned();
        let range = self
            .rows
            .range(start..)
            .take_while(move |((n, _), _)| *n == ns)
            .map(|(_, row)| row);
        if descending {
            Box::new(range.collect::<Vec<_>>().into_iter().rev())
        } else {
            Box::new(range)
        }
    }

    fn by_name_order<'a>(
        &'a self,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &'a Arc<Row>> + 'a> {
        if descending {
            Box::new(self.by_name.values().rev())
        } else {
            Box::new(self.by_name.values())
        }
    }
}

/// Whether the caller may see `namespace` ("" for cluster-scoped rows).
fn keep_namespace(
    namespace: &str,
    memo: &mut NamespaceMemo,
    visible: &mut dyn FnMut(Option<&str>) -> bool,
) -> bool {
    memo.check((!namespace.is_empty()).then_some(namespace), visible)
}

/// Whether `haystack` contains `needle` (already lower case), ignoring
/// case, without allocating for ASCII names (every Kubernetes name).
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        return n.len() <= h.len()
            && h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    haystack.to_lowercase().contains(needle)
}

/// Counts all matches but keeps only one page of them.
fn page_of<'a>(
    rows: impl Iterator<Item = &'a Arc<Row>>,
    offset: usize,
    size: usize,
) -> (Vec<Arc<Row>>, usize) {
    let mut page = Vec::with_capacity(size.min(64));
    let mut total = 0;
    for row in rows {
        if total >= offset && page.len() < size {
            page.push(row.clone());
        }
        total += 1;
    }
    (page, total)
}

/// Orders two rows by a column: name, namespace, age, status, or a cell
/// (numerically when both cells are numbers).
fn compare(a: &Row, b: &Row, column: &str) -> Ordering {
    match column {
        "namespace" => a.namespace.cmp(&b.namespace),
        // Youngest first reads as "age ascending", as kubectl's AGE does.
        "age" => b.created.cmp(&a.created),
        "status" => a.status.cmp(&b.status),
        "node" => a.node.cmp(&b.node),
        _ => {
            let index = column
                .strip_prefix("cell:")
                .and_then(|i| i.parse::<usize>().ok());
            match index {
                Some(i) => compare_cells(a.cells.get(i), b.cells.get(i)),
                None => Ordering::Equal,
            }
        }
    }
}

fn compare_cells(a: Option<&crate::row::Cell>, b: Option<&crate::row::Cell>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match (a.number, b.number) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => a.text.cmp(&b.text),
        },
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

/// Remembers the authorisation answer per namespace within one query.
#[derive(Default)]
pub(crate) struct NamespaceMemo {
    allowed: HashSet<String>,
    denied: HashSet<String>,
}

impl NamespaceMemo {
    /// Whether `visible` allows `namespace`, asked once per namespace.
    pub(crate) fn check(
        &mut self,
        namespace: Option<&str>,
        visible: &mut dyn FnMut(Option<&str>) -> bool,
    ) -> bool {
        let key = namespace.unwrap_or_default();
        if self.allowed.contains(key) {
            return true;
        }
        if self.denied.contains(key) {
            return false;
        }
        let ok = visible(namespace);
        if ok {
            self.allowed.insert(key.to_owned());
        } else {
            self.denied.insert(key.to_owned());
        }
        ok
    }
}

#[cfg(test)]
mod tests;
