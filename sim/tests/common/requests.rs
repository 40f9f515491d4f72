//! A kube-rs middleware that puts every request of the tests' clients
//! under [`within`], named by its method and path: a request the
//! simulator never answers fails the test with that name, wherever the
//! test or a watcher made it. The limit covers the wait for the
//! response's head; a watch's body then streams for as long as it lasts.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{TIMEOUT, within};

/// [`tower::Service`] wrapper; layer it with `tower::layer::layer_fn(Limited)`.
#[derive(Clone)]
pub struct Limited<S>(pub S);

impl<S, B> tower::Service<http::Request<B>> for Limited<S>
where
    S: tower::Service<http::Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let what = format!("an answer to {} {}", request.method(), request.uri());
        let answer = self.0.call(request);
        Box::pin(async move { within(&what, TIMEOUT, answer).await })
    }
}
