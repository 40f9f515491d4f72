//! Deterministic layout: every element and boundary gets a rectangle, every
//! line of text a position, every relation an orthogonal path.
//!
//! Items are placed row by row inside their parent (rows come from the
//! model's ranks, wrapped when too wide), so boxes never overlap and a
//! boundary always encloses its children. The gaps between rows and columns
//! become routing channels for the relations (see [`route`]). Only integer
//! arithmetic and ordered collections are used: the same diagram always gives
//! the same layout.

mod geometry;
mod grid;
mod obstacles;
mod route;

use std::collections::BTreeMap;

pub use geometry::{Point, Rect, path_length};

use crate::model::{Boundary, Diagram, Element, Item, Shape, Slots};
use crate::text;

/// Font sizes (px) of the text kinds.
pub const STEREO_SIZE: f64 = 10.0;
/// Element and boundary labels.
pub const LABEL_SIZE: f64 = 14.0;
/// Technology, description and relation labels.
pub const SMALL_SIZE: f64 = 11.0;

const ELEMENT_MIN_W: i32 = 150;
const ELEMENT_MAX_W: i32 = 280;
const ELEMENT_PAD_X: i32 = 12;
/// Width of a slot (see [`Slots`]): a pod name of about 24 characters fits,
/// longer ones are shortened with an ellipsis.
const SLOT_W: i32 = 220;
const PAD: i32 = 16;
const HEADER: i32 = 52;
const HGAP: i32 = 32;
const VGAP: i32 = 56;
const MARGIN: i32 = 24;
const ROOT_ROW_WIDTH: i32 = 1800;
const BOUNDARY_ROW_WIDTH: i32 = 1100;

/// The kind of a line of text, used as its CSS class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// `«container»` / `«system»` line.
    Stereotype,
    /// The name, bold.
    Label,
    /// `[image]`, `[kind]`, … line.
    Technology,
    /// Wrapped description lines.
    Description,
    /// A boundary's name.
    BoundaryLabel,
    /// A boundary's `[kind]` line.
    BoundaryTechnology,
    /// Text beside an arrow.
    RelationLabel,
}

impl TextKind {
    /// CSS class of the `<text>` element.
    pub fn class(self) -> &'static str {
        match self {
            TextKind::Stereotype => "stereotype",
            TextKind::Label => "label",
            TextKind::Technology => "technology",
            TextKind::Description => "description",
            TextKind::BoundaryLabel => "boundary-label",
            TextKind::BoundaryTechnology => "boundary-technology",
            TextKind::RelationLabel => "relation-label",
        }
    }

    /// Font size in px.
    pub fn size(self) -> f64 {
        match self {
            TextKind::Stereotype => STEREO_SIZE,
            TextKind::Label | TextKind::BoundaryLabel => LABEL_SIZE,
            _ => SMALL_SIZE,
        }
    }

    /// True for labels drawn bold.
    pub fn bold(self) -> bool {
        matches!(self, TextKind::Label | TextKind::BoundaryLabel)
    }
}

/// One positioned line of text. `x` is the centre when `centered`, else the start.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The text, already cleaned and shortened to fit.
    pub text: String,
    /// What the text is (size, class).
    pub kind: TextKind,
    /// Left edge, or centre when `centered`.
    pub x: i32,
    /// Baseline.
    pub y: i32,
    /// Whether `x` is the centre.
    pub centered: bool,
}

impl TextLine {
    /// The area the text covers (estimated from the font metrics used for sizing).
    pub fn bounds(&self) -> Rect {
        let size = self.kind.size();
        let w = text::width(&self.text, size, self.kind.bold()).ceil() as i32;
        let top = self.y - (size * 0.9).ceil() as i32;
        let h = (size * 1.15).ceil() as i32;
        let x = if self.centered {
            self.x - w / 2
        } else {
            self.x
        };
        Rect { x, y: top, w, h }
    }
}

