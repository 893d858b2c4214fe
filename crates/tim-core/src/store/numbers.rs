//! Conversation numbers: each conversation that has held a message is given a number, once, and
//! keys its messages in the per-conversation index ([`MESSAGE_INDEX`](super::schema::MESSAGE_INDEX))
//! by it instead of by its type and ID.
//!
//! Why: the index has one row per message and a call of 1,000 messages for 1,000 conversations
//! writes one row into each conversation's key range. Keyed by `(type, ID, time, uid)` a row
//! took about 36 bytes of a 4 KiB leaf, so each conversation's rows (100 of them in W1) filled a
//! leaf of their own and a call dirtied (and redb, copying on write, wrote) about one leaf per
//! conversation. Keyed by `(number, time, uid)`, fixed width, a row takes 20 bytes: two or three
//! conversations share a leaf, and the same writes without any engine code measured about 20 %
//! faster at 1M messages (W1 in docs/performance.md, "Conversation numbers").
//!
//! A write transaction remembers the numbers it looked up or gave, and the store keeps them for
//! the next transactions ([`NumberCache`], at most [`CACHED_NUMBERS`]) once the transaction has
//! committed (or wrote nothing, and so gave no number: giving one takes a message uid), as it
//! keeps the recent records' index: a failed commit may or may not have given its numbers.
//! Why: a call of 1,000 messages for 1,000 conversations otherwise looks up 1,000 numbers in
//! the file, about 6 % of the store thread's time in W1.
//!
//! Invariants:
//! - A number is never taken back or reused: a conversation keeps its number through deletion
//!   and re-creation, so no index row can ever be read as another conversation's.
//! - [`CONVERSATION_NUMBERS`] and [`CONVERSATIONS_BY_NUMBER`] hold the same pairs, numbered
//!   from 0 without gaps; a new number is one past the largest in the second.

use std::cell::RefCell;

use hashbrown::HashMap;
use redb::{ReadableTable, ReadableTableMetadata, Table, WriteTransaction};

use super::redb_store::StoreError;
use super::schema::{CONVERSATION_NUMBERS, CONVERSATIONS_BY_NUMBER};
use crate::ids::ConvKey;

/// Conversation numbers known to be in the file.
pub type NumberCache = HashMap<ConvKey, u32>;

/// How many numbers a [`NumberCache`] holds at most (its table about 2 MB then, kept until
/// logout): once full it starts again, so that a store with many conversations does not keep
/// one entry for each it ever wrote to.
pub const CACHED_NUMBERS: usize = 32_768;

/// The conversation numbers of one write transaction, with the ones looked up or given in it
/// remembered.
pub struct Numbers<'txn> {
    by_key: Table<'txn, (u8, &'static str), u32>,
    by_number: Table<'txn, u32, (u8, &'static str)>,
    known: RefCell<NumberCache>,
}

impl<'txn> Numbers<'txn> {
    /// Opens the tables in `txn`; `known` holds numbers the file has (from the transactions
    /// before: see [`NumberCache`]).
    pub fn open(txn: &'txn WriteTransaction, known: NumberCache) -> Result<Self, StoreError> {
        Ok(Numbers {
            by_key: txn.open_table(CONVERSATION_NUMBERS)?,
            by_number: txn.open_table(CONVERSATIONS_BY_NUMBER)?,
            known: RefCell::new(known),
        })
    }

    /// The numbers known now: for the next transaction, once this one has committed.
    pub fn into_known(self) -> NumberCache {
        self.known.into_inner()
    }

    fn remember(known: &mut NumberCache, key: &ConvKey, number: u32) {
        if known.len() >= CACHED_NUMBERS {
            known.clear();
        }
        known.insert(key.clone(), number);
    }

    /// The number of a conversation, if it was ever given one (it has held a message).
    pub fn find(&self, key: &ConvKey) -> Result<Option<u32>, StoreError> {
        if let Some(&number) = self.known.borrow().get(key) {
            return Ok(Some(number));
        }
        let found = self.find_row(super::schema::conv_row(key))?;
        if let Some(number) = found {
            Self::remember(&mut self.known.borrow_mut(), key, number);
        }
        Ok(found)
    }

