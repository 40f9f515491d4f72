//! PersistentVolumes, claims and StorageClasses.

use serde_json::json;

use super::project_as;
use crate::row::{Health, Row};

fn texts(row: &Row) -> Vec<&str> {
    row.cells.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn persistent_volume() {
    let pv = json!({
        "metadata": {"name": "pv-1", "annotations": {"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com"}},
        "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "gp3",
                 "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data-db-0"}},
        "status": {"phase": "Bound"}
    });
    let row = project_as("", "PersistentVolume", &pv);
    assert_eq!(
        texts(&row),
        [
            "10Gi",
            "RWO,RWX",
            "Retain",
            "Bound",
            "shop/data-db-0",
            "gp3",
            ""
        ]
    );
    assert_eq!(row.cells[0].number, Some((10u64 << 30) as f64));
    assert_eq!(row.health, Health::Ok);
    let mut released = pv.clone();
    released["status"]["phase"] = json!("Released");
    released["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"] =
        json!("legacy");
    let row = project_as("", "PersistentVolume", &released);
    assert_eq!((texts(&row)[5], row.health), ("legacy", Health::Warning));
}

#[test]
fn claims_pending_bound_lost() {
    let claim = |phase: &str, volume: &str| {
        json!({
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "volumeName": volume,
                     "resources": {"requests": {"storage": "5Gi"}}},
            "status": {"phase": phase, "capacity": {"storage": "8Gi"}, "accessModes": ["ReadWriteOnce"]}
        })
    };
    let row = project_as("", "PersistentVolumeClaim", &claim("Bound", "pv-1"));
    assert_eq!(texts(&row), ["Bound", "pv-1", "8Gi", "RWO", "gp3"]);
    assert_eq!(row.health, Health::Ok);
    let row = project_as("", "PersistentVolumeClaim", &claim("Pending", ""));
    assert_eq!(
        (texts(&row), row.health),
        (vec!["Pending", "", "", "", "gp3"], Health::Progressing)
    );
    assert_eq!(
        project_as("", "PersistentVolumeClaim", &claim("Lost", "pv-1")).health,
        Health::Error
    );
    let mut deleting = claim("Bound", "pv-1");
    deleting["metadata"] = json!({"deletionTimestamp": "2026-12-02T02:00:00Z"});
    assert_eq!(
        project_as("", "PersistentVolumeClaim", &deleting).status,
        "Terminating"
    );
}

#[test]
fn storage_classes() {
    let sc = json!({
        "metadata": {"name": "gp3", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": true, "parameters": {"type": "gp3"}
    });
    let row = project_as("storage.k8s.io", "StorageClass", &sc);
    assert_eq!(
        texts(&row),
        [
            "ebs.csi.aws.com",
            "Delete",
            "WaitForFirstConsumer",
            "true",
            "(default)"
        ]
    );
    let plain = project_as(
        "storage.k8s.io",
        "StorageClass",
        &json!({"provisioner": "x"}),
    );
    assert_eq!(texts(&plain), ["x", "Delete", "Immediate", "false", ""]);
}
