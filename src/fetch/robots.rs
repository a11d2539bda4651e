//! robots.txt, parsed by `texting_robots` (a parser tested against Google's
//! robots.txt test suite). Unreachable or 5xx robots.txt disallows the host
//! for the run (RFC 9309 §2.3.1.4); 4xx allows everything.

use texting_robots::Robot;

/// What robots.txt says for this crawler on one host.
pub enum Robots {
    /// No usable rules (4xx, or a file the parser refused): everything may be fetched.
    AllowAll,
    /// The host is not crawled this run; the reason is recorded with its pause.
    DisallowAll(String),
    /// Parsed rules for our agent token (boxed: the parser's state is large).
    Rules(Box<Robot>),
}

impl Robots {
    /// From a fetched robots.txt: its status and body.
    pub fn from_response(agent_token: &str, status: u16, body: &[u8]) -> Robots {
        match status {
            200..=299 => match Robot::new(agent_token, body) {
                Ok(r) => Robots::Rules(Box::new(r)),
                Err(_) => Robots::AllowAll,
            },
            400..=499 => Robots::AllowAll,
            _ => Robots::DisallowAll(format!("robots.txt answered {status}")),
        }
    }

    /// Whether `url` (absolute, or a path) may be fetched. Any string is accepted.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::DisallowAll(_) => false,
            Robots::Rules(r) => r.allowed(url),
        }
    }

    /// Crawl-delay in milliseconds, if the file sets one for us, at most
    /// [`MAX_CRAWL_DELAY_MS`]. The value is the server's: NaN, infinities,
    /// zero and negative delays are ignored; huge ones saturate at the cap
    /// (which still exceeds any sane `max_wait_ms`, so the host is paused).
    pub fn crawl_delay_ms(&self) -> Option<u64> {
        match self {
            Robots::Rules(r) => r.delay.and_then(delay_ms),
            _ => None,
        }
    }
}

/// The largest Crawl-delay honoured, in milliseconds (one day).
pub const MAX_CRAWL_DELAY_MS: u64 = 86_400_000;

/// Seconds (as robots.txt writes them) to whole milliseconds, capped.
fn delay_ms(seconds: f32) -> Option<u64> {
    if !seconds.is_finite() || seconds <= 0.0 {
        return None;
    }
    let ms = f64::from(seconds) * 1000.0;
    // Compared in f64 before the cast: the cast alone saturates silently.
    Some(if ms >= MAX_CRAWL_DELAY_MS as f64 {
        MAX_CRAWL_DELAY_MS
    } else {
        ms.round() as u64
    })
}

/// The product token robots.txt groups are matched on: the User-Agent up to
/// the first '/' or space ("precwatch/0.1 (...)" → "precwatch").
pub fn agent_token(user_agent: &str) -> &str {
    user_agent
        .split(|c: char| c == '/' || c.is_whitespace())
        .next()
        .filter(|t| !t.is_empty())
        .unwrap_or("*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_delay_and_status() {
        let r = Robots::from_response(
            "precwatch",
            200,
            b"User-agent: *\nDisallow: /private\nCrawl-delay: 1.5\n",
        );
        assert!(!r.allowed("http://h/private/x"));
        assert!(r.allowed("http://h/public"));
        assert_eq!(r.crawl_delay_ms(), Some(1500));
        assert!(Robots::from_response("precwatch", 404, b"").allowed("/x"));
        assert!(!Robots::from_response("precwatch", 503, b"").allowed("/x"));
        assert_eq!(agent_token("precwatch/0.1 (+x)"), "precwatch");
    }

    fn delay_of(body: &str) -> Option<u64> {
        Robots::from_response("precwatch", 200, body.as_bytes()).crawl_delay_ms()
    }

    #[test]
    fn hostile_crawl_delays_are_ignored_or_capped() {
        // f32 overflow → inf; "NaN"/"inf" parse as floats; 1e30 s overflows u64 ms.
        assert_eq!(delay_of("User-agent: *\nCrawl-delay: 1e39\n"), None);
        assert_eq!(delay_of("User-agent: *\nCrawl-delay: NaN\n"), None);
        assert_eq!(delay_of("User-agent: *\nCrawl-delay: -5\n"), None);
        assert_eq!(delay_of("User-agent: *\nCrawl-delay: 0\n"), None);
        assert_eq!(delay_of("User-agent: *\nCrawl-delay: 1e30\n"), Some(MAX_CRAWL_DELAY_MS));
        assert_eq!(
            delay_of("User-agent: *\nCrawl-delay: 86401\n"),
            Some(MAX_CRAWL_DELAY_MS)
        );
        assert_eq!(delay_of("User-agent: *\nCrawl-delay: 0.0004\n"), Some(0));
        assert_eq!(delay_ms(f32::INFINITY), None);
        assert_eq!(delay_ms(f32::NAN), None);
        assert_eq!(delay_ms(f32::MAX), Some(MAX_CRAWL_DELAY_MS));
        assert_eq!(delay_ms(2.5), Some(2500));
    }

    #[test]
    fn agent_token_of_odd_user_agents() {
        assert_eq!(agent_token(""), "*");
        assert_eq!(agent_token("/0.1"), "*");
        assert_eq!(agent_token(" precwatch"), "*");
        assert_eq!(agent_token("机器人/1 x"), "机器人");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn any_robots_response_is_usable(
            status in any::<u16>(),
            body in prop::collection::vec(any::<u8>(), 0..400),
            lines in "((User-agent|Disallow|Allow|Crawl-delay): ?[ -~]{0,12}\n){0,8}",
            url in "\\PC{0,40}",
        ) {
            let mut text = lines.into_bytes();
            text.extend_from_slice(&body);
            let r = Robots::from_response("precwatch", status, &text);
            let _ = r.allowed(&url);
            let _ = r.allowed(&format!("http://h.test/{url}"));
            prop_assert!(r.crawl_delay_ms().is_none_or(|d| d <= MAX_CRAWL_DELAY_MS));
            prop_assert_eq!(matches!(r, Robots::DisallowAll(_)), !(200..300).contains(&status) && !(400..500).contains(&status));
        }
    }
}
