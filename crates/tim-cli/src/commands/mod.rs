//! Carrying out the commands.

mod conv;
mod demo;
mod doctor;
mod draft;
mod msg;

use tim_core::ConvKey;
use tim_types::ConvType;

use crate::args::{Cli, Command, ConvCommand, DraftCommand, Kind, MsgCommand, Target};
use crate::session::Session;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), String> {
    match &cli.command {
        Command::Demo => {
            let user = cli.user.as_deref().unwrap_or(demo::DEMO_USER);
            let session = Session::open(&cli.data_dir, user)?;
            demo::run(&session, cli.json)
        }
        Command::Conv(command) => conv::run(&open(&cli)?, command, cli.json),
        Command::Draft(command) => draft::run(&open(&cli)?, command, cli.json),
        Command::Msg(command) => msg::run(&open(&cli)?, command, cli.json),
        Command::Unread => doctor::unread(&open(&cli)?, cli.json),
        Command::Doctor { fix } => doctor::run(&open(&cli)?, *fix, cli.json),
    }
}

fn open(cli: &Cli) -> Result<Session, String> {
    let user = cli.user.as_deref().ok_or("--user is required for this command")?;
    // Only a command that adds something may create the store: a mistyped --user or --data-dir
    // must not leave an empty store behind and report an empty list.
    if !creates_content(&cli.command) && !tim_core::store::user_store_path(&cli.data_dir, user).exists() {
        return Err(format!("no store for {user:?} in {}", cli.data_dir.display()));
    }
    Session::open(&cli.data_dir, user)
}

/// Whether the command adds a conversation, draft or message (and so may create the store).
fn creates_content(command: &Command) -> bool {
    match command {
        Command::Demo => true,
        Command::Conv(command) => matches!(command, ConvCommand::Create(_)),
        Command::Draft(command) => matches!(command, DraftCommand::Set { .. }),
        Command::Msg(command) => {
            matches!(
                command,
                MsgCommand::Send { .. } | MsgCommand::Receive { .. } | MsgCommand::Import { .. }
            )
        }
        Command::Unread | Command::Doctor { .. } => false,
    }
}

/// The key of a target.
fn key(target: &Target) -> Result<ConvKey, String> {
    let conv_type = match target.kind {
        Kind::C2c => ConvType::C2C,
        Kind::Group => ConvType::Group,
    };
    ConvKey::new(conv_type, target.id.clone()).map_err(|e| e.to_string())
}
