//! The in-memory filesystem of one pod's simulated containers.
//!
//! Each container has a root of its own; each of the pod's volumes is a
//! tree of its own, mounted at the containers' `volumeMounts`. Paths are
//! resolved through the longest mount that covers them, so a file written
//! under an `emptyDir` by one container is the file another container of
//! the pod reads at its own mount path, as with a real kubelet.
//!
//! Nothing here is a real file: the trees live in memory with the pod
//! (see [`super::PodFileSystems`]) and are bounded by [`Limits`], so exec
//! sessions cannot grow the simulator without bound.

use std::collections::BTreeMap;
use std::fmt;

/// How much one pod's filesystems may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub file_bytes: usize,
    pub pod_bytes: usize,
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 1 << 20,
            pod_bytes: 8 << 20,
            entries: 2048,
        }
    }
}

/// A failed file operation, worded like busybox's `strerror` texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    IsADirectory,
    NotADirectory,
    Exists,
    NotEmpty,
    Busy,
    /// A [`Limits`] bound would be exceeded.
    NoSpace(Limits),
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsError::NotFound => f.write_str("No such file or directory"),
            FsError::IsADirectory => f.write_str("Is a directory"),
            FsError::NotADirectory => f.write_str("Not a directory"),
            FsError::Exists => f.write_str("File exists"),
            FsError::NotEmpty => f.write_str("Directory not empty"),
            FsError::Busy => f.write_str("Resource busy"),
            FsError::NoSpace(l) => write!(
                f,
                "No space left on device (the simulated filesystem holds at most {} bytes per file, {} bytes and {} entries per pod)",
                l.file_bytes, l.pod_bytes, l.entries
            ),
        }
    }
}

/// Which tree a path lives in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Container(String),
    Volume(String),
}

#[derive(Debug, Clone)]
enum Node {
    Dir,
    File(Vec<u8>),
}

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
}

/// One entry found by [`PodFiles::walk`]: its path relative to the walked
/// path's parent, and its contents (`None` for a directory).
pub type WalkEntry = (String, Option<Vec<u8>>);

/// The files of one pod: a root per container and a tree per volume.
#[derive(Debug, Default)]
pub struct PodFiles {
    entries: BTreeMap<(Scope, String), Node>,
    /// Per container, `(mount path, volume)`.
    mounts: BTreeMap<String, Vec<(String, String)>>,
    bytes: usize,
    limits: Limits,
}

impl PodFiles {
    pub fn new(limits: Limits) -> Self {
        PodFiles {
            limits,
            ..Default::default()
        }
    }

    /// True once [`PodFiles::add_container`] ran for `container`.
    pub fn has_container(&self, container: &str) -> bool {
        self.mounts.contains_key(container)
    }

    /// Creates a container's root with `dirs` and `files` (absolute
    /// paths) and mounts its volumes, creating a volume's tree the first
    /// time any container mounts it.
    pub fn add_container(
        &mut self,
        container: &str,
        mounts: &[(String, String)],
        dirs: &[&str],
        files: &[(String, Vec<u8>)],
    ) -> Result<(), FsError> {
        let root = Scope::Container(container.to_owned());
        self.entries.insert((root.clone(), "/".into()), Node::Dir);
        self.mounts.insert(container.to_owned(), Vec::new());
        for dir in dirs {
            self.mkdir(container, dir, true)?;
        }
        for (path, _) in mounts {
            self.mkdir(container, path, true)?;
        }
        for (_, volume) in mounts {
            self.entries
                .entry((Scope::Volume(volume.clone()), "/".into()))
                .or_insert(Node::Dir);
        }
        self.mounts.insert(container.to_owned(), mounts.to_vec());
        for (path, data) in files {
            if let Some(parent) = parent(path) {
                self.mkdir(container, parent, true)?;
            }
            self.write(container, path, data, false)?;
        }
        Ok(())
    }

    /// The tree and path within it that `path` (absolute, normalized) of
    /// `container` names.
    fn locate(&self, container: &str, path: &str) -> (Scope, String) {
        let mount = self
            .mounts
            .get(container)
            .into_iter()
            .flatten()
            .filter(|(m, _)| {
                path == m || path.starts_with(&format!("{}/", m.trim_end_matches('/')))
            })
            .max_by_key(|(m, _)| m.len());
        match mount {
            Some((m, volume)) => {
                let rest = &path[m.trim_end_matches('/').len()..];
                let rest = if rest.is_empty() { "/" } else { rest };
                (Scope::Volume(volume.clone()), rest.to_owned())
            }
            None => (Scope::Container(container.to_owned()), path.to_owned()),
        }
    }

    fn node(&self, container: &str, path: &str) -> Option<&Node> {
        self.entries.get(&self.locate(container, path))
    }

    /// What is at `path`, if anything.
    pub fn kind(&self, container: &str, path: &str) -> Option<Kind> {
        self.node(container, path).map(|n| match n {
            Node::Dir => Kind::Dir,
            Node::File(_) => Kind::File,
        })
    }

