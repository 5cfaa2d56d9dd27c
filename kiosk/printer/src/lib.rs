//! Ticket printing for the Lotse kiosk: the ticket layout as ESC/POS bytes ([`layout`]),
//! printer transports with real-time status ([`transport`], [`service`]), and a printer
//! emulator that renders what a real printer would print ([`emulator`]).
//!
//! Only this crate knows ESC/POS bytes. A ticket is fully encoded before the first byte is
//! sent.

pub mod code_page;
pub mod emulator;
pub mod error;
pub mod fonts;
pub mod labels;
pub mod layout;
pub mod profile;
pub mod profiles;
pub mod raster;
pub mod samples;
pub mod service;
pub mod status;
pub mod test_print;
pub mod transport;

pub use error::PrinterError;
pub use layout::{Concern, TicketPrint, encode_ticket};
pub use profile::PrinterProfile;
pub use status::PrinterStatus;
