//! The RBAC objects of a store, parsed: roles by name, bindings by
//! namespace.

use std::collections::HashMap;

use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding};
use serde::de::DeserializeOwned;

use super::rules::applies_to;
use crate::auth::UserInfo;
use crate::registry::ResourceId;
use crate::store::{ListOptions, Store};

/// The kinds the policy is read from (their revisions key the cache).
pub const KINDS: [fn() -> ResourceId; 4] = [
    || ResourceId::new("rbac.authorization.k8s.io", "clusterroles"),
    || ResourceId::new("rbac.authorization.k8s.io", "clusterrolebindings"),
    || ResourceId::new("rbac.authorization.k8s.io", "roles"),
    || ResourceId::new("rbac.authorization.k8s.io", "rolebindings"),
];

/// Every role's rules and every binding.
#[derive(Default)]
pub struct Policy {
    cluster_roles: HashMap<String, Vec<PolicyRule>>,
    /// (namespace, name) → rules.
    roles: HashMap<(String, String), Vec<PolicyRule>>,
    cluster_bindings: Vec<ClusterRoleBinding>,
    /// namespace → its RoleBindings.
    bindings: HashMap<String, Vec<RoleBinding>>,
}

impl Policy {
    /// Reads the policy objects; one that does not parse is left out (the
    /// API validated it, so that takes a bug).
    pub fn read(store: &Store) -> Policy {
        let [cluster_roles, cluster_bindings, roles, bindings] = KINDS;
        let mut policy = Policy::default();
        for role in all::<ClusterRole>(store, &cluster_roles()) {
            let name = role.metadata.name.unwrap_or_default();
            policy
                .cluster_roles
                .insert(name, role.rules.unwrap_or_default());
        }
        for role in all::<Role>(store, &roles()) {
            let key = (
                role.metadata.namespace.unwrap_or_default(),
                role.metadata.name.unwrap_or_default(),
            );
            policy.roles.insert(key, role.rules.unwrap_or_default());
        }
        policy.cluster_bindings = all::<ClusterRoleBinding>(store, &cluster_bindings());
        for binding in all::<RoleBinding>(store, &bindings()) {
            let ns = binding.metadata.namespace.clone().unwrap_or_default();
            policy.bindings.entry(ns).or_default().push(binding);
        }
        policy
    }

    /// Calls `visit` with each rule bound to `user` cluster-wide or in
    /// `namespace` (may be empty), until it returns false.
    pub fn visit_rules(
        &self,
        user: &UserInfo,
        namespace: &str,
        mut visit: impl FnMut(&PolicyRule) -> bool,
    ) {
        for binding in &self.cluster_bindings {
            let binds = binding
                .subjects
                .iter()
                .flatten()
                .any(|s| applies_to(s, user, ""));
            if binds && binding.role_ref.kind == "ClusterRole" {
                let rules = self.cluster_roles.get(&binding.role_ref.name);
                for rule in rules.into_iter().flatten() {
                    if !visit(rule) {
                        return;
                    }
                }
            }
        }
        if namespace.is_empty() {
            return;
        }
        for binding in self.bindings.get(namespace).into_iter().flatten() {
            let binds = binding
                .subjects
                .iter()
                .flatten()
                .any(|s| applies_to(s, user, namespace));
            if !binds {
                continue;
            }
            let role = &binding.role_ref;
            let rules = match role.kind.as_str() {
                "ClusterRole" => self.cluster_roles.get(&role.name),
                "Role" => self.roles.get(&(namespace.to_owned(), role.name.clone())),
                _ => None,
            };
            for rule in rules.into_iter().flatten() {
                if !visit(rule) {
                    return;
                }
            }
        }
    }
}

/// Every object of `id`, parsed as `T`.
fn all<T: DeserializeOwned>(store: &Store, id: &ResourceId) -> Vec<T> {
    let Ok(list) = store.list(id, &ListOptions::default()) else {
        return Vec::new();
    };
    list.items
        .iter()
        .filter_map(|o| serde_json::from_value(o.value().clone()).ok())
        .collect()
}
