//! kubectl's typed-clientset commands, which send protobuf request bodies
//! (`kubectl create namespace/deployment/configmap/secret/job`), create the
//! same objects as the JSON route (`--dry-run=client -o json` then
//! `create -f`, which sends JSON); `expose` and `run` (JSON today, protobuf
//! if kubectl switches them) are held to the same comparison. `kubectl
//! drain --disable-eviction` deletes with protobuf `DeleteOptions`. A
//! malformed protobuf body gets a 400 Status.

mod common;

use serde_json::{Map, Value, json};

/// What a create is compared on: labels and annotations, and the object's
/// content (spec, data, type), without what differs between any two
/// objects (generated IPs, node placement, the Job's controller uid
/// labels) and without `null`s, which the JSON route sends for unset times
/// (`creationTimestamp: null`) and the protobuf route cannot.
fn comparable(object: &Value) -> Value {
    let mut out = Map::new();
    for key in [
        "spec",
        "data",
        "stringData",
        "binaryData",
        "type",
        "immutable",
    ] {
        if let Some(v) = object.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for key in ["labels", "annotations"] {
        if let Some(v) = object["metadata"].get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let mut v = Value::Object(out);
    scrub(&mut v);
    v
}

/// Removes per-object values and nulls, recursively.
fn scrub(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, v| {
                !v.is_null()
                    && !k.contains("controller-uid")
                    && !matches!(k.as_str(), "clusterIP" | "clusterIPs" | "nodeName")
            });
            map.values_mut().for_each(scrub);
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// Runs `kubectl ARGS` in namespace `default` (the command under test),
/// and the JSON route of the same command in namespace `twin`; returns both
/// stored objects (`kind`/`name`) as `kubectl get -o json` prints them.
async fn both_routes(sim: &common::TestSim, args: &[&str], object: &str) -> (Value, Value) {
    sim.kubectl_ok(&with_flags(args, &["-n", "default"])).await;
    let dry = with_flags(args, &["-n", "twin", "--dry-run=client", "-o", "json"]);
    let manifest = sim.kubectl_ok(&dry).await;
    let file = sim.write(&format!("{}.json", object.replace('/', "-")), &manifest);
    sim.kubectl_ok(&["create", "-f", &file]).await;

    let got = sim.kubectl_json(&["get", object, "-n", "default"]).await;
    let twin = sim.kubectl_json(&["get", object, "-n", "twin"]).await;
    (got, twin)
}

/// `args` with `flags` put before a `--` (after which all is the
/// container's command).
fn with_flags<'a>(args: &[&'a str], flags: &[&'a str]) -> Vec<&'a str> {
    let at = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    let mut all = args[..at].to_vec();
    all.extend(flags);
    all.extend(&args[at..]);
    all
}

/// Asserts that the two routes stored the same object.
fn same(what: &str, got: &Value, twin: &Value) {
    assert_eq!(
        comparable(got),
        comparable(twin),
        "{what}: the protobuf create (left) differs from the JSON create (right)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_creates_match_json_creates() {
    let sim = common::start().await;
    assert_eq!(
        sim.kubectl_ok(&["create", "namespace", "twin"])
            .await
            .trim(),
        "namespace/twin created"
    );
    let ns = sim.kubectl_json(&["get", "namespace", "twin"]).await;
    assert_eq!(ns["metadata"]["name"], "twin");
    assert_eq!(ns["status"]["phase"], "Active");

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "--replicas=3",
            "--port=80",
        ],
        "deployment/web",
    )
    .await;
    same("deployment", &got, &twin);
    let spec = &got["spec"];
    assert_eq!(spec["replicas"], 3);
    assert_eq!(spec["selector"], json!({"matchLabels": {"app": "web"}}));
    assert_eq!(got["metadata"]["labels"], json!({"app": "web"}));
    let container = &spec["template"]["spec"]["containers"][0];
    assert_eq!(container["name"], "nginx");
    assert_eq!(container["image"], "nginx:1.27");
    assert_eq!(
        container["ports"],
        json!([{"containerPort": 80, "protocol": "TCP"}])
    );

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "configmap",
            "settings",
            "--from-literal=a=b",
            "--from-literal=empty=",
        ],
        "configmap/settings",
    )
    .await;
    same("configmap", &got, &twin);
    assert_eq!(got["data"], json!({"a": "b", "empty": ""}));

    let (got, twin) = both_routes(
        &sim,
        &["create", "secret", "generic", "creds", "--from-literal=a=b"],
        "secret/creds",
    )
    .await;
    same("secret", &got, &twin);
    assert_eq!(got["data"], json!({"a": "Yg=="}));
    assert_eq!(got["type"], "Opaque");

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "job",
            "once",
            "--image=busybox:1.36",
            "--",
            "echo",
            "hi",
        ],
        "job/once",
    )
    .await;
    same("job", &got, &twin);
    let pod = &got["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["image"], "busybox:1.36");
    assert_eq!(pod["containers"][0]["command"], json!(["echo", "hi"]));
    assert_eq!(pod["restartPolicy"], "Never");

    // `expose` reads the deployment of each namespace.
    let (got, twin) = both_routes(
        &sim,
        &[
            "expose",
            "deployment",
            "web",
            "--port=8080",
            "--target-port=80",
        ],
        "service/web",
    )
    .await;
    same("service", &got, &twin);
    assert_eq!(got["spec"]["selector"], json!({"app": "web"}));
    assert_eq!(
        got["spec"]["ports"],
        json!([{"port": 8080, "protocol": "TCP", "targetPort": 80}])
    );

    let (got, twin) = both_routes(
        &sim,
        &[
            "run",
            "solo",
            "--image=busybox:1.36",
            "--labels=role=solo",
            "--",
            "sleep",
            "3600",
        ],
        "pod/solo",
    )
    .await;
    same("pod", &got, &twin);
    assert_eq!(got["metadata"]["labels"], json!({"role": "solo"}));
    assert_eq!(
        got["spec"]["containers"][0]["args"],
        json!(["sleep", "3600"])
    );
}

