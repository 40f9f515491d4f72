//! Rows of the networking kinds: Service (ports like `80:30080/TCP`, external
//! IPs `<none>`/`<pending>`), Endpoints and EndpointSlice (at most three
//! entries, then `+ N more...`), Ingress and NetworkPolicy.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ColumnDefinition;
use super::cells::{
    age, age_column, column, int, items, list_with_more, name, name_column, text, wide_column,
};
use super::selectors::{format_label_selector, format_labels};

/// How many endpoints or hosts a cell lists before `+ N more...`.
const SHOWN: usize = 3;

pub(super) fn service_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Type",
            "string",
            "type determines how the Service is exposed.",
        ),
        column(
            "Cluster-IP",
            "string",
            "clusterIP is the IP address of the service and is usually assigned randomly.",
        ),
        column(
            "External-IP",
            "string",
            "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
        ),
        column(
            "Port(s)",
            "string",
            "The list of ports that are exposed by this service.",
        ),
        age_column(),
        wide_column(
            "Selector",
            "string",
            "Route service traffic to pods with label keys and values matching this selector.",
        ),
    ]
}

pub(super) fn service_cells(service: &Value, now: DateTime<Utc>) -> Vec<Value> {
    // The API server defaults the type to ClusterIP.
    let type_ = match text(service, "/spec/type") {
        "" => "ClusterIP",
        t => t,
    };
    let cluster_ip = [
        text(service, "/spec/clusterIPs/0"),
        text(service, "/spec/clusterIP"),
        "<none>",
    ]
    .into_iter()
    .find(|ip| !ip.is_empty())
    .unwrap_or_default();
    let ports: Vec<String> = items(service, "/spec/ports")
        .iter()
        .map(|p| {
            let protocol = match text(p, "/protocol") {
                "" => "TCP",
                protocol => protocol,
            };
            match int(p, "/nodePort") {
                node_port if node_port > 0 => format!("{}:{node_port}/{protocol}", int(p, "/port")),
                _ => format!("{}/{protocol}", int(p, "/port")),
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    };
    vec![
        name(service),
        Value::from(type_),
        Value::from(cluster_ip),
        Value::from(external_ip(service, type_)),
        Value::from(ports),
        age(service, now),
        Value::from(format_labels(&service["spec"]["selector"])),
    ]
}

/// getServiceExternalIP (wide): external IPs, load balancer ingress, or the
/// ExternalName.
fn external_ip(service: &Value, type_: &str) -> String {
    let external_ips: Vec<&str> = items(service, "/spec/externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    match type_ {
        "ClusterIP" | "NodePort" if external_ips.is_empty() => "<none>".into(),
        "ClusterIP" | "NodePort" => external_ips.join(","),
        "LoadBalancer" => {
            let mut all = load_balancer_ingress(&service["status"]["loadBalancer"]);
            all.extend(external_ips);
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => text(service, "/spec/externalName").to_string(),
        _ => "<unknown>".into(),
    }
}

/// IPs (or hostnames when there is no IP) of a load balancer status, once each.
fn load_balancer_ingress(status: &Value) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for ingress in items(status, "/ingress") {
        let entry = match text(ingress, "/ip") {
            "" => text(ingress, "/hostname"),
            ip => ip,
        };
        if !entry.is_empty() && !seen.contains(&entry) {
            seen.push(entry);
        }
    }
    seen
}

pub(super) fn endpoints_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Endpoints",
            "string",
            "The set of all endpoints is the union of all subsets.",
        ),
        age_column(),
    ]
}

pub(super) fn endpoints_cells(endpoints: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(endpoints),
        Value::from(format_endpoints(endpoints)),
        age(endpoints, now),
    ]
}

/// formatEndpoints: `ip:port` for each address and port, bare IPs for subsets
/// without ports, `<none>` without subsets.
fn format_endpoints(endpoints: &Value) -> String {
    let subsets = items(endpoints, "/subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    let mut shown: Vec<String> = Vec::new();
    let mut total = 0;
    for subset in subsets {
        let addresses = items(subset, "/addresses");
        let ports = items(subset, "/ports");
        if ports.is_empty() {
            total += addresses.len();
            shown.extend(
                addresses
                    .iter()
                    .map(|a| text(a, "/ip").to_string())
                    .take(SHOWN - shown.len()),
            );
            continue;
        }
        for port in ports {
            total += addresses.len();
            let port = int(port, "/port");
            shown.extend(
                addresses
                    .iter()
                    .map(|a| join_host_port(text(a, "/ip"), port))
                    .take(SHOWN - shown.len()),
            );
        }
    }
    let joined = shown.join(",");
    if total > shown.len() {
        format!("{joined} + {} more...", total - shown.len())
    } else {
        joined
    }
}

/// net.JoinHostPort: IPv6 hosts in brackets.
fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

pub(super) fn endpoint_slice_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "AddressType",
            "string",
            "addressType specifies the type of address carried by this EndpointSlice.",
        ),
        column(
            "Ports",
            "string",
            "ports specifies the list of network ports exposed by each endpoint in this slice.",
        ),
        column(
            "Endpoints",
            "string",
            "endpoints is a list of unique endpoints in this slice.",
        ),
        age_column(),
    ]
}