/// A placed element or boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Stable id, as in the model.
    pub id: String,
    /// Where it is drawn.
    pub rect: Rect,
    /// A boundary (dashed frame) rather than an element box.
    pub is_boundary: bool,
    /// Nesting depth, 0 at the top.
    pub depth: u32,
    /// Its lines of text, positioned.
    pub texts: Vec<TextLine>,
}

/// A routed relation.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Stable id, as in the model.
    pub id: String,
    /// Id of the source element.
    pub from: String,
    /// Id of the target element.
    pub to: String,
    /// From the border of the source box to the border of the target box.
    pub points: Vec<Point>,
    /// The visible label, when it fits somewhere free.
    pub label: Option<TextLine>,
    /// Element boxes (other than its ends) the path crosses; 0 for almost every edge.
    pub crossings: usize,
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Picture width in SVG units.
    pub width: i32,
    /// Picture height in SVG units.
    pub height: i32,
    /// Boundaries before their contents (drawing order).
    pub items: Vec<Placed>,
    /// Routed relations, in model order.
    pub edges: Vec<Edge>,
}

impl Layout {
    /// The placed item with this id.
    pub fn get(&self, id: &str) -> Option<&Placed> {
        self.items.iter().find(|p| p.id == id)
    }
}

/// A free lane where relations may run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Channel {
    /// y of a horizontal lane, x of a vertical one.
    pub at: i32,
    /// Extent along the lane.
    pub from: i32,
    pub to: i32,
}

/// Lays out a diagram.
pub fn layout(diagram: &Diagram) -> Layout {
    let blocks: Vec<Block> = diagram.items.iter().map(size).collect();
    let (w, h, offsets, rows) = arrange(&blocks, ROOT_ROW_WIDTH, None);
    let mut out = Flat::default();
    let inner = Rect {
        x: MARGIN,
        y: MARGIN,
        w,
        h,
    };
    out.record_channels(inner, (MARGIN, MARGIN), &offsets, &rows, &blocks, MARGIN);
    for (block, (dx, dy)) in blocks.iter().zip(&offsets) {
        out.place(block, MARGIN + dx, MARGIN + dy, 0);
    }
    let width = w + 2 * MARGIN;
    let height = h + 2 * MARGIN;
    let canvas = Rect {
        x: 0,
        y: 0,
        w: width,
        h: height,
    };
    let edges = route::route_all(diagram, &out.items, canvas, &out.horizontal, &out.vertical);
    Layout {
        width,
        height,
        items: out.items,
        edges,
    }
}

/// An item with its size and its children's offsets, before placement.
struct Block<'a> {
    item: &'a Item,
    w: i32,
    h: i32,
    /// Element text, relative to the block's top-left corner.
    texts: Vec<TextLine>,
    children: Vec<Block<'a>>,
    offsets: Vec<(i32, i32)>,
    rows: Vec<Row>,
}

/// A row of children: their indices and vertical extent (relative).
struct Row {
    members: Vec<usize>,
    top: i32,
    height: i32,
}

fn size(item: &Item) -> Block<'_> {
    match item {
        Item::Element(e) => size_element(item, e, None),
        Item::Boundary(b) => size_boundary(item, b),
    }
}

