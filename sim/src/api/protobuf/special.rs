//! apimachinery types whose JSON form is not the shape of their message:
//! Go gives them their own `MarshalJSON`, so the generic field walk of
//! [`super::to_json`] would get them wrong.
//!
//! | message | JSON |
//! |---|---|
//! | `meta.v1.Time` | RFC 3339 in UTC to the second, omitted when zero (Go writes `null`) |
//! | `meta.v1.MicroTime` | RFC 3339 in UTC with six fraction digits, omitted when zero |
//! | `meta.v1.Duration` | Go's `time.Duration` string (`1m30s`) |
//! | `meta.v1.FieldsV1` | the JSON its raw bytes hold (managed fields) |
//! | `resource.Quantity` | its string (`500m`, `1Gi`) |
//! | `intstr.IntOrString` | a number or a string, by its type |
//! | `runtime.RawExtension` | the JSON (or nested protobuf object) its raw bytes hold |

use chrono::{DateTime, SecondsFormat};
use prost_reflect::{DynamicMessage, Value as Field};
use serde_json::Value;

use super::{ProtobufError, envelope};

/// A message with a JSON form of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Time,
    MicroTime,
    Duration,
    FieldsV1,
    Quantity,
    IntOrString,
    RawExtension,
}

impl Special {
    /// The special form of the message named `full_name`, if it has one.
    pub fn of(full_name: &str) -> Option<Self> {
        Some(match full_name {
            "apimachinery.pkg.apis.meta.v1.Time" => Special::Time,
            "apimachinery.pkg.apis.meta.v1.MicroTime" => Special::MicroTime,
            "apimachinery.pkg.apis.meta.v1.Duration" => Special::Duration,
            "apimachinery.pkg.apis.meta.v1.FieldsV1" => Special::FieldsV1,
            "apimachinery.pkg.api.resource.Quantity" => Special::Quantity,
            "apimachinery.pkg.util.intstr.IntOrString" => Special::IntOrString,
            "apimachinery.pkg.runtime.RawExtension" => Special::RawExtension,
            _ => return None,
        })
    }

    /// The JSON of `m`, or `None` when Go's JSON would hold nothing
    /// (`null`) for it. `depth` counts the envelopes around `m`.
    pub fn to_json(self, m: &DynamicMessage, depth: usize) -> Result<Option<Value>, ProtobufError> {
        Ok(match self {
            Special::Time | Special::MicroTime => {
                let seconds = int(m, "seconds");
                let nanos = int(m, "nanos");
                if seconds == 0 && nanos == 0 {
                    return Ok(None);
                }
                let nanos = u32::try_from(nanos).ok().filter(|n| *n < 1_000_000_000);
                let t = nanos
                    .and_then(|n| DateTime::from_timestamp(seconds, n))
                    .ok_or_else(|| {
                        bad("Time", format!("{seconds}s {nanos:?}ns is out of range"))
                    })?;
                let format = if self == Special::Time {
                    SecondsFormat::Secs
                } else {
                    SecondsFormat::Micros
                };
                Some(Value::from(t.to_rfc3339_opts(format, true)))
            }
            Special::Duration => Some(Value::from(go_duration(int(m, "duration")))),
            Special::FieldsV1 => {
                let raw = bytes(m, "Raw");
                if raw.is_empty() {
                    return Ok(None);
                }
                Some(serde_json::from_slice(&raw).map_err(|e| bad("FieldsV1", e.to_string()))?)
            }
            Special::Quantity => {
                let s = string(m, "string");
                Some(Value::from(if s.is_empty() { "0".to_owned() } else { s }))
            }
            Special::IntOrString => Some(if int(m, "type") == 0 {
                Value::from(int(m, "intVal"))
            } else {
                Value::from(string(m, "strVal"))
            }),
            Special::RawExtension => {
                let raw = bytes(m, "raw");
                if raw.is_empty() {
                    None
                } else if raw.starts_with(envelope::MAGIC) {
                    Some(super::decode_nested(&raw, ("", ""), depth + 1)?)
                } else {
                    Some(
                        serde_json::from_slice(&raw)
                            .map_err(|e| bad("RawExtension", e.to_string()))?,
                    )
                }
            }
        })
    }
}

/// A malformed value of a special type.
fn bad(type_name: &str, why: String) -> ProtobufError {
    ProtobufError::BadValue {
        type_name: type_name.to_owned(),
        why,
    }
}

/// An integer field of `m` (0 when unset).
fn int(m: &DynamicMessage, name: &str) -> i64 {
    match m.get_field_by_name(name).as_deref() {
        Some(Field::I64(v)) => *v,
        Some(Field::I32(v)) => i64::from(*v),
        _ => 0,
    }
}

/// A string field of `m` ("" when unset).
fn string(m: &DynamicMessage, name: &str) -> String {
    match m.get_field_by_name(name).as_deref() {
        Some(Field::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// A bytes field of `m` (empty when unset).
fn bytes(m: &DynamicMessage, name: &str) -> Vec<u8> {
    match m.get_field_by_name(name).as_deref() {
        Some(Field::Bytes(b)) => b.to_vec(),
        _ => Vec::new(),
    }
}

/// Go's `time.Duration.String()` of `ns` nanoseconds: `0s`, `1.5s`,
/// `2m0s`, `1h0m5s`, `300ms`, `2µs`, `-10s`.
pub fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".to_owned();
    }
    let sign = if ns < 0 { "-" } else { "" };
    let u = ns.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    let body = if u < SECOND {
        let (unit, scale) = match u {
            0..1_000 => ("ns", 1),
            1_000..1_000_000 => ("µs", 1_000),
            _ => ("ms", 1_000_000),
        };
        format!("{}{}{unit}", u / scale, fraction(u % scale, scale))
    } else {
        let secs = u / SECOND;
        let frac = fraction(u % SECOND, SECOND);
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            format!("{h}h{m}m{s}{frac}s")
        } else if m > 0 {
            format!("{m}m{s}{frac}s")
        } else {
            format!("{s}{frac}s")
        }
    };
    format!("{sign}{body}")
}

/// `.5` for 500 of 1000: the remainder as a decimal fraction without
/// trailing zeros, or nothing when it is zero.
fn fraction(rem: u64, scale: u64) -> String {
    if rem == 0 {
        return String::new();
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{rem:0width$}");
    format!(".{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::go_duration;

    #[test]
    fn durations_read_like_go() {
        let cases = [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (300_000_000, "300ms"),
            (1_500_000_000, "1.5s"),
            (120_000_000_000, "2m0s"),
            (3_605_000_000_000, "1h0m5s"),
            (-10_000_000_000, "-10s"),
        ];
        for (ns, want) in cases {
            assert_eq!(go_duration(ns), want, "{ns}ns");
        }
    }
}
