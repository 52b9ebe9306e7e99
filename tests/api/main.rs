//! The integration tests: the real `mandates` (its HTTP interface and its CLI) against a real
//! PostgreSQL that this test binary starts for itself.

mod harness;
mod smtp;

mod accounts;
mod browser;
mod cluster;
mod corrections;
mod dashboard;
mod digest;
mod due;
mod exports;
mod extract;
mod foundation;
mod hostile;
mod import;
mod new_texts;
mod officer;
mod operations;
mod requests;
mod scale;
mod series;
mod servers;
