//! `tim demo`: a small, realistic conversation list in the data folder.

use std::time::{SystemTime, UNIX_EPOCH};

use tim_core::{ConvKey, block_on};
use tim_types::{Draft, Elem, Message};

use crate::output::print_list;
use crate::session::Session;

/// The user `tim demo` logs in when no `--user` is given.
pub const DEMO_USER: &str = "demo";

/// Creates the demo conversations and drafts, then prints the list.
pub fn run(session: &Session, json: bool) -> Result<(), String> {
    let client = session.client();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let conversations = [
        ConvKey::c2c("Windows-02"),
        ConvKey::group("Windows-Group-01"),
        ConvKey::c2c("alice"),
        ConvKey::group("project-x"),
        ConvKey::c2c("bob"),
    ];
    for key in conversations {
        let key = key.map_err(|e| e.to_string())?;
        block_on(client.create_conversation(key)).map_err(|e| e.to_string())?;
    }
    for (key, text) in
        [(ConvKey::c2c("alice"), "see you at 10?"), (ConvKey::group("project-x"), "草稿: release notes")]
    {
        let draft = Draft {
            draft_msg: Message::from_elems(vec![Elem::text(text)]),
            draft_user_define: "demo".into(),
            draft_edit_time: now,
        };
        client.set_draft_blocking(key.map_err(|e| e.to_string())?, draft).map_err(|e| e.to_string())?;
    }
    let list = block_on(client.conversation_list()).map_err(|e| e.to_string())?;
    print_list(&list, json);
    Ok(())
}
