//! kube-rs 5 against the simulator over TCP: discovery in both modes, CRUD
//! and every patch type, watchers and reflectors through churn, forced
//! compaction (in-stream 410 → relist) and selector-filtered watches.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::discovery::Discovery;
use kube::runtime::{WatchStreamExt, reflector, watcher};
use serde_json::json;

fn cm(name: &str, app: &str) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": {"app": app}}, "data": {"k": "v"}}),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_works_in_legacy_and_aggregated_modes() {
    let sim = common::start().await;
    let client = sim.client().await;
    for discovery in [
        Discovery::new(client.clone()).run().await.unwrap(),
        Discovery::new(client.clone())
            .run_aggregated()
            .await
            .unwrap(),
    ] {
        let apps = discovery.get("apps").expect("apps group");
        let kinds: Vec<String> = apps
            .recommended_resources()
            .iter()
            .map(|(r, _)| r.kind.clone())
            .collect();
        assert!(
            kinds.contains(&"Deployment".to_string()) && kinds.contains(&"StatefulSet".to_string()),
            "{kinds:?}"
        );
        assert!(discovery.get("").is_some_and(|core| {
            core.recommended_resources()
                .iter()
                .any(|(r, _)| r.plural == "pods")
        }));
    }
    let version = client.apiserver_version().await.unwrap();
    assert_eq!(version.git_version, "v1.32.2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crud_and_every_patch_type() {
    let sim = common::start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "demo");
    let created = api
        .create(&PostParams::default(), &cm("a", "web"))
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());
    let mut stale = created.clone();
    let mut fresh = created.clone();
    fresh.data = Some([("k".to_string(), "w".to_string())].into());
    api.replace("a", &PostParams::default(), &fresh)
        .await
        .unwrap();
    stale.data = Some([("k".to_string(), "x".to_string())].into());
    let err = api
        .replace("a", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409 && s.reason == "Conflict"),
        "{err:?}"
    );
    let pp = PatchParams::default();
    api.patch("a", &pp, &Patch::Merge(json!({"data": {"m": "1"}})))
        .await
        .unwrap();
    let json_patch: json_patch::Patch =
        serde_json::from_value(json!([{"op": "add", "path": "/data/j", "value": "2"}])).unwrap();
    api.patch("a", &pp, &Patch::<()>::Json(json_patch))
        .await
        .unwrap();
    api.patch("a", &pp, &Patch::Strategic(json!({"data": {"s": "3"}})))
        .await
        .unwrap();
    let got = api.get("a").await.unwrap();
    let data = got.data.unwrap();
    assert_eq!(
        (
            data["k"].as_str(),
            data["m"].as_str(),
            data["j"].as_str(),
            data["s"].as_str()
        ),
        ("w", "1", "2", "3")
    );

    let deployments: Api<Deployment> = Api::namespaced(sim.client().await, "default");
    let d: Deployment = serde_json::from_value(json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
            {"name": "a", "image": "nginx:1", "ports": [{"containerPort": 80}]}, {"name": "b", "image": "busybox:1"}]}}}}))
    .unwrap();
    deployments
        .create(&PostParams::default(), &d)
        .await
        .unwrap();
    let patched = deployments
        .patch("web", &pp, &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "busybox:2"}]}}}})))
        .await
        .unwrap();
    let patched = serde_json::to_value(&patched).unwrap();
    let containers = &patched["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers.as_array().unwrap().len(), 2);
    assert_eq!(containers[0]["ports"][0]["containerPort"], 80);
    assert_eq!(containers[1]["image"], "busybox:2");
    let scale = deployments
        .patch_scale("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 3}})))
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&scale).unwrap()["spec"]["replicas"], 3);

    let deleted = api.delete("a", &DeleteParams::default()).await.unwrap();
    assert!(deleted.is_right(), "an immediate delete returns a Status");
    assert_eq!(api.get_opt("a").await.unwrap(), None);
}

async fn converged(store: &reflector::Store<ConfigMap>, api: &Api<ConfigMap>) -> bool {
    let listed: BTreeSet<(String, String)> = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| {
            (
                c.metadata.name.unwrap(),
                c.metadata.resource_version.unwrap(),
            )
        })
        .collect();
    let cached: BTreeSet<(String, String)> = store
        .state()
        .iter()
        .map(|c| {
            (
                c.metadata.name.clone().unwrap(),
                c.metadata.resource_version.clone().unwrap(),
            )
        })
        .collect();
    listed == cached
}

