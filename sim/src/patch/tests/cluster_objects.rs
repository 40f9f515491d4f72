//! Cluster objects: nodes (`kubectl cordon`), services, claims and their
//! finalizers, owner references, pods, service accounts, config maps and
//! custom resources.

use serde_json::{Value, json};

use super::super::{PatchError, PatchType, apply, supports_strategic_merge};
use super::{smp, smp_err};

fn node() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
        "spec": {"podCIDRs": ["10.244.1.0/24"], "taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "10.0.0.11"}, {"type": "Hostname", "address": "node-1"}],
            "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}]
        }
    })
}

#[test]
fn kubectl_cordon_and_uncordon() {
    let cordoned = smp(
        "",
        "Node",
        &node(),
        json!({"spec": {"unschedulable": true}}),
    );
    assert_eq!(cordoned["spec"]["unschedulable"], true);
    assert_eq!(cordoned["spec"]["taints"], node()["spec"]["taints"]);
    let uncordoned = smp(
        "",
        "Node",
        &cordoned,
        json!({"spec": {"unschedulable": null}}),
    );
    assert_eq!(uncordoned, node());
}

#[test]
fn node_taints_are_replaced_and_status_lists_merge_by_type() {
    let patch = json!({
        "spec": {"taints": [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}]},
        "status": {"conditions": [{"type": "Ready", "status": "Unknown"}],
                   "addresses": [{"type": "InternalIP", "address": "10.0.0.12"}]}
    });
    let out = smp("", "Node", &node(), patch);
    assert_eq!(
        out["spec"]["taints"],
        json!([{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}])
    );
    assert_eq!(
        out["status"]["conditions"],
        json!([{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "Unknown"}])
    );
    assert_eq!(
        out["status"]["addresses"],
        json!([{"type": "InternalIP", "address": "10.0.0.12"}, {"type": "Hostname", "address": "node-1"}])
    );
}

fn service() -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {
        "type": "ClusterIP", "clusterIP": "10.96.0.10", "selector": {"app": "web"},
        "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
                  {"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}]
    }})
}

#[test]
fn service_ports_merge_by_port() {
    let patch = json!({"spec": {"ports": [{"port": 443, "targetPort": 9443}, {"port": 9090, "name": "admin"}]}});
    let out = smp("", "Service", &service(), patch);
    assert_eq!(
        out["spec"]["ports"],
        json!([
            {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
            {"name": "https", "port": 443, "targetPort": 9443, "protocol": "TCP"},
            {"port": 9090, "name": "admin"}
        ])
    );
    assert_eq!(out["spec"]["clusterIP"], "10.96.0.10");
}

#[test]
fn service_port_removed_with_patch_delete() {
    let patch = json!({"spec": {"$setElementOrder/ports": [{"port": 443}], "ports": [{"$patch": "delete", "port": 80}]}});
    let out = smp("", "Service", &service(), patch);
    assert_eq!(
        out["spec"]["ports"],
        json!([{"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}])
    );
}

fn pvc_with_finalizers() -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": "data", "finalizers": ["kubernetes.io/pvc-protection", "example.com/backup"]},
           "spec": {"accessModes": ["ReadWriteOnce"]}})
}

#[test]
fn finalizer_removed_with_delete_from_primitive_list() {
    let patch =
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["example.com/backup"]}});
    let out = smp("", "PersistentVolumeClaim", &pvc_with_finalizers(), patch);
    assert_eq!(
        out["metadata"]["finalizers"],
        json!(["kubernetes.io/pvc-protection"])
    );
}

#[test]
fn finalizers_merge_as_a_set() {
    let patch = json!({"metadata": {"finalizers": ["example.com/backup", "example.com/audit"]}});
    let out = smp("", "PersistentVolumeClaim", &pvc_with_finalizers(), patch);
    // No duplicates; live order is kept and the new finalizer follows the patch's order.
    assert_eq!(
        out["metadata"]["finalizers"],
        json!([
            "kubernetes.io/pvc-protection",
            "example.com/backup",
            "example.com/audit"
        ])
    );
    // accessModes has no merge strategy: replaced.
    let out = smp(
        "",
        "PersistentVolumeClaim",
        &out,
        json!({"spec": {"accessModes": ["ReadWriteMany"]}}),
    );
    assert_eq!(out["spec"]["accessModes"], json!(["ReadWriteMany"]));
}

#[test]
fn owner_references_merge_by_uid() {
    let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5d8", "ownerReferences": [
        {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d-1", "controller": true}
    ]}});
    let patch =
        json!({"metadata": {"ownerReferences": [{"uid": "d-1", "blockOwnerDeletion": true}]}});
    let out = smp("apps", "ReplicaSet", &rs, patch);
    assert_eq!(
        out["metadata"]["ownerReferences"],
        json!([
            {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d-1", "controller": true, "blockOwnerDeletion": true}
        ])
    );
    let orphaned = smp(
        "apps",
        "ReplicaSet",
        &out,
        json!({"metadata": {"ownerReferences": [{"$patch": "delete", "uid": "d-1"}]}}),
    );
    assert_eq!(orphaned["metadata"]["ownerReferences"], json!([]));
}

