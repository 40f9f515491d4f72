//! What HTTPS, authentication and RBAC cost a request (issue 9's benchmark
//! row "authenticated, RBAC-checked request overhead vs --insecure-http",
//! goal ≤ 10 %): the same requests against two simulators of the same
//! seed, one serving plain HTTP where every request is the admin (no
//! credentials, no RBAC evaluation), one serving HTTPS where the client
//! is a token user bound to `view` in `demo`, so each request is
//! authenticated and evaluated by RBAC. kube-rs clients keep their
//! connections alive, as Pilothouse's do, so the TLS handshake is paid
//! once per connection, not per request.
//!
//! Run: `cargo bench -p sim --bench auth_overhead`. Writes
//! `bench/results/sim-auth-latest.md`.

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use sim::auth::{TokenUser, UserInfo};
use sim::cluster::ClusterConfig;
use sim::{Sim, SimConfig, SimHandle};

const TOKEN: &str = "bench-viewer-token";
const GETS: usize = 2000;
const LISTS: usize = 200;
const ROUNDS: usize = 3;

async fn start(insecure_http: bool) -> anyhow::Result<SimHandle> {
    Ok(Sim::start(SimConfig {
        cluster: ClusterConfig {
            workers: 3,
            pods_per_node: 0,
            single_node: false,
        },
        insecure_http,
        tokens: vec![TokenUser {
            token: TOKEN.into(),
            user: UserInfo::authenticated("bench-viewer", "", &[]),
        }],
        // Requests only: no scheduler or kubelets writing meanwhile.
        behaviour: false,
        ..SimConfig::default()
    })
    .await?)
}

async fn client(yaml: &str) -> anyhow::Result<kube::Client> {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(yaml)?;
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await?;
    Ok(kube::Client::try_from(config)?)
}

/// Binds the token user to `view` in `demo`, as the admin.
async fn grant_view(sim: &SimHandle) -> anyhow::Result<()> {
    let admin = client(&sim.kubeconfig_yaml()).await?;
    let binding: k8s_openapi::api::rbac::v1::RoleBinding = serde_json::from_value(
        serde_json::json!({
            "metadata": {"name": "bench-viewer", "namespace": "demo"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "bench-viewer"}]
        }),
    )?;
    Api::namespaced(admin, "demo")
        .create(&Default::default(), &binding)
        .await?;
    Ok(())
}

/// Per-request latencies of `GETS` gets of one pod and `LISTS` lists of
/// the namespace's pods.
async fn measure(client: &kube::Client) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "demo");
    pods.get("myapp-pod").await?; // warm: connection, TLS, caches
    let mut gets = Vec::with_capacity(GETS);
    for _ in 0..GETS {
        let t = Instant::now();
        pods.get("myapp-pod").await?;
        gets.push(t.elapsed());
    }
    let mut lists = Vec::with_capacity(LISTS);
    for _ in 0..LISTS {
        let t = Instant::now();
        pods.list(&ListParams::default()).await?;
        lists.push(t.elapsed());
    }
    Ok((gets, lists))
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn median(mut v: Vec<Duration>) -> Duration {
    pct(&mut v, 0.5)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let plain = start(true).await?;
    let secure = start(false).await?;
    grant_view(&secure).await?;
    let plain_client = client(&plain.kubeconfig_yaml()).await?;
    let secure_client = client(&secure.kubeconfig_yaml_with_token(TOKEN)).await?;

    // Alternate the two, so load from elsewhere on the machine hits both.
    let mut rows: Vec<[Duration; 4]> = Vec::new(); // get p50, get p99, list p50, list p99
    let mut secure_rows: Vec<[Duration; 4]> = Vec::new();
    for round in 0..ROUNDS {
        for (which, c) in [
            (&mut rows, &plain_client),
            (&mut secure_rows, &secure_client),
        ] {
            let (mut gets, mut lists) = measure(c).await?;
            which.push([
                pct(&mut gets, 0.5),
                pct(&mut gets, 0.99),
                pct(&mut lists, 0.5),
                pct(&mut lists, 0.99),
            ]);
        }
        println!("round {} of {ROUNDS} done", round + 1);
    }
    let col = |rows: &[[Duration; 4]], i: usize| median(rows.iter().map(|r| r[i]).collect());
    let mut table = String::new();
    for (i, what) in [
        (0, "GET one pod, p50"),
        (1, "GET one pod, p99"),
        (2, "list demo's pods, p50"),
        (3, "list demo's pods, p99"),
    ] {
        let (a, b) = (col(&rows, i), col(&secure_rows, i));
        table.push_str(&format!(
            "| {what} | {} | {} | {:+.1} % |\n",
            us(a),
            us(b),
            (b.as_secs_f64() / a.as_secs_f64() - 1.0) * 100.0
        ));
    }
    let report = format!(
        "# sim: what HTTPS, authentication and RBAC cost a request (latest run)\n\n\
`cargo bench -p sim --bench auth_overhead` (release build; median over {ROUNDS} rounds of \
{GETS} gets and {LISTS} lists each, the two servers alternating; one kept-alive kube-rs \
client each; 3 workers, cluster behaviour off).\n\n\
| request | `--insecure-http`, admin (no RBAC) | HTTPS, token user, RBAC `view` | overhead |\n|---|---|---|---|\n{table}"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bench/results/sim-auth-latest.md");
    std::fs::write(&path, &report)?;
    println!("{report}");
    plain.shutdown().await;
    secure.shutdown().await;
    Ok(())
}
