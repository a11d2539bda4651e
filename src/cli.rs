//! Command-line arguments (parsing only; `app` runs them).

use crate::export::Format;
use crate::matcher::Risk;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The whole command line. The `--help` header is the `about` below; this
/// comment is not shown.
#[derive(Debug, Parser)]
#[command(
    name = "precwatch",
    version,
    about = "Watch public marketplaces for listings of controlled precursor chemicals"
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// How `scan` prints its results (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// For reading: per input, risk, score and each hit in context.
    Text,
    /// For programs: one JSON object per input (source, risk, score, hits).
    Json,
}

/// The commands. Their names and flags are a contract (see the README).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crawl the embedded demo marketplace (127.0.0.1, no network) with the bundled rules and show what it flags.
    Demo {
        /// Database file.
        #[arg(long, default_value = "db/demo.sqlite")]
        db: PathBuf,
        /// Also show listings of low risk.
        #[arg(long)]
        all: bool,
    },
    /// Run (or resume) one crawl described by a job file.
    Crawl {
        /// The job file (TOML: [job], [crawl], [[site]]).
        #[arg(long)]
        config: PathBuf,
        /// Database file (default: the job's `db`, else db/precwatch.sqlite).
        #[arg(long)]
        db: Option<PathBuf>,
        /// No progress bar even on a terminal.
        #[arg(long)]
        no_progress: bool,
    },
    /// Match local HTML or text files (or - for standard input). Exit 0 if something matched, 1 if nothing did, 2 on error.
    Scan {
        /// Rule file or folder; repeat for more. Extends the bundled packs unless --no-bundled.
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Use only the --rules packs.
        #[arg(long)]
        no_bundled: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
        /// Files to scan; - reads standard input.
        #[arg(required = true)]
        inputs: Vec<String>,
    },
    /// Check or test rule packs.
    Rules {
        /// What to do with the packs.
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Export stored listings.
    Export {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Output format.
        #[arg(long, value_enum)]
        format: Format,
        /// Only listings at or above this risk.
        #[arg(long, default_value = "none", value_parser = parse_risk)]
        min_risk: Risk,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List seller clusters: listings linked by a shared phone, e-mail, messenger handle or crypto address, across sites and runs.
    Sellers {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: SellersFormat,
        /// Only clusters whose riskiest listing is at or above this risk.
        #[arg(long, default_value = "none", value_parser = parse_risk)]
        min_risk: Risk,
    },
}

/// How `sellers` prints clusters (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SellersFormat {
    /// For reading: each cluster with its identifiers, sites and a few listings.
    Text,
    /// For programs: one JSON object with every cluster (all listings) and the site-wide identifiers.
    Json,
}

/// What `precwatch rules` does.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Load and validate packs (default: the bundled ones); print a summary and warnings.
    Check {
        /// A pack file or a folder of packs.
        path: Option<PathBuf>,
    },
    /// Run every rule's examples and the listing examples; report failures.
    Test {
        /// A pack file or a folder of packs.
        path: Option<PathBuf>,
    },
}

fn parse_risk(s: &str) -> Result<Risk, String> {
    s.parse()
}
