//! Event rows (port of printEvent) for both core/v1 and events.k8s.io/v1
//! Events. Upstream prints both through the internal core Event, so an
//! events.k8s.io Event is first read with its renamed fields (`regarding`,
//! `note`, `deprecatedCount`, ...).
//!
//! Unlike every other kind, `Name` is the last column here (wide only): that
//! is what upstream does, and why `kubectl get events` starts with LAST SEEN.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{NAME_DESCRIPTION, column, int, since, text, timestamp, wide_column};

pub(super) fn columns() -> Vec<ColumnDefinition> {
    vec![
        column(
            "Last Seen",
            "string",
            "The time at which the most recent occurrence of this event was recorded.",
        ),
        column(
            "Type",
            "string",
            "Type of this event (Normal, Warning), new types could be added in the future",
        ),
        column(
            "Reason",
            "string",
            "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
        ),
        column("Object", "string", "The object that this event is about."),
        wide_column(
            "Subobject",
            "string",
            "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.",
        ),
        wide_column("Source", "string", "The component reporting this event."),
        column(
            "Message",
            "string",
            "A human-readable description of the status of this operation.",
        ),
        wide_column(
            "First Seen",
            "string",
            "The time at which the event was first recorded.",
        ),
        wide_column(
            "Count",
            "string",
            "The number of times this event has occurred.",
        ),
        ColumnDefinition::new("Name", "string", "name", NAME_DESCRIPTION, 1),
    ]
}

/// Where each field of the internal Event lives in one API version.
struct EventFields {
    involved_object: &'static str,
    message: &'static str,
    source: &'static str,
    first_timestamp: &'static str,
    last_timestamp: &'static str,
    count: &'static str,
    reporting_controller: &'static str,
}

const CORE_V1: EventFields = EventFields {
    involved_object: "/involvedObject",
    message: "/message",
    source: "/source",
    first_timestamp: "/firstTimestamp",
    last_timestamp: "/lastTimestamp",
    count: "/count",
    reporting_controller: "/reportingComponent",
};

const EVENTS_V1: EventFields = EventFields {
    involved_object: "/regarding",
    message: "/note",
    source: "/deprecatedSource",
    first_timestamp: "/deprecatedFirstTimestamp",
    last_timestamp: "/deprecatedLastTimestamp",
    count: "/deprecatedCount",
    reporting_controller: "/reportingController",
};

pub(super) fn core_cells(event: &Value, now: DateTime<Utc>) -> Vec<Value> {
    cells(event, &CORE_V1, now)
}

pub(super) fn events_k8s_io_cells(event: &Value, now: DateTime<Utc>) -> Vec<Value> {
    cells(event, &EVENTS_V1, now)
}

