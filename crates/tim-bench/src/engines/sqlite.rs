//! An honest SQLite engine for the same job: WAL with `synchronous=FULL` (the same durability as
//! a redb `Immediate` commit), a stored and indexed sort key, prepared statements, the same batch
//! sizes, and the same work per message: store the message (its JSON, as we do), update the
//! conversation's last message, order key and unread count, all in one transaction.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::EndState;
use super::ours::message;

/// An SQLite database with a conversation table and a message table.
pub struct Sqlite {
    conn: Connection,
    next_order: i64,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS conversations (
        peer TEXT PRIMARY KEY,
        order_key INTEGER NOT NULL,
        pinned INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        last_msg TEXT,
        draft TEXT
    );
    CREATE INDEX IF NOT EXISTS conversations_order ON conversations (pinned DESC, order_key DESC);
    CREATE TABLE IF NOT EXISTS messages (
        id TEXT PRIMARY KEY,
        peer TEXT NOT NULL,
        time INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (peer, time);
";

/// One row of the conversation list; every column is fetched, as an app showing the list would.
#[derive(Debug)]
#[allow(dead_code)] // the bench reads the rows to do the work, not every field afterwards
pub struct Row {
    /// The peer.
    pub peer: String,
    /// Order key.
    pub order_key: i64,
    /// Unread count.
    pub unread: i64,
    /// Last message JSON.
    pub last_msg: Option<String>,
    /// Draft JSON.
    pub draft: Option<String>,
}

impl Sqlite {
    /// Opens (or creates) the database.
    pub fn open(dir: &Path) -> Result<Sqlite, String> {
        let conn = Connection::open(dir.join("engine.sqlite")).map_err(|e| e.to_string())?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(|e| e.to_string())?;
        conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
        let next_order: i64 = conn
            .query_row("SELECT COALESCE(MAX(order_key), 0) + 1 FROM conversations", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        Ok(Sqlite { conn, next_order })
    }

    /// Stores messages `range` in transactions of `batch`.
    pub fn ingest(
        &mut self,
        range: std::ops::Range<usize>,
        conversations: usize,
        batch: usize,
    ) -> Result<(), String> {
        for run in crate::corpus::batches(range, batch) {
            let txn = self.conn.transaction().map_err(|e| e.to_string())?;
            {
                let mut insert = txn
                    .prepare_cached(
                        "INSERT OR IGNORE INTO messages (id, peer, time, body) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .map_err(|e| e.to_string())?;
                let mut upsert = txn
                    .prepare_cached(
                        "INSERT INTO conversations (peer, order_key, unread, last_msg) VALUES (?1, ?2, 1, ?3)
                         ON CONFLICT (peer) DO UPDATE SET order_key = excluded.order_key,
                             unread = unread + 1, last_msg = excluded.last_msg",
                    )
                    .map_err(|e| e.to_string())?;
                for i in run {
                    let msg = message(i, conversations);
                    let body = serde_json::to_string(&msg).map_err(|e| e.to_string())?;
                    let peer = msg.message_sender.clone().unwrap_or_default();
                    let id = msg.message_msg_id.clone().unwrap_or_default();
                    let time = msg.message_server_time.unwrap_or_default() as i64;
                    if insert.execute(params![id, peer, time, body]).map_err(|e| e.to_string())? == 1 {
                        upsert.execute(params![peer, self.next_order, body]).map_err(|e| e.to_string())?;
                        self.next_order += 1;
                    }
                }
            }
            txn.commit().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The first `limit` conversations in list order (all with `None`).
    pub fn list(&self, limit: Option<usize>) -> Result<Vec<Row>, String> {
        let sql = match limit {
            Some(n) => format!(
                "SELECT peer, order_key, unread, last_msg, draft FROM conversations ORDER BY pinned DESC, order_key DESC LIMIT {n}"
            ),
            None => "SELECT peer, order_key, unread, last_msg, draft FROM conversations ORDER BY pinned DESC, order_key DESC".into(),
        };
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| e.to_string())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Row {
                    peer: r.get(0)?,
                    order_key: r.get(1)?,
                    unread: r.get(2)?,
                    last_msg: r.get(3)?,
                    draft: r.get(4)?,
                })
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())
    }

    /// Sets a draft in its own durable transaction; the conversation moves up.
    pub fn set_draft(&mut self, peer: &str, draft_json: &str) -> Result<(), String> {
        let order = self.next_order;
        self.next_order += 1;
        self.conn
            .prepare_cached("UPDATE conversations SET draft = ?1, order_key = ?2 WHERE peer = ?3")
            .and_then(|mut s| s.execute(params![draft_json, order, peer]))
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// What the database holds.
    pub fn end_state(&self) -> Result<EndState, String> {
        let messages: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        let mut state = EndState { messages: messages as u64, ..Default::default() };
        for row in self.list(None)? {
            let last = row
                .last_msg
                .as_deref()
                .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
                .and_then(|v| v["message_elem_array"][0]["text_elem_content"].as_str().map(str::to_owned))
                .unwrap_or_default();
            state.conversations.insert(row.peer, (Some(row.unread as u64), last));
        }
        Ok(state)
    }

    /// Reads one conversation's unread count (a point query).
    pub fn unread(&self, peer: &str) -> Result<Option<i64>, String> {
        self.conn
            .query_row("SELECT unread FROM conversations WHERE peer = ?1", [peer], |r| r.get(0))
            .optional()
            .map_err(|e| e.to_string())
    }
}
