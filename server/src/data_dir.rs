//! The data directory: created if missing and proven writable before
//! anything else starts, so that a bad path stops start-up with one clear
//! line instead of a database error later.

use std::io;
use std::path::{Path, PathBuf};

/// The data directory cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use data directory {}: {source}", path.display())]
pub struct DataDirError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

/// Creates `path` (and its parents) if needed and checks that a file can be
/// written in it.
pub fn prepare(path: &Path) -> Result<(), DataDirError> {
    let fail = |source| DataDirError {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(path).map_err(fail)?;
    let probe = path.join(".pilothouse-write-check");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_missing_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let nested = tmp.path().join("a/b/c");
        prepare(&nested).unwrap();
        assert!(nested.is_dir());
    }

    #[test]
    fn a_path_below_a_file_is_refused_with_its_name() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plain-file");
        std::fs::write(&file, b"x").unwrap();
        let err = prepare(&file.join("data")).unwrap_err();
        let line = err.to_string();
        assert!(
            line.contains(&file.join("data").display().to_string()),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
}