/// An element's box: as wide as its text needs, or `fixed_w` in a slot.
fn size_element<'a>(item: &'a Item, e: &Element, fixed_w: Option<i32>) -> Block<'a> {
    let stereo = match e.shape {
        Shape::System => "«system»",
        Shape::Container => "«container»",
    };
    let tech = e.technology.as_ref().map(|t| format!("[{t}]"));
    let natural = [
        text::width(&e.label, LABEL_SIZE, true),
        tech.as_deref()
            .map_or(0.0, |t| text::width(t, SMALL_SIZE, false)),
        e.description
            .as_deref()
            .map_or(0.0, |d| text::width(d, SMALL_SIZE, false) / 2.0),
    ]
    .into_iter()
    .fold(0.0_f64, f64::max);
    let w = fixed_w.unwrap_or_else(|| {
        ((natural.ceil() as i32) + 2 * ELEMENT_PAD_X).clamp(ELEMENT_MIN_W, ELEMENT_MAX_W)
    });
    let max_text = f64::from(w - 2 * ELEMENT_PAD_X);
    let cx = w / 2;
    let mut texts = Vec::new();
    let mut y = 8;
    let mut push = |text: String, kind: TextKind, advance: i32, y: &mut i32| {
        *y += advance;
        texts.push(TextLine {
            text,
            kind,
            x: cx,
            y: *y - 4,
            centered: true,
        });
    };
    push(stereo.to_string(), TextKind::Stereotype, 14, &mut y);
    push(
        text::fit(&e.label, LABEL_SIZE, true, max_text),
        TextKind::Label,
        19,
        &mut y,
    );
    if let Some(t) = tech {
        push(
            text::fit(&t, SMALL_SIZE, false, max_text),
            TextKind::Technology,
            16,
            &mut y,
        );
    }
    if let Some(d) = &e.description {
        for line in text::wrap(d, SMALL_SIZE, max_text, 3) {
            push(line, TextKind::Description, 15, &mut y);
        }
    }
    Block {
        item,
        w,
        h: y + 8,
        texts,
        children: Vec::new(),
        offsets: Vec::new(),
        rows: Vec::new(),
    }
}

fn size_boundary<'a>(item: &'a Item, b: &'a Boundary) -> Block<'a> {
    let children: Vec<Block> = b
        .items
        .iter()
        .map(|item| match (item, b.slots) {
            (Item::Element(e), Some(slots)) if e.rank == slots.rank => {
                size_element(item, e, Some(SLOT_W))
            }
            _ => size(item),
        })
        .collect();
    let (inner_w, inner_h, offsets, rows) = arrange(&children, BOUNDARY_ROW_WIDTH, b.slots);
    let label_w = text::width(&b.label, LABEL_SIZE, true).ceil() as i32;
    let tech = b.technology.as_ref().map(|t| format!("[{t}]"));
    let tech_w = tech
        .as_deref()
        .map_or(0, |t| text::width(t, SMALL_SIZE, false).ceil() as i32);
    let w = (inner_w + 2 * PAD)
        .max(label_w.max(tech_w) + 2 * PAD)
        .max(ELEMENT_MIN_W + 2 * PAD);
    let h = HEADER + inner_h + PAD;
    let mut texts = vec![TextLine {
        text: b.label.clone(),
        kind: TextKind::BoundaryLabel,
        x: PAD,
        y: 24,
        centered: false,
    }];
    if let Some(t) = tech {
        texts.push(TextLine {
            text: t,
            kind: TextKind::BoundaryTechnology,
            x: PAD,
            y: 40,
            centered: false,
        });
    }
    // Centre the rows inside the boundary.
    let shift = (w - 2 * PAD - inner_w) / 2;
    let offsets = offsets
        .into_iter()
        .map(|(x, y)| (PAD + shift + x, HEADER + y))
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| Row {
            top: r.top + HEADER,
            ..r
        })
        .collect();
    Block {
        item,
        w,
        h,
        texts,
        children,
        offsets,
        rows,
    }
}

type Arranged = (i32, i32, Vec<(i32, i32)>, Vec<Row>);

/// One row of blocks as [`arrange`] lays it: its members, its width and,
/// for slotted rows, each member's x within the row (else they follow one
/// another `HGAP` apart).
struct Line {
    members: Vec<usize>,
    width: i32,
    xs: Option<Vec<i32>>,
    /// At least this tall (a slotted row whose cells are all empty).
    min_height: i32,
}

impl Line {
    fn flowing(members: Vec<usize>, width: i32) -> Self {
        Self {
            members,
            width,
            xs: None,
            min_height: 0,
        }
    }
}

