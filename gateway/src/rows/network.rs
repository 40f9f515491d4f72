//! Service, Endpoints, EndpointSlice and Ingress, as `kubectl get` prints
//! them (upstream `printService`, `getServiceExternalIP`, `makePortString`,
//! `printEndpoints`, `formatEndpoints`, `printEndpointSlice`,
//! `printIngress`). A Service keeps its selector, so "which pods does this
//! select" needs no fetch.

use serde_json::Value;

use super::fields::{
    builtin_columns, clip, int_of, list_of, list_with_more, or_none, str_of, string_map, text_cell,
};
use crate::row::{Column, Health, Row, Wiring};

/// kubectl lists every port of a Service; a row stops at this many (then
/// `+ N more...`), so a hostile object cannot make it large.
const MAX_PORTS: usize = 16;
/// An EndpointSlice holds at most 1,000 endpoints (upstream's validation);
/// a row keeps the pods of that many.
const MAX_SLICE_PODS: usize = 1_000;
/// An Ingress's hosts and backend Services a row keeps for diagrams.
const MAX_INGRESS_LINKS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
}

impl Network {
    pub fn of(group: &str, kind: &str) -> Option<Self> {
        Some(match (group, kind) {
            ("", "Service") => Self::Service,
            ("", "Endpoints") => Self::Endpoints,
            ("discovery.k8s.io", "EndpointSlice") => Self::EndpointSlice,
            ("networking.k8s.io", "Ingress") => Self::Ingress,
            _ => return None,
        })
    }

    pub fn columns(self) -> Vec<Column> {
        builtin_columns(match self {
            Self::Service => &[
                ("type", false),
                ("cluster_ip", false),
                ("external_ip", false),
                ("ports", false),
            ],
            Self::Endpoints => &[("endpoints", false)],
            Self::EndpointSlice => &[
                ("address_type", false),
                ("ports", false),
                ("endpoints", false),
            ],
            Self::Ingress => &[
                ("class", false),
                ("hosts", false),
                ("address", false),
                ("ports", false),
            ],
        })
    }

    pub fn project(self, object: &Value, row: &mut Row) {
        match self {
            Self::Service => service(object, row),
            Self::Endpoints => endpoints(object, row),
            Self::EndpointSlice => endpoint_slice(object, row),
            Self::Ingress => ingress(object, row),
        }
    }
}

fn service(service: &Value, row: &mut Row) {
    let spec = &service["spec"];
    let type_ = match str_of(&spec["type"]) {
        "" => "ClusterIP",
        t => t,
    };
    let cluster_ip = match str_of(&spec["clusterIPs"][0]) {
        "" => str_of(&spec["clusterIP"]),
        ip => ip,
    };
    let external = external_ip(service, type_);
    let ports = list_of(&spec["ports"]).iter().map(|p| {
        let protocol = match str_of(&p["protocol"]) {
            "" => "TCP",
            protocol => protocol,
        };
        match p["nodePort"].as_i64().filter(|n| *n > 0) {
            Some(node_port) => format!("{}:{node_port}/{protocol}", int_of(&p["port"])),
            None => format!("{}/{protocol}", int_of(&p["port"])),
        }
    });
    row.cells = vec![
        text_cell(type_),
        or_none(cluster_ip),
        text_cell(&external),
        text_cell(&list_with_more(ports, MAX_PORTS, "<none>")),
    ];
    row.status = clip(type_);
    row.health = if external == "<pending>" {
        Health::Progressing
    } else {
        Health::Neutral
    };
    row.selector = string_map(&spec["selector"]);
    row.wiring = Some(Box::new(Wiring::Service {
        type_: clip(type_),
        cluster_ip: clip(cluster_ip),
        ports: list_of(&spec["ports"])
            .iter()
            .take(MAX_PORTS)
            .map(|p| {
                let protocol = match str_of(&p["protocol"]) {
                    "" => "TCP",
                    protocol => protocol,
                };
                (int_of(&p["port"]) as i32, clip(protocol))
            })
            .collect(),
    }));
}

/// EXTERNAL-IP: external IPs, the load balancer's addresses, `<pending>`
/// while a LoadBalancer waits for one, the name of an ExternalName.
fn external_ip(service: &Value, type_: &str) -> String {
    let spec = &service["spec"];
    let external: Vec<&str> = list_of(&spec["externalIPs"]).iter().map(str_of).collect();
    match type_ {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".into(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let mut all = load_balancer(&service["status"]["loadBalancer"]);
            all.extend(external.iter().map(|s| s.to_string()));
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => str_of(&spec["externalName"]).to_owned(),
        _ => "<unknown>".into(),
    }
}

