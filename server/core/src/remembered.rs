//! Answers of a pure function of a short text, remembered: the editor checks every version of a contract, and its
//! refs and ranges are mostly the previous version's.

use std::collections::HashMap;
use std::sync::Mutex;

/// Up to `limit` answers; past it, all are forgotten at once (no order to keep, and a contract's own refs come back
/// on its next version).
pub(crate) struct Remembered<V> {
    known: Mutex<Option<HashMap<String, V>>>,
    limit: usize,
}

impl<V: Clone> Remembered<V> {
    pub(crate) const fn new(limit: usize) -> Remembered<V> {
        Remembered { known: Mutex::new(None), limit }
    }

    /// The answer for `key`: remembered, or `compute`d now.
    pub(crate) fn get(&self, key: &str, compute: impl FnOnce() -> V) -> V {
        let mut known = self.known.lock().unwrap_or_else(|it| it.into_inner());
        let known = known.get_or_insert_with(HashMap::new);
        if let Some(value) = known.get(key) {
            return value.clone();
        }
        let value = compute();
        if known.len() >= self.limit {
            known.clear();
        }
        known.insert(key.to_owned(), value.clone());
        value
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::Remembered;

    /// Each key computed once until the limit is crossed; then again once, with the same answer.
    #[test]
    fn answers_are_computed_once_until_the_limit_then_again() {
        let remembered = Remembered::new(3);
        let computed = Cell::new(0);
        let ask = |key: &str| {
            remembered.get(key, || {
                computed.set(computed.get() + 1);
                key.len()
            })
        };
        for key in ["a", "bb", "ccc", "a", "bb", "ccc"] {
            assert_eq!(ask(key), key.len());
        }
        assert_eq!(computed.get(), 3);
        assert_eq!(ask("dddd"), 4, "the fourth key forgets the three");
        assert_eq!(computed.get(), 4);
        assert_eq!(ask("a"), 1);
        assert_eq!(computed.get(), 5);
        assert_eq!(ask("dddd"), 4);
        assert_eq!(computed.get(), 5);
    }
}
