//! Runs the commands: the glue between the CLI and the library parts.
//! Errors become one clear line on stderr and an exit code.

use crate::cli::{Cli, Command, EmergingFormat, RulesAction, ScanFormat, SellersFormat};
use crate::config::Job;
use crate::escape::column;
pub use crate::escape::term_safe;
use crate::matcher::{Risk, Verdict};
use crate::rules::RuleSet;
use crate::store::Store;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Exit codes: 0 success (scan: something matched), 1 scan found nothing,
/// 2 bad input or error, 130 interrupted crawl.
pub fn run(cli: Cli) -> i32 {
    install_panic_hook();
    let result = match cli.command {
        Command::Demo { db, all } => runtime().and_then(|rt| rt.block_on(demo(&db, all))),
        Command::Crawl {
            config,
            db,
            no_progress,
        } => runtime().and_then(|rt| rt.block_on(crawl(&config, db, !no_progress))),
        Command::Scan {
            rules,
            no_bundled,
            format,
            inputs,
        } => scan(&rules, no_bundled, format, &inputs),
        Command::Rules { action } => rules_cmd(action),
        Command::Export {
            db,
            format,
            filter,
            out,
            manifest,
        } => open_existing(&db)
            .and_then(|store| crate::triage::export(&store, format, &filter, out.as_deref(), manifest.as_deref())),
        Command::Listings {
            db,
            filter,
            format,
            limit,
            offset,
        } => open_existing(&db).and_then(|store| crate::triage::listings(&store, &filter, format, limit, offset)),
        Command::Review {
            db,
            listing_id,
            status,
            note,
            by,
            format,
        } => open_existing(&db).and_then(|mut store| {
            crate::triage::review(&mut store, listing_id, status, note.as_deref(), by.as_deref(), format)
        }),
        Command::Queries { config, format } => queries(&config, format),
        Command::Watch { config, db } => runtime().and_then(|rt| {
            rt.block_on(async { crate::watch::Watcher::new(&config, db, shutdown_signal())?.run().await })
        }),
        Command::Runs {
            db,
            job,
            run,
            format,
            limit,
        } => open_existing(&db).and_then(|store| crate::watch::runs::print(&store, job.as_deref(), run, format, limit)),
        Command::Serve { db, addr, token, by } => open_existing(&db).and_then(|_| {
            runtime().and_then(|rt| {
                rt.block_on(crate::serve::run(
                    &db,
                    addr,
                    token.or_else(|| std::env::var("PRECWATCH_TOKEN").ok()),
                    crate::triage::reviewer(by.as_deref()).ok(),
                ))
            })
        }),
        Command::Sellers { db, format, min_risk } => sellers(&db, format, min_risk),
        Command::Emerging {
            db,
            since,
            format,
            top,
            rules,
            no_bundled,
        } => emerging(&db, since.as_deref(), format, top, &rules, no_bundled),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`precwatch scan … | head`): not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            0
        }
        Err(e) => {
            eprintln!("precwatch: error: {}", chain(&e));
            2
        }
    }
}

/// A panic (a bug) prints one short, terminal-safe line: its message may
/// quote crawled bytes, which must never reach the terminal raw.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "precwatch: internal error (a bug; please report it){at}: {}",
            term_safe(&crate::escape::short(&msg, 200))
        );
    }));
}

/// An error and its causes on one terminal-safe line (what every command prints on failure).
pub fn chain(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn shutdown_signal() -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = match signal(SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return,
            };
            for round in 0..2 {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                if round == 0 {
                    eprintln!("precwatch: stopping after the pages in flight are stored (again to quit now)");
                    let _ = tx.send(true);
                } else {
                    eprintln!("precwatch: quitting now; the run resumes where its last commit ended");
                    std::process::exit(130);
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            let _ = tx.send(true);
        }
    });
    rx
}

