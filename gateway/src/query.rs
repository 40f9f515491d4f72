//! What a list asks of a cache (namespace, text filter, label selector,
//! sort, page) and what it gets back. The same parameters serve the pages,
//! the JSON API and live views, so a link, a script and a stream all see
//! the same rows.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::row::Row;

/// Largest page a query may ask for; the DOM never holds more.
pub const MAX_PAGE: usize = 500;
/// The page size when none is asked for.
pub const DEFAULT_PAGE: usize = 100;

/// How to order a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Sort {
    /// `name` (the default), `namespace`, `age`, `status`, or a column id.
    pub column: String,
    pub descending: bool,
}

impl Sort {
    /// Parses `name`, `-age`, `restarts` (a leading `-` sorts descending).
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        let (column, descending) = match text.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let column = if column.is_empty() { "name" } else { column };
        Self {
            column: column.chars().take(64).collect(),
            descending,
        }
    }

    /// The form [`Sort::parse`] reads.
    pub fn to_param(&self) -> String {
        if self.descending {
            format!("-{}", self.column)
        } else {
            self.column.clone()
        }
    }

    fn by_name(&self) -> bool {
        self.column.is_empty() || self.column == "name"
    }
}

/// One list request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct ListQuery {
    /// Only this namespace; `None` for all.
    pub namespace: Option<String>,
    /// A fragment of the name (case-insensitive).
    pub filter: String,
    /// A label selector, as `kubectl -l` takes it.
    pub selector: String,
    pub sort: Sort,
    pub offset: usize,
    /// Rows per page, at most [`MAX_PAGE`]; 0 means [`DEFAULT_PAGE`].
    pub limit: usize,
}

impl ListQuery {
    /// The page size actually used.
    pub fn page_size(&self) -> usize {
        match self.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        }
    }

    /// Whether rows must be sorted by name (the index order).
    pub fn sorted_by_name(&self) -> bool {
        self.sort.by_name()
    }
}

/// Whether a cache holds the whole list yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum SyncState {
    /// The first list is still arriving: the rows are partial.
    #[default]
    Syncing,
    /// Every object is in the cache and changes are flowing.
    Synced,
    /// The watch failed and is retrying; rows are as last seen.
    Retrying { error: String },
}

/// A page of rows and how many matched in all.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub rows: Vec<Arc<Row>>,
    /// Rows matching the query, across all pages.
    pub total: usize,
    pub offset: usize,
    pub sync: SyncState,
    /// Bumped at every change of the cache: equal generations, equal rows.
    pub generation: u64,
}
