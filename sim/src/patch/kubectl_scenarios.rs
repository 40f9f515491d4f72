//! End-to-end strategic merge patch tests with the bodies kubectl actually
//! sends (`apply`, `set image`, `rollout restart`, `cordon`, `edit`, …)
//! against real-shaped objects.

use serde_json::{Value, json};

use super::{PatchError, PatchType, apply};

/// Applies a strategic merge patch and fails the test on error.
fn smp(group: &str, kind: &str, original: &Value, patch: Value) -> Value {
    let out = apply(PatchType::StrategicMerge, original, &patch, group, kind)
        .unwrap_or_else(|e| panic!("patch {patch} failed: {e}"));
    assert_no_directives(&out, "");
    out
}

fn smp_err(group: &str, kind: &str, original: &Value, patch: Value) -> PatchError {
    apply(PatchType::StrategicMerge, original, &patch, group, kind).expect_err("patch should fail")
}

/// A patched object must never store `$patch`, `$setElementOrder/…` and friends.
fn assert_no_directives(value: &Value, path: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                assert!(!k.starts_with('$'), "directive {k} stored at {path}");
                assert_no_directives(v, &format!("{path}.{k}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| assert_no_directives(v, path)),
        _ => {}
    }
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "d-1",
                     "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "1"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "web", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
                         "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}],
                         "env": [{"name": "MODE", "value": "prod"}, {"name": "LOG", "value": "info"}],
                         "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
                        {"name": "metrics", "image": "exporter:0.9",
                         "ports": [{"containerPort": 9100, "name": "metrics", "protocol": "TCP"}]}
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
                    "restartPolicy": "Always"
                }
            }
        },
        "status": {"replicas": 3, "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}
        ]}
    })
}

fn pod_spec(obj: &Value) -> &Value {
    &obj["spec"]["template"]["spec"]
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

#[test]
fn reapplying_a_manifest_with_a_new_image_keeps_ports_and_other_containers() {
    // The three-way patch `kubectl apply` sends when only the image changed.
    let patch = json!({
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{…}"}},
        "spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "web"}, {"name": "metrics"}],
            "containers": [{"image": "nginx:1.27", "name": "web"}]
        }}}
    });
    let out = smp("apps", "Deployment", &deployment(), patch);
    let containers = &pod_spec(&out)["containers"];
    assert_eq!(names(containers), ["web", "metrics"]);
    assert_eq!(containers[0]["image"], "nginx:1.27");
    assert_eq!(
        containers[0]["ports"],
        deployment()["spec"]["template"]["spec"]["containers"][0]["ports"]
    );
    assert_eq!(
        containers[0]["env"][1],
        json!({"name": "LOG", "value": "info"})
    );
    assert_eq!(
        containers[1],
        deployment()["spec"]["template"]["spec"]["containers"][1]
    );
    assert_eq!(
        out["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
}

#[test]
fn reapplying_an_unchanged_manifest_changes_nothing_but_the_annotation() {
    let patch = json!({
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "web"}, {"name": "metrics"}]}}}
    });
    let mut out = smp("apps", "Deployment", &deployment(), patch);
    out["metadata"]["annotations"]
        .as_object_mut()
        .unwrap()
        .remove("kubectl.kubernetes.io/last-applied-configuration");
    assert_eq!(out, deployment());
}

#[test]
fn apply_inserts_a_new_container_where_the_manifest_puts_it() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}, {"name": "logger"}, {"name": "metrics"}],
        "containers": [{"name": "logger", "image": "fluent-bit:3"}]
    }}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        names(&pod_spec(&out)["containers"]),
        ["web", "logger", "metrics"]
    );
    assert_eq!(
        pod_spec(&out)["containers"][1],
        json!({"name": "logger", "image": "fluent-bit:3"})
    );
}

#[test]
fn apply_removes_a_container_dropped_from_the_manifest() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}],
        "containers": [{"$patch": "delete", "name": "metrics"}]
    }}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(names(&pod_spec(&out)["containers"]), ["web"]);
    assert_eq!(
        pod_spec(&out)["containers"][0]["ports"][0]["containerPort"],
        80
    );
}

#[test]
fn apply_reorders_env_and_drops_a_removed_variable() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}, {"name": "metrics"}],
        "containers": [{
            "name": "web",
            "$setElementOrder/env": [{"name": "LOG"}, {"name": "REGION"}],
            "env": [{"name": "REGION", "value": "eu"}, {"$patch": "delete", "name": "MODE"}]
        }]
    }}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        pod_spec(&out)["containers"][0]["env"],
        json!([{"name": "LOG", "value": "info"}, {"name": "REGION", "value": "eu"}])
    );
}

#[test]
fn kubectl_set_image_touches_only_the_named_container() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "metrics", "image": "exporter:1.0"}]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    let containers = &pod_spec(&out)["containers"];
    assert_eq!(names(containers), ["web", "metrics"]);
    assert_eq!(
        containers[0],
        deployment()["spec"]["template"]["spec"]["containers"][0]
    );
    assert_eq!(containers[1]["image"], "exporter:1.0");
    assert_eq!(containers[1]["ports"][0]["containerPort"], 9100);
}