    /// The number of the conversation stored as `row` (type, ID), looked up in the file.
    pub fn find_row(&self, row: (u8, &str)) -> Result<Option<u32>, StoreError> {
        Ok(self.by_key.get(row)?.map(|g| g.value()))
    }

    /// The number of a conversation, given one now if it has none.
    pub fn find_or_give(&mut self, key: &ConvKey) -> Result<u32, StoreError> {
        if let Some(number) = self.find(key)? {
            return Ok(number);
        }
        let number = self.give(super::schema::conv_row(key))?;
        Self::remember(self.known.get_mut(), key, number);
        Ok(number)
    }

    /// Gives the conversation stored as `row` (type, ID) the next number; it must have none.
    pub fn give(&mut self, row: (u8, &str)) -> Result<u32, StoreError> {
        let next = match self.by_number.last()? {
            Some((number, _)) => number.value().checked_add(1).ok_or_else(|| StoreError::Corrupt {
                key: format!("{row:?}"),
                detail: "no conversation number left".into(),
            })?,
            None => 0,
        };
        // Tables that lost rows (a damaged file) could hand out a number a conversation already
        // has: refused rather than two conversations sharing a number, and so a history. With
        // no gaps and nothing ever removed, both hold `next` rows.
        if self.by_key.len()? != next as u64 || self.by_number.len()? != next as u64 {
            return Err(StoreError::Corrupt {
                key: format!("{row:?}"),
                detail: format!("the conversation number tables disagree (next number {next})"),
            });
        }
        if self.by_key.insert(row, next)?.is_some() {
            return Err(StoreError::Corrupt { key: format!("{row:?}"), detail: "numbered twice".into() });
        }
        self.by_number.insert(next, row)?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::{CACHED_NUMBERS, NumberCache, Numbers};
    use crate::ids::ConvKey;
    use crate::store::Store;

    fn key(n: usize) -> ConvKey {
        ConvKey::c2c(format!("peer{n}")).unwrap()
    }

    #[test]
    fn numbers_are_given_in_order_found_again_and_the_cache_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_file(dir.path(), "me").unwrap();
        let txn = store.db.begin_write().unwrap();
        {
            // A full cache of numbers the file does not hold (as if from earlier transactions).
            let full: NumberCache = (0..CACHED_NUMBERS).map(|n| (key(1_000_000 + n), n as u32)).collect();
            let mut numbers = Numbers::open(&txn, full).unwrap();
            assert_eq!(numbers.find_or_give(&key(1)).unwrap(), 0, "the file's first number");
            assert_eq!(numbers.find_or_give(&key(2)).unwrap(), 1);
            assert_eq!(numbers.find_or_give(&key(1)).unwrap(), 0, "given once");
            assert_eq!(numbers.find_row((1, "peer2")).unwrap(), Some(1), "in the file");
            assert_eq!(numbers.find(&key(3)).unwrap(), None);
            let known = numbers.into_known();
            assert_eq!(known.len(), 2, "started again once full: {}", known.len());
            assert_eq!(known.get(&key(1)), Some(&0));
        }
        txn.commit().unwrap();
    }

    #[test]
    fn number_tables_that_disagree_give_no_number() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_file(dir.path(), "me").unwrap();
        let txn = store.db.begin_write().unwrap();
        {
            let mut numbers = Numbers::open(&txn, NumberCache::new()).unwrap();
            for n in 0..3 {
                numbers.find_or_give(&key(n)).unwrap();
            }
        }
        // A damaged file: the last pair lost from one table only; 2 would be given twice.
        txn.open_table(crate::store::schema::CONVERSATIONS_BY_NUMBER).unwrap().remove(2).unwrap();
        let mut numbers = Numbers::open(&txn, NumberCache::new()).unwrap();
        assert!(numbers.find_or_give(&key(9)).is_err());
        assert_eq!(numbers.find(&key(2)).unwrap(), Some(2), "the numbered one keeps its number");
    }
}