/// The IPs (or host names) of a `status.loadBalancer`.
fn load_balancer(status: &Value) -> Vec<String> {
    list_of(&status["ingress"])
        .iter()
        .map(|i| match str_of(&i["ip"]) {
            "" => str_of(&i["hostname"]).to_owned(),
            ip => ip.to_owned(),
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// `ip:port` (`[ip]:port` for IPv6), as Go's `net.JoinHostPort`.
fn host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn endpoints(endpoints: &Value, row: &mut Row) {
    let mut addresses = Vec::new();
    for subset in list_of(&endpoints["subsets"]) {
        let ips = list_of(&subset["addresses"])
            .iter()
            .map(|a| str_of(&a["ip"]));
        match list_of(&subset["ports"]) {
            [] => addresses.extend(ips.map(str::to_owned)),
            ports => {
                for port in ports {
                    addresses.extend(ips.clone().map(|ip| host_port(ip, int_of(&port["port"]))));
                }
            }
        }
    }
    let subsets = list_of(&endpoints["subsets"]);
    let unready = subsets
        .iter()
        .any(|s| !list_of(&s["notReadyAddresses"]).is_empty());
    // Pods behind the Service, none of them ready: it serves nothing.
    row.health = match (addresses.is_empty(), unready) {
        (true, true) => Health::Warning,
        (empty, _) => ready_health(!empty),
    };
    // Upstream prints <none> only without subsets; empty ones print "".
    let empty = if subsets.is_empty() { "<none>" } else { "" };
    row.cells = vec![text_cell(&list_with_more(&addresses, 3, empty))];
}

fn endpoint_slice(slice: &Value, row: &mut Row) {
    let ports =
        list_of(&slice["ports"])
            .iter()
            .map(|p| match (p["port"].as_i64(), str_of(&p["name"])) {
                (Some(port), _) => port.to_string(),
                (None, "") => "*".to_owned(),
                (None, name) => name.to_owned(),
            });
    let addresses: Vec<&str> = list_of(&slice["endpoints"])
        .iter()
        .flat_map(|e| list_of(&e["addresses"]).iter().map(str_of))
        .collect();
    row.health = ready_health(!addresses.is_empty());
    let endpoints = list_of(&slice["endpoints"]);
    row.wiring = Some(Box::new(Wiring::EndpointSlice {
        endpoints: endpoints.len(),
        pods: endpoints
            .iter()
            .map(|e| &e["targetRef"])
            .filter(|t| str_of(&t["kind"]) == "Pod")
            .map(|t| clip(str_of(&t["name"])))
            .filter(|name| !name.is_empty())
            .take(MAX_SLICE_PODS)
            .collect(),
    }));
    row.cells = vec![
        text_cell(str_of(&slice["addressType"])),
        text_cell(&list_with_more(ports, 3, "<unset>")),
        text_cell(&list_with_more(&addresses, 3, "<unset>")),
    ];
}

/// Endpoints with addresses serve; without, the Service has no backends,
/// which is often on purpose (scaled to zero), so it is not an error.
fn ready_health(any: bool) -> Health {
    if any { Health::Ok } else { Health::Neutral }
}

fn ingress(ingress: &Value, row: &mut Row) {
    let spec = &ingress["spec"];
    let address = load_balancer(&ingress["status"]["loadBalancer"]).join(",");
    let ports = if list_of(&spec["tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    row.cells = vec![
        or_none(str_of(&spec["ingressClassName"])),
        text_cell(&hosts(list_of(&spec["rules"]))),
        text_cell(&address),
        text_cell(ports),
    ];
    row.health = if address.is_empty() {
        Health::Progressing
    } else {
        Health::Ok
    };
    row.wiring = Some(Box::new(ingress_wiring(spec)));
}

/// An Ingress's hosts, and the Services its default backend and rules
/// route to, each once.
fn ingress_wiring(spec: &Value) -> Wiring {
    let rules = list_of(&spec["rules"]);
    let mut services: Vec<String> = Vec::new();
    let backends = std::iter::once(&spec["defaultBackend"]).chain(
        rules
            .iter()
            .flat_map(|r| list_of(&r["http"]["paths"]))
            .map(|p| &p["backend"]),
    );
    for name in backends.map(|b| str_of(&b["service"]["name"])) {
        if !name.is_empty()
            && services.len() < MAX_INGRESS_LINKS
            && !services.iter().any(|s| s == name)
        {
            services.push(clip(name));
        }
    }
    Wiring::Ingress {
        hosts: rules
            .iter()
            .map(|r| str_of(&r["host"]))
            .filter(|h| !h.is_empty())
            .take(MAX_INGRESS_LINKS)
            .map(clip)
            .collect(),
        services,
    }
}

/// HOSTS: the first three hosts of the rules; the `+ N more...` counts
/// every rule past the third, host or not (upstream `formatHosts`).
fn hosts(rules: &[Value]) -> String {
    const MAX: usize = 3;
    let mut shown = Vec::new();
    let mut more = false;
    for rule in rules {
        if shown.len() == MAX {
            more = true;
            break;
        }
        match str_of(&rule["host"]) {
            "" => {}
            host => shown.push(clip(host)),
        }
    }
    match (shown.is_empty(), more) {
        (true, _) => "*".to_owned(),
        (false, true) => format!("{} + {} more...", shown.join(","), rules.len() - MAX),
        (false, false) => shown.join(","),
    }
}
