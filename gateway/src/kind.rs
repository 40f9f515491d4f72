//! What a kind is, as discovery reports it: the key the gateway uses for
//! caches and URLs, and what pages need to know to list it.

use serde::{Deserialize, Serialize};

/// Names a served resource type: group (empty for the core group), version
/// and plural resource name, as in `GET /apis/{group}/{version}/{plural}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KindKey {
    pub group: String,
    pub version: String,
    pub plural: String,
}

impl KindKey {
    /// A key in the core group (`v1`).
    pub fn core(plural: &str) -> Self {
        Self::new("", "v1", plural)
    }

    /// A key from its three parts.
    pub fn new(group: &str, version: &str, plural: &str) -> Self {
        Self {
            group: group.to_owned(),
            version: version.to_owned(),
            plural: plural.to_owned(),
        }
    }

    /// `plural` in the core group, `plural.group` elsewhere: the segment
    /// URLs use (`pods`, `deployments.apps`), as kubectl names resources.
    pub fn slug(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

/// One column a CRD declares for `kubectl get` (`additionalPrinterColumns`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterColumn {
    pub name: String,
    /// A JSONPath such as `.spec.cronSpec` or `.status.replicas`.
    pub json_path: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: String,
    /// 0 is shown by default; higher only in wide output.
    pub priority: i32,
}

/// A served kind and what the pages need to list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindInfo {
    pub key: KindKey,
    /// `Pod`, `Deployment`, …
    pub kind: String,
    pub namespaced: bool,
    /// The verbs discovery reports (`list`, `watch`, `get`, …).
    pub verbs: Vec<String>,
    /// Columns a CRD declares; empty for built-in kinds.
    pub printer_columns: Vec<PrinterColumn>,
}

impl KindInfo {
    /// Whether the kind can be listed and watched, so a shared watch can
    /// keep its cache.
    pub fn is_watchable(&self) -> bool {
        self.verbs.iter().any(|v| v == "list") && self.verbs.iter().any(|v| v == "watch")
    }

    /// A built-in kind with the usual verbs (for tests and known kinds).
    pub fn builtin(group: &str, version: &str, plural: &str, kind: &str, namespaced: bool) -> Self {
        Self {
            key: KindKey::new(group, version, plural),
            kind: kind.to_owned(),
            namespaced,
            verbs: ["get", "list", "watch"].map(String::from).to_vec(),
            printer_columns: Vec::new(),
        }
    }
}
