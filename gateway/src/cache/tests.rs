use super::*;
use crate::query::Sort;

fn row(ns: &str, name: &str, created: i64, app: &str) -> Row {
    Row {
        uid: format!("{ns}/{name}"),
        namespace: Some(ns.into()),
        name: name.into(),
        created: Some(created),
        labels: [("app".to_string(), app.to_string())].into(),
        ..Row::default()
    }
}

fn names(page: &ListPage) -> Vec<String> {
    page.rows.iter().map(|r| r.name.clone()).collect()
}

fn query(cache: &RowCache, q: &ListQuery) -> ListPage {
    let selector = LabelSelector::parse(&q.selector).unwrap();
    cache.query(q, &selector, SyncState::Synced, &mut |_| true)
}

fn sample() -> RowCache {
    let mut cache = RowCache::default();
    cache.replace_all(vec![
        row("b", "web-2", 30, "web"),
        row("a", "web-1", 10, "web"),
        row("a", "db-0", 20, "db"),
        row("c", "alpha", 40, "tools"),
    ]);
    cache
}

#[test]
fn sorted_by_name_across_namespaces_with_a_total() {
    let cache = sample();
    let page = query(
        &cache,
        &ListQuery {
            limit: 2,
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&page), ["alpha", "db-0"]);
    assert_eq!(page.total, 4);
    let next = query(
        &cache,
        &ListQuery {
            limit: 2,
            offset: 2,
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&next), ["web-1", "web-2"]);
    let desc = query(
        &cache,
        &ListQuery {
            sort: Sort::parse("-name"),
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&desc), ["web-2", "web-1", "db-0", "alpha"]);
}

#[test]
fn namespace_filter_and_selector_narrow_the_list() {
    let cache = sample();
    let in_a = query(
        &cache,
        &ListQuery {
            namespace: Some("a".into()),
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&in_a), ["db-0", "web-1"]);
    let fragment = query(
        &cache,
        &ListQuery {
            filter: "WEB".into(),
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&fragment), ["web-1", "web-2"]);
    let labelled = query(
        &cache,
        &ListQuery {
            selector: "app in (db,tools)".into(),
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&labelled), ["alpha", "db-0"]);
    assert_eq!(labelled.total, 2);
}

#[test]
fn sort_by_age_puts_the_youngest_first() {
    let cache = sample();
    let page = query(
        &cache,
        &ListQuery {
            sort: Sort::parse("age"),
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&page), ["alpha", "web-2", "db-0", "web-1"]);
    let oldest = query(
        &cache,
        &ListQuery {
            sort: Sort::parse("-age"),
            ..ListQuery::default()
        },
    );
    assert_eq!(names(&oldest), ["web-1", "db-0", "web-2", "alpha"]);
}

#[test]
fn a_relist_drops_ghosts_and_never_duplicates() {
    let mut cache = sample();
    cache.upsert(row("a", "web-1", 10, "web-v2"));
    assert_eq!(cache.len(), 4, "an update replaces, never adds");
    cache.replace_all(vec![row("a", "web-1", 10, "web"), row("d", "new", 50, "x")]);
    let all = query(&cache, &ListQuery::default());
    assert_eq!(names(&all), ["new", "web-1"]);
    assert_eq!(all.total, 2);
    assert!(cache.remove(Some("a"), "web-1"));
    assert!(!cache.remove(Some("a"), "web-1"));
    assert_eq!(names(&query(&cache, &ListQuery::default())), ["new"]);
}

#[test]
fn an_unchanged_row_does_not_bump_the_generation() {
    let mut cache = sample();
    let before = cache.generation();
    assert!(!cache.upsert(row("a", "web-1", 10, "web")));
    assert_eq!(cache.generation(), before);
    assert!(cache.upsert(row("a", "web-1", 11, "web")));
    assert!(cache.generation() > before);
}

#[test]
fn rows_of_namespaces_the_caller_may_not_see_are_never_returned() {
    let cache = sample();
    let selector = LabelSelector::default();
    let mut asked = Vec::new();
    let page = cache.query(
        &ListQuery::default(),
        &selector,
        SyncState::Synced,
        &mut |ns| {
            asked.push(ns.map(str::to_owned));
            ns == Some("a")
        },
    );
    assert_eq!(names(&page), ["db-0", "web-1"]);
    assert_eq!(page.total, 2, "the total counts only visible rows");
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), 3, "asked once per namespace: {asked:?}");
}

