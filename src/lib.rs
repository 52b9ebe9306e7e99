//! `mandates`: reads United Nations resolutions, finds who must do what by when, keeps it in
//! PostgreSQL and serves a dashboard of due and outstanding obligations.
//!
//! Layers point one way: [`resolution`] (pure domain) <- [`store`] <- [`web`] <- the binary.

pub mod demo;
pub mod digest;
pub mod import;
pub mod resolution;
pub mod serve;
pub mod store;
pub mod web;