async fn crawl(config: &Path, db: Option<PathBuf>, progress: bool) -> Result<i32> {
    let job = Job::from_file(config)?;
    let rules = crate::watch::job_rules(&job)?;
    let db = db
        .or_else(|| job.db.clone())
        .unwrap_or_else(|| PathBuf::from("db/precwatch.sqlite"));
    let summary = crate::crawl::run(
        &job,
        Arc::new(rules),
        &db,
        &crate::crawl::CrawlOptions { progress },
        shutdown_signal(),
    )
    .await
    .with_context(|| format!("crawl of job {:?} into {}", job.name, crate::store::shown(&db)))?;
    print!("{}", summary.render());
    println!("database: {}", crate::store::shown(&db));
    if summary.interrupted {
        return Ok(130);
    }
    for report in crate::alert::deliver_all(&job, &db, summary.run_id).await {
        eprintln!("{}", report.render());
    }
    Ok(0)
}

async fn demo(db: &Path, all: bool) -> Result<i32> {
    let rules = Arc::new(RuleSet::bundled()?);
    let server = crate::demo::serve()
        .await
        .context("cannot start the demo marketplace on 127.0.0.1")?;
    let base = server.base_url();
    println!("demo marketplace: {base} (fictional, served by this process)");
    let job = crate::demo::job(&base);
    reset_demo_db(db)?;
    let summary = crate::crawl::run(
        &job,
        rules.clone(),
        db,
        &crate::crawl::CrawlOptions { progress: true },
        shutdown_signal(),
    )
    .await?;
    drop(server);
    let store = Store::open(db)?;
    let min = if all { Risk::Low } else { Risk::Medium };
    let listings = store.export_listings(&crate::store::ListingFilter {
        min_risk: Some(min),
        ..Default::default()
    })?;
    println!();
    println!(
        "{} {} {} URL",
        column("RISK", 7),
        column("TITLE", 44),
        column("WHAT MATCHED (rule «text»)", 60)
    );
    for l in &listings {
        // One entry per rule: the first text it matched.
        let mut what: Vec<String> = Vec::new();
        let mut rules_seen: Vec<&str> = Vec::new();
        for h in &l.hits {
            if !rules_seen.contains(&h.rule.as_str()) {
                rules_seen.push(&h.rule);
                what.push(format!("{} «{}»", h.rule, h.matched));
            }
        }
        let path = l.url.strip_prefix(&base).unwrap_or(&l.url);
        println!(
            "{} {} {} {}",
            column(&l.risk.as_str().to_uppercase(), 7),
            column(&term_safe(&l.title), 44),
            column(&term_safe(&what.join(", ")), 60),
            term_safe(path)
        );
    }
    println!();
    print!("{}", summary.render());
    println!(
        "{} of {} listings flagged {}+ ; database: {}",
        listings.len(),
        summary.listings,
        min.as_str(),
        crate::store::shown(db)
    );
    println!(
        "export them: precwatch export --db {} --format jsonl --min-risk medium",
        crate::store::shown(db)
    );
    println!(
        "review them: precwatch listings --db {0} --min-risk medium, or in the browser: precwatch serve --db {0}",
        crate::store::shown(db)
    );
    Ok(0)
}

/// A fresh demo each time (the demo server's port changes, so old URLs mean
/// nothing), but never at the cost of real data: a database that holds any
/// other job's run, or is not a precwatch database, is left alone.
fn reset_demo_db(db: &Path) -> Result<()> {
    if crate::store::db::is_postgres_url(&db.to_string_lossy()) {
        anyhow::bail!("the demo starts from an empty SQLite file each time; pass a file to --db, not a PostgreSQL URL");
    }
    if !db.exists() {
        return Ok(());
    }
    let others: i64 = Store::open(db)
        .with_context(|| {
            format!(
                "{} exists and is not a precwatch database; pass another --db",
                crate::store::shown(db)
            )
        })?
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM runs WHERE job_name != 'demo'",
            crate::db_params![],
            |r| r.get::<i64>(0),
        )?;
    if others > 0 {
        anyhow::bail!(
            "{} holds {others} runs of other jobs; the demo starts from an empty database, so pass another --db",
            crate::store::shown(db)
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(PathBuf::from(&p)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot remove the old demo database {}", crate::store::shown(db)))
            }
        }
    }
    Ok(())
}

