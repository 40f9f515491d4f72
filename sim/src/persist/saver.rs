//! Saving a running cluster's state: periodically while it changes (the
//! store's revision says whether it did), and once more on shutdown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::{DataDir, PersistError};
use crate::store::Store;

/// How often (real time) a changed state is saved. A crash loses at most
/// this much; a save writes the whole state, so it is not much shorter.
pub const SAVE_INTERVAL: Duration = Duration::from_secs(3);

/// Saves one store into one data directory.
pub struct Saver {
    dir: DataDir,
    store: Store,
    /// The revision last saved; held while a save writes, so two saves
    /// never interleave and the last one to run saves the newest state.
    saved: Mutex<u64>,
}

impl Saver {
    /// A saver for `store`, whose state at `saved_revision` is on disk.
    pub fn new(dir: DataDir, store: Store, saved_revision: u64) -> Arc<Saver> {
        Arc::new(Saver {
            dir,
            store,
            saved: Mutex::new(saved_revision),
        })
    }

    /// The data directory it saves into.
    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    /// Saves the state if it changed since the last save (or always, with
    /// `force`); true if it wrote. Blocking file I/O.
    pub fn save(&self, force: bool) -> Result<bool, PersistError> {
        let mut saved = self.saved.lock().unwrap_or_else(|e| e.into_inner());
        if !force && self.store.current_rv() == *saved {
            return Ok(false);
        }
        *saved = self.dir.save_state(&self.store)?;
        Ok(true)
    }

    /// [`Saver::save`] on a blocking thread.
    pub async fn save_async(self: &Arc<Self>, force: bool) -> Result<bool, PersistError> {
        let saver = self.clone();
        tokio::task::spawn_blocking(move || saver.save(force))
            .await
            .unwrap_or_else(|e| {
                Err(PersistError {
                    action: "save the cluster state to",
                    path: self.dir.state_path(),
                    message: e.to_string(),
                })
            })
    }

    /// Saves every [`SAVE_INTERVAL`] if something changed, until aborted.
    /// A save that takes long (a big cluster) stretches the wait after it
    /// to nine times its duration, so saving takes at most a tenth of a
    /// core and of the disk. A failed save is logged and tried again.
    pub fn spawn_periodic(self: &Arc<Self>) -> JoinHandle<()> {
        let saver = self.clone();
        tokio::spawn(async move {
            let mut wait = SAVE_INTERVAL;
            loop {
                tokio::time::sleep(wait).await;
                let started = std::time::Instant::now();
                if let Err(e) = saver.save_async(false).await {
                    tracing::warn!("{e}");
                }
                wait = SAVE_INTERVAL.max(started.elapsed() * 9);
            }
        })
    }
}
