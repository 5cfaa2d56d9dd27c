//! How long the pusher waits after failed tries: doubling from one second, at most five
//! minutes, so a centre that comes back is reached soon and one that stays away is not
//! hammered.

use std::time::Duration;

const FIRST: Duration = Duration::from_secs(1);
const LONGEST: Duration = Duration::from_secs(300);

/// The wait after `failures` failed tries in a row (none: no wait).
pub fn delay_after(failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    FIRST
        .checked_mul(1u32 << (failures - 1).min(16))
        .unwrap_or(LONGEST)
        .min(LONGEST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_five_minutes() {
        let seconds: Vec<u64> = (0..12).map(|n| delay_after(n).as_secs()).collect();
        assert_eq!(seconds, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(delay_after(u32::MAX), LONGEST);
    }
}
