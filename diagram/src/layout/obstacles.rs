//! Element boxes bucketed on a coarse grid, so "does this segment cross a box?"
//! looks only at the boxes near the segment.

use super::geometry::{Point, Rect};

const CELL: i32 = 256;

/// Boxes that relations must not cross.
pub(super) struct Obstacles {
    rects: Vec<Rect>,
    cols: i32,
    rows: i32,
    buckets: Vec<Vec<usize>>,
}

impl Obstacles {
    /// Buckets `rects` over a `width` × `height` picture.
    pub(super) fn new(rects: Vec<Rect>, width: i32, height: i32) -> Obstacles {
        let cols = width / CELL + 1;
        let rows = height / CELL + 1;
        let mut buckets = vec![Vec::new(); (cols * rows) as usize];
        for (i, r) in rects.iter().enumerate() {
            let (c0, r0, c1, r1) = Self::span(cols, rows, r.x, r.y, r.right(), r.bottom());
            for row in r0..=r1 {
                for col in c0..=c1 {
                    buckets[(row * cols + col) as usize].push(i);
                }
            }
        }
        Obstacles {
            rects,
            cols,
            rows,
            buckets,
        }
    }

    fn span(cols: i32, rows: i32, x0: i32, y0: i32, x1: i32, y1: i32) -> (i32, i32, i32, i32) {
        let clamp_c = |x: i32| (x.div_euclid(CELL)).clamp(0, cols - 1);
        let clamp_r = |y: i32| (y.div_euclid(CELL)).clamp(0, rows - 1);
        (
            clamp_c(x0.min(x1)),
            clamp_r(y0.min(y1)),
            clamp_c(x0.max(x1)),
            clamp_r(y0.max(y1)),
        )
    }

    /// Indices of boxes that the segment `a`–`b` crosses, except those in `skip`, each once.
    fn crossed(&self, a: Point, b: Point, skip: [usize; 2], out: &mut Vec<usize>) {
        let (c0, r0, c1, r1) = Self::span(self.cols, self.rows, a.0, a.1, b.0, b.1);
        for row in r0..=r1 {
            for col in c0..=c1 {
                for &i in &self.buckets[(row * self.cols + col) as usize] {
                    if !skip.contains(&i) && !out.contains(&i) && self.rects[i].crossed_by(a, b) {
                        out.push(i);
                    }
                }
            }
        }
    }

    /// True when the segment crosses no box outside `skip`.
    pub(super) fn clear(&self, a: Point, b: Point, skip: [usize; 2]) -> bool {
        let mut hit = Vec::new();
        self.crossed(a, b, skip, &mut hit);
        hit.is_empty()
    }

    /// How many boxes outside `skip` the polyline crosses.
    pub(super) fn count(&self, points: &[Point], skip: [usize; 2]) -> usize {
        let mut hit = Vec::new();
        for w in points.windows(2) {
            self.crossed(w[0], w[1], skip, &mut hit);
        }
        hit.len()
    }
}
