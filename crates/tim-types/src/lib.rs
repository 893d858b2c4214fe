//! The vocabulary of Tencent Cloud IM's C API ("TIM") for conversations: the JSON key constants,
//! the enums and error codes with their exact numeric values, and the serde models of the JSON
//! documents that cross the API (ConvInfo, Draft, Message and its elems).
//!
//! This crate is the single source of truth for names and values. The C headers in
//! `crates/tim-ffi/include/` are checked against the tables exported here ([`keys::ALL`],
//! [`enums::ALL`]) by `cargo xtask check-header` and by a test, so the two can never drift.
//!
//! Parsing is strict: text that is not JSON is [`ParseError::Json`] (the C API answers
//! `TIM_ERR_JSON`), JSON of the wrong shape or types is [`ParseError::Param`] (`TIM_ERR_PARAM`).
//! Keys of a message that are not modelled are kept and written back unchanged (numbers as their
//! value: an integer beyond the 64-bit range comes back as the nearest `f64`).

pub mod enums;
pub mod keys;
pub mod limits;
pub mod message_file;
pub mod model;
pub mod parse;

pub use enums::{
    ConvEvent, ConvType, ElemType, ErrCode, GroupAtType, LoginStatus, MsgStatus, ReceiveMessageOpt, TimResult,
};
pub use model::{
    ConvInfo, ConversationListFilter, ConversationListResult, ConversationOperationResult, Draft, Elem,
    GetConversationListParam, GetMsgListParam, GroupAtInfo, Message, MessageJson, MessageRef, MsgDeleteParam,
};
pub use parse::{ParseError, parse_draft_param};
