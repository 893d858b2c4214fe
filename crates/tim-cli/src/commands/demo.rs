//! `tim demo`: a small, realistic conversation list in the data folder.

use std::time::{SystemTime, UNIX_EPOCH};

use tim_core::{ConvKey, block_on};
use tim_types::{ConvType, Draft, Elem, Message};

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
    // Fixed message IDs keep a second run from adding the messages again.
    let incoming = [
        ("alice", ConvType::C2C, "alice", "are we still on for tomorrow?", "demo-1"),
        ("alice", ConvType::C2C, "alice", "I can bring the slides", "demo-2"),
        ("carol", ConvType::Group, "project-x", "@demo can you review the draft?", "demo-3"),
    ];
    let messages = incoming
        .into_iter()
        .map(|(sender, conv_type, conv_id, text, id)| {
            let mut msg = Message::from_elems(vec![Elem::text(text)]);
            msg.message_sender = Some(sender.into());
            msg.message_conv_type = Some(conv_type);
            msg.message_conv_id = Some(conv_id.into());
            msg.message_msg_id = Some(id.into());
            if conv_type == ConvType::Group {
                msg.message_group_at_user_array = Some(vec![DEMO_USER.into()]);
            }
            msg
        })
        .collect();
    block_on(client.deliver(messages)).map_err(|e| e.to_string())?;
    let mut mine = Message::from_elems(vec![Elem::text("lunch at noon?")]);
    mine.message_msg_id = Some("demo-4".into());
    block_on(client.import_messages(ConvKey::c2c("bob").map_err(|e| e.to_string())?, vec![mine]))
        .map_err(|e| e.to_string())?;
    let list = block_on(client.conversation_list()).map_err(|e| e.to_string())?;
    print_list(&list, json);
    Ok(())
}
