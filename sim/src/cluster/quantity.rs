//! Resource quantities (`250m`, `1.5`, `128Mi`, `1G`) and a pod's effective
//! requests, as the scheduler and kubelet need them.

use serde_json::Value;

/// CPU in millicores and memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_milli: i64,
    pub memory: i64,
}

impl Resources {
    /// Reads `cpu` and `memory` from a resource map (`requests`, `allocatable`).
    pub fn from_map(map: &Value) -> Self {
        Self {
            cpu_milli: map["cpu"].as_str().map_or(0, cpu_milli),
            memory: map["memory"].as_str().map_or(0, bytes),
        }
    }

    fn max(self, other: Self) -> Self {
        Self {
            cpu_milli: self.cpu_milli.max(other.cpu_milli),
            memory: self.memory.max(other.memory),
        }
    }
}

impl std::ops::Add for Resources {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            cpu_milli: self.cpu_milli + o.cpu_milli,
            memory: self.memory + o.memory,
        }
    }
}

impl std::ops::Sub for Resources {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self {
            cpu_milli: self.cpu_milli - o.cpu_milli,
            memory: self.memory - o.memory,
        }
    }
}

/// A pod's effective request, like upstream: the larger of the sum of its
/// app containers (plus sidecars) and the largest single init container.
pub fn pod_requests(spec: &Value) -> Resources {
    let requests = |c: &Value| Resources::from_map(&c["resources"]["requests"]);
    let mut app = Resources::default();
    for c in spec["containers"].as_array().into_iter().flatten() {
        app = app + requests(c);
    }
    let mut init_peak = Resources::default();
    let mut sidecars = Resources::default();
    for c in spec["initContainers"].as_array().into_iter().flatten() {
        if c["restartPolicy"] == "Always" {
            sidecars = sidecars + requests(c);
            app = app + requests(c);
        } else {
            init_peak = init_peak.max(sidecars + requests(c));
        }
    }
    let overhead = Resources::from_map(&spec["overhead"]);
    app.max(init_peak) + overhead
}

/// `250m` → 250, `2` → 2000, `0.5` → 500.
pub fn cpu_milli(q: &str) -> i64 {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<f64>().map_or(0, |v| v.ceil() as i64);
    }
    scaled(q).map_or(0, |v| (v * 1000.0).ceil() as i64)
}

/// `128Mi` → 134217728, `1G` → 10^9, `1e3` → 1000.
pub fn bytes(q: &str) -> i64 {
    scaled(q.trim()).map_or(0, |v| v.ceil() as i64)
}

fn scaled(q: &str) -> Option<f64> {
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<f64>().ok().map(|v| v * factor);
        }
    }
    if let Some(n) = q.strip_suffix('P') {
        return n.parse::<f64>().ok().map(|v| v * 1e15);
    }
    if let Some(n) = q.strip_suffix('E') {
        return n.parse::<f64>().ok().map(|v| v * 1e18);
    }
    q.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_parse_like_the_apiserver() {
        assert_eq!(cpu_milli("250m"), 250);
        assert_eq!(cpu_milli("2"), 2000);
        assert_eq!(cpu_milli("0.5"), 500);
        assert_eq!(bytes("128Mi"), 128 * 1024 * 1024);
        assert_eq!(bytes("1G"), 1_000_000_000);
        assert_eq!(bytes("16331448Ki"), 16_331_448 * 1024);
    }

    #[test]
    fn init_containers_count_as_their_peak() {
        let spec = json!({
            "initContainers": [{"resources": {"requests": {"cpu": "3"}}}],
            "containers": [{"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
                           {"resources": {"requests": {"cpu": "500m"}}}]
        });
        let r = pod_requests(&spec);
        assert_eq!(r.cpu_milli, 3000);
        assert_eq!(r.memory, 1 << 30);
    }
}
