//! `tim conv create|delete|list|show`.

use tim_core::{ConvKey, ReadScope, block_on};

use super::key;
use crate::args::{ConvCommand, Target};
use crate::output::{out, printable};
use crate::output::{print_list, print_one};
use crate::session::Session;

/// A `conv` command with its arguments checked, ready to run on a store.
pub enum Job {
    Create(ConvKey),
    Delete(ConvKey),
    List,
    Show(ConvKey),
    Read(ReadScope),
}

impl Job {
    /// Checks the arguments, before any store is opened (or created).
    pub fn prepare(command: &ConvCommand) -> Result<Job, String> {
        Ok(match command {
            ConvCommand::Create(target) => Job::Create(key(target)?),
            ConvCommand::Delete(target) => Job::Delete(key(target)?),
            ConvCommand::List => Job::List,
            ConvCommand::Show(target) => Job::Show(key(target)?),
            ConvCommand::Read { id, kind, all } => Job::Read(match (all, id) {
                (true, _) | (false, None) => ReadScope::All(None),
                (false, Some(id)) => ReadScope::Conversation(key(&Target { id: id.clone(), kind: *kind })?),
            }),
        })
    }
}

/// Runs a `conv` command.
pub fn run(session: &Session, job: Job, json: bool) -> Result<(), String> {
    let client = session.client();
    match job {
        Job::Create(key) => {
            let info = block_on(client.create_conversation(key)).map_err(|e| e.to_string())?;
            print_one(&info, json);
        }
        Job::Delete(key) => {
            block_on(client.delete_conversation(key.clone())).map_err(|e| e.to_string())?;
            if !json {
                out!("deleted {}", printable(&key.to_string()));
            }
        }
        Job::List => {
            let list = block_on(client.conversation_list()).map_err(|e| e.to_string())?;
            print_list(&list, json);
        }
        Job::Show(key) => {
            // That one only, as `TIMConvGetConvInfo` (not the whole list: 100k conversations
            // cost 80 ms and 100 MB more).
            let found = block_on(client.conversation_info(vec![key.clone()])).map_err(|e| e.to_string())?;
            let info = found.first().ok_or_else(|| format!("conversation {key} does not exist"))?;
            print_one(info, json);
        }
        Job::Read(scope) => {
            block_on(client.mark_read(scope)).map_err(|e| e.to_string())?;
            if !json {
                out!("ok");
            }
        }
    }
    Ok(())
}
