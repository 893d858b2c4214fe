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
    /// Messages.
    #[command(subcommand)]
    Msg(MsgCommand),
    /// The total unread count and the unread count of each conversation that has any.
    Unread,
    /// Recount every conversation's unread count and last message from the stored messages and
    /// report mismatches (exit status 1 when there are any).
    Doctor {
        /// Correct the mismatches.
        #[arg(long)]
        fix: bool,
    },
    /// Replace a damaged store (one whose login fails) by a new one made of what still reads;
    /// the damaged file is kept aside as `<file>.damaged-<unix seconds>` (or `...-<n>` if taken).
    Salvage,
    /// Give the store file's free space back (after large deletions): removes what deleted
    /// histories left, then moves the used pages to the front and cuts the file short.
    Compact,
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
    /// Delete a conversation with its draft and messages.
    Delete(Target),
    /// List conversations in list order.
    List,
    /// Show one conversation.
    Show(Target),
    /// Mark messages read: one conversation, or every conversation with --all.
    Read {
        /// Which conversation (omit with --all).
        #[arg(required_unless_present = "all")]
        id: Option<String>,
        /// The conversation type.
        #[arg(long = "type", value_enum, default_value_t = Kind::C2c)]
        kind: Kind,
        /// Every conversation.
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
}

/// `tim msg ...`
#[derive(Debug, Subcommand)]
pub enum MsgCommand {
    /// Send a text message.
    Send {
        /// Which conversation.
        #[command(flatten)]
        target: Target,
        /// The text.
        #[arg(long)]
        text: String,
    },
    /// Store a text message from another user, as if it came from the network.
    Receive {
        /// Which conversation (C2C: the peer, who sends it; `--type group`: the group).
        #[command(flatten)]
        target: Target,
        /// The sender (C2C: default the peer; a group message needs it).
        #[arg(long)]
        from: Option<String>,
        /// The text.
        #[arg(long)]
        text: String,
    },
    /// Import a JSON array of messages (as TIMMsgImportMsgList takes them) from a file.
    Import {
        /// Which conversation.
        #[command(flatten)]
        target: Target,
        /// The file holding the JSON array.
        #[arg(long)]
        file: std::path::PathBuf,
        /// Messages per transaction.
        #[arg(long, default_value_t = 1000)]
        chunk: usize,
    },
    /// List history, newest first.
    List {
        /// Which conversation.
        #[command(flatten)]
        target: Target,
        /// How many.
        #[arg(long, default_value_t = 20)]
        count: usize,
        /// Oldest first, from the start of the history (or after --after).
        #[arg(long)]
        forward: bool,
        /// Start after this message ID.
        #[arg(long)]
        after: Option<String>,
    },
    /// Delete one message.
    Delete {
        /// Which conversation.
        #[command(flatten)]
        target: Target,
        /// The message ID.
        msg_id: String,
    },
}

/// `tim draft ...`
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Set a draft (creating the conversation if needed).
    // One of the two is required: a group, so that the usage line shows both.
    #[command(group(clap::ArgGroup::new("content").required(true).args(["text", "draft_json"])))]
    Set {
        /// Which conversation.
        #[command(flatten)]
        target: Target,
        /// The draft text.
        #[arg(long, conflicts_with = "draft_json")]
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
