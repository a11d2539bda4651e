//! The writer thread: the only database connection of a crawl.
//!
//! Fetch tasks send each page's [`Outcome`] and wait for it to be committed
//! before they report back, so the scheduler never counts a page the
//! database does not hold. The thread group-commits: it takes every outcome
//! waiting in its channel (up to [`BATCH`]) into one transaction; if that
//! transaction fails it commits them one by one so one bad record cannot sink
//! the others.

use super::CrawlError;
use crate::store::{Committed, Outcome, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Most outcomes per transaction (and the channel's capacity).
const BATCH: usize = 256;

type Call = Box<dyn FnOnce(&mut Store) + Send>;

enum WriterMsg {
    Commit(Outcome, oneshot::Sender<Result<Committed, String>>),
    Call(Call),
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub(crate) struct Writer {
    tx: mpsc::Sender<WriterMsg>,
}

impl Writer {
    /// Starts the thread; it returns the store when every handle is dropped.
    pub(crate) fn spawn(store: Store, run_id: i64) -> Result<(Writer, std::thread::JoinHandle<Store>), CrawlError> {
        let (tx, rx) = mpsc::channel::<WriterMsg>(BATCH);
        let handle = std::thread::Builder::new()
            .name("precwatch-writer".into())
            .spawn(move || writer_loop(store, run_id, rx))
            .map_err(|e| CrawlError::Setup(format!("cannot start the database writer thread: {e}")))?;
        Ok((Writer { tx }, handle))
    }

    /// Commits one outcome (possibly in a group with others) and returns what it changed.
    pub(crate) async fn commit(&self, o: Outcome) -> Result<Committed, CrawlError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(WriterMsg::Commit(o, reply))
            .await
            .map_err(|_| CrawlError::Writer("channel closed".into()))?;
        rx.await
            .map_err(|_| CrawlError::Writer("no reply".into()))?
            .map_err(CrawlError::Writer)
    }

    /// Runs `f` on the writer's connection, in order with the commits.
    pub(crate) async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, CrawlError> {
        let (reply, rx) = oneshot::channel();
        let call: Call = Box::new(move |s| {
            let _ = reply.send(f(s));
        });
        self.tx
            .send(WriterMsg::Call(call))
            .await
            .map_err(|_| CrawlError::Writer("channel closed".into()))?;
        Ok(rx.await.map_err(|_| CrawlError::Writer("no reply".into()))??)
    }
}

fn writer_loop(mut store: Store, run_id: i64, mut rx: mpsc::Receiver<WriterMsg>) -> Store {
    let mut pending: Option<WriterMsg> = None;
    loop {
        let first = match pending.take() {
            Some(m) => m,
            None => match rx.blocking_recv() {
                Some(m) => m,
                None => break,
            },
        };
        match first {
            WriterMsg::Call(f) => f(&mut store),
            WriterMsg::Commit(o, reply) => {
                let mut batch = vec![(o, reply)];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(WriterMsg::Commit(o, r)) => batch.push((o, r)),
                        Ok(other) => {
                            pending = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                commit_batch(&mut store, run_id, batch);
            }
        }
    }
    store
}

type Reply = oneshot::Sender<Result<Committed, String>>;

fn commit_batch(store: &mut Store, run_id: i64, batch: Vec<(Outcome, Reply)>) {
    let (outcomes, replies): (Vec<Outcome>, Vec<Reply>) = batch.into_iter().unzip();
    match store.commit(run_id, &outcomes) {
        Ok(results) => {
            for (reply, r) in replies.into_iter().zip(results) {
                let _ = reply.send(Ok(r));
            }
        }
        Err(_) => {
            // Isolate the failing outcome: commit one by one.
            for (o, reply) in outcomes.into_iter().zip(replies) {
                let r = store
                    .commit(run_id, std::slice::from_ref(&o))
                    .map(|mut v| v.pop().unwrap_or_default())
                    .map_err(|e| e.to_string());
                let _ = reply.send(r);
            }
        }
    }
}
