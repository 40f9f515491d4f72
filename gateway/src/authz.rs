//! The one authorisation function. Every read from a cache, every call to
//! a cluster and every stream goes through [`authorize`]; nothing in the
//! gateway hands out rows, objects or changes without a [`Decision`] for
//! the very subject, cluster, kind and namespace concerned.
//!
//! Today every signed-in user may read everything (the teams issue fills
//! the policy in). What must not change when it does: the caches are
//! shared by kind, never by user, and filtered per request, so one user's
//! permissions can never leak rows to another.

use serde::{Deserialize, Serialize};

use crate::kind::KindKey;

/// Who is asking: the signed-in user, as the server's session says (never
/// anything the browser sends).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Subject {
    pub user_id: i64,
    pub username: String,
}

/// What a subject wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    /// See that a cluster exists and its state.
    View,
    /// List (and watch) a kind.
    List,
    /// Read one whole object.
    Get,
    /// Read a Secret's values (no page does this yet).
    ReadSecretValues,
}

/// One request to authorise.
#[derive(Debug, Clone, Copy)]
pub struct Action<'a> {
    pub verb: Verb,
    pub cluster: &'a str,
    /// `None` for cluster-level actions ([`Verb::View`]).
    pub kind: Option<&'a KindKey>,
    /// The namespace concerned; `None` for cluster-scoped objects or for
    /// "any namespace" questions.
    pub namespace: Option<&'a str>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(String),
}

impl Decision {
    /// Whether the action is allowed.
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allow)
    }
}

/// Decides whether `subject` may do `action`. The only place in Pilothouse
/// that answers this question.
pub fn authorize(subject: &Subject, action: &Action<'_>) -> Decision {
    // Secret values stay on the server until a role grants them.
    if action.verb == Verb::ReadSecretValues {
        return Decision::Deny(format!(
            "{} may not read secret values in cluster {}",
            subject.username, action.cluster
        ));
    }
    Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_in_users_read_everything_but_secret_values() {
        let subject = Subject {
            user_id: 1,
            username: "alice".into(),
        };
        let pods = KindKey::core("pods");
        let list = Action {
            verb: Verb::List,
            cluster: "sim",
            kind: Some(&pods),
            namespace: Some("demo"),
        };
        assert!(authorize(&subject, &list).allowed());
        let secrets = KindKey::core("secrets");
        let values = Action {
            verb: Verb::ReadSecretValues,
            kind: Some(&secrets),
            ..list
        };
        assert!(!authorize(&subject, &values).allowed());
    }
}
