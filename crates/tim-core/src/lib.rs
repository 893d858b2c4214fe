//! The conversation engine behind the TIM conversation API, usable from Rust without C.
//!
//! - [`Sdk`] starts the threads: the actix System with the conversation actor (`tim-actix`), the
//!   redb store actor (`tim-store`) and the callback thread (`tim-callback`).
//! - [`Client`] is the API: login, conversations, drafts, events.
//! - [`state`] is the sans-I/O conversation state the actor wraps; [`store`] the redb persistence.
//!
//! Invariants: a success reported to a caller means the change is committed durably; every
//! accepted call is answered exactly once, in call order; this crate produces no JSON text.
//!
//! ```
//! use tim_core::{block_on, ConvKey, Sdk, SdkConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! let sdk = Sdk::start(SdkConfig::new(dir.path()))?;
//! let client = sdk.client();
//! block_on(client.login("alice", "sig"))?;
//! block_on(client.create_conversation(ConvKey::c2c("bob")?))?;
//! for conv in block_on(client.conversation_list())? {
//!     println!("{} {}", conv.conv_id, conv.conv_active_time);
//! }
//! sdk.shutdown();
//! # Ok(())
//! # }
//! ```

mod actor;
mod block_on;
mod client;
mod clock;
mod command;
pub mod dispatch;
mod error;
mod events;
mod ids;
mod runtime;
mod session;
pub mod state;
pub mod store;
pub mod transport;

pub use block_on::block_on;
pub use client::{ALLOWED_MARK_BITS, Client, check_importable, check_mark_bits};
pub use command::{ConvPage, GroupOp, ReadScope};
pub use error::{CallError, Error, TimError};
pub use events::{
    ConvEventHandler, FilteredUnreadHandler, GroupEventHandler, NewMessageHandler, TotalUnreadHandler,
};
pub use ids::{ConvKey, check_creatable, check_id};
pub use runtime::{Sdk, SdkConfig};
pub use state::{ConvFilter, GroupEvent, ItemResults};
pub use store::ops::{DoctorReport, HistoryQuery, HistoryStart, MessageLocator, MessageName, ReadBound};
pub use tim_types;
pub use transport::{LoopbackHub, Transport};
