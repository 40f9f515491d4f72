//! Turning a request's credentials into a user: the client certificate the
//! TLS handshake verified, else a bearer token from the cluster's static
//! token table (upstream's `--token-auth-file`) or a service account token
//! the cluster issued, else anonymous.

use std::collections::HashMap;

use super::UserInfo;
use super::service_account_token::TokenSigner;
use crate::registry::builtin::ids;
use crate::store::Store;

/// A bearer token and the user it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUser {
    pub token: String,
    pub user: UserInfo,
}

/// Credentials were sent and did not check out (401 `Unauthorized`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unauthorized")]
pub struct Unauthenticated;

/// Who requests are made as.
#[derive(Clone, Default)]
pub struct Authenticator {
    tokens: HashMap<String, UserInfo>,
    /// `--insecure-http`: requests without credentials are this user.
    without_credentials: Option<UserInfo>,
    /// Checks service account tokens against the accounts in the store.
    service_accounts: Option<(TokenSigner, Store)>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("tokens", &self.tokens.len())
            .field("without_credentials", &self.without_credentials)
            .field("service_accounts", &self.service_accounts.is_some())
            .finish()
    }
}

impl Authenticator {
    /// Knows `tokens`; requests without credentials are anonymous.
    pub fn new(tokens: &[TokenUser]) -> Self {
        Self {
            tokens: tokens
                .iter()
                .map(|t| (t.token.clone(), t.user.clone()))
                .collect(),
            without_credentials: None,
            service_accounts: None,
        }
    }

    /// Requests without credentials are made as `user` (the insecure mode).
    pub fn with_default_user(mut self, user: UserInfo) -> Self {
        self.without_credentials = Some(user);
        self
    }

    /// Also accepts the service account tokens `signer` issued, while
    /// their account exists in `store` with the uid the token names.
    pub fn with_service_accounts(mut self, signer: TokenSigner, store: Store) -> Self {
        self.service_accounts = Some((signer, store));
        self
    }

    /// The user of a request: `certificate` is the user of the client
    /// certificate the handshake verified, `authorization` the request's
    /// `Authorization` header.
    pub fn authenticate(
        &self,
        certificate: Option<&UserInfo>,
        authorization: Option<&[u8]>,
    ) -> Result<UserInfo, Unauthenticated> {
        if let Some(user) = certificate {
            return Ok(user.clone());
        }
        if let Some(header) = authorization {
            let token = std::str::from_utf8(header)
                .ok()
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(Unauthenticated)?;
            if let Some(user) = self.tokens.get(token) {
                return Ok(user.clone());
            }
            return self.service_account(token).ok_or(Unauthenticated);
        }
        Ok(self
            .without_credentials
            .clone()
            .unwrap_or_else(UserInfo::anonymous))
    }
}

impl Authenticator {
    /// The service account a token the cluster issued stands for, if it is
    /// valid now (simulated time) and the account is still the same one.
    fn service_account(&self, token: &str) -> Option<UserInfo> {
        let (signer, store) = self.service_accounts.as_ref()?;
        let claims = signer.verify(token, store.clock().now().timestamp())?;
        let account = &claims.kubernetes;
        let stored = store
            .get(
                &ids::serviceaccounts(),
                &account.namespace,
                &account.serviceaccount.name,
            )
            .ok()?;
        (stored.uid() == account.serviceaccount.uid).then(|| {
            UserInfo::authenticated(
                &claims.sub,
                &account.serviceaccount.uid,
                &[
                    "system:serviceaccounts".to_owned(),
                    format!("system:serviceaccounts:{}", account.namespace),
                ],
            )
        })
    }
}

/// Reads a token file in upstream's `--token-auth-file` form: one user
/// per line, `token,user,uid,"group1,group2"` (groups optional); blank
/// lines and lines starting with `#` are skipped.
pub fn parse_token_file(text: &str) -> Result<Vec<TokenUser>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = csv_fields(line);
        let [token, user, uid, rest @ ..] = fields.as_slice() else {
            return Err(format!(
                "line {}: want token,user,uid[,\"groups\"], got {} fields",
                n + 1,
                fields.len()
            ));
        };
        if token.is_empty() || user.is_empty() {
            return Err(format!(
                "line {}: the token and user may not be empty",
                n + 1
            ));
        }
        let groups: Vec<String> = rest
            .first()
            .map(|g| {
                g.split(',')
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        out.push(TokenUser {
            token: token.clone(),
            user: UserInfo::authenticated(user, uid, &groups),
        });
    }
    Ok(out)
}

/// The fields of one CSV line; a field in double quotes may hold commas.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields.iter().map(|f| f.trim().to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Authenticator {
        Authenticator::new(
            &parse_token_file("# users\nt1,jane,42,\"dev,ops\"\n\nt2,bob,7\n").unwrap(),
        )
    }

    #[test]
    fn a_known_token_is_its_user_with_the_authenticated_group() {
        let jane = table().authenticate(None, Some(b"Bearer t1")).unwrap();
        assert_eq!(jane.name, "jane");
        assert_eq!(jane.uid, "42");
        assert_eq!(jane.groups, ["dev", "ops", "system:authenticated"]);
        let bob = table().authenticate(None, Some(b"Bearer t2")).unwrap();
        assert_eq!(bob.groups, ["system:authenticated"]);
    }

    #[test]
    fn bad_credentials_are_refused_and_none_is_anonymous() {
        let auth = table();
        assert_eq!(
            auth.authenticate(None, Some(b"Bearer nope")),
            Err(Unauthenticated)
        );
        assert_eq!(
            auth.authenticate(None, Some(b"Basic YTpi")),
            Err(Unauthenticated)
        );
        assert_eq!(
            auth.authenticate(None, Some(b"Bearer ")),
            Err(Unauthenticated)
        );
        assert!(auth.authenticate(None, None).unwrap().is_anonymous());
        let admin = UserInfo::authenticated("admin", "", &["system:masters".into()]);
        let insecure = table().with_default_user(admin.clone());
        assert_eq!(insecure.authenticate(None, None).unwrap(), admin);
    }

    #[test]
    fn a_verified_certificate_wins() {
        let cert = UserInfo::authenticated("kubernetes-admin", "", &[]);
        assert_eq!(
            table().authenticate(Some(&cert), Some(b"Bearer nope")),
            Ok(cert)
        );
    }

    #[test]
    fn malformed_token_lines_say_which() {
        assert!(parse_token_file("only,two").unwrap_err().contains("line 1"));
        assert!(
            parse_token_file("a,b,c\n,x,y")
                .unwrap_err()
                .contains("line 2")
        );
    }
}
