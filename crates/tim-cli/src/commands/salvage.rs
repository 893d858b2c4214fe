//! `tim salvage`: a new store made of what still reads in a damaged one (`tim_core::store::salvage`).

use std::path::Path;

use crate::output::{out, printable};

/// Salvages the store of `user` and prints what was kept and lost; fails (changing nothing) when
/// there is no store, it is open elsewhere, or it is another user's or a newer build's.
pub fn run(data_dir: &Path, user: &str, json: bool) -> Result<(), String> {
    // The salvage catches redb's panics on damage and reads on.
    let salvaged = super::without_panic_messages(|| tim_core::store::salvage(data_dir, user));
    let report = salvaged.map_err(|e| format!("cannot salvage the store of {user:?}: {e}"))?;
    if json {
        out!(
            "{}",
            serde_json::json!({
                "damaged_copy": report.damaged_copy,
                "unopenable": report.unopenable,
                "conversations": report.conversations,
                "conversations_remade": report.conversations_remade,
                "records_lost": report.records_lost,
                "messages": report.messages,
                "messages_lost": report.messages_lost,
                "duplicate_messages": report.duplicate_messages,
                "cut_short": report.cut_short,
                "groups_lost": report.groups_lost,
                "doctor": super::doctor::report_json(&report.doctor),
            })
        );
        return Ok(());
    }
    if let Some(why) = &report.unopenable {
        out!("the damaged file could not be opened ({why}): the new store is empty");
    }
    out!(
        "kept {} conversation(s) and {} message(s)",
        report.conversations + report.conversations_remade,
        report.messages
    );
    if report.conversations_remade > 0 {
        out!(
            "  remade: {} conversation(s) whose record was lost (their messages taken as read)",
            report.conversations_remade
        );
    }
    if report.records_lost > 0 || report.messages_lost > 0 {
        out!(
            "  lost: {} conversation record(s), {} message record(s) that did not read",
            report.records_lost,
            report.messages_lost
        );
    }
    if report.duplicate_messages > 0 {
        out!("  left out: {} second copy(ies) of a message", report.duplicate_messages);
    }
    if report.groups_lost {
        out!("  lost: the conversation groups' list (made again from the conversations)");
    }
    for line in &report.cut_short {
        out!("  cut short: {}", printable(line));
    }
    for line in &report.doctor.mismatches {
        out!("  recounted: {}", printable(line));
    }
    out!("the damaged file is kept as {}", report.damaged_copy.display());
    Ok(())
}
