//! What a simulated container's shell knows about its world, taken from
//! the pod and the cluster's Services when a session starts: hostname,
//! environment (the container's `env`, then what the kubelet adds: service
//! links and `KUBERNETES_SERVICE_*`), the files the kubelet writes
//! (`/etc/hosts`, `/etc/resolv.conf`, the service account's namespace)
//! and the volume mounts.

use serde_json::Value;

/// The cluster domain the simulated DNS serves.
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// A Service the simulated DNS resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRecord {
    pub name: String,
    pub namespace: String,
    pub cluster_ip: String,
    /// `(protocol, port)` of each port, in order.
    pub ports: Vec<(String, i64)>,
}

impl ServiceRecord {
    /// A Service object's record; `None` for headless Services and
    /// Services without an address.
    pub fn from_object(service: &Value) -> Option<Self> {
        let ip = service["spec"]["clusterIP"].as_str()?;
        if ip.is_empty() || ip == "None" {
            return None;
        }
        Some(ServiceRecord {
            name: service["metadata"]["name"].as_str()?.to_owned(),
            namespace: service["metadata"]["namespace"].as_str()?.to_owned(),
            cluster_ip: ip.to_owned(),
            ports: service["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    Some((
                        p["protocol"].as_str().unwrap_or("TCP").to_owned(),
                        p["port"].as_i64()?,
                    ))
                })
                .collect(),
        })
    }

    /// `name.namespace.svc.cluster.local`.
    pub fn fqdn(&self) -> String {
        format!("{}.{}.svc.{CLUSTER_DOMAIN}", self.name, self.namespace)
    }
}

/// One container's view of the cluster, for its shell.
#[derive(Debug, Clone, Default)]
pub struct ContainerContext {
    pub pod: String,
    pub namespace: String,
    pub container: String,
    pub pod_ip: String,
    /// The environment a process of the container starts with, in order.
    pub env: Vec<(String, String)>,
    /// Every Service with a cluster IP, for `nslookup`.
    pub services: Vec<ServiceRecord>,
    /// The cluster DNS Service's address (`kube-dns`).
    pub dns_ip: String,
    /// `(mount path, volume name)` of each volume mount.
    pub mounts: Vec<(String, String)>,
    /// The session has a terminal: prompts, echo, `\r\n` line ends.
    pub tty: bool,
    /// Files of ConfigMap and Secret volumes at their paths in this
    /// container (see [`projected_files`]).
    pub volume_files: Vec<(String, Vec<u8>)>,
}

