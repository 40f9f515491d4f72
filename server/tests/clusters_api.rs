//! The JSON API over a real cluster API: the embedded cluster, started
//! in-process but reached over HTTP through kube-rs, exactly as `serve`
//! does. The judge of every count is the cluster itself (a kube-rs list).

mod common;

use axum::http::StatusCode;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DynamicObject, ListParams, PostParams};
use serde_json::Value;

use common::cluster::serve;
use common::http::{body_text, get, send};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_the_api_answers_401() {
    let f = serve().await;
    for path in [
        "/api/v1/clusters",
        "/api/v1/clusters/sim/resources/pods",
        "/api/v1/stream",
        "/metrics",
    ] {
        let response = send(&f.app, get(path, None)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    f.sim.shutdown().await;
}

/// Creates the CRD `crontabs.stable.example.com` (with a printer column)
/// and two instances.
async fn create_crontabs(kube: &kube::Client) {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    let crd: CustomResourceDefinition = serde_json::from_value(serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "crontabs.stable.example.com"},
        "spec": {
            "group": "stable.example.com", "scope": "Namespaced",
            "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "additionalPrinterColumns": [{"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"}]}]
        }
    }))
    .unwrap();
    let crds = Api::<CustomResourceDefinition>::all(kube.clone());
    crds.create(&PostParams::default(), &crd).await.unwrap();
    // The new resource is served once the CRD is established.
    let established = kube::runtime::wait::await_condition(
        crds,
        "crontabs.stable.example.com",
        kube::runtime::wait::conditions::is_crd_established(),
    );
    tokio::time::timeout(common::cluster::WAIT, established)
        .await
        .expect("the CRD is established")
        .unwrap();
    let resource = kube::discovery::ApiResource {
        group: "stable.example.com".into(),
        version: "v1".into(),
        api_version: "stable.example.com/v1".into(),
        kind: "CronTab".into(),
        plural: "crontabs".into(),
    };
    let api: Api<DynamicObject> = Api::namespaced_with(kube.clone(), "demo", &resource);
    for name in ["nightly", "hourly"] {
        let object: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": name, "namespace": "demo"},
            "spec": {"cronSpec": format!("* * * * */{name}")}
        }))
        .unwrap();
        api.create(&PostParams::default(), &object).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_created_now_is_listed_with_its_printer_columns() {
    let f = serve().await;
    create_crontabs(&f.kube).await;
    let (status, list) = f
        .json("/api/v1/clusters/sim/resources/crontabs.stable.example.com")
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 2);
    assert_eq!(list["columns"][0]["title"], "Spec", "{list}");
    assert_eq!(list["rows"][0]["cells"][0]["text"], "* * * * */hourly");
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_listable_kind_counts_what_the_cluster_lists() {
    let f = serve().await;
    create_crontabs(&f.kube).await;
    let _ = f
        .json("/api/v1/clusters/sim/resources/crontabs.stable.example.com")
        .await;
    let (status, kinds) = f.json("/api/v1/clusters/sim/kinds").await;
    assert_eq!(status, StatusCode::OK);
    let kinds = kinds.as_array().unwrap();
    assert!(kinds.len() > 20, "{} kinds", kinds.len());
    assert!(
        kinds.iter().any(|k| k["kind"] == "CronTab"),
        "the new CRD is discovered"
    );
    for kind in kinds {
        let verbs: Vec<&str> = kind["verbs"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if !verbs.contains(&"watch") {
            continue;
        }
        let key = &kind["key"];
        let (group, version, plural) = (
            key["group"].as_str().unwrap(),
            key["version"].as_str().unwrap(),
            key["plural"].as_str().unwrap(),
        );
        let slug = if group.is_empty() {
            plural.to_owned()
        } else {
            format!("{plural}.{group}")
        };
        let (status, list) = f
            .json(&format!("/api/v1/clusters/sim/resources/{slug}?limit=1"))
            .await;
        assert_eq!(status, StatusCode::OK, "{slug}: {list}");
        let api_version = if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        };
        let resource = kube::discovery::ApiResource {
            group: group.into(),
            version: version.into(),
            api_version,
            kind: kind["kind"].as_str().unwrap().into(),
            plural: plural.into(),
        };
        let theirs = Api::<DynamicObject>::all_with(f.kube.clone(), &resource)
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len();
        assert_eq!(list["total"].as_u64().unwrap() as usize, theirs, "{slug}");
    }
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_comes_without_managed_fields_and_with_its_events_and_relations() {
    let f = serve().await;
    let (status, pod) = f
        .json("/api/v1/clusters/sim/resources/pods/demo/myapp-pod")
        .await;
    assert_eq!(status, StatusCode::OK, "{pod}");
    let theirs: Value = serde_json::to_value(
        Api::<DynamicObject>::namespaced_with(
            f.kube.clone(),
            "demo",
            &kube::discovery::ApiResource::erase::<k8s_openapi::api::core::v1::Pod>(&()),
        )
        .get("myapp-pod")
        .await
        .unwrap(),
    )
    .unwrap();
    let mut expected = theirs.clone();
    expected["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("managedFields");
    let ours = &pod["object"];
    assert!(ours["metadata"].get("managedFields").is_none());
    assert_eq!(ours["metadata"]["name"], expected["metadata"]["name"]);
    assert_eq!(ours["spec"], expected["spec"]);
    let init: Vec<&str> = ours["spec"]["initContainers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(init, ["init-myservice", "init-mydb"]);
    assert!(pod["yaml"].as_str().unwrap().contains("init-myservice"));
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_value_leaves_the_server() {
    let f = serve().await;
    let value = "hunter2-very-secret-value";
    let secret: Secret = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db-password", "namespace": "demo"},
        "stringData": {"password": value}
    }))
    .unwrap();
    Api::<Secret>::namespaced(f.kube.clone(), "demo")
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    let encoded = "aHVudGVyMi12ZXJ5LXNlY3JldC12YWx1ZQ";
    let mut seen = false;
    for path in [
        "/api/v1/clusters/sim/resources/secrets?namespace=demo",
        "/api/v1/clusters/sim/resources/secrets/demo/db-password",
        "/api/v1/clusters/sim/overview",
        "/api/v1/clusters/sim/resources/events",
        "/c/sim/k/secrets?namespace=demo",
        "/c/sim/k/secrets/demo/db-password",
        "/c/sim/overview",
        "/c/sim/k/events",
        "/c/sim/kinds",
    ] {
        let response = send(&f.app, get(path, Some(&f.cookie))).await;
        let text = body_text(response).await;
        seen |= text.contains("db-password");
        if path.ends_with("/db-password") {
            assert!(
                text.contains("redacted: 25 bytes"),
                "{path} shows the size: {text}"
            );
        }
        assert!(
            !text.contains(value) && !text.contains(encoded),
            "{path} leaks the value: {text}"
        );
    }
    assert!(seen, "the secret itself is listed");
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_kubernetes_status_objects() {
    let f = serve().await;
    let (status, body) = f
        .json("/api/v1/clusters/sim/resources/nonsense.example.com")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["kind"], "Status");
    let (status, body) = f
        .json("/api/v1/clusters/sim/resources/pods?selector=app%3D%3Cb%3E")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("invalid label selector")
    );
    let (status, body) = f.json("/api/v1/clusters/nowhere/resources/pods").await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (StatusCode::NOT_FOUND, Some("NotFound"))
    );
    let (status, _) = f
        .json("/api/v1/clusters/sim/resources/pods/demo/no-such-pod")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    f.sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_one_watch_per_kind() {
    let f = serve().await;
    let _ = f.json("/api/v1/clusters/sim/resources/pods").await;
    let response = send(&f.app, get("/metrics", Some(&f.cookie))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = body_text(response).await;
    assert!(
        text.contains("pilothouse_watches{cluster=\"sim\",kind=\"pods\"} 1"),
        "{text}"
    );
    assert!(text.contains("pilothouse_cluster_connected{cluster=\"sim\"} 1"));
    f.sim.shutdown().await;
}
