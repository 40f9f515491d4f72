//! Custom resources and every kind without a family of its own: the
//! printer columns discovery reports (`additionalPrinterColumns`), read
//! with the [`jsonpath`](super::jsonpath) subset, typed as the API server's
//! table convertor types them (`integer` and `number` sort as numbers,
//! `date` reads as an age). Where `[*]` finds several values they are
//! joined by commas (upstream shows only the first). Kinds without
//! printer columns have no extra columns.
//!
//! Status and health come from conventions many operators follow: a
//! `Ready` condition (Flux, cert-manager, Crossplane, Cluster API) or
//! else `status.phase`.

use serde_json::Value;

use super::fields::{MAX_CELL_CHARS, clip, condition, str_of, text_cell, unix_of};
use super::jsonpath;
use crate::kind::{KindInfo, PrinterColumn};
use crate::row::{Cell, Column, Health, Row};

/// At most this many values of one `[*]` path are joined into a cell.
const MAX_VALUES: usize = 32;

/// The printer columns `kubectl get` shows: priority 0, without the one
/// for `.metadata.creationTimestamp` (every list has AGE already).
fn shown(kind: &KindInfo) -> impl Iterator<Item = &PrinterColumn> {
    kind.printer_columns
        .iter()
        .filter(|c| c.priority == 0 && c.json_path.trim() != ".metadata.creationTimestamp")
}

pub fn columns(kind: &KindInfo) -> Vec<Column> {
    shown(kind)
        .map(|c| Column {
            id: format!("printer:{}", c.name),
            title: Some(c.name.clone()),
            numeric: matches!(c.type_.as_str(), "integer" | "number" | "date"),
        })
        .collect()
}

pub fn project(kind: &KindInfo, object: &Value, row: &mut Row) {
    row.cells = shown(kind).map(|column| cell(column, object)).collect();
    let ready = condition(&object["status"]["conditions"], "Ready");
    let phase = str_of(&object["status"]["phase"]);
    (row.status, row.health) = match ready.map(|c| (str_of(&c["status"]), str_of(&c["reason"]))) {
        Some(("True", _)) => ("Ready".to_owned(), Health::Ok),
        Some(("False", reason)) => (clip(or(reason, "NotReady")), Health::Warning),
        Some((_, reason)) => (clip(or(reason, "Unknown")), Health::Progressing),
        None => (clip(phase), phase_health(phase)),
    };
}

fn or<'a>(text: &'a str, default: &'a str) -> &'a str {
    if text.is_empty() { default } else { text }
}

/// Health from a phase, by the words controllers commonly use.
fn phase_health(phase: &str) -> Health {
    match phase {
        "Ready" | "Running" | "Active" | "Bound" | "Succeeded" | "Available" | "Healthy"
        | "Completed" | "Complete" | "Established" => Health::Ok,
        "Pending" | "Progressing" | "Provisioning" | "Creating" | "Updating" | "Terminating"
        | "Deleting" => Health::Progressing,
        "Failed" | "Error" | "Lost" | "Degraded" | "Unhealthy" => Health::Error,
        _ => Health::Neutral,
    }
}

/// One printer column's cell.
fn cell(column: &PrinterColumn, object: &Value) -> Cell {
    let Some(steps) = jsonpath::parse(&column.json_path) else {
        return Cell::default();
    };
    let values = jsonpath::find(object, &steps);
    let values = &values[..values.len().min(MAX_VALUES)];
    let Some(first) = values.first() else {
        return Cell::default();
    };
    let text = values
        .iter()
        .map(|v| scalar(v))
        .collect::<Vec<_>>()
        .join(",");
    match column.type_.as_str() {
        "date" => unix_of(first).map_or_else(|| text_cell(&text), Cell::since),
        "integer" | "number" => match first.as_f64() {
            Some(n) => Cell::number(n, clip(&text)),
            None => text_cell(&text),
        },
        _ => text_cell(&text),
    }
}

/// A value as kubectl prints it: strings bare, the rest as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => clip(s),
        Value::Null => String::new(),
        other => clip(&bounded_json(other)),
    }
}

/// `value` as JSON, stopping a little past what a cell keeps: a column
/// pointing at a whole spec must not print all of it for every row.
fn bounded_json(value: &Value) -> String {
    struct Bounded(Vec<u8>);
    impl std::io::Write for Bounded {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.0.len() > MAX_CELL_CHARS * 4 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            self.0.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Bounded(Vec::new());
    // An error only means the bound was reached; what was written stays.
    let _ = serde_json::to_writer(&mut out, value);
    String::from_utf8_lossy(&out.0).into_owned()
}
