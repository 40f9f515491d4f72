//! The identity of a request, as upstream's `user.Info`.

/// The user a request is made as, after authentication.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfo {
    pub name: String,
    pub uid: String,
    /// Includes `system:authenticated` for every authenticated user.
    pub groups: Vec<String>,
}

/// The group of the cluster's superusers (the admin the kubeconfig names).
pub const MASTERS: &str = "system:masters";
/// The group every authenticated user is in.
pub const AUTHENTICATED: &str = "system:authenticated";
/// The group of requests without credentials.
pub const UNAUTHENTICATED: &str = "system:unauthenticated";
/// The user of requests without credentials.
pub const ANONYMOUS: &str = "system:anonymous";

impl UserInfo {
    /// An authenticated user: `groups` plus `system:authenticated`.
    pub fn authenticated(name: &str, uid: &str, groups: &[String]) -> Self {
        let mut all: Vec<String> = groups.to_vec();
        if !all.iter().any(|g| g == AUTHENTICATED) {
            all.push(AUTHENTICATED.to_owned());
        }
        Self {
            name: name.to_owned(),
            uid: uid.to_owned(),
            groups: all,
        }
    }

    /// The user of a request that carries no credentials.
    pub fn anonymous() -> Self {
        Self {
            name: ANONYMOUS.to_owned(),
            uid: String::new(),
            groups: vec![UNAUTHENTICATED.to_owned()],
        }
    }

    /// True for `system:anonymous`.
    pub fn is_anonymous(&self) -> bool {
        self.name == ANONYMOUS
    }

    /// True for members of `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}
