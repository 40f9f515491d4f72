//! The `Date` header of every response, from the simulated clock. Clients
//! that follow the cluster's clock (Pilothouse's ages, like kubectl's) read
//! it; with a clock factor other than 1 the simulated time runs away from
//! the machine's, and a `Date` from the machine would make every age wrong.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::ApiState;

/// Sets `Date` to the simulated clock's now (hyper keeps a header the
/// service set rather than adding its own).
pub async fn date(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&http_date(state.store.clock().now())) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

/// An HTTP date (RFC 9110 IMF-fixdate): `Wed, 02 Dec 2026 12:30:00 GMT`.
pub fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_imf_fixdate() {
        let t = DateTime::parse_from_rfc3339("2026-12-02T09:05:03Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(http_date(t), "Wed, 02 Dec 2026 09:05:03 GMT");
        assert_eq!(
            DateTime::parse_from_rfc2822(&http_date(t)).unwrap(),
            t,
            "clients parse it back"
        );
    }
}
