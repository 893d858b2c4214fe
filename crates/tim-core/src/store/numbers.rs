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
//! A conversation deleted with its messages, or whose history is cleared, gives its number up
//! ([`Numbers::retire`]): the pair becomes one of a retired number, whose index rows (and the
//! records and ID rows they lead to) are removed afterwards, a few thousand per commit at idle
//! moments ([`super::messages::MessageTables::purge_retired`]), and the conversation gets a new
//! number with its next message. Why: removing a long history at once held every later call
//! (0.6 s per 200,000 messages); giving the number up takes a few lookups, and nothing reads a
//! conversation's history but through its current number.
//!
//! Invariants:
//! - A number is never given twice: a retired one stays in both tables (as [`RETIRED_TYPE`],
//!   then, once its rows are gone, as a reserved pair), so no index row can ever be read as
//!   another conversation's.
//! - [`CONVERSATION_NUMBERS`] and [`CONVERSATIONS_BY_NUMBER`] hold the same pairs, numbered
//!   from 0 without gaps; a new number is one past the largest in the second.
//! - The rows under a retired number are all in the index tree (the retirement removed its
//!   pending ones with their records). Its records may still be past the index mark where the
//!   mark is held back by a stranded record or was lost (a damaged file): the rebuild of the
//!   pending rows passes over every record indexed under a retired number.

use std::cell::RefCell;

use hashbrown::{HashMap, HashSet};
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

    /// The number of a conversation, given one now if it has none (the store's insert does
    /// this with a check of the index between: `MessageTables::insert`).
    #[cfg(test)]
    pub fn find_or_give(&mut self, key: &ConvKey) -> Result<u32, StoreError> {
        match self.find(key)? {
            Some(number) => Ok(number),
            None => self.give_key(key),
        }
    }

    /// Gives a conversation that has no number the next one, remembered.
    pub fn give_key(&mut self, key: &ConvKey) -> Result<u32, StoreError> {
        let number = self.give(super::schema::conv_row(key))?;
        Self::remember(self.known.get_mut(), key, number);
        Ok(number)
    }

    /// The number [`Self::give`] would give next: one past the largest (`None`: none left).
    pub fn next_number(&self) -> Result<Option<u32>, StoreError> {
        Ok(match self.by_number.last()? {
            Some((number, _)) => number.value().checked_add(1),
            None => Some(0),
        })
    }

    /// Gives the conversation stored as `row` (type, ID) the next number; it must have none.
    pub fn give(&mut self, row: (u8, &str)) -> Result<u32, StoreError> {
        let next = self.next_number()?.ok_or_else(|| StoreError::Corrupt {
            key: format!("{row:?}"),
            detail: "no conversation number left".into(),
        })?;
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

/// The row of the number that a lost pair left unused (its conversation unknown), or of a
/// retired number whose rows are all gone: a type no conversation has, so that the number is
/// never given again and both tables stay the same size.
const LOST_TYPE: u8 = u8::MAX;

/// The row of a retired number whose index rows are still to be removed: `(RETIRED_TYPE, the
/// number in ten digits)`, so that the retired numbers are one key range, in order.
pub(super) const RETIRED_TYPE: u8 = u8::MAX - 1;

/// The `(type, ID)` row naming a retired number.
fn retired_row(number: u32) -> String {
    format!("{number:010}")
}

/// Whether the file has a retired number whose rows may still be in the index (read without a
/// write transaction: an idle moment with nothing to remove commits nothing).
pub fn any_retired_in(txn: &redb::ReadTransaction) -> Result<bool, StoreError> {
    let by_key = match txn.open_table(CONVERSATION_NUMBERS) {
        Ok(table) => table,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(false),
        Err(e) => return Err(redb::Error::from(e).into()),
    };
    Ok(by_key.range((RETIRED_TYPE, "")..(LOST_TYPE, ""))?.next().is_some())
}

impl Numbers<'_> {
    /// Gives up the conversation's number (it is deleted with its messages, or its history is
    /// cleared): the pair becomes a retired number's; the next message of the conversation gets
    /// a new one. Returns the number given up (`None`: it had none). The caller removed the
    /// number's pending rows; its rows in the index tree stay until
    /// [`super::messages::MessageTables::purge_retired`] removes them.
    pub fn retire(&mut self, key: &ConvKey) -> Result<Option<u32>, StoreError> {
        let Some(number) = self.find(key)? else { return Ok(None) };
        self.known.get_mut().remove(key);
        let row = retired_row(number);
        self.by_key.remove(super::schema::conv_row(key))?;
        self.by_key.insert((RETIRED_TYPE, row.as_str()), number)?;
        self.by_number.insert(number, (RETIRED_TYPE, row.as_str()))?;
        Ok(Some(number))
    }

    /// The first `most` retired numbers whose rows may still be in the index, in order.
    pub fn retired(&self, most: usize) -> Result<Vec<u32>, StoreError> {
        self.by_key
            .range((RETIRED_TYPE, "")..(LOST_TYPE, ""))?
            .take(most)
            .map(|row| Ok(row?.1.value()))
            .collect()
    }

    /// Marks a retired number as done with (its rows are gone): reserved from now on.
    pub fn purged(&mut self, number: u32) -> Result<(), StoreError> {
        let (retired, reserved) = (retired_row(number), format!("retired {number}"));
        self.by_key.remove((RETIRED_TYPE, retired.as_str()))?;
        self.by_key.insert((LOST_TYPE, reserved.as_str()), number)?;
        self.by_number.insert(number, (LOST_TYPE, reserved.as_str()))?;
        Ok(())
    }
}

