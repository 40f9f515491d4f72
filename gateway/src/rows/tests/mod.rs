//! Tests of the projections, one file per family, on realistic objects
//! written as the API server returns them.

mod config;
mod custom;
mod events;
mod fields;
mod hostile;
mod network;
mod nodes;
mod pods;
mod quantity;
mod storage;
mod workloads;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::fields::{MAX_CELL_CHARS, human_duration};
use super::{COLUMN_IDS, columns, project_at};
use crate::kind::KindInfo;
use crate::row::{Column, Row};

/// The instant every test projects at.
fn now() -> DateTime<Utc> {
    "2026-12-02T03:00:00Z".parse().unwrap()
}

/// Unix seconds of an RFC 3339 instant.
fn unix(at: &str) -> i64 {
    at.parse::<DateTime<Utc>>().unwrap().timestamp()
}

fn pod_kind() -> KindInfo {
    KindInfo::builtin("", "v1", "pods", "Pod", true)
}

/// The row of `object` as a `kind` in `group`, checked against its columns
/// and against the simulator's own port of the same upstream printers.
fn project_as(group: &str, kind: &str, object: &Value) -> Row {
    let info = KindInfo::builtin(group, "v1", "things", kind, true);
    let row = project_at(&info, object, now());
    let columns = columns(&info);
    assert_eq!(row.cells.len(), columns.len(), "one cell per column");
    agrees_with_sim(group, kind, object, &columns, &row);
    row
}

/// A column name with only its letters, lowercase: `Internal-IP` and
/// `internal_ip` both read `internalip`.
fn letters(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every cell under a column the simulator's table also has reads the
/// same there (RESTARTS without its `(5m ago)`).
fn agrees_with_sim(group: &str, kind: &str, object: &Value, columns: &[Column], row: &Row) {
    let sim_columns = sim::table::column_definitions(group, kind);
    let sim_cells = sim::table::row_cells(group, kind, object, now());
    for (column, cell) in columns.iter().zip(&row.cells) {
        let Some(at) = sim_columns
            .iter()
            .position(|c| letters(&c.name) == letters(&column.id))
        else {
            continue;
        };
        let theirs = match &sim_cells[at] {
            Value::String(s) => s.split(" (").next().unwrap_or_default().to_owned(),
            other => other.to_string(),
        };
        // A time that runs on reads as kubectl's age at the same instant;
        // a cut message as the start of the whole one.
        let ours = match cell.since {
            Some(at) => human_duration(now().timestamp() - at),
            None => cell.text.clone(),
        };
        if let Some(start) = ours.strip_suffix("...")
            && theirs.chars().count() > MAX_CELL_CHARS
        {
            assert!(theirs.starts_with(start), "{kind} {}", column.id);
            continue;
        }
        assert_eq!(ours, theirs, "{kind} {}: {object}", column.id);
    }
}

/// The text of the cell under column `id`.
fn cell<'a>(group: &str, kind: &str, row: &'a Row, id: &str) -> &'a str {
    let info = KindInfo::builtin(group, "v1", "things", kind, true);
    let at = columns(&info)
        .iter()
        .position(|c| c.id == id)
        .unwrap_or_else(|| panic!("{kind} has no column {id}"));
    &row.cells[at].text
}

/// The built-in kinds with a projection of their own.
const BUILTIN: &[(&str, &str)] = &[
    ("", "Pod"),
    ("", "Node"),
    ("", "Namespace"),
    ("", "Event"),
    ("events.k8s.io", "Event"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("policy", "PodDisruptionBudget"),
    ("", "Service"),
    ("", "Endpoints"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("networking.k8s.io", "Ingress"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "PersistentVolume"),
    ("", "PersistentVolumeClaim"),
    ("storage.k8s.io", "StorageClass"),
];

#[test]
fn every_column_id_is_listed_for_translation() {
    for (group, kind) in BUILTIN {
        let info = KindInfo::builtin(group, "v1", "things", kind, true);
        let columns = columns(&info);
        assert!(!columns.is_empty(), "{kind} has columns");
        for column in columns {
            assert!(
                COLUMN_IDS.contains(&column.id.as_str()),
                "{kind}: {}",
                column.id
            );
            assert_eq!(column.title, None);
        }
    }
    let mut sorted = COLUMN_IDS.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), COLUMN_IDS.len(), "no id twice");
}

#[test]
fn every_kind_projects_an_empty_object_without_panic() {
    for (group, kind) in BUILTIN {
        let row = project_as(group, kind, &serde_json::json!({}));
        assert_eq!(row.name, "");
    }
}

#[test]
fn a_kind_of_the_wrong_group_is_not_taken_for_a_builtin() {
    // A CRD named Pod in another group has only its printer columns.
    let info = KindInfo::builtin("example.com", "v1", "pods", "Pod", true);
    assert!(columns(&info).is_empty());
}
