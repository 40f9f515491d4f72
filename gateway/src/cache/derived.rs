//! One value worked out from a whole cache and kept until the cache
//! changes: a topology of 5,000 nodes needs every node row as a `Node`,
//! and every viewer's redraw would otherwise convert all 5,000 again.
//!
//! The value is made from every row, so whoever reads it must be allowed
//! to see every row of the cache (for nodes, which are cluster-scoped:
//! allowed to list nodes at all); the caller checks that first.

use std::any::Any;
use std::sync::{Arc, Mutex};

/// The derived value of one generation of a cache, if made.
#[derive(Debug, Default)]
pub struct Derived {
    slot: Mutex<Option<(u64, Arc<dyn Any + Send + Sync>)>>,
}

impl Derived {
    /// The value for `generation`, made by `make` when there is none of
    /// that generation and type yet. Made under the slot's lock, so
    /// viewers waking together make it once.
    pub fn get_or<T: Any + Send + Sync>(
        &self,
        generation: u64,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        let mut slot = self.slot.lock().expect("derived lock");
        if let Some((made_at, value)) = slot.as_ref()
            && *made_at == generation
            && let Ok(value) = value.clone().downcast::<T>()
        {
            return value;
        }
        let value = Arc::new(make());
        *slot = Some((generation, value.clone()));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn made_once_per_generation_and_again_when_the_cache_changes() {
        let derived = Derived::default();
        let made = Cell::new(0);
        let make = |n: usize| {
            made.set(made.get() + 1);
            n
        };
        assert_eq!(*derived.get_or(1, || make(10)), 10);
        assert_eq!(*derived.get_or(1, || make(11)), 10);
        assert_eq!(made.get(), 1);
        assert_eq!(*derived.get_or(2, || make(12)), 12);
        assert_eq!(made.get(), 2);
    }

    #[test]
    fn a_value_of_another_type_is_made_afresh() {
        let derived = Derived::default();
        assert_eq!(*derived.get_or(1, || 7usize), 7);
        assert_eq!(*derived.get_or(1, || String::from("nodes")), "nodes");
    }
}
