//! Printing results: the callback JSON with `--json`, a table otherwise.

/// Prints a line to standard output. Why not `println!`: it panics when the reader has gone
/// (`tim conv list | head -1`); a closed pipe only means nobody reads the rest, so the command
/// finishes (and closes its store) as usual. Any other failure (a full disk) is kept for
/// [`write_failure`]: the command goes on, and then fails.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::output::note_write_error(error);
        }
    }};
}
pub(crate) use out;

/// The first error writing standard output met, but a closed pipe.
static WRITE_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Keeps `error` for [`write_failure`] unless it is a closed pipe or one is kept already.
pub fn note_write_error(error: std::io::Error) {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return;
    }
    let mut kept = WRITE_ERROR.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    kept.get_or_insert_with(|| error.to_string());
}

/// Why the output is incomplete, once everything is printed: standard output flushed, and the
/// first write error but a closed pipe. Why it matters: `tim --json msg list bob > file && tim
/// conv delete bob` must not go on after an export a full disk cut short.
pub fn write_failure() -> Option<String> {
    use std::io::Write as _;
    if let Err(error) = std::io::stdout().lock().flush() {
        note_write_error(error);
    }
    WRITE_ERROR.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}

use tim_types::{ConvInfo, ConvType, Elem, Message};

/// Prints a list of conversations.
pub fn print_list(list: &[ConvInfo], json: bool) {
    if json {
        out!("{}", serde_json::to_string_pretty(list).unwrap_or_default());
        return;
    }
    out!(
        "{:<4} {:<6} {:<24} {:>6} {:<6} {:<30} {:<30}",
        "#",
        "type",
        "id",
        "unread",
        "pinned",
        "draft",
        "last message"
    );
    for (n, conv) in list.iter().enumerate() {
        let last = conv
            .conv_last_msg
            .as_ref()
            .map(|m| elems_text(&m.message().message_elem_array))
            .unwrap_or_default();
        out!(
            "{:<4} {:<6} {:<24} {:>6} {:<6} {:<30} {:<30}",
            n + 1,
            kind(conv.conv_type),
            clip(&conv.conv_id, 24),
            conv.conv_unread_num,
            if conv.conv_is_pinned { "yes" } else { "" },
            clip(&draft_text(conv), 30),
            clip(&last, 30),
        );
    }
    out!("{} conversation(s)", list.len());
}

/// Prints one conversation.
pub fn print_one(conv: &ConvInfo, json: bool) {
    if json {
        out!("{}", serde_json::to_string_pretty(conv).unwrap_or_default());
    } else {
        print_list(std::slice::from_ref(conv), false);
    }
}

/// Prints messages.
pub fn print_messages(list: &[Message], json: bool) {
    if json {
        out!("{}", serde_json::to_string_pretty(list).unwrap_or_default());
        return;
    }
    for msg in list {
        out!(
            "{:<8} {:<12} {:<5} {}  [{}]",
            msg.message_seq.unwrap_or_default(),
            clip(msg.message_sender.as_deref().unwrap_or_default(), 12),
            if msg.message_is_read == Some(true) { "read" } else { "new" },
            clip(&elems_text(&msg.message_elem_array), 60),
            printable(msg.message_msg_id.as_deref().unwrap_or_default()),
        );
    }
    out!("{} message(s)", list.len());
}

fn kind(conv_type: ConvType) -> &'static str {
    match conv_type {
        ConvType::Group => "group",
        _ => "c2c",
    }
}

fn draft_text(conv: &ConvInfo) -> String {
    let Some(draft) = &conv.conv_draft else { return String::new() };
    elems_text(&draft.draft_msg.message_elem_array)
}

fn elems_text(elems: &[Elem]) -> String {
    elems
        .iter()
        .map(|elem| match elem {
            Elem::Text(text) => text.text_elem_content.clone(),
            other => format!("[elem {}]", other.elem_type().value()),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` with every control character (C0, DEL, C1) written as an escape (`\u{1b}`), whole:
/// IDs and report lines come from the store, that is from peers, and printed raw they could
/// drive the operator's terminal (set its title, clear it, forge rows). An ID stays whole and
/// readable, to be copied into another command (with the escapes turned back, as a shell's
/// `$'...'` does).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

/// As [`printable`], line by line: the line breaks of a multi-line error (its hint) stay.
pub fn printable_lines(text: &str) -> String {
    text.split('\n').map(printable).collect::<Vec<_>>().join("\n")
}

/// `text` on one line of at most `width` characters (control characters become spaces).
fn clip(text: &str, width: usize) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() <= width {
        flat
    } else {
        let mut out: String = flat.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}
