//! The built-in kinds a 1.32 cluster serves (the subset the simulator keeps),
//! with the short names, categories and subresources of upstream discovery.

use super::{ResourceId, ResourceType, Subresource};

/// `/apis` group order of a kubeadm 1.32 cluster, restricted to served groups.
pub const GROUP_ORDER: &[&str] = &[
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "apiextensions.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
];

/// The verbs of a stored kind (and of its `*` RBAC rules).
pub const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// Subresources a built-in type offers.
#[derive(Clone, Copy)]
enum Sub {
    Status,
    Scale,
    Log,
    Eviction,
    /// `exec`, `attach`, `portforward`: the pod streams.
    Stream(&'static str, &'static str),
    /// `serviceaccounts/token`: TokenRequest.
    Token,
}

/// (group, version, plural, singular, kind, namespaced, short names, in "all", subresources)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    bool,
    &'static [Sub],
);

const ROWS: &[Row] = &[
    (
        "",
        "v1",
        "configmaps",
        "configmap",
        "ConfigMap",
        true,
        &["cm"],
        false,
        &[],
    ),
    (
        "",
        "v1",
        "endpoints",
        "endpoints",
        "Endpoints",
        true,
        &["ep"],
        false,
        &[],
    ),
    (
        "",
        "v1",
        "events",
        "event",
        "Event",
        true,
        &["ev"],
        false,
        &[],
    ),
    (
        "",
        "v1",
        "namespaces",
        "namespace",
        "Namespace",
        false,
        &["ns"],
        false,
        &[Sub::Status],
    ),
    (
        "",
        "v1",
        "nodes",
        "node",
        "Node",
        false,
        &["no"],
        false,
        &[Sub::Status],
    ),
    (
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
        false,
        &[Sub::Status],
    ),
    (
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        false,
        &["pv"],
        false,
        &[Sub::Status],
    ),
    (
        "",
        "v1",
        "pods",
        "pod",
        "Pod",
        true,
        &["po"],
        true,
        &[
            Sub::Stream("attach", "PodAttachOptions"),
            Sub::Eviction,
            Sub::Stream("exec", "PodExecOptions"),
            Sub::Log,
            Sub::Stream("portforward", "PodPortForwardOptions"),
            Sub::Status,
        ],
    ),
    (
        "",
        "v1",
        "secrets",
        "secret",
        "Secret",
        true,
        &[],
        false,
        &[],
    ),
    (
        "",
        "v1",
        "resourcequotas",
        "resourcequota",
        "ResourceQuota",
        true,
        &["quota"],
        false,
        &[Sub::Status],
    ),
    (
        "",
        "v1",
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        true,
        &["sa"],
        false,
        &[Sub::Token],
    ),
    (
        "",
        "v1",
        "services",
        "service",
        "Service",
        true,
        &["svc"],
        true,
        &[Sub::Status],
    ),
    (
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        "ControllerRevision",
        true,
        &[],
        false,
        &[],
    ),
    (
        "apps",
        "v1",
        "daemonsets",
        "daemonset",
        "DaemonSet",
        true,
        &["ds"],
        true,
        &[Sub::Status],
    ),
    (
        "apps",
        "v1",
        "deployments",
        "deployment",
        "Deployment",
        true,
        &["deploy"],
        true,
        &[Sub::Scale, Sub::Status],
    ),
    (
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        "ReplicaSet",
        true,
        &["rs"],
        true,
        &[Sub::Scale, Sub::Status],
    ),
    (
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        "StatefulSet",
        true,
        &["sts"],
        true,
        &[Sub::Scale, Sub::Status],
    ),
    (
        "events.k8s.io",
        "v1",
        "events",
        "event",
        "Event",
        true,
        &["ev"],
        false,
        &[],
    ),
    (
        "batch",
        "v1",
        "cronjobs",
        "cronjob",
        "CronJob",
        true,
        &["cj"],
        true,
        &[Sub::Status],
    ),
    (
        "batch",
        "v1",
        "jobs",
        "job",
        "Job",
        true,
        &[],
        true,
        &[Sub::Status],
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "ingressclass",
        "IngressClass",
        false,
        &[],
        false,
        &[],
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingresses",
        "ingress",
        "Ingress",
        true,
        &["ing"],
        false,
        &[Sub::Status],
    ),
    (
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        true,
        &["netpol"],
        false,
        &[],
    ),
    (
        "policy",
        "v1",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        true,
        &["pdb"],
        false,
        &[Sub::Status],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        false,
        &[],
        false,
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        false,
        &[],
        false,
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        true,
        &[],
        false,
        &[],
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "role",
        "Role",
        true,
        &[],
        false,
        &[],
    ),
    (
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "storageclass",
        "StorageClass",
        false,
        &["sc"],
        false,
        &[],
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        false,
        &["crd", "crds"],
        false,
        &[Sub::Status],
    ),
    (
        "coordination.k8s.io",
        "v1",
        "leases",
        "lease",
        "Lease",
        true,
        &[],
        false,
        &[],
    ),
    (
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        "EndpointSlice",
        true,
        &[],
        false,
        &[],
    ),
];

