//! `tim compact`: the store file's free space given back (`tim_core::store::compact_file`).

use std::path::Path;

use crate::output::out;

/// Compacts the store of `user` and prints its size before and after; fails (changing nothing)
/// when there is no store, it is open elsewhere, or it does not open.
pub fn run(data_dir: &Path, user: &str, json: bool) -> Result<(), String> {
    // The compaction turns redb's panics on damage into an error.
    let compacted = super::without_panic_messages(|| tim_core::store::compact_file(data_dir, user));
    let report = compacted.map_err(|e| format!("cannot compact the store of {user:?}: {e}"))?;
    if json {
        out!(
            "{}",
            serde_json::json!({
                "bytes_before": report.bytes_before,
                "bytes_after": report.bytes_after,
                "removed_deleted_histories": report.removed_deleted_histories,
            })
        );
        return Ok(());
    }
    if report.removed_deleted_histories {
        out!("removed what deleted histories left");
    }
    out!("compacted: {} -> {} bytes", report.bytes_before, report.bytes_after);
    Ok(())
}
