//! Configuration of `pilothouse serve`, from flags and the environment.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::auth::rate_limit::Limits;

/// Failed logins per minute per account and per address, unless set.
const DEFAULT_LOGIN_CEILING: usize = 30;

/// How the web app is served.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "PILOTHOUSE_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Directory for `pilothouse.db`; created if missing.
    #[arg(long, env = "PILOTHOUSE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Directory holding the built site (`pkg/` with the WebAssembly, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Log filter, e.g. `info` or `pilothouse=debug,tower_http=info`.
    #[arg(long, env = "PILOTHOUSE_LOG", default_value = "info")]
    pub log_level: String,

    /// Log format.
    #[arg(long, env = "PILOTHOUSE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Mark cookies `Secure` (and send HSTS): set this when Pilothouse is
    /// reached over HTTPS, e.g. behind a TLS-terminating proxy.
    #[arg(long, env = "PILOTHOUSE_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// A session ends after this many minutes without a request.
    #[arg(long, env = "PILOTHOUSE_SESSION_IDLE_MINUTES", default_value_t = 60)]
    pub session_idle_minutes: i64,

    /// A session ends this many hours after login, however active.
    #[arg(long, env = "PILOTHOUSE_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,

    /// Requests taking longer than this many seconds are answered with 408.
    #[arg(long, env = "PILOTHOUSE_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "PILOTHOUSE_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Failed logins allowed per minute, per client address and per account.
    #[arg(
        long,
        env = "PILOTHOUSE_LOGIN_ATTEMPTS_PER_MINUTE",
        default_value_t = 5
    )]
    pub login_attempts_per_minute: usize,

    #[command(flatten)]
    pub clusters: crate::clusters::ClusterOptions,
    /// Failed logins allowed per minute against one account from all
    /// addresses together, and from one address against all accounts: the
    /// looser ceiling above the per-(account, address) limit. Default: 30,
    /// or `--login-attempts-per-minute` if that is higher.
    #[arg(long, env = "PILOTHOUSE_LOGIN_ATTEMPTS_CEILING_PER_MINUTE")]
    pub login_attempts_ceiling_per_minute: Option<usize>,

    /// Address of a reverse proxy whose `X-Forwarded-For` header is
    /// believed; repeat the flag (or separate with commas) for several.
    #[arg(
        long = "trusted-proxy",
        env = "PILOTHOUSE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,

    /// PEM certificate chain: serve HTTPS directly (with `--tls-key`), with
    /// secure cookies and HSTS.
    #[arg(long, env = "PILOTHOUSE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "PILOTHOUSE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// A PlantUML server (e.g. `https://www.plantuml.com/plantuml`): each
    /// diagram then offers a link that opens it there. Off by default, since
    /// the link carries the diagram (names of nodes and pods) to that server.
    #[arg(long, env = "PILOTHOUSE_PLANTUML_SERVER")]
    pub plantuml_server: Option<String>,
}

/// A configuration value that makes no sense; the message names the flag.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid configuration: --{flag} {problem}")]
pub struct ConfigError {
    pub flag: &'static str,
    pub problem: &'static str,
}

/// Human-readable or one JSON object per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl ServeConfig {
    /// The defaults, for tests: everything as the command line would give it.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: ServeConfig,
        }
        let mut config = Wrapper::parse_from(["pilothouse"]).config;
        config.data_dir = data_dir;
        config
    }

    /// Refuses values that would make the server useless or unsafe.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let positive: [(&'static str, bool); 5] = [
            (
                "login-attempts-per-minute",
                self.login_attempts_per_minute > 0,
            ),
            ("session-idle-minutes", self.session_idle_minutes > 0),
            ("session-max-hours", self.session_max_hours > 0),
            ("request-timeout-secs", self.request_timeout_secs > 0),
            ("max-body-bytes", self.max_body_bytes > 0),
        ];
        if let Some((flag, _)) = positive.iter().find(|(_, ok)| !ok) {
            return Err(ConfigError {
                flag,
                problem: "must be greater than zero",
            });
        }
        if self
            .login_attempts_ceiling_per_minute
            .is_some_and(|ceiling| ceiling < self.login_attempts_per_minute)
        {
            return Err(ConfigError {
                flag: "login-attempts-ceiling-per-minute",
                problem: "must not be below --login-attempts-per-minute",
            });
        }
        Ok(())
    }

    /// The login throttle's limits (see `auth::rate_limit`).
    pub fn login_limits(&self) -> Limits {
        let per_pair = self.login_attempts_per_minute;
        Limits {
            per_pair,
            ceiling: self
                .login_attempts_ceiling_per_minute
                .unwrap_or(DEFAULT_LOGIN_CEILING.max(per_pair)),
        }
    }

    /// Whether HTTPS is served directly.
    pub fn serves_tls(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }

    /// Whether the browser reaches the server over HTTPS (directly or
    /// through a proxy), so cookies are `Secure` and HSTS is sent.
    pub fn https(&self) -> bool {
        self.secure_cookies || self.serves_tls()
    }

    /// Where the SQLite database lives.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("pilothouse.db")
    }
}