/// The reviews: kinds that are only created, answer a question about
/// who is asking or what someone may do, and store nothing
/// (`api/reviews.rs`). (group, plural, singular, kind, namespaced)
const REVIEWS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "authentication.k8s.io",
        "selfsubjectreviews",
        "selfsubjectreview",
        "SelfSubjectReview",
        false,
    ),
    (
        "authentication.k8s.io",
        "tokenreviews",
        "tokenreview",
        "TokenReview",
        false,
    ),
    (
        "authorization.k8s.io",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        "LocalSubjectAccessReview",
        true,
    ),
    (
        "authorization.k8s.io",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        false,
    ),
    (
        "authorization.k8s.io",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        false,
    ),
    (
        "authorization.k8s.io",
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        false,
    ),
];

/// True for the groups whose kinds are reviews.
pub fn is_review_group(group: &str) -> bool {
    matches!(group, "authentication.k8s.io" | "authorization.k8s.io")
}

/// Every built-in type.
pub fn resource_types() -> Vec<ResourceType> {
    let reviews = REVIEWS.iter().map(
        |&(group, plural, singular, kind, namespaced)| ResourceType {
            group: group.into(),
            version: "v1".into(),
            plural: plural.into(),
            singular: singular.into(),
            kind: kind.into(),
            namespaced,
            short_names: Vec::new(),
            categories: Vec::new(),
            verbs: strings(&["create"]),
            subresources: Vec::new(),
            scale_paths: None,
            custom: false,
        },
    );
    ROWS.iter()
        .map(
            |&(group, version, plural, singular, kind, namespaced, short, all, subs)| {
                let subresources = subs
                    .iter()
                    .map(|s| match s {
                        Sub::Status => Subresource {
                            name: "status".into(),
                            group: group.into(),
                            version: version.into(),
                            kind: kind.into(),
                            verbs: strings(&["get", "patch", "update"]),
                        },
                        Sub::Scale => Subresource {
                            name: "scale".into(),
                            group: "autoscaling".into(),
                            version: "v1".into(),
                            kind: "Scale".into(),
                            verbs: strings(&["get", "patch", "update"]),
                        },
                        Sub::Eviction => Subresource {
                            name: "eviction".into(),
                            group: "policy".into(),
                            version: "v1".into(),
                            kind: "Eviction".into(),
                            verbs: strings(&["create"]),
                        },
                        Sub::Stream(name, kind) => Subresource {
                            name: (*name).into(),
                            group: String::new(),
                            version: "v1".into(),
                            kind: (*kind).into(),
                            verbs: strings(&["create", "get"]),
                        },
                        Sub::Token => Subresource {
                            name: "token".into(),
                            group: "authentication.k8s.io".into(),
                            version: "v1".into(),
                            kind: "TokenRequest".into(),
                            verbs: strings(&["create"]),
                        },
                        Sub::Log => Subresource {
                            name: "log".into(),
                            group: String::new(),
                            version: "v1".into(),
                            kind: "Pod".into(),
                            verbs: strings(&["get"]),
                        },
                    })
                    .collect();
                ResourceType {
                    group: group.into(),
                    version: version.into(),
                    plural: plural.into(),
                    singular: singular.into(),
                    kind: kind.into(),
                    namespaced,
                    short_names: strings(short),
                    categories: if all { strings(&["all"]) } else { Vec::new() },
                    verbs: strings(ALL_VERBS),
                    subresources,
                    scale_paths: None,
                    custom: false,
                }
            },
        )
        .chain(reviews)
        .collect()
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| s.to_string()).collect()
}

macro_rules! ids {
    ($($name:ident = $group:literal / $res:literal;)*) => {
        $(
            #[doc = concat!("`", $res, "` in group `", $group, "`.")]
            pub fn $name() -> ResourceId { ResourceId::new($group, $res) }
        )*
    };
}

/// Resource ids of the built-in kinds, for controllers calling the store.
pub mod ids {
    use super::ResourceId;
    ids! {
        namespaces = "" / "namespaces";
        nodes = "" / "nodes";
        pods = "" / "pods";
        services = "" / "services";
        endpoints = "" / "endpoints";
        configmaps = "" / "configmaps";
        secrets = "" / "secrets";
        serviceaccounts = "" / "serviceaccounts";
        events = "" / "events";
        persistentvolumes = "" / "persistentvolumes";
        persistentvolumeclaims = "" / "persistentvolumeclaims";
        deployments = "apps" / "deployments";
        replicasets = "apps" / "replicasets";
        statefulsets = "apps" / "statefulsets";
        daemonsets = "apps" / "daemonsets";
        controllerrevisions = "apps" / "controllerrevisions";
        jobs = "batch" / "jobs";
        cronjobs = "batch" / "cronjobs";
        leases = "coordination.k8s.io" / "leases";
        endpointslices = "discovery.k8s.io" / "endpointslices";
        poddisruptionbudgets = "policy" / "poddisruptionbudgets";
        customresourcedefinitions = "apiextensions.k8s.io" / "customresourcedefinitions";
    }
}
