//! Where a key already stands in a big mapping, so a duplicate is found without comparing it with
//! every earlier key (quadratic in a large `metadata` block).

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use super::tree::Entry;

/// Entry indices by a keyed hash of their key's text. The entries own the text, so the index
/// copies none of it (a copy per key was a tenth of a big parse); a hash shared by two texts
/// sends the lookup to a scan of the entries, which stays exact.
pub(super) struct KeyIndex {
    by_hash: HashMap<u64, usize, BuildHasherDefault<HashIsKey>>,
}

impl KeyIndex {
    /// Indexes `entries`, whose keys are scalars and pairwise different.
    pub(super) fn new(hasher: &RandomState, entries: &[Entry]) -> KeyIndex {
        let mut by_hash = HashMap::with_capacity_and_hasher(entries.len() * 2, BuildHasherDefault::default());
        for (idx, entry) in entries.iter().enumerate() {
            by_hash.entry(hash(hasher, key_text(entry))).or_insert(idx);
        }
        KeyIndex { by_hash }
    }

    /// The index of the entry whose key is `name`.
    pub(super) fn find(&self, hasher: &RandomState, entries: &[Entry], name: &str) -> Option<usize> {
        let &idx = self.by_hash.get(&hash(hasher, name))?;
        if key_text(&entries[idx]) == name {
            return Some(idx);
        }
        entries.iter().position(|it| key_text(it) == name)
    }

    /// Records that the entry at `idx` has the key `name`, which no earlier entry has.
    pub(super) fn insert(&mut self, hasher: &RandomState, name: &str, idx: usize) {
        self.by_hash.entry(hash(hasher, name)).or_insert(idx);
    }
}

fn key_text(entry: &Entry) -> &str {
    entry.key.scalar_text().unwrap_or_default()
}

/// Keyed per process, so no contract can be written to make its keys collide.
fn hash(hasher: &RandomState, name: &str) -> u64 {
    hasher.hash_one(name)
}

/// The map's keys are hashes already: hashing them again would only cost time.
#[derive(Default)]
struct HashIsKey(u64);

impl Hasher for HashIsKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn entries(text: &str) -> Vec<Entry> {
        parse(text).root.and_then(|it| it.as_mapping().map(<[Entry]>::to_vec)).unwrap_or_default()
    }

    #[test]
    fn key_index_finds_every_key_and_no_other() {
        let hasher = RandomState::new();
        let entries = entries("a: 1\nb: 2\nc: 3\n");
        let index = KeyIndex::new(&hasher, &entries);
        assert_eq!(index.find(&hasher, &entries, "b"), Some(1));
        assert_eq!(index.find(&hasher, &entries, "d"), None);
    }

    #[test]
    fn key_index_collision_falls_back_to_a_scan() {
        let hasher = RandomState::new();
        let entries = entries("a: 1\nb: 2\n");
        // `b` filed under `a`'s hash: the lookup of `b` meets `a` there and must scan.
        let mut index = KeyIndex { by_hash: HashMap::default() };
        index.by_hash.insert(hash(&hasher, "b"), 0);
        assert_eq!(index.find(&hasher, &entries, "b"), Some(1));
        index.insert(&hasher, "b", 1);
        assert_eq!(index.find(&hasher, &entries, "b"), Some(1));
    }
}
