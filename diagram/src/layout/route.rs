//! Relation routing: orthogonal paths through the free lanes between rows
//! and columns, chosen to cross no element box where any such path exists.
//!
//! Each relation leaves its source and enters its target at a port spread
//! along the box side (ordered by where the other end is, to limit crossings).
//! Candidate paths with one lane (three segments) or three lanes (five
//! segments) are scored by boxes crossed, then bends, then length.

use std::collections::HashMap;

use super::geometry::{Point, Rect, path_length};
use super::obstacles::Obstacles;
use super::{Channel, Edge, Placed, TextKind, TextLine};
use crate::model::Diagram;
use crate::text;

/// Keeps paths this far from boxes they pass.
const CLEARANCE: i32 = 3;
const NEAREST_LANES: usize = 4;
const MIDDLE_LANES: usize = 24;

pub(super) fn route_all(
    diagram: &Diagram,
    items: &[Placed],
    canvas: Rect,
    horizontal: &[Channel],
    vertical: &[Channel],
) -> Vec<Edge> {
    let by_id: HashMap<&str, &Placed> = items.iter().map(|p| (p.id.as_str(), p)).collect();
    let elements: Vec<&Placed> = items.iter().filter(|p| !p.is_boundary).collect();
    let box_index: HashMap<&str, usize> = elements
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let obstacles = Obstacles::new(
        elements.iter().map(|p| p.rect.inflate(CLEARANCE)).collect(),
        canvas.w,
        canvas.h,
    );
    let ports = Ports::new(diagram, &by_id);
    let mut edges = Vec::new();
    let mut taken: Vec<Rect> = items
        .iter()
        .flat_map(|p| p.texts.iter().map(TextLine::bounds))
        .collect();
    taken.extend(items.iter().filter(|p| !p.is_boundary).map(|p| p.rect));
    for (index, rel) in diagram.relations.iter().enumerate() {
        let (Some(s), Some(t)) = (by_id.get(rel.from.as_str()), by_id.get(rel.to.as_str())) else {
            continue;
        };
        if s.id == t.id {
            continue;
        }
        let (xs, ys) = ports.of(index, true);
        let (xt, yt) = ports.of(index, false);
        let skip = [box_index[s.id.as_str()], box_index[t.id.as_str()]];
        let router = Router {
            s: s.rect,
            t: t.rect,
            skip,
            obstacles: &obstacles,
        };
        let (points, crossings) = router.best(xs, ys, xt, yt, horizontal, vertical);
        let label = rel
            .label
            .as_ref()
            .and_then(|l| place_label(l, &points, canvas, &mut taken));
        edges.push(Edge {
            id: rel.id.clone(),
            from: rel.from.clone(),
            to: rel.to.clone(),
            points,
            label,
            crossings,
        });
    }
    edges
}

/// Where each relation attaches to its boxes.
struct Ports {
    /// (relation index, is source) → (x on top/bottom sides, y on left/right sides).
    at: HashMap<(usize, bool), (i32, i32)>,
}

impl Ports {
    fn new(diagram: &Diagram, by_id: &HashMap<&str, &Placed>) -> Ports {
        let mut per_box: HashMap<&str, Vec<(usize, bool, Point)>> = HashMap::new();
        for (i, r) in diagram.relations.iter().enumerate() {
            let (Some(s), Some(t)) = (by_id.get(r.from.as_str()), by_id.get(r.to.as_str())) else {
                continue;
            };
            per_box
                .entry(&s.id)
                .or_default()
                .push((i, true, (t.rect.cx(), t.rect.cy())));
            per_box
                .entry(&t.id)
                .or_default()
                .push((i, false, (s.rect.cx(), s.rect.cy())));
        }
        let mut at = HashMap::new();
        for (id, mut ends) in per_box {
            let r = by_id[id].rect;
            let n = ends.len() as i32;
            ends.sort_by_key(|&(i, src, p)| (p.0, p.1, i, src));
            let xs: Vec<i32> = (0..n).map(|k| r.x + r.w * (k + 1) / (n + 1)).collect();
            let mut by_y = ends.clone();
            by_y.sort_by_key(|&(i, src, p)| (p.1, p.0, i, src));
            for (k, e) in ends.iter().enumerate() {
                at.entry((e.0, e.1)).or_insert((0, 0)).0 = xs[k];
            }
            for (k, e) in by_y.iter().enumerate() {
                at.entry((e.0, e.1)).or_insert((0, 0)).1 = r.y + r.h * (k as i32 + 1) / (n + 1);
            }
        }
        Ports { at }
    }

