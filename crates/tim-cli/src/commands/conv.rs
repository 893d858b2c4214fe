//! `tim conv create|delete|list|show`.

use tim_core::{ReadScope, block_on};

use super::key;
use crate::args::{ConvCommand, Target};
use crate::output::out;
use crate::output::{print_list, print_one};
use crate::session::Session;

/// Runs a `conv` command.
pub fn run(session: &Session, command: &ConvCommand, json: bool) -> Result<(), String> {
    let client = session.client();
    match command {
        ConvCommand::Create(target) => {
            let info = block_on(client.create_conversation(key(target)?)).map_err(|e| e.to_string())?;
            print_one(&info, json);
        }
        ConvCommand::Delete(target) => {
            block_on(client.delete_conversation(key(target)?)).map_err(|e| e.to_string())?;
            if !json {
                out!("deleted {}", key(target)?);
            }
        }
        ConvCommand::List => {
            let list = block_on(client.conversation_list()).map_err(|e| e.to_string())?;
            print_list(&list, json);
        }
        ConvCommand::Show(target) => {
            let key = key(target)?;
            let list = block_on(client.conversation_list()).map_err(|e| e.to_string())?;
            let info = list
                .iter()
                .find(|c| c.conv_type == key.conv_type() && c.conv_id == key.id())
                .ok_or_else(|| format!("conversation {key} does not exist"))?;
            print_one(info, json);
        }
        ConvCommand::Read { id, kind, all } => {
            let scope = match (all, id) {
                (true, _) | (false, None) => ReadScope::All(None),
                (false, Some(id)) => ReadScope::Conversation(key(&Target { id: id.clone(), kind: *kind })?),
            };
            block_on(client.mark_read(scope)).map_err(|e| e.to_string())?;
            if !json {
                out!("ok");
            }
        }
    }
    Ok(())
}