#[test]
fn pod_spec_keyed_lists_use_their_keys() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "containers": [{"name": "app", "image": "app"}],
        "initContainers": [{"name": "app", "image": "init"}],
        "imagePullSecrets": [{"name": "regcred"}],
        "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["db"]}],
        "topologySpreadConstraints": [{"topologyKey": "zone", "maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}]
    }});
    let patch = json!({"spec": {
        "initContainers": [{"name": "app", "image": "init:2"}],
        "imagePullSecrets": [{"name": "other"}],
        "hostAliases": [{"ip": "10.0.0.1", "hostnames": ["db", "db.local"]}],
        "topologySpreadConstraints": [{"topologyKey": "zone", "maxSkew": 2}]
    }});
    let out = smp("", "Pod", &pod, patch);
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "app", "image": "app"}])
    );
    assert_eq!(
        out["spec"]["initContainers"],
        json!([{"name": "app", "image": "init:2"}])
    );
    assert_eq!(
        out["spec"]["imagePullSecrets"],
        json!([{"name": "other"}, {"name": "regcred"}])
    );
    assert_eq!(
        out["spec"]["hostAliases"],
        json!([{"ip": "10.0.0.1", "hostnames": ["db", "db.local"]}])
    );
    assert_eq!(out["spec"]["topologySpreadConstraints"][0]["maxSkew"], 2);
    assert_eq!(
        out["spec"]["topologySpreadConstraints"][0]["whenUnsatisfiable"],
        "DoNotSchedule"
    );
}

#[test]
fn pod_status_update_from_the_kubelet_merges_conditions_and_ips() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "True"}],
        "containerStatuses": [{"name": "app", "ready": false}]
    }});
    let patch = json!({"status": {
        "phase": "Running", "podIPs": [{"ip": "10.244.1.7"}],
        "$setElementOrder/conditions": [{"type": "PodScheduled"}, {"type": "Ready"}],
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "app", "ready": true, "started": true}]
    }});
    let out = smp("", "Pod", &pod, patch);
    assert_eq!(
        out["status"]["conditions"],
        json!([{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True"}])
    );
    assert_eq!(out["status"]["podIPs"], json!([{"ip": "10.244.1.7"}]));
    assert_eq!(
        out["status"]["containerStatuses"],
        json!([{"name": "app", "ready": true, "started": true}])
    );
}

#[test]
fn directives_inside_fields_the_object_lacks_are_applied_not_stored() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}});
    let patch = json!({"spec": {
        "$setElementOrder/initContainers": [{"name": "setup"}],
        "initContainers": [{"name": "setup", "image": "busybox", "env": [{"name": "X", "value": null}]}],
        "affinity": {"nodeAffinity": {"$patch": "delete"}, "podAffinity": null}
    }});
    let out = smp("", "Pod", &pod, patch);
    assert_eq!(
        out["spec"]["initContainers"],
        json!([{"name": "setup", "image": "busybox", "env": [{"name": "X"}]}])
    );
    assert_eq!(out["spec"]["affinity"], json!({"nodeAffinity": {}}));
}

#[test]
fn service_account_secrets_merge_by_name() {
    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "builder"},
                    "secrets": [{"name": "builder-token"}], "imagePullSecrets": [{"name": "a"}]});
    let patch =
        json!({"secrets": [{"name": "builder-dockercfg"}], "imagePullSecrets": [{"name": "b"}]});
    let out = smp("", "ServiceAccount", &sa, patch);
    assert_eq!(
        out["secrets"],
        json!([{"name": "builder-dockercfg"}, {"name": "builder-token"}])
    );
    assert_eq!(out["imagePullSecrets"], json!([{"name": "b"}]));
}

#[test]
fn configmap_data_keys_merge_and_delete() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1", "b": "2"}});
    let out = smp("", "ConfigMap", &cm, json!({"data": {"b": null, "c": "3"}}));
    assert_eq!(out["data"], json!({"a": "1", "c": "3"}));
}

#[test]
fn custom_resources_refuse_strategic_merge_but_accept_merge_patch() {
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}});
    let err = smp_err(
        "example.com",
        "Widget",
        &widget,
        json!({"spec": {"size": 2}}),
    );
    assert!(matches!(err, PatchError::StrategicUnsupported));
    assert_eq!(
        (err.status_code(), err.reason()),
        (415, "UnsupportedMediaType")
    );
    assert!(
        err.to_string().contains("application/merge-patch+json"),
        "{err}"
    );
    let out = apply(
        PatchType::Merge,
        &widget,
        &json!({"spec": {"size": 2}}),
        "example.com",
        "Widget",
    )
    .unwrap();
    assert_eq!(out["spec"]["size"], 2);
    assert!(!supports_strategic_merge("example.com", "Widget"));
    assert!(supports_strategic_merge("apps", "Deployment"));
}
