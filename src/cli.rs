//! Command-line arguments (parsing only; `app` runs them).

use crate::export::Format;
use crate::matcher::Risk;
use crate::store::{ListingFilter, ListingState, ReviewStatus, Since};
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
    /// Export stored listings (false positives only when --status asks for them), with a manifest of SHA-256 hashes.
    Export {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Output format.
        #[arg(long, value_enum)]
        format: Format,
        /// Which listings.
        #[command(flatten)]
        filter: FilterArgs,
        /// Output file (default: standard output). The manifest goes beside it as FILE.manifest.json.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where to write the manifest (default: beside --out; with standard output, none unless given).
        #[arg(long)]
        manifest: Option<PathBuf>,
    },
    /// List stored listings, riskiest first, with filters; false positives only when --status asks for them.
    Listings {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Which listings.
        #[command(flatten)]
        filter: FilterArgs,
        /// Output: a table, or one JSON object per line (with the total first).
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
        /// Rows shown at most (default: 50 as a table, all as JSON; 0: all).
        #[arg(long)]
        limit: Option<u64>,
        /// Rows skipped first.
        #[arg(long, default_value_t = 0)]
        offset: u64,
    },
    /// Set a listing's review status (an append-only event: who, when, old -> new, note), or show its history.
    Review {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// The listing's id (the first column of `precwatch listings`).
        listing_id: i64,
        /// The new status; without it, the listing's review history is shown.
        #[arg(long, value_enum)]
        status: Option<ReviewStatus>,
        /// Why (kept in the history).
        #[arg(long)]
        note: Option<String>,
        /// Who reviews (default: $USER).
        #[arg(long)]
        by: Option<String>,
        /// Output: text, or the event (or history) as JSON.
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
    },
    /// Print the search queries (and sitemaps, seeds) a job will send, per site, before any request.
    Queries {
        /// The job file.
        #[arg(long)]
        config: PathBuf,
        /// Output: a list per site, or JSON.
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
    },
    /// Run jobs on their `[job] schedule` until stopped, each run followed by its `[[alert]]`s; resumes what a stop or crash left unfinished.
    Watch {
        /// A job file with a schedule; repeat for more jobs.
        #[arg(long, required = true)]
        config: Vec<PathBuf>,
        /// Database file for every job (default: each job's `db`, else db/precwatch.sqlite).
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Account for runs: job, start and end, status, pages, listings by risk, new/changed/gone, errors, provenance, alerts.
    Runs {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Only the runs of this job.
        #[arg(long)]
        job: Option<String>,
        /// One run, in full.
        #[arg(long)]
        run: Option<i64>,
        /// Output: a table, or JSON (one object per line; one pretty object with --run).
        #[arg(long, value_enum, default_value = "text")]
        format: ScanFormat,
        /// How many runs to show, newest first.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Serve the review web UI on loopback: listings with filters, details with highlighted hits, review, export.
    Serve {
        /// Database file.
        #[arg(long, default_value = "db/precwatch.sqlite")]
        db: PathBuf,
        /// Address to listen on. Not loopback only with --token (or PRECWATCH_TOKEN).
        #[arg(long, default_value = "127.0.0.1:8765")]
        addr: std::net::SocketAddr,
        /// Access token required on every request (also read from PRECWATCH_TOKEN).
        #[arg(long)]
        token: Option<String>,
        /// The reviewer name offered in the review form (default: $USER).
        #[arg(long)]
        by: Option<String>,
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

/// The filters shared by `listings`, `export` (and the web UI's query string).
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// Only listings at or above this risk.
    #[arg(long, default_value = "none", value_parser = parse_risk)]
    pub min_risk: Risk,
    /// Only listings in this state (new, changed, unchanged, gone); repeat for more.
    #[arg(long, value_enum)]
    pub state: Vec<ListingState>,
    /// Only listings with this review status (new, confirmed, false_positive, escalated, or all); repeat for more.
    /// Default: all but false_positive.
    #[arg(long, value_parser = parse_status)]
    pub status: Vec<StatusChoice>,
    /// Only listings of this site (the job's [[site]] name); repeat for more.
    #[arg(long)]
    pub site: Vec<String>,
    /// Only listings first seen by this run id or later, or at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_since)]
    pub since: Option<Since>,
    /// Only listings whose title, content or URL contains this text (any case).
    #[arg(long)]
    pub search: Option<String>,
}

/// One `--status` value: a status, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChoice {
    /// This status.
    One(ReviewStatus),
    /// Every status, false positives included.
    All,
}

fn parse_status(s: &str) -> Result<StatusChoice, String> {
    if s == "all" {
        return Ok(StatusChoice::All);
    }
    ReviewStatus::parse(s)
        .filter(|_| s != "unreviewed")
        .map(StatusChoice::One)
        .ok_or_else(|| format!("{s:?}: give new, confirmed, false_positive, escalated or all"))
}

fn parse_since(s: &str) -> Result<Since, String> {
    Since::parse(s)
}

impl FilterArgs {
    /// The store's filter for these arguments.
    pub fn to_filter(&self) -> ListingFilter {
        let statuses = if self.status.is_empty() {
            None
        } else if self.status.contains(&StatusChoice::All) {
            Some(ReviewStatus::ALL.to_vec())
        } else {
            Some(
                self.status
                    .iter()
                    .filter_map(|c| match c {
                        StatusChoice::One(s) => Some(*s),
                        StatusChoice::All => None,
                    })
                    .collect(),
            )
        };
        ListingFilter {
            min_risk: Some(self.min_risk),
            states: self.state.clone(),
            statuses,
            sites: self.site.clone(),
            since: self.since.clone(),
            text: self.search.clone(),
            ids: Vec::new(),
        }
    }
}
