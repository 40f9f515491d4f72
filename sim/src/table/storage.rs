//! Rows of the storage kinds: PersistentVolume, PersistentVolumeClaim and
//! StorageClass (ports of printPersistentVolume, printPersistentVolumeClaim
//! and printStorageClass).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{
    age, age_column, annotation, column, has, items, name, name_column, quantity, text, wide_column,
};

/// The beta annotation that still overrides `storageClassName`.
const BETA_STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";
/// Annotations marking the default StorageClass.
const DEFAULT_CLASS_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

pub(super) fn pv_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Capacity",
            "string",
            "capacity is the description of the persistent volume's resources and capacity.",
        ),
        column(
            "Access Modes",
            "string",
            "accessModes contains all ways the volume can be mounted.",
        ),
        column(
            "Reclaim Policy",
            "string",
            "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.",
        ),
        column(
            "Status",
            "string",
            "phase indicates if a volume is available, bound to a claim, or released by a claim.",
        ),
        column(
            "Claim",
            "string",
            "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.",
        ),
        column("StorageClass", "string", "StorageClass of the pv"),
        column(
            "VolumeAttributesClass",
            "string",
            "VolumeAttributesClass of the pv",
        ),
        column(
            "Reason",
            "string",
            "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.",
        ),
        age_column(),
        wide_column(
            "VolumeMode",
            "string",
            "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.",
        ),
    ]
}

pub(super) fn pv_cells(pv: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let claim = match &pv["spec"]["claimRef"] {
        claim if claim.is_object() => {
            format!("{}/{}", text(claim, "/namespace"), text(claim, "/name"))
        }
        _ => String::new(),
    };
    vec![
        name(pv),
        Value::from(quantity(&pv["spec"]["capacity"]["storage"])),
        Value::from(access_modes(items(pv, "/spec/accessModes"))),
        Value::from(text(pv, "/spec/persistentVolumeReclaimPolicy")),
        Value::from(phase(pv)),
        Value::from(claim),
        Value::from(storage_class(pv)),
        Value::from(unset_if_missing(&pv["spec"]["volumeAttributesClassName"])),
        Value::from(text(pv, "/status/reason")),
        age(pv, now),
        Value::from(unset_if_missing(&pv["spec"]["volumeMode"])),
    ]
}

pub(super) fn pvc_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Status",
            "string",
            "phase represents the current phase of PersistentVolumeClaim.",
        ),
        column(
            "Volume",
            "string",
            "volumeName is the binding reference to the PersistentVolume backing this claim.",
        ),
        column(
            "Capacity",
            "string",
            "capacity represents the actual resources of the underlying volume.",
        ),
        column(
            "Access Modes",
            "string",
            "accessModes contains the actual access modes the volume backing the PVC has.",
        ),
        column("StorageClass", "string", "StorageClass of the pvc"),
        column(
            "VolumeAttributesClass",
            "string",
            "VolumeAttributesClass of the pvc",
        ),
        age_column(),
        wide_column(
            "VolumeMode",
            "string",
            "volumeMode defines what type of volume is required by the claim.",
        ),
    ]
}

/// Capacity and access modes only show once the claim is bound to a volume.
pub(super) fn pvc_cells(pvc: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let volume = text(pvc, "/spec/volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity(&pvc["status"]["capacity"]["storage"]),
            access_modes(items(pvc, "/status/accessModes")),
        )
    };
    vec![
        name(pvc),
        Value::from(phase(pvc)),
        Value::from(volume),
        Value::from(capacity),
        Value::from(modes),
        Value::from(storage_class(pvc)),
        Value::from(unset_if_missing(&pvc["spec"]["volumeAttributesClassName"])),
        age(pvc, now),
        Value::from(unset_if_missing(&pvc["spec"]["volumeMode"])),
    ]
}

pub(super) fn storage_class_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Provisioner",
            "string",
            "provisioner indicates the type of the provisioner.",
        ),
        column(
            "ReclaimPolicy",
            "string",
            "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.",
        ),
        column(
            "VolumeBindingMode",
            "string",
            "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.",
        ),
        column(
            "AllowVolumeExpansion",
            "string",
            "allowVolumeExpansion shows whether the storage class allow volume expand.",
        ),
        age_column(),
    ]
}

pub(super) fn storage_class_cells(class: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let is_default = DEFAULT_CLASS_ANNOTATIONS
        .iter()
        .any(|key| annotation(class, key) == Some("true"));
    let name = match text(class, "/metadata/name") {
        n if is_default => format!("{n} (default)"),
        n => n.to_string(),
    };
    vec![
        Value::from(name),
        Value::from(text(class, "/provisioner")),
        Value::from(class["reclaimPolicy"].as_str().unwrap_or("Delete")),
        Value::from(class["volumeBindingMode"].as_str().unwrap_or("Immediate")),
        Value::from(class["allowVolumeExpansion"].as_bool().unwrap_or(false)),
        age(class, now),
    ]
}

