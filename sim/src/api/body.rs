//! Reading request bodies under the size limit. An oversized body is read
//! to its end (up to [`DRAIN_LIMIT`]) and discarded before the 413 goes
//! out: answering while the client is still writing makes the connection
//! close under it, and kubectl then reports a broken pipe instead of the
//! API server's `RequestEntityTooLarge`.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

use super::{ApiError, MAX_BODY_BYTES};

/// Past this many bytes an oversized body is no longer drained.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// The whole body, or 413 if it is longer than [`MAX_BODY_BYTES`].
pub async fn read(body: Body) -> Result<Bytes, ApiError> {
    let mut body = body;
    let mut buf = BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(ApiError::bad_request("cannot read the request body"));
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen <= MAX_BODY_BYTES {
            buf.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(ApiError::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {MAX_BODY_BYTES}"),
        ));
    }
    Ok(buf.freeze())
}
