//! When each watched job runs next: every decision of `watch`, with time as
//! an argument (Unix ms) and the jitter's random draw passed in, so the
//! rules below are tested without a clock.
//!
//! - A job with an unfinished run (running or interrupted: its process died
//!   or was stopped) is due at once, and that run is resumed.
//! - A job never run is due at once.
//! - Otherwise it is due at its schedule's first time after its last run
//!   started. If that time has passed (the watch was down, or the last run
//!   overran), it is due at once, once: missed slots are not made up one by one.
//! - A scheduled time gets a random delay of up to the jitter (default 5% of
//!   the period, at most 5 minutes), so many watchers do not hit a site at
//!   the same second; a run due at once gets none.
//! - Jobs due at the same time run in the order they were given.

use crate::schedule::Schedule;

/// The default jitter's cap.
pub const MAX_DEFAULT_JITTER_MS: i64 = 300_000;

/// What to do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Run the job at this index.
    Run(usize),
    /// Nothing is due before this time (Unix ms); None when nothing is scheduled.
    Wait(Option<i64>),
}

/// One watched job's place in the plan.
#[derive(Debug, Clone)]
struct Slot {
    schedule: Schedule,
    jitter_ms: Option<i64>,
    due_ms: Option<i64>,
}

/// The plan of every watched job.
#[derive(Debug, Clone)]
pub struct Plan {
    slots: Vec<Slot>,
}

/// A job's newest run, as the plan needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastRun {
    /// When it started (Unix ms).
    pub started_ms: i64,
    /// It is running or interrupted: the next run resumes it.
    pub unfinished: bool,
}

impl Plan {
    /// A plan for jobs with these schedules and jitters (`[job] jitter`);
    /// call [`Plan::start`] for each before asking [`Plan::next`].
    pub fn new(jobs: impl IntoIterator<Item = (Schedule, Option<i64>)>) -> Plan {
        Plan {
            slots: jobs
                .into_iter()
                .map(|(schedule, jitter_ms)| Slot {
                    schedule,
                    jitter_ms,
                    due_ms: None,
                })
                .collect(),
        }
    }

    /// Places job `i` from its newest run; `draw` is a random number in [0, 1).
    pub fn start(&mut self, i: usize, last: Option<LastRun>, now_ms: i64, draw: f64) {
        let due = match last {
            None => Some(now_ms),
            Some(l) if l.unfinished => Some(now_ms),
            Some(l) => self.after(i, l.started_ms, now_ms, draw),
        };
        self.slots[i].due_ms = due;
    }

    /// Job `i` ran, starting at `started_ms`; its schedule may have changed
    /// (the job file is read again before each run).
    pub fn ran(
        &mut self,
        i: usize,
        schedule: Schedule,
        jitter_ms: Option<i64>,
        started_ms: i64,
        now_ms: i64,
        draw: f64,
    ) {
        self.slots[i].schedule = schedule;
        self.slots[i].jitter_ms = jitter_ms;
        self.slots[i].due_ms = self.after(i, started_ms, now_ms, draw);
    }

    /// Job `i` could not run now (its lock is held, its database busy): try again after `delay_ms`.
    pub fn retry_later(&mut self, i: usize, now_ms: i64, delay_ms: i64) {
        self.slots[i].due_ms = Some(now_ms.saturating_add(delay_ms));
    }

