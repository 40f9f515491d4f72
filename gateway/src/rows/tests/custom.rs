//! Custom resources: printer columns through the JSONPath subset.

use serde_json::{Value, json};

use super::{now, unix};
use crate::kind::{KindInfo, PrinterColumn};
use crate::row::{Cell, Health, Row};
use crate::rows::jsonpath::{Step, find, parse};
use crate::rows::{columns, human_duration, project_at};

fn printer(name: &str, path: &str, type_: &str, priority: i32) -> PrinterColumn {
    PrinterColumn {
        name: name.into(),
        json_path: path.into(),
        type_: type_.into(),
        priority,
    }
}

fn certificates() -> KindInfo {
    let mut kind = KindInfo::builtin("cert-manager.io", "v1", "certificates", "Certificate", true);
    kind.printer_columns = vec![
        printer(
            "Ready",
            ".status.conditions[?(@.type==\"Ready\")].status",
            "string",
            0,
        ),
        printer("Secret", ".spec.secretName", "string", 0),
        printer("Hosts", ".spec.dnsNames[*]", "string", 0),
        printer("Replicas", ".status.replicas", "integer", 0),
        printer("Renewal", ".status.renewalTime", "date", 0),
        printer("Issuer", ".spec.issuerRef.name", "string", 1),
        printer("Age", ".metadata.creationTimestamp", "date", 0),
        printer(
            "Team",
            ".metadata.labels.app\\.kubernetes\\.io/part-of",
            "string",
            0,
        ),
        printer("First", ".spec.ports[*].port", "integer", 0),
    ];
    kind
}

/// Each cell of a single-valued column reads as in the simulator's port of
/// the API server's table convertor (which shows only the first of many).
fn agrees_with_sim(kind: &KindInfo, object: &Value, row: &Row) {
    let shown: Vec<&PrinterColumn> = kind
        .printer_columns
        .iter()
        .filter(|c| c.priority == 0 && c.json_path != ".metadata.creationTimestamp")
        .collect();
    let version = json!({"additionalPrinterColumns": shown.iter().map(|c| json!({
        "name": c.name, "type": c.type_, "jsonPath": c.json_path})).collect::<Vec<_>>()});
    let theirs = sim::table::crd_row_cells(&version, object, now());
    for ((column, cell), theirs) in shown.iter().zip(&row.cells).zip(&theirs[1..]) {
        if column.json_path.contains("[*]") {
            continue;
        }
        let ours = match cell.since {
            Some(at) => human_duration(now().timestamp() - at),
            None => cell.text.clone(),
        };
        let theirs = match theirs {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        assert_eq!(ours, theirs, "{}", column.name);
    }
}

#[test]
fn printer_columns_of_priority_zero_without_age() {
    let columns = columns(&certificates());
    let ids: Vec<&str> = columns.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "printer:Ready",
            "printer:Secret",
            "printer:Hosts",
            "printer:Replicas",
            "printer:Renewal",
            "printer:Team",
            "printer:First"
        ]
    );
    assert_eq!(columns[3].title.as_deref(), Some("Replicas"));
    assert!(columns[3].numeric && columns[4].numeric && !columns[0].numeric);
}

#[test]
fn printer_cells() {
    let cert = json!({
        "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "shop-tls", "namespace": "shop",
                     "labels": {"app.kubernetes.io/part-of": "shop"}},
        "spec": {"secretName": "shop-tls", "dnsNames": ["shop.example.com", "www.example.com"],
                 "issuerRef": {"name": "letsencrypt"}, "ports": [{"port": 80}, {"port": 443}]},
        "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Ready"}],
                   "replicas": 2, "renewalTime": "2027-01-01T00:00:00Z"}
    });
    let row = project_at(&certificates(), &cert, now());
    let texts: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "True",
            "shop-tls",
            "shop.example.com,www.example.com",
            "2",
            "2027-01-01T00:00:00Z",
            "shop",
            "80,443"
        ]
    );
    agrees_with_sim(&certificates(), &cert, &row);
    assert_eq!(row.cells[3].number, Some(2.0));
    assert_eq!(row.cells[4], Cell::since(unix("2027-01-01T00:00:00Z")));
    assert_eq!(row.cells[6].number, Some(80.0));
    assert_eq!((row.status.as_str(), row.health), ("Ready", Health::Ok));

    // Missing fields give empty cells; a NotReady condition a Warning.
    let bare = json!({"status": {"conditions": [{"type": "Ready", "status": "False", "reason": "Failed"}]}});
    let row = project_at(&certificates(), &bare, now());
    agrees_with_sim(&certificates(), &bare, &row);
    assert_eq!(row.cells[0].text, "False");
    assert!(row.cells[1..].iter().all(|c| *c == Cell::default()));
    assert_eq!(
        (row.status.as_str(), row.health),
        ("Failed", Health::Warning)
    );
}

