//! Role-based access control with upstream's semantics: a request is
//! allowed if a ClusterRoleBinding, or a RoleBinding in the request's
//! namespace, binds the user (by name, group or service account) to a role
//! with a rule that covers it. Nothing denies; no rule means no. Members of
//! `system:masters` may do everything, as upstream's privileged group.
//!
//! The policy is read from the store's Roles, ClusterRoles and their
//! bindings, parsed once per change of those kinds (the store's per-type
//! revision says when), so a request costs a few map lookups.

mod policy;
mod rules;

use std::sync::{Arc, Mutex};

use k8s_openapi::api::rbac::v1::PolicyRule;

use super::{Attributes, Authorizer, MASTERS, UserInfo, UserRules};
use crate::store::Store;
use policy::Policy;

pub use rules::{allows, applies_to};

/// The RBAC authorizer over a store's policy objects.
pub struct Rbac {
    store: Store,
    /// The parsed policy and the revisions of the four kinds it was read at.
    cached: Mutex<Option<([u64; 4], Arc<Policy>)>>,
}

impl Rbac {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            cached: Mutex::new(None),
        }
    }

    /// The policy as the store holds it now.
    fn policy(&self) -> Arc<Policy> {
        let revisions = policy::KINDS.map(|id| self.store.type_revision(&id()));
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        match &*cached {
            Some((at, policy)) if *at == revisions => policy.clone(),
            _ => {
                let policy = Arc::new(Policy::read(&self.store));
                *cached = Some((revisions, policy.clone()));
                policy
            }
        }
    }
}

impl Authorizer for Rbac {
    fn authorize(&self, user: &UserInfo, attributes: &Attributes) -> Result<(), String> {
        if user.in_group(MASTERS) {
            return Ok(());
        }
        let policy = self.policy();
        let mut allowed = false;
        policy.visit_rules(user, &attributes.namespace, |rule| {
            allowed = allowed || allows(rule, attributes);
            !allowed
        });
        if allowed { Ok(()) } else { Err(String::new()) }
    }

    fn rules(&self, user: &UserInfo, namespace: &str) -> UserRules {
        let mut out = UserRules::default();
        if user.in_group(MASTERS) {
            out.resource_rules.push(PolicyRule {
                verbs: vec!["*".into()],
                api_groups: Some(vec!["*".into()]),
                resources: Some(vec!["*".into()]),
                ..PolicyRule::default()
            });
            out.non_resource_rules.push(PolicyRule {
                verbs: vec!["*".into()],
                non_resource_urls: Some(vec!["*".into()]),
                ..PolicyRule::default()
            });
        }
        self.policy().visit_rules(user, namespace, |rule| {
            if rule
                .non_resource_urls
                .as_ref()
                .is_some_and(|u| !u.is_empty())
            {
                out.non_resource_rules.push(rule.clone());
            } else {
                out.resource_rules.push(rule.clone());
            }
            true
        });
        out
    }
}
