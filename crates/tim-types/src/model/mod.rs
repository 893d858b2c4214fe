//! Serde models of the JSON documents the TIM conversation API exchanges.
//!
//! Field names are the JSON keys of [`crate::keys`]; enums serialize as numbers. Types are strict:
//! a string where a number belongs, a negative count or an unknown element type fails to parse.

mod conv;
mod draft;
mod elem;
mod list;
mod message;
mod params;

pub use conv::{ConvInfo, GroupAtInfo};
pub use draft::Draft;
pub use elem::{
    CustomElem, Elem, FaceElem, FileElem, ImageElem, LocationElem, SoundElem, TextElem, VideoElem,
};
pub use list::{
    ConversationListFilter, ConversationListResult, ConversationOperationResult, GetConversationListParam,
};
pub use message::{Message, MessageJson};
pub use params::{GetMsgListParam, MessageRef, MsgDeleteParam};
