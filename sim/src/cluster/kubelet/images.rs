//! Image pulls on a simulated node: `Pulling`/`Pulled` events, the
//! node's image cache for `IfNotPresent`, and failing pulls that back off
//! (`ErrImagePull` → `ImagePullBackOff`) while the pod asks for failure.

use std::time::Duration;

use serde_json::json;

use super::behaviour;
use super::pod_worker::{Gone, Kind, PodRun, Step};
use crate::cluster::events::EventType;
use crate::registry::builtin::ids;

impl PodRun {
    /// Makes sure the container's image is on the node: pulls it (retrying
    /// with ImagePullBackOff while pulls fail) unless the policy skips that.
    pub(super) async fn ensure_image(&mut self, kind: Kind, i: usize) -> Step {
        let spec = self.container_spec(kind, i).clone();
        let image = spec["image"].as_str().unwrap_or_default().to_owned();
        let policy = spec["imagePullPolicy"].as_str().unwrap_or("IfNotPresent");
        let present = self.env.images.lock().expect("poisoned").contains(&image);
        if policy == "Never" || (policy == "IfNotPresent" && present) {
            self.event(
                kind,
                i,
                EventType::Normal,
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
            );
            return Ok(());
        }
        let mut attempt = 0;
        loop {
            self.event(
                kind,
                i,
                EventType::Normal,
                "Pulling",
                &format!("Pulling image \"{image}\""),
            );
            self.clock_sleep(self.behaviour.pull).await;
            let current = self
                .env
                .store
                .get(&ids::pods(), &self.key.0, &self.key.1)
                .map_err(|_| Gone)?;
            if !behaviour::pulls_fail(current.value()) {
                self.env
                    .images
                    .lock()
                    .expect("poisoned")
                    .insert(image.clone());
                let secs = self.behaviour.pull.as_secs_f64();
                self.event(
                    kind,
                    i,
                    EventType::Normal,
                    "Pulled",
                    &format!(
                        "Successfully pulled image \"{image}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {} bytes.",
                        image_size(&image)
                    ),
                );
                self.status_mut(kind, i)["imageID"] = json!(image_id(&image));
                return Ok(());
            }
            let error = format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"
            );
            self.event(
                kind,
                i,
                EventType::Warning,
                "Failed",
                &format!("Failed to pull image \"{image}\": {error}"),
            );
            self.event(kind, i, EventType::Warning, "Failed", "Error: ErrImagePull");
            self.wait_reason(
                kind,
                i,
                "ErrImagePull",
                &format!("failed to pull image \"{image}\": {error}"),
            )?;
            attempt += 1;
            self.clock_sleep(Duration::from_secs(2)).await;
            let message = format!("Back-off pulling image \"{image}\"");
            self.event(kind, i, EventType::Normal, "BackOff", &message);
            self.event(
                kind,
                i,
                EventType::Warning,
                "Failed",
                "Error: ImagePullBackOff",
            );
            self.wait_reason(kind, i, "ImagePullBackOff", &message)?;
            self.clock_sleep(behaviour::backoff(attempt)).await;
        }
    }
}

/// A stable fake digest for an image.
pub(super) fn image_id(image: &str) -> String {
    let repo = image.split(['@', ':']).next().unwrap_or(image);
    format!("{repo}@sha256:{:016x}{:048x}", fnv(image), fnv(repo))
}

/// A stable fake size for an image.
fn image_size(image: &str) -> u64 {
    5_000_000 + fnv(image) % 90_000_000
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