#[test]
fn kubectl_rollout_restart_annotates_the_pod_template() {
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2025-01-01T10:00:00Z"
    }}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    let template = &out["spec"]["template"];
    assert_eq!(
        template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
        "2025-01-01T10:00:00Z"
    );
    assert_eq!(template["metadata"]["labels"], json!({"app": "web"}));
    assert_eq!(template["spec"], deployment()["spec"]["template"]["spec"]);
}

#[test]
fn kubectl_scale_and_edit_style_patches_change_single_fields() {
    let patch = json!({"spec": {"replicas": 5, "template": {"spec": {"restartPolicy": "Always", "terminationGracePeriodSeconds": 10}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(out["spec"]["replicas"], 5);
    assert_eq!(pod_spec(&out)["terminationGracePeriodSeconds"], 10);
    assert_eq!(names(&pod_spec(&out)["containers"]), ["web", "metrics"]);
}

#[test]
fn deleting_a_container_with_patch_delete() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "$patch": "delete"}]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(names(&pod_spec(&out)["containers"]), ["metrics"]);
}

#[test]
fn env_merges_by_name_and_null_removes_a_field() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "env": [
        {"name": "LOG", "value": null, "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "log"}}},
        {"name": "TZ", "value": "UTC"}
    ]}]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        pod_spec(&out)["containers"][0]["env"],
        json!([
            {"name": "MODE", "value": "prod"},
            {"name": "LOG", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "log"}}},
            {"name": "TZ", "value": "UTC"}
        ])
    );
}

#[test]
fn container_ports_merge_by_container_port() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "ports": [
        {"containerPort": 80, "name": "web"},
        {"containerPort": 8443, "name": "https"}
    ]}]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        pod_spec(&out)["containers"][0]["ports"],
        json!([{"containerPort": 80, "name": "web", "protocol": "TCP"}, {"containerPort": 8443, "name": "https"}])
    );
}

#[test]
fn a_new_list_item_without_order_hint_goes_first_like_upstream() {
    // Upstream only knows where live items were; an unknown new item leads.
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "metrics", "ports": [{"containerPort": 9200}]}]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    let ports: Vec<&Value> = pod_spec(&out)["containers"][1]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["containerPort"])
        .collect();
    assert_eq!(ports, [&json!(9200), &json!(9100)]);
}

#[test]
fn volume_mounts_merge_by_mount_path_and_volumes_by_name() {
    let patch = json!({"spec": {"template": {"spec": {
        "containers": [{"name": "web", "volumeMounts": [{"mountPath": "/cache", "name": "cache"}, {"mountPath": "/data", "readOnly": true}]}],
        "volumes": [{"name": "cache", "emptyDir": {"medium": "Memory"}}]
    }}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    let mounts = &pod_spec(&out)["containers"][0]["volumeMounts"];
    assert_eq!(mounts.as_array().unwrap().len(), 2);
    assert!(
        mounts
            .as_array()
            .unwrap()
            .contains(&json!({"name": "data", "mountPath": "/data", "readOnly": true}))
    );
    // Without a $setElementOrder hint upstream puts the unknown new item first.
    assert_eq!(names(&pod_spec(&out)["volumes"]), ["cache", "data"]);
}

#[test]
fn retain_keys_switches_a_volume_source() {
    // kubectl apply after changing a volume from emptyDir to a PVC.
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/volumes": [{"name": "data"}],
        "volumes": [{"$retainKeys": ["name", "persistentVolumeClaim"], "name": "data",
                     "emptyDir": null, "persistentVolumeClaim": {"claimName": "web-data"}}]
    }}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        pod_spec(&out)["volumes"],
        json!([{"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}}])
    );
}

#[test]
fn retain_keys_switches_the_deployment_strategy() {
    let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": null}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn retain_keys_must_list_every_patched_field() {
    let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert_eq!(err.to_string(), "invalid patch format of retainKeys");
    assert_eq!((err.status_code(), err.reason()), (400, "BadRequest"));
}

#[test]
fn tolerations_are_replaced_whole() {
    let patch = json!({"spec": {"template": {"spec": {"tolerations": [{"key": "gpu", "operator": "Exists", "value": null}]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        pod_spec(&out)["tolerations"],
        json!([{"key": "gpu", "operator": "Exists"}])
    );
}

#[test]
fn status_conditions_merge_by_type() {
    let patch = json!({"status": {"conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        out["status"]["conditions"],
        json!([
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}
        ])
    );
}

#[test]
fn labels_and_annotations_are_set_and_removed_with_null() {
    let patch = json!({"metadata": {"labels": {"tier": "frontend", "app": null},
                                    "annotations": {"deployment.kubernetes.io/revision": null, "team": "a"}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(out["metadata"]["labels"], json!({"tier": "frontend"}));
    assert_eq!(out["metadata"]["annotations"], json!({"team": "a"}));
}

#[test]
fn patch_replace_on_a_map_swaps_its_contents() {
    let patch = json!({"spec": {"selector": {"matchLabels": {"$patch": "replace", "app": "web2", "tier": null}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        out["spec"]["selector"]["matchLabels"],
        json!({"app": "web2"})
    );
}

#[test]
fn patch_replace_item_makes_the_patch_list_the_whole_list() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "app:1"}, {"$patch": "replace"}
    ]}}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        pod_spec(&out)["containers"],
        json!([{"name": "app", "image": "app:1"}])
    );
}

#[test]
fn patch_delete_on_a_map_empties_it() {
    let patch = json!({"metadata": {"annotations": {"$patch": "delete"}}});
    let out = smp("apps", "Deployment", &deployment(), patch);
    assert_eq!(out["metadata"]["annotations"], json!({}));
}

#[test]
fn patch_merge_is_refused_like_upstream() {
    let err = smp_err(
        "apps",
        "Deployment",
        &deployment(),
        json!({"metadata": {"labels": {"$patch": "merge", "a": "b"}}}),
    );
    assert_eq!(
        err.to_string(),
        "unknown patch type: merge in map: map[$patch:merge a:b]"
    );
    let list = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "merge"}]}}}});
    let err = smp_err("apps", "Deployment", &deployment(), list);
    assert_eq!(
        err.to_string(),
        "merging lists cannot yet be specified in the patch"
    );
    let err = smp_err(
        "apps",
        "Deployment",
        &deployment(),
        json!({"spec": {"$patch": "explode"}}),
    );
    assert_eq!(
        err.to_string(),
        "unknown patch type: explode in map: map[$patch:explode]"
    );
}

#[test]
fn list_items_without_their_merge_key_are_rejected() {
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"image": "nginx"}]}}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert_eq!(
        err.to_string(),
        "map: map[image:nginx] does not contain declared merge key: name"
    );
    assert_eq!(err.status_code(), 500);
}