pub(super) fn endpoint_slice_cells(slice: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let all_ports = items(slice, "/ports");
    let ports: Vec<String> = all_ports
        .iter()
        .take(SHOWN)
        .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
            (Some(port), _) => port.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => "*".to_string(),
        })
        .collect();
    let addresses: Vec<&str> = items(slice, "/endpoints")
        .iter()
        .flat_map(|e| items(e, "/addresses"))
        .filter_map(Value::as_str)
        .collect();
    let shown: Vec<String> = addresses
        .iter()
        .take(SHOWN)
        .map(|a| a.to_string())
        .collect();
    vec![
        name(slice),
        Value::from(text(slice, "/addressType")),
        Value::from(list_with_more(&ports, all_ports.len())),
        Value::from(list_with_more(&shown, addresses.len())),
        age(slice, now),
    ]
}

pub(super) fn ingress_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Class",
            "string",
            "The name of the IngressClass resource that should be used for additional configuration",
        ),
        column(
            "Hosts",
            "string",
            "Hosts that incoming requests are matched against before the ingress rule",
        ),
        column(
            "Address",
            "string",
            "Address is a list containing ingress points for the load-balancer",
        ),
        column("Ports", "string", "Ports of TLS configurations that open"),
        age_column(),
    ]
}

pub(super) fn ingress_cells(ingress: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let class = ingress["spec"]["ingressClassName"]
        .as_str()
        .unwrap_or("<none>");
    let ports = if items(ingress, "/spec/tls").is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        name(ingress),
        Value::from(class),
        Value::from(format_hosts(items(ingress, "/spec/rules"))),
        Value::from(load_balancer_ingress(&ingress["status"]["loadBalancer"]).join(",")),
        Value::from(ports),
        age(ingress, now),
    ]
}

/// formatHosts: the first three rule hosts, `*` when no rule has one. Once
/// three are listed any further rule counts as more (upstream counts the
/// rules, not the hosts, in `+ N more...`).
fn format_hosts(rules: &[Value]) -> String {
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if hosts.len() == SHOWN {
            more = true;
            break;
        }
        let host = text(rule, "/host");
        if !host.is_empty() {
            hosts.push(host);
        }
    }
    if hosts.is_empty() {
        return "*".into();
    }
    let joined = hosts.join(",");
    if more {
        format!("{joined} + {} more...", rules.len() - SHOWN)
    } else {
        joined
    }
}

pub(super) fn network_policy_columns() -> Vec<ColumnDefinition> {
    vec![
        name_column(),
        column(
            "Pod-Selector",
            "string",
            "podSelector selects the pods to which this NetworkPolicy object applies.",
        ),
        age_column(),
    ]
}

