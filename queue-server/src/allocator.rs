//! The allocator's settings. jemalloc gives freed memory back to the system after a decay
//! time (10 s by default) and, without a background thread, only when the program allocates
//! again; a server that goes quiet after a burst (thousands of connections, password checks)
//! kept what the burst used. With its background thread and decay times of 0 it gives pages
//! back as they become free, busy or not (README "Benchmarks", bursts). jemalloc reads its
//! settings from the environment before `main` runs, so the server sets them by starting
//! itself again once, with the same arguments and the same process id; a setting the
//! operator's environment already has is kept.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The settings the server runs with unless its environment names them.
pub const SETTINGS: &[(&str, &str)] = &[(
    "_RJEM_MALLOC_CONF",
    "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0",
)];

/// The settings of [`SETTINGS`] that `lookup` (the environment) does not name.
pub fn missing(lookup: impl Fn(&str) -> Option<OsString>) -> Vec<(&'static str, &'static str)> {
    SETTINGS
        .iter()
        .copied()
        .filter(|(name, _)| lookup(name).is_none())
        .collect()
}

/// Replaces this process by the same program with the missing settings; returns only when
/// nothing is missing or the program cannot be started again (then with a warning on
/// standard error, and the server runs with the allocator's defaults).
pub fn apply() {
    let missing = missing(|name| std::env::var_os(name));
    if missing.is_empty() {
        return;
    }
    let mut arguments = std::env::args_os();
    // `/proc/self/exe` is the running program even when a package upgrade has replaced the
    // file on disk.
    let mut command = Command::new("/proc/self/exe");
    if let Some(name) = arguments.next() {
        command.arg0(name);
    }
    let error = command.args(arguments).envs(missing).exec();
    eprintln!(
        "warning: the allocator settings {SETTINGS:?} could not be applied ({error}); memory \
         freed after a burst goes back to the system later"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_the_environment_names_is_kept() {
        assert_eq!(missing(|_| None), SETTINGS.to_vec());
        assert!(missing(|_| Some(OsString::from("10"))).is_empty());
    }
}