/// What the doctor found in the two number tables ([`Numbers::check`]).
#[derive(Debug, Default)]
pub struct NumberCheck {
    /// Problems that a fix puts right (one line each): a pair one table lost, a pair both lost
    /// (found again from the messages indexed under the number, or else the number reserved,
    /// so that it is never given again).
    pub repairable: Vec<String>,
    /// Problems no fix can put right (one line each): two conversations named by one number,
    /// or one conversation by two. Their histories cannot be told apart any more.
    pub damaged: Vec<String>,
    /// The conversations (type, ID) those damaged lines name: the doctor does not recount them
    /// (their index rows may be another conversation's).
    pub involved: HashSet<(u8, String)>,
}

/// A conversation's row as the doctor names it (`c2c_bob`, `group_team`).
fn row_name((conv_type, id): (u8, &str)) -> String {
    match tim_types::ConvType::from_value(i64::from(conv_type)) {
        Ok(conv_type) if conv_type_has_rows(conv_type) => {
            format!("{}{id}", conv_type.conversation_id_prefix())
        }
        _ => format!("(type {conv_type}) {id}"),
    }
}

fn conv_type_has_rows(conv_type: tim_types::ConvType) -> bool {
    matches!(conv_type, tim_types::ConvType::C2C | tim_types::ConvType::Group)
}

