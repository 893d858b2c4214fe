//! Upgrades of files written under an older schema, run once when such a file is opened, in
//! the transaction that marks it with [`SCHEMA_VERSION`](super::SCHEMA_VERSION): a crash
//! leaves either the old file or the upgraded one.

use redb::{ReadableTable, Table, WriteTransaction};

use super::numbers::Numbers;
use super::redb_store::{StoreError, read_u64};
use super::schema::{
    MESSAGE_INDEX, MESSAGE_INDEX_BEFORE_V6, MESSAGE_LOG, MESSAGE_LOG_SINCE, MESSAGES_BEFORE_V4,
    META_NEXT_MSG_UID, NUMBERED_INDEX_SINCE, SEQUENCE_ROWS_WHOLE_SINCE, WRITTEN_BEHIND_SINCE,
};

/// Brings a file of schema `found` up to this build's layout.
pub fn upgrade(txn: &WriteTransaction, meta: &mut Table<&str, &[u8]>, found: u64) -> Result<(), StoreError> {
    if found < MESSAGE_LOG_SINCE {
        let next_uid = move_messages_to_log(txn)?;
        // No new message may take a moved one's uid, whatever the counter said.
        let counter = meta.get(META_NEXT_MSG_UID)?.map_or(0, |v| read_u64(v.value()));
        if counter < next_uid {
            meta.insert(META_NEXT_MSG_UID, next_uid.to_le_bytes().as_slice())?;
        }
    }
    if found < NUMBERED_INDEX_SINCE {
        number_the_index(txn)?;
    }
    if found < WRITTEN_BEHIND_SINCE {
        // Every record such a file holds has its index rows in the trees.
        let counter = meta.get(META_NEXT_MSG_UID)?.map_or(0, |v| read_u64(v.value()));
        super::pending::mark_indexed_below(meta, counter)?;
    }
    if found < SEQUENCE_ROWS_WHOLE_SINCE {
        super::messages::rebuild_sequence_rows(txn)?;
    }
    Ok(())
}

/// Moves the rows of [`MESSAGE_INDEX_BEFORE_V6`] (keyed by conversation type and ID) to
/// [`MESSAGE_INDEX`], numbering the conversations as they come (`numbers.rs`), then deletes the
/// old table.
fn number_the_index(txn: &WriteTransaction) -> Result<(), StoreError> {
    {
        let old = txn.open_table(MESSAGE_INDEX_BEFORE_V6)?;
        let mut numbers = Numbers::open(txn, Default::default())?;
        let mut index = txn.open_table(MESSAGE_INDEX)?;
        // A conversation's rows are one key range: its number is looked up once.
        let mut current: Option<((u8, String), u32)> = None;
        for row in old.iter()? {
            let (k, _) = row?;
            let (t, id, time, uid) = k.value();
            let number = match &current {
                Some(((ct, cid), number)) if *ct == t && cid == id => *number,
                _ => {
                    let number = match numbers.find_row((t, id))? {
                        Some(number) => number,
                        None => numbers.give((t, id))?,
                    };
                    current = Some(((t, id.to_owned()), number));
                    number
                }
            };
            index.insert((number, time, uid), ())?;
        }
    }
    txn.delete_table(MESSAGE_INDEX_BEFORE_V6)?;
    Ok(())
}

