//! `tim draft set|cancel`.

use std::time::{SystemTime, UNIX_EPOCH};

use tim_types::{Draft, Elem, Message, parse_draft_param};

use super::key;
use crate::args::DraftCommand;
use crate::output::out;
use crate::session::Session;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Runs a `draft` command.
pub fn run(session: &Session, command: &DraftCommand, json: bool) -> Result<(), String> {
    let client = session.client();
    match command {
        DraftCommand::Set { target, text, user_define, draft_json } => {
            let draft = match draft_json {
                Some(text) => parse_draft_param(text, now()).map_err(|e| e.to_string())?,
                None => Draft {
                    draft_msg: Message::from_elems(vec![Elem::text(text.clone().unwrap_or_default())]),
                    draft_user_define: user_define.clone(),
                    draft_edit_time: now(),
                },
            };
            client.set_draft_blocking(key(target)?, draft).map_err(|e| e.to_string())?;
        }
        DraftCommand::Cancel(target) => {
            client.cancel_draft_blocking(key(target)?).map_err(|e| e.to_string())?;
        }
    }
    if !json {
        out!("ok");
    }
    Ok(())
}
