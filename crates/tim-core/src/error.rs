//! The two ways a call can fail: rejected before anything was queued ([`CallError`], the
//! synchronous `TIMResult` of the C API), or failed while being carried out ([`TimError`], the
//! `code` a callback receives).

use std::fmt;

use tim_types::{ErrCode, TimResult};

/// A call was refused synchronously; nothing was queued and nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The SDK is not running (never started, or shut down).
    #[error("the SDK is not initialized")]
    SdkUninit,
    /// No user is logged in.
    #[error("no user is logged in")]
    NotLogin,
    /// A JSON parameter is not JSON.
    #[error("{0}")]
    Json(String),
    /// A parameter is missing, malformed or out of range.
    #[error("{0}")]
    Param(String),
    /// The conversation does not exist.
    #[error("the conversation does not exist")]
    Conv,
    /// A synchronous call was carried out and failed (for example the store could not commit).
    #[error("{0}")]
    Failed(TimError),
}

impl CallError {
    /// The value the C API returns for this error: a `TIMResult`, or for [`CallError::Failed`]
    /// the `TIMErrCode` of the failure (the `TIMResult` enum has no code for it).
    pub fn code(&self) -> i32 {
        match self {
            CallError::SdkUninit => TimResult::SdkUninit.value(),
            CallError::NotLogin => TimResult::NotLogin.value(),
            CallError::Json(_) => TimResult::Json.value(),
            CallError::Param(_) => TimResult::Param.value(),
            CallError::Conv => TimResult::Conv.value(),
            CallError::Failed(e) => e.code,
        }
    }

    /// A [`CallError::Param`] with a message.
    pub fn param(message: impl Into<String>) -> Self {
        CallError::Param(message.into())
    }
}

impl From<tim_types::ParseError> for CallError {
    fn from(error: tim_types::ParseError) -> Self {
        match error {
            tim_types::ParseError::Json(m) => CallError::Json(m),
            tim_types::ParseError::Param(m) => CallError::Param(m),
        }
    }
}

/// An accepted call failed; `code` is a `TIMErrCode` value, `desc` says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimError {
    /// The `TIMErrCode` value delivered to the callback.
    pub code: i32,
    /// A human-readable description.
    pub desc: String,
}

impl TimError {
    /// An error of the given code.
    pub fn new(code: ErrCode, desc: impl Into<String>) -> Self {
        TimError { code: code.value(), desc: desc.into() }
    }

    /// The error every call still pending when the SDK shuts down completes with.
    pub fn shut_down() -> Self {
        TimError::new(
            ErrCode::SdkNotInitialized,
            "the SDK was uninitialized before the call completed; nothing of it was stored",
        )
    }

    /// The error of a call whose commit to the store failed.
    pub fn database(detail: impl fmt::Display) -> Self {
        TimError::new(ErrCode::DatabaseOperateFailed, format!("store failure: {detail}"))
    }
}

impl fmt::Display for TimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}: {}", self.code, self.desc)
    }
}

impl std::error::Error for TimError {}

/// The error of the async Rust API: either refused up front or failed later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Refused synchronously.
    #[error("rejected: {0}")]
    Rejected(#[from] CallError),
    /// Accepted, then failed.
    #[error("failed: {0}")]
    Failed(#[from] TimError),
}

impl From<tim_types::ParseError> for Error {
    fn from(error: tim_types::ParseError) -> Self {
        Error::Rejected(error.into())
    }
}

impl Error {
    /// The numeric code: a `TIMResult` for rejections, a `TIMErrCode` for failures.
    pub fn code(&self) -> i32 {
        match self {
            Error::Rejected(e) => e.code(),
            Error::Failed(e) => e.code,
        }
    }
}
