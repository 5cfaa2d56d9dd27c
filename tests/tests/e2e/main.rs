//! End-to-end tests of Lotse against the real `queue-server` binary (one test binary).

mod bad_input;
mod crash;
mod desks;
mod events;
mod tickets;
mod util;