/// The other generators of `kubectl create` that go through the typed
/// clientset, with the zero values a pointer field keeps (`minAvailable: 0`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_typed_creates_match_json_creates() {
    let sim = common::start().await;
    sim.kubectl_ok(&["create", "namespace", "twin"]).await;

    let (got, twin) = both_routes(&sim, &["create", "serviceaccount", "robot"], "sa/robot").await;
    same("serviceaccount", &got, &twin);

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "role",
            "reader",
            "--verb=get,list",
            "--resource=pods,deployments.apps",
        ],
        "role/reader",
    )
    .await;
    same("role", &got, &twin);
    assert_eq!(
        got["rules"],
        json!([
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}
        ])
    );

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "rolebinding",
            "readers",
            "--role=reader",
            "--user=ann",
            "--serviceaccount=twin:robot",
        ],
        "rolebinding/readers",
    )
    .await;
    same("rolebinding", &got, &twin);
    assert_eq!(
        got["roleRef"],
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"})
    );

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "cronjob",
            "tick",
            "--image=busybox:1.36",
            "--schedule=*/5 * * * *",
            "--",
            "date",
        ],
        "cronjob/tick",
    )
    .await;
    same("cronjob", &got, &twin);
    assert_eq!(got["spec"]["schedule"], "*/5 * * * *");
    let container = &got["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["command"], json!(["date"]));

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "ingress",
            "front",
            "--rule=example.com/api*=web:8080",
        ],
        "ingress/front",
    )
    .await;
    same("ingress", &got, &twin);
    let path = &got["spec"]["rules"][0]["http"]["paths"][0];
    assert_eq!(path["pathType"], "Prefix");
    assert_eq!(
        path["backend"]["service"],
        json!({"name": "web", "port": {"number": 8080}})
    );

    let (got, twin) = both_routes(
        &sim,
        &[
            "create",
            "poddisruptionbudget",
            "keep",
            "--selector=app=web",
            "--min-available=0",
        ],
        "pdb/keep",
    )
    .await;
    same("poddisruptionbudget", &got, &twin);
    assert_eq!(got["spec"]["minAvailable"], 0);
}

/// `kubectl drain --disable-eviction` deletes each pod with a protobuf
/// `DeleteOptions` body (`gracePeriodSeconds: 0` here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_without_eviction_deletes_with_protobuf_options() {
    let sim = common::start().await;
    let victim = common::eventually(
        "a pod of a controller other than a DaemonSet on worker-2",
        || {
            let sim = &sim;
            async move { pods_on_worker_2(sim).await.into_iter().next() }
        },
    )
    .await;
    let out = sim
        .kubectl_ok(&[
            "drain",
            "worker-2",
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            "--force",
            "--disable-eviction",
            "--grace-period=0",
            "--timeout=80s",
        ])
        .await;
    assert!(out.contains(&format!("pod/{victim} deleted")), "{out}");
    assert!(out.contains("node/worker-2 drained"), "{out}");
    let left = pods_on_worker_2(&sim).await;
    assert!(left.is_empty(), "pods left on worker-2: {left:?}");
}

/// Names of the pods on worker-2 that drain deletes (all but DaemonSets').
async fn pods_on_worker_2(sim: &common::TestSim) -> Vec<String> {
    let list = sim
        .kubectl_json(&[
            "get",
            "pods",
            "-A",
            "--field-selector=spec.nodeName=worker-2",
        ])
        .await;
    list["items"]
        .as_array()
        .expect("a pod list")
        .iter()
        .filter(|p| p["metadata"]["ownerReferences"][0]["kind"] != "DaemonSet")
        .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_protobuf_body_gets_a_400_status() {
    let sim = common::start().await;
    let client = sim.client().await;
    let bodies: [&[u8]; 3] = [
        b"\x00\x01garbage",
        b"k8s\0\xff\xff\xff\xff",
        // An envelope naming a ConfigMap whose raw bytes are cut short.
        b"k8s\0\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12\x04\x0a\x05\x0a\x01",
    ];
    for body in bodies {
        let req = http::Request::builder()
            .method("POST")
            .uri("/api/v1/namespaces/default/configmaps")
            .header("Content-Type", "application/vnd.kubernetes.protobuf")
            .body(body.to_vec())
            .expect("request");
        match client.request::<Value>(req).await {
            Err(kube::Error::Api(status)) => {
                assert_eq!(status.code, 400, "{status:?}");
                assert_eq!(status.reason, "BadRequest", "{status:?}");
                assert!(status.message.contains("protobuf"), "{status:?}");
            }
            other => panic!("{body:?}: expected a 400 Status, got {other:?}"),
        }
    }
    // The simulator still serves.
    sim.kubectl_ok(&["get", "configmaps", "-n", "default"])
        .await;
}