impl ContainerContext {
    /// The context of `container` in `pod`, with the cluster's `services`.
    pub fn from_pod(pod: &Value, container: &str, services: &[Value]) -> Self {
        let name = pod["metadata"]["name"].as_str().unwrap_or_default();
        let namespace = pod["metadata"]["namespace"].as_str().unwrap_or_default();
        let spec = ["containers", "initContainers"]
            .iter()
            .flat_map(|l| pod["spec"][*l].as_array().into_iter().flatten())
            .find(|c| c["name"] == container)
            .cloned()
            .unwrap_or(Value::Null);
        let services: Vec<ServiceRecord> = services
            .iter()
            .filter_map(ServiceRecord::from_object)
            .collect();
        let dns_ip = services
            .iter()
            .find(|s| s.name == "kube-dns" && s.namespace == "kube-system")
            .map_or_else(|| "10.96.0.10".to_owned(), |s| s.cluster_ip.clone());
        let mut env = vec![
            (
                "PATH".to_owned(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_owned(),
            ),
            ("HOSTNAME".to_owned(), name.to_owned()),
        ];
        for e in spec["env"].as_array().into_iter().flatten() {
            let Some(key) = e["name"].as_str() else {
                continue;
            };
            let value = match (&e["value"], &e["valueFrom"]["fieldRef"]["fieldPath"]) {
                (Value::String(v), _) => Some(v.clone()),
                (_, Value::String(path)) => field(pod, path),
                _ => None,
            };
            if let Some(v) = value {
                env.push((key.to_owned(), v));
            }
        }
        let links = pod["spec"]["enableServiceLinks"].as_bool() != Some(false);
        for s in &services {
            let master = s.name == "kubernetes" && s.namespace == "default";
            if master || (links && s.namespace == namespace) {
                env.extend(service_env(s, master));
            }
        }
        env.push(("HOME".to_owned(), "/root".to_owned()));
        ContainerContext {
            pod: name.to_owned(),
            namespace: namespace.to_owned(),
            container: container.to_owned(),
            pod_ip: pod["status"]["podIP"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            env,
            services,
            dns_ip,
            mounts: spec["volumeMounts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| {
                    Some((
                        super::fs::normalize("/", m["mountPath"].as_str()?),
                        m["name"].as_str()?.to_owned(),
                    ))
                })
                .collect(),
            tty: false,
            volume_files: Vec::new(),
        }
    }

    /// The files the kubelet and the image put into a new container.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let hosts = format!(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{}\t{}\n",
            self.pod_ip, self.pod
        );
        let resolv = format!(
            "search {ns}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}\nnameserver {}\noptions ndots:5\n",
            self.dns_ip,
            ns = self.namespace
        );
        vec![
            ("/etc/hosts".to_owned(), hosts.into_bytes()),
            ("/etc/resolv.conf".to_owned(), resolv.into_bytes()),
            (
                "/etc/hostname".to_owned(),
                format!("{}\n", self.pod).into_bytes(),
            ),
            (
                "/var/run/secrets/kubernetes.io/serviceaccount/namespace".to_owned(),
                self.namespace.clone().into_bytes(),
            ),
        ]
        .into_iter()
        .chain(self.volume_files.iter().cloned())
        .collect()
    }

    /// The Service `name` resolves to, searching like the pod's
    /// `resolv.conf` (`svc`, `svc.ns`, `svc.ns.svc`, full names).
    pub fn resolve(&self, name: &str) -> Option<&ServiceRecord> {
        let name = name.trim_end_matches('.');
        let candidates = [
            name.to_owned(),
            format!("{name}.{}.svc.{CLUSTER_DOMAIN}", self.namespace),
            format!("{name}.svc.{CLUSTER_DOMAIN}"),
            format!("{name}.{CLUSTER_DOMAIN}"),
        ];
        candidates
            .iter()
            .find_map(|c| self.services.iter().find(|s| s.fqdn() == *c))
    }
}

/// The files the kubelet projects into `container`'s ConfigMap and Secret
/// volumes: every key (or the `items` chosen) of the object `lookup`
/// finds by kind (`ConfigMap`/`Secret`) and name, under the mount path.
/// Secret values are decoded from base64. Missing objects project nothing.
pub fn projected_files(
    pod: &Value,
    container: &str,
    lookup: impl Fn(&str, &str) -> Option<Value>,
) -> Vec<(String, Vec<u8>)> {
    use base64::Engine;
    let spec = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .chain(pod["spec"]["initContainers"].as_array())
        .flatten()
        .find(|c| c["name"] == container);
    let Some(spec) = spec else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for mount in spec["volumeMounts"].as_array().into_iter().flatten() {
        let (Some(volume), Some(path)) = (mount["name"].as_str(), mount["mountPath"].as_str())
        else {
            continue;
        };
        let Some(source) = pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|v| v["name"] == volume)
        else {
            continue;
        };
        let (kind, name, source) = if source["configMap"].is_object() {
            (
                "ConfigMap",
                source["configMap"]["name"].as_str(),
                &source["configMap"],
            )
        } else if source["secret"].is_object() {
            (
                "Secret",
                source["secret"]["secretName"].as_str(),
                &source["secret"],
            )
        } else {
            continue;
        };
        let Some(object) = name.and_then(|n| lookup(kind, n)) else {
            continue;
        };
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        for field in ["data", "binaryData"] {
            for (key, value) in object[field].as_object().into_iter().flatten() {
                let text = value.as_str().unwrap_or_default();
                let bytes = if kind == "Secret" || field == "binaryData" {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .unwrap_or_default()
                } else {
                    text.as_bytes().to_vec()
                };
                entries.push((key.clone(), bytes));
            }
        }
        let items = source["items"].as_array();
        for (key, bytes) in entries {
            let relative = match items {
                None => Some(key.clone()),
                Some(items) => items
                    .iter()
                    .find(|i| i["key"] == key.as_str())
                    .and_then(|i| i["path"].as_str().map(str::to_owned)),
            };
            if let Some(relative) = relative {
                files.push((super::fs::normalize(path, &relative), bytes));
            }
        }
    }
    files
}

