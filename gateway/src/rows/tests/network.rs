//! Services, Endpoints, EndpointSlices and Ingresses.

use serde_json::{Value, json};

use super::project_as;
use crate::row::{Health, Row};

fn texts(row: &Row) -> Vec<&str> {
    row.cells.iter().map(|c| c.text.as_str()).collect()
}

fn service(spec: Value, status: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "web", "namespace": "shop", "uid": "s-1"},
           "spec": spec, "status": status})
}

#[test]
fn cluster_ip_service_with_selector() {
    let svc = service(
        json!({"type": "ClusterIP", "clusterIP": "10.96.12.7", "clusterIPs": ["10.96.12.7"],
               "selector": {"app": "web"},
               "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
                         {"name": "dns", "port": 53, "protocol": "UDP"}]}),
        json!({"loadBalancer": {}}),
    );
    let row = project_as("", "Service", &svc);
    assert_eq!(
        texts(&row),
        ["ClusterIP", "10.96.12.7", "<none>", "80/TCP,53/UDP"]
    );
    assert_eq!(row.selector.unwrap()["app"], "web");
    assert_eq!(row.health, Health::Neutral);
}

#[test]
fn node_port_load_balancer_and_external_name() {
    let lb = |ingress: Value| {
        service(
            json!({"type": "LoadBalancer", "clusterIP": "10.96.0.20",
                   "ports": [{"port": 443, "nodePort": 31443}]}),
            json!({"loadBalancer": {"ingress": ingress}}),
        )
    };
    let row = project_as("", "Service", &lb(json!([])));
    assert_eq!(
        texts(&row),
        ["LoadBalancer", "10.96.0.20", "<pending>", "443:31443/TCP"]
    );
    assert_eq!(row.health, Health::Progressing);
    let row = project_as(
        "",
        "Service",
        &lb(json!([{"ip": "203.0.113.9"}, {"hostname": "lb.example.com"}])),
    );
    assert_eq!(texts(&row)[2], "203.0.113.9,lb.example.com");

    let name = service(
        json!({"type": "ExternalName", "externalName": "db.example.com"}),
        json!({}),
    );
    assert_eq!(
        texts(&project_as("", "Service", &name)),
        ["ExternalName", "<none>", "db.example.com", "<none>"]
    );
    let node_port = service(
        json!({"type": "NodePort", "externalIPs": ["198.51.100.1"],
                                   "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}),
        json!({}),
    );
    assert_eq!(
        texts(&project_as("", "Service", &node_port))[2..],
        ["198.51.100.1", "80:30080/TCP"]
    );
}

#[test]
fn endpoints_list_three_then_more() {
    let ep = json!({"subsets": [
        {"addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.6"}], "ports": [{"port": 8080}, {"port": 9090}]},
        {"addresses": [{"ip": "fd00::7"}], "ports": [{"port": 8080}]}
    ]});
    let row = project_as("", "Endpoints", &ep);
    assert_eq!(
        texts(&row),
        ["10.244.1.5:8080,10.244.2.6:8080,10.244.1.5:9090 + 2 more..."]
    );
    assert_eq!(row.health, Health::Ok);
    let headless = json!({"subsets": [{"addresses": [{"ip": "fd00::7"}]}]});
    assert_eq!(texts(&project_as("", "Endpoints", &headless)), ["fd00::7"]);
    let v6 = json!({"subsets": [{"addresses": [{"ip": "fd00::7"}], "ports": [{"port": 80}]}]});
    assert_eq!(texts(&project_as("", "Endpoints", &v6)), ["[fd00::7]:80"]);
    let unready = json!({"subsets": [{"notReadyAddresses": [{"ip": "10.244.1.5"}], "ports": [{"port": 80}]}]});
    let row = project_as("", "Endpoints", &unready);
    assert_eq!((texts(&row), row.health), (vec![""], Health::Warning));
    let none = project_as("", "Endpoints", &json!({"subsets": []}));
    assert_eq!(
        (texts(&none), none.health),
        (vec!["<none>"], Health::Neutral)
    );
}

#[test]
fn endpoint_slices() {
    let slice = json!({"addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "all"}, {}],
        "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": true}},
                      {"addresses": ["10.244.2.6"], "conditions": {"ready": true}}]});
    let row = project_as("discovery.k8s.io", "EndpointSlice", &slice);
    assert_eq!(texts(&row), ["IPv4", "8080,all,*", "10.244.1.5,10.244.2.6"]);
    let empty = project_as(
        "discovery.k8s.io",
        "EndpointSlice",
        &json!({"addressType": "IPv6"}),
    );
    assert_eq!(texts(&empty), ["IPv6", "<unset>", "<unset>"]);
}

#[test]
fn ingresses() {
    let ing = json!({
        "spec": {"ingressClassName": "nginx",
                 "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                 "rules": [{"host": "shop.example.com"}, {"host": "api.example.com"}, {"http": {}},
                           {"host": "a.example.com"}, {"host": "b.example.com"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}
    });
    let row = project_as("networking.k8s.io", "Ingress", &ing);
    assert_eq!(
        texts(&row),
        [
            "nginx",
            "shop.example.com,api.example.com,a.example.com + 2 more...",
            "203.0.113.10",
            "80, 443"
        ]
    );
    assert_eq!(row.health, Health::Ok);
    let bare = project_as("networking.k8s.io", "Ingress", &json!({"spec": {}}));
    assert_eq!(texts(&bare), ["<none>", "*", "", "80"]);
}