fn load_rules(paths: &[PathBuf], no_bundled: bool) -> Result<RuleSet> {
    if no_bundled && paths.is_empty() {
        anyhow::bail!("--no-bundled needs at least one --rules PATH");
    }
    Ok(if paths.is_empty() {
        RuleSet::bundled()?
    } else {
        RuleSet::load(paths, !no_bundled)?
    })
}

/// The largest input `scan` reads (a page is cut at `max_body_bytes`, 8 MiB by default).
const MAX_SCAN_BYTES: u64 = 64 << 20;

/// Reads a file (or stdin for "-"), decodes it as the crawler would, and
/// returns the text to match (visible text for HTML).
fn read_input(input: &str) -> Result<String> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if input == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(input).with_context(|| format!("{input}: cannot read"))?)
    };
    reader
        .take(MAX_SCAN_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{input}: cannot read"))?;
    if bytes.len() as u64 > MAX_SCAN_BYTES {
        anyhow::bail!(
            "{input}: larger than {} MiB; scan reads listings and pages, split bigger files",
            MAX_SCAN_BYTES >> 20
        );
    }
    let decoded = crate::fetch::decode::decode(&bytes, None);
    Ok(if crate::extract::looks_like_html(&decoded.text) {
        crate::extract::extract(&decoded.text, &url::Url::parse("file:///").expect("url"), &[]).listing_text()
    } else {
        decoded.text.into_owned()
    })
}

/// `scan`: inputs are read and matched on all cores (standard input, which
/// can be read once, among them); the output keeps the inputs' order.
fn scan(rules: &[PathBuf], no_bundled: bool, format: ScanFormat, inputs: &[String]) -> Result<i32> {
    let set = load_rules(rules, no_bundled)?;
    let color = std::io::stdout().is_terminal();
    let mut any_hit = false;
    let mut any_error = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut write_error = None;
    let threads = crate::ordered::cores();
    let analyse = |input: &String| scan_one(&set, input);
    crate::ordered::for_each_ordered(inputs, threads, threads * 2, analyse, |i, analysed| {
        let (text, verdict) = match analysed {
            Ok(t) => t,
            Err(e) => {
                eprintln!("precwatch: error: {}", term_safe(&chain(&e)));
                any_error = true;
                return ControlFlow::Continue(());
            }
        };
        // unlisted leads weigh nothing: they are not "something matched"
        any_hit |= verdict.hits.iter().any(|h| h.category != crate::matcher::UNLISTED);
        match write_verdict(&mut out, format, &inputs[i], &text, &verdict, color) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                // the output is gone (a closed pipe): scanning on is pointless
                write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    Ok(if any_error {
        2
    } else if any_hit {
        0
    } else {
        1
    })
}

/// Reads and matches one input. One bad input (even a bug it triggers)
/// never ends the scan of the others.
fn scan_one(set: &RuleSet, input: &str) -> Result<(String, Verdict)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_input(input).map(|text| {
            let verdict = set.scan(&text);
            (text, verdict)
        })
    }))
    .unwrap_or_else(|_| {
        Err(anyhow::anyhow!(
            "{input}: internal error while scanning (a bug; please report it)"
        ))
    })
}

/// One input's result, as `--format` asks.
fn write_verdict(
    out: &mut dyn Write,
    format: ScanFormat,
    input: &str,
    text: &str,
    v: &Verdict,
    color: bool,
) -> Result<()> {
    match format {
        ScanFormat::Json => {
            let obj = serde_json::json!({
                "source": input,
                "risk": v.risk,
                "score": v.score,
                "hits": v.hits,
            });
            writeln!(out, "{}", crate::escape::json_safe(&obj.to_string()))?;
            Ok(())
        }
        ScanFormat::Text => write_text_verdict(out, input, text, v, color),
    }
}