/// The phase, or `Terminating` once deletion has begun.
fn phase(volume_or_claim: &Value) -> &str {
    if has(volume_or_claim, "/metadata/deletionTimestamp") {
        "Terminating"
    } else {
        text(volume_or_claim, "/status/phase")
    }
}

/// GetPersistentVolume(Claim)Class: the beta annotation, else the spec field.
fn storage_class(object: &Value) -> &str {
    annotation(object, BETA_STORAGE_CLASS_ANNOTATION)
        .unwrap_or_else(|| text(object, "/spec/storageClassName"))
}

/// GetAccessModesAsString: abbreviations in the fixed order RWO, ROX, RWX, RWOP.
fn access_modes(modes: &[Value]) -> String {
    const ABBREVIATIONS: [(&str, &str); 4] = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    ABBREVIATIONS
        .iter()
        .filter(|(mode, _)| modes.iter().any(|m| m.as_str() == Some(mode)))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

fn unset_if_missing(value: &Value) -> &str {
    value.as_str().unwrap_or("<unset>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn bound_pv_row() {
        let pv = json!({
            "metadata": {"name": "pvc-3f9a", "creationTimestamp": "2025-01-01T10:00:00Z"},
            "spec": {
                "capacity": {"storage": "10Gi"},
                "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": "Delete",
                "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "shop", "name": "data-postgres-0"},
                "storageClassName": "standard",
                "volumeMode": "Filesystem"
            },
            "status": {"phase": "Bound"}
        });
        assert_eq!(
            pv_cells(&pv, now()),
            [
                json!("pvc-3f9a"),
                json!("10Gi"),
                json!("RWO,RWX"),
                json!("Delete"),
                json!("Bound"),
                json!("shop/data-postgres-0"),
                json!("standard"),
                json!("<unset>"),
                json!(""),
                json!("120m"),
                json!("Filesystem")
            ]
        );
    }

    #[test]
    fn released_pv_being_deleted_with_beta_class_annotation() {
        let pv = json!({
            "metadata": {"name": "old", "deletionTimestamp": "2025-01-01T11:59:00Z",
                         "annotations": {"volume.beta.kubernetes.io/storage-class": "legacy"}},
            "spec": {"storageClassName": "standard"},
            "status": {"phase": "Released", "reason": "Reclaiming"}
        });
        let row = pv_cells(&pv, now());
        assert_eq!(row[1], json!("0"));
        assert_eq!(
            row[4..9],
            [
                json!("Terminating"),
                json!(""),
                json!("legacy"),
                json!("<unset>"),
                json!("Reclaiming")
            ]
        );
    }

    #[test]
    fn bound_and_pending_pvc_rows() {
        let bound = json!({
            "metadata": {"name": "data-postgres-0", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "8Gi"}},
                     "storageClassName": "standard", "volumeName": "pvc-3f9a", "volumeMode": "Filesystem"},
            "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}}
        });
        assert_eq!(
            pvc_cells(&bound, now()),
            [
                json!("data-postgres-0"),
                json!("Bound"),
                json!("pvc-3f9a"),
                json!("10Gi"),
                json!("RWO"),
                json!("standard"),
                json!("<unset>"),
                json!("60m"),
                json!("Filesystem")
            ]
        );
        let pending = json!({
            "metadata": {"name": "scratch"},
            "spec": {"accessModes": ["ReadWriteOncePod"], "resources": {"requests": {"storage": "1Gi"}}},
            "status": {"phase": "Pending"}
        });
        let row = pvc_cells(&pending, now());
        assert_eq!(
            row[1..6],
            [json!("Pending"), json!(""), json!(""), json!(""), json!("")]
        );
        assert_eq!(row[8], json!("<unset>"));
    }

    #[test]
    fn default_storage_class_row() {
        let class = json!({
            "metadata": {"name": "standard", "creationTimestamp": "2024-12-22T12:00:00Z",
                         "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path",
            "volumeBindingMode": "WaitForFirstConsumer"
        });
        assert_eq!(
            storage_class_cells(&class, now()),
            [
                json!("standard (default)"),
                json!("rancher.io/local-path"),
                json!("Delete"),
                json!("WaitForFirstConsumer"),
                json!(false),
                json!("10d")
            ]
        );
    }

    #[test]
    fn non_default_storage_class_with_explicit_policies() {
        let class = json!({
            "metadata": {"name": "fast", "annotations": {"storageclass.kubernetes.io/is-default-class": "false"}},
            "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Retain",
            "volumeBindingMode": "Immediate", "allowVolumeExpansion": true
        });
        let row = storage_class_cells(&class, now());
        assert_eq!(
            row[..5],
            [
                json!("fast"),
                json!("ebs.csi.aws.com"),
                json!("Retain"),
                json!("Immediate"),
                json!(true)
            ]
        );
    }
}
