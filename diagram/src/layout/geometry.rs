//! Integer geometry for layout and its checks: rectangles, points, segment tests.

/// An axis-aligned rectangle in SVG user units (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

/// A point in SVG user units.
pub type Point = (i32, i32);

impl Rect {
    /// x of the right edge.
    pub fn right(&self) -> i32 {
        self.x + self.w
    }
    /// y of the bottom edge.
    pub fn bottom(&self) -> i32 {
        self.y + self.h
    }
    /// x of the centre.
    pub fn cx(&self) -> i32 {
        self.x + self.w / 2
    }
    /// y of the centre.
    pub fn cy(&self) -> i32 {
        self.y + self.h / 2
    }

    /// True when the interiors of the two rectangles share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }

    /// True when `o` lies inside `self` (borders may touch).
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }

    /// The rectangle grown by `d` on every side.
    pub fn inflate(&self, d: i32) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2 * d,
            h: self.h + 2 * d,
        }
    }

    /// True when `p` lies on the border of the rectangle.
    pub fn on_border(&self, p: Point) -> bool {
        let (x, y) = p;
        let within_x = x >= self.x && x <= self.right();
        let within_y = y >= self.y && y <= self.bottom();
        ((x == self.x || x == self.right()) && within_y)
            || ((y == self.y || y == self.bottom()) && within_x)
    }

    /// True when the segment `a`–`b` passes through the interior of the rectangle.
    pub fn crossed_by(&self, a: Point, b: Point) -> bool {
        // Liang–Barsky clipping against the open rectangle.
        let (x0, y0) = (f64::from(a.0), f64::from(a.1));
        let (dx, dy) = (f64::from(b.0) - x0, f64::from(b.1) - y0);
        let (l, r) = (f64::from(self.x), f64::from(self.right()));
        let (t, bt) = (f64::from(self.y), f64::from(self.bottom()));
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        for (p, q) in [(-dx, x0 - l), (dx, r - x0), (-dy, y0 - t), (dy, bt - y0)] {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let u = q / p;
                if p < 0.0 {
                    t0 = t0.max(u);
                } else {
                    t1 = t1.min(u);
                }
            }
        }
        t1 - t0 > 1e-9
    }
}

/// Length of a polyline along its segments.
pub fn path_length(points: &[Point]) -> i64 {
    points
        .windows(2)
        .map(|w| i64::from((w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_and_touching() {
        let r = Rect {
            x: 10,
            y: 10,
            w: 10,
            h: 10,
        };
        assert!(r.crossed_by((0, 15), (30, 15)));
        assert!(
            !r.crossed_by((0, 10), (30, 10)),
            "running along the border is not crossing"
        );
        assert!(!r.crossed_by((0, 0), (5, 30)));
        assert!(r.crossed_by((0, 0), (30, 30)));
        assert!(r.on_border((15, 10)) && r.on_border((20, 12)) && !r.on_border((15, 15)));
    }
}
