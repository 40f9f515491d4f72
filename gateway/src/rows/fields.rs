//! Reading an object's JSON the way Go reads a typed struct: a field that
//! is missing or of the wrong type is its zero value, so hostile or
//! half-written objects give odd rows but never a panic. Indexing a
//! `serde_json::Value` with `["key"]` or `[0]` already yields `Null` on a
//! miss; these helpers only turn such values into plain Rust ones.
//!
//! Also here: what several printers share (timestamps, `<none>`, kubectl's
//! `a,b,c + N more...` lists, access modes) and the bound on cell text.

use serde_json::Value;

use crate::row::{Cell, Column};

/// The most characters a cell keeps; kubectl's messages are rarely longer,
/// and a row must stay small whatever a cluster stores.
pub const MAX_CELL_CHARS: usize = 300;

/// A string field, `""` when absent or not a string.
pub fn str_of(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// An integer field, 0 when absent or not an integer.
pub fn int_of(value: &Value) -> i64 {
    value.as_i64().unwrap_or_default()
}

/// A boolean field, false when absent or not a boolean.
pub fn bool_of(value: &Value) -> bool {
    value.as_bool().unwrap_or_default()
}

/// An array field, empty when absent or not an array.
pub fn list_of(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// An RFC 3339 timestamp field as Unix seconds.
pub fn unix_of(value: &Value) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(value.as_str()?)
        .ok()
        .map(|t| t.timestamp())
}

/// `text`, cut to [`MAX_CELL_CHARS`] characters (with `...` when cut).
pub fn clip(text: &str) -> String {
    clip_to(text, MAX_CELL_CHARS)
}

/// `text`, cut to `max` characters (with `...` when cut).
pub fn clip_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}...", &text[..end]),
    }
}

/// A text cell, clipped.
pub fn text_cell(text: &str) -> Cell {
    Cell::text(clip(text))
}

/// A text cell reading `<none>` when `text` is empty, as kubectl prints.
pub fn or_none(text: &str) -> Cell {
    if text.is_empty() {
        Cell::text("<none>")
    } else {
        text_cell(text)
    }
}

/// A count shown as itself.
pub fn count_cell(count: i64) -> Cell {
    Cell::number(count as f64, count.to_string())
}

/// `ready/total`, sorted by `ready`.
pub fn ratio_cell(ready: i64, total: i64) -> Cell {
    Cell::number(ready as f64, format!("{ready}/{total}"))
}

/// kubectl's bounded lists: the first `max` items joined by commas, then
/// ` + N more...`; `empty` when there is nothing (upstream `formatEndpoints`,
/// `listWithMoreString`, `formatHosts`).
pub fn list_with_more<I, S>(items: I, max: usize, empty: &str) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut shown = Vec::new();
    let mut count = 0usize;
    for item in items {
        if shown.len() < max {
            shown.push(clip(item.as_ref()));
        }
        count += 1;
    }
    let joined = shown.join(",");
    if count > max {
        format!("{joined} + {} more...", count - max)
    } else if joined.is_empty() {
        empty.to_owned()
    } else {
        joined
    }
}

/// Access modes in kubectl's short form and fixed order (upstream
/// `GetAccessModesAsString`): `RWO,ROX,RWX,RWOP`.
pub fn access_modes(modes: &Value) -> String {
    const SHORT: [(&str, &str); 4] = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    let modes = list_of(modes);
    SHORT
        .iter()
        .filter(|(long, _)| modes.iter().any(|m| str_of(m) == *long))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

/// The condition of `type_` in `conditions`, if present.
pub fn condition<'a>(conditions: &'a Value, type_: &str) -> Option<&'a Value> {
    list_of(conditions)
        .iter()
        .find(|c| str_of(&c["type"]) == type_)
}

/// Whether the condition of `type_` is present with status `True`.
pub fn condition_true(conditions: &Value, type_: &str) -> bool {
    condition(conditions, type_).is_some_and(|c| str_of(&c["status"]) == "True")
}

/// An equality selector (`{"app": "web"}`), dropping non-string values.
pub fn string_map(value: &Value) -> Option<std::collections::BTreeMap<String, String>> {
    let map = value.as_object()?;
    Some(
        map.iter()
            .filter_map(|(k, v)| Some((clip(k), clip(v.as_str()?))))
            .collect(),
    )
}

/// kubectl's human-readable duration (upstream apimachinery
/// `duration.HumanDuration`): `45s`, `5m3s`, `3h20m`, `2d4h`, `3y12d`.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    let s = seconds.max(0);
    let (minutes, hours) = (s / 60, s / 3600);
    let (days, years) = (hours / 24, hours / (24 * 365));
    let pair = |big: i64, unit: &str, small: i64, small_unit: &str| {
        if small == 0 {
            format!("{big}{unit}")
        } else {
            format!("{big}{unit}{small}{small_unit}")
        }
    };
    match () {
        _ if s < 120 => format!("{s}s"),
        _ if minutes < 10 => pair(minutes, "m", s % 60, "s"),
        _ if minutes < 180 => format!("{minutes}m"),
        _ if hours < 8 => pair(hours, "h", minutes % 60, "m"),
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 24 * 8 => pair(days, "d", hours % 24, "h"),
        _ if hours < 24 * 365 * 2 => format!("{days}d"),
        _ if hours < 24 * 365 * 8 => pair(years, "y", days % 365, "d"),
        _ => format!("{years}y"),
    }
}

/// Millicores as kubectl writes cpu: `250m`, or whole cores as `2`.
pub fn cpu_cell(millis: i64) -> Cell {
    let text = if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    };
    Cell::number(millis as f64, text)
}

/// Bytes in the largest binary unit that keeps them readable: `512Mi`,
/// `1.5Gi`, `100`.
pub fn memory_cell(bytes: i64) -> Cell {
    const UNITS: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let mut text = bytes.to_string();
    for (i, unit) in UNITS.iter().enumerate().rev() {
        let size = 1i64 << (10 * (i + 1));
        if bytes.unsigned_abs() >= size.unsigned_abs() {
            let value = bytes as f64 / size as f64;
            text = if bytes % size == 0 {
                format!("{}{unit}", bytes / size)
            } else {
                format!("{value:.1}{unit}")
            };
            break;
        }
    }
    Cell::number(bytes as f64, text)
}

/// Built-in columns from `(id, numeric)` pairs.
pub fn builtin_columns(ids: &[(&str, bool)]) -> Vec<Column> {
    ids.iter()
        .map(|(id, numeric)| Column::builtin(id, *numeric))
        .collect()
}
