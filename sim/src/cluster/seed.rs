//! The initial contents of the simulated cluster: a kubeadm-like topology
//! (a tainted control-plane node with its static pods, workers, node leases,
//! the standard namespaces and the `kubernetes` Service), the system and
//! demo workloads (`seed/demo.rs`), the default RBAC policy
//! (`seed/rbac.rs`), optionally with filler pods for scale tests.

use serde_json::{Value, json};

mod demo;
mod rbac;

use super::ClusterConfig;
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// The Kubernetes version the simulated nodes report.
pub const KUBELET_VERSION: &str = "v1.32.2";
/// Name of the control-plane node.
pub const CONTROL_PLANE: &str = "control-plane";

/// Writes the seed into an empty store.
pub fn seed(store: &Store, config: &ClusterConfig) -> Result<(), StoreError> {
    let w = WriteOptions::default();
    for ns in [
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "demo",
        "load",
    ] {
        if ns == "load" && config.pods_per_node == 0 {
            continue;
        }
        store.create(
            &ids::namespaces(),
            "",
            json!({"metadata": {"name": ns}}),
            w.clone(),
        )?;
        store.create(
            &ids::serviceaccounts(),
            ns,
            json!({"metadata": {"name": "default"}}),
            w.clone(),
        )?;
    }
    store.create(
        &ids::services(),
        "default",
        json!({"metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"ports": [{"name": "https", "port": 443, "targetPort": 6443}]}}),
        w.clone(),
    )?;
    let mut nodes = vec![(CONTROL_PLANE.to_string(), true)];
    if !config.single_node {
        nodes.extend((1..=config.workers).map(|i| (format!("worker-{i}"), false)));
    }
    for (i, (name, control_plane)) in nodes.iter().enumerate() {
        create_node(store, name, i, *control_plane, config.single_node)?;
    }
    let cp_ip = node_ip(0);
    for component in [
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
    ] {
        static_pod(store, component, &cp_ip)?;
    }
    demo::seed(store, &cp_ip)?;
    rbac::seed(store)?;
    super::controllers::aggregate_all(store)?;
    if config.pods_per_node > 0 {
        for (i, (name, control_plane)) in nodes.iter().enumerate() {
            if *control_plane && !config.single_node {
                continue;
            }
            for p in 0..config.pods_per_node {
                load_pod(store, name, i, p)?;
            }
        }
    }
    Ok(())
}

/// The region every node is in, and its zones: a cloud cluster's nodes
/// carry both labels, and the workers take the zones in turn, so a large
/// simulated cluster has the zones a topology groups by and the spread
/// scheduler balances over.
const REGION: &str = "sim-1";
const ZONES: [&str; 3] = ["sim-1a", "sim-1b", "sim-1c"];

/// The zone of the node at `index` (0 is the control plane, workers from 1).
fn zone_of(index: usize) -> &'static str {
    ZONES[index.saturating_sub(1) % ZONES.len()]
}

fn node_ip(index: usize) -> String {
    format!("172.18.{}.{}", 1 + index / 250, 2 + index % 250)
}

fn pod_cidr(index: usize) -> String {
    format!("10.{}.{}.0/24", 244 + index / 256, index % 256)
}

fn create_node(
    store: &Store,
    name: &str,
    index: usize,
    control_plane: bool,
    single: bool,
) -> Result<(), StoreError> {
    let now = store.clock().now_rfc3339();
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
        "topology.kubernetes.io/region": REGION, "topology.kubernetes.io/zone": zone_of(index),
    });
    let mut taints = Vec::new();
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        if !single {
            taints.push(
                json!({"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}),
            );
        }
    }
    let cidr = pod_cidr(index);
    let resources = json!({"cpu": "4", "ephemeral-storage": "102626232Ki", "hugepages-2Mi": "0", "memory": "16331448Ki", "pods": "110"});
    let condition = |ty: &str, status: &str, reason: &str, message: &str| json!({"type": ty, "status": status, "reason": reason, "message": message, "lastHeartbeatTime": now, "lastTransitionTime": now});
    let node = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels, "annotations": {
            "node.alpha.kubernetes.io/ttl": "0",
            "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr], "taints": taints},
        "status": {
            "capacity": resources, "allocatable": resources,
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [{"type": "InternalIP", "address": node_ip(index)}, {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": format!("{:032x}", index + 1), "systemUUID": uuid::Uuid::new_v4().to_string(),
                "bootID": uuid::Uuid::new_v4().to_string(), "kernelVersion": "6.1.0-28-amd64",
                "osImage": "Debian GNU/Linux 12 (bookworm)", "containerRuntimeVersion": "containerd://1.7.24",
                "kubeletVersion": KUBELET_VERSION, "kubeProxyVersion": KUBELET_VERSION,
                "operatingSystem": "linux", "architecture": "amd64"
            },
            "phase": "Running"
        }
    });
    let created = store.create(&ids::nodes(), "", node, WriteOptions::default())?;
    store.create(
        &ids::leases(),
        "kube-node-lease",
        json!({"metadata": {"name": name, "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": created.uid()}]},
               "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": crate::clock::format_micro_time(store.clock().now())}}),
        WriteOptions::default(),
    )?;
    Ok(())
}