#[test]
fn kinds_without_printer_columns_have_none() {
    let kind = KindInfo::builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", true);
    assert!(columns(&kind).is_empty());
    let row = project_at(
        &kind,
        &json!({"metadata": {"name": "r"}, "rules": [{"verbs": ["*"]}]}),
        now(),
    );
    assert!(row.cells.is_empty());
    assert_eq!(row.health, Health::Neutral);
    let phased = project_at(&kind, &json!({"status": {"phase": "Running"}}), now());
    assert_eq!(
        (phased.status.as_str(), phased.health),
        ("Running", Health::Ok)
    );
}

#[test]
fn jsonpath_subset() {
    let field = |s: &str| Step::Field(s.into());
    assert_eq!(
        parse("{.spec.a[0].b}"),
        Some(vec![field("spec"), field("a"), Step::Index(0), field("b")])
    );
    assert_eq!(
        parse("$.a[*].b"),
        Some(vec![field("a"), Step::All, field("b")])
    );
    assert_eq!(
        parse(".metadata.labels['app.kubernetes.io/name']"),
        Some(vec![
            field("metadata"),
            field("labels"),
            field("app.kubernetes.io/name")
        ])
    );
    assert_eq!(parse(".a\\.b"), Some(vec![field("a.b")]));
    for unsupported in [
        "..a",
        ".a[?(@.x > 1)]",
        ".a[?(@type)]",
        ".a[?(@.x==Ready)]",
        "a",
        ".a[",
        ".a[x]",
        ".",
    ] {
        assert_eq!(parse(unsupported), None, "{unsupported}");
    }
    let doc = json!({"a": [{"b": 1}, {"b": 2}, {"c": 3}], "s": "x"});
    let values = find(&doc, &parse(".a[*].b").unwrap());
    assert_eq!(values, [&json!(1), &json!(2)]);
    assert_eq!(find(&doc, &parse(".a[-1].c").unwrap()), [&json!(3)]);
    assert!(find(&doc, &parse(".a[9].b").unwrap()).is_empty());
    assert!(find(&doc, &parse(".s.t[0]").unwrap()).is_empty());

    let conditions = json!({"status": {"conditions": [
        {"type": "Synced", "status": "True", "observedGeneration": 3},
        {"type": "Ready", "status": "False", "message": "waiting"}]}});
    let ready = parse(".status.conditions[?(@.type==\"Ready\")].status").unwrap();
    assert_eq!(find(&conditions, &ready), [&json!("False")]);
    let not_ready = parse("{.status.conditions[?(@.type != 'Ready')].type}").unwrap();
    assert_eq!(find(&conditions, &not_ready), [&json!("Synced")]);
    let numbered = parse(".status.conditions[?(@.observedGeneration==3)].type").unwrap();
    assert_eq!(find(&conditions, &numbered), [&json!("Synced")]);
    let present = parse(".status.conditions[?(@.message)].type").unwrap();
    assert_eq!(find(&conditions, &present), [&json!("Ready")]);
}

#[test]
fn a_column_pointing_at_a_whole_spec_is_cut() {
    let mut kind = KindInfo::builtin("example.com", "v1", "widgets", "Widget", true);
    kind.printer_columns = vec![printer("Spec", ".spec", "string", 0)];
    let items: Vec<_> = (0..100_000).map(|i| json!({"n": i})).collect();
    let row = project_at(&kind, &json!({"spec": {"items": items}}), now());
    assert!(row.cells[0].text.starts_with("{\"items\":[{\"n\":0}"));
    assert!(row.cells[0].text.len() < 400);
}
