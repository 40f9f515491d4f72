//! Every response's `Date` follows the simulated clock, which the default
//! test simulator runs 20 times faster than real time: clients that age
//! objects by the server's clock (Pilothouse, kubectl) agree with the
//! timestamps the cluster writes.

mod common;

use chrono::{DateTime, SubsecRound};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_the_simulated_clock_as_date() {
    let sim = common::start().await;
    let client = sim.client().await;
    let clock = sim.handle.store().clock().clone();
    let before = clock.now().trunc_subsecs(0);
    let request = http::Request::get("/version")
        .body(kube::client::Body::empty())
        .unwrap();
    let response = client.send(request).await.unwrap();
    let after = clock.now();
    let date = response.headers()[http::header::DATE].to_str().unwrap();
    let date = DateTime::parse_from_rfc2822(date).expect("an HTTP date");
    assert!(
        before <= date && date <= after,
        "Date {date} within the simulated clock's {before} ..= {after}"
    );
    sim.shutdown().await;
}
