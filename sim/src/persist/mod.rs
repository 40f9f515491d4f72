//! Keeping a cluster across restarts (`SimConfig::data_dir`, `pilothouse
//! sim --data-dir`): the store's objects and the cluster's CA, in files
//! of one directory.
//!
//! * `state.jsonl` — every object, the global revision and the simulated
//!   time (format in [`state_file`]). Written at start when there was none
//!   (the fresh seed), every [`saver::SAVE_INTERVAL`] while the store
//!   changes, and on `SimHandle::shutdown`.
//! * `pki/ca.crt`, `pki/ca.key` — the CA (PEM), so kubeconfigs written
//!   before a restart stay valid. The serving certificate is issued anew
//!   by that CA at every start, for the listen address of that start.
//!
//! Every file is written atomically (temporary file, fsync, rename) with
//! mode 0600, the directories 0700: the state holds Secrets. A file that
//! cannot be read back stops start-up with an error naming it; nothing is
//! ever seeded over it.

mod atomic;
mod saver;
pub mod state_file;

use std::io::BufReader;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

pub use saver::{SAVE_INTERVAL, Saver};
pub use state_file::SavedState;

use crate::auth::Pki;
use crate::store::Store;

/// The state file inside a data directory.
pub const STATE_FILE: &str = "state.jsonl";
/// The CA certificate inside a data directory.
pub const CA_CERT_FILE: &str = "pki/ca.crt";
/// The CA key inside a data directory.
pub const CA_KEY_FILE: &str = "pki/ca.key";

/// A file of the data directory could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {message}", path.display())]
pub struct PersistError {
    /// What was being done: "load the saved cluster state from", ….
    pub action: &'static str,
    pub path: PathBuf,
    pub message: String,
}

/// A cluster's data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The directory `root`, created (0700) if missing.
    pub fn open(root: &Path) -> Result<DataDir, PersistError> {
        atomic::private_dir(root).map_err(|e| PersistError {
            action: "create the data directory",
            path: root.to_owned(),
            message: e.to_string(),
        })?;
        Ok(DataDir {
            root: root.to_owned(),
        })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the state is saved.
    pub fn state_path(&self) -> PathBuf {
        self.root.join(STATE_FILE)
    }

    /// The saved state, or `None` if there is none yet.
    pub fn load_state(&self) -> Result<Option<SavedState>, PersistError> {
        let path = self.state_path();
        let error = |message: String| PersistError {
            action: "load the saved cluster state from",
            path: path.clone(),
            message,
        };
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(error(e.to_string())),
        };
        state_file::decode(BufReader::new(file))
            .map(Some)
            .map_err(error)
    }

    /// Saves every object of `store` with its current revision and
    /// simulated time; returns the revision saved. Blocking file I/O.
    pub fn save_state(&self, store: &Store) -> Result<u64, PersistError> {
        let snapshot = store.snapshot();
        let time = store.clock().now();
        let path = self.state_path();
        atomic::write_atomic(&path, |out| state_file::encode(&snapshot, time, out)).map_err(
            |e| PersistError {
                action: "save the cluster state to",
                path: path.clone(),
                message: e.to_string(),
            },
        )?;
        Ok(snapshot.revision)
    }

    /// The saved CA with a new serving certificate (see
    /// [`Pki::from_saved_ca`]), or `None` if no CA was saved yet.
    pub fn load_ca(&self, extra_ip: Option<IpAddr>) -> Result<Option<Pki>, PersistError> {
        let (cert_path, key_path) = (self.root.join(CA_CERT_FILE), self.root.join(CA_KEY_FILE));
        if !cert_path.exists() && !key_path.exists() {
            return Ok(None);
        }
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| PersistError {
                action: "load the cluster's CA from",
                path: path.to_owned(),
                message: e.to_string(),
            })
        };
        let (cert, key) = (read(&cert_path)?, read(&key_path)?);
        Pki::from_saved_ca(&cert, &key, extra_ip)
            .map(Some)
            .map_err(|e| PersistError {
                action: "load the cluster's CA from",
                path: cert_path,
                message: e.to_string(),
            })
    }

    /// Saves the CA's certificate and key.
    pub fn save_ca(&self, pki: &Pki) -> Result<(), PersistError> {
        let error = |path: PathBuf, e: std::io::Error| PersistError {
            action: "save the cluster's CA to",
            path,
            message: e.to_string(),
        };
        let cert_path = self.root.join(CA_CERT_FILE);
        if let Some(dir) = cert_path.parent() {
            atomic::private_dir(dir).map_err(|e| error(dir.to_owned(), e))?;
        }
        let key_path = self.root.join(CA_KEY_FILE);
        let key = pki.ca_key_pem();
        atomic::write_atomic(&key_path, |out| {
            std::io::Write::write_all(out, key.as_bytes())
        })
        .map_err(|e| error(key_path.clone(), e))?;
        atomic::write_atomic(&cert_path, |out| {
            std::io::Write::write_all(out, pki.ca_pem().as_bytes())
        })
        .map_err(|e| error(cert_path.clone(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_ca_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(&dir.path().join("data")).unwrap();
        assert!(data.load_ca(None).unwrap().is_none());
        let pki = Pki::generate(None).unwrap();
        data.save_ca(&pki).unwrap();
        let back = data.load_ca(None).unwrap().expect("a saved CA");
        assert_eq!(back.ca_pem(), pki.ca_pem());
        std::fs::remove_file(data.root().join(CA_KEY_FILE)).unwrap();
        let err = data.load_ca(None).unwrap_err().to_string();
        assert!(err.contains("ca.key"), "{err}");
    }

    #[test]
    fn no_state_is_none_and_a_bad_one_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        assert!(data.load_state().unwrap().is_none());
        std::fs::write(data.state_path(), "{").unwrap();
        let err = data.load_state().unwrap_err().to_string();
        assert!(
            err.contains("state.jsonl") && err.contains("line 1"),
            "{err}"
        );
    }
}
