//! Where a live drawing's pods sat last time, so that they sit there again.
//!
//! Slots alone ([`Slots`](super::Slots)) keep a host's pods oldest first: a
//! pod that starts takes the next cell and moves nothing, but a pod that
//! ends moves every younger pod of its host up a cell. A page that redraws
//! the topology as the cluster changes keeps one [`SlotMemory`] and passes
//! each new drawing through it: a box keeps the cell it had, a box that
//! goes leaves its cell empty, and a new box takes the first empty cell.
//! Exports and one-off drawings do without it and stay oldest first.

use std::collections::{BTreeSet, HashMap};

use super::{Boundary, Diagram, Item};

/// The cells boxes held in the last drawing, per slotted frame.
#[derive(Debug, Default, Clone)]
pub struct SlotMemory {
    /// Frame id → (box id → cell).
    frames: HashMap<String, HashMap<String, u32>>,
}

impl SlotMemory {
    /// An empty memory: the first drawing keeps its oldest-first order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives every slotted box of `diagram` its cell ([`Element::slot`](super::Element::slot)):
    /// the one it had, else the first empty one; then remembers this drawing
    /// (frames and boxes that are gone are forgotten).
    pub fn place(&mut self, diagram: &mut Diagram) {
        let mut now = HashMap::new();
        self.place_in(&mut diagram.items, &mut now);
        self.frames = now;
    }

    fn place_in(&self, items: &mut [Item], now: &mut HashMap<String, HashMap<String, u32>>) {
        for item in items {
            if let Item::Boundary(frame) = item {
                if frame.slots.is_some() {
                    let cells = self.place_frame(frame);
                    now.insert(frame.id.clone(), cells);
                }
                self.place_in(&mut frame.items, now);
            }
        }
    }

    /// The cells of one frame's slotted boxes, kept where known.
    fn place_frame(&self, frame: &mut Boundary) -> HashMap<String, u32> {
        let Some(slots) = frame.slots else {
            return HashMap::new();
        };
        let before = self.frames.get(&frame.id);
        let mut cells = HashMap::new();
        let mut taken = BTreeSet::new();
        let mut newcomers = Vec::new();
        for item in &mut frame.items {
            let Item::Element(e) = item else { continue };
            if e.rank != slots.rank {
                continue;
            }
            match before.and_then(|b| b.get(&e.id)) {
                Some(&cell) if taken.insert(cell) => {
                    e.slot = Some(cell);
                    cells.insert(e.id.clone(), cell);
                }
                _ => newcomers.push(e),
            }
        }
        let mut free = (0..).filter(|cell| !taken.contains(cell));
        for e in newcomers {
            let cell = free.next().unwrap_or_default();
            e.slot = Some(cell);
            cells.insert(e.id.clone(), cell);
        }
        cells
    }
}