#[test]
fn cronjob_pod_template_lists_merge_under_job_template() {
    let cronjob = json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "OnFailure",
            "containers": [{"name": "backup", "image": "backup:1", "args": ["--all"]}, {"name": "notify", "image": "curl"}]
        }}}}}
    });
    let patch = json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "backup", "image": "backup:2"}]}}}}}});
    let out = smp("batch", "CronJob", &cronjob, patch);
    let containers = &out["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"];
    assert_eq!(
        containers,
        &json!([{"name": "backup", "image": "backup:2", "args": ["--all"]}, {"name": "notify", "image": "curl"}])
    );
}

#[test]
fn statefulset_claim_templates_are_replaced_but_containers_merge() {
    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {
        "template": {"spec": {"containers": [{"name": "db", "image": "postgres:15"}, {"name": "backup", "image": "b:1"}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]
    }});
    let patch = json!({"spec": {
        "template": {"spec": {"containers": [{"name": "db", "image": "postgres:16"}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "wal"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]
    }});
    let out = smp("apps", "StatefulSet", &sts, patch);
    assert_eq!(
        names(&out["spec"]["template"]["spec"]["containers"]),
        ["db", "backup"]
    );
    assert_eq!(
        out["spec"]["volumeClaimTemplates"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        out["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
        "wal"
    );
}

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
    assert!(!super::supports_strategic_merge("example.com", "Widget"));
    assert!(super::supports_strategic_merge("apps", "Deployment"));
}

#[test]
fn malformed_patch_documents_get_upstream_errors() {
    let d = deployment();
    let cases = [
        (
            json!([{"op": "add"}]),
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
            400,
        ),
        (
            json!({"spec": {"template": {"spec": {"$setElementOrder/containers": {"name": "web"}}}}}),
            "invalid patch format of setElementOrder list",
            400,
        ),
        (
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}}),
            "invalid patch format of primitive list",
            400,
        ),
        (
            json!({"metadata": {"$retainKeys": "name"}}),
            "invalid patch format of retainKeys",
            400,
        ),
        (
            json!({"metadata": {"finalizers": [["a"]]}}),
            "lists of lists are not supported",
            422,
        ),
    ];
    for (patch, message, status) in cases {
        let err = smp_err("apps", "Deployment", &d, patch);
        assert_eq!(
            (err.to_string().as_str(), err.status_code()),
            (message, status)
        );
    }
}

#[test]
fn set_element_order_must_agree_with_the_patch_list() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}, {"name": "metrics"}],
        "containers": [{"name": "metrics", "image": "m:2"}, {"name": "web", "image": "w:2"}]
    }}}});
    let err = smp_err("apps", "Deployment", &deployment(), patch);
    assert!(err.to_string().starts_with("The order in patch list:\n[map[image:m:2 name:metrics] map[image:w:2 name:web]]\n doesn't match $setElementOrder list:"), "{err}");
}

#[test]
fn a_null_patch_changes_nothing() {
    assert_eq!(
        smp("apps", "Deployment", &deployment(), Value::Null),
        deployment()
    );
    assert_eq!(
        smp("apps", "Deployment", &deployment(), json!({})),
        deployment()
    );
}