    fn of(&self, relation: usize, source: bool) -> (i32, i32) {
        self.at[&(relation, source)]
    }
}

struct Router<'a> {
    s: Rect,
    t: Rect,
    /// Obstacle indices of the relation's own boxes.
    skip: [usize; 2],
    obstacles: &'a Obstacles,
}

impl Router<'_> {
    fn crossings(&self, points: &[Point]) -> usize {
        self.obstacles.count(points, self.skip)
    }

    fn is_clear(&self, points: &[Point]) -> bool {
        points
            .windows(2)
            .all(|w| self.obstacles.clear(w[0], w[1], self.skip))
    }

    /// The side of `r` facing the horizontal lane at `y`, if the lane is not level with `r`.
    fn vertical_exit(r: &Rect, y: i32) -> Option<i32> {
        if y <= r.y {
            Some(r.y)
        } else if y >= r.bottom() {
            Some(r.bottom())
        } else {
            None
        }
    }

    fn horizontal_exit(r: &Rect, x: i32) -> Option<i32> {
        if x <= r.x {
            Some(r.x)
        } else if x >= r.right() {
            Some(r.right())
        } else {
            None
        }
    }

    fn best(
        &self,
        xs: i32,
        ys: i32,
        xt: i32,
        yt: i32,
        horizontal: &[Channel],
        vertical: &[Channel],
    ) -> (Vec<Point>, usize) {
        let mut candidates: Vec<Vec<Point>> = Vec::new();
        let (s, t) = (&self.s, &self.t);
        // Straight across or straight down when the boxes face each other.
        let (lo_y, hi_y) = (s.y.max(t.y), s.bottom().min(t.bottom()));
        if hi_y - lo_y >= 8 {
            let y = (lo_y + hi_y) / 2;
            let (sx, tx) = if s.right() <= t.x {
                (s.right(), t.x)
            } else {
                (s.x, t.right())
            };
            candidates.push(vec![(sx, y), (tx, y)]);
        }
        let (lo_x, hi_x) = (s.x.max(t.x), s.right().min(t.right()));
        if hi_x - lo_x >= 8 {
            let x = (lo_x + hi_x) / 2;
            let (sy, ty) = if s.bottom() <= t.y {
                (s.bottom(), t.y)
            } else {
                (s.y, t.bottom())
            };
            candidates.push(vec![(x, sy), (x, ty)]);
        }
        // One horizontal lane: down/up, across, up/down.
        for h in horizontal {
            if let (Some(sy), Some(ty)) =
                (Self::vertical_exit(s, h.at), Self::vertical_exit(t, h.at))
            {
                candidates.push(vec![(xs, sy), (xs, h.at), (xt, h.at), (xt, ty)]);
            }
        }
        // One vertical lane: across, up/down, across.
        for v in vertical {
            if let (Some(sx), Some(tx)) = (
                Self::horizontal_exit(s, v.at),
                Self::horizontal_exit(t, v.at),
            ) {
                candidates.push(vec![(sx, ys), (v.at, ys), (v.at, yt), (tx, yt)]);
            }
        }
        // Three lanes: to a lane near the source, along a vertical lane, to a lane near the target.
        // Lanes a box can reach straight up or down, those towards the other box first.
        let near = |x: i32, r: &Rect, other: &Rect| -> Vec<(i32, i32)> {
            let (lo, hi) = (r.cy().min(other.cy()), r.cy().max(other.cy()));
            let mut lanes: Vec<(bool, i32, i32, i32)> = horizontal
                .iter()
                .filter(|h| h.from <= x && x <= h.to)
                .filter_map(|h| {
                    Self::vertical_exit(r, h.at)
                        .map(|side| (!(lo..=hi).contains(&h.at), (h.at - side).abs(), h.at, side))
                })
                .collect();
            lanes.sort_unstable();
            lanes.dedup();
            lanes.truncate(NEAREST_LANES);
            lanes.into_iter().map(|(_, _, y, side)| (y, side)).collect()
        };
        let mut middles: Vec<i32> = vertical.iter().map(|v| v.at).collect();
        middles.sort_by_key(|&x| ((x - xs).abs() + (x - xt).abs(), x));
        middles.dedup();
        middles.truncate(MIDDLE_LANES);
        for &(y1, sy) in &near(xs, s, t) {
            for &(y2, ty) in &near(xt, t, s) {
                for &x in &middles {
                    candidates.push(vec![
                        (xs, sy),
                        (xs, y1),
                        (x, y1),
                        (x, y2),
                        (xt, y2),
                        (xt, ty),
                    ]);
                }
            }
        }
        // Cheapest first (bends, then length): the first clear path is the best one.
        let mut scored: Vec<(usize, i64, Vec<Point>)> = candidates
            .into_iter()
            .map(simplify)
            .map(|c| (c.len(), path_length(&c), c))
            .collect();
        scored.sort();
        if let Some((_, _, points)) = scored.iter().find(|(_, _, c)| self.is_clear(c)) {
            return (points.clone(), 0);
        }
        // No template fits: search the grid of all lanes.
        let xl: Vec<i32> = vertical.iter().map(|v| v.at).collect();
        let yl: Vec<i32> = horizontal.iter().map(|h| h.at).collect();
        let free = |a: Point, b: Point| self.obstacles.clear(a, b, self.skip);
        if let Some(points) = super::grid::shortest(s, t, (xs, xt), &xl, &yl, &free) {
            return (simplify(points), 0);
        }
        // Nothing is clear: cross as few boxes as possible.
        let fallback = vec![(s.cx(), s.bottom()), (t.cx(), t.y)];
        scored
            .into_iter()
            .map(|(_, _, c)| (self.crossings(&c), c))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(n, c)| (c, n))
            .unwrap_or_else(|| {
                let n = self.crossings(&fallback);
                (fallback, n)
            })
    }
}

