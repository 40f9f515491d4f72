//! The data directory: created if missing and proven writable before
//! anything else starts, so that a bad path stops start-up with one clear
//! line instead of a database error later.
//!
//! The database holds password hashes and session ids, so the directory is
//! private to the server's user (0700) and so are its files (0600). SQLite
//! gives its `-wal` and `-shm` files the database file's mode, so creating
//! the database 0600 before SQLite opens it covers all three. An existing
//! database that others can read is refused rather than silently fixed:
//! its contents may already have leaked, and the operator should know.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of the data directory.
const DIR_MODE: u32 = 0o700;
/// Mode of the files in it.
const FILE_MODE: u32 = 0o600;
/// Bits that give anyone but the owner access.
const OTHERS: u32 = 0o077;

/// The data directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("cannot use data directory {}: {source}", path.display())]
    Unusable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "refusing to start: {} is readable by other users (mode {mode:04o}); run `chmod 600` on it and check who may have copied it",
        path.display()
    )]
    Exposed { path: PathBuf, mode: u32 },
}

/// Creates `path` (and its parents) 0700 if needed, makes an existing one
/// 0700, and checks that a file can be written in it.
pub fn prepare(path: &Path) -> Result<(), DataDirError> {
    let fail = |source| DataDirError::Unusable {
        path: path.to_path_buf(),
        source,
    };
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(path)
        .map_err(fail)?;
    std::fs::set_permissions(path, Permissions::from_mode(DIR_MODE)).map_err(fail)?;
    let probe = path.join(".pilothouse-write-check");
    private_file(&probe).map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Creates the database file 0600 if it does not exist; refuses an
/// existing one (or its `-wal`/`-shm` companion) that others may read.
pub fn prepare_database(db: &Path) -> Result<(), DataDirError> {
    for file in [db.to_path_buf(), suffixed(db, "-wal"), suffixed(db, "-shm")] {
        match std::fs::metadata(&file) {
            Ok(meta) if meta.permissions().mode() & OTHERS != 0 => {
                return Err(DataDirError::Exposed {
                    path: file,
                    mode: meta.permissions().mode() & 0o7777,
                });
            }
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(DataDirError::Unusable { path: file, source }),
        }
    }
    if !db.exists() {
        private_file(db).map_err(|source| DataDirError::Unusable {
            path: db.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

/// Creates an empty file only its owner can read and write.
fn private_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(path)
        .map(drop)
}

fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn creates_missing_directories_private() {
        let tmp = tempfile::tempdir().unwrap();
        let nested = tmp.path().join("a/b/c");
        prepare(&nested).unwrap();
        assert!(nested.is_dir());
        assert_eq!(mode(&nested), 0o700);
    }

    #[test]
    fn an_existing_open_directory_is_made_private() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::set_permissions(tmp.path(), Permissions::from_mode(0o755)).unwrap();
        prepare(tmp.path()).unwrap();
        assert_eq!(mode(tmp.path()), 0o700);
    }

    #[test]
    fn a_new_database_file_is_private_and_an_exposed_one_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("pilothouse.db");
        prepare_database(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        std::fs::write(suffixed(&db, "-wal"), b"").unwrap();
        std::fs::set_permissions(suffixed(&db, "-wal"), Permissions::from_mode(0o644)).unwrap();
        let line = prepare_database(&db).unwrap_err().to_string();
        assert!(line.contains("pilothouse.db-wal"), "{line}");
        assert!(line.contains("0644"), "{line}");
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
