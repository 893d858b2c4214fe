//! Carrying out the commands.

mod conv;
mod demo;
mod doctor;
mod draft;
mod msg;

use tim_core::ConvKey;
use tim_types::ConvType;

use crate::args::{Cli, Command, Kind, Target};
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
    Session::open(&cli.data_dir, user)
}

/// The key of a target.
fn key(target: &Target) -> Result<ConvKey, String> {
    let conv_type = match target.kind {
        Kind::C2c => ConvType::C2C,
        Kind::Group => ConvType::Group,
    };
    ConvKey::new(conv_type, target.id.clone()).map_err(|e| e.to_string())
}