    /// The job to run now, or how long to wait.
    pub fn next(&self, now_ms: i64) -> Next {
        let earliest = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.due_ms.map(|d| (d, i)))
            .min();
        match earliest {
            Some((due, i)) if due <= now_ms => Next::Run(i),
            Some((due, _)) => Next::Wait(Some(due)),
            None => Next::Wait(None),
        }
    }

    /// When job `i` is due (Unix ms).
    pub fn due(&self, i: usize) -> Option<i64> {
        self.slots[i].due_ms
    }

    /// The first scheduled time after `started_ms` with jitter, or now if it has passed.
    fn after(&self, i: usize, started_ms: i64, now_ms: i64, draw: f64) -> Option<i64> {
        let slot = &self.slots[i];
        let next = slot.schedule.next_after(started_ms)?;
        if next <= now_ms {
            return Some(now_ms);
        }
        let max = slot
            .jitter_ms
            .unwrap_or_else(|| (slot.schedule.period_ms(next) / 20).min(MAX_DEFAULT_JITTER_MS));
        let jitter = (max.max(0) as f64 * draw.clamp(0.0, 1.0)) as i64;
        Some(next.saturating_add(jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00Z

    fn every(ms: i64) -> (Schedule, Option<i64>) {
        (Schedule::Every(ms), Some(0))
    }

    #[test]
    fn new_and_unfinished_jobs_run_at_once() {
        let mut p = Plan::new([every(15 * MIN), every(15 * MIN)]);
        p.start(0, None, T0, 0.5);
        p.start(
            1,
            Some(LastRun {
                started_ms: T0 - MIN,
                unfinished: true,
            }),
            T0,
            0.5,
        );
        assert_eq!(p.next(T0), Next::Run(0));
        p.ran(0, Schedule::Every(15 * MIN), Some(0), T0, T0 + MIN, 0.5);
        assert_eq!(p.next(T0 + MIN), Next::Run(1), "the interrupted run is resumed");
    }

    #[test]
    fn interval_counts_from_the_last_start() {
        let mut p = Plan::new([every(15 * MIN)]);
        p.start(
            0,
            Some(LastRun {
                started_ms: T0,
                unfinished: false,
            }),
            T0 + 5 * MIN,
            0.0,
        );
        assert_eq!(p.next(T0 + 5 * MIN), Next::Wait(Some(T0 + 15 * MIN)));
        assert_eq!(p.next(T0 + 15 * MIN), Next::Run(0));
    }

    #[test]
    fn missed_slots_run_once_not_once_each() {
        let mut p = Plan::new([every(MIN)]);
        // Down for an hour: sixty slots missed.
        p.start(
            0,
            Some(LastRun {
                started_ms: T0,
                unfinished: false,
            }),
            T0 + 60 * MIN,
            0.0,
        );
        assert_eq!(p.next(T0 + 60 * MIN), Next::Run(0));
        // After that one run, the next is a period after its start, not another catch-up.
        p.ran(
            0,
            Schedule::Every(MIN),
            Some(0),
            T0 + 60 * MIN,
            T0 + 60 * MIN + 1_000,
            0.0,
        );
        assert_eq!(p.next(T0 + 60 * MIN + 1_000), Next::Wait(Some(T0 + 61 * MIN)));
    }

    #[test]
    fn an_overrun_is_followed_by_one_run_at_once() {
        let mut p = Plan::new([every(MIN)]);
        p.start(0, None, T0, 0.0);
        p.ran(0, Schedule::Every(MIN), Some(0), T0, T0 + 5 * MIN, 0.0);
        assert_eq!(p.next(T0 + 5 * MIN), Next::Run(0));
    }

    #[test]
    fn jitter_delays_scheduled_times_only() {
        let mut p = Plan::new([(Schedule::Every(100 * MIN), None)]);
        p.start(
            0,
            Some(LastRun {
                started_ms: T0,
                unfinished: false,
            }),
            T0,
            0.5,
        );
        // default: 5% of the period (5 minutes), half of it drawn
        assert_eq!(p.due(0), Some(T0 + 100 * MIN + 150_000));
        let mut q = Plan::new([(Schedule::Every(100 * 24 * 60 * MIN), None)]);
        q.start(
            0,
            Some(LastRun {
                started_ms: T0,
                unfinished: false,
            }),
            T0,
            1.0,
        );
        assert_eq!(
            q.due(0),
            Some(T0 + 100 * 24 * 60 * MIN + MAX_DEFAULT_JITTER_MS),
            "capped"
        );
        let mut r = Plan::new([(Schedule::Every(MIN), Some(10_000))]);
        r.start(0, None, T0, 0.99);
        assert_eq!(r.due(0), Some(T0), "a run due at once is not delayed");
    }

    #[test]
    fn cron_jobs_and_retries() {
        let six_hourly = Schedule::parse("0 */6 * * *").unwrap();
        let mut p = Plan::new([(six_hourly, Some(0)), every(MIN)]);
        p.start(
            0,
            Some(LastRun {
                started_ms: T0 + MIN,
                unfinished: false,
            }),
            T0 + 2 * MIN,
            0.0,
        );
        p.start(
            1,
            Some(LastRun {
                started_ms: T0,
                unfinished: false,
            }),
            T0 + 2 * MIN,
            0.0,
        );
        assert_eq!(p.due(0), Some(T0 + 360 * MIN));
        assert_eq!(p.next(T0 + 2 * MIN), Next::Run(1));
        p.retry_later(1, T0 + 2 * MIN, MIN);
        assert_eq!(p.next(T0 + 2 * MIN), Next::Wait(Some(T0 + 3 * MIN)));
    }
}
