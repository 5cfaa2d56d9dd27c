//! The queue server's integration tests, one binary: each module one area, `support` what
//! they share. Tests that install the process-wide log subscriber or count the process's
//! threads keep binaries of their own (`login_log`, `client_address`, `password_work`).

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

mod support;

mod account_commands;
mod account_limits;
mod alarm;
mod alerts;
mod architecture;
mod bodies;
mod check_in;
mod clock;
mod console;
mod desk_invariants;
mod desk_shifts;
mod directory_logins;
mod doctor;
mod estimates;
mod feedback;
mod http;
mod interpreters;
mod metrics;
mod net;
mod oidc_logins;
mod privacy;
mod reads;
mod scope;
mod security;
mod server_actions;
mod sessions;
mod staff_language;
mod stats;
mod storage_faults;
mod streams;
mod tls;
mod visit_order_live;
mod voices;
mod watchdog;
