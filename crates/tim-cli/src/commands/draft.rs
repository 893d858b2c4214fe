//! `tim draft set|cancel`.

use std::time::{SystemTime, UNIX_EPOCH};

use tim_core::ConvKey;
use tim_types::parse::check_writable;
use tim_types::{Draft, Elem, Message, parse_draft_param};

use super::key;
use crate::args::DraftCommand;
use crate::output::out;
use crate::session::Session;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A `draft` command with its arguments checked, ready to run on a store.
pub enum Job {
    Set(ConvKey, Box<Draft>),
    Cancel(ConvKey),
}

impl Job {
    /// Checks the arguments (the draft as the store would), before any store is opened (or
    /// created).
    pub fn prepare(command: &DraftCommand) -> Result<Job, String> {
        Ok(match command {
            DraftCommand::Set { target, text, user_define, draft_json } => {
                let key = key(target)?;
                let draft = match draft_json {
                    Some(text) => parse_draft_param(text, now()).map_err(|e| e.to_string())?,
                    None => Draft {
                        draft_msg: Message::from_elems(vec![Elem::text(text.clone().unwrap_or_default())]),
                        draft_user_define: user_define.clone(),
                        draft_edit_time: now(),
                    },
                };
                check_writable(&draft.draft_msg).map_err(|e| e.to_string())?;
                Job::Set(key, Box::new(draft))
            }
            DraftCommand::Cancel(target) => Job::Cancel(key(target)?),
        })
    }
}

/// Runs a `draft` command.
pub fn run(session: &Session, job: Job, json: bool) -> Result<(), String> {
    let client = session.client();
    match job {
        Job::Set(key, draft) => client.set_draft_blocking(key, *draft).map_err(|e| e.to_string())?,
        Job::Cancel(key) => client.cancel_draft_blocking(key).map_err(|e| e.to_string())?,
    }
    if !json {
        out!("ok");
    }
    Ok(())
}
