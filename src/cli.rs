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
    /// Rank substances no pack watches (valid CAS numbers in no pack, names sold as substitutes) by the seller clusters and listings that offer them with strong tactics or next to watched substances.
    Emerging {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Only listing versions fetched by this run id or later, or at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Output: a ranked table, JSON, or a rule-pack skeleton for the top leads.
        #[arg(long, value_enum, default_value = "text")]
        format: EmergingFormat,
        /// How many leads to show.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Rule file or folder whose policy defines the strong tactics; repeat for more. Extends the bundled packs unless --no-bundled.
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Use only the --rules packs.
        #[arg(long)]
        no_bundled: bool,
    },
}

/// How `emerging` prints its leads (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmergingFormat {
    /// For reading: each lead with its counts, sites, tactics and examples.
    Text,
    /// For programs: one JSON object with every lead shown.
    Json,
    /// A rule-pack skeleton (TOML) for the leads shown, to complete and load with --rules.
    Toml,
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
    /// Measure the packs on labelled listings: precision, recall and F1 for
    /// substances, flagged (medium+) and high risk, per corpus file, and the
    /// cases where packs and labels disagree. Exit 1 when below --floor.
    Eval {
        /// Corpus files or folders (`[[case]]` tables; see tests/corpus/README.md).
        #[arg(required = true)]
        corpus: Vec<PathBuf>,
        /// Rule file or folder; repeat for more. Extends the bundled packs unless --no-bundled.
        #[arg(long = "rules")]
        rules: Vec<PathBuf>,
        /// Use only the --rules packs.
        #[arg(long)]
        no_bundled: bool,
        /// The recorded F1 figures (TOML, one table per corpus file stem); exit 1 when a file falls below.
        #[arg(long)]
        floor: Option<PathBuf>,
        /// Output: a table and the disagreements, or one JSON object per corpus file.
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
    },
}

fn parse_risk(s: &str) -> Result<Risk, String> {
    s.parse()
}
