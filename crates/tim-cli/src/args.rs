//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Conversations of the TIM-compatible store, from the command line.
#[derive(Debug, Parser)]
#[command(name = "tim", version, about)]
pub struct Cli {
    /// The data folder (the `sdk_config_config_file_path` the app passes to TIMInit).
    #[arg(long, global = true, default_value = "tim-data")]
    pub data_dir: PathBuf,
    /// The user whose store to open.
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// Print the JSON the C callbacks deliver instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Conversations.
    #[command(subcommand)]
    Conv(ConvCommand),
    /// Drafts.
    #[command(subcommand)]
    Draft(DraftCommand),
    /// Fill the data folder with a few conversations and drafts (user `demo` unless --user) and
    /// print the list.
    Demo,
}

/// Which conversation.
#[derive(Debug, Args)]
pub struct Target {
    /// The peer's user ID or the group ID.
    pub id: String,
    /// The conversation type.
    #[arg(long = "type", value_enum, default_value_t = Kind::C2c)]
    pub kind: Kind,
}

/// Conversation type on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// One-to-one.
    C2c,
    /// Group.
    Group,
}

/// `tim conv ...`
#[derive(Debug, Subcommand)]
pub enum ConvCommand {
    /// Create a conversation, or show the existing one.
    Create(Target),
    /// Delete a conversation and its draft.
    Delete(Target),
    /// List conversations in list order.
    List,
    /// Show one conversation.
    Show(Target),
}

/// `tim draft ...`
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Set a draft (creating the conversation if needed).
    Set {
        /// Which conversation.
        #[command(flatten)]
        target: Target,
        /// The draft text.
        #[arg(long, conflicts_with = "draft_json", required_unless_present = "draft_json")]
        text: Option<String>,
        /// `draft_user_define`.
        #[arg(long, default_value = "")]
        user_define: String,
        /// A whole draft JSON, exactly as TIMConvSetDraft takes it.
        #[arg(long)]
        draft_json: Option<String>,
    },
    /// Remove a draft.
    Cancel(Target),
}