/// Places blocks in rows: one group of rows per rank, wrapped at `max_width`
/// (or, for the rank that takes `slots`, in cells `columns` to a row), each
/// row centred. Returns the inner size, each block's offset, and the rows.
fn arrange(blocks: &[Block], max_width: i32, slots: Option<Slots>) -> Arranged {
    let mut ranks: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, b) in blocks.iter().enumerate() {
        ranks.entry(b.item.rank()).or_default().push(i);
    }
    let widest = blocks.iter().map(|b| b.w).max().unwrap_or(0);
    // Many large children: aim for a landscape picture rather than a tall column.
    let area: i64 = blocks
        .iter()
        .map(|b| i64::from(b.w + HGAP) * i64::from(b.h + VGAP))
        .sum();
    let landscape = (isqrt(area) * 8 / 5) as i32;
    let limit = max_width.max(widest).max(landscape);
    let mut rows: Vec<Line> = Vec::new();
    for (&rank, members) in &ranks {
        match slots.filter(|s| s.rank == rank) {
            Some(slots) => rows.extend(slot_rows(blocks, members, slots)),
            None => rows.extend(wrapped_rows(blocks, members, limit)),
        }
    }
    let inner_w = rows.iter().map(|r| r.width).max().unwrap_or(0);
    let mut offsets = vec![(0, 0); blocks.len()];
    let mut out_rows = Vec::new();
    let mut y = 0;
    for line in rows {
        let height = line
            .members
            .iter()
            .map(|&i| blocks[i].h)
            .max()
            .unwrap_or(0)
            .max(line.min_height);
        let left = (inner_w - line.width) / 2;
        let mut x = left;
        for (n, &i) in line.members.iter().enumerate() {
            match &line.xs {
                Some(xs) => offsets[i] = (left + xs[n], y),
                None => {
                    offsets[i] = (x, y);
                    x += blocks[i].w + HGAP;
                }
            }
        }
        out_rows.push(Row {
            members: line.members,
            top: y,
            height,
        });
        y += height + VGAP;
    }
    let inner_h = (y - VGAP).max(0);
    (inner_w, inner_h, offsets, out_rows)
}

/// Members in rows no wider than `limit`.
fn wrapped_rows(blocks: &[Block], members: &[usize], limit: i32) -> Vec<Line> {
    let mut rows = Vec::new();
    let mut row: Vec<usize> = Vec::new();
    let mut row_w = 0;
    for &i in members {
        let add = if row.is_empty() {
            blocks[i].w
        } else {
            HGAP + blocks[i].w
        };
        if !row.is_empty() && row_w + add > limit {
            rows.push(Line::flowing(std::mem::take(&mut row), row_w));
            row_w = blocks[i].w;
        } else {
            row_w += add;
        }
        row.push(i);
    }
    if !row.is_empty() {
        rows.push(Line::flowing(row, row_w));
    }
    rows
}

/// Members in cells `columns` to a row, each row as wide as a full one, so
/// the cells are left-aligned and in the same place however many are
/// filled. A member with a cell number ([`Element::slot`]) takes that cell,
/// leaving the cells before it empty if need be; the others take the cells
/// after the numbered ones, in order.
fn slot_rows(blocks: &[Block], members: &[usize], slots: Slots) -> Vec<Line> {
    let columns = slots.columns.max(1) as usize;
    let cell = SLOT_W + HGAP;
    let full = columns as i32 * cell - HGAP;
    let numbered = |i: usize| match blocks[i].item {
        Item::Element(e) => e.slot.map(|s| s as usize),
        Item::Boundary(_) => None,
    };
    let mut next = members
        .iter()
        .filter_map(|&i| numbered(i))
        .max()
        .map_or(0, |last| last + 1);
    let mut cells: Vec<(usize, usize)> = members
        .iter()
        .map(|&i| {
            let at = numbered(i).unwrap_or_else(|| {
                next += 1;
                next - 1
            });
            (at, i)
        })
        .collect();
    cells.sort_unstable();
    let tallest = members.iter().map(|&i| blocks[i].h).max().unwrap_or(0);
    let row_count = cells.last().map_or(0, |(at, _)| at / columns + 1);
    let mut rows: Vec<Line> = (0..row_count)
        .map(|_| Line {
            members: Vec::new(),
            width: full,
            xs: Some(Vec::new()),
            min_height: tallest,
        })
        .collect();
    for (at, i) in cells {
        let line = &mut rows[at / columns];
        let x = (at % columns) as i32 * cell;
        line.width = line.width.max(x + blocks[i].w);
        line.members.push(i);
        if let Some(xs) = &mut line.xs {
            xs.push(x);
        }
        // Only a row left empty keeps the height of a full one.
        line.min_height = 0;
    }
    rows
}