impl Numbers<'_> {
    /// Checks the invariants of the two tables (the same pairs, numbered from 0 without gaps)
    /// and, with `fix`, puts right what can be: a pair one table lost is written back from the
    /// other (unless that would name a conversation twice: then it is damage), a pair both lost
    /// is found again from its messages, and a number nothing names is reserved under a row no
    /// conversation has. Why: [`Self::give`] refuses to number
    /// anything while the tables disagree, so a new conversation could not store a message.
    /// `indexed_largest` is the largest number the message index has rows under: a number
    /// lost from both tables is found by them even when it was the last one given.
    /// `owner_of` names the conversation whose messages are indexed under a number (each
    /// message record names its conversation), so that a pair both tables lost comes back.
    pub fn check(
        &mut self,
        fix: bool,
        indexed_largest: Option<u32>,
        owner_of: impl Fn(u32) -> Result<Option<(u8, String)>, StoreError>,
    ) -> Result<NumberCheck, StoreError> {
        type Row = (u8, String);
        let mut check = NumberCheck::default();
        let mut by_key: HashMap<Row, u32> = HashMap::new();
        for entry in self.by_key.iter()? {
            let (row, number) = entry?;
            let (conv_type, id) = row.value();
            by_key.insert((conv_type, id.to_owned()), number.value());
        }
        let mut by_number: HashMap<u32, Row> = HashMap::new();
        for entry in self.by_number.iter()? {
            let (number, row) = entry?;
            let (conv_type, id) = row.value();
            by_number.insert(number.value(), (conv_type, id.to_owned()));
        }
        // Each number's holders in the first table, each conversation's numbers in the second.
        let mut holders: HashMap<u32, Vec<&Row>> = HashMap::new();
        for (row, number) in &by_key {
            holders.entry(*number).or_default().push(row);
        }
        let mut names: HashMap<&Row, Vec<u32>> = HashMap::new();
        for (number, row) in &by_number {
            names.entry(row).or_default().push(*number);
        }
        // In order: a report line that lists them reads the same from every run.
        names.values_mut().for_each(|numbers| numbers.sort_unstable());
        let name = |row: &Row| row_name((row.0, &row.1));
        let damage = |check: &mut NumberCheck, line: String, rows: &[&Row]| {
            check.damaged.push(line);
            check.involved.extend(rows.iter().map(|row| (*row).clone()));
        };
        let mut restore_by_number = Vec::new();
        for (row, &number) in &by_key {
            let named_by = names.get(row).map_or(&[][..], Vec::as_slice);
            match by_number.get(&number) {
                _ if holders[&number].len() > 1 => {
                    let rows: Vec<&Row> = holders[&number].clone();
                    let mut named: Vec<String> = rows.iter().map(|row| name(row)).collect();
                    named.sort();
                    damage(&mut check, format!("number {number} is held by {}", named.join(" and ")), &rows);
                }
                Some(named) if named == row => {}
                Some(named) => damage(
                    &mut check,
                    format!(
                        "number {number} is {}'s in conversation_numbers, {}'s in conversations_by_number",
                        name(row),
                        name(named)
                    ),
                    &[row, named],
                ),
                // Named by another number already: putting this pair back would name it twice.
                None if !named_by.is_empty() => damage(
                    &mut check,
                    format!("{} holds number {number}, and number {} names it", name(row), named_by[0]),
                    &[row],
                ),
                None => {
                    check.repairable.push(format!(
                        "number {number} of {} missing from conversations_by_number",
                        name(row)
                    ));
                    restore_by_number.push((number, row.clone()));
                }
            }
        }
        let mut restore_by_key = Vec::new();
        for (&number, row) in &by_number {
            let named_by = &names[row];
            match by_key.get(row) {
                _ if named_by.len() > 1 => {
                    damage(&mut check, format!("{} is named by numbers {named_by:?}", name(row)), &[row])
                }
                Some(&held) if held == number => {}
                // Named above, from the side of the conversation that holds it.
                Some(_) => {}
                None if holders.contains_key(&number) => {}
                None => {
                    check
                        .repairable
                        .push(format!("{} (number {number}) missing from conversation_numbers", name(row)));
                    restore_by_key.push((row.clone(), number));
                }
            }
        }
        let largest = by_key.values().chain(by_number.keys()).copied().chain(indexed_largest).max();
        let lost: Vec<u32> = (0..largest.map_or(0, |n| n.saturating_add(1)))
            .filter(|n| !by_number.contains_key(n) && !holders.contains_key(n))
            .collect();
        let mut recovered: Vec<(u32, Row)> = Vec::new();
        let mut reserved = Vec::new();
        for number in lost {
            match owner_of(number)? {
                Some(row)
                    if !by_key.contains_key(&row)
                        && !names.contains_key(&row)
                        && !recovered.iter().any(|(_, named)| *named == row) =>
                {
                    check.repairable.push(format!(
                        "number {number} of {} missing from both tables (named by its messages)",
                        name(&row)
                    ));
                    recovered.push((number, row));
                }
                _ => {
                    check.repairable.push(format!(
                        "number {number} missing from both tables (reserved: no messages name its conversation)"
                    ));
                    reserved.push(number);
                }
            }
        }
        check.repairable.sort();
        check.damaged.sort();
        check.damaged.dedup();
        if fix {
            for (number, (conv_type, id)) in restore_by_number {
                self.by_number.insert(number, (conv_type, id.as_str()))?;
            }
            for ((conv_type, id), number) in restore_by_key {
                self.by_key.insert((conv_type, id.as_str()), number)?;
            }
            for (number, (conv_type, id)) in recovered {
                self.by_number.insert(number, (conv_type, id.as_str()))?;
                self.by_key.insert((conv_type, id.as_str()), number)?;
            }
            for number in reserved {
                let id = format!("lost {number}");
                self.by_number.insert(number, (LOST_TYPE, id.as_str()))?;
                self.by_key.insert((LOST_TYPE, id.as_str()), number)?;
            }
            // What the transaction knew may name numbers the tables no longer agree on.
            self.known.get_mut().clear();
        }
        Ok(check)
    }
}

#[cfg(test)]
mod tests {
    use hashbrown::HashSet;

