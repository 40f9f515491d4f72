//! Bodies built from the descriptors (as kubectl's encoder writes them:
//! non-pointer fields always, zero or not), decoded back to JSON.

use prost::Message;
use prost_reflect::DynamicMessage;
use serde_json::{Value, json};

use super::{ProtobufError, decode, descriptors, envelope};

/// The protobuf encoding of `object` (proto3 JSON mapping of the vendored
/// descriptors) as the message of `kind` in `api_version`.
fn raw(api_version: &str, kind: &str, object: Value) -> Vec<u8> {
    let desc = descriptors::message_for(api_version, kind).expect("a known kind");
    DynamicMessage::deserialize(desc, object)
        .expect("the test object fits the message")
        .encode_to_vec()
}

/// A whole body: magic, envelope, object.
fn body(api_version: &str, kind: &str, object: Value) -> Vec<u8> {
    let raw = raw(api_version, kind, object);
    let unknown = DynamicMessage::deserialize(
        descriptors::unknown(),
        json!({
            "typeMeta": {"apiVersion": api_version, "kind": kind},
            "raw": base64_of(&raw),
        }),
    )
    .expect("an envelope");
    let mut out = envelope::MAGIC.to_vec();
    out.extend(unknown.encode_to_vec());
    out
}

fn base64_of(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[test]
fn a_deployment_reads_as_its_json() {
    let b = body(
        "apps/v1",
        "Deployment",
        json!({
            "metadata": {"name": "web", "namespace": "", "generateName": "", "labels": {"app": "web"},
                          "creationTimestamp": {}, "generation": 0},
            "spec": {
                "replicas": 0,
                "minReadySeconds": 0,
                "paused": false,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": ""},
                "template": {
                    "metadata": {"labels": {"app": "web"}, "creationTimestamp": {}},
                    "spec": {
                        "hostNetwork": false,
                        "containers": [{"name": "nginx", "image": "nginx:1.27", "stdin": false,
                                        "resources": {}, "ports": [{"containerPort": 80, "hostPort": 0}]}]
                    }
                }
            },
            "status": {}
        }),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(
        got,
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {
                "replicas": 0,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27", "resources": {},
                                             "ports": [{"containerPort": 80}]}]}
                }
            },
            "status": {}
        })
    );
}

