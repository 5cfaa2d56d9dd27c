//! Limits of the API that clients enforce too (the kiosk stops at the same number of concerns
//! the server accepts). Each is defined here once.

/// The most concerns (services) one visit may have.
pub const MAX_CONCERNS: usize = 6;

/// The longest transfer note (in characters, as a form's `maxlength` counts).
pub const MAX_NOTE_CHARS: usize = 2_000;

/// The longest comment a visitor may leave with their feedback (in characters).
pub const MAX_FEEDBACK_COMMENT_CHARS: usize = 500;

/// The longest note that closes an emergency alarm (in characters).
pub const MAX_ALARM_NOTE_CHARS: usize = 300;

/// The longest account or device name (in characters, as the admin forms' `maxlength`
/// counts).
pub const MAX_NAME_CHARS: usize = 100;