    use super::{CACHED_NUMBERS, NumberCache, Numbers};
    use crate::ids::ConvKey;
    use crate::store::Store;

    fn key(n: usize) -> ConvKey {
        ConvKey::c2c(format!("peer{n}")).unwrap()
    }

    /// Numbers conversations `peer0`.. `peer<count - 1>`, in order (checked).
    fn give_numbers(txn: &redb::WriteTransaction, count: usize) {
        let mut numbers = Numbers::open(txn, NumberCache::new()).unwrap();
        for n in 0..count {
            assert_eq!(numbers.find_or_give(&key(n)).unwrap(), n as u32);
        }
    }

    /// For tables checked without messages: no number's conversation can be found from them.
    fn no_owner(_: u32) -> Result<Option<(u8, String)>, crate::store::StoreError> {
        Ok(None)
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
        give_numbers(&txn, 3);
        // A damaged file: the last pair lost from one table only; 2 would be given twice.
        txn.open_table(crate::store::schema::CONVERSATIONS_BY_NUMBER).unwrap().remove(2).unwrap();
        let mut numbers = Numbers::open(&txn, NumberCache::new()).unwrap();
        assert!(numbers.find_or_give(&key(9)).is_err());
        assert_eq!(numbers.find(&key(2)).unwrap(), Some(2), "the numbered one keeps its number");
    }

    #[test]
    fn the_check_finds_lost_pairs_and_a_fix_puts_them_back() {
        use crate::store::schema::{CONVERSATION_NUMBERS, CONVERSATIONS_BY_NUMBER};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_file(dir.path(), "me").unwrap();
        let txn = store.db.begin_write().unwrap();
        give_numbers(&txn, 5);
        {
            // A damaged file: 1 lost from the numbers' side, peer2 from the conversations'
            // side, and the last number, 4, from both (only the index still has rows under it).
            let mut by_number = txn.open_table(CONVERSATIONS_BY_NUMBER).unwrap();
            let mut by_key = txn.open_table(CONVERSATION_NUMBERS).unwrap();
            by_number.remove(1).unwrap();
            by_key.remove((1, "peer2")).unwrap();
            by_number.remove(4).unwrap();
            by_key.remove((1, "peer4")).unwrap();
        }
        let mut numbers = Numbers::open(&txn, NumberCache::new()).unwrap();
        let found = numbers.check(false, Some(4), no_owner).unwrap();
        assert_eq!(
            found.repairable,
            vec![
                "c2c_peer2 (number 2) missing from conversation_numbers",
                "number 1 of c2c_peer1 missing from conversations_by_number",
                "number 4 missing from both tables (reserved: no messages name its conversation)",
            ],
            "{found:?}"
        );
        assert!(found.damaged.is_empty(), "{found:?}");
        assert!(numbers.find_or_give(&key(9)).is_err(), "no number while the tables disagree");
        assert_eq!(numbers.check(true, Some(4), no_owner).unwrap().repairable.len(), 3);
        let after = numbers.check(false, Some(4), no_owner).unwrap();
        assert!(after.repairable.is_empty() && after.damaged.is_empty(), "{after:?}");
        assert_eq!(numbers.find(&key(2)).unwrap(), Some(2), "peer2 keeps its number");
        assert_eq!(numbers.find_or_give(&key(9)).unwrap(), 5, "4 is reserved, never given again");
    }

    #[test]
    fn a_number_named_twice_is_damage_a_fix_leaves() {
        use crate::store::schema::CONVERSATION_NUMBERS;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_file(dir.path(), "me").unwrap();
        let txn = store.db.begin_write().unwrap();
        give_numbers(&txn, 3);
        // peer0 now holds peer1's number as well as being named by its own.
        txn.open_table(CONVERSATION_NUMBERS).unwrap().insert((1, "peer0"), 1).unwrap();
        let mut numbers = Numbers::open(&txn, NumberCache::new()).unwrap();
        for fix in [false, true, false] {
            let found = numbers.check(fix, Some(2), no_owner).unwrap();
            assert!(found.repairable.is_empty(), "{found:?}");
            let involved: HashSet<(u8, String)> = [(1, "peer0".into()), (1, "peer1".into())].into();
            assert_eq!(found.involved, involved, "not recounted: their rows may be each other's");
            assert_eq!(found.damaged, vec!["number 1 is held by c2c_peer0 and c2c_peer1"], "fix {fix}");
        }
    }
}
