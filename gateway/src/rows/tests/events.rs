//! Events of both APIs: subject, reason, message, count, last seen.

use serde_json::json;

use super::{project_as, unix};
use crate::row::{Health, ObjectRef};

#[test]
fn core_event() {
    let event = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web-7d4b9c8f6-x2k9p.17f3a", "namespace": "shop", "uid": "e-1"},
        "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web-7d4b9c8f6-x2k9p",
                           "uid": "0b6e", "apiVersion": "v1", "fieldPath": "spec.containers{app}"},
        "reason": "BackOff", "message": "Back-off restarting failed container app",
        "type": "Warning", "count": 12,
        "firstTimestamp": "2026-12-02T01:00:00Z", "lastTimestamp": "2026-12-02T02:58:00Z",
        "source": {"component": "kubelet", "host": "worker-1"}
    });
    let row = project_as("", "Event", &event);
    let texts: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts[..5],
        [
            "Warning",
            "BackOff",
            "pod/web-7d4b9c8f6-x2k9p",
            "Back-off restarting failed container app",
            "12"
        ]
    );
    assert_eq!(row.cells[5].since, Some(unix("2026-12-02T02:58:00Z")));
    assert_eq!(row.health, Health::Warning);
    assert_eq!(
        row.subject,
        Some(ObjectRef {
            kind: "Pod".into(),
            namespace: Some("shop".into()),
            name: "web-7d4b9c8f6-x2k9p".into(),
            uid: "0b6e".into(),
        })
    );
}

#[test]
fn events_k8s_io_event_with_series() {
    let event = json!({
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "db-0.1", "namespace": "shop"},
        "regarding": {"kind": "StatefulSet", "namespace": "shop", "name": "db", "uid": "st-1"},
        "reason": "SuccessfulCreate", "note": "create Pod db-0 in StatefulSet db successful",
        "type": "Normal", "eventTime": "2026-12-02T02:00:00.123456Z",
        "series": {"count": 4, "lastObservedTime": "2026-12-02T02:30:00.000000Z"},
        "reportingController": "statefulset-controller"
    });
    let row = project_as("events.k8s.io", "Event", &event);
    assert_eq!(row.cells[2].text, "statefulset/db");
    assert_eq!(
        row.cells[3].text,
        "create Pod db-0 in StatefulSet db successful"
    );
    assert_eq!(row.cells[4].text, "4");
    assert_eq!(row.cells[5].since, Some(unix("2026-12-02T02:30:00Z")));
    assert_eq!(row.health, Health::Neutral);
    assert_eq!(row.subject.unwrap().name, "db");

    // A singleton of the newer API: count 1, last seen at eventTime.
    let single = json!({"regarding": {"kind": "Node", "name": "worker-1"}, "type": "Normal",
                        "eventTime": "2026-12-02T02:00:00.000000Z"});
    let row = project_as("events.k8s.io", "Event", &single);
    assert_eq!(
        (row.cells[4].text.as_str(), row.cells[5].since),
        ("1", Some(unix("2026-12-02T02:00:00Z")))
    );
    assert_eq!(row.subject.unwrap().namespace, None);
}

#[test]
fn long_messages_are_cut() {
    let event =
        json!({"message": "é".repeat(10_000), "involvedObject": {"kind": "Pod", "name": "p"}});
    let row = project_as("", "Event", &event);
    assert!(row.cells[3].text.chars().count() <= 303);
    assert!(row.cells[3].text.ends_with("..."));
}
