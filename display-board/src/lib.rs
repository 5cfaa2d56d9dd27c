//! The Lotse display board: the wall display showing which ticket is called to which desk.
//! See ARCHITECTURE.md.
//!
//! `board` is the pure state (snapshot + events → view); `controller` shows it in the Slint
//! window; `worker` follows the server on its own runtime; `sound` rings the `gong` and speaks calls
//! (`lotse-voices`).

/// The code Slint generates from `ui/`; its own lints are not ours to fix.
#[allow(
    clippy::all,
    clippy::unwrap_used,
    clippy::todo,
    clippy::dbg_macro,
    unsafe_code
)]
mod generated {
    slint::include_modules!();
}
pub use generated::*;

pub mod app;
pub mod board;
pub mod config;
pub mod controller;
pub mod gong;
pub mod recorded_voices;
pub mod sample;
pub mod screenshot;
pub mod sound;
pub mod worker;
