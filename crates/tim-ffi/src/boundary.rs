//! The boundary rules: no panic escapes, and every argument from C is checked before use.

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use tim_core::CallError;
use tim_types::ErrCode;

/// What an export returns if it panicked: `ERR_SDK_INTERNAL_ERROR` (a bug of ours, never of the
/// caller; `TIMResult` has no code for it).
pub const PANIC_RESULT: i32 = ErrCode::SdkInternalError.value();

/// Runs an export's body, turning a panic into `on_panic` instead of unwinding into C.
pub fn guard<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Runs an export that returns a `TIMResult`: `Ok` is `TIM_SUCC`, an error its code.
pub fn guard_result(body: impl FnOnce() -> Result<(), CallError>) -> i32 {
    guard(PANIC_RESULT, || match body() {
        Ok(()) => 0,
        Err(e) => e.code(),
    })
}

/// Reads a required C string argument: NULL or invalid UTF-8 is a parameter error.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid for `'a`.
pub unsafe fn required_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, CallError> {
    if ptr.is_null() {
        return Err(CallError::param(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|_| CallError::param(format!("{what} is not valid UTF-8")))
}

/// Reads an optional C string argument: NULL is `None`, invalid UTF-8 a parameter error.
///
/// # Safety
/// As [`required_str`].
pub unsafe fn optional_str<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, CallError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { required_str(ptr, what) }.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    // SAFETY (for the unsafe blocks below): every pointer is NULL or a static C string literal.
    #[test]
    #[allow(clippy::undocumented_unsafe_blocks)]
    fn strings_are_checked() {
        assert!(matches!(unsafe { required_str(std::ptr::null(), "x") }, Err(CallError::Param(_))));
        let bad = c"\xff\xfe";
        assert!(matches!(unsafe { required_str(bad.as_ptr(), "x") }, Err(CallError::Param(_))));
        assert_eq!(unsafe { required_str(c"ok".as_ptr(), "x") }, Ok("ok"));
        assert_eq!(unsafe { optional_str(std::ptr::null(), "x") }, Ok(None));
    }

    #[test]
    fn panics_become_codes() {
        assert_eq!(guard_result(|| panic!("bug")), PANIC_RESULT);
        assert_eq!(guard_result(|| Err(CallError::NotLogin)), -2);
    }
}