fn write_text_verdict(out: &mut dyn Write, source: &str, text: &str, v: &Verdict, color: bool) -> Result<()> {
    let (hl, end) = if color { ("\x1b[1;31m", "\x1b[0m") } else { ("[", "]") };
    writeln!(
        out,
        "{}: risk {} (score {}), {} hits",
        term_safe(source),
        v.risk,
        v.score,
        v.hits.len()
    )?;
    // Rule ids and categories are ASCII (the loader enforces it): bytes are columns.
    let rule_width = v.hits.iter().map(|h| h.rule.len()).max().unwrap_or(0);
    let category_width = v.hits.iter().map(|h| h.category.len()).max().unwrap_or(0);
    for h in &v.hits {
        // Up to 50 characters each side, within the match's line: the
        // search is bounded, so a text of one long line stays linear.
        let before: String = {
            let mut v: Vec<char> = text[..h.start]
                .chars()
                .rev()
                .take(50)
                .take_while(|&c| c != '\n')
                .collect();
            v.reverse();
            v.into_iter().collect()
        };
        let after: String = text[h.end..].chars().take(50).take_while(|&c| c != '\n').collect();
        writeln!(
            out,
            "  {:<rw$} {:<cw$} {:<14} {:<12} {}{}{}{}{}",
            h.rule,
            h.category,
            h.kind.as_str(),
            h.cas.as_deref().unwrap_or("-"),
            term_safe(&before),
            hl,
            term_safe(&h.matched),
            end,
            term_safe(&after),
            rw = rule_width,
            cw = category_width,
        )?;
    }
    Ok(())
}

fn rules_from_arg(path: Option<PathBuf>) -> Result<RuleSet> {
    Ok(match path {
        Some(p) => RuleSet::load(&[p], false)?,
        None => RuleSet::bundled()?,
    })
}

fn rules_cmd(action: RulesAction) -> Result<i32> {
    match action {
        RulesAction::Check { path } => {
            let set = rules_from_arg(path)?;
            for p in set.packs() {
                println!("{:<20} {:>4} rules  {}  ({})", p.id, p.rules, p.name, p.source);
            }
            for w in set.warnings() {
                println!("warning: {w}");
            }
            println!(
                "{} packs, {} rules, {} warnings; fingerprint {}",
                set.packs().len(),
                set.rule_count(),
                set.warnings().len(),
                set.fingerprint()
            );
            Ok(0)
        }
        RulesAction::Eval {
            corpus,
            rules,
            no_bundled,
            floor,
            format,
        } => rules_eval(&corpus, &rules, no_bundled, floor.as_deref(), format),
        RulesAction::Test { path } => {
            let set = rules_from_arg(path)?;
            let failures = set.test_examples();
            for f in &failures {
                println!("FAIL {f}");
            }
            if failures.is_empty() {
                println!("all examples pass ({} rules)", set.rule_count());
                Ok(0)
            } else {
                println!("{} examples fail", failures.len());
                Ok(1)
            }
        }
    }
}

/// `rules eval`: each corpus file measured on its own, against its floor.
fn rules_eval(
    corpus: &[PathBuf],
    rules: &[PathBuf],
    no_bundled: bool,
    floor: Option<&Path>,
    format: ScanFormat,
) -> Result<i32> {
    use crate::rules::eval;
    let set = RuleSet::load(rules, !no_bundled)?;
    let floors = floor.map(eval::load_floor).transpose()?;
    // every file read once, so ids are checked across all of them; then each
    // file is measured on its own
    let all = eval::load_corpus(corpus)?;
    let mut below = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in eval::corpus_files(corpus)? {
        let name = file.display().to_string();
        let cases: Vec<eval::Case> = all.iter().filter(|c| c.source == name).cloned().collect();
        let report = eval::evaluate(&set, &cases);
        match format {
            ScanFormat::Text => {
                writeln!(out, "== {}", term_safe(&name))?;
                write!(out, "{report}")?;
                for d in &report.disagreements {
                    writeln!(out, "  {}", term_safe(&d.to_string()))?;
                }
            }
            ScanFormat::Json => {
                let json = serde_json::json!({ "corpus": name, "report": report });
                writeln!(out, "{}", crate::escape::json_safe(&json.to_string()))?;
            }
        }
        if let Some(floors) = &floors {
            used.insert(eval::stem(&name));
            match floors.get(&eval::stem(&name)) {
                Some(f) => below.extend(
                    eval::below_floor(&report, f)
                        .into_iter()
                        .map(|m| format!("{name}: {m}")),
                ),
                None => below.push(format!("{name}: no [{}] table in the floor file", eval::stem(&name))),
            }
        }
    }
    for stem in floors.iter().flat_map(|f| f.keys()).filter(|s| !used.contains(*s)) {
        below.push(format!(
            "the floor file has [{stem}] but no corpus file {stem}.toml was evaluated"
        ));
    }
    for m in &below {
        eprintln!("error: {}", term_safe(m));
    }
    Ok(i32::from(!below.is_empty()))
}

