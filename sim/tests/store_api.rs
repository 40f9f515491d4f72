//! The store's Rust API, as controllers use it: writes, conflicts, paging,
//! watch resume and expiry, selector-driven events, deletion semantics.

mod common;

use std::time::Duration;

use common::{TEST_LIMIT, TIMEOUT, TestLimit, within};
use serde_json::json;
use sim::clock::Clock;
use sim::registry::builtin::ids;
use sim::store::*;

fn store() -> Store {
    let s = Store::new(
        StoreConfig {
            history_per_type: 50,
            ..Default::default()
        },
        Clock::new(100.0),
    );
    for ns in ["default", "demo"] {
        s.create(
            &ids::namespaces(),
            "",
            json!({"metadata": {"name": ns}}),
            WriteOptions::default(),
        )
        .unwrap();
    }
    s
}

fn cm(name: &str, labels: serde_json::Value) -> serde_json::Value {
    json!({"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}})
}

#[tokio::test]
async fn writes_bump_one_global_revision_and_conflict_on_stale_versions() {
    let _limit = TestLimit::arm(TEST_LIMIT);
    let s = store();
    let a = s
        .create(
            &ids::configmaps(),
            "default",
            cm("a", json!({})),
            WriteOptions::default(),
        )
        .unwrap();
    let rv = a.resource_version();
    assert_eq!(s.current_rv(), rv);
    assert_eq!(a.value()["metadata"]["namespace"], "default");
    assert!(!a.uid().is_empty());
    let mut stale = a.value().clone();
    stale["data"]["k"] = json!("w");
    let b = s
        .update(
            &ids::configmaps(),
            "default",
            stale.clone(),
            Target::Main,
            WriteOptions::default(),
        )
        .unwrap();
    assert!(b.resource_version() > rv);
    let err = s
        .update(
            &ids::configmaps(),
            "default",
            stale,
            Target::Main,
            WriteOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), 409);
    assert_eq!(err.reason(), "Conflict");
    let dup = s
        .create(
            &ids::configmaps(),
            "default",
            cm("a", json!({})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert_eq!(dup.to_string(), "configmaps \"a\" already exists");
    let missing_ns = s
        .create(
            &ids::configmaps(),
            "nope",
            cm("x", json!({})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert_eq!(missing_ns.to_string(), "namespaces \"nope\" not found");
    let bad = s
        .create(
            &ids::configmaps(),
            "default",
            cm("Bad_Name", json!({})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert_eq!(bad.code(), 422);
}

#[tokio::test]
async fn paged_lists_share_one_snapshot_revision() {
    let _limit = TestLimit::arm(TEST_LIMIT);
    let s = store();
    for i in 0..7 {
        s.create(
            &ids::configmaps(),
            "demo",
            cm(&format!("c{i}"), json!({})),
            WriteOptions::default(),
        )
        .unwrap();
    }
    let opts = ListOptions {
        namespace: Some("demo".into()),
        limit: Some(3),
        ..Default::default()
    };
    let first = s.list(&ids::configmaps(), &opts).unwrap();
    assert_eq!(first.items.len(), 3);
    s.create(
        &ids::configmaps(),
        "demo",
        cm("c99", json!({})),
        WriteOptions::default(),
    )
    .unwrap();
    let mut names: Vec<String> = first.items.iter().map(|o| o.name().to_string()).collect();
    let mut token = first.continue_token.clone();
    while let Some(t) = token {
        let page = s
            .list(
                &ids::configmaps(),
                &ListOptions {
                    continue_token: Some(t),
                    ..opts.clone()
                },
            )
            .unwrap();
        assert_eq!(page.resource_version, first.resource_version);
        names.extend(page.items.iter().map(|o| o.name().to_string()));
        token = page.continue_token;
    }
    assert_eq!(names, ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    let expired = s.list(
        &ids::configmaps(),
        &ListOptions {
            continue_token: Some("eyJydiI6MX0".into()),
            ..opts
        },
    );
    assert!(expired.is_err());
}

#[tokio::test]
async fn watches_resume_inside_the_window_and_expire_outside_it() {
    let _limit = TestLimit::arm(TEST_LIMIT);
    let s = store();
    let start = s.current_rv();
    s.create(
        &ids::configmaps(),
        "demo",
        cm("w", json!({})),
        WriteOptions::default(),
    )
    .unwrap();
    let mut w = s
        .watch(
            &ids::configmaps(),
            WatchFilter::default(),
            WatchStart::After(start),
        )
        .unwrap();
    let batch = within("w's ADDED event", TIMEOUT, w.next()).await.unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].event_type, EventType::Added);
    assert!(
        batch[0]
            .line()
            .starts_with(b"{\"type\":\"ADDED\",\"object\":{")
    );
    for i in 0..60 {
        s.modify(&ids::configmaps(), "demo", "w", Target::Main, |o| {
            o["data"]["k"] = json!(i.to_string());
            Ok(())
        })
        .unwrap();
    }
    let mut old = s
        .watch(
            &ids::configmaps(),
            WatchFilter::default(),
            WatchStart::After(start),
        )
        .unwrap();
    let answer = within("the old watch's answer", TIMEOUT, old.next()).await;
    assert!(matches!(answer, Err(WatchError::Expired { .. })));
    let mut live = s
        .watch(
            &ids::configmaps(),
            WatchFilter::default(),
            WatchStart::After(s.current_rv()),
        )
        .unwrap();
    s.force_compaction();
    let answer = within("the compacted watch's answer", TIMEOUT, live.next()).await;
    assert!(matches!(answer, Err(WatchError::Expired { .. })));
}

#[tokio::test]
async fn objects_leaving_a_selector_are_deleted_for_that_watcher() {
    let _limit = TestLimit::arm(TEST_LIMIT);
    let s = store();
    let mut w = s
        .watch(
            &ids::configmaps(),
            WatchFilter {
                labels: LabelSelector::parse("app=web").unwrap(),
                ..Default::default()
            },
            WatchStart::After(s.current_rv()),
        )
        .unwrap();
    s.create(
        &ids::configmaps(),
        "demo",
        cm("x", json!({"app": "web"})),
        WriteOptions::default(),
    )
    .unwrap();
    s.create(
        &ids::configmaps(),
        "demo",
        cm("y", json!({"app": "db"})),
        WriteOptions::default(),
    )
    .unwrap();
    s.modify(&ids::configmaps(), "demo", "x", Target::Main, |o| {
        o["metadata"]["labels"]["app"] = json!("db");
        Ok(())
    })
    .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        for d in within("x's events", TIMEOUT, w.next()).await.unwrap() {
            seen.push((d.event_type, d.object.name().to_string()));
        }
    }
    assert_eq!(
        seen,
        [
            (EventType::Added, "x".to_string()),
            (EventType::Deleted, "x".to_string())
        ]
    );
}

#[tokio::test]
async fn finalizers_hold_deletion_until_removed() {
    let _limit = TestLimit::arm(TEST_LIMIT);
    let s = store();
    let mut obj = cm("f", json!({}));
    obj["metadata"]["finalizers"] = json!(["example.com/hold"]);
    s.create(&ids::configmaps(), "demo", obj, WriteOptions::default())
        .unwrap();
    let out = s
        .delete(&ids::configmaps(), "demo", "f", &DeleteOptions::default())
        .unwrap();
    let DeleteOutcome::Pending(marked) = out else {
        panic!("deleted despite a finalizer")
    };
    assert!(marked.value()["metadata"]["deletionTimestamp"].is_string());
    s.modify(&ids::configmaps(), "demo", "f", Target::Main, |o| {
        o["metadata"]["finalizers"] = json!([]);
        Ok(())
    })
    .unwrap();
    assert_eq!(
        s.get(&ids::configmaps(), "demo", "f").unwrap_err().code(),
        404
    );
}

#[tokio::test]
async fn garbage_collection_follows_each_propagation_policy() {
    let _limit = TestLimit::arm(TEST_LIMIT);
    let s = store();
    sim::gc::start(&s);
    let owner = |name: &str| {
        let o = s
            .create(
                &ids::configmaps(),
                "demo",
                cm(name, json!({})),
                WriteOptions::default(),
            )
            .unwrap();
        let mut dep = cm(&format!("{name}-dep"), json!({}));
        dep["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "kind": "ConfigMap", "name": name, "uid": o.uid(), "blockOwnerDeletion": true}]);
        s.create(&ids::configmaps(), "demo", dep, WriteOptions::default())
            .unwrap();
    };
    owner("bg");
    owner("fg");
    owner("or");
    s.delete(&ids::configmaps(), "demo", "bg", &DeleteOptions::default())
        .unwrap();
    let fg = s
        .delete(
            &ids::configmaps(),
            "demo",
            "fg",
            &DeleteOptions {
                propagation: Some(Propagation::Foreground),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(matches!(fg, DeleteOutcome::Pending(_)));
    s.delete(
        &ids::configmaps(),
        "demo",
        "or",
        &DeleteOptions {
            propagation: Some(Propagation::Orphan),
            ..Default::default()
        },
    )
    .unwrap();
    let gone = |name: &str| s.get(&ids::configmaps(), "demo", name).is_err();
    for _ in 0..100 {
        if gone("bg-dep") && gone("fg") && gone("fg-dep") && gone("or") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone("bg") && gone("bg-dep") && gone("fg") && gone("fg-dep") && gone("or"));
    let orphan = s.get(&ids::configmaps(), "demo", "or-dep").unwrap();
    assert!(
        orphan.value()["metadata"]["ownerReferences"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
