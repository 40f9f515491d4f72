//! A diagram as a page shows it: the `diagram` crate's SVG with each box
//! that stands for an object linked to that object's page, and each node
//! pool of a large cluster linked to the same topology with the pool drawn
//! node by node. Server-side: the browser receives finished SVG.

use diagram::render::{LinkFn, svg_linked};
use diagram::{Diagram, Target};

use crate::pages::cluster::{detail_path, encode};

/// The kind of target the topology gives a node pool (`Target::kind`).
const NODE_GROUP: &str = "NodeGroup";

/// `diagram` as inline SVG for a page of `cluster`, whose topology has the
/// node groups `expanded` drawn node by node.
pub fn page_svg(cluster: &str, diagram: &Diagram, expanded: &[String]) -> String {
    let link = |target: &Target| -> Option<String> {
        if target.kind == NODE_GROUP {
            return Some(topology_path(cluster, &toggled(expanded, &target.name)));
        }
        let slug = gateway::diagram_query::kind_slug(target.kind)?;
        Some(detail_path(
            cluster,
            slug,
            target.namespace.as_deref(),
            &target.name,
        ))
    };
    let link: LinkFn<'_> = &link;
    svg_linked(diagram, &diagram::layout::layout(diagram), link)
}

/// The topology page of `cluster` with `expand` drawn node by node.
pub fn topology_path(cluster: &str, expand: &[String]) -> String {
    let base = format!("/c/{}/topology", encode(cluster));
    if expand.is_empty() {
        base
    } else {
        let list: Vec<String> = expand.iter().map(|e| encode(e)).collect();
        format!("{base}?expand={}", list.join(","))
    }
}

/// `expanded` with `group` added, or removed when it was there (a second
/// click folds the pool again).
fn toggled(expanded: &[String], group: &str) -> Vec<String> {
    if expanded.iter().any(|e| e == group) {
        expanded.iter().filter(|e| *e != group).cloned().collect()
    } else {
        let mut out = expanded.to_vec();
        out.push(group.to_owned());
        out
    }
}
