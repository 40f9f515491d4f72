//! Property tests on random clusters (up to 200 nodes and 5,000 pods): the
//! layout never overlaps boxes or labels, every relation ends on its boxes,
//! and a second run gives byte-identical output.

mod common;

use common::geometry::layout_problems;
use common::synthetic::{Shape, cluster};
use diagram::layout::layout;
use diagram::{Options, render};
use proptest::prelude::*;

fn shapes(max_nodes: usize, max_pods: usize) -> impl Strategy<Value = Shape> {
    (
        1..=max_nodes,
        0..=max_pods,
        0usize..=3,
        1usize..=5,
        1usize..=3,
        1usize..=14,
        any::<u64>(),
    )
        .prop_map(
            |(nodes, pods, control_plane, pools, zones, namespaces, seed)| Shape {
                nodes,
                pods,
                control_plane: control_plane.min(nodes),
                pools,
                zones,
                namespaces,
                seed,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn large_clusters_group_without_overlaps_and_deterministically(shape in shapes(200, 5000)) {
        let objects = cluster(&shape);
        let d = diagram::topology(&objects, &Options::default()).unwrap();
        let l = layout(&d);
        let problems = layout_problems(&d, &l);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert!(d.elements().len() <= 400, "{} boxes: not aggregated", d.elements().len());
        let again = diagram::topology(&cluster(&shape), &Options::default()).unwrap();
        prop_assert_eq!(render::svg(&d), render::svg(&again));
        prop_assert_eq!(render::plantuml(&d), render::plantuml(&again));
    }

    #[test]
    fn expanded_groups_stay_sound(shape in shapes(200, 3000), pick in any::<prop::sample::Index>()) {
        let objects = cluster(&shape);
        let grouped = diagram::topology(&objects, &Options::default()).unwrap();
        let groups: Vec<String> = grouped.boundaries().iter().filter(|b| b.id.starts_with("group_")).map(|b| b.id.clone()).collect();
        prop_assume!(!groups.is_empty());
        let options = Options { expand: vec![pick.get(&groups).clone()], ..Options::default() };
        let d = diagram::topology(&objects, &options).unwrap();
        let l = layout(&d);
        let problems = layout_problems(&d, &l);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert!(d.elements().len() > grouped.elements().len(), "expanding shows more");
    }

    #[test]
    fn detailed_small_clusters_route_around_boxes(shape in shapes(12, 120)) {
        let objects = cluster(&shape);
        let d = diagram::topology(&objects, &Options::default()).unwrap();
        let l = layout(&d);
        let problems = layout_problems(&d, &l);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let crossing: Vec<&str> = l.edges.iter().filter(|e| e.crossings > 0).map(|e| e.id.as_str()).collect();
        prop_assert!(crossing.is_empty(), "edges crossing boxes: {:?}", crossing);
        common::geometry::check_svg(&render::svg_with_layout(&d, &l), &d);
    }
}
