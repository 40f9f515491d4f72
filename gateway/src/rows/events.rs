//! Events, core `v1` and `events.k8s.io/v1` alike, as `kubectl get events`
//! prints them (upstream `printEvent`): TYPE, REASON, OBJECT, MESSAGE,
//! COUNT and LAST SEEN. The subject is kept as a reference so an object's
//! page finds its events from the cache. The two APIs name the same
//! fields differently (`involvedObject`/`regarding`, `message`/`note`,
//! `count`/`deprecatedCount`); both are read, the newer first.

use serde_json::Value;

use super::fields::{
    builtin_columns, clip, clip_to, count_cell, int_of, str_of, text_cell, unix_of,
};
use crate::row::{Cell, Column, Health, ObjectRef, Row};

/// How much of a message a row keeps.
const MESSAGE_CHARS: usize = 300;

pub fn columns() -> Vec<Column> {
    builtin_columns(&[
        ("type", false),
        ("reason", false),
        ("object", false),
        ("message", false),
        ("count", true),
        ("last_seen", true),
    ])
}

/// The first of `fields` of `event` that is not null.
fn either<'a>(event: &'a Value, fields: &[&str]) -> &'a Value {
    fields
        .iter()
        .map(|f| &event[*f])
        .find(|v| !v.is_null())
        .unwrap_or(&Value::Null)
}

pub fn project(event: &Value, row: &mut Row) {
    let subject = either(event, &["regarding", "involvedObject"]);
    let subject = ObjectRef {
        kind: clip_to(str_of(&subject["kind"]), 64),
        namespace: subject["namespace"].as_str().map(clip),
        name: clip(str_of(&subject["name"])),
        uid: clip_to(str_of(&subject["uid"]), 64),
    };
    let type_ = str_of(&event["type"]);
    let first = unix_of(either(
        event,
        &["deprecatedFirstTimestamp", "firstTimestamp"],
    ))
    .or_else(|| unix_of(&event["eventTime"]));
    let last = unix_of(either(event, &["deprecatedLastTimestamp", "lastTimestamp"])).or(first);
    let series = &event["series"];
    let (last, count) = if series.is_object() {
        (
            unix_of(&series["lastObservedTime"]).or(last),
            int_of(&series["count"]),
        )
    } else {
        // Singleton events of the newer API have no count.
        match int_of(either(event, &["deprecatedCount", "count"])) {
            0 => (last, 1),
            count => (last, count),
        }
    };
    row.cells = vec![
        text_cell(type_),
        text_cell(str_of(&event["reason"])),
        text_cell(&object_text(&subject)),
        Cell::text(clip_to(
            str_of(either(event, &["note", "message"])),
            MESSAGE_CHARS,
        )),
        count_cell(count),
        last.map_or_else(|| Cell::text("<unknown>"), Cell::since),
    ];
    row.health = if type_ == "Warning" {
        Health::Warning
    } else {
        Health::Neutral
    };
    row.status = clip_to(type_, 64);
    row.subject = Some(subject);
}

/// OBJECT: `pod/web-1`, or the kind alone for an event about no one
/// object in particular.
fn object_text(subject: &ObjectRef) -> String {
    let kind = subject.kind.to_lowercase();
    if subject.name.is_empty() {
        kind
    } else {
        format!("{kind}/{}", subject.name)
    }
}
