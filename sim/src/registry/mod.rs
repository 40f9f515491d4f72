//! The table of served resource types: what discovery lists, what the
//! router accepts, and what the store keeps objects for.
//!
//! Built-in kinds come from [`builtin`]; a CustomResourceDefinition adds its
//! versions here when it is created and removes them when it is deleted.

pub mod builtin;
mod crd;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

pub use crd::resource_types_from_crd;

/// Identifies a stored collection across versions: API group (`""` for core)
/// and plural resource name, like the apiserver's `GroupResource`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    pub group: String,
    pub resource: String,
}

impl ResourceId {
    /// A resource id from its group and plural name.
    pub fn new(group: &str, resource: &str) -> Self {
        Self {
            group: group.to_string(),
            resource: resource.to_string(),
        }
    }

    /// `pods` for core resources, `deployments.apps` otherwise: the name used
    /// in error messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// A subresource listed in discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subresource {
    /// `status`, `scale`, `log`.
    pub name: String,
    pub group: String,
    pub version: String,
    pub kind: String,
    pub verbs: Vec<String>,
}

/// One served resource type in one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub verbs: Vec<String>,
    pub subresources: Vec<Subresource>,
    /// For custom resources: the `.spec.scale` paths (spec replicas, status
    /// replicas, label selector), when the CRD enables `scale`.
    pub scale_paths: Option<ScalePaths>,
    /// True for types served from a CustomResourceDefinition.
    pub custom: bool,
}

/// Where a scalable kind keeps its replica counts (JSON paths with dots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

impl ResourceType {
    /// The storage key shared by all versions of this type.
    pub fn id(&self) -> ResourceId {
        ResourceId::new(&self.group, &self.plural)
    }

    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// True if the type has the named subresource.
    pub fn has_subresource(&self, name: &str) -> bool {
        self.subresources.iter().any(|s| s.name == name)
    }
}

/// The live set of served types. Cheap to read concurrently.
#[derive(Debug, Default)]
pub struct Registry {
    types: RwLock<BTreeMap<(String, String, String), Arc<ResourceType>>>,
}

impl Registry {
    /// A registry holding the built-in kinds.
    pub fn with_builtins() -> Self {
        let registry = Self::default();
        for t in builtin::resource_types() {
            registry.insert(t);
        }
        registry
    }

    /// Adds or replaces a type.
    pub fn insert(&self, t: ResourceType) {
        let key = (t.group.clone(), t.version.clone(), t.plural.clone());
        self.types
            .write()
            .expect("registry lock")
            .insert(key, Arc::new(t));
    }

    /// Removes every version of a custom resource.
    pub fn remove_custom(&self, group: &str, plural: &str) {
        self.types
            .write()
            .expect("registry lock")
            .retain(|(g, _, p), t| !(t.custom && g == group && p == plural));
    }

    /// The type served at `/apis/{group}/{version}/{plural}`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceType>> {
        let key = (group.to_string(), version.to_string(), plural.to_string());
        self.types.read().expect("registry lock").get(&key).cloned()
    }

    /// Any version of a stored collection (the first, i.e. preferred one).
    pub fn by_id(&self, id: &ResourceId) -> Option<Arc<ResourceType>> {
        self.types
            .read()
            .expect("registry lock")
            .values()
            .find(|t| t.group == id.group && t.plural == id.resource)
            .cloned()
    }

    /// The type of objects with this `apiVersion` and `kind`.
    pub fn by_kind(&self, api_version: &str, kind: &str) -> Option<Arc<ResourceType>> {
        let (group, version) = split_api_version(api_version);
        self.types
            .read()
            .expect("registry lock")
            .values()
            .find(|t| t.group == group && t.version == version && t.kind == kind)
            .cloned()
    }

    /// Every served type, ordered by group, version and plural.
    pub fn all(&self) -> Vec<Arc<ResourceType>> {
        self.types
            .read()
            .expect("registry lock")
            .values()
            .cloned()
            .collect()
    }
}

/// Splits `apps/v1` into `("apps", "v1")` and `v1` into `("", "v1")`.
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// The group order of `/apis`, like a real 1.32 server (core is `/api`).
pub fn group_order(group: &str) -> usize {
    builtin::GROUP_ORDER
        .iter()
        .position(|g| *g == group)
        .unwrap_or(usize::MAX)
}
