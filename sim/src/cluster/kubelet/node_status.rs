//! What a kubelet reports about its node: the Lease renewal that is its
//! heartbeat, and the node's conditions (posted less often, like the
//! kubelet's `nodeStatusReportFrequency`, and at once after a restart).

use serde_json::json;

use crate::cluster::conditions;
use crate::cluster::events::{EventRecorder, EventType};
use crate::registry::builtin::ids;
use crate::store::{Store, StoreError, Target, WriteOptions};

/// Namespace of node leases.
pub const LEASE_NAMESPACE: &str = "kube-node-lease";
/// `leaseDurationSeconds` of node leases; the node lifecycle controller
/// gives up on a node after this long without a renewal.
pub const LEASE_DURATION_SECONDS: i64 = 40;

/// Renews the node's Lease (creating it if it went missing).
pub fn renew_lease(store: &Store, node: &str) {
    let now = crate::clock::format_micro_time(store.clock().now());
    let renewed = store.modify(&ids::leases(), LEASE_NAMESPACE, node, Target::Main, |l| {
        l["spec"]["renewTime"] = json!(now);
        l["spec"]["holderIdentity"] = json!(node);
        Ok(())
    });
    if let Err(StoreError::NotFound { .. }) = renewed {
        let _ = store.create(
            &ids::leases(),
            LEASE_NAMESPACE,
            json!({"metadata": {"name": node},
                   "spec": {"holderIdentity": node, "leaseDurationSeconds": LEASE_DURATION_SECONDS, "renewTime": now}}),
            WriteOptions::default(),
        );
    }
}

/// Posts healthy conditions with a fresh `lastHeartbeatTime`. Records
/// `NodeReady` if the node was not Ready before.
pub fn post_status(store: &Store, recorder: &EventRecorder, node: &str) {
    let now = store.clock().now_rfc3339();
    let mut was_ready = true;
    let posted = store.modify(&ids::nodes(), "", node, Target::Status, |n| {
        was_ready = conditions::status_of(&n["status"], "Ready") == Some("True");
        let status = &mut n["status"];
        for (ty, value, reason, message) in [
            (
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            (
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            (
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            (
                "Ready",
                "True",
                "KubeletReady",
                "kubelet is posting ready status",
            ),
        ] {
            conditions::set(status, ty, value, Some(reason), Some(message), &now);
        }
        for c in status["conditions"].as_array_mut().into_iter().flatten() {
            c["lastHeartbeatTime"] = json!(now);
            if let Some(m) = c.as_object_mut() {
                m.remove("lastProbeTime");
            }
        }
        Ok(())
    });
    if let Ok(obj) = posted
        && !was_ready
    {
        recorder.record(
            obj.value(),
            EventType::Normal,
            "NodeReady",
            &format!("Node {node} status is now: NodeReady"),
            Some(node),
        );
    }
}

/// True if the stored node reports Ready=True.
pub fn is_ready(store: &Store, node: &str) -> bool {
    store
        .get(&ids::nodes(), "", node)
        .is_ok_and(|n| conditions::status_of(&n.value()["status"], "Ready") == Some("True"))
}
