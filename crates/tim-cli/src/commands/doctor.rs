//! `tim unread` and `tim doctor`.

use tim_core::{DoctorReport, block_on};

use crate::output::{out, printable};
use crate::session::Session;

/// Prints the total unread count and every conversation with unread messages.
pub fn unread(session: &Session, json: bool) -> Result<(), String> {
    let client = session.client();
    let total = block_on(client.total_unread()).map_err(|e| e.to_string())?;
    let list = block_on(client.conversation_list()).map_err(|e| e.to_string())?;
    let unread: Vec<_> = list.iter().filter(|c| c.conv_unread_num > 0).collect();
    if json {
        let per_conv: Vec<_> = unread
            .iter()
            .map(|c| serde_json::json!({ "conv_id": c.conv_id, "conv_type": c.conv_type, "conv_unread_num": c.conv_unread_num, "conv_recv_opt": c.conv_recv_opt }))
            .collect();
        out!(
            "{}",
            serde_json::json!({ "conv_get_total_unread_message_count_result_unread_count": total, "conversations": per_conv })
        );
    } else {
        out!("total unread: {total}");
        for c in unread {
            let muted = if c.conv_recv_opt.value() == 0 { "" } else { " (muted, not in the total)" };
            out!("  {:<24} {:>6}{muted}", printable(&c.conv_id), c.conv_unread_num);
        }
    }
    Ok(())
}

/// What the damage no fix undoes is left for: a salvage indexes every record of the log again,
/// under numbers it gives, and leaves out those that do not read.
const SALVAGE: &str = "`tim salvage` makes a new store of every message that reads";

/// The doctor's report as `tim --json doctor` prints it.
pub fn report_json(report: &DoctorReport) -> serde_json::Value {
    serde_json::json!({
        "conversations": report.conversations,
        "messages": report.messages,
        "mismatches": report.mismatches,
        "fixed": report.fixed,
        "unindexed_records": report.unindexed_records,
        "damaged_numbers": report.damaged_numbers,
        "unreadable_records": report.unreadable_records,
    })
}

/// Recounts from the stored messages; fails (exit 1) when mismatches remain unfixed, the log
/// holds records no conversation reaches, records cannot be read, or the conversation numbers
/// are damaged beyond repair (all of which `--fix` leaves in place).
pub fn run(session: &Session, fix: bool, json: bool) -> Result<(), String> {
    let report = block_on(session.client().doctor(fix)).map_err(|e| e.to_string())?;
    if json {
        out!("{}", report_json(&report));
    } else {
        out!("checked {} conversation(s), {} message(s)", report.conversations, report.messages);
        for line in &report.mismatches {
            out!("  mismatch: {}", printable(line));
        }
        if report.mismatches.is_empty() {
            out!("no mismatches");
        } else if report.fixed {
            out!("fixed {} mismatch(es)", report.mismatches.len());
        }
        if report.unindexed_records > 0 {
            let count = report.unindexed_records;
            out!("  unindexed: {count} message record(s) no conversation reaches (left in place)");
        }
        for line in &report.damaged_numbers {
            out!("  damaged: {} (no fix can undo it)", printable(line));
        }
        for line in &report.unreadable_records {
            out!("  unreadable: {} (left in place)", printable(line));
        }
    }
    if !report.mismatches.is_empty() && !report.fixed {
        return Err(format!(
            "{} mismatch(es); run `tim doctor --fix` to correct them",
            report.mismatches.len()
        ));
    }
    if !report.unreadable_records.is_empty() {
        return Err(format!(
            "{} message record(s) cannot be read: the store is damaged; they are left in place \
             for recovery, and their conversations were not recounted ({SALVAGE})",
            report.unreadable_records.len()
        ));
    }
    if !report.damaged_numbers.is_empty() {
        return Err(format!(
            "{} conversation number(s) named twice: the store is damaged; their histories cannot be \
             told apart ({SALVAGE})",
            report.damaged_numbers.len()
        ));
    }
    if report.unindexed_records > 0 {
        return Err(format!(
            "{} message record(s) in the log that no conversation reaches: the store is damaged; \
             they are left in place for recovery ({SALVAGE})",
            report.unindexed_records
        ));
    }
    Ok(())
}
