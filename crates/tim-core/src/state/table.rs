//! The conversation records of one user, in one arena.
//!
//! Records sit inline in one `Vec`, each in a numbered slot; a hash table of slot numbers finds a
//! record by its key (it hashes the key the slot's record holds), and the list order index holds
//! slot numbers too. Held as a `HashMap<ConvKey, Box<Conversation>>` with the key in the order
//! index as well, the bookkeeping around each record measured 113 bytes more per conversation
//! (a 32-byte map slot at the table's load, an allocation header and its rounding, a 40-byte order
//! entry in half-full nodes): W4 in docs/performance.md.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

use super::Conversation;
use crate::ids::ConvKey;

/// A slot number in the arena.
pub type Slot = u32;

/// Records by key, in numbered slots that stay put while the record lives.
#[derive(Debug, Default)]
pub struct ConvTable {
    /// The records; `None` marks a free slot (listed in `free`).
    slots: Vec<Option<Conversation>>,
    /// Free slots, reused before the arena grows.
    free: Vec<Slot>,
    /// Slot numbers, hashed by the key of the record in the slot.
    index: HashTable<Slot>,
    /// foldhash, hashbrown's default: std's SipHash cost a few per cent of an import.
    hasher: DefaultHashBuilder,
}

impl ConvTable {
    /// Makes room for `more` records without growing twice the needed size (the login knows how
    /// many it will load).
    pub fn reserve(&mut self, more: usize) {
        self.slots.reserve_exact(more.saturating_sub(self.free.len()));
        let (slots, hasher) = (&self.slots, &self.hasher);
        self.index.reserve(more, |&slot| hasher.hash_one(&record(slots, slot).key));
    }

    /// The slot of the record with this key.
    pub fn slot_of(&self, key: &ConvKey) -> Option<Slot> {
        self.index.find(self.hasher.hash_one(key), |&slot| record(&self.slots, slot).key == *key).copied()
    }

    /// The record with this key.
    pub fn get(&self, key: &ConvKey) -> Option<&Conversation> {
        self.slot_of(key).map(|slot| self.at(slot))
    }

    /// The record in a slot that holds one (slots come from this table's order index or lookups).
    pub fn at(&self, slot: Slot) -> &Conversation {
        record(&self.slots, slot)
    }

    /// Every record, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Conversation> + '_ {
        self.slots.iter().flatten()
    }

    /// Stores `conv` in place of the record with its key, if any, in that record's slot. Returns
    /// the slot and the record replaced.
    pub fn put(&mut self, conv: Conversation) -> (Slot, Option<Conversation>) {
        if let Some(slot) = self.slot_of(&conv.key) {
            let old = self.slots[slot as usize].replace(conv);
            return (slot, old);
        }
        let hash = self.hasher.hash_one(&conv.key);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(conv);
                slot
            }
            None => {
                // Four billion conversations would need hundreds of gigabytes of memory first.
                let slot = Slot::try_from(self.slots.len()).expect("fewer than 2^32 conversations");
                self.slots.push(Some(conv));
                slot
            }
        };
        let (slots, hasher) = (&self.slots, &self.hasher);
        self.index.insert_unique(hash, slot, |&s| hasher.hash_one(&record(slots, s).key));
        (slot, None)
    }

    /// Removes the record with this key. Returns its slot (now free) and the record.
    pub fn remove(&mut self, key: &ConvKey) -> Option<(Slot, Conversation)> {
        let hash = self.hasher.hash_one(key);
        let slots = &self.slots;
        let (slot, _) = self.index.find_entry(hash, |&slot| record(slots, slot).key == *key).ok()?.remove();
        let conv = self.slots[slot as usize].take()?;
        self.free.push(slot);
        Some((slot, conv))
    }
}

/// The record in a slot the index or the order index names; an empty one there is a broken
/// invariant of this module, not a state input can reach.
fn record(slots: &[Option<Conversation>], slot: Slot) -> &Conversation {
    slots[slot as usize].as_ref().expect("indexed slots hold a record")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(id: &str, order_key: u64) -> Conversation {
        Conversation::new(&ConvKey::c2c(id).unwrap(), order_key)
    }

    #[test]
    fn records_keep_their_slot_and_freed_slots_are_reused() {
        let mut table = ConvTable::default();
        let (a, _) = table.put(conv("a", 1));
        let (b, _) = table.put(conv("b", 2));
        assert_ne!(a, b);
        let (again, old) = table.put(conv("a", 3));
        assert_eq!((again, old.map(|c| c.order_key)), (a, Some(1)));
        assert_eq!(table.get(&ConvKey::c2c("a").unwrap()).map(|c| c.order_key), Some(3));

        let (freed, removed) = table.remove(&ConvKey::c2c("a").unwrap()).unwrap();
        assert_eq!((freed, removed.order_key), (a, 3));
        assert!(table.get(&ConvKey::c2c("a").unwrap()).is_none());
        assert!(table.remove(&ConvKey::c2c("a").unwrap()).is_none());
        assert_eq!(table.iter().count(), 1);

        let (reused, _) = table.put(conv("c", 4));
        assert_eq!(reused, a, "a freed slot is taken before the arena grows");
        assert_eq!(table.iter().count(), 2);
        assert_eq!(table.at(b).order_key, 2);
    }

    #[test]
    fn a_c2c_and_a_group_with_one_id_are_two_records() {
        let mut table = ConvTable::default();
        table.put(conv("x", 1));
        table.put(Conversation::new(&ConvKey::group("x").unwrap(), 2));
        assert_eq!(table.iter().count(), 2);
        assert_eq!(table.get(&ConvKey::group("x").unwrap()).map(|c| c.order_key), Some(2));
    }

    #[test]
    fn many_records_survive_the_table_growing() {
        let mut table = ConvTable::default();
        table.reserve(10);
        for n in 0..5_000 {
            table.put(conv(&format!("u{n}"), n));
        }
        for n in (0..5_000).step_by(3) {
            table.remove(&ConvKey::c2c(format!("u{n}")).unwrap()).unwrap();
        }
        // Room made while slots are free, then more records than the free slots.
        table.reserve(3_000);
        for n in 5_000..8_000 {
            table.put(conv(&format!("u{n}"), n));
        }
        for n in 0..8_000u64 {
            let found = table.get(&ConvKey::c2c(format!("u{n}")).unwrap()).map(|c| c.order_key);
            assert_eq!(found, (n >= 5_000 || n % 3 != 0).then_some(n));
        }
    }
}
