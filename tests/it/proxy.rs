//! Proxies, explicitly: system proxy variables are ignored, a SOCKS5 proxy
//! resolves names itself while the address guard still checks them first,
//! and a crawl that requires a proxy does not start without a working one.

use crate::util::*;
use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A minimal SOCKS5 server (RFC 1928, no authentication, CONNECT only) on
/// 127.0.0.1 that records each requested target ("name:port") and connects
/// every one of them to `upstream`: it plays the part of Tor resolving names.
struct Socks {
    addr: SocketAddr,
    targets: Arc<Mutex<Vec<String>>>,
}

async fn socks5(upstream: SocketAddr) -> Socks {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let targets: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = targets.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let _ = socks5_session(conn, upstream, log).await;
            });
        }
    });
    Socks { addr, targets }
}

async fn socks5_session(mut c: TcpStream, upstream: SocketAddr, log: Arc<Mutex<Vec<String>>>) -> std::io::Result<()> {
    let mut head = [0u8; 2];
    c.read_exact(&mut head).await?;
    let mut methods = vec![0u8; head[1] as usize];
    c.read_exact(&mut methods).await?;
    c.write_all(&[5, 0]).await?;
    let mut req = [0u8; 4];
    c.read_exact(&mut req).await?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            c.read_exact(&mut a).await?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        3 => {
            let mut n = [0u8; 1];
            c.read_exact(&mut n).await?;
            let mut name = vec![0u8; n[0] as usize];
            c.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => {
            let mut a = [0u8; 16];
            c.read_exact(&mut a).await?;
            std::net::Ipv6Addr::from(a).to_string()
        }
    };
    let mut port = [0u8; 2];
    c.read_exact(&mut port).await?;
    log.lock().unwrap().push(format!("{host}:{}", u16::from_be_bytes(port)));
    let mut up = TcpStream::connect(upstream).await?;
    c.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    tokio::io::copy_bidirectional(&mut c, &mut up).await?;
    Ok(())
}

/// A TCP listener that only counts connections (a proxy that must never be used).
async fn connection_counter() -> (SocketAddr, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let n: Arc<Mutex<usize>> = Arc::default();
    let n2 = n.clone();
    tokio::spawn(async move {
        while let Ok((_c, _)) = listener.accept().await {
            *n2.lock().unwrap() += 1;
        }
    });
    (addr, n)
}

fn job_text(seeds: &[String], extra_crawl: &str, site_extra: &str) -> String {
    let rules = fixture("test_rules.toml");
    let seeds: Vec<String> = seeds.iter().map(|s| format!("{s:?}")).collect();
    format!(
        "[job]\nname = \"proxied\"\nrules = [{:?}]\nbundled_rules = false\n\n[crawl]\nper_host_interval_ms = 0\nretry_base_ms = 20\nretries = 0\ntimeout_ms = 5000\n{extra_crawl}\n\n[[site]]\nname = \"shop\"\nseeds = [{}]\nlisting = '^/p/'\n{site_extra}\n",
        rules.display().to_string(),
        seeds.join(", ")
    )
}

async fn run_cli(dir: &std::path::Path, job: &str, env: &[(&str, String)]) -> Output {
    std::fs::write(dir.join("job.toml"), job).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_precwatch"));
    cmd.args(["crawl", "--no-progress", "--config", "job.toml", "--db", "t.sqlite"])
        .current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn system_proxy_variables_are_ignored() {
    let server = serve(|p, _| shop_page(p)).await;
    let (trap, used) = connection_counter().await;
    let trap_url = format!("http://{trap}");
    let env: Vec<(&str, String)> = [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ]
    .into_iter()
    .map(|k| (k, trap_url.clone()))
    .chain([("NO_PROXY", String::new()), ("no_proxy", String::new())])
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let out = run_cli(
        dir.path(),
        &job_text(&[format!("{}/", server.base)], "allow_private = true", ""),
        &env,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(server.count("/p/1.html") == 1, "the site was crawled directly");
    // A private name is still refused by the guard: the proxy variable is no way around it.
    let named = server.base.replace("127.0.0.1", "localhost");
    let dir2 = tempfile::tempdir().unwrap();
    let before = server.requests().len();
    let out = run_cli(dir2.path(), &job_text(&[format!("{named}/")], "", ""), &env).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("non-public"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(server.requests().len(), before, "nothing fetched from a private name");
    assert_eq!(*used.lock().unwrap(), 0, "the environment's proxy was never contacted");
}

#[tokio::test(flavor = "multi_thread")]
async fn socks5h_resolves_names_at_the_proxy_after_the_guard_checks_them() {
    let server = serve(|p, _| shop_page(p)).await;
    let upstream: SocketAddr = server.base.trim_start_matches("http://").parse().unwrap();
    let socks = socks5(upstream).await;
    let dir = tempfile::tempdir().unwrap();
    let seeds = [
        "http://marketplace.test/".to_string(),
        "http://localhost/".to_string(),
        "http://intranet/".to_string(),
        "http://10.1.2.3/".to_string(),
    ];
    let proxy = format!("proxy = \"socks5h://{}\"", socks.addr);
    let (_, job) = {
        std::fs::write(dir.path().join("job.toml"), job_text(&seeds, &proxy, "")).unwrap();
        let path = dir.path().join("job.toml");
        let job = precwatch::config::Job::from_file(&path).unwrap();
        (path, job)
    };
    let s = crawl(&job, &dir.path().join("t.sqlite")).await;
    let targets = socks.targets.lock().unwrap().clone();
    assert!(!targets.is_empty());
    assert!(
        targets.iter().all(|t| t == "marketplace.test:80"),
        "only the public name reached the proxy, by name: {targets:?}"
    );
    let db = dir.path().join("t.sqlite");
    let urls: Vec<String> = listings(&db).into_iter().map(|l| l.0).collect();
    assert_eq!(urls.len(), 5, "{urls:?}\n{}", s.render());
    assert!(
        urls.iter().all(|u| u.starts_with("http://marketplace.test/p/")),
        "{urls:?}"
    );
    let paused: Vec<&str> = s.hosts_paused.iter().map(|(h, _)| h.as_str()).collect();
    for h in ["localhost", "intranet", "10.1.2.3"] {
        assert!(paused.contains(&h), "{h} refused before the proxy: {}", s.render());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crawl_that_requires_a_proxy_does_not_start_without_a_working_one() {
    let server = serve(|p, _| shop_page(p)).await;
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let not_socks = server.base.trim_start_matches("http://").to_string();
    for (proxy, expect) in [
        (format!("socks5h://{closed}"), "cannot connect"),
        (format!("socks5h://{not_socks}"), "not a SOCKS5 server"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let crawl = format!("require_proxy = true\nproxy = \"{proxy}\"");
        let out = run_cli(
            dir.path(),
            &job_text(&["http://marketplace.test/".into()], &crawl, ""),
            &[],
        )
        .await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(expect) && err.contains("does not start"), "{err}");
        assert!(!dir.path().join("t.sqlite").exists(), "no run is recorded: {err}");
    }
    assert_eq!(server.count("/"), 0, "no page was fetched directly");
}
