//! Progress of a run: a spinner line on a terminal, a log line every few
//! seconds otherwise.

use crate::matcher::Risk;
use std::time::{Duration, Instant};

/// Counts shown while a run goes on.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    pages: u64,
    listings: u64,
    /// Listings at medium risk or above.
    flagged: u64,
    errors: u64,
    last_log: Instant,
    start: Instant,
}

impl Progress {
    /// A spinner on stderr when `enabled` and stderr is a terminal.
    pub(crate) fn new(enabled: bool) -> Self {
        use std::io::IsTerminal;
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(Duration::from_millis(200));
            b
        });
        Progress {
            bar,
            pages: 0,
            listings: 0,
            flagged: 0,
            errors: 0,
            last_log: Instant::now(),
            start: Instant::now(),
        }
    }

    fn update(&mut self) {
        let rate = self.pages as f64 / self.start.elapsed().as_secs_f64().max(0.001);
        let msg = format!(
            "{} pages, {} listings, {} flagged (medium+), {} errors, {rate:.0} pages/s",
            self.pages, self.listings, self.flagged, self.errors
        );
        if let Some(b) = &self.bar {
            b.set_message(msg);
        } else if self.last_log.elapsed() >= Duration::from_secs(5) {
            self.last_log = Instant::now();
            tracing::info!("{msg}");
        }
    }

    /// A page was stored.
    pub(crate) fn page(&mut self) {
        self.pages += 1;
        self.update();
    }

    /// A listing was seen for the first time in this process.
    pub(crate) fn listing(&mut self, risk: Risk) {
        self.listings += 1;
        if risk >= Risk::Medium {
            self.flagged += 1;
        }
    }

    /// An entry failed.
    pub(crate) fn error(&mut self) {
        self.errors += 1;
        self.update();
    }

    /// Clears the spinner.
    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
