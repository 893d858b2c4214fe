//! The C ABI of the TIM conversation API: the `TIM*` functions declared in
//! `include/TIMCloud.h`, as a thin layer over [`tim_core::Client`].
//!
//! Every export validates its arguments synchronously (NULL, invalid UTF-8, out-of-range enums,
//! malformed JSON, oversize strings) and returns a `TIMResult`; only `TIM_SUCC` queues work, and
//! then the callback runs exactly once on the SDK callback thread. No panic crosses the boundary:
//! each export that can fail runs inside [`boundary::guard`] (`TIMGetServerTime` and `TIMGetSDKVersion` cannot). This crate is the only one that knows C types.

// The exported names are Tencent's, and exports take raw pointers from C by design (every pointer
// is checked before use, as rustls-ffi does).
#![allow(non_snake_case, non_camel_case_types, clippy::not_unsafe_ptr_arg_deref)]

pub mod boundary;
pub mod callback;
mod connection;
mod conversation;
mod conversation_list;
mod group;
pub mod json;
mod manager;
mod message;
mod message_name;
pub mod runtime;
pub mod types;
mod unread;

pub use connection::*;
pub use conversation::*;
pub use conversation_list::*;
pub use group::*;
pub use manager::*;
pub use message::*;
pub use types::*;
pub use unread::*;