fn cells(event: &Value, fields: &EventFields, now: DateTime<Utc>) -> Vec<Value> {
    let first_seen = match timestamp(event, fields.first_timestamp) {
        Some(first) => since(Some(first), now),
        None => since(timestamp(event, "/eventTime"), now),
    };
    let mut last_seen = match timestamp(event, fields.last_timestamp) {
        Some(last) => since(Some(last), now),
        None => first_seen.clone(),
    };
    let mut count = int(event, fields.count);
    if event["series"].is_object() {
        last_seen = since(timestamp(event, "/series/lastObservedTime"), now);
        count = int(event, "/series/count");
    } else if count == 0 {
        // Singleton events of the new API carry no count.
        count = 1;
    }

    let involved = event
        .pointer(fields.involved_object)
        .unwrap_or(&Value::Null);
    let kind = text(involved, "/kind").to_lowercase();
    let object = match text(involved, "/name") {
        "" => kind,
        involved_name => format!("{kind}/{involved_name}"),
    };
    let component = first_non_empty(
        text(event, &format!("{}/component", fields.source)),
        text(event, fields.reporting_controller),
    );
    let host = first_non_empty(
        text(event, &format!("{}/host", fields.source)),
        text(event, "/reportingInstance"),
    );
    let source = if host.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {host}")
    };

    vec![
        Value::from(last_seen),
        Value::from(text(event, "/type")),
        Value::from(text(event, "/reason")),
        Value::from(object),
        Value::from(text(involved, "/fieldPath")),
        Value::from(source),
        Value::from(text(event, fields.message).trim()),
        Value::from(first_seen),
        Value::from(count),
        Value::from(text(event, "/metadata/name")),
    ]
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn core_event_row_from_the_kubelet() {
        let event = json!({
            "metadata": {"name": "myapp-pod.181a2b3c4d5e6f70", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "myapp-pod", "fieldPath": "spec.containers{myapp-container}"},
            "reason": "BackOff",
            "message": "Back-off restarting failed container myapp-container in pod myapp-pod\n",
            "source": {"component": "kubelet", "host": "sim-worker-1"},
            "firstTimestamp": "2025-01-01T11:50:00Z",
            "lastTimestamp": "2025-01-01T11:59:30Z",
            "count": 42,
            "type": "Warning"
        });
        assert_eq!(
            core_cells(&event, now()),
            [
                json!("30s"),
                json!("Warning"),
                json!("BackOff"),
                json!("pod/myapp-pod"),
                json!("spec.containers{myapp-container}"),
                json!("kubelet, sim-worker-1"),
                json!("Back-off restarting failed container myapp-container in pod myapp-pod"),
                json!("10m"),
                json!(42),
                json!("myapp-pod.181a2b3c4d5e6f70")
            ]
        );
    }

    #[test]
    fn new_style_core_event_uses_event_time_and_reporting_controller() {
        let event = json!({
            "metadata": {"name": "web.1"},
            "involvedObject": {"kind": "Deployment", "name": "web"},
            "reason": "ScalingReplicaSet",
            "message": "Scaled up replica set web-7d4b9c8f5 to 3",
            "eventTime": "2025-01-01T11:58:00.123456Z",
            "reportingComponent": "deployment-controller",
            "type": "Normal"
        });
        let row = core_cells(&event, now());
        // 119.88s ago: whole seconds are truncated, as in Go.
        assert_eq!(row[0], json!("119s"));
        assert_eq!(row[3], json!("deployment/web"));
        assert_eq!(row[5], json!("deployment-controller"));
        assert_eq!(row[7..9], [json!("119s"), json!(1)]);
    }

    #[test]
    fn series_overrides_last_seen_and_count() {
        let event = json!({
            "involvedObject": {"kind": "Node"},
            "eventTime": "2025-01-01T10:00:00.000000Z",
            "series": {"count": 7, "lastObservedTime": "2025-01-01T11:59:00.000000Z"}
        });
        let row = core_cells(&event, now());
        assert_eq!(row[0], json!("60s"));
        assert_eq!(row[3], json!("node"));
        assert_eq!(row[7..9], [json!("120m"), json!(7)]);
    }

    #[test]
    fn event_without_any_time_is_unknown() {
        let row = core_cells(&json!({}), now());
        assert_eq!(row[0], json!("<unknown>"));
        assert_eq!(row[7], json!("<unknown>"));
    }

    #[test]
    fn events_k8s_io_event_reads_renamed_fields() {
        let event = json!({
            "apiVersion": "events.k8s.io/v1",
            "kind": "Event",
            "metadata": {"name": "myapp-pod.181a2b3c4d5e6f71"},
            "regarding": {"kind": "Pod", "name": "myapp-pod"},
            "reason": "Scheduled",
            "note": "Successfully assigned default/myapp-pod to sim-worker-1",
            "eventTime": "2025-01-01T11:55:00.000000Z",
            "reportingController": "default-scheduler",
            "reportingInstance": "default-scheduler-sim-control-plane",
            "type": "Normal",
            "action": "Binding"
        });
        assert_eq!(
            events_k8s_io_cells(&event, now()),
            [
                json!("5m"),
                json!("Normal"),
                json!("Scheduled"),
                json!("pod/myapp-pod"),
                json!(""),
                json!("default-scheduler, default-scheduler-sim-control-plane"),
                json!("Successfully assigned default/myapp-pod to sim-worker-1"),
                json!("5m"),
                json!(1),
                json!("myapp-pod.181a2b3c4d5e6f71")
            ]
        );
    }

    #[test]
    fn name_is_a_wide_column_with_name_format() {
        let columns = columns();
        let name = columns.last().unwrap();
        assert_eq!(
            (name.name.as_str(), name.format.as_str(), name.priority),
            ("Name", "name", 1)
        );
        let default: Vec<_> = columns
            .iter()
            .filter(|c| c.priority == 0)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            default,
            ["Last Seen", "Type", "Reason", "Object", "Message"]
        );
    }
}
