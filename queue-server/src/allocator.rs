//! The allocator's settings. mimalloc frees memory back to the system only after a purge delay
//! (1 s by default) and only when it runs again after that delay; a server that goes quiet
//! after a burst (thousands of connections, password checks) therefore kept everything the
//! burst used. With a purge delay of 0 it gives pages back as they become free (README
//! "Benchmarks", bursts). mimalloc reads its settings from the environment before `main`
//! runs, so the server sets them by starting itself again once, with the same arguments and
//! the same process id; a setting the operator's environment already has is kept.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The settings the server runs with unless its environment names them.
pub const SETTINGS: &[(&str, &str)] = &[("MIMALLOC_PURGE_DELAY", "0")];

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
