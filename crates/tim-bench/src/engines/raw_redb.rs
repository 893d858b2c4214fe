//! Raw redb doing only the row inserts of the workload: the floor an engine on redb approaches.

use std::path::Path;
use std::time::{Duration, Instant};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use super::EndState;
use crate::corpus;

const ROWS: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("rows");

/// A redb file with one table of `(conversation, n) → text`.
pub struct RawRedb {
    db: Database,
}

impl RawRedb {
    /// Creates the file.
    pub fn create(dir: &Path) -> Result<RawRedb, String> {
        let db = Database::create(dir.join("raw.redb")).map_err(|e| e.to_string())?;
        Ok(RawRedb { db })
    }

    /// Inserts rows `range` in durable transactions of `batch` rows.
    pub fn ingest(
        &self,
        range: std::ops::Range<usize>,
        conversations: usize,
        batch: usize,
    ) -> Result<(), String> {
        for run in corpus::batches(range, batch) {
            let txn = self.db.begin_write().map_err(|e| e.to_string())?;
            {
                let mut table = txn.open_table(ROWS).map_err(|e| e.to_string())?;
                for i in run {
                    let c = corpus::conversation(i, conversations) as u32;
                    table.insert((c, i as u64), corpus::text(i).as_bytes()).map_err(|e| e.to_string())?;
                }
            }
            txn.commit().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The time of one durable single-row commit.
    pub fn single_commit(&self, n: usize) -> Result<Duration, String> {
        let start = Instant::now();
        let txn = self.db.begin_write().map_err(|e| e.to_string())?;
        {
            let mut table = txn.open_table(ROWS).map_err(|e| e.to_string())?;
            table.insert((u32::MAX, n as u64), corpus::text(n).as_bytes()).map_err(|e| e.to_string())?;
        }
        txn.commit().map_err(|e| e.to_string())?;
        Ok(start.elapsed())
    }

    /// What the file holds (message count and each conversation's newest text).
    pub fn end_state(&self) -> Result<EndState, String> {
        let txn = self.db.begin_read().map_err(|e| e.to_string())?;
        let table = txn.open_table(ROWS).map_err(|e| e.to_string())?;
        let mut state = EndState::default();
        for row in table.iter().map_err(|e| e.to_string())? {
            let (k, v) = row.map_err(|e| e.to_string())?;
            let (c, _) = k.value();
            if c == u32::MAX {
                continue;
            }
            state.messages += 1;
            let text = String::from_utf8_lossy(v.value()).into_owned();
            state.conversations.insert(corpus::peer(c as usize), (None, text));
        }
        Ok(state)
    }
}
