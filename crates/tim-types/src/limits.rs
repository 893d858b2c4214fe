//! Size limits that every entry point enforces before anything is queued or stored.
//!
//! The limits on text (IDs, JSON parameters) apply where text comes in: the C API's parameters,
//! and IDs wherever they are made (`ConvKey`). A Rust caller hands typed values (a `Draft`, a
//! `Message`), which are not measured against [`MAX_JSON_BYTES`]; the counts and the other limits
//! below hold on both APIs.
//!
//! The TIM documentation names few input limits; these are ours, chosen so that no single call can
//! make the store or the memory of the conversation actor grow without bound. Oversize input is
//! rejected with `TIM_ERR_PARAM` and changes nothing.

/// The longest conversation ID or user ID accepted, in bytes of UTF-8.
pub const MAX_ID_BYTES: usize = 1024;

/// The longest user ID accepted by the C `TIMLogin`: `TIMGetLoginUserID` writes the ID and its NUL
/// into a caller buffer that the TIM documentation sizes at 128 bytes.
pub const MAX_C_USER_ID_BYTES: usize = 127;

/// The largest JSON parameter accepted by any call, in bytes (drafts with large text fit easily).
pub const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;

/// The size of the buffer `TIMGetLoginUserID` may write into, terminating NUL included.
pub const LOGIN_USER_ID_BUFFER_BYTES: usize = 128;

/// The most conversations that can be pinned.
pub const MAX_PINNED: usize = 50;

/// The longest `conv_custom_data`, in bytes.
pub const MAX_CUSTOM_DATA_BYTES: usize = 256;

/// The most conversation IDs in one delete, mark, group or custom-data request.
pub const MAX_IDS_PER_REQUEST: usize = 100;

/// The most conversation groups.
pub const MAX_CONV_GROUPS: usize = 20;

/// The longest conversation group name, in bytes.
pub const MAX_GROUP_NAME_BYTES: usize = 32;

/// The most conversations that are marked or in a group, in total.
pub const MAX_MARKED_OR_GROUPED: usize = 1000;

/// The largest page of `TIMConvGetConversationListByFilter`.
pub const MAX_PAGE_COUNT: u32 = 1000;
