//! Patch metadata of the built-in kinds: which lists a strategic merge patch
//! merges by key, which primitive lists it merges as sets, and which lists it
//! replaces.
//!
//! Upstream reads this from the `patchStrategy` / `patchMergeKey` struct tags
//! of `k8s.io/api` (the same data appears as `x-kubernetes-patch-strategy` /
//! `x-kubernetes-patch-merge-key` in the OpenAPI document). The simulator has
//! no Go structs, so the tags of the kinds it serves are transcribed here as a
//! small graph of schema types: a field lookup on a type yields the field's
//! patch metadata and the type of its value (or of its list items).
//!
//! Lists without tags (tolerations, envFrom, readinessGates, node taints,
//! ingress rules, RBAC rules, …) are atomic: a patch replaces them whole.
//! Only the single `patchMergeKey` is used, exactly like upstream SMP
//! (the composite `listMapKeys` such as containerPort+protocol belong to
//! server-side apply).

/// A schema type of the built-in API: a node of the type graph that carries
/// patch metadata. Types whose fields carry no metadata are [`Opaque`](Self::Opaque).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaType {
    /// No known patch metadata below this point: maps merge, lists are replaced.
    Opaque,
    /// `v1 Pod`.
    Pod,
    /// `v1 PodTemplate` (the pod template sits at `template`).
    PodTemplate,
    /// Kinds whose `spec.template` is a pod template: Deployment, ReplicaSet,
    /// StatefulSet, DaemonSet, Job and ReplicationController.
    Workload,
    /// `batch/v1 CronJob` (pod template at `spec.jobTemplate.spec.template`).
    CronJob,
    /// `v1 Service`.
    Service,
    /// `v1 Node`.
    Node,
    /// `v1 ServiceAccount` (`secrets` merge by name).
    ServiceAccount,
    /// Kinds whose only keyed list besides metadata is `status.conditions`:
    /// Namespace, PersistentVolumeClaim, PodDisruptionBudget.
    ConditionedObject,
    /// Any other built-in kind: only `metadata` carries patch metadata.
    PlainObject,
    /// `ObjectMeta`: finalizers merge as a set, ownerReferences by uid.
    ObjectMeta,
    /// `PodTemplateSpec`: metadata + pod spec.
    PodTemplateSpec,
    /// `PodSpec`.
    PodSpec,
    /// `Container`, also used for init and ephemeral containers.
    Container,
    /// `PodStatus`.
    PodStatus,
    /// The spec of a [`Workload`](Self::Workload) (`DeploymentSpec`, `JobSpec`, …).
    WorkloadSpec,
    /// `CronJobSpec`.
    CronJobSpec,
    /// `JobTemplateSpec`.
    JobTemplateSpec,
    /// `ServiceSpec`.
    ServiceSpec,
    /// `NodeSpec`.
    NodeSpec,
    /// `NodeStatus`.
    NodeStatus,
    /// A status whose `conditions` merge by `type` (workloads, namespaces,
    /// claims, disruption budgets, services).
    StatusWithConditions,
}

/// How a strategic merge patch treats a list field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// The patch's list replaces the live list (no `patchStrategy` tag).
    Replace,
    /// `patchStrategy:"merge"`: items merge by `merge_key`, or as a set of
    /// primitives when there is no key.
    Merge,
}

/// The patch metadata of one field, and the schema type of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldPatchMeta {
    /// Merge or replace, for list fields.
    pub strategy: ListStrategy,
    /// `patchMergeKey`: the item field that identifies list items.
    pub merge_key: Option<&'static str>,
    /// The `retainKeys` strategy (volumes, resource claims): kubectl sends a
    /// `$retainKeys` directive for these when a union member changes.
    pub retain_keys: bool,
    /// The schema type of the value, or of each item for lists.
    pub value_type: SchemaType,
}

impl FieldPatchMeta {
    /// A field without patch tags whose value is of type `value_type`.
    const fn plain(value_type: SchemaType) -> Self {
        Self {
            strategy: ListStrategy::Replace,
            merge_key: None,
            retain_keys: false,
            value_type,
        }
    }

    /// A list merged by `key`, whose items are of type `value_type`.
    const fn keyed(key: &'static str, value_type: SchemaType) -> Self {
        Self {
            strategy: ListStrategy::Merge,
            merge_key: Some(key),
            retain_keys: false,
            value_type,
        }
    }

    /// A list merged by `key` that also has the `retainKeys` strategy.
    const fn keyed_retain(key: &'static str) -> Self {
        Self {
            strategy: ListStrategy::Merge,
            merge_key: Some(key),
            retain_keys: true,
            value_type: SchemaType::Opaque,
        }
    }

