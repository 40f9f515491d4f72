//! Objects whose names and labels try to break out of every output format.

use diagram::ClusterObjects;
use serde_json::json;

/// Strings an attacker might put in a name, label or image.
pub const NASTY: [&str; 9] = [
    "<script>alert('x')</script>",
    "quote\"d 'single' `back`",
    "line\n@enduml\n@startuml",
    "!include http://evil.example/x.puml",
    "%getenv(\"HOME\") $var ${x} <img:http://evil.example/a.png> [[http://evil.example]]",
    "emoji 🚀🔥 and 中文名字 and العربية\u{202E}reversed",
    "back\\slash \\n \\N {curly} |pipe| #hash; &amp; ]]> --> -- __ ** // ~~",
    "tab\there\r\ncarriage",
    "",
];

/// A long name (a label must be shortened, not overflow).
pub fn long() -> String {
    "very-long-name-".repeat(40)
}

/// A cluster whose every drawn string is hostile: node names, pod names,
/// namespaces, images, volumes, services, ingresses, workloads.
pub fn cluster() -> ClusterObjects {
    let mut docs = Vec::new();
    let mut names: Vec<String> = NASTY.iter().map(|s| s.to_string()).collect();
    names.push(long());
    for (i, n) in names.iter().enumerate() {
        let cp = i == 0;
        let mut labels = json!({"kubernetes.io/hostname": n, "topology.kubernetes.io/zone": n});
        if cp {
            labels["node-role.kubernetes.io/control-plane"] = json!("");
        }
        docs.push(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("{n}{i}"), "labels": labels},
            "status": {"addresses": [{"type": "InternalIP", "address": n}], "nodeInfo": {
                "kubeletVersion": n, "machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": "", "osImage": "",
                "containerRuntimeVersion": "", "kubeProxyVersion": "", "operatingSystem": "", "architecture": ""}}}));
        docs.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("{n}-pod{i}"), "namespace": n, "labels": {"app": "evil"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{n}-abcde"), "uid": format!("u{i}"), "controller": true}]},
            "spec": {"nodeName": format!("{n}{i}"),
                "initContainers": [{"name": format!("{n}-init"), "image": n}],
                "containers": [{"name": n, "image": n, "ports": [{"containerPort": 80}],
                    "volumeMounts": [{"name": format!("{n}-vol"), "mountPath": n}]}],
                "volumes": [{"name": format!("{n}-vol"), "emptyDir": {}}]},
            "status": {"phase": "Running", "podIP": n}}));
        docs.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("{n}-svc"), "namespace": n},
            "spec": {"selector": {"app": "evil"}, "type": n, "clusterIP": n, "ports": [{"port": 80}]}}));
        docs.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": format!("{n}-ing"), "namespace": n},
            "spec": {"rules": [{"host": n, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": format!("{n}-svc"), "port": {"number": 80}}}}]}}]}}));
        docs.push(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": n, "namespace": n, "uid": format!("d{i}")},
            "spec": {"selector": {"matchLabels": {"app": "evil"}}, "template": {"spec": {"containers": []}}}}));
    }
    ClusterObjects::from_values(docs).expect("hostile objects still deserialize")
}
