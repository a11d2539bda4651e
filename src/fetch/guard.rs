//! The address guard: which addresses and names a crawl may reach.
//!
//! Hostile pages link to intranet names, loopback services and cloud metadata
//! addresses. Unless `allow_private = true`, nothing is fetched from an address
//! that is not on the public internet. The check happens on the address the
//! connection is actually made to (in the DNS resolver the HTTP client uses),
//! so DNS rebinding cannot slip past it. When a proxy resolves names for us
//! (`socks5h`, HTTP proxies) the crawler never sees the address, so names
//! that are obviously private and IP literals are refused before a request is
//! handed to the proxy.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// True for addresses on the public internet. Loopback, private, link-local,
/// CGNAT, documentation, benchmarking, multicast, reserved, unspecified, and
/// IPv6 forms that embed or reach such IPv4 addresses are not.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_broadcast()
        || v4.is_documentation()
        || v4.is_unspecified()
        || v4.is_multicast()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64/10 CGNAT
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0/24 protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18/15 benchmarking
        || o[0] >= 240) // reserved
}

fn is_public_v6(v6: Ipv6Addr) -> bool {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = v6.segments();
    // IPv4-compatible ::a.b.c.d (deprecated; some stacks still route it to IPv4).
    if s[..6] == [0; 6] && !(v6.is_loopback() || v6.is_unspecified()) {
        return is_public_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    // 6to4 2002:aabb:ccdd::/48 tunnels to the IPv4 address aa.bb.cc.dd.
    if s[0] == 0x2002 {
        return is_public_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    !(v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated, still private)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0) // Teredo 2001::/32 tunnels to hidden IPv4
        || (s[0] == 0x2001 && s[1] == 2 && s[2] == 0) // benchmarking 2001:2::/48
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard 100::/64
        || (s[0] == 0x64 && s[1] == 0xff9b)) // NAT64 64:ff9b::/96 and 64:ff9b:1::/48 reach private IPv4
}

/// Host names that are obviously not on the public internet: `localhost` and
/// its subdomains, special-use and intranet suffixes, single-label names
/// (resolved through local search domains), and names that spell a
/// non-public IPv4 address in their labels (`10.0.0.1.nip.io`). Used where
/// the crawler cannot see the resolved address (a proxy resolves it).
pub fn is_obviously_private_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h.is_empty() || !h.contains('.') {
        return true;
    }
    const SUFFIXES: &[&str] = &[
        "localhost",
        "local",
        "localdomain",
        "internal",
        "intranet",
        "lan",
        "home",
        "corp",
        "private",
        "home.arpa",
        "in-addr.arpa",
        "ip6.arpa",
    ];
    if SUFFIXES
        .iter()
        .any(|s| h == *s || (h.ends_with(s) && h[..h.len() - s.len()].ends_with('.')))
    {
        return true;
    }
    let labels: Vec<&str> = h.split('.').collect();
    labels.windows(4).any(|w| {
        let parts: Option<Vec<u8>> = w.iter().map(|l| l.parse::<u8>().ok()).collect();
        parts.is_some_and(|p| !is_public_v4(Ipv4Addr::new(p[0], p[1], p[2], p[3])))
    })
}

/// Resolves names for the HTTP client and drops non-public addresses unless
/// allowed, so the check is on the address actually connected to. Names in
/// `loopback_ok` (the configured proxies' hosts) may resolve to loopback: a
/// proxy on this machine (Tor, an SSH tunnel) is how investigators hide their
/// address.
pub(crate) struct GuardedResolver {
    pub(crate) allow_private: bool,
    pub(crate) loopback_ok: Vec<String>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        let loopback_ok = self.loopback_ok.iter().any(|h| h.eq_ignore_ascii_case(&host));
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| allow_private || is_public(a.ip()) || (loopback_ok && a.ip().is_loopback()))
                .collect();
            if kept.is_empty() {
                let msg = format!(
                    "{host} resolves only to non-public addresses ({}); set allow_private = true in [crawl] to crawl it",
                    addrs.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")
                );
                return Err(msg.into());
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "fec0::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "::169.254.169.254",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b::a00:1",
            "64:ff9b:1::1",
            "100::1",
            "2001:db8::1",
            "224.0.0.1",
            "ff02::1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in [
            "8.8.8.8",
            "93.184.216.34",
            "2606:4700::1111",
            "2002:0808:0808::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn obviously_private_names() {
        for h in [
            "localhost",
            "LOCALHOST.",
            "api.localhost",
            "printer.local",
            "metadata.google.internal",
            "router",
            "nas.home.arpa",
            "10.0.0.1.nip.io",
            "app.127.0.0.1.sslip.io",
            "x.corp",
            "",
        ] {
            assert!(is_obviously_private_name(h), "{h}");
        }
        for h in [
            "marketplace.test",
            "www.example.com",
            "shop.localhost-market.com",
            "8.8.8.8.nip.io",
            "local.example.org",
        ] {
            assert!(!is_obviously_private_name(h), "{h}");
        }
    }
}