    /// A file's contents.
    pub fn read(&self, container: &str, path: &str) -> Result<Vec<u8>, FsError> {
        match self.node(container, path) {
            Some(Node::File(data)) => Ok(data.clone()),
            Some(Node::Dir) => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// Writes (or appends to) a file whose directory exists.
    pub fn write(
        &mut self,
        container: &str,
        path: &str,
        data: &[u8],
        append: bool,
    ) -> Result<(), FsError> {
        self.parent_is_dir(container, path)?;
        let key = self.locate(container, path);
        let old = match self.entries.get(&key) {
            Some(Node::Dir) => return Err(FsError::IsADirectory),
            Some(Node::File(d)) => Some(d.len()),
            None => None,
        };
        let new_len = if append {
            old.unwrap_or(0) + data.len()
        } else {
            data.len()
        };
        let total = self.bytes - old.unwrap_or(0) + new_len;
        if new_len > self.limits.file_bytes
            || total > self.limits.pod_bytes
            || (old.is_none() && self.entries.len() >= self.limits.entries)
        {
            return Err(FsError::NoSpace(self.limits));
        }
        self.bytes = total;
        match self.entries.entry(key).or_insert(Node::File(Vec::new())) {
            Node::File(d) if append => d.extend_from_slice(data),
            node => *node = Node::File(data.to_vec()),
        }
        Ok(())
    }

    /// Creates a directory (and with `parents` its missing ancestors; an
    /// existing directory is then no error).
    pub fn mkdir(&mut self, container: &str, path: &str, parents: bool) -> Result<(), FsError> {
        if parents && let Some(p) = parent(path) {
            self.mkdir(container, p, true)?;
        }
        match self.kind(container, path) {
            Some(Kind::Dir) if parents => return Ok(()),
            Some(_) => return Err(FsError::Exists),
            None => {}
        }
        self.parent_is_dir(container, path)?;
        if self.entries.len() >= self.limits.entries {
            return Err(FsError::NoSpace(self.limits));
        }
        self.entries.insert(self.locate(container, path), Node::Dir);
        Ok(())
    }

    /// Removes a file, or a directory (non-empty ones only when
    /// `recursive`). Mount points and roots stay.
    pub fn remove(&mut self, container: &str, path: &str, recursive: bool) -> Result<(), FsError> {
        let (scope, p) = self.locate(container, path);
        let is_mount_point = self
            .mounts
            .values()
            .flatten()
            .any(|(m, _)| m.trim_end_matches('/') == path);
        if p == "/" || is_mount_point {
            return Err(FsError::Busy);
        }
        match self.entries.get(&(scope.clone(), p.clone())) {
            None => return Err(FsError::NotFound),
            Some(Node::File(d)) => {
                self.bytes -= d.len();
                self.entries.remove(&(scope, p));
                return Ok(());
            }
            Some(Node::Dir) => {}
        }
        let below: Vec<(Scope, String)> = self
            .entries
            .range((scope.clone(), format!("{p}/"))..)
            .take_while(|((s, q), _)| *s == scope && q.starts_with(&format!("{p}/")))
            .map(|(k, _)| k.clone())
            .collect();
        if !below.is_empty() && !recursive {
            return Err(FsError::NotEmpty);
        }
        for key in below.into_iter().chain([(scope, p)]) {
            if let Some(Node::File(d)) = self.entries.remove(&key) {
                self.bytes -= d.len();
            }
        }
        Ok(())
    }

    /// The names in a directory, sorted, each with its kind.
    pub fn list(&self, container: &str, path: &str) -> Result<Vec<(String, Kind)>, FsError> {
        let (scope, p) = self.locate(container, path);
        match self.entries.get(&(scope.clone(), p.clone())) {
            None => return Err(FsError::NotFound),
            Some(Node::File(_)) => return Err(FsError::NotADirectory),
            Some(Node::Dir) => {}
        }
        let prefix = if p == "/" { p } else { format!("{p}/") };
        Ok(self
            .entries
            .range((scope.clone(), prefix.clone())..)
            .take_while(|((s, q), _)| *s == scope && q.starts_with(&prefix))
            .filter_map(|((_, q), node)| {
                let name = &q[prefix.len()..];
                (!name.is_empty() && !name.contains('/')).then(|| {
                    let kind = match node {
                        Node::Dir => Kind::Dir,
                        Node::File(_) => Kind::File,
                    };
                    // A mount point shows as what the volume's root is: a directory.
                    (name.to_owned(), kind)
                })
            })
            .collect())
    }

    /// `path` and, for a directory, everything below it (depth first,
    /// parents before children), named relative to `path`'s parent:
    /// what `tar cf - path` archives.
    pub fn walk(&self, container: &str, path: &str) -> Result<Vec<WalkEntry>, FsError> {
        let base = path.rsplit('/').next().unwrap_or_default().to_owned();
        let mut out = Vec::new();
        self.walk_into(container, path, &base, &mut out)?;
        Ok(out)
    }

    fn walk_into(
        &self,
        container: &str,
        path: &str,
        name: &str,
        out: &mut Vec<WalkEntry>,
    ) -> Result<(), FsError> {
        match self.node(container, path) {
            None => Err(FsError::NotFound),
            Some(Node::File(d)) => {
                out.push((name.to_owned(), Some(d.clone())));
                Ok(())
            }
            Some(Node::Dir) => {
                out.push((name.to_owned(), None));
                for (child, _) in self.list(container, path)? {
                    let child_path = join(path, &child);
                    self.walk_into(container, &child_path, &join(name, &child), out)?;
                }
                Ok(())
            }
        }
    }

    fn parent_is_dir(&self, container: &str, path: &str) -> Result<(), FsError> {
        match parent(path).map(|p| self.kind(container, p)) {
            None | Some(Some(Kind::Dir)) => Ok(()),
            Some(Some(Kind::File)) => Err(FsError::NotADirectory),
            Some(None) => Err(FsError::NotFound),
        }
    }
}

/// The directory holding `path` (`None` for `/`).
pub fn parent(path: &str) -> Option<&str> {
    if path == "/" {
        return None;
    }
    match path.rfind('/') {
        Some(0) => Some("/"),
        Some(i) => Some(&path[..i]),
        None => None,
    }
}

/// `dir` + `/` + `name`.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{}/{name}", dir.trim_end_matches('/'))
    }
}