/// Moves the messages of [`MESSAGES_BEFORE_V4`] (keyed by position) into the log and the
/// per-conversation index of then ([`MESSAGE_INDEX_BEFORE_V6`], numbered next), then deletes
/// the old table; returns the uid after the largest moved. The records move as they are
/// (every record layout still reads). Two rows with one uid cannot
/// come from any build (uids come from one counter per file); should a damaged file hold them,
/// it is refused rather than one of them dropped.
fn move_messages_to_log(txn: &WriteTransaction) -> Result<u64, StoreError> {
    let mut next_uid = 1;
    {
        let old = txn.open_table(MESSAGES_BEFORE_V4)?;
        let mut log = txn.open_table(MESSAGE_LOG)?;
        let mut index = txn.open_table(MESSAGE_INDEX_BEFORE_V6)?;
        for row in old.iter()? {
            let (k, v) = row?;
            let (t, id, time, uid) = k.value();
            if log.insert(uid, v.value())?.is_some() {
                return Err(StoreError::Corrupt {
                    key: format!("({t}, {id:?})@{time}/{uid}"),
                    detail: "two messages share a uid".into(),
                });
            }
            index.insert((t, id, time, uid), ())?;
            next_uid = next_uid.max(uid.saturating_add(1));
        }
    }
    txn.delete_table(MESSAGES_BEFORE_V4)?;
    Ok(next_uid)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use redb::{Database, ReadableDatabase, ReadableTable, TableHandle};
    use tim_types::{Elem, Message};

    use crate::ids::ConvKey;
    use crate::state::messages::Origin;
    use crate::store::ops::{HistoryQuery, MsgOp, OpOutput};
    use crate::store::redb_store::read_u64;
    use crate::store::schema::*;
    use crate::store::{SCHEMA_VERSION, Store, user_store_path};

    /// Rewrites alice's file as schema 6 had it (no mark: every row in the trees); as schema 5
    /// and before indexed messages: by conversation type and ID, with no conversation numbers;
    /// schema 3 and before, with the messages themselves in one table keyed so.
    fn rewrite_as_schema(dir: &Path, version: u64) {
        let db = Database::create(user_store_path(dir, "alice")).unwrap();
        let txn = db.begin_write().unwrap();
        if version < 6 {
            let log = txn.open_table(MESSAGE_LOG).unwrap();
            let index = txn.open_table(MESSAGE_INDEX).unwrap();
            let by_number = txn.open_table(CONVERSATIONS_BY_NUMBER).unwrap();
            let mut old_index = txn.open_table(MESSAGE_INDEX_BEFORE_V6).unwrap();
            let mut old_messages = txn.open_table(MESSAGES_BEFORE_V4).unwrap();
            for row in index.iter().unwrap() {
                let (number, time, uid) = row.unwrap().0.value();
                let conv = by_number.get(number).unwrap().unwrap();
                let (t, id) = conv.value();
                if version < 4 {
                    old_messages.insert((t, id, time, uid), log.get(uid).unwrap().unwrap().value()).unwrap();
                } else {
                    old_index.insert((t, id, time, uid), ()).unwrap();
                }
            }
        }
        if version < 6 {
            for table in ["message_order", "conversation_numbers", "conversations_by_number"] {
                txn.delete_table(redb::TableDefinition::<u64, u64>::new(table)).unwrap();
            }
        }
        if version < 4 {
            txn.delete_table(MESSAGE_LOG).unwrap();
            txn.delete_table(MESSAGE_INDEX_BEFORE_V6).unwrap();
        } else {
            txn.delete_table(MESSAGES_BEFORE_V4).unwrap();
        }
        let mut meta = txn.open_table(META).unwrap();
        meta.insert(META_SCHEMA_VERSION, version.to_le_bytes().as_slice()).unwrap();
        meta.remove(META_INDEXED_BELOW).unwrap();
        if version < 4 {
            // As if the counter had been lost: the move must keep new uids clear of the moved ones.
            meta.remove(META_NEXT_MSG_UID).unwrap();
        }
        drop(meta);
        txn.commit().unwrap();
    }

    /// Writes messages, rewrites the file as `version` kept them, opens it again: the same
    /// histories, new messages in their place, no old table left.
    fn messages_survive_the_upgrade_from(version: u64) {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (ConvKey::c2c("bob").unwrap(), ConvKey::group("g").unwrap());
        let message = |id: &str, time: u64| {
            let mut msg = Message::from_elems(vec![Elem::text(id)]);
            msg.message_msg_id = Some(id.into());
            msg.message_server_time = Some(time);
            msg
        };
        let reads = || {
            vec![
                MsgOp::History { key: a.clone(), query: HistoryQuery::default() },
                MsgOp::History { key: b.clone(), query: HistoryQuery::default() },
                MsgOp::Doctor { fix: false },
            ]
        };
        let before = {
            let (store, _) = Store::open(dir.path(), "alice").unwrap();
            let writes = vec![
                MsgOp::Insert {
                    key: a.clone(),
                    messages: vec![message("a1", 10), message("a2", 5)],
                    origin: Origin::Imported,
                },
                MsgOp::Insert { key: b.clone(), messages: vec![message("b1", 7)], origin: Origin::Imported },
            ];
            let wrote = store.execute(writes, 100, 1, false, Vec::new()).unwrap();
            assert!(wrote.results.iter().all(Result::is_ok));
            let read = store.execute(reads(), 100, wrote.next_order_key, false, Vec::new()).unwrap().results;
            // As a build of schema 6 and before left its files: every row in the trees.
            store.fold_pending_rows().unwrap();
            read
        };
        rewrite_as_schema(dir.path(), version);
        let (store, _) = Store::open(dir.path(), "alice").unwrap();
        let after = store.execute(reads(), 100, 10, false, Vec::new()).unwrap().results;
        assert_eq!(after, before, "the same histories and the same doctor's count");
        let Ok(OpOutput::Report(report)) = &after[2] else { panic!("{after:?}") };
        assert_eq!((report.messages, report.mismatches.len()), (3, 0));
        let more = vec![
            MsgOp::Insert { key: a.clone(), messages: vec![message("a3", 20)], origin: Origin::Imported },
            MsgOp::Insert {
                key: ConvKey::c2c("carol").unwrap(),
                messages: vec![message("c1", 1)],
                origin: Origin::Imported,
            },
        ];
        assert!(store.execute(more, 100, 10, false, Vec::new()).unwrap().results.iter().all(Result::is_ok));
        let after = store.execute(reads(), 100, 10, false, Vec::new()).unwrap().results;
        let Ok(OpOutput::Messages(history)) = &after[0] else { panic!("{after:?}") };
        let ids: Vec<_> = history.iter().filter_map(|m| m.message_msg_id.as_deref()).collect();
        assert_eq!(ids, ["a3", "a1", "a2"], "the new message took no moved one's place");
        let Ok(OpOutput::Messages(history)) = &after[1] else { panic!("{after:?}") };
        assert_eq!(history.len(), 1, "carol's number is not the group's: {history:?}");
        let Ok(OpOutput::Report(report)) = &after[2] else { panic!("{after:?}") };
        assert_eq!((report.messages, report.mismatches.len()), (5, 0));
        drop(store);
        let db = Database::create(user_store_path(dir.path(), "alice")).unwrap();
        let meta = db.begin_read().unwrap().open_table(META).unwrap();
        assert_eq!(read_u64(meta.get(META_SCHEMA_VERSION).unwrap().unwrap().value()), SCHEMA_VERSION);
        let mark = meta.get(META_INDEXED_BELOW).unwrap().map(|v| read_u64(v.value()));
        assert_eq!(mark, Some(4), "the three messages of before marked indexed, the new ones pending");
        drop(meta);
        let names: Vec<String> =
            db.begin_read().unwrap().list_tables().unwrap().map(|t| t.name().to_owned()).collect();
        for old in ["messages", "message_index"] {
            assert!(!names.contains(&old.to_owned()), "{old} is gone: {names:?}");
        }
        let numbers: Vec<(u32, (u8, String))> = db
            .begin_read()
            .unwrap()
            .open_table(CONVERSATIONS_BY_NUMBER)
            .unwrap()
            .iter()
            .unwrap()
            .map(|row| {
                let (number, conv) = row.unwrap();
                let (t, id) = conv.value();
                (number.value(), (t, id.to_owned()))
            })
            .collect();
        let expected = [(0, (1, "bob".to_owned())), (1, (2, "g".to_owned())), (2, (1, "carol".to_owned()))];
        assert_eq!(numbers, expected, "numbered in key order, the new one after them");
    }

    #[test]
    fn the_messages_of_a_schema_3_file_move_to_the_log_when_it_is_opened() {
        messages_survive_the_upgrade_from(3);
    }

    #[test]
    fn the_index_of_a_schema_5_file_is_numbered_when_it_is_opened() {
        messages_survive_the_upgrade_from(5);
    }

    #[test]
    fn a_schema_6_file_has_its_whole_log_marked_indexed_when_it_is_opened() {
        messages_survive_the_upgrade_from(6);
    }
}