#[test]
fn the_counted_total_matches_the_walk_and_respects_visibility() {
    let mut cache = sample();
    cache.upsert(Row {
        uid: "node".into(),
        name: "node-1".into(),
        ..Row::default()
    });
    let selector = LabelSelector::default();
    let all = cache.query(
        &ListQuery::default(),
        &selector,
        SyncState::Synced,
        &mut |_| true,
    );
    assert_eq!(all.total, 5);
    let only_a = cache.query(
        &ListQuery::default(),
        &selector,
        SyncState::Synced,
        &mut |ns| ns == Some("a"),
    );
    assert_eq!(
        (only_a.total, names(&only_a)),
        (2, vec!["db-0".to_string(), "web-1".to_string()])
    );
    assert!(cache.remove(Some("a"), "db-0"));
    assert!(cache.remove(Some("a"), "web-1"));
    assert_eq!(cache.namespaces(), ["", "b", "c"]);
    let page = cache.query(
        &ListQuery {
            offset: 1,
            limit: 2,
            ..ListQuery::default()
        },
        &selector,
        SyncState::Synced,
        &mut |_| true,
    );
    assert_eq!(
        (page.total, names(&page)),
        (3, vec!["node-1".to_string(), "web-2".to_string()])
    );
}

#[test]
fn the_name_filter_ignores_case_without_allocating() {
    assert!(contains_ignoring_case("Web-Frontend-7f9", "frontend"));
    assert!(!contains_ignoring_case("web", "webs"));
    assert!(contains_ignoring_case("数据库-Primary", "primary"));
}

/// One node in the index: its name, its rows in slot order, and its
/// (namespace, pods, unhealthy) tallies.
type IndexedNode = (String, Vec<String>, Vec<(String, usize, usize)>);

/// What the node index says, node by node.
fn node_index(cache: &RowCache) -> Vec<IndexedNode> {
    let mut nodes: Vec<String> = cache.iter().filter_map(|r| r.node.clone()).collect();
    nodes.sort();
    nodes.dedup();
    nodes
        .into_iter()
        .map(|node| {
            let on = cache.on_node(&node).expect("a node with rows is indexed");
            let rows = on.rows().iter().map(|r| r.name.clone()).collect();
            let tallies = on
                .per_namespace()
                .iter()
                .map(|(ns, t)| (ns.clone(), t.pods, t.unhealthy))
                .collect();
            (node, rows, tallies)
        })
        .collect()
}

#[test]
fn the_node_index_follows_every_change_as_a_fresh_index_would() {
    let pod = |name: &str, node: Option<&str>, status: &str, created: i64| Row {
        node: node.map(str::to_owned),
        status: status.into(),
        ..row(
            if name.ends_with('x') { "b" } else { "a" },
            name,
            created,
            "web",
        )
    };
    let mut cache = RowCache::default();
    cache.replace_all(vec![
        pod("p1", Some("n1"), "Running", 30),
        pod("p2", Some("n1"), "Pending", 10),
        pod("p3x", Some("n2"), "Running", 20),
        pod("p4", None, "Pending", 40),
    ]);
    // Scheduled, moved, changed state, removed, added.
    cache.upsert(pod("p4", Some("n2"), "Running", 40));
    cache.upsert(pod("p1", Some("n2"), "Running", 30));
    cache.upsert(pod("p2", Some("n1"), "Running", 10));
    cache.upsert(pod("p3x", Some("n2"), "CrashLoopBackOff", 20));
    cache.remove(Some("a"), "p4");
    cache.upsert(pod("p5x", Some("n1"), "Running", 5));

    let mut fresh = RowCache::default();
    fresh.replace_all(cache.iter().map(|r| (**r).clone()).collect());
    let index = node_index(&cache);
    assert_eq!(index, node_index(&fresh));
    assert_eq!(
        index,
        [
            (
                "n1".to_owned(),
                vec!["p5x".to_owned(), "p2".to_owned()],
                vec![("a".to_owned(), 1, 0), ("b".to_owned(), 1, 0)]
            ),
            (
                "n2".to_owned(),
                vec!["p3x".to_owned(), "p1".to_owned()],
                vec![("a".to_owned(), 1, 0), ("b".to_owned(), 1, 1)]
            ),
        ]
    );
    cache.remove(Some("b"), "p5x");
    cache.remove(Some("a"), "p2");
    assert!(
        cache.on_node("n1").is_none(),
        "an empty node leaves the index"
    );
}