fn queries(config: &Path, format: ScanFormat) -> Result<i32> {
    let job = Job::from_file(config)?;
    let rules = crate::watch::job_rules(&job)?;
    let report = crate::crawl::discover::queries_report(&job, &rules);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if format == ScanFormat::Json {
        writeln!(
            out,
            "{}",
            crate::escape::json_safe(&serde_json::to_string_pretty(&report)?)
        )?;
        out.flush()?;
        return Ok(0);
    }
    for s in &report {
        writeln!(out, "site {}", term_safe(&s.site))?;
        if let Some(t) = &s.search {
            writeln!(
                out,
                "  search {} ({}{}, {} result page{} per query): {} queries",
                term_safe(t),
                s.encoding,
                s.language
                    .as_ref()
                    .map(|l| format!(", language {l}"))
                    .unwrap_or_default(),
                s.search_pages,
                if s.search_pages == 1 { "" } else { "s" },
                s.queries.len()
            )?;
            for (q, u) in &s.queries {
                writeln!(out, "    {}\t{}", term_safe(q), term_safe(u))?;
            }
        }
        for u in &s.sitemaps {
            writeln!(out, "  sitemap source {}", term_safe(u))?;
        }
        for u in &s.seeds {
            writeln!(out, "  seed {}", term_safe(u))?;
        }
        if s.follow_sellers {
            writeln!(out, "  flagged listings lead to their sellers' storefronts")?;
        }
    }
    out.flush()?;
    Ok(0)
}

/// Opens a database that must already exist (`export`, `sellers`).
fn open_existing(db: &Path) -> Result<Store> {
    if !crate::store::db::is_postgres_url(&db.to_string_lossy()) && !db.exists() {
        anyhow::bail!(
            "{}: no such database (run `precwatch crawl` or `precwatch demo` first, or pass --db)",
            crate::store::shown(db)
        );
    }
    Ok(Store::open(db)?)
}

/// Listings shown per cluster in text mode (`--format json` lists all).
const CLUSTER_LISTINGS_SHOWN: usize = 5;

fn sellers(db: &Path, format: SellersFormat, min_risk: Risk) -> Result<i32> {
    let store = open_existing(db)?;
    let mut report = store.seller_report()?;
    report.clusters.retain(|c| c.risk >= min_risk);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        SellersFormat::Json => writeln!(out, "{}", crate::escape::json_safe(&serde_json::to_string(&report)?))?,
        SellersFormat::Text => write_clusters(&mut out, &report, min_risk)?,
    }
    out.flush()?;
    Ok(0)
}

