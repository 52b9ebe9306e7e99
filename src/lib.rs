//! `mandates`: reads United Nations resolutions, finds who must do what by when, keeps it in
//! PostgreSQL and serves a dashboard of due and outstanding obligations.
//!
//! Layers point one way: [`resolution`] (pure domain) <- [`store`] <- [`web`] / [`digest`] <- the
//! binary. ([`digest`] reads a subscriber's filter with the dashboard's own list query, so it is
//! exactly the list's filter.) [`new_texts`] ("new in this year's text") sits below both, so
//! the digest and the feeds say the same.

pub mod accounts;
pub mod corrections;
pub mod demo;
pub mod digest;
pub mod doctor;
pub mod export;
pub mod generate;
pub mod import;
pub mod metrics;
pub mod new_texts;
pub mod reader;
pub mod resolution;
pub mod serve;
pub mod store;
pub mod web;
