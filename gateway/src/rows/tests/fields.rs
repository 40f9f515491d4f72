//! The shared helpers: kubectl's durations, clipping, bounded lists.

use crate::rows::fields::{access_modes, clip_to, human_duration, list_with_more};

#[test]
fn durations_read_as_kubectl_prints_them() {
    let cases = [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (303, "5m3s"),
        (600, "10m"),
        (3 * 3600 - 1, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 20 * 60, "3h20m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (52 * 3600, "2d4h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (3 * 365 * 86400 + 12 * 86400, "3y12d"),
        (9 * 365 * 86400, "9y"),
    ];
    for (seconds, want) in cases {
        assert_eq!(human_duration(seconds), want, "{seconds}s");
        // The simulator's port of the same function agrees.
        let theirs = sim::table::human_duration(chrono::Duration::seconds(seconds));
        assert_eq!(human_duration(seconds), theirs, "{seconds}s");
    }
}

#[test]
fn clipping_respects_characters() {
    assert_eq!(clip_to("héllo", 2), "hé...");
    assert_eq!(clip_to("héllo", 5), "héllo");
    assert_eq!(clip_to("", 0), "");
    assert_eq!(clip_to("ab", 0), "...");
}

#[test]
fn bounded_lists() {
    assert_eq!(list_with_more(["a", "b"], 3, "<none>"), "a,b");
    assert_eq!(
        list_with_more(["a", "b", "c", "d", "e"], 3, "<none>"),
        "a,b,c + 2 more..."
    );
    assert_eq!(list_with_more(Vec::<&str>::new(), 3, "<unset>"), "<unset>");
    assert_eq!(
        access_modes(&serde_json::json!(["ReadWriteOncePod", "ReadOnlyMany", 7])),
        "ROX,RWOP"
    );
}