async fn wait_converged(store: &reflector::Store<ConfigMap>, api: &Api<ConfigMap>) {
    for _ in 0..100 {
        if converged(store, api).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reflector did not converge with a fresh list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reflector_converges_after_churn_and_after_forced_compaction() {
    let sim = common::start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "demo");
    let (reader, writer) = reflector::store();
    let relists = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = relists.clone();
    let stream = reflector(writer, watcher(api.clone(), watcher::Config::default()))
        .inspect_ok(move |e| {
            if matches!(e, watcher::Event::Init) {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .applied_objects();
    let task = tokio::spawn(stream.for_each(|_| async {}));
    common::within(
        "the reflector's first list",
        common::TIMEOUT,
        reader.wait_until_ready(),
    )
    .await
    .unwrap();
    for i in 0..60 {
        let name = format!("c{}", i % 20);
        match i % 3 {
            0 => drop(api.create(&PostParams::default(), &cm(&name, "web")).await),
            1 => drop(
                api.patch(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(json!({"data": {"i": i.to_string()}})),
                )
                .await,
            ),
            _ => drop(api.delete(&name, &DeleteParams::default()).await),
        }
    }
    wait_converged(&reader, &api).await;
    assert_eq!(relists.load(std::sync::atomic::Ordering::SeqCst), 1);

    sim.handle.store().force_compaction();
    api.create(&PostParams::default(), &cm("after-compaction", "web"))
        .await
        .unwrap();
    for _ in 0..100 {
        if relists.load(std::sync::atomic::Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        relists.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "the in-stream 410 makes the watcher relist"
    );
    wait_converged(&reader, &api).await;
    assert!(
        reader
            .state()
            .iter()
            .any(|c| c.metadata.name.as_deref() == Some("after-compaction"))
    );
    task.abort();
}

/// The watcher's next event; `what` names it in the message if it does
/// not come within `limit`.
async fn next<S>(events: &mut S, what: &str, limit: Duration) -> Option<watcher::Event<ConfigMap>>
where
    S: futures::Stream<Item = watcher::Result<watcher::Event<ConfigMap>>> + Unpin,
{
    common::within(what, limit, events.try_next())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selector_filtered_watches_see_objects_enter_and_leave() {
    let sim = common::start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "demo");
    let mut events = watcher(api.clone(), watcher::Config::default().labels("app=web")).boxed();
    assert!(matches!(
        next(&mut events, "the app=web watcher's Init", common::TIMEOUT).await,
        Some(watcher::Event::Init)
    ));
    assert!(matches!(
        next(
            &mut events,
            "the app=web watcher's InitDone",
            common::TIMEOUT
        )
        .await,
        Some(watcher::Event::InitDone)
    ));
    api.create(&PostParams::default(), &cm("x", "db"))
        .await
        .unwrap();
    api.patch(
        "x",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"app": "web"}}})),
    )
    .await
    .unwrap();
    api.patch(
        "x",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"app": "db"}}})),
    )
    .await
    .unwrap();
    let entered = next(&mut events, "x to enter app=web", Duration::from_secs(5)).await;
    assert!(
        matches!(entered, Some(watcher::Event::Apply(ref c)) if c.metadata.name.as_deref() == Some("x")),
        "{entered:?}"
    );
    let left = next(&mut events, "x to leave app=web", Duration::from_secs(5)).await;
    assert!(
        matches!(left, Some(watcher::Event::Delete(ref c)) if c.metadata.name.as_deref() == Some("x")),
        "{left:?}"
    );

    let mut streaming = watcher(
        api.clone(),
        watcher::Config::default()
            .streaming_lists()
            .labels("app=db"),
    )
    .boxed();
    assert!(matches!(
        next(&mut streaming, "the streaming list's Init", common::TIMEOUT).await,
        Some(watcher::Event::Init)
    ));
    let first = next(
        &mut streaming,
        "the streaming list's first object",
        common::TIMEOUT,
    )
    .await;
    assert!(
        matches!(first, Some(watcher::Event::InitApply(ref c)) if c.metadata.name.as_deref() == Some("x")),
        "{first:?}"
    );
    assert!(matches!(
        next(
            &mut streaming,
            "the streaming list's InitDone",
            common::TIMEOUT
        )
        .await,
        Some(watcher::Event::InitDone)
    ));
}
