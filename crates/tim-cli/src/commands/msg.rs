//! `tim msg send|receive|import|list|delete`.

use indicatif::{ProgressBar, ProgressStyle};
use tim_core::store::ops::check_delivery;
use tim_core::{ConvKey, HistoryQuery, HistoryStart, block_on};
use tim_types::message_file::MessageFile;
use tim_types::parse::check_sendable;
use tim_types::{ConvType, Elem, Message};

use super::key;
use crate::args::MsgCommand;
use crate::output::print_messages;
use crate::output::{out, printable};
use crate::session::Session;

fn text(t: &str) -> Message {
    Message::from_elems(vec![Elem::text(t)])
}

/// A `msg` command with its arguments checked, ready to run on a store.
pub enum Job {
    Send(ConvKey, Message),
    Receive(Message),
    Import { key: ConvKey, file: MessageFile, chunk: usize },
    List(ConvKey, HistoryQuery),
    Delete(ConvKey, String),
}

impl Job {
    /// Whether the job may add a message (and so may create the store): not an import of a file
    /// holding none, which a mistyped `--user` must not turn into an empty store.
    pub fn may_add(&self) -> bool {
        match self {
            Job::Send(..) | Job::Receive(..) => true,
            Job::Import { file, .. } => !file.is_empty(),
            Job::List(..) | Job::Delete(..) => false,
        }
    }

    /// Checks the arguments (a message as the store would take it from `user`; an import's
    /// file read and parsed), before any store is opened (or created).
    pub fn prepare(command: &MsgCommand, user: &str) -> Result<Job, String> {
        Ok(match command {
            MsgCommand::Send { target, text: t } => {
                let message = text(t);
                check_sendable(&message).map_err(|e| e.to_string())?;
                Job::Send(key(target)?, message)
            }
            MsgCommand::Receive { target, from, text: t } => {
                let key = key(target)?;
                let sender = match (from, key.conv_type()) {
                    (Some(from), _) => from.clone(),
                    (None, ConvType::C2C) => key.id().to_string(),
                    (None, _) => return Err("--from is required for a group message".into()),
                };
                let mut message = text(t);
                message.message_sender = Some(sender);
                message.message_conv_type = Some(key.conv_type());
                message.message_conv_id = Some(key.id().to_string());
                check_sendable(&message).map_err(|e| e.to_string())?;
                check_delivery(&message, Some(user))?;
                Job::Receive(message)
            }
            MsgCommand::Import { target, file, chunk } => {
                let key = key(target)?;
                let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
                let file = MessageFile::check_with(text, |message| {
                    tim_core::check_importable(message).map_err(|e| e.to_string())
                })
                .map_err(|e| e.to_string())?;
                Job::Import { key, file, chunk: (*chunk).max(1) }
            }
            MsgCommand::List { target, count, forward, after } => {
                let start =
                    after.clone().map_or(HistoryStart::End, |id| HistoryStart::AfterMessage(id.into()));
                Job::List(
                    key(target)?,
                    HistoryQuery { count: *count, forward: *forward, start, ..Default::default() },
                )
            }
            MsgCommand::Delete { target, msg_id } => Job::Delete(key(target)?, msg_id.clone()),
        })
    }
}

/// Runs a `msg` command.
pub fn run(session: &Session, job: Job, json: bool) -> Result<(), String> {
    let client = session.client();
    let err = |e: tim_core::Error| e.to_string();
    match job {
        Job::Send(key, message) => {
            let sent = block_on(client.send_message(key, message)).map_err(err)?;
            print_messages(std::slice::from_ref(&sent), json);
        }
        Job::Receive(message) => {
            let stored = block_on(client.deliver(vec![message])).map_err(err)?;
            print_messages(&stored, json);
        }
        Job::Import { key, file, chunk } => {
            let stored = import(client, &key, file, chunk).map_err(err)?;
            if json {
                out!("{}", serde_json::json!({ "stored": stored }));
            } else {
                out!("imported {stored} message(s) into {}", printable(&key.to_string()));
            }
        }
        Job::List(key, query) => {
            let list = block_on(client.message_list(key, query)).map_err(err)?;
            print_messages(&list, json);
        }
        Job::Delete(key, msg_id) => {
            block_on(client.delete_message(key, msg_id.clone())).map_err(err)?;
            if !json {
                out!("deleted {}", printable(&msg_id));
            }
        }
    }
    Ok(())
}

/// Imports in transactions of `chunk` messages, with a progress bar on a terminal.
fn import(
    client: &tim_core::Client,
    key: &ConvKey,
    file: MessageFile,
    chunk: usize,
) -> Result<usize, tim_core::Error> {
    let bar = ProgressBar::new(file.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} messages {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut stored = 0;
    let mut ids = ImportIds::new(key);
    file.for_each_chunk(chunk, |mut part| {
        part.iter_mut().for_each(|message| ids.give(message));
        let len = part.len() as u64;
        stored += block_on(client.import_messages(key.clone(), part))?;
        bar.inc(len);
        Ok::<(), tim_core::Error>(())
    })?;
    bar.finish_and_clear();
    Ok(stored)
}

/// IDs for the messages of an import file that have none. Why: the store skips a message whose
/// ID it holds, so a file imported again (after an interruption, or a chunk that failed) stores
/// nothing twice; without an ID each run would store such a message anew. The ID is made of
/// what the message is: the target conversation, its JSON (keys sorted) and how many identical
/// messages came before it in the file: `import-<32 hex digits>-<n>`.
struct ImportIds {
    conversation: String,
    seen: std::collections::HashMap<[u8; 16], u64>,
}

impl ImportIds {
    fn new(key: &ConvKey) -> Self {
        ImportIds { conversation: key.to_string(), seen: std::collections::HashMap::new() }
    }

    /// Gives `message` its ID if it has none (absent or empty, as the store takes both).
    fn give(&mut self, message: &mut tim_types::Message) {
        if message.message_msg_id.as_deref().is_some_and(|id| !id.is_empty()) {
            return;
        }
        use sha2::{Digest, Sha256};
        // "" is no ID (the same message without the key); every object's keys sorted: the app's
        // own keys are kept in the file's order, which a reformatting tool may change.
        message.message_msg_id = None;
        let mut canonical = serde_json::to_value(&*message).unwrap_or_default();
        if let Some(fields) = canonical.as_object_mut() {
            // What the store takes as absent hashes as absent: a sender of "", times and a
            // sequence of 0 (the same stored message either way).
            use tim_types::keys::{MSG_CLIENT_TIME, MSG_SENDER, MSG_SEQ, MSG_SERVER_TIME};
            fields.retain(|key, value| match key.as_str() {
                MSG_SENDER => value != "",
                MSG_CLIENT_TIME | MSG_SERVER_TIME | MSG_SEQ => value != 0,
                _ => true,
            });
        }
        canonical.sort_all_objects();
        let mut hasher = Sha256::new();
        hasher.update(self.conversation.as_bytes());
        hasher.update([0]);
        hasher.update(canonical.to_string().as_bytes());
        let digest: [u8; 16] = hasher.finalize()[..16].try_into().expect("16 of 32 bytes");
        let seen = self.seen.entry(digest).or_default();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        message.message_msg_id = Some(format!("import-{hex}-{seen}"));
        *seen += 1;
    }
}
