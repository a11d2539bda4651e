//! Leaf: `[job] schedule`, an interval ("30s", "15m", "6h", "1d") or a
//! five-field cron expression evaluated in UTC ("0 */6 * * *"), and when it
//! next fires. Times are Unix milliseconds passed in, never read from a
//! clock, so `watch`'s plan is tested without one.

/// The shortest interval accepted (a watch is not a load test).
pub const MIN_INTERVAL_MS: i64 = 1_000;
/// The longest interval accepted.
pub const MAX_INTERVAL_MS: i64 = 366 * 86_400_000;

/// When a job runs.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// Every this many milliseconds, counted from the start of the previous run.
    Every(i64),
    /// At the times a cron expression names (UTC), with its text.
    Cron(Box<croner::Cron>, String),
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Schedule::Every(a), Schedule::Every(b)) => a == b,
            (Schedule::Cron(_, a), Schedule::Cron(_, b)) => a == b,
            _ => false,
        }
    }
}

impl Schedule {
    /// Parses an interval (a number and s, m, h or d) or a cron expression
    /// of five fields (minute hour day-of-month month day-of-week).
    pub fn parse(s: &str) -> Result<Schedule, String> {
        let s = s.trim();
        if let Some(ms) = parse_duration_ms(s)? {
            if !(MIN_INTERVAL_MS..=MAX_INTERVAL_MS).contains(&ms) {
                return Err(format!("schedule {s:?}: give an interval from 1s to 366d"));
            }
            return Ok(Schedule::Every(ms));
        }
        if s.split_whitespace().count() != 5 {
            return Err(format!(
                "schedule {s:?}: give an interval (\"30s\", \"15m\", \"6h\", \"1d\") or a cron expression of five fields (\"0 */6 * * *\")"
            ));
        }
        let cron = croner::parser::CronParser::new()
            .parse(s)
            .map_err(|e| format!("schedule {s:?}: not a valid cron expression: {e}"))?;
        // An expression that never fires (31 February) is refused now, not found out later.
        let probe = Schedule::Cron(Box::new(cron), s.to_string());
        if probe.next_after(0).is_none() {
            return Err(format!("schedule {s:?}: this cron expression never fires"));
        }
        Ok(probe)
    }

    /// The first time strictly after `after_ms` at which the job is due
    /// (None: never, or beyond the year 9999).
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        match self {
            Schedule::Every(ms) => after_ms.checked_add(*ms),
            Schedule::Cron(cron, _) => {
                let t = chrono::DateTime::from_timestamp_millis(after_ms)?;
                let next = cron.find_next_occurrence(&t, false).ok()?;
                Some(next.timestamp_millis())
            }
        }
    }

    /// About how long one period is at `at_ms` (the gap to the fire after
    /// next, for cron): the default jitter is a fraction of it.
    pub fn period_ms(&self, at_ms: i64) -> i64 {
        match self {
            Schedule::Every(ms) => *ms,
            Schedule::Cron(..) => match self.next_after(at_ms).and_then(|a| Some((a, self.next_after(a)?))) {
                Some((a, b)) => b.saturating_sub(a),
                None => 0,
            },
        }
    }
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Every(ms) => write!(f, "every {}", human_ms(*ms)),
            Schedule::Cron(_, s) => write!(f, "cron {s:?} (UTC)"),
        }
    }
}

/// "90s", "15m", "6h", "1d" (and "500ms") as milliseconds; Ok(None) when
/// `s` is not of that shape; an error when it is but overflows.
pub fn parse_duration_ms(s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 12 {
        return Ok(None);
    }
    let unit: i64 = match &s[digits..] {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Ok(None),
    };
    let n: i64 = s[..digits].parse().map_err(|_| format!("{s:?}: not a number"))?;
    n.checked_mul(unit).map(Some).ok_or_else(|| format!("{s:?}: too long"))
}

/// Milliseconds as the largest whole unit ("6h", "90s").
pub fn human_ms(ms: i64) -> String {
    for (unit, name) in [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1_000, "s")] {
        if ms >= unit && ms % unit == 0 {
            return format!("{}{name}", ms / unit);
        }
    }
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    /// 2026-01-01T00:00:00Z
    const JAN1: i64 = 1_767_225_600_000;

    #[test]
    fn intervals() {
        assert_eq!(Schedule::parse("15m").unwrap(), Schedule::Every(15 * 60_000));
        assert_eq!(Schedule::parse(" 6h ").unwrap().next_after(10), Some(10 + 6 * HOUR));
        assert!(Schedule::parse("0s").is_err());
        assert!(Schedule::parse("999999999999d").is_err());
        assert!(Schedule::parse("367d").is_err());
        assert_eq!(human_ms(90_000), "90s");
        assert_eq!(Schedule::parse("2h").unwrap().to_string(), "every 2h");
    }

    #[test]
    fn cron_in_utc() {
        let s = Schedule::parse("0 */6 * * *").unwrap();
        assert_eq!(s.next_after(JAN1), Some(JAN1 + 6 * HOUR), "strictly after");
        assert_eq!(s.next_after(JAN1 + 1), Some(JAN1 + 6 * HOUR));
        assert_eq!(s.period_ms(JAN1), 6 * HOUR);
        let mondays = Schedule::parse("30 8 * * mon").unwrap();
        // 2026-01-05 is a Monday
        assert_eq!(
            mondays.next_after(JAN1),
            Some(JAN1 + 4 * 24 * HOUR + 8 * HOUR + 30 * 60_000)
        );
    }

    #[test]
    fn bad_schedules_say_what_to_write() {
        for bad in ["often", "* * *", "61 * * * *", "0 0 31 2 *", "5x"] {
            let e = Schedule::parse(bad).unwrap_err();
            assert!(e.contains(bad), "{e}");
        }
    }
}