    /// A map with only the `retainKeys` strategy (a union such as
    /// `DeploymentStrategy`).
    const fn retain_keys_map() -> Self {
        Self {
            strategy: ListStrategy::Replace,
            merge_key: None,
            retain_keys: true,
            value_type: SchemaType::Opaque,
        }
    }

    /// A primitive list merged as a set (`patchStrategy:"merge"`, no key).
    const fn primitive_set() -> Self {
        Self {
            strategy: ListStrategy::Merge,
            merge_key: None,
            retain_keys: false,
            value_type: SchemaType::Opaque,
        }
    }
}

/// API groups served by kube-apiserver itself; objects in them are built-in
/// types that accept strategic merge patches.
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "coordination.k8s.io",
    "events.k8s.io",
    "discovery.k8s.io",
    "scheduling.k8s.io",
    "node.k8s.io",
    "certificates.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
    "storagemigration.k8s.io",
    "internal.apiserver.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
];

/// The schema type of a top-level object of `kind` in API `group` (`""` or
/// `"core"` for the core group; a trailing `/version` is ignored), or `None`
/// for kinds that are not built in (custom resources), which upstream refuses
/// to patch strategically.
pub fn root_type(group: &str, kind: &str) -> Option<SchemaType> {
    let group = group.split('/').next().unwrap_or_default();
    let group = if group == "core" { "" } else { group };
    if !BUILTIN_GROUPS.contains(&group) {
        return None;
    }
    let root = match (group, kind) {
        ("", "Pod") => SchemaType::Pod,
        ("", "PodTemplate") => SchemaType::PodTemplate,
        ("", "ReplicationController")
        | ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        | ("batch", "Job") => SchemaType::Workload,
        ("batch", "CronJob") => SchemaType::CronJob,
        ("", "Service") => SchemaType::Service,
        ("", "Node") => SchemaType::Node,
        ("", "ServiceAccount") => SchemaType::ServiceAccount,
        ("", "Namespace" | "PersistentVolumeClaim") | ("policy", "PodDisruptionBudget") => {
            SchemaType::ConditionedObject
        }
        _ => SchemaType::PlainObject,
    };
    Some(root)
}

impl SchemaType {
    /// The patch metadata of field `name` of this type. Unknown fields have
    /// no tags and an [`Opaque`](SchemaType::Opaque) value.
    pub fn field(self, name: &str) -> FieldPatchMeta {
        use FieldPatchMeta as F;
        use SchemaType as T;
        match (self, name) {
            (T::Opaque, _) => F::plain(T::Opaque),

            // Top-level objects.
            (
                T::Pod
                | T::PodTemplate
                | T::Workload
                | T::CronJob
                | T::Service
                | T::Node
                | T::ServiceAccount
                | T::ConditionedObject
                | T::PlainObject,
                "metadata",
            ) => F::plain(T::ObjectMeta),
            (T::Pod, "spec") => F::plain(T::PodSpec),
            (T::Pod, "status") => F::plain(T::PodStatus),
            (T::PodTemplate, "template") => F::plain(T::PodTemplateSpec),
            (T::Workload, "spec") => F::plain(T::WorkloadSpec),
            (T::Workload | T::CronJob | T::Service | T::ConditionedObject, "status") => {
                F::plain(T::StatusWithConditions)
            }
            (T::CronJob, "spec") => F::plain(T::CronJobSpec),
            (T::Service, "spec") => F::plain(T::ServiceSpec),
            (T::Node, "spec") => F::plain(T::NodeSpec),
            (T::Node, "status") => F::plain(T::NodeStatus),
            (T::ServiceAccount, "secrets") => F::keyed("name", T::Opaque),

            // ObjectMeta.
            (T::ObjectMeta, "finalizers") => F::primitive_set(),
            (T::ObjectMeta, "ownerReferences") => F::keyed("uid", T::Opaque),

            // Pod templates and the specs that hold them.
            (T::PodTemplateSpec | T::JobTemplateSpec, "metadata") => F::plain(T::ObjectMeta),
            (T::PodTemplateSpec, "spec") => F::plain(T::PodSpec),
            (T::WorkloadSpec, "template") => F::plain(T::PodTemplateSpec),
            (T::WorkloadSpec, "strategy") => F::retain_keys_map(),
            (T::CronJobSpec, "jobTemplate") => F::plain(T::JobTemplateSpec),
            (T::JobTemplateSpec, "spec") => F::plain(T::WorkloadSpec),

            // PodSpec.
            (T::PodSpec, "containers" | "initContainers" | "ephemeralContainers") => {
                F::keyed("name", T::Container)
            }
            (T::PodSpec, "volumes" | "resourceClaims") => F::keyed_retain("name"),
            (T::PodSpec, "imagePullSecrets" | "schedulingGates") => F::keyed("name", T::Opaque),
            (T::PodSpec, "hostAliases") => F::keyed("ip", T::Opaque),
            (T::PodSpec, "topologySpreadConstraints") => F::keyed("topologyKey", T::Opaque),

            // Container (and EphemeralContainerCommon).
            (T::Container, "ports") => F::keyed("containerPort", T::Opaque),
            (T::Container, "env") => F::keyed("name", T::Opaque),
            (T::Container, "volumeMounts") => F::keyed("mountPath", T::Opaque),
            (T::Container, "volumeDevices") => F::keyed("devicePath", T::Opaque),

            // Statuses.
            (T::PodStatus, "conditions") => F::keyed("type", T::Opaque),
            (T::PodStatus, "podIPs" | "hostIPs") => F::keyed("ip", T::Opaque),
            (T::PodStatus, "resourceClaimStatuses") => F::keyed_retain("name"),
            (T::StatusWithConditions, "conditions") => F::keyed("type", T::Opaque),
            (T::NodeStatus, "conditions" | "addresses") => F::keyed("type", T::Opaque),

            // Services and nodes.
            (T::ServiceSpec, "ports") => F::keyed("port", T::Opaque),
            (T::NodeSpec, "podCIDRs") => F::primitive_set(),

            _ => F::plain(T::Opaque),
        }
    }