pub(super) fn network_policy_cells(policy: &Value, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        name(policy),
        Value::from(format_label_selector(&policy["spec"]["podSelector"])),
        age(policy, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2025-01-01T12:00:00Z".parse().unwrap()
    }

    fn service(spec: Value, status: Value) -> Value {
        json!({"metadata": {"name": "web", "creationTimestamp": "2025-01-01T11:00:00Z"}, "spec": spec, "status": status})
    }

    #[test]
    fn cluster_ip_service_row() {
        let svc = service(
            json!({"type": "ClusterIP", "clusterIP": "10.96.12.34", "clusterIPs": ["10.96.12.34"],
                   "selector": {"app": "web"}, "ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}]}),
            json!({}),
        );
        assert_eq!(
            service_cells(&svc, now()),
            [
                json!("web"),
                json!("ClusterIP"),
                json!("10.96.12.34"),
                json!("<none>"),
                json!("80/TCP"),
                json!("60m"),
                json!("app=web")
            ]
        );
    }

    #[test]
    fn node_port_service_shows_node_ports() {
        let svc = service(
            json!({"type": "NodePort", "clusterIPs": ["10.96.0.20"], "externalIPs": ["192.0.2.10"],
                   "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "nodePort": 30053, "protocol": "UDP"}]}),
            json!({}),
        );
        let row = service_cells(&svc, now());
        assert_eq!(
            row[3..5],
            [json!("192.0.2.10"), json!("80:30080/TCP,53:30053/UDP")]
        );
        assert_eq!(row[6], json!("<none>"));
    }

    #[test]
    fn load_balancer_pending_then_assigned() {
        let spec = json!({"type": "LoadBalancer", "clusterIPs": ["10.96.0.30"], "ports": [{"port": 443, "nodePort": 31443}]});
        assert_eq!(
            service_cells(&service(spec.clone(), json!({})), now())[3],
            json!("<pending>")
        );
        let status = json!({"loadBalancer": {"ingress": [{"ip": "203.0.113.5"}, {"hostname": "lb.example.com"}, {"ip": "203.0.113.5"}]}});
        let row = service_cells(&service(spec, status), now());
        assert_eq!(
            row[3..5],
            [json!("203.0.113.5,lb.example.com"), json!("443:31443/TCP")]
        );
    }

    #[test]
    fn headless_and_external_name_services() {
        let headless = service(
            json!({"clusterIP": "None", "clusterIPs": ["None"], "ports": []}),
            json!({}),
        );
        let row = service_cells(&headless, now());
        assert_eq!(
            row[1..5],
            [
                json!("ClusterIP"),
                json!("None"),
                json!("<none>"),
                json!("<none>")
            ]
        );
        let external = service(
            json!({"type": "ExternalName", "externalName": "db.example.com"}),
            json!({}),
        );
        let row = service_cells(&external, now());
        assert_eq!(
            row[1..4],
            [
                json!("ExternalName"),
                json!("<none>"),
                json!("db.example.com")
            ]
        );
    }

    #[test]
    fn endpoints_list_ip_port_pairs() {
        let endpoints = json!({
            "metadata": {"name": "web", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "subsets": [{"addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.6"}], "ports": [{"name": "http", "port": 8080}]}]
        });
        assert_eq!(
            endpoints_cells(&endpoints, now()),
            [
                json!("web"),
                json!("10.244.1.5:8080,10.244.2.6:8080"),
                json!("60m")
            ]
        );
    }

    #[test]
    fn endpoints_truncate_after_three() {
        let endpoints = json!({"subsets": [{
            "addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}, {"ip": "fd00::4"}],
            "ports": [{"port": 80}, {"port": 443}]
        }]});
        assert_eq!(
            format_endpoints(&endpoints),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more..."
        );
        let headless = json!({"subsets": [{"addresses": [{"ip": "fd00::4"}]}]});
        assert_eq!(format_endpoints(&headless), "fd00::4");
        let ipv6 =
            json!({"subsets": [{"addresses": [{"ip": "fd00::4"}], "ports": [{"port": 80}]}]});
        assert_eq!(format_endpoints(&ipv6), "[fd00::4]:80");
        assert_eq!(format_endpoints(&json!({})), "<none>");
    }

    #[test]
    fn endpoint_slice_row() {
        let slice = json!({
            "metadata": {"name": "web-abc12", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "metrics"}],
            "endpoints": [
                {"addresses": ["10.244.1.5"]}, {"addresses": ["10.244.2.6"]},
                {"addresses": ["10.244.3.7"]}, {"addresses": ["10.244.4.8"]}
            ]
        });
        assert_eq!(
            endpoint_slice_cells(&slice, now()),
            [
                json!("web-abc12"),
                json!("IPv4"),
                json!("8080,metrics"),
                json!("10.244.1.5,10.244.2.6,10.244.3.7 + 1 more..."),
                json!("60m")
            ]
        );
        let empty = json!({"addressType": "IPv4"});
        assert_eq!(
            endpoint_slice_cells(&empty, now())[2..4],
            [json!("<unset>"), json!("<unset>")]
        );
    }

    #[test]
    fn ingress_row() {
        let ingress = json!({
            "metadata": {"name": "shop", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {
                "ingressClassName": "nginx",
                "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                "rules": [{"host": "shop.example.com"}, {"host": "api.example.com"}]
            },
            "status": {"loadBalancer": {"ingress": [{"ip": "172.18.0.5"}]}}
        });
        assert_eq!(
            ingress_cells(&ingress, now()),
            [
                json!("shop"),
                json!("nginx"),
                json!("shop.example.com,api.example.com"),
                json!("172.18.0.5"),
                json!("80, 443"),
                json!("60m")
            ]
        );
    }

    #[test]
    fn ingress_without_class_hosts_or_address() {
        let ingress = json!({"metadata": {"name": "catch-all"}, "spec": {"rules": [{"http": {}}]}});
        let row = ingress_cells(&ingress, now());
        assert_eq!(
            row[1..5],
            [json!("<none>"), json!("*"), json!(""), json!("80")]
        );
        let many: Vec<Value> = (1..=5)
            .map(|i| json!({"host": format!("h{i}.example.com")}))
            .collect();
        assert_eq!(
            format_hosts(&many),
            "h1.example.com,h2.example.com,h3.example.com + 2 more..."
        );
        let gaps = [
            json!({}),
            json!({"host": "a"}),
            json!({"host": "b"}),
            json!({"host": "c"}),
        ];
        assert_eq!(format_hosts(&gaps), "a,b,c");
    }

    #[test]
    fn network_policy_row() {
        let policy = json!({
            "metadata": {"name": "deny-all", "creationTimestamp": "2025-01-01T11:00:00Z"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}
        });
        assert_eq!(
            network_policy_cells(&policy, now()),
            [json!("deny-all"), json!("<none>"), json!("60m")]
        );
        let scoped = json!({"spec": {"podSelector": {"matchLabels": {"role": "db"}}}});
        assert_eq!(network_policy_cells(&scoped, now())[1], json!("role=db"));
    }
}
