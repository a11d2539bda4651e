//! The analysis pool: a fixed set of threads (one per core) that run the
//! CPU-bound work of a crawl (decode, parse, match), so the async workers
//! keep fetching while a heavy page is analysed.
//!
//! A fixed pool, not tokio's blocking pool: each analysis thread keeps
//! thread-local matcher buffers and regex caches warm, and their number (and
//! so the memory they hold) is the number of cores, not the number of
//! threads tokio happened to start. Jobs wait in a channel; each fetch task
//! submits at most one at a time, so at most `concurrency` wait. A panic in
//! a job is caught on its thread and comes back as a short, terminal-safe
//! reason; the thread goes on with the next job.

use std::sync::{mpsc, Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// Handle to the analysis threads; they end when every handle is dropped.
#[derive(Clone)]
pub(crate) struct Pool {
    tx: mpsc::Sender<Job>,
}

impl Pool {
    /// Starts `threads` analysis threads (at least one).
    pub(crate) fn new(threads: usize) -> std::io::Result<Pool> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("precwatch-analysis-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })?;
        }
        Ok(Pool { tx })
    }

    /// Runs `f` on an analysis thread; a panic in it becomes `Err(reason)`.
    pub(crate) async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let r =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| super::task::panic_reason(&*p));
            let _ = reply.send(r);
        });
        self.tx
            .send(job)
            .map_err(|_| "the analysis threads have stopped".to_string())?;
        rx.await.map_err(|_| "the analysis thread stopped".to_string())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_in_a_job_is_a_short_safe_reason_and_the_thread_goes_on() {
        let pool = Pool::new(1).unwrap();
        // NUL and DEL stand for the control bytes (harmless in the test log itself).
        let long = format!("bad page \x00\x7f{}", "é".repeat(500));
        let r: Result<(), String> = pool.run(move || panic!("{long}")).await;
        let reason = r.unwrap_err();
        assert!(reason.starts_with("bad page \\u{0}\\u{7f}é"), "{reason}");
        assert!(reason.ends_with("é…") && reason.chars().count() < 200, "{reason}");
        assert_eq!(pool.run(|| 7).await, Ok(7), "the one thread still works");
        let name = pool
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("precwatch-analysis-0"));
    }
}
