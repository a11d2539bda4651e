//! robots.txt, parsed by `texting_robots` (a parser tested against Google's
//! robots.txt test suite). Unreachable or 5xx robots.txt disallows the host
//! for the run (RFC 9309 §2.3.1.4); 4xx allows everything.

use texting_robots::Robot;

/// What robots.txt says for this crawler on one host.
pub enum Robots {
    AllowAll,
    DisallowAll(String),
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

    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::DisallowAll(_) => false,
            Robots::Rules(r) => r.allowed(url),
        }
    }

    /// Crawl-delay in milliseconds, if the file sets one for us.
    pub fn crawl_delay_ms(&self) -> Option<u64> {
        match self {
            Robots::Rules(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| (d * 1000.0) as u64),
            _ => None,
        }
    }
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
}
