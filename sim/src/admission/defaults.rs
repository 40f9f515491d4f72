//! Defaulting, as the apiserver's `SetDefaults_*` functions and default
//! admission plugins do it, for the fields `kubectl describe`, `get -o yaml`
//! and re-applied manifests rely on.

use serde_json::{Map, Value, json};

use super::AdmissionContext;
use crate::registry::ResourceType;

/// Applies the defaults of `rt`'s kind to `obj`.
pub fn apply(rt: &ResourceType, obj: &mut Value, old: Option<&Value>, ctx: &AdmissionContext) {
    if rt.custom {
        return;
    }
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Pod") => {
            pod_spec(&mut obj["spec"], true);
            if old.is_none() {
                pod_create_defaults(obj);
            }
        }
        ("", "Namespace") => {
            let name = obj["metadata"]["name"].clone();
            set_default(
                obj,
                &["metadata", "labels", "kubernetes.io/metadata.name"],
                name,
            );
            set_default(obj, &["spec", "finalizers"], json!(["kubernetes"]));
            set_default(obj, &["status", "phase"], json!("Active"));
        }
        ("", "Service") => service(obj, old, ctx),
        ("", "Secret") => set_default(obj, &["type"], json!("Opaque")),
        ("", "PersistentVolumeClaim") => {
            set_default(obj, &["spec", "volumeMode"], json!("Filesystem"));
            set_default(obj, &["status", "phase"], json!("Pending"));
        }
        ("", "PersistentVolume") => {
            set_default(
                obj,
                &["spec", "persistentVolumeReclaimPolicy"],
                json!("Retain"),
            );
            set_default(obj, &["spec", "volumeMode"], json!("Filesystem"));
            set_default(obj, &["status", "phase"], json!("Pending"));
        }
        ("apps", "Deployment") => {
            set_default(obj, &["spec", "replicas"], json!(1));
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
            set_default(obj, &["spec", "progressDeadlineSeconds"], json!(600));
            if obj["spec"]["strategy"]["type"].is_null() {
                set_default(obj, &["spec", "strategy", "type"], json!("RollingUpdate"));
            }
            if obj["spec"]["strategy"]["type"] == "RollingUpdate" {
                set_default(
                    obj,
                    &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
                    json!("25%"),
                );
                set_default(
                    obj,
                    &["spec", "strategy", "rollingUpdate", "maxSurge"],
                    json!("25%"),
                );
            }
            pod_spec(&mut obj["spec"]["template"]["spec"], false);
        }
        ("apps", "ReplicaSet") => {
            set_default(obj, &["spec", "replicas"], json!(1));
            pod_spec(&mut obj["spec"]["template"]["spec"], false);
        }
        ("apps", "StatefulSet") => {
            set_default(obj, &["spec", "replicas"], json!(1));
            set_default(obj, &["spec", "podManagementPolicy"], json!("OrderedReady"));
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
            set_default(
                obj,
                &["spec", "updateStrategy", "type"],
                json!("RollingUpdate"),
            );
            if obj["spec"]["updateStrategy"]["type"] == "RollingUpdate" {
                set_default(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "partition"],
                    json!(0),
                );
            }
            set_default(
                obj,
                &["spec", "persistentVolumeClaimRetentionPolicy"],
                json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
            );
            pod_spec(&mut obj["spec"]["template"]["spec"], false);
        }
        ("apps", "DaemonSet") => {
            set_default(obj, &["spec", "revisionHistoryLimit"], json!(10));
            set_default(
                obj,
                &["spec", "updateStrategy", "type"],
                json!("RollingUpdate"),
            );
            if obj["spec"]["updateStrategy"]["type"] == "RollingUpdate" {
                set_default(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"],
                    json!(1),
                );
                set_default(
                    obj,
                    &["spec", "updateStrategy", "rollingUpdate", "maxSurge"],
                    json!(0),
                );
            }
            pod_spec(&mut obj["spec"]["template"]["spec"], false);
        }
        ("batch", "Job") => job_spec(obj, old),
        ("batch", "CronJob") => {
            set_default(obj, &["spec", "concurrencyPolicy"], json!("Allow"));
            set_default(obj, &["spec", "suspend"], json!(false));
            set_default(obj, &["spec", "successfulJobsHistoryLimit"], json!(3));
            set_default(obj, &["spec", "failedJobsHistoryLimit"], json!(1));
            set_default(
                obj,
                &["spec", "jobTemplate", "spec", "backoffLimit"],
                json!(6),
            );
            pod_spec(
                &mut obj["spec"]["jobTemplate"]["spec"]["template"]["spec"],
                false,
            );
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            let names = obj["spec"]["names"].clone();
            obj["status"]["acceptedNames"] = names;
            obj["status"]["conditions"] = json!([
                {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found"},
                {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
            ]);
            obj["status"]["storedVersions"] = json!(
                obj["spec"]["versions"]
                    .as_array()
                    .map(|vs| vs
                        .iter()
                        .filter(|v| v["storage"] == true)
                        .map(|v| v["name"].clone())
                        .collect::<Vec<_>>())
                    .unwrap_or_default()
            );
        }
        _ => {}
    }
}

