//! Geometric checks: no overlapping boxes or labels, boundaries holding their
//! contents, relations ending on their boxes, SVG that parses with usvg.

use std::collections::{HashMap, HashSet};

use diagram::layout::{Layout, Rect};
use diagram::model::{Diagram, Item};
use resvg::usvg;

/// Everything wrong with a layout, empty when it is sound.
pub fn layout_problems(d: &Diagram, l: &Layout) -> Vec<String> {
    let mut problems = Vec::new();
    let mut parent: HashMap<String, Option<String>> = HashMap::new();
    fn walk(items: &[Item], p: Option<&str>, parent: &mut HashMap<String, Option<String>>) {
        for item in items {
            parent.insert(item.id().to_string(), p.map(str::to_string));
            if let Item::Boundary(b) = item {
                walk(&b.items, Some(&b.id), parent);
            }
        }
    }
    walk(&d.items, None, &mut parent);
    let placed: HashMap<&str, &diagram::layout::Placed> =
        l.items.iter().map(|p| (p.id.as_str(), p)).collect();
    if placed.len() != parent.len() || l.items.len() != parent.len() {
        problems.push(format!(
            "{} items in the model, {} placed",
            parent.len(),
            l.items.len()
        ));
    }
    let canvas = Rect {
        x: 0,
        y: 0,
        w: l.width,
        h: l.height,
    };
    let ancestors = |id: &str| -> HashSet<String> {
        let mut out = HashSet::new();
        let mut cur = parent.get(id).cloned().flatten();
        while let Some(p) = cur {
            cur = parent.get(&p).cloned().flatten();
            out.insert(p);
        }
        out
    };
    for p in &l.items {
        if !canvas.contains(&p.rect) {
            problems.push(format!("{} lies outside the picture", p.id));
        }
        if let Some(Some(par)) = parent.get(&p.id)
            && !placed[par.as_str()].rect.contains(&p.rect)
        {
            problems.push(format!("{} sticks out of its boundary {par}", p.id));
        }
        for t in &p.texts {
            if !p.rect.contains(&t.bounds()) {
                problems.push(format!("text {:?} of {} leaves its box", t.text, p.id));
            }
        }
    }
    // Boxes: any two items, neither inside the other, must not overlap.
    let anc: HashMap<&str, HashSet<String>> = l
        .items
        .iter()
        .map(|p| (p.id.as_str(), ancestors(&p.id)))
        .collect();
    for (i, a) in l.items.iter().enumerate() {
        for b in &l.items[i + 1..] {
            let related = anc[a.id.as_str()].contains(&b.id) || anc[b.id.as_str()].contains(&a.id);
            if !related && a.rect.overlaps(&b.rect) {
                problems.push(format!("{} overlaps {}", a.id, b.id));
            }
        }
    }
    // Boundary texts must not run into the boundary's children.
    for p in l.items.iter().filter(|p| p.is_boundary) {
        for c in l
            .items
            .iter()
            .filter(|c| parent.get(&c.id).cloned().flatten().as_deref() == Some(&p.id))
        {
            if p.texts.iter().any(|t| t.bounds().overlaps(&c.rect)) {
                problems.push(format!("label of {} overlaps {}", p.id, c.id));
            }
        }
    }
    // Relations end on their boxes; their labels cover no box and no other label.
    let mut labels: Vec<(String, Rect)> = Vec::new();
    for e in &l.edges {
        let (Some(from), Some(to)) = (placed.get(e.from.as_str()), placed.get(e.to.as_str()))
        else {
            problems.push(format!("{} joins unknown boxes", e.id));
            continue;
        };
        let (first, last) = (e.points[0], *e.points.last().unwrap());
        if !from.rect.on_border(first) {
            problems.push(format!("{} does not start on {}", e.id, e.from));
        }
        if !to.rect.on_border(last) {
            problems.push(format!("{} does not end on {}", e.id, e.to));
        }
        if let Some(t) = &e.label {
            let b = t.bounds();
            if let Some(hit) = l
                .items
                .iter()
                .find(|p| !p.is_boundary && p.rect.overlaps(&b))
            {
                problems.push(format!("label of {} covers {}", e.id, hit.id));
            }
            if let Some((other, _)) = labels.iter().find(|(_, r)| r.overlaps(&b)) {
                problems.push(format!("label of {} covers label of {other}", e.id));
            }
            labels.push((e.id.clone(), b));
        }
    }
    if d.relations.len() != l.edges.len() {
        problems.push(format!(
            "{} relations, {} edges",
            d.relations.len(),
            l.edges.len()
        ));
    }
    problems
}

/// Parses the SVG with usvg and checks that no two element boxes overlap;
/// returns the number of element boxes found.
pub fn check_svg(svg: &str, d: &Diagram) -> usize {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).expect("SVG parses with usvg");
    let element_ids: HashSet<String> = d
        .elements()
        .iter()
        .map(|e| format!("ph-{}", e.id))
        .collect();
    let mut boxes: Vec<(String, usvg::Rect)> = Vec::new();
    fn walk(g: &usvg::Group, ids: &HashSet<String>, out: &mut Vec<(String, usvg::Rect)>) {
        for node in g.children() {
            if let usvg::Node::Group(child) = node {
                if ids.contains(child.id()) {
                    out.push((child.id().to_string(), child.abs_bounding_box()));
                }
                walk(child, ids, out);
            }
        }
    }
    walk(tree.root(), &element_ids, &mut boxes);
    assert_eq!(
        boxes.len(),
        element_ids.len(),
        "every element is a group with its id in the SVG"
    );
    for (i, (a, ra)) in boxes.iter().enumerate() {
        for (b, rb) in &boxes[i + 1..] {
            let overlap_w = ra.right().min(rb.right()) - ra.left().max(rb.left());
            let overlap_h = ra.bottom().min(rb.bottom()) - ra.top().max(rb.top());
            assert!(
                overlap_w <= 0.5 || overlap_h <= 0.5,
                "SVG boxes {a} and {b} overlap"
            );
        }
    }
    boxes.len()
}
