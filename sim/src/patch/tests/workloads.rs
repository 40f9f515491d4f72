//! Workload objects: Deployment, CronJob and StatefulSet patches as sent by
//! `kubectl apply`, `set image`, `rollout restart`, `scale` and `edit`.

use serde_json::{Value, json};

use super::smp;

pub(super) fn deployment() -> Value {
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

pub(super) fn pod_spec(obj: &Value) -> &Value {
    &obj["spec"]["template"]["spec"]
}

pub(super) fn names(list: &Value) -> Vec<&str> {
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