/// Integer square root (layout stays free of floating point).
fn isqrt(n: i64) -> i64 {
    if n < 2 {
        return n.max(0);
    }
    let mut x = n;
    let mut y = (x + 1) / 2;
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

/// The flattened, absolutely positioned result.
#[derive(Default)]
struct Flat {
    items: Vec<Placed>,
    horizontal: Vec<Channel>,
    vertical: Vec<Channel>,
}

impl Flat {
    fn place(&mut self, block: &Block, x: i32, y: i32, depth: u32) {
        let rect = Rect {
            x,
            y,
            w: block.w,
            h: block.h,
        };
        let texts = block
            .texts
            .iter()
            .map(|t| TextLine {
                x: t.x + x,
                y: t.y + y,
                ..t.clone()
            })
            .collect();
        self.items.push(Placed {
            id: block.item.id().to_string(),
            rect,
            is_boundary: matches!(block.item, Item::Boundary(_)),
            depth,
            texts,
        });
        if let Item::Boundary(_) = block.item {
            let inner = Rect {
                x: x + PAD,
                y: y + HEADER,
                w: block.w - 2 * PAD,
                h: block.h - HEADER - PAD,
            };
            self.record_channels(
                inner,
                (x, y),
                &block.offsets,
                &block.rows,
                &block.children,
                PAD,
            );
            for (child, (dx, dy)) in block.children.iter().zip(&block.offsets) {
                self.place(child, x + dx, y + dy, depth + 1);
            }
        }
    }

    /// Lanes between the rows and columns of a container whose content box is `inner`.
    /// `origin` is the point the offsets are relative to; `pad` the free margin around `inner`.
    fn record_channels(
        &mut self,
        inner: Rect,
        origin: Point,
        offsets: &[(i32, i32)],
        rows: &[Row],
        blocks: &[Block],
        pad: i32,
    ) {
        let (origin_x, origin_y) = origin;
        let (left, right) = (inner.x - pad / 2, inner.right() + pad / 2);
        self.vertical.push(Channel {
            at: left,
            from: inner.y,
            to: inner.bottom(),
        });
        self.vertical.push(Channel {
            at: right,
            from: inner.y,
            to: inner.bottom(),
        });
        self.horizontal.push(Channel {
            at: inner.bottom() + pad / 2,
            from: left,
            to: right,
        });
        self.horizontal.push(Channel {
            at: inner.y - pad / 2,
            from: left,
            to: right,
        });
        for pair in rows.windows(2) {
            let gap_top = origin_y + pair[0].top + pair[0].height;
            let gap_bottom = origin_y + pair[1].top;
            self.horizontal.push(Channel {
                at: (gap_top + gap_bottom) / 2,
                from: left,
                to: right,
            });
        }
        for row in rows {
            let top = origin_y + row.top - VGAP / 2;
            let bottom = origin_y + row.top + row.height + VGAP / 2;
            for pair in row.members.windows(2) {
                let a_right = origin_x + offsets[pair[0]].0 + blocks[pair[0]].w;
                let b_left = origin_x + offsets[pair[1]].0;
                self.vertical.push(Channel {
                    at: (a_right + b_left) / 2,
                    from: top,
                    to: bottom,
                });
            }
        }
    }
}
