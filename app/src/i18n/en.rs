//! English.

use super::Key;

/// The English text of `key`.
pub fn text(key: Key) -> &'static str {
    match key {
        Key::AppName => "Pilothouse",
        Key::Tagline => "See and steer your Kubernetes clusters.",
        Key::SkipToContent => "Skip to content",
        Key::NavLabel => "Sections",
        Key::NavOverview => "Overview",
        Key::NavTopology => "Topology",
        Key::NavWorkloads => "Workloads",
        Key::NavNetwork => "Network",
        Key::NavConfig => "Config",
        Key::NavStorage => "Storage",
        Key::NavAccess => "Access",
        Key::NavAudit => "Audit",
        Key::ClusterPickerLabel => "Cluster",
        Key::NoClusterConnected => "No cluster connected",
        Key::SignedInAs => "Signed in as",
        Key::LogOut => "Log out",
        Key::Language => "Language",
        Key::ThemeDark => "Dark theme",
        Key::ThemeLight => "Light theme",
        Key::HomeTitle => "Welcome to Pilothouse",
        Key::HomeIntro => {
            "Pilothouse shows a cluster the way a good teacher draws it: control plane and workers, the pods on each node, and what runs inside a pod."
        }
        Key::HomeNextSteps => {
            "No cluster is connected yet. Once one is, every section on the left shows it live."
        }
        Key::SectionEmpty => "Nothing to show: no cluster is connected.",
        Key::OverviewIntro => "Nodes, namespaces and the health of the cluster at a glance.",
        Key::TopologyIntro => {
            "The control plane and the workers, drawn like the architecture diagrams in your documents."
        }
        Key::WorkloadsIntro => {
            "Deployments, StatefulSets, DaemonSets, Jobs and the pods they keep running."
        }
        Key::NetworkIntro => "Services, endpoints and ingresses in front of the pods.",
        Key::ConfigIntro => "ConfigMaps and Secrets, with secret values masked.",
        Key::StorageIntro => "Persistent volumes, claims and storage classes.",
        Key::AccessIntro => "Users, teams and what each may see and change.",
        Key::AuditIntro => "Who changed what, and when.",
        Key::LoginTitle => "Sign in to Pilothouse",
        Key::LoginUsername => "Username",
        Key::LoginPassword => "Password",
        Key::LoginSubmit => "Sign in",
        Key::LoginErrorInvalid => "Invalid username or password.",
        Key::LoginErrorRateLimited => "Too many sign-in attempts. Wait a minute and try again.",
        Key::LoginErrorExpired => "Your session has ended. Please sign in again.",
        Key::LoginErrorBadRequest => "The sign-in form was incomplete. Please try again.",
        Key::BadRequestTitle => "Bad request",
        Key::BackToSignIn => "Back to sign-in",
        Key::SignInUnavailable => "Sign-in is unavailable right now. Try again later.",
        Key::LoggedOut => "You have been signed out.",
        Key::NotFoundTitle => "Page not found",
        Key::NotFoundBody => "There is no page at this address.",
        Key::BackHome => "Back to the home page",
        Key::SavePreferenceFailed => "Your preference could not be saved.",
        Key::LoginErrorBusy => "The server is busy. Try again in a moment.",
        Key::SignInNotRecorded => {
            "Sign-in is unavailable: it could not be recorded in the audit log. Try again later."
        }
        Key::SignOutNotRecorded => {
            "You have been signed out, but the sign-out could not be recorded in the audit log."
        }
        Key::ChangePassword => "Change password",
        Key::CurrentPassword => "Current password",
        Key::NewPassword => "New password",
        Key::ConfirmPassword => "Repeat the new password",
        Key::PasswordChanged => {
            "Your password has been changed. Your other sessions have been signed out."
        }
        Key::PasswordErrorCurrent => "The current password is wrong.",
        Key::PasswordErrorMismatch => "The new passwords do not match.",
        Key::PasswordErrorShort => "The new password must be at least 12 characters long.",
        Key::PasswordErrorLong => "The new password is too long.",
        Key::PasswordErrorSame => "The new password must differ from the current one.",
        Key::PasswordErrorRateLimited => "Too many attempts. Wait a minute and try again.",
        Key::PasswordErrorBadRequest => "The form was incomplete. Please try again.",
        Key::PasswordChangeFailed => "Your password could not be changed. Try again later.",
    }
}
