//! Namespaces: STATUS is the phase (upstream `printNamespace`).

use serde_json::Value;

use super::fields::{builtin_columns, str_of, text_cell};
use crate::row::{Column, Health, Row};

pub fn columns() -> Vec<Column> {
    builtin_columns(&[("status", false)])
}

pub fn project(namespace: &Value, row: &mut Row) {
    let phase = str_of(&namespace["status"]["phase"]);
    row.health = match phase {
        "Active" => Health::Ok,
        "Terminating" => Health::Progressing,
        _ => Health::Neutral,
    };
    row.cells = vec![text_cell(phase)];
    row.status = row.cells[0].text.clone();
}