/// Sets the value at `path` unless something non-null is already there.
pub fn set_default(obj: &mut Value, path: &[&str], value: Value) {
    let mut cur = obj;
    for (i, key) in path.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let map = cur.as_object_mut().expect("object");
        if i + 1 == path.len() {
            let slot = map.entry(key.to_string()).or_insert(Value::Null);
            if slot.is_null() {
                *slot = value;
            }
            return;
        }
        cur = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

fn pod_spec(spec: &mut Value, is_pod: bool) {
    if !spec.is_object() {
        return;
    }
    set_default(spec, &["restartPolicy"], json!("Always"));
    set_default(spec, &["dnsPolicy"], json!("ClusterFirst"));
    set_default(spec, &["schedulerName"], json!("default-scheduler"));
    set_default(spec, &["terminationGracePeriodSeconds"], json!(30));
    set_default(spec, &["securityContext"], json!({}));
    if is_pod {
        set_default(spec, &["enableServiceLinks"], json!(true));
        set_default(spec, &["serviceAccountName"], json!("default"));
        let sa = spec["serviceAccountName"].clone();
        set_default(spec, &["serviceAccount"], sa);
        set_default(spec, &["priority"], json!(0));
        set_default(spec, &["preemptionPolicy"], json!("PreemptLowerPriority"));
    }
    for list in ["initContainers", "containers"] {
        if let Some(cs) = spec[list].as_array_mut() {
            for c in cs {
                container(c);
            }
        }
    }
}

fn container(c: &mut Value) {
    let image = c["image"].as_str().unwrap_or_default();
    let tag_latest = match image
        .rsplit_once('/')
        .map(|(_, last)| last)
        .unwrap_or(image)
        .split_once(':')
    {
        Some((_, tag)) => tag == "latest",
        None => !image.contains('@'),
    };
    set_default(
        c,
        &["imagePullPolicy"],
        json!(if tag_latest { "Always" } else { "IfNotPresent" }),
    );
    set_default(
        c,
        &["terminationMessagePath"],
        json!("/dev/termination-log"),
    );
    set_default(c, &["terminationMessagePolicy"], json!("File"));
    set_default(c, &["resources"], json!({}));
    if let Some(ports) = c["ports"].as_array_mut() {
        for p in ports {
            set_default(p, &["protocol"], json!("TCP"));
        }
    }
}

fn pod_create_defaults(pod: &mut Value) {
    let tolerations = pod["spec"]["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut tolerations = tolerations;
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !tolerations
            .iter()
            .any(|t| t["key"] == key && t["effect"] == "NoExecute")
        {
            tolerations.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
        }
    }
    pod["spec"]["tolerations"] = Value::Array(tolerations);
    set_default(pod, &["status", "phase"], json!("Pending"));
    let qos = qos_class(&pod["spec"]);
    set_default(pod, &["status", "qosClass"], json!(qos));
}

/// Guaranteed, Burstable or BestEffort from the containers' resources.
fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = spec["containers"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let any = containers.iter().any(|c| {
        c["resources"]["requests"]
            .as_object()
            .is_some_and(|m| !m.is_empty())
            || c["resources"]["limits"]
                .as_object()
                .is_some_and(|m| !m.is_empty())
    });
    if !any {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        let limits = &c["resources"]["limits"];
        let requests = &c["resources"]["requests"];
        ["cpu", "memory"]
            .iter()
            .all(|r| !limits[r].is_null() && (requests[r].is_null() || requests[r] == limits[r]))
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn service(svc: &mut Value, old: Option<&Value>, ctx: &AdmissionContext) {
    set_default(svc, &["spec", "type"], json!("ClusterIP"));
    set_default(svc, &["spec", "sessionAffinity"], json!("None"));
    let ty = svc["spec"]["type"].as_str().unwrap_or_default().to_string();
    if let Some(ports) = svc["spec"]["ports"].as_array_mut() {
        for p in ports {
            set_default(p, &["protocol"], json!("TCP"));
            let port = p["port"].clone();
            set_default(p, &["targetPort"], port);
        }
    }
    if ty == "ExternalName" {
        return;
    }
    let old_ip = old
        .map(|o| o["spec"]["clusterIP"].clone())
        .filter(|v| !v.is_null());
    if svc["spec"]["clusterIP"].is_null() || svc["spec"]["clusterIP"] == "" {
        let ip = old_ip.unwrap_or_else(|| json!(ctx.allocate_cluster_ip()));
        svc["spec"]["clusterIP"] = ip;
    }
    let ip = svc["spec"]["clusterIP"].clone();
    set_default(svc, &["spec", "clusterIPs"], json!([ip]));
    set_default(svc, &["spec", "ipFamilies"], json!(["IPv4"]));
    set_default(svc, &["spec", "ipFamilyPolicy"], json!("SingleStack"));
    set_default(svc, &["spec", "internalTrafficPolicy"], json!("Cluster"));
    if ty == "NodePort" || ty == "LoadBalancer" {
        set_default(svc, &["spec", "externalTrafficPolicy"], json!("Cluster"));
        if let Some(ports) = svc["spec"]["ports"].as_array_mut() {
            for p in ports {
                let port = p["port"].as_u64().unwrap_or(0);
                set_default(p, &["nodePort"], json!(30000 + (port * 7 + 13) % 2768));
            }
        }
    }
    set_default(svc, &["status", "loadBalancer"], json!({}));
}

fn job_spec(job: &mut Value, old: Option<&Value>) {
    set_default(job, &["spec", "parallelism"], json!(1));
    set_default(job, &["spec", "completions"], json!(1));
    set_default(job, &["spec", "backoffLimit"], json!(6));
    set_default(job, &["spec", "completionMode"], json!("NonIndexed"));
    set_default(job, &["spec", "suspend"], json!(false));
    set_default(
        job,
        &["spec", "podReplacementPolicy"],
        json!("TerminatingOrFailed"),
    );
    if old.is_none() && job["spec"]["manualSelector"] != true {
        let uid = job["metadata"]["uid"].clone();
        let name = job["metadata"]["name"].clone();
        if job["spec"]["selector"].is_null() {
            job["spec"]["selector"] =
                json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
        }
        for (k, v) in [
            ("batch.kubernetes.io/controller-uid", uid.clone()),
            ("batch.kubernetes.io/job-name", name.clone()),
            ("controller-uid", uid),
            ("job-name", name),
        ] {
            set_default(job, &["spec", "template", "metadata", "labels", k], v);
        }
    }
    pod_spec(&mut job["spec"]["template"]["spec"], false);
}
