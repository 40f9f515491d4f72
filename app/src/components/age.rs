//! Ages as kubectl prints them (`45s`, `3m12s`, `5h`, `2d3h`), measured
//! against the cluster's clock, never the browser's.

/// The age of something created at `created` (Unix seconds) when the
/// cluster's clock reads `now_ms`.
pub fn age(now_ms: i64, created: Option<i64>) -> String {
    match created {
        Some(created) => human_duration((now_ms / 1000 - created).max(0)),
        None => "<unknown>".into(),
    }
}

/// kubectl's `HumanDuration`: two units while the first is small, one after.
pub fn human_duration(seconds: i64) -> String {
    let (m, h, d) = (seconds / 60, seconds / 3600, seconds / 86_400);
    let y = d / 365;
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if m < 10 => match s % 60 {
            0 => format!("{m}m"),
            rest => format!("{m}m{rest}s"),
        },
        _ if h < 3 => format!("{m}m"),
        _ if h < 8 => match m % 60 {
            0 => format!("{h}h"),
            rest => format!("{h}h{rest}m"),
        },
        _ if h < 48 => format!("{h}h"),
        _ if h < 192 => match h % 24 {
            0 => format!("{d}d"),
            rest => format!("{d}d{rest}h"),
        },
        _ if y < 2 => format!("{d}d"),
        _ if y < 8 => match d % 365 {
            0 => format!("{y}y"),
            rest => format!("{y}y{rest}d"),
        },
        _ => format!("{y}y"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_kubectl() {
        for (seconds, text) in [
            (0, "0s"),
            (119, "119s"),
            (120, "2m"),
            (192, "3m12s"),
            (3 * 3600 - 1, "179m"),
            (5 * 3600, "5h"),
            (5 * 3600 + 60, "5h1m"),
            (30 * 3600, "30h"),
            (51 * 3600, "2d3h"),
            (20 * 86_400, "20d"),
            (3 * 365 * 86_400 + 86_400, "3y1d"),
            (9 * 365 * 86_400, "9y"),
        ] {
            assert_eq!(human_duration(seconds), text, "{seconds}");
        }
        assert_eq!(age(10_000, Some(5)), "5s");
        assert_eq!(
            age(0, Some(5)),
            "0s",
            "a clock behind the object never gives a negative age"
        );
    }
}
