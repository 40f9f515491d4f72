//! The Deployment controller's two strategies, from upstream's rolling.go
//! (`rolloutRolling`, `reconcileOldReplicaSets`) and recreate.go
//! (`rolloutRecreate`): how a [`Rollout`] moves replicas from the old
//! ReplicaSets to the new one. Kept apart from `deployment.rs`, which finds
//! and creates the ReplicaSets and scales them.

use super::deployment::{Rollout, spec_replicas};
use super::util::{controller_ref, int, phase, time_at};
use crate::registry::builtin::ids;
use crate::store::StoreError;

impl Rollout<'_> {
    /// rolling.go `rolloutRolling`.
    pub(super) fn rollout_rolling(&mut self) -> Result<(), StoreError> {
        self.sync_new_rs(true)?;
        if let Some(new) = &self.new_rs {
            let current = spec_replicas(new);
            let want = if current > self.replicas() {
                self.replicas()
            } else {
                self.new_rs_replicas(current)
            };
            if want != current {
                let name = new["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                self.scale(&name, want)?;
            }
        }
        self.reconcile_old_replica_sets()
    }

    /// rolling.go `reconcileOldReplicaSets`: scale old RSs down as far as
    /// maxUnavailable allows, unhealthy replicas first.
    fn reconcile_old_replica_sets(&mut self) -> Result<(), StoreError> {
        let old_count: i64 = self.olds.iter().map(spec_replicas).sum();
        if old_count == 0 {
            return Ok(());
        }
        let all_count: i64 = self.all().iter().map(|rs| spec_replicas(rs)).sum();
        let min_available = self.replicas() - self.fenceposts().1;
        let new_unavailable = self
            .new_rs
            .as_ref()
            .map(|n| spec_replicas(n) - int(&n["status"]["availableReplicas"], 0))
            .unwrap_or(0);
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return Ok(());
        }
        let mut olds = self.olds.clone();
        olds.sort_by_key(|rs| time_at(rs, "metadata.creationTimestamp"));
        let mut cleaned = 0;
        for rs in &olds {
            if cleaned >= max_scaled_down {
                break;
            }
            let replicas = spec_replicas(rs);
            let unhealthy = replicas - int(&rs["status"]["availableReplicas"], 0);
            if replicas == 0 || unhealthy <= 0 {
                continue;
            }
            let down = (max_scaled_down - cleaned).min(unhealthy);
            cleaned += down;
            let name = rs["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            self.scale(&name, replicas - down)?;
        }
        // An RS just scaled down still reports its old pods available until
        // its controller catches up; never count more than it will keep.
        let available: i64 = self
            .all()
            .iter()
            .map(|rs| int(&rs["status"]["availableReplicas"], 0).min(spec_replicas(rs)))
            .sum();
        if available <= min_available {
            return Ok(());
        }
        let total = available - min_available;
        let mut done = 0;
        let mut olds = self.olds.clone();
        olds.sort_by_key(|rs| time_at(rs, "metadata.creationTimestamp"));
        for rs in &olds {
            if done >= total {
                break;
            }
            let replicas = spec_replicas(rs);
            if replicas == 0 {
                continue;
            }
            let down = replicas.min(total - done);
            done += down;
            let name = rs["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            self.scale(&name, replicas - down)?;
        }
        Ok(())
    }

    /// recreate.go `rolloutRecreate`: old RSs to zero, wait for their pods
    /// to be gone, then the new RS to full size.
    pub(super) fn rollout_recreate(&mut self) -> Result<(), StoreError> {
        self.sync_new_rs(false)?;
        let active: Vec<String> = self
            .olds
            .iter()
            .filter(|rs| spec_replicas(rs) > 0)
            .map(|rs| {
                rs["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        if !active.is_empty() {
            for name in active {
                self.scale(&name, 0)?;
            }
            return Ok(());
        }
        if self.old_pods_running() {
            return Ok(());
        }
        if self.new_rs.is_none() {
            self.sync_new_rs(true)?;
        }
        if let Some(new) = &self.new_rs
            && spec_replicas(new) != self.replicas()
        {
            let name = new["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            self.scale(&name, self.replicas())?;
        }
        Ok(())
    }

    fn old_pods_running(&self) -> bool {
        if self
            .olds
            .iter()
            .any(|rs| int(&rs["status"]["replicas"], 0) > 0)
        {
            return true;
        }
        let uids: Vec<&str> = self
            .olds
            .iter()
            .filter_map(|rs| rs["metadata"]["uid"].as_str())
            .collect();
        super::util::list_ns(self.store, &ids::pods(), &self.ns())
            .iter()
            .any(|p| {
                let p = p.value();
                controller_ref(p).is_some_and(|r| uids.iter().any(|u| r["uid"] == *u))
                    && !matches!(phase(p), "Failed" | "Succeeded")
            })
    }
}
