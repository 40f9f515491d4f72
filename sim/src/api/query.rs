//! Query-string parameters of API requests. Tolerates the odd forms clients
//! send (`pods?`, `pods?&limit=500`).

use std::collections::HashMap;

use super::ApiError;
use crate::registry::ResourceType;
use crate::store::{FieldSelector, LabelSelector, ListOptions};

/// Decoded query parameters (the last value of a repeated key wins).
#[derive(Debug, Clone, Default)]
pub struct Query {
    params: HashMap<String, String>,
}

impl Query {
    /// Parses a raw query string.
    pub fn parse(raw: &str) -> Self {
        Self {
            params: form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// A parameter's value, if present and non-empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// True if the parameter is `true` or `1`.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// A numeric parameter; a malformed number is a 400.
    pub fn number(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.get(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::bad_request(format!("invalid value for {key}: {v:?}")))
            })
            .transpose()
    }

    /// `dryRun=All`.
    pub fn dry_run(&self) -> bool {
        self.get("dryRun") == Some("All")
    }

    /// List options for `rt` in `namespace` ("" = all).
    pub fn list_options(
        &self,
        rt: &ResourceType,
        namespace: &str,
    ) -> Result<ListOptions, ApiError> {
        let labels = LabelSelector::parse(self.get("labelSelector").unwrap_or_default())
            .map_err(|e| ApiError::bad_request(e.0))?;
        let fields = FieldSelector::parse(
            self.get("fieldSelector").unwrap_or_default(),
            &rt.kind,
            rt.custom,
        )
        .map_err(|e| ApiError::bad_request(e.0))?;
        let limit = self.number("limit")?.filter(|l| *l > 0).map(|l| l as usize);
        Ok(ListOptions {
            namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
            labels,
            fields,
            limit,
            continue_token: self.get("continue").map(str::to_string),
        })
    }
}
