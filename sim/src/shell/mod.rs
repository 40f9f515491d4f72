//! The simulated containers' shell: what `kubectl exec`, `kubectl cp` and
//! `kubectl attach` run (`api/exec.rs` carries the streams).
//!
//! Pure and synchronous: a session runs on a blocking thread and talks to
//! the world only through [`Io`] (stdin, stdout, stderr, simulated sleep),
//! so everything here is unit-tested without a server. Its parts:
//! `parser.rs` (the POSIX-shell subset), `interpreter.rs` (expansion,
//! pipelines, redirections), `commands.rs` (echo, env, cat, ls, nslookup,
//! …), `text.rs` (head, tail, wc, grep, sort, uniq), `archive.rs` (tar for `kubectl cp`), `context.rs` (what a container
//! knows: environment, DNS, kubelet-written files), `fs.rs` (the pod's
//! bounded in-memory files, volumes shared between its containers) and
//! `terminal.rs` (echo and line editing for `exec -t`).
//! The command set is listed in `sim/DESIGN.md`, "Exec".

mod archive;
mod commands;
mod context;
pub mod fs;
mod interpreter;
mod parser;
pub mod terminal;
mod text;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use context::{ContainerContext, ServiceRecord, projected_files};
pub use fs::{FsError, Limits, PodFiles};
pub use interpreter::{Input, Io, Shell};

/// Directories every simulated container image has.
const IMAGE_DIRS: [&str; 12] = [
    "/bin",
    "/dev",
    "/etc",
    "/home",
    "/proc",
    "/root",
    "/sys",
    "/tmp",
    "/usr/bin",
    "/usr/local/bin",
    "/var/log",
    "/var/run",
];

/// Runs `argv` as a process of the container (no shell parsing of its
/// words, as the container runtime does); `stdin` says whether the
/// session has one. Returns the exit status.
pub fn exec(
    ctx: &ContainerContext,
    files: Arc<Mutex<PodFiles>>,
    argv: &[String],
    stdin: bool,
    io: &mut dyn Io,
) -> i32 {
    let mut sh = Shell::new(ctx, files, io);
    let mut input = if stdin { Input::Session } else { Input::Empty };
    sh.run_argv(argv, &mut input)
}

/// Identifies one pod instance: a pod re-created under the same name gets
/// new files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PodKey {
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

/// The files of every pod someone exec'ed into, kept while the pod lives.
#[derive(Clone, Default)]
pub struct PodFileSystems {
    pods: Arc<Mutex<HashMap<PodKey, Arc<Mutex<PodFiles>>>>>,
}

impl PodFileSystems {
    /// The files of `pod`, with `ctx`'s container set up on first use.
    /// First forgets every pod for which `alive` is false, so files go
    /// with their pods.
    pub fn open(
        &self,
        pod: PodKey,
        ctx: &ContainerContext,
        alive: impl Fn(&PodKey) -> bool,
    ) -> Result<Arc<Mutex<PodFiles>>, FsError> {
        let files = {
            let mut pods = self.pods.lock().unwrap_or_else(|e| e.into_inner());
            pods.retain(|k, _| *k == pod || alive(k));
            pods.entry(pod)
                .or_insert_with(|| Arc::new(Mutex::new(PodFiles::new(Limits::default()))))
                .clone()
        };
        {
            let mut f = files.lock().unwrap_or_else(|e| e.into_inner());
            if !f.has_container(&ctx.container) {
                f.add_container(&ctx.container, &ctx.mounts, &IMAGE_DIRS, &ctx.files())?;
            }
        }
        Ok(files)
    }

    /// How many pods have files (for tests of their removal).
    pub fn len(&self) -> usize {
        self.pods.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests;
