//! `tim compact`: the store file's free space given back (`tim_core::store::compact_file`).

use std::path::Path;

use crate::output::out;

/// Compacts the store of `user` and prints its size before and after; fails (changing nothing)
/// when there is no store, it is open elsewhere, or it does not open.
pub fn run(data_dir: &Path, user: &str, json: bool) -> Result<(), String> {
    // redb panics on some damage (the compaction catches it and fails): its message on standard
    // error would read as the tool's crash. Silenced for the compaction only, as for a salvage.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let compacted = tim_core::store::compact_file(data_dir, user);
    std::panic::set_hook(hook);
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
