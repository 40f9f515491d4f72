//! Live updates: the stream's protocol, shared by server and browser, and
//! (in the browser) the one stream per tab that pages subscribe through.

#[cfg(feature = "hydrate")]
pub mod client;
pub mod protocol;
