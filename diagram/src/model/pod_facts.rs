//! What the topology reads of a pod, as a trait: k8s-openapi's `Pod`
//! answers it, and so can a caller that keeps pods in a lighter form. The
//! gateway's caches hold one compact row per pod; building 150,000 whole
//! `Pod`s (about 2 KB each) for every drawing of a large cluster cost more
//! than drawing it.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;

use super::{State, k8s};

/// The facts of a pod a topology needs.
pub trait PodFacts {
    /// `metadata.name`.
    fn name(&self) -> &str;
    /// `metadata.namespace` (`default` when unset).
    fn namespace(&self) -> &str;
    /// `spec.nodeName`, once scheduled.
    fn node_name(&self) -> Option<&str>;
    /// One label's value.
    fn label(&self, key: &str) -> Option<&str>;
    /// The controlling owner's kind and name (or the first owner's).
    fn controller(&self) -> Option<(&str, &str)>;
    /// Health, as colour.
    fn state(&self) -> State;
    /// `metadata.creationTimestamp`, Unix seconds.
    fn created(&self) -> Option<i64>;
}

impl PodFacts for Pod {
    fn name(&self) -> &str {
        k8s::name(&self.metadata)
    }

    fn namespace(&self) -> &str {
        k8s::namespace(&self.metadata)
    }

    fn node_name(&self) -> Option<&str> {
        self.spec.as_ref()?.node_name.as_deref()
    }

    fn label(&self, key: &str) -> Option<&str> {
        k8s::label(&self.metadata, key)
    }

    fn controller(&self) -> Option<(&str, &str)> {
        k8s::controller(&self.metadata).map(|o| (o.kind.as_str(), o.name.as_str()))
    }

    fn state(&self) -> State {
        k8s::pod_state(self)
    }

    fn created(&self) -> Option<i64> {
        self.metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.as_second())
    }
}

/// Pods behind a reference or an `Arc` (as a cache shares them) answer
/// for themselves.
macro_rules! forward {
    ($($wrapper:ty),*) => {$(
        impl<T: PodFacts + ?Sized> PodFacts for $wrapper {
            fn name(&self) -> &str {
                (**self).name()
            }

            fn namespace(&self) -> &str {
                (**self).namespace()
            }

            fn node_name(&self) -> Option<&str> {
                (**self).node_name()
            }

            fn label(&self, key: &str) -> Option<&str> {
                (**self).label(key)
            }

            fn controller(&self) -> Option<(&str, &str)> {
                (**self).controller()
            }

            fn state(&self) -> State {
                (**self).state()
            }

            fn created(&self) -> Option<i64> {
                (**self).created()
            }
        }
    )*};
}

forward!(&T, Arc<T>);
