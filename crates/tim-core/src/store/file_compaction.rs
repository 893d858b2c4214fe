//! Giving a store file's free space back to the file system (`tim compact`).
//!
//! Why: redb reuses the pages a deletion frees but never shrinks its file, so a store keeps the
//! size of its largest history (a conversation of a million messages deleted leaves some
//! hundreds of megabytes free inside the file). An app's store is open while it runs; an
//! operator compacts it while it is not, as SQLite's users run `VACUUM`.
//!
//! What it does, on the file opened as a login opens it (its lock held, an older file upgraded):
//! first the work idle moments do (the rows of deleted or cleared long histories removed, the
//! index rows held in memory folded: `numbers.rs`, `pending.rs`), each part in a durable commit,
//! then redb's compaction, which moves the used pages to the front in crash-safe commits and
//! cuts the file short. Nothing any call sees changes. As on the store thread, the work runs
//! [`contained`]: redb asserts on some damage, which becomes an error, not a panic.

use std::path::Path;

use redb::ReadableDatabase;

use super::path::user_store_path;
use super::redb_store::{Store, StoreError};
use super::{contained, drop_contained};

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactionReport {
    /// The file's size before, in bytes.
    pub bytes_before: u64,
    /// The file's size after, in bytes.
    pub bytes_after: u64,
    /// Whether rows of deleted or cleared long histories were still there (removed first).
    pub removed_deleted_histories: bool,
}

/// Compacts the store of `user_id` under `data_dir`. Fails, changing nothing, when there is no
/// store (an empty, 0-byte file is none: opening it would make one), it is open elsewhere (an
/// app logged in), or it does not open (another user's, a newer build's, damaged: see
/// `salvage`).
pub fn compact_file(data_dir: &Path, user_id: &str) -> Result<CompactionReport, StoreError> {
    let path = user_store_path(data_dir, user_id);
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len());
    let none = |why: &str| StoreError::Io {
        path: path.clone(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, why.to_owned()),
    };
    let bytes_before = size(&path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => none("no store to compact"),
        _ => StoreError::Io { path: path.clone(), source },
    })?;
    if bytes_before == 0 {
        return Err(none("empty (0 bytes), not a store"));
    }
    let mut opened = None;
    let compacted = contained(|| {
        let store = opened.insert(Store::open_file(data_dir, user_id)?);
        let removed = super::numbers::any_retired_in(&store.db.begin_read().map_err(redb::Error::from)?)?;
        while store.purge_retired_chunk()? {}
        store.fold_all_pending_rows()?;
        // Each call moves what it can; the next may find more to move behind it.
        for _ in 0..64 {
            if !store.db.compact().map_err(|e| StoreError::Redb(e.into()))? {
                break;
            }
        }
        Ok(removed)
    });
    drop_contained(opened);
    let removed_deleted_histories = compacted?;
    let bytes_after = size(&path).map_err(|source| StoreError::Io { path: path.clone(), source })?;
    Ok(CompactionReport { bytes_before, bytes_after, removed_deleted_histories })
}
