//! Quantities: every suffix, fractions, exponents, rounding and garbage.

use serde_json::json;

use crate::rows::fields::{cpu_cell, memory_cell};
use crate::rows::quantity::{millis_of, parse, units_of};

fn millis(text: &str) -> i64 {
    parse(text)
        .unwrap_or_else(|| panic!("{text} parses"))
        .millis()
}

fn units(text: &str) -> i64 {
    parse(text)
        .unwrap_or_else(|| panic!("{text} parses"))
        .units()
}

#[test]
fn cpu_quantities_in_millicores() {
    let cases = [
        ("100m", 100),
        ("1", 1000),
        ("0.5", 500),
        ("2.25", 2250),
        ("1e3", 1_000_000),
        ("1E-3", 1),
        ("250000u", 250),
        ("1500000000n", 1500),
        // Rounded up, as upstream MilliValue does.
        ("0.1m", 1),
        ("1n", 1),
        ("+3", 3000),
        ("-2", -2000),
        ("0", 0),
        (".5", 500),
        ("5.", 5000),
    ];
    for (text, want) in cases {
        assert_eq!(millis(text), want, "{text}");
    }
}

#[test]
fn memory_quantities_in_bytes() {
    let cases = [
        ("2Gi", 2 << 30),
        ("500M", 500_000_000),
        ("128Mi", 128 << 20),
        ("1Ki", 1024),
        ("1k", 1000),
        ("1.5Gi", 3 << 29),
        ("1Ti", 1 << 40),
        ("1Pi", 1 << 50),
        ("1Ei", 1 << 60),
        ("1E", 1_000_000_000_000_000_000),
        ("2P", 2_000_000_000_000_000),
        ("3T", 3_000_000_000_000),
        ("4G", 4_000_000_000),
        ("129e6", 129_000_000),
        ("1000", 1000),
        ("100m", 1),
    ];
    for (text, want) in cases {
        assert_eq!(units(text), want, "{text}");
    }
}

#[test]
fn not_quantities() {
    for text in [
        "", "-", "Gi", "1.2.3", "1Gb", "1 Gi", "1e", "1e+", "1ee3", "one", "1K", "0x10", "1mi",
    ] {
        assert_eq!(parse(text), None, "{text}");
    }
}

#[test]
fn huge_quantities_saturate() {
    assert_eq!(units("8Ei"), i64::MAX);
    assert_eq!(units("1e999999999999"), i64::MAX);
    assert_eq!(millis("1e-999999"), 1);
    assert_eq!(units(&"9".repeat(100_000)), i64::MAX);
    assert_eq!(units(&format!("0.{}1", "0".repeat(100_000))), 1);
    assert_eq!(units("-8Ei"), -i64::MAX);
}

#[test]
fn quantity_fields_as_json() {
    assert_eq!(millis_of(&json!("250m")), 250);
    assert_eq!(millis_of(&json!(2)), 2000);
    assert_eq!(units_of(&json!(1.5)), 2);
    assert_eq!(units_of(&json!(null)), 0);
    assert_eq!(units_of(&json!({"x": 1})), 0);
    assert_eq!(units_of(&json!("lots")), 0);
}

#[test]
fn resource_cells_read_as_kubectl_writes() {
    assert_eq!(cpu_cell(250).text, "250m");
    assert_eq!(cpu_cell(4000).text, "4");
    assert_eq!(memory_cell(256 << 20).text, "256Mi");
    assert_eq!(memory_cell(3 << 29).text, "1.5Gi");
    assert_eq!(memory_cell(100).text, "100");
    assert_eq!(memory_cell(i64::MAX).number, Some(i64::MAX as f64));
}
