//! The processes under test and what is read from them: `pilothouse sim`
//! and `pilothouse serve` started from the built binary, their resident
//! memory, and a counting TCP relay between Pilothouse and the cluster
//! (bytes Pilothouse sends upstream are requests; none may flow while
//! pages are served from the cache).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

/// The `pilothouse` binary: `--bin PATH`, or `target/release/pilothouse`
/// beside this benchmark's executable (`target/release/deps/gateway-…`).
pub fn find_binary(arg: Option<&str>) -> Result<PathBuf> {
    if let Some(path) = arg {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let candidate = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("pilothouse"))
        .context("no directory above the benchmark executable")?;
    if !candidate.exists() {
        bail!(
            "{} not found: run `cargo build --release -p server --bin pilothouse` or pass --bin PATH",
            candidate.display()
        );
    }
    Ok(candidate)
}

/// A free loopback port (free when asked; the child binds it soon after).
pub fn free_addr() -> Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// Starts `bin args…` with its output in `log`; killed when dropped.
pub fn spawn(bin: &Path, args: &[&str], envs: &[(&str, &str)], log: &Path) -> Result<Child> {
    let out = std::fs::File::create(log)?;
    let mut command = Command::new(bin);
    command
        .args(args)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .kill_on_drop(true);
    for (k, v) in envs {
        command.env(k, v);
    }
    command
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))
}

/// A `pilothouse sim` of its own, serving.
pub struct Sim {
    pub child: Child,
    pub addr: SocketAddr,
    /// The kubeconfig it wrote.
    pub kubeconfig: PathBuf,
}

/// Starts `pilothouse sim --nodes N --pods-per-node P` on a free loopback
/// port, its kubeconfig and log in `dir`; returns once it answers
/// `/version` (a 5,000-node cluster takes a while to seed).
pub async fn start_sim(bin: &Path, nodes: usize, per_node: usize, dir: &Path) -> Result<Sim> {
    let addr = free_addr()?;
    let kubeconfig = dir.join("kubeconfig.yaml");
    let (n, p, listen) = (nodes.to_string(), per_node.to_string(), addr.to_string());
    let k = kubeconfig.to_string_lossy().into_owned();
    let args = [
        "sim",
        "--listen",
        &listen,
        "--nodes",
        &n,
        "--pods-per-node",
        &p,
        "--kubeconfig-out",
        &k,
        // The benchmarks' own probes (readiness, pod creations from the
        // browser script) speak plain HTTP to the cluster; Pilothouse's
        // side is measured the same either way.
        "--insecure-http",
    ];
    let child = spawn(bin, &args, &[], &dir.join("sim.log"))?;
    wait_file(&kubeconfig, Duration::from_secs(900)).await?;
    crate::client::wait_ok(addr, "/version", Duration::from_secs(900)).await?;
    Ok(Sim {
        child,
        addr,
        kubeconfig,
    })
}

/// VmRSS of a process, in MiB.
pub fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Waits for a file to exist.
pub async fn wait_file(path: &Path, timeout: Duration) -> Result<()> {
    let until = Instant::now() + timeout;
    while !path.exists() {
        if Instant::now() > until {
            bail!("{} not written within {timeout:?}", path.display());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// A TCP relay to `target` that counts the bytes sent towards it.
pub struct Relay {
    pub addr: SocketAddr,
    upstream: Arc<AtomicU64>,
    connections: Arc<AtomicU64>,
}

impl Relay {
    pub async fn start(target: SocketAddr) -> Result<Self> {
        // The sim only answers requests whose `Host` names it (its guard
        // against DNS rebinding): on IPv6 loopback with the sim's port,
        // the relay's address is one of those names.
        let listener = TcpListener::bind(("::1", target.port())).await?;
        let addr = listener.local_addr()?;
        let upstream = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let (up, conns) = (upstream.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let Ok(outbound) = TcpStream::connect(target).await else {
                    continue;
                };
                conns.fetch_add(1, Ordering::Relaxed);
                let _ = (inbound.set_nodelay(true), outbound.set_nodelay(true));
                let (in_read, in_write) = inbound.into_split();
                let (out_read, out_write) = outbound.into_split();
                tokio::spawn(pump(in_read, out_write, Some(up.clone())));
                tokio::spawn(pump(out_read, in_write, None));
            }
        });
        Ok(Self {
            addr,
            upstream,
            connections,
        })
    }

    /// Bytes sent to the cluster so far, and connections opened.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.upstream.load(Ordering::Relaxed),
            self.connections.load(Ordering::Relaxed),
        )
    }
}

async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, counter: Option<Arc<AtomicU64>>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(c) = &counter {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
