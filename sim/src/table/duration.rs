//! kubectl's age format: a port of `HumanDuration` from
//! `k8s.io/apimachinery/pkg/util/duration`, which every AGE, LAST SEEN and
//! DURATION cell goes through.

/// A duration as kubectl prints ages: about two significant figures
/// (`45s`, `2m5s`, `42m`, `3h20m`, `20h`, `3d4h`, `120d`, `2y30d`, `9y`).
///
/// Up to one second in the future counts as `0s` (clock skew); further in
/// the future is `<invalid>`.
pub fn human_duration(d: chrono::Duration) -> String {
    // Whole seconds, truncated toward zero like Go's int(d.Seconds()).
    let seconds = d.num_seconds();
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 24 * 8 {
        return match hours % 24 {
            0 => format!("{days}d"),
            h => format!("{days}d{h}h"),
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    if hours < 24 * 365 * 8 {
        return match days % 365 {
            0 => format!("{years}y"),
            d => format!("{years}y{d}d"),
        };
    }
    format!("{years}y")
}

#[cfg(test)]
mod tests {
    use super::human_duration;
    use chrono::Duration;

    fn secs(s: i64) -> String {
        human_duration(Duration::seconds(s))
    }

    #[test]
    fn seconds_up_to_two_minutes() {
        assert_eq!(secs(0), "0s");
        assert_eq!(secs(59), "59s");
        assert_eq!(secs(119), "119s");
    }

    #[test]
    fn minutes_and_seconds_below_ten_minutes_dropping_zero_seconds() {
        assert_eq!(secs(120), "2m");
        assert_eq!(secs(125), "2m5s");
        assert_eq!(secs(9 * 60 + 59), "9m59s");
    }

    #[test]
    fn whole_minutes_below_three_hours() {
        assert_eq!(secs(10 * 60 + 30), "10m");
        assert_eq!(secs(179 * 60 + 59), "179m");
    }

    #[test]
    fn hours_and_minutes_below_eight_hours() {
        assert_eq!(secs(3 * 3600), "3h");
        assert_eq!(secs(3 * 3600 + 20 * 60 + 7), "3h20m");
        assert_eq!(secs(7 * 3600 + 59 * 60), "7h59m");
    }

    #[test]
    fn whole_hours_below_two_days() {
        assert_eq!(secs(8 * 3600 + 59 * 60), "8h");
        assert_eq!(secs(47 * 3600), "47h");
    }

    #[test]
    fn days_and_hours_below_eight_days() {
        assert_eq!(secs(48 * 3600), "2d");
        assert_eq!(secs(3 * 86400 + 4 * 3600), "3d4h");
    }

    #[test]
    fn days_then_years() {
        assert_eq!(secs(8 * 86400), "8d");
        assert_eq!(secs(729 * 86400), "729d");
        assert_eq!(secs(730 * 86400), "2y");
        assert_eq!(secs(760 * 86400), "2y30d");
        assert_eq!(secs(9 * 365 * 86400), "9y");
    }

    #[test]
    fn slightly_future_is_zero_and_far_future_is_invalid() {
        assert_eq!(human_duration(Duration::milliseconds(-1500)), "0s");
        assert_eq!(secs(-1), "0s");
        assert_eq!(secs(-2), "<invalid>");
    }
}