/// A `status` for a pod whose containers all run and are ready.
fn running_pod_status(pod: &Value, host_ip: &str, pod_ip: &str, now: &str) -> Value {
    let container_statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    json!({"name": c["name"], "image": c["image"], "imageID": format!("{}@sha256:{:064x}", c["image"].as_str().unwrap_or_default(), 7),
                           "containerID": format!("containerd://{}", uuid::Uuid::new_v4().simple()),
                           "ready": true, "started": true, "restartCount": 0, "state": {"running": {"startedAt": now}}})
                })
                .collect()
        })
        .unwrap_or_default();
    let cond = |ty: &str| json!({"type": ty, "status": "True", "lastProbeTime": null, "lastTransitionTime": now});
    json!({
        "phase": "Running", "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
        "startTime": now, "qosClass": pod["status"]["qosClass"].as_str().unwrap_or("BestEffort"),
        "conditions": [cond("PodReadyToStartContainers"), cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
        "containerStatuses": container_statuses
    })
}

fn static_pod(store: &Store, component: &str, ip: &str) -> Result<(), StoreError> {
    let node = store.get(&ids::nodes(), "", CONTROL_PLANE)?;
    let name = format!("{component}-{CONTROL_PLANE}");
    let image = match component {
        "etcd" => "registry.k8s.io/etcd:3.5.16-0".to_string(),
        c => format!("registry.k8s.io/{c}:{KUBELET_VERSION}"),
    };
    let pod = json!({
        "metadata": {"name": name, "labels": {"component": component, "tier": "control-plane"},
            "annotations": {"kubernetes.io/config.mirror": format!("{:x}", md5ish(&name)), "kubernetes.io/config.source": "file"},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": CONTROL_PLANE, "uid": node.uid(), "controller": true}]},
        "spec": {"nodeName": CONTROL_PLANE, "hostNetwork": true, "priorityClassName": "system-node-critical", "priority": 2000001000,
            "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
            "containers": [{"name": component, "image": image, "command": [component],
                "resources": {"requests": {"cpu": if component == "kube-scheduler" { "100m" } else { "250m" }}}}]}
    });
    bind_running(store, "kube-system", pod, ip, ip)
}

fn load_pod(store: &Store, node: &str, node_index: usize, i: usize) -> Result<(), StoreError> {
    let pod = json!({
        "metadata": {"name": format!("{node}-load-{i}"), "labels": {"app": "load", "node": node}},
        "spec": {"nodeName": node, "containers": [{"name": "pause", "image": "registry.k8s.io/pause:3.10",
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}
    });
    let pod_ip = format!(
        "10.{}.{}.{}",
        244 + node_index / 256,
        node_index % 256,
        2 + i % 250
    );
    bind_running(store, "load", pod, &node_ip(node_index), &pod_ip)
}

fn bind_running(
    store: &Store,
    ns: &str,
    pod: Value,
    host_ip: &str,
    pod_ip: &str,
) -> Result<(), StoreError> {
    let created = store.create(&ids::pods(), ns, pod, WriteOptions::default())?;
    let now = store.clock().now_rfc3339();
    let status = running_pod_status(created.value(), host_ip, pod_ip, &now);
    let mut obj = created.value().clone();
    obj["status"] = status;
    store.update(
        &ids::pods(),
        ns,
        obj,
        Target::Status,
        WriteOptions::default(),
    )?;
    Ok(())
}

/// A stable 64-bit hash of a name (for mirror-pod annotations).
fn md5ish(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}