#[test]
fn secret_bytes_are_base64_and_empty_values_stay() {
    let b = body(
        "v1",
        "Secret",
        json!({"metadata": {"name": "s"}, "data": {"a": base64_of(b"b"), "e": ""},
               "stringData": {"x": ""}, "type": "Opaque"}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["data"], json!({"a": "Yg==", "e": ""}));
    assert_eq!(got["stringData"], json!({"x": ""}));
    assert_eq!(got["type"], "Opaque");
}

#[test]
fn int_or_string_quantities_and_times() {
    let b = body(
        "v1",
        "Service",
        json!({"metadata": {"name": "s", "creationTimestamp": {"seconds": 1700000000}},
               "spec": {"ports": [
                   {"port": 80, "targetPort": {"type": 0, "intVal": 8080}},
                   {"port": 81, "targetPort": {"type": 1, "strVal": "http"}}]}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["metadata"]["creationTimestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(got["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(got["spec"]["ports"][1]["targetPort"], "http");

    let b = body(
        "v1",
        "Pod",
        json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "resources": {
            "limits": {"cpu": {"string": "500m"}, "memory": {"string": "1Gi"}}}}]}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(
        got["spec"]["containers"][0]["resources"]["limits"],
        json!({"cpu": "500m", "memory": "1Gi"})
    );

    let b = body(
        "coordination.k8s.io/v1",
        "Lease",
        json!({"metadata": {"name": "l"}, "spec": {"renewTime": {"seconds": 1700000000, "nanos": 123456000}}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["spec"]["renewTime"], "2023-11-14T22:13:20.123456Z");
}

#[test]
fn an_eviction_keeps_a_zero_grace_period() {
    let b = body(
        "policy/v1",
        "Eviction",
        json!({"metadata": {"name": "p", "namespace": "default"},
               "deleteOptions": {"gracePeriodSeconds": 0, "dryRun": []}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(
        got,
        json!({"apiVersion": "policy/v1", "kind": "Eviction",
               "metadata": {"name": "p", "namespace": "default"},
               "deleteOptions": {"gracePeriodSeconds": 0}})
    );
}

#[test]
fn delete_options_are_found_from_any_group_version() {
    let b = body(
        "v1",
        "DeleteOptions",
        json!({"propagationPolicy": "Background"}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["propagationPolicy"], "Background");
    assert_eq!(got["kind"], "DeleteOptions");
}

#[test]
fn review_kinds_of_kubectl_auth() {
    let b = body(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        json!({"metadata": {}, "spec": {"resourceAttributes": {"namespace": "default", "verb": "create",
               "resource": "pods", "group": ""}}, "status": {"allowed": false}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(
        got["spec"],
        json!({"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}})
    );
    let b = body(
        "authentication.k8s.io/v1",
        "SelfSubjectReview",
        json!({"metadata": {}, "status": {"userInfo": {"username": "u", "extra": {"k": {"items": ["a", "b"]}}}}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["status"]["userInfo"]["extra"], json!({"k": ["a", "b"]}));
}

#[test]
fn raw_extensions_hold_json_or_nested_objects() {
    let nested = body(
        "v1",
        "ConfigMap",
        json!({"metadata": {"name": "c"}, "data": {"a": "b"}}),
    );
    let b = body(
        "apps/v1",
        "ControllerRevision",
        json!({"metadata": {"name": "r"}, "data": {"raw": base64_of(br#"{"spec":{"x":1}}"#)}, "revision": 3}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["data"], json!({"spec": {"x": 1}}));
    assert_eq!(got["revision"], 3);
    let b = body(
        "apps/v1",
        "ControllerRevision",
        json!({"metadata": {"name": "r"}, "data": {"raw": base64_of(&nested)}}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(got["data"]["kind"], "ConfigMap");
    assert_eq!(got["data"]["data"], json!({"a": "b"}));
}

#[test]
fn an_envelope_without_type_takes_the_default() {
    let raw = raw("v1", "ConfigMap", json!({"metadata": {"name": "c"}}));
    let unknown =
        DynamicMessage::deserialize(descriptors::unknown(), json!({"raw": base64_of(&raw)}))
            .expect("an envelope");
    let mut b = envelope::MAGIC.to_vec();
    b.extend(unknown.encode_to_vec());
    let got = decode(&b, ("v1", "ConfigMap")).expect("decodes");
    assert_eq!(
        got,
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    );
}

#[test]
fn malformed_bodies_are_errors() {
    assert!(matches!(
        decode(b"", ("v1", "Pod")),
        Err(ProtobufError::NoMagic(0))
    ));
    assert!(matches!(
        decode(b"{\"kind\":1}", ("v1", "Pod")),
        Err(ProtobufError::NoMagic(_))
    ));
    assert!(matches!(
        decode(b"k8s\0\xff\xff\xff", ("v1", "Pod")),
        Err(ProtobufError::Envelope(_))
    ));
    let mut b = body("v1", "ConfigMap", json!({"metadata": {"name": "c"}}));
    b.truncate(b.len() - 3);
    assert!(decode(&b, ("", "")).is_err());
    let b = body("v1", "ConfigMap", json!({}));
    let b = String::from_utf8_lossy(&b).replace("ConfigMap", "ConfigMaq");
    assert!(matches!(
        decode(b.as_bytes(), ("", "")),
        Err(ProtobufError::UnknownKind { .. })
    ));
}

#[test]
fn random_bytes_never_panic() {
    let good = body(
        "apps/v1",
        "Deployment",
        json!({"metadata": {"name": "web", "labels": {"a": "b"}},
               "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}}),
    );
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..5_000 {
        let mut b = good.clone();
        for _ in 0..(next() % 4 + 1) {
            let i = 4 + (next() as usize) % (b.len() - 4);
            b[i] = next() as u8;
        }
        let _ = decode(&b, ("apps/v1", "Deployment"));
        let n = (next() as usize) % 64;
        let mut junk = envelope::MAGIC.to_vec();
        junk.extend((0..n).map(|_| next() as u8));
        let _ = decode(&junk, ("apps/v1", "Deployment"));
    }
}

#[test]
fn embedded_structs_are_inline() {
    let b = body(
        "v1",
        "Pod",
        json!({"metadata": {"name": "p"}, "spec": {
            "volumes": [{"name": "cfg", "volumeSource": {"configMap": {
                "localObjectReference": {"name": "settings"}, "defaultMode": 420}}}],
            "containers": [{
                "name": "c",
                "env": [{"name": "A", "valueFrom": {"secretKeyRef": {
                    "localObjectReference": {"name": "creds"}, "key": "a"}}}],
                "readinessProbe": {"handler": {"httpGet": {"path": "/", "port": {"type": 1, "strVal": "http"}}},
                                   "periodSeconds": 5}
            }]
        }}),
    );
    let got = decode(&b, ("", "")).expect("decodes");
    assert_eq!(
        got["spec"]["volumes"],
        json!([{"name": "cfg", "configMap": {"name": "settings", "defaultMode": 420}}])
    );
    let c = &got["spec"]["containers"][0];
    assert_eq!(
        c["env"],
        json!([{"name": "A", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "a"}}}])
    );
    assert_eq!(
        c["readinessProbe"],
        json!({"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 5})
    );
}