    /// The patch metadata of the field at `path` below this type (list items
    /// are transparent: `["spec", "containers", "ports"]`).
    pub fn field_at(self, path: &[&str]) -> Option<FieldPatchMeta> {
        let (last, parents) = path.split_last()?;
        let parent = parents
            .iter()
            .fold(self, |ty, name| ty.field(name).value_type);
        Some(parent.field(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge_key(group: &str, kind: &str, path: &str) -> Option<&'static str> {
        let root = root_type(group, kind).expect("built-in kind");
        let path: Vec<&str> = path.split('.').collect();
        let meta = root.field_at(&path).expect("non-empty path");
        if meta.merge_key.is_some() {
            assert_eq!(meta.strategy, ListStrategy::Merge, "{kind} {path:?}");
        }
        meta.merge_key
    }

    fn strategy(group: &str, kind: &str, path: &str) -> ListStrategy {
        let path: Vec<&str> = path.split('.').collect();
        root_type(group, kind)
            .unwrap()
            .field_at(&path)
            .unwrap()
            .strategy
    }

    #[test]
    fn containers_merge_by_name_wherever_the_pod_template_lives() {
        assert_eq!(merge_key("", "Pod", "spec.containers"), Some("name"));
        for (group, kind) in [
            ("apps", "Deployment"),
            ("apps", "ReplicaSet"),
            ("apps", "StatefulSet"),
            ("apps", "DaemonSet"),
            ("batch", "Job"),
            ("", "ReplicationController"),
        ] {
            assert_eq!(
                merge_key(group, kind, "spec.template.spec.containers"),
                Some("name")
            );
            assert_eq!(
                merge_key(group, kind, "spec.template.spec.initContainers"),
                Some("name")
            );
            assert_eq!(
                merge_key(group, kind, "spec.template.spec.containers.ports"),
                Some("containerPort")
            );
        }
        assert_eq!(
            merge_key(
                "batch",
                "CronJob",
                "spec.jobTemplate.spec.template.spec.containers.env"
            ),
            Some("name")
        );
        assert_eq!(
            merge_key("", "PodTemplate", "template.spec.volumes"),
            Some("name")
        );
        // The pod template sits at spec.template, not spec.containers.
        assert_eq!(merge_key("apps", "Deployment", "spec.containers"), None);
    }

    #[test]
    fn container_lists_use_their_upstream_keys() {
        let c = "spec.containers";
        assert_eq!(merge_key("", "Pod", &format!("{c}.env")), Some("name"));
        assert_eq!(
            merge_key("", "Pod", &format!("{c}.volumeMounts")),
            Some("mountPath")
        );
        assert_eq!(
            merge_key("", "Pod", &format!("{c}.volumeDevices")),
            Some("devicePath")
        );
        assert_eq!(
            strategy("", "Pod", &format!("{c}.envFrom")),
            ListStrategy::Replace
        );
        assert_eq!(
            strategy("", "Pod", &format!("{c}.command")),
            ListStrategy::Replace
        );
        assert_eq!(
            merge_key("", "Pod", "spec.ephemeralContainers.ports"),
            Some("containerPort")
        );
    }

    #[test]
    fn pod_spec_lists_follow_the_upstream_tags() {
        assert_eq!(merge_key("", "Pod", "spec.imagePullSecrets"), Some("name"));
        assert_eq!(merge_key("", "Pod", "spec.hostAliases"), Some("ip"));
        assert_eq!(
            merge_key("", "Pod", "spec.topologySpreadConstraints"),
            Some("topologyKey")
        );
        assert_eq!(merge_key("", "Pod", "spec.resourceClaims"), Some("name"));
        assert_eq!(merge_key("", "Pod", "spec.schedulingGates"), Some("name"));
        assert!(
            root_type("", "Pod")
                .unwrap()
                .field_at(&["spec", "volumes"])
                .unwrap()
                .retain_keys
        );
        assert!(
            root_type("apps", "Deployment")
                .unwrap()
                .field_at(&["spec", "strategy"])
                .unwrap()
                .retain_keys
        );
        assert_eq!(
            strategy("", "Pod", "spec.tolerations"),
            ListStrategy::Replace
        );
        assert_eq!(
            strategy("", "Pod", "spec.readinessGates"),
            ListStrategy::Replace
        );
    }

    #[test]
    fn metadata_lists_are_merged_in_every_kind() {
        for (group, kind) in [
            ("", "ConfigMap"),
            ("apps", "Deployment"),
            ("rbac.authorization.k8s.io", "Role"),
        ] {
            assert_eq!(
                merge_key(group, kind, "metadata.ownerReferences"),
                Some("uid")
            );
            assert_eq!(
                strategy(group, kind, "metadata.finalizers"),
                ListStrategy::Merge
            );
            assert_eq!(
                strategy(group, kind, "metadata.managedFields"),
                ListStrategy::Replace
            );
        }
        assert_eq!(
            strategy("apps", "Deployment", "spec.template.metadata.finalizers"),
            ListStrategy::Merge
        );
    }

    #[test]
    fn status_conditions_merge_by_type() {
        for (group, kind) in [
            ("", "Pod"),
            ("", "Node"),
            ("apps", "Deployment"),
            ("batch", "Job"),
            ("", "Namespace"),
            ("", "PersistentVolumeClaim"),
            ("policy", "PodDisruptionBudget"),
            ("", "Service"),
        ] {
            assert_eq!(
                merge_key(group, kind, "status.conditions"),
                Some("type"),
                "{kind}"
            );
        }
        assert_eq!(merge_key("", "Node", "status.addresses"), Some("type"));
        assert_eq!(merge_key("", "Pod", "status.podIPs"), Some("ip"));
        assert_eq!(
            strategy("", "Pod", "status.containerStatuses"),
            ListStrategy::Replace
        );
        assert_eq!(
            strategy("batch", "CronJob", "status.active"),
            ListStrategy::Replace
        );
    }

    #[test]
    fn service_node_and_service_account_lists() {
        assert_eq!(merge_key("", "Service", "spec.ports"), Some("port"));
        assert_eq!(strategy("", "Node", "spec.taints"), ListStrategy::Replace);
        assert_eq!(strategy("", "Node", "spec.podCIDRs"), ListStrategy::Merge);
        assert_eq!(merge_key("", "ServiceAccount", "secrets"), Some("name"));
        assert_eq!(
            strategy("", "ServiceAccount", "imagePullSecrets"),
            ListStrategy::Replace
        );
        assert_eq!(strategy("", "Endpoints", "subsets"), ListStrategy::Replace);
        assert_eq!(
            strategy("networking.k8s.io", "Ingress", "spec.rules"),
            ListStrategy::Replace
        );
    }

    #[test]
    fn custom_resources_have_no_schema() {
        assert_eq!(root_type("example.com", "Widget"), None);
        assert_eq!(root_type("monitoring.coreos.com", "ServiceMonitor"), None);
        assert_eq!(
            root_type("apps/v1", "Deployment"),
            Some(SchemaType::Workload)
        );
        assert_eq!(root_type("core", "Pod"), Some(SchemaType::Pod));
        assert_eq!(
            root_type("storage.k8s.io", "StorageClass"),
            Some(SchemaType::PlainObject)
        );
        assert_eq!(
            root_type("coordination.k8s.io", "Lease"),
            Some(SchemaType::PlainObject)
        );
    }
}
