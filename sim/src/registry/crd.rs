//! Turning a CustomResourceDefinition into the resource types it serves.

use serde_json::Value;

use super::{ResourceType, ScalePaths, Subresource};

/// The types (one per served version) that `crd` defines. Invalid or
/// incomplete CRDs yield nothing.
pub fn resource_types_from_crd(crd: &Value) -> Vec<ResourceType> {
    let spec = &crd["spec"];
    let names = &spec["names"];
    let (Some(group), Some(plural), Some(kind)) = (
        spec["group"].as_str(),
        names["plural"].as_str(),
        names["kind"].as_str(),
    ) else {
        return Vec::new();
    };
    let singular = names["singular"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| kind.to_lowercase());
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let namespaced = spec["scope"].as_str() != Some("Cluster");
    let versions = spec["versions"].as_array().cloned().unwrap_or_default();
    versions
        .iter()
        .filter(|v| v["served"].as_bool().unwrap_or(true))
        .filter_map(|v| {
            let version = v["name"].as_str()?;
            let mut subresources = Vec::new();
            let subs = &v["subresources"];
            if subs.get("status").is_some() {
                subresources.push(Subresource {
                    name: "status".into(),
                    group: group.into(),
                    version: version.into(),
                    kind: kind.into(),
                    verbs: vec!["get".into(), "patch".into(), "update".into()],
                });
            }
            let scale_paths = subs.get("scale").map(|s| ScalePaths {
                spec_replicas: s["specReplicasPath"]
                    .as_str()
                    .unwrap_or(".spec.replicas")
                    .trim_start_matches('.')
                    .into(),
                status_replicas: s["statusReplicasPath"]
                    .as_str()
                    .unwrap_or(".status.replicas")
                    .trim_start_matches('.')
                    .into(),
                label_selector: s["labelSelectorPath"]
                    .as_str()
                    .map(|p| p.trim_start_matches('.').to_string()),
            });
            if scale_paths.is_some() {
                subresources.push(Subresource {
                    name: "scale".into(),
                    group: "autoscaling".into(),
                    version: "v1".into(),
                    kind: "Scale".into(),
                    verbs: vec!["get".into(), "patch".into(), "update".into()],
                });
            }
            Some(ResourceType {
                group: group.into(),
                version: version.into(),
                plural: plural.into(),
                singular: singular.clone(),
                kind: kind.into(),
                namespaced,
                short_names: strings(&names["shortNames"]),
                categories: strings(&names["categories"]),
                verbs: super::builtin::ALL_VERBS
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                subresources,
                scale_paths,
                custom: true,
            })
        })
        .collect()
}
