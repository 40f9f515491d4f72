//! Hostile input: wrong types, huge strings, deep and wide objects. No
//! projection may panic, and rows stay small.

use serde_json::{Value, json};

use super::{BUILTIN, now};
use crate::kind::{KindInfo, PrinterColumn};
use crate::rows::project_at;

/// Objects that put the wrong type, or too much, everywhere.
fn hostile_objects() -> Vec<Value> {
    let huge = "x".repeat(1 << 20);
    let many: Vec<Value> = (0..20_000)
        .map(|i| {
            json!({"ip": format!("10.0.{i}.1"), "port": i,
        "host": huge.clone().split_at(1000).0, "name": i})
        })
        .collect();
    vec![
        json!(null),
        json!([1, 2, 3]),
        json!("a string"),
        json!({"metadata": "not an object", "spec": 7, "status": [1]}),
        json!({"metadata": {"name": 5, "labels": {"a": 1}, "ownerReferences": "x",
                            "deletionTimestamp": 1, "creationTimestamp": "yesterday"},
               "spec": {"containers": {"a": 1}, "initContainers": [null, 1, "x"],
                        "replicas": "three", "selector": {"matchLabels": [1]},
                        "ports": [{"port": "http", "nodePort": -1}], "rules": [1, {"host": 2}],
                        "capacity": {"storage": {"x": 1}}, "unschedulable": "yes"},
               "status": {"phase": 3, "conditions": [null, {"type": "Ready", "status": true}],
                          "containerStatuses": [{"state": {"waiting": "x", "terminated": [1]}}],
                          "initContainerStatuses": [{"state": {"terminated": {"exitCode": "1"}}}],
                          "podIPs": "x", "active": 5, "addresses": [{"type": "InternalIP", "address": 1}]}}),
        json!({"metadata": {"name": huge, "labels": {"node-role.kubernetes.io/x": huge}},
               "reason": huge, "message": huge, "note": huge, "type": huge,
               "involvedObject": {"kind": huge, "name": huge},
               "spec": {"nodeName": huge, "schedule": huge, "ingressClassName": huge,
                        "containers": [{"resources": {"requests": {"cpu": huge, "memory": "9".repeat(5000)}}}],
                        "selector": {"matchLabels": {"app": huge}}},
               "status": {"phase": huge, "reason": huge,
                          "containerStatuses": [{"state": {"waiting": {"reason": huge}}}],
                          "nodeInfo": {"kubeletVersion": huge}}}),
        json!({"status": {"conditions": vec![json!({"type": "Ready", "status": "True"}); 10_000]}}),
        json!({"subsets": [{"addresses": many, "ports": [{"port": 1}, {"port": 2}]}],
               "endpoints": [{"addresses": vec![huge.split_at(100).0; 20_000]}],
               "spec": {"rules": many, "ports": many, "externalIPs": vec!["1.2.3.4"; 10_000], "type": "LoadBalancer"}}),
    ]
}

#[test]
fn no_kind_panics_and_rows_stay_small() {
    let mut custom = KindInfo::builtin("example.com", "v1", "widgets", "Widget", true);
    custom.printer_columns = [
        "spec",
        ".spec.rules[*].host",
        ".spec",
        ".a[",
        ".spec.ports[*]",
        "{.status.phase}",
    ]
    .iter()
    .enumerate()
    .map(|(i, path)| PrinterColumn {
        name: format!("c{i}"),
        json_path: path.to_string(),
        type_: ["date", "integer", "string", "number", "boolean", "x"][i].into(),
        priority: 0,
    })
    .collect();
    let mut kinds: Vec<KindInfo> = BUILTIN
        .iter()
        .map(|(g, k)| KindInfo::builtin(g, "v1", "things", k, true))
        .collect();
    kinds.push(custom);
    for object in hostile_objects() {
        for kind in &kinds {
            let row = project_at(kind, &object, now());
            let size = serde_json::to_string(&row).unwrap().len();
            assert!(size < 16 * 1024, "{}: {size} bytes", kind.kind);
        }
    }
}