/// `emerging`: the ranked unlisted leads of a database.
fn emerging(
    db: &Path,
    since: Option<&str>,
    format: EmergingFormat,
    top: usize,
    rules: &[PathBuf],
    no_bundled: bool,
) -> Result<i32> {
    let since = since
        .map(crate::store::Since::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let set = load_rules(rules, no_bundled)?;
    let store = open_existing(db)?;
    let sightings = store.unlisted_sightings(&since.unwrap_or(crate::store::Since::All))?;
    let mut leads = crate::emerging::rank(&sightings, &store.cluster_ids()?, set.policy());
    let total = leads.len();
    leads.truncate(top);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        EmergingFormat::Text => crate::emerging::write_text(&mut out, &leads, total)?,
        EmergingFormat::Json => {
            let json = serde_json::json!({ "leads": leads, "total": total });
            writeln!(out, "{}", crate::escape::json_safe(&json.to_string()))?;
        }
        EmergingFormat::Toml => {
            let skeleton = crate::emerging::pack_skeleton(&leads, &crate::store::shown(db), &crate::store::now());
            out.write_all(skeleton.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(0)
}

/// The text report: every cluster with its identifiers, sites and first
/// listings, then the site-wide identifiers. Crawled text is made terminal-safe.
fn write_clusters(out: &mut dyn Write, report: &crate::store::SellerReport, min_risk: Risk) -> Result<()> {
    let listings: usize = report.clusters.iter().map(|c| c.listings.len()).sum();
    let at_least = if min_risk > Risk::None {
        format!(" at {}+ risk", min_risk.as_str())
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} seller clusters{at_least}, {listings} listings",
        report.clusters.len()
    )?;
    for c in &report.clusters {
        writeln!(out)?;
        writeln!(
            out,
            "cluster {}: risk {}, {} listings on {} sites, first seen {}, last seen {}",
            c.id,
            c.risk,
            c.listings.len(),
            c.sites.len(),
            term_safe(&c.first_seen),
            term_safe(&c.last_seen)
        )?;
        for s in &c.identifiers {
            writeln!(out, "  {:<9} {}", term_safe(&s.kind), term_safe(&s.value))?;
        }
        let sites: Vec<String> = c.sites.iter().map(|s| term_safe(s)).collect();
        writeln!(out, "  sites: {}", sites.join(", "))?;
        for l in c.listings.iter().take(CLUSTER_LISTINGS_SHOWN) {
            writeln!(
                out,
                "  {} {}  {}",
                column(l.risk.as_str(), 6),
                term_safe(&l.url),
                term_safe(&crate::escape::short(&l.title, 60))
            )?;
        }
        if c.listings.len() > CLUSTER_LISTINGS_SHOWN {
            writeln!(
                out,
                "  … and {} more (--format json lists all)",
                c.listings.len() - CLUSTER_LISTINGS_SHOWN
            )?;
        }
    }
    if !report.site_wide.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "site-wide identifiers (on more than half of a site's listings: the site's own, not used to link):"
        )?;
        for s in &report.site_wide {
            writeln!(
                out,
                "  {}  {}: {}  on {} of {} listings",
                term_safe(&s.site),
                term_safe(&s.kind),
                term_safe(&s.value),
                s.listings,
                s.site_listings
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_report_is_terminal_safe_and_short() {
        use crate::store::{Cluster, ClusterListing, Seller, SellerReport, SiteWideIdentifier};
        let listing = |id: i64| ClusterListing {
            id,
            url: format!("http://shop.test/p/{id}\x1b[2J"),
            site: "shop".into(),
            title: "NPP \u{202e}gpj.exe".into(),
            risk: Risk::High,
        };
        let report = SellerReport {
            clusters: vec![Cluster {
                id: 1,
                risk: Risk::High,
                identifiers: vec![Seller {
                    kind: "telegram".into(),
                    value: "chem\x07sup".into(),
                }],
                sites: vec!["shop".into()],
                listings: (1..=7).map(listing).collect(),
                first_seen: "2026-01-01T00:00:00.000Z".into(),
                last_seen: "2026-01-02T00:00:00.000Z".into(),
            }],
            site_wide: vec![SiteWideIdentifier {
                site: "shop".into(),
                kind: "email".into(),
                value: "help@shop.test".into(),
                listings: 30,
                site_listings: 31,
            }],
        };
        let mut out = Vec::new();
        write_clusters(&mut out, &report, Risk::Medium).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("1 seller clusters at medium+ risk, 7 listings\n"),
            "{text}"
        );
        assert!(text.contains("cluster 1: risk high, 7 listings on 1 sites"), "{text}");
        assert!(text.contains("telegram  chem\\u{7}sup"), "{text}");
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}') && !text.contains('\x07'),
            "{text}"
        );
        assert_eq!(text.matches("http://shop.test/p/").count(), CLUSTER_LISTINGS_SHOWN);
        assert!(text.contains("… and 2 more"), "{text}");
        assert!(
            text.contains("shop  email: help@shop.test  on 30 of 31 listings"),
            "{text}"
        );
    }

    #[test]
    fn columns_count_display_width() {
        assert_eq!(column("ab", 4), "ab  ");
        assert_eq!(column("苯乙基", 6), "苯乙基");
        assert_eq!(column("苯乙基哌啶", 6), "苯乙… ");
    }
}
