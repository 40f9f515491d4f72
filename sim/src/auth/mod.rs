//! Who is asking and what they may do: the cluster's own certificate
//! authority, the users it knows (client certificates it signed, bearer
//! tokens it was given), the identity every request carries from then on,
//! and the authorizers (RBAC) that decide on it.
//!
//! Like kube-apiserver, authentication runs before authorization and before
//! any handler: a request with credentials that do not check out is 401
//! `Unauthorized` (kubectl says "You must be logged in to the server");
//! one without any is `system:anonymous`, which may only read the health
//! and version paths. In `--insecure-http` mode (today's mode, kept for
//! whoever wants it) a request without credentials is the cluster admin,
//! as on upstream's old insecure port.

mod authenticator;
mod authorizer;
mod pki;
pub mod rbac;
pub mod service_account_token;
mod user;

pub use authenticator::{Authenticator, TokenUser, Unauthenticated, parse_token_file};
pub use authorizer::{Attributes, AuthenticatedOnly, Authorizer, PUBLIC_PATHS, UserRules};
pub use pki::{ClientCertificate, Pki, PkiError, user_of_certificate};
pub use rbac::Rbac;
pub use user::{ANONYMOUS, AUTHENTICATED, MASTERS, UNAUTHENTICATED, UserInfo};