/// `path` made absolute against `cwd`, with `.`, `..` and repeated
/// slashes resolved.
pub fn normalize(cwd: &str, path: &str) -> String {
    let full = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in full.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> PodFiles {
        let mut fs = PodFiles::new(Limits {
            file_bytes: 10,
            pod_bytes: 15,
            entries: 40,
        });
        let shared = vec![("/data".to_owned(), "cache".to_owned())];
        fs.add_container("a", &shared, &["/tmp"], &[]).unwrap();
        let other = vec![("/srv/cache".to_owned(), "cache".to_owned())];
        fs.add_container(
            "b",
            &other,
            &["/tmp"],
            &[("/etc/hostname".into(), b"p\n".to_vec())],
        )
        .unwrap();
        fs
    }

    #[test]
    fn a_volume_is_shared_and_a_root_is_not() {
        let mut fs = pod();
        fs.write("a", "/data/x", b"hi", false).unwrap();
        assert_eq!(fs.read("b", "/srv/cache/x").unwrap(), b"hi");
        fs.write("a", "/tmp/y", b"1", false).unwrap();
        assert_eq!(fs.read("b", "/tmp/y"), Err(FsError::NotFound));
        assert_eq!(
            fs.list("b", "/srv").unwrap(),
            [("cache".to_owned(), Kind::Dir)]
        );
        assert_eq!(fs.read("b", "/etc/hostname").unwrap(), b"p\n");
        assert_eq!(fs.remove("a", "/data", true), Err(FsError::Busy));
    }

    #[test]
    fn limits_are_enforced_and_freed_space_is_reused() {
        let mut fs = pod();
        assert!(matches!(
            fs.write("a", "/tmp/big", &[0; 11], false),
            Err(FsError::NoSpace(_))
        ));
        fs.write("a", "/tmp/f", &[0; 10], false).unwrap();
        assert!(matches!(
            fs.write("a", "/tmp/g", &[0; 4], false),
            Err(FsError::NoSpace(_))
        ));
        fs.remove("a", "/tmp/f", false).unwrap();
        fs.write("a", "/tmp/g", &[0; 4], false).unwrap();
        fs.write("a", "/tmp/g", b"ab", true).unwrap();
        assert_eq!(fs.read("a", "/tmp/g").unwrap().len(), 6);
    }

    #[test]
    fn directories_nest_and_walk_in_order() {
        let mut fs = pod();
        fs.mkdir("a", "/tmp/d/e", true).unwrap();
        fs.write("a", "/tmp/d/e/f", b"x", false).unwrap();
        assert_eq!(fs.mkdir("a", "/tmp/d", false), Err(FsError::Exists));
        assert_eq!(fs.write("a", "/nope/f", b"", false), Err(FsError::NotFound));
        let names: Vec<String> = fs
            .walk("a", "/tmp/d")
            .unwrap()
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(names, ["d", "d/e", "d/e/f"]);
        assert_eq!(fs.remove("a", "/tmp/d", false), Err(FsError::NotEmpty));
        fs.remove("a", "/tmp/d", true).unwrap();
        assert_eq!(fs.kind("a", "/tmp/d/e"), None);
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("/tmp", "x/../y/./z"), "/tmp/y/z");
        assert_eq!(normalize("/", ".."), "/");
        assert_eq!(normalize("/a", "/b//c/"), "/b/c");
        assert_eq!(parent("/a"), Some("/"));
        assert_eq!(parent("/a/b"), Some("/a"));
    }
}
