//! Wall-clock time, in the units the TIM JSON uses.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in UTC seconds.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Now, in nanoseconds since the epoch (for unique IDs).
pub fn unix_nanos() -> u128 {
    nanos_for_ids(SystemTime::now())
}

/// `at` in nanoseconds since the epoch; for a clock set before it, a random value fixed for the
/// process instead of 0 (the IDs made from it, sent messages' and cursors', must still differ
/// from another process's, which may have the same process ID in a container).
fn nanos_for_ids(at: SystemTime) -> u128 {
    at.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_else(|_| u128::from(process_random()))
}

/// A random number drawn once per process (from the seed the standard library draws from the
/// OS for hash maps).
fn process_random() -> u64 {
    use std::hash::BuildHasher;
    static DRAWN: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *DRAWN.get_or_init(|| std::collections::hash_map::RandomState::new().hash_one(std::process::id()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_clock_before_the_epoch_gives_a_random_value_fixed_for_the_process() {
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        let (first, second) = (nanos_for_ids(before), nanos_for_ids(before - Duration::from_secs(1)));
        assert_eq!(first, second, "fixed for the process");
        assert_ne!(first, 0, "not 0 (every process would share it)");
        let after = UNIX_EPOCH + Duration::from_nanos(1_234);
        assert_eq!(nanos_for_ids(after), 1_234);
    }
}
