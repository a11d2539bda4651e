//! precwatch watches public marketplaces for listings of controlled precursor
//! chemicals and records why each was flagged.
//!
//! The parts, in the order data flows through them:
//!
//! - [`config`]: the job file (sites, politeness, rules).
//! - [`frontier`]: link admission (scope, traps); [`urls`]: URL normalisation.
//! - [`fetch`]: HTTP client, address guard, explicit proxies, robots.txt, decoding.
//! - [`extract`]: visible text, links, canonical URL, fields, seller ids.
//! - [`sellers`]: seller identifiers found and validated (phones, e-mail,
//!   crypto addresses, messenger handles). No I/O.
//! - [`rules`]: rule packs: loading, validation, examples.
//! - [`matcher`]: normalisation, automata, CAS detection, scoring. No I/O.
//! - [`store`]: SQLite schema, migrations, one-writer commits, queries.
//! - [`crawl`]: the engine that drives a run and resumes it after a crash.
//! - [`export`]: JSON Lines and CSV.
//! - [`demo`]: the embedded demo marketplace.
//! - [`cli`] and [`app`]: the command line; [`escape`]: crawled text made
//!   safe for terminals and spreadsheets.

#![warn(missing_docs)]

pub mod alert;
pub mod app;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod demo;
pub mod discovery;
pub mod emerging;
pub mod escape;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod frontier;
pub mod html;
pub mod matcher;
pub mod ordered;
pub mod rules;
pub mod schedule;
pub mod sellers;
pub mod serve;
pub mod store;
pub mod triage;
pub mod urls;
pub mod watch;