/// Drops zero-length segments and merges collinear ones.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    if out.len() == 1 {
        out.push(out[0]);
    }
    out
}

/// Puts the label beside the longest segment where it covers no box and no
/// other text; returns `None` when there is no such place.
fn place_label(
    label: &str,
    points: &[Point],
    canvas: Rect,
    taken: &mut Vec<Rect>,
) -> Option<TextLine> {
    let mut segments: Vec<(Point, Point)> = points.windows(2).map(|w| (w[0], w[1])).collect();
    segments.sort_by_key(|(a, b)| std::cmp::Reverse((a.0 - b.0).abs() + (a.1 - b.1).abs()));
    let text = text::fit(label, TextKind::RelationLabel.size(), false, 180.0);
    for (a, b) in segments.into_iter().take(3) {
        let candidates = if a.1 == b.1 {
            let x = (a.0 + b.0) / 2;
            vec![TextLine {
                text: text.clone(),
                kind: TextKind::RelationLabel,
                x,
                y: a.1 - 4,
                centered: true,
            }]
        } else {
            let y = (a.1 + b.1) / 2 + 4;
            vec![
                TextLine {
                    text: text.clone(),
                    kind: TextKind::RelationLabel,
                    x: a.0 + 4,
                    y,
                    centered: false,
                },
                TextLine {
                    text: text.clone(),
                    kind: TextKind::RelationLabel,
                    x: a.0 - 4 - text_width(&text),
                    y,
                    centered: false,
                },
            ]
        };
        for line in candidates {
            let bounds = line.bounds();
            let seg_len = (a.0 - b.0).abs().max((a.1 - b.1).abs());
            let fits_along = a.1 != b.1 || seg_len >= bounds.w + 8;
            if fits_along && canvas.contains(&bounds) && !taken.iter().any(|r| r.overlaps(&bounds))
            {
                taken.push(bounds);
                return Some(line);
            }
        }
    }
    None
}

fn text_width(s: &str) -> i32 {
    text::width(s, TextKind::RelationLabel.size(), false).ceil() as i32
}
