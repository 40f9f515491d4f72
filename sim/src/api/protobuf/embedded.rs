//! Go structs embedded in others with `json:",inline"`: JSON writes their
//! fields in the outer object, but go-to-protobuf gives the embedded struct
//! a field of its own, named after its type (`volumeSource`,
//! `ingressRuleValue`, `localObjectReference`). The descriptors cannot tell
//! such a field from an ordinary one, hence this list, of the vendored
//! groups' inline fields (`proto message.field`).
//!
//! Without it `configMapKeyRef: {localObjectReference: {name: …}}` would
//! reach the handlers instead of `configMapKeyRef: {name: …}`.

/// `message full name.field name` of every inline field (sorted).
const INLINE: &[&str] = &[
    "api.core.v1.ConfigMapEnvSource.localObjectReference",
    "api.core.v1.ConfigMapKeySelector.localObjectReference",
    "api.core.v1.ConfigMapProjection.localObjectReference",
    "api.core.v1.ConfigMapVolumeSource.localObjectReference",
    "api.core.v1.EphemeralContainer.ephemeralContainerCommon",
    "api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
    "api.core.v1.Probe.handler",
    "api.core.v1.SecretEnvSource.localObjectReference",
    "api.core.v1.SecretKeySelector.localObjectReference",
    "api.core.v1.SecretProjection.localObjectReference",
    "api.core.v1.Volume.volumeSource",
    "api.networking.v1.IngressRule.ingressRuleValue",
];

/// True if `field` of the message `message` (full name) is written inline.
pub fn is_inline(message: &str, field: &str) -> bool {
    INLINE
        .binary_search_by(|probe| {
            let (m, f) = probe.rsplit_once('.').unwrap_or((probe, ""));
            m.cmp(message).then(f.cmp(field))
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        let keys: Vec<_> = INLINE
            .iter()
            .map(|s| s.rsplit_once('.').expect("message.field"))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(is_inline("api.core.v1.Volume", "volumeSource"));
        assert!(is_inline("api.core.v1.Probe", "handler"));
        assert!(!is_inline("api.core.v1.Volume", "name"));
        assert!(!is_inline("api.core.v1.PodAffinityTerm", "labelSelector"));
    }
}
