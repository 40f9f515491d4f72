//! What can go wrong between a page and a cluster, with the HTTP status
//! each maps to, so the JSON API answers like the Kubernetes API does.

/// A gateway request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("no cluster named {0:?}")]
    UnknownCluster(String),
    #[error("cluster {cluster} serves no kind {kind:?}")]
    UnknownKind { cluster: String, kind: String },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{kind} {name:?} not found")]
    NotFound { kind: String, name: String },
    #[error("cluster {cluster} is not reachable: {error}")]
    Unavailable { cluster: String, error: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("the cluster refused: {0}")]
    Cluster(String),
    /// A diagram with nothing to draw (a namespace without Services).
    #[error("nothing to draw: no {0}")]
    NothingToDraw(String),
}

impl GatewayError {
    /// The HTTP status code of the error.
    pub fn status_code(&self) -> u16 {
        match self {
            GatewayError::UnknownCluster(_)
            | GatewayError::UnknownKind { .. }
            | GatewayError::NotFound { .. }
            | GatewayError::NothingToDraw(_) => 404,
            GatewayError::Forbidden(_) => 403,
            GatewayError::Unavailable { .. } => 503,
            GatewayError::BadRequest(_) => 400,
            GatewayError::Cluster(_) => 502,
        }
    }

    /// The Kubernetes Status `reason` of the error.
    pub fn reason(&self) -> &'static str {
        match self.status_code() {
            404 => "NotFound",
            403 => "Forbidden",
            503 => "ServiceUnavailable",
            400 => "BadRequest",
            _ => "InternalError",
        }
    }
}