/// A `fieldRef` the kubelet resolves.
fn field(pod: &Value, path: &str) -> Option<String> {
    let v = match path {
        "metadata.name" => &pod["metadata"]["name"],
        "metadata.namespace" => &pod["metadata"]["namespace"],
        "metadata.uid" => &pod["metadata"]["uid"],
        "spec.nodeName" => &pod["spec"]["nodeName"],
        "spec.serviceAccountName" => &pod["spec"]["serviceAccountName"],
        "status.podIP" => &pod["status"]["podIP"],
        "status.hostIP" => &pod["status"]["hostIP"],
        _ => return None,
    };
    v.as_str().map(str::to_owned)
}

/// The docker-links style variables the kubelet sets for a Service.
fn service_env(s: &ServiceRecord, master: bool) -> Vec<(String, String)> {
    let prefix = s.name.to_uppercase().replace('-', "_");
    let Some((protocol, port)) = s.ports.first() else {
        return vec![(format!("{prefix}_SERVICE_HOST"), s.cluster_ip.clone())];
    };
    let mut env = vec![
        (format!("{prefix}_SERVICE_HOST"), s.cluster_ip.clone()),
        (format!("{prefix}_SERVICE_PORT"), port.to_string()),
        (
            format!("{prefix}_PORT"),
            format!("{}://{}:{port}", protocol.to_lowercase(), s.cluster_ip),
        ),
    ];
    if master {
        env.push((format!("{prefix}_SERVICE_PORT_HTTPS"), port.to_string()));
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn env_files_and_dns_come_from_the_pod_and_services() {
        let pod = json!({
            "metadata": {"name": "p", "namespace": "demo"},
            "spec": {"nodeName": "n1", "containers": [{"name": "c",
                "env": [{"name": "A", "value": "1"},
                        {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                "volumeMounts": [{"name": "cache", "mountPath": "/cache/"}]}]},
            "status": {"podIP": "10.244.1.2"}
        });
        let services = [
            json!({"metadata": {"name": "kubernetes", "namespace": "default"},
                   "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 443, "protocol": "TCP"}]}}),
            json!({"metadata": {"name": "my-db", "namespace": "demo"},
                   "spec": {"clusterIP": "10.96.0.7", "ports": [{"port": 80}]}}),
            json!({"metadata": {"name": "headless", "namespace": "demo"},
                   "spec": {"clusterIP": "None"}}),
        ];
        let ctx = ContainerContext::from_pod(&pod, "c", &services);
        let env = |k: &str| {
            ctx.env
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(env("A"), Some("1"));
        assert_eq!(env("NODE"), Some("n1"));
        assert_eq!(env("HOSTNAME"), Some("p"));
        assert_eq!(env("KUBERNETES_SERVICE_HOST"), Some("10.96.0.1"));
        assert_eq!(env("KUBERNETES_SERVICE_PORT"), Some("443"));
        assert_eq!(env("MY_DB_PORT"), Some("tcp://10.96.0.7:80"));
        assert_eq!(ctx.mounts, [("/cache".to_owned(), "cache".to_owned())]);
        assert_eq!(ctx.resolve("my-db").unwrap().cluster_ip, "10.96.0.7");
        assert_eq!(
            ctx.resolve("my-db.demo.svc.cluster.local.").unwrap().name,
            "my-db"
        );
        assert_eq!(
            ctx.resolve("kubernetes.default").unwrap().cluster_ip,
            "10.96.0.1"
        );
        assert!(ctx.resolve("headless").is_none());
        let hosts = String::from_utf8(ctx.files()[0].1.clone()).unwrap();
        let pod = json!({"spec": {
            "volumes": [{"name": "conf", "configMap": {"name": "app"}},
                        {"name": "creds", "secret": {"secretName": "db", "items": [{"key": "pw", "path": "password"}]}}],
            "containers": [{"name": "c", "volumeMounts": [
                {"name": "conf", "mountPath": "/etc/app"}, {"name": "creds", "mountPath": "/creds"}]}]}});
        let files = projected_files(&pod, "c", |kind, name| match (kind, name) {
            ("ConfigMap", "app") => Some(json!({"data": {"mode": "fast"}})),
            ("Secret", "db") => Some(json!({"data": {"pw": "czNjcjN0", "user": "YWRtaW4="}})),
            _ => None,
        });
        assert_eq!(
            files,
            [
                ("/etc/app/mode".to_owned(), b"fast".to_vec()),
                ("/creds/password".to_owned(), b"s3cr3t".to_vec())
            ]
        );
        assert!(hosts.ends_with("10.244.1.2\tp\n"), "{hosts}");
    }
}
