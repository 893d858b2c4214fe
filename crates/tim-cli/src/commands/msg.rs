//! `tim msg send|receive|import|list|delete`.

use indicatif::{ProgressBar, ProgressStyle};
use tim_core::{ConvKey, HistoryQuery, HistoryStart, block_on};
use tim_types::parse::parse_message_file;
use tim_types::{ConvType, Elem, Message};

use super::key;
use crate::args::MsgCommand;
use crate::output::out;
use crate::output::print_messages;
use crate::session::Session;

fn text(t: &str) -> Message {
    Message::from_elems(vec![Elem::text(t)])
}

/// Runs a `msg` command.
pub fn run(session: &Session, command: &MsgCommand, json: bool) -> Result<(), String> {
    let client = session.client();
    let err = |e: tim_core::Error| e.to_string();
    match command {
        MsgCommand::Send { target, text: t } => {
            let sent = block_on(client.send_message(key(target)?, text(t))).map_err(err)?;
            print_messages(std::slice::from_ref(&sent), json);
        }
        MsgCommand::Receive { target, from, text: t } => {
            let key = key(target)?;
            let sender = match (from, key.conv_type()) {
                (Some(from), _) => from.clone(),
                (None, ConvType::C2C) => key.id().to_string(),
                (None, _) => return Err("--from is required for a group message".into()),
            };
            let mut msg = text(t);
            msg.message_sender = Some(sender);
            msg.message_conv_type = Some(key.conv_type());
            msg.message_conv_id = Some(key.id().to_string());
            let stored = block_on(client.deliver(vec![msg])).map_err(err)?;
            print_messages(&stored, json);
        }
        MsgCommand::Import { target, file, chunk } => {
            let key = key(target)?;
            let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let list = parse_message_file(&text).map_err(|e| e.to_string())?;
            let stored = import(client, &key, list, (*chunk).max(1)).map_err(err)?;
            if json {
                out!("{}", serde_json::json!({ "stored": stored }));
            } else {
                out!("imported {stored} message(s) into {key}");
            }
        }
        MsgCommand::List { target, count, forward, after } => {
            let start = after.clone().map_or(HistoryStart::End, HistoryStart::AfterMessage);
            let query = HistoryQuery { count: *count, forward: *forward, start, ..Default::default() };
            let list = block_on(client.message_list(key(target)?, query)).map_err(err)?;
            print_messages(&list, json);
        }
        MsgCommand::Delete { target, msg_id } => {
            block_on(client.delete_message(key(target)?, msg_id.clone())).map_err(err)?;
            if !json {
                out!("deleted {msg_id}");
            }
        }
    }
    Ok(())
}

/// Imports in transactions of `chunk` messages, with a progress bar on a terminal.
fn import(
    client: &tim_core::Client,
    key: &ConvKey,
    list: Vec<Message>,
    chunk: usize,
) -> Result<usize, tim_core::Error> {
    let bar = ProgressBar::new(list.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} messages {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut stored = 0;
    for part in list.chunks(chunk) {
        stored += block_on(client.import_messages(key.clone(), part.to_vec()))?;
        bar.inc(part.len() as u64);
    }
    bar.finish_and_clear();
    Ok(stored)
}
