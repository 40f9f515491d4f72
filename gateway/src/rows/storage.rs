//! PersistentVolume, PersistentVolumeClaim and StorageClass, as `kubectl
//! get` prints them (upstream `printPersistentVolume`,
//! `printPersistentVolumeClaim`, `printStorageClass`). Capacities sort by
//! bytes; a claim that waits is Progressing, a lost one an Error.

use serde_json::Value;

use super::fields::{access_modes, bool_of, builtin_columns, clip, str_of, text_cell};
use super::quantity::units_of;
use crate::row::{Cell, Column, Health, Row};

/// The annotation that once named a volume's class, still read first.
const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";
/// The annotation that makes a StorageClass the default.
const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Volume,
    Claim,
    Class,
}

impl Storage {
    pub fn of(group: &str, kind: &str) -> Option<Self> {
        Some(match (group, kind) {
            ("", "PersistentVolume") => Self::Volume,
            ("", "PersistentVolumeClaim") => Self::Claim,
            ("storage.k8s.io", "StorageClass") => Self::Class,
            _ => return None,
        })
    }

    pub fn columns(self) -> Vec<Column> {
        let ids: &[(&str, bool)] = match self {
            Self::Volume => &[
                ("capacity", true),
                ("access_modes", false),
                ("reclaim_policy", false),
                ("status", false),
                ("claim", false),
                ("storage_class", false),
                ("reason", false),
            ],
            Self::Claim => &[
                ("status", false),
                ("volume", false),
                ("capacity", true),
                ("access_modes", false),
                ("storage_class", false),
            ],
            Self::Class => &[
                ("provisioner", false),
                ("reclaim_policy", false),
                ("binding_mode", false),
                ("allow_expansion", false),
                ("default", false),
            ],
        };
        builtin_columns(ids)
    }

    pub fn project(self, object: &Value, row: &mut Row) {
        match self {
            Self::Volume => volume(object, row),
            Self::Claim => claim(object, row),
            Self::Class => class(object, row),
        }
    }
}

/// The phase, or `Terminating` once deletion started.
fn phase(object: &Value) -> &str {
    if object["metadata"]["deletionTimestamp"].is_null() {
        str_of(&object["status"]["phase"])
    } else {
        "Terminating"
    }
}

/// A storage quantity as written, sorted by bytes.
fn capacity_cell(quantity: &Value) -> Cell {
    let text = match quantity {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        // A zero Quantity prints as 0.
        _ => "0".to_owned(),
    };
    Cell::number(units_of(quantity) as f64, clip(&text))
}

fn volume(pv: &Value, row: &mut Row) {
    let spec = &pv["spec"];
    let claim = match &spec["claimRef"] {
        Value::Object(_) => format!(
            "{}/{}",
            str_of(&spec["claimRef"]["namespace"]),
            str_of(&spec["claimRef"]["name"])
        ),
        _ => String::new(),
    };
    let class = match str_of(&pv["metadata"]["annotations"][BETA_CLASS_ANNOTATION]) {
        "" => str_of(&spec["storageClassName"]),
        class => class,
    };
    let phase = phase(pv);
    row.cells = vec![
        capacity_cell(&spec["capacity"]["storage"]),
        text_cell(&access_modes(&spec["accessModes"])),
        text_cell(str_of(&spec["persistentVolumeReclaimPolicy"])),
        text_cell(phase),
        text_cell(&claim),
        text_cell(class),
        text_cell(str_of(&pv["status"]["reason"])),
    ];
    row.health = match phase {
        "Bound" | "Available" => Health::Ok,
        "Released" => Health::Warning,
        "Failed" => Health::Error,
        "Pending" | "Terminating" => Health::Progressing,
        _ => Health::Neutral,
    };
    row.status = clip(phase);
}

fn claim(pvc: &Value, row: &mut Row) {
    let (spec, status) = (&pvc["spec"], &pvc["status"]);
    let volume = str_of(&spec["volumeName"]);
    // Capacity and access modes are the volume's, once there is one.
    let (capacity, modes) = if volume.is_empty() {
        (Cell::text(""), String::new())
    } else {
        (
            capacity_cell(&status["capacity"]["storage"]),
            access_modes(&status["accessModes"]),
        )
    };
    let phase = phase(pvc);
    row.cells = vec![
        text_cell(phase),
        text_cell(volume),
        capacity,
        text_cell(&modes),
        text_cell(str_of(&spec["storageClassName"])),
    ];
    row.health = match phase {
        "Bound" => Health::Ok,
        "Pending" | "Terminating" => Health::Progressing,
        "Lost" => Health::Error,
        _ => Health::Neutral,
    };
    row.status = clip(phase);
}

fn class(class: &Value, row: &mut Row) {
    let or = |value: &str, default: &str| {
        if value.is_empty() {
            default.to_owned()
        } else {
            value.to_owned()
        }
    };
    let is_default = str_of(&class["metadata"]["annotations"][DEFAULT_CLASS_ANNOTATION]) == "true";
    row.cells = vec![
        text_cell(str_of(&class["provisioner"])),
        text_cell(&or(str_of(&class["reclaimPolicy"]), "Delete")),
        text_cell(&or(str_of(&class["volumeBindingMode"]), "Immediate")),
        Cell::text(bool_of(&class["allowVolumeExpansion"]).to_string()),
        Cell::text(if is_default { "(default)" } else { "" }),
    ];
    if is_default {
        row.status = "(default)".to_owned();
    }
}
