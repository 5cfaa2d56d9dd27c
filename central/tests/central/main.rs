//! The central service's tests, one binary: ingest and its refusals, buildings pushing
//! through their outbox, outages. Each test starts a PostgreSQL of its own.

mod crash;
mod database_silent;
mod database_tls;
mod ingest;
mod namespaces;
mod pages;
mod push;
mod report_limits;
mod report_parts;
mod support;
