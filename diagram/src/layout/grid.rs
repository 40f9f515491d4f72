//! Fallback routing: a shortest orthogonal path over the grid of all lanes,
//! for the rare relation the lane templates in [`super::route`] cannot lead
//! around every box.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::geometry::{Point, Rect};

/// Cost of a bend, in units of length: prefer fewer turns.
const BEND: i64 = 40;

/// Shortest path from the port `(xs, ·)` on `s` to the port `(xt, ·)` on `t`
/// running only along lane coordinates `x_lanes` × `y_lanes`, every segment
/// accepted by `free`; `None` when there is none.
pub(super) fn shortest(
    s: &Rect,
    t: &Rect,
    (xs, xt): (i32, i32),
    x_lanes: &[i32],
    y_lanes: &[i32],
    free: &dyn Fn(Point, Point) -> bool,
) -> Option<Vec<Point>> {
    let mut xsv: Vec<i32> = x_lanes.iter().copied().chain([xs, xt]).collect();
    xsv.sort_unstable();
    xsv.dedup();
    let mut ysv: Vec<i32> = y_lanes.to_vec();
    ysv.sort_unstable();
    ysv.dedup();
    let (nx, ny) = (xsv.len(), ysv.len());
    let side = |r: &Rect, y: i32| {
        if y <= r.y {
            Some(r.y)
        } else if y >= r.bottom() {
            Some(r.bottom())
        } else {
            None
        }
    };
    let si = xsv.binary_search(&xs).ok()?;
    let ti = xsv.binary_search(&xt).ok()?;
    // State: (x index, y index, arrived vertically?).
    let idx = |x: usize, y: usize, v: bool| (x * ny + y) * 2 + usize::from(v);
    let mut dist = vec![i64::MAX; nx * ny * 2];
    let mut prev = vec![usize::MAX; nx * ny * 2];
    let mut heap = BinaryHeap::new();
    for (yi, &y) in ysv.iter().enumerate() {
        if let Some(sy) = side(s, y)
            && free((xs, sy), (xs, y))
        {
            let d = i64::from((y - sy).abs());
            let k = idx(si, yi, true);
            if d < dist[k] {
                dist[k] = d;
                heap.push(Reverse((d, k)));
            }
        }
    }
    let mut best: Option<(i64, usize, i32)> = None;
    while let Some(Reverse((d, k))) = heap.pop() {
        if d > dist[k] || best.is_some_and(|b| d >= b.0) {
            continue;
        }
        let (cell, vertical) = (k / 2, k % 2 == 1);
        let (xi, yi) = (cell / ny, cell % ny);
        let here = (xsv[xi], ysv[yi]);
        if xi == ti
            && let Some(ty) = side(t, here.1)
            && free(here, (xt, ty))
        {
            let total = d + i64::from((here.1 - ty).abs()) + if vertical { 0 } else { BEND };
            if best.is_none_or(|b| total < b.0) {
                best = Some((total, k, ty));
            }
        }
        let steps = [
            (xi.wrapping_sub(1), yi, false),
            (xi + 1, yi, false),
            (xi, yi.wrapping_sub(1), true),
            (xi, yi + 1, true),
        ];
        for (x2, y2, v2) in steps {
            if x2 >= nx || y2 >= ny {
                continue;
            }
            let there = (xsv[x2], ysv[y2]);
            if !free(here, there) {
                continue;
            }
            let step = i64::from((there.0 - here.0).abs() + (there.1 - here.1).abs());
            let nd = d + step + if v2 == vertical { 0 } else { BEND };
            let k2 = idx(x2, y2, v2);
            if nd < dist[k2] {
                dist[k2] = nd;
                prev[k2] = k;
                heap.push(Reverse((nd, k2)));
            }
        }
    }
    let (_, mut k, ty) = best?;
    let mut points = vec![(xt, ty)];
    loop {
        let cell = k / 2;
        points.push((xsv[cell / ny], ysv[cell % ny]));
        if prev[k] == usize::MAX {
            break;
        }
        k = prev[k];
    }
    let start = points.last().copied()?;
    points.push((xs, side(s, start.1)?));
    points.reverse();
    Some(points)
}
