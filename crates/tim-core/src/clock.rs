//! Wall-clock time, in the units the TIM JSON uses.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in UTC seconds.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Now, in nanoseconds since the epoch (for unique IDs).
pub fn unix_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}
