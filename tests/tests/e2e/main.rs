//! End-to-end tests of Lotse against the real `queue-server` binary (one test binary).

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

mod accessibility;
mod bad_input;
mod browser;
mod crash;
mod desks;
mod display;
mod events;
mod kiosk;
mod programs;
mod startup_board;
mod startup_kiosk;
mod startup_server;
mod tickets;
mod util;
mod web_alarm;
mod web_alerts;
mod web_county;
mod web_display;
mod web_english;
mod web_feedback;
mod web_interpreter;
mod web_staff;
mod web_stats;
mod web_status_call;
mod web_status_cost;
mod web_visit_order;
mod web_voices;
