//! A live topology must not jump: when one pod starts, no other box moves;
//! when one ends, only the younger pods of its own host move up a slot —
//! and none at all in a live drawing, which keeps a [`SlotMemory`].

use std::collections::BTreeMap;

use diagram::layout::{Rect, layout};
use diagram::model::SlotMemory;
use diagram::{ClusterObjects, Options};
use serde_json::{Value, json};

fn node(name: &str, control_plane: bool) -> Value {
    let labels = if control_plane {
        json!({"node-role.kubernetes.io/control-plane": ""})
    } else {
        json!({})
    };
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}
    })
}

/// A pod created `minute` minutes past the hour, on `node`.
fn pod(name: &str, node: &str, minute: u32) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "namespace": "demo",
            "creationTimestamp": format!("2026-12-02T10:{minute:02}:00Z")
        },
        "spec": {"nodeName": node, "containers": [{"name": "main", "image": "nginx"}]},
        "status": {"phase": "Running"}
    })
}

/// One control-plane node and three workers holding 1, 3 and 2 pods (the
/// second worker's third pod starts a second row when a fourth comes).
fn cluster() -> Vec<Value> {
    vec![
        node("cp-1", true),
        node("worker-1", false),
        node("worker-2", false),
        node("worker-3", false),
        pod("web-a", "worker-1", 1),
        pod("db-0", "worker-2", 2),
        pod("web-b", "worker-2", 3),
        pod("cache-7f9c-xk2lq", "worker-2", 4),
        pod("web-c", "worker-3", 5),
        pod("report-29xk1", "worker-3", 6),
    ]
}

/// Every placed box by id, drawn as an export draws it.
fn rects(objects: Vec<Value>) -> BTreeMap<String, Rect> {
    placed(objects, None)
}

/// Every placed box by id, drawn as a live page draws it: through the
/// page's memory of where each pod sat.
fn rects_live(objects: Vec<Value>, memory: &mut SlotMemory) -> BTreeMap<String, Rect> {
    placed(objects, Some(memory))
}

fn placed(objects: Vec<Value>, memory: Option<&mut SlotMemory>) -> BTreeMap<String, Rect> {
    let objects = ClusterObjects::from_values(objects).unwrap();
    let mut drawn = diagram::topology(&objects, &Options::default()).unwrap();
    if let Some(memory) = memory {
        memory.place(&mut drawn);
    }
    layout(&drawn)
        .items
        .into_iter()
        .map(|placed| (placed.id, placed.rect))
        .collect()
}

/// The ids whose box is not where it was (or is gone).
fn moved(before: &BTreeMap<String, Rect>, after: &BTreeMap<String, Rect>) -> Vec<String> {
    before
        .iter()
        .filter(|(id, rect)| after.get(*id) != Some(*rect))
        .map(|(id, _)| id.clone())
        .collect()
}

#[test]
fn a_pod_that_starts_moves_no_other_box() {
    let before = rects(cluster());
    // The newest pod, named to sort first by name: its age decides its slot.
    let mut grown = cluster();
    grown.push(pod("aaa-new", "worker-1", 30));
    let after = rects(grown);
    assert_eq!(moved(&before, &after), Vec::<String>::new());
    assert_eq!(after.len(), before.len() + 1, "the new pod is drawn");
}

#[test]
fn a_pod_that_starts_a_new_row_moves_only_its_host_frame_and_what_lies_below() {
    let before = rects(cluster());
    let mut grown = cluster();
    grown.push(pod("web-d", "worker-2", 30));
    let after = rects(grown);
    let host = before
        .keys()
        .find(|id| id.contains("host") && id.contains("worker_2"))
        .expect("worker-2's host frame")
        .clone();
    let host_before = before[&host];
    for id in moved(&before, &after) {
        let rect = before[&id];
        let below = rect.y >= host_before.y + host_before.h;
        assert!(
            id == host || below,
            "{id} moved although it is neither worker-2's frame nor below it"
        );
    }
    // The frame grew downwards only: same place, same width.
    let host_after = after[&host];
    assert_eq!(
        (host_after.x, host_after.y, host_after.w),
        (host_before.x, host_before.y, host_before.w)
    );
}

#[test]
fn a_pod_that_ends_moves_only_the_younger_pods_of_its_host() {
    let before = rects(cluster());
    let shrunk: Vec<Value> = cluster()
        .into_iter()
        .filter(|o| o["metadata"]["name"] != "db-0")
        .collect();
    let after = rects(shrunk);
    let mut moved = moved(&before, &after);
    moved.sort();
    let pod_ids = |name: &str| {
        before
            .keys()
            .find(|id| id.starts_with("pod_") && id.ends_with(&name.replace('-', "_")))
            .unwrap_or_else(|| panic!("no box for {name} in {:?}", before.keys()))
            .clone()
    };
    let mut expected = vec![
        pod_ids("db-0"),
        pod_ids("web-b"),
        pod_ids("cache-7f9c-xk2lq"),
    ];
    expected.sort();
    assert_eq!(moved, expected);
}

#[test]
fn workers_are_as_wide_as_each_other_whatever_their_pods() {
    let after = rects(cluster());
    let widths: Vec<i32> = after
        .iter()
        .filter(|(id, _)| id.starts_with("host_worker"))
        .map(|(_, rect)| rect.w)
        .collect();
    assert_eq!(widths.len(), 3, "{:?}", after.keys());
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{widths:?}");
}

/// The box id of the pod `name` among `rects`.
fn pod_id(rects: &BTreeMap<String, Rect>, name: &str) -> String {
    rects
        .keys()
        .find(|id| id.starts_with("pod_") && id.ends_with(&name.replace('-', "_")))
        .unwrap_or_else(|| panic!("no box for {name} in {:?}", rects.keys()))
        .clone()
}

#[test]
fn in_a_live_drawing_a_pod_that_ends_moves_no_other_box_and_a_new_one_takes_its_cell() {
    let mut memory = SlotMemory::new();
    let before = rects_live(cluster(), &mut memory);
    let without_db: Vec<Value> = cluster()
        .into_iter()
        .filter(|o| o["metadata"]["name"] != "db-0")
        .collect();
    let after = rects_live(without_db.clone(), &mut memory);
    let gone = pod_id(&before, "db-0");
    assert_eq!(moved(&before, &after), vec![gone.clone()], "only db-0 went");
    assert!(!after.contains_key(&gone));

    // The next pod on worker-2, younger than every other, fills the hole.
    let mut refilled = without_db;
    refilled.push(pod("web-d", "worker-2", 40));
    let again = rects_live(refilled, &mut memory);
    assert_eq!(moved(&after, &again), Vec::<String>::new());
    let new = pod_id(&again, "web-d");
    let (old, new) = (before[&gone], again[&new]);
    assert_eq!((new.x, new.y), (old.x, old.y), "web-d sits where db-0 sat");
}

#[test]
fn a_live_drawing_starts_oldest_first_like_an_export() {
    let objects = ClusterObjects::from_values(cluster()).unwrap();
    let plain = diagram::topology(&objects, &Options::default()).unwrap();
    let mut live = plain.clone();
    SlotMemory::new().place(&mut live);
    assert_eq!(
        diagram::render::svg(&plain),
        diagram::render::svg(&live),
        "the first live drawing is the exported one"
    );
}
