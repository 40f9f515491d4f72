//! Where to go after signing in: only a path on this site.
//!
//! Browsers are lenient in ways a prefix check misses: they drop tabs and
//! newlines from URLs (`/%09/evil.example` becomes `//evil.example`), treat
//! `\` as `/`, and some proxies decode `%2F` before routing. So the value is
//! refused outright if it has anything a browser might reinterpret, then
//! parsed as the browser would, and only a result on the same origin is
//! kept, re-serialised by the parser (which also percent-encodes anything
//! that is not plain ASCII, keeping the `Location` header valid).

use percent_encoding::percent_decode_str;
use url::{Position, Url};

/// The base the value is resolved against; never shown to anyone.
const BASE: &str = "http://pilothouse.invalid/";

/// `raw` as a same-origin path (with its query and fragment), or `None`
/// when it is not one or would lead back to the sign-in page.
pub fn same_origin_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || has_ambiguous_chars(raw) {
        return None;
    }
    let path = raw.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if has_ambiguous_chars(&decoded) || decoded.starts_with("//") {
        return None;
    }
    let base = Url::parse(BASE).expect("a valid base URL");
    let url = base.join(raw).ok()?;
    let same_origin = url.origin() == base.origin() && url.username().is_empty();
    if !same_origin || url.path().starts_with("//") || url.path() == "/login" {
        return None;
    }
    Some(url[Position::BeforePath..].to_owned())
}

/// Characters a browser drops or reinterprets, and a leading `//`.
fn has_ambiguous_chars(s: &str) -> bool {
    s.starts_with("//")
        || s.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::same_origin_path;

    #[test]
    fn ordinary_paths_and_queries_are_kept() {
        for path in [
            "/",
            "/workloads",
            "/workloads?ns=default&kind=Pod",
            "/a/b#c",
        ] {
            assert_eq!(same_origin_path(path).as_deref(), Some(path), "{path}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "\\evil.example",
            "/\\evil.example",
            "//evil.example",
            "///evil.example",
            "https://evil.example/",
            "https:evil.example",
            "javascript:alert(1)",
            "/%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%2f/evil.example",
            " /workloads",
            "relative",
            "",
            "/login",
            "/login?next=/",
        ] {
            assert_eq!(same_origin_path(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn non_ascii_is_percent_encoded_for_the_location_header() {
        assert_eq!(
            same_origin_path("/名前").as_deref(),
            Some("/%E5%90%8D%E5%89%8D")
        );
    }
}
