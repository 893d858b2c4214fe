//! Carrying out the commands.

mod compact;
mod conv;
mod demo;
mod doctor;
mod draft;
mod msg;
mod salvage;

use tim_core::ConvKey;
use tim_types::ConvType;

use crate::args::{Cli, Command, ConvCommand, DraftCommand, Kind, MsgCommand, Target};
use crate::session::Session;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), String> {
    // Every argument is checked before the store is opened: a command that would fail on its
    // own arguments must not create a store (see `open`).
    match &cli.command {
        Command::Demo => {
            let user = cli.user.as_deref().unwrap_or(demo::DEMO_USER);
            let session = Session::open(&cli.data_dir, user)?;
            demo::run(&session, cli.json)
        }
        Command::Conv(command) => {
            let job = conv::Job::prepare(command)?;
            conv::run(&open(&cli)?, job, cli.json)
        }
        Command::Draft(command) => {
            let job = draft::Job::prepare(command)?;
            draft::run(&open(&cli)?, job, cli.json)
        }
        Command::Msg(command) => {
            let job = msg::Job::prepare(command, user(&cli)?)?;
            // The command may add a message; the job says whether it will (a file of none not).
            let creates = creates_content(&cli.command) && job.may_add();
            msg::run(&open_creating(&cli, creates)?, job, cli.json)
        }
        Command::Unread => doctor::unread(&open(&cli)?, cli.json),
        Command::Doctor { fix } => doctor::run(&open(&cli)?, *fix, cli.json),
        // Not through a session: the store's login is what fails.
        Command::Salvage => salvage::run(&cli.data_dir, user(&cli)?, cli.json),
        // Not through a session either: it needs the file to itself, not a login's state.
        Command::Compact => compact::run(&cli.data_dir, user(&cli)?, cli.json),
    }
}

/// Runs `work` with panic messages silenced. Why: redb panics on some damage, which the store
/// work catches (`tim_core::store::contained`); the message on standard error would read as the
/// tool's crash. Only for work that runs without the SDK's threads (salvage, compact).
fn without_panic_messages<T>(work: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = work();
    std::panic::set_hook(hook);
    result
}

fn user(cli: &Cli) -> Result<&str, String> {
    cli.user.as_deref().ok_or_else(|| "--user is required for this command".into())
}

fn open(cli: &Cli) -> Result<Session, String> {
    open_creating(cli, creates_content(&cli.command))
}

/// [`open`], creating a missing store only if `creates` (the command adds something).
fn open_creating(cli: &Cli, creates: bool) -> Result<Session, String> {
    let user = user(cli)?;
    // Only a command that adds something may create the store: a mistyped --user or --data-dir
    // must not leave an empty store behind and report an empty list.
    if !creates {
        let path = tim_core::store::user_store_path(&cli.data_dir, user);
        match std::fs::metadata(&path) {
            Err(_) => return Err(format!("no store for {user:?} in {}", cli.data_dir.display())),
            // redb takes an empty file for a new store: it would report an empty list (and a
            // sound store to the doctor) for what is more likely a failed copy.
            Ok(meta) if meta.len() == 0 => {
                return Err(format!("{} is empty (0 bytes), not a store of {user:?}", path.display()));
            }
            Ok(_) => {}
        }
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
        Command::Unread | Command::Doctor { .. } | Command::Salvage | Command::Compact => false,
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
