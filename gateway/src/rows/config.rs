//! ConfigMap and Secret: how many keys they hold, and a Secret's type
//! (upstream `printConfigMap`, `printSecret`). A Secret's row never holds
//! a key, a value or any part of one: only how many there are.

use serde_json::Value;

use super::fields::{builtin_columns, count_cell, str_of, text_cell};
use crate::row::{Column, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Config {
    ConfigMap,
    Secret,
}

impl Config {
    pub fn of(group: &str, kind: &str) -> Option<Self> {
        match (group, kind) {
            ("", "ConfigMap") => Some(Self::ConfigMap),
            ("", "Secret") => Some(Self::Secret),
            _ => None,
        }
    }

    pub fn columns(self) -> Vec<Column> {
        builtin_columns(match self {
            Self::ConfigMap => &[("data", true)],
            Self::Secret => &[("type", false), ("data", true)],
        })
    }

    pub fn project(self, object: &Value, row: &mut Row) {
        let keys = |field: &str| object[field].as_object().map_or(0, |m| m.len()) as i64;
        match self {
            Self::ConfigMap => {
                row.cells = vec![count_cell(keys("data") + keys("binaryData"))];
            }
            Self::Secret => {
                // The API server defaults an unset type to Opaque.
                row.cells = vec![
                    text_cell(str_of(&object["type"])),
                    count_cell(keys("data") + keys("stringData")),
                ];
            }
        }
    }
}
