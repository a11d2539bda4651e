//! Work on many items on all cores, results handed back in input order.
//!
//! `precwatch scan` reads, decodes, extracts and matches each file on its
//! own; the files are independent, so they go to one thread per core. The
//! output must stay in input order (scripts compare it line by line), and a
//! slow file must not let the others pile up in memory: a worker starts item
//! `i` only when `i` is within `window` of the next item to hand back, so at
//! most `window` results wait at any time.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::{mpsc, Condvar, Mutex};

/// How far the output has got, and whether the work was called off.
#[derive(Default)]
struct Progress {
    /// results handed to `emit` so far
    taken: usize,
    /// set when `emit` stops the work or a thread panics
    stopped: bool,
}

/// The progress every thread watches, with its signal.
#[derive(Default)]
struct Shared {
    state: Mutex<Progress>,
    changed: Condvar,
    next: std::sync::atomic::AtomicUsize,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }

    fn took(&self, taken: usize) {
        self.lock().taken = taken;
        self.changed.notify_all();
    }

    /// Blocks until item `i` is within `window` of the next result to be
    /// taken; false when the work was called off meanwhile.
    fn room_for(&self, i: usize, window: usize) -> bool {
        let mut p = self.lock();
        while !p.stopped && i >= p.taken.saturating_add(window) {
            p = self.changed.wait(p).unwrap_or_else(|p| p.into_inner());
        }
        !p.stopped
    }
}

/// Calls the work off when dropped during a panic (a worker's), or always
/// (the caller's: `emit` panicked, stopped, or all is done), so no thread
/// waits for room that will never come.
struct StopOnDrop<'a> {
    shared: &'a Shared,
    always: bool,
}

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        if self.always || std::thread::panicking() {
            self.shared.stop();
        }
    }
}

/// Runs `work` on every item of `items` on `threads` threads and calls `emit`
/// with each result in the items' order, on the calling thread. At most
/// `window` (at least `threads`) results are held before `emit` takes them.
/// `emit` returning `Break` stops the work (items not yet started are never
/// run). If `work` panics, the items from the one that panicked on are not
/// emitted, the other threads stop, and the panic reaches the caller.
pub fn for_each_ordered<I, T, W, E>(items: &[I], threads: usize, window: usize, work: W, mut emit: E)
where
    I: Sync,
    T: Send,
    W: Fn(&I) -> T + Sync,
    E: FnMut(usize, T) -> ControlFlow<()>,
{
    let threads = threads.clamp(1, items.len().max(1));
    let window = window.max(threads);
    let shared = Shared::default();
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (shared, work) = (&shared, &work);
            s.spawn(move || {
                let _guard = StopOnDrop { shared, always: false };
                loop {
                    let i = shared.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= items.len() || !shared.room_for(i, window) {
                        break;
                    }
                    if tx.send((i, work(&items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let _guard = StopOnDrop {
            shared: &shared,
            always: true,
        };
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut want = 0;
        'results: for (i, t) in rx.iter() {
            pending.insert(i, t);
            while let Some(t) = pending.remove(&want) {
                let flow = emit(want, t);
                want += 1;
                shared.took(want);
                if flow.is_break() {
                    break 'results;
                }
            }
        }
    });
}

/// Threads to use: one per core the process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn results_come_back_in_input_order() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        // early items are slow, so later ones finish first
        for_each_ordered(
            &items,
            4,
            8,
            |&x| {
                if x % 7 == 0 {
                    std::thread::sleep(Duration::from_millis(2));
                }
                x * 2
            },
            |i, t| {
                seen.push((i, t));
                ControlFlow::Continue(())
            },
        );
        let want: Vec<(usize, u64)> = (0..200).map(|i| (i as usize, i * 2)).collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn never_more_than_window_results_waiting() {
        let items: Vec<usize> = (0..300).collect();
        let started = AtomicUsize::new(0);
        let mut max_ahead = 0;
        let mut emitted = 0;
        for_each_ordered(
            &items,
            4,
            6,
            |&x| {
                started.fetch_max(x + 1, Ordering::SeqCst);
                if x % 50 == 0 {
                    std::thread::sleep(Duration::from_millis(20));
                }
                x
            },
            |i, _| {
                emitted = i + 1;
                max_ahead = max_ahead.max(started.load(Ordering::SeqCst).saturating_sub(emitted));
                ControlFlow::Continue(())
            },
        );
        assert_eq!(emitted, 300);
        assert!(max_ahead <= 6, "workers ran {max_ahead} items ahead of the output");
    }

    #[test]
    fn empty_and_single_thread() {
        let mut n = 0;
        for_each_ordered(
            &[] as &[u8],
            8,
            8,
            |_| (),
            |_, _| {
                n += 1;
                ControlFlow::Continue(())
            },
        );
        assert_eq!(n, 0);
        let mut v = Vec::new();
        for_each_ordered(
            &[3, 1, 2],
            1,
            1,
            |&x| x,
            |_, x| {
                v.push(x);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(v, [3, 1, 2]);
    }

    #[test]
    fn a_stop_or_a_panic_ends_the_work_without_hanging() {
        let items: Vec<usize> = (0..1000).collect();
        let ran = AtomicUsize::new(0);
        let mut got = Vec::new();
        for_each_ordered(
            &items,
            4,
            4,
            |&x| {
                ran.fetch_add(1, Ordering::SeqCst);
                x
            },
            |_, x| {
                got.push(x);
                if x == 9 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        assert!(ran.load(Ordering::SeqCst) < 100, "the rest was never started");

        // a panicking item reaches the caller; the other threads do not wait for ever
        let r = std::panic::catch_unwind(|| {
            for_each_ordered(
                &items,
                4,
                4,
                |&x| if x == 20 { panic!("item 20") } else { x },
                |_, _| ControlFlow::Continue(()),
            )
        });
        assert!(r.is_err());
        // and so does a panicking emit
        let r = std::panic::catch_unwind(|| {
            for_each_ordered(
                &items,
                4,
                4,
                |&x| x,
                |i, _| {
                    if i == 5 {
                        panic!("emit")
                    } else {
                        ControlFlow::Continue(())
                    }
                },
            )
        });
        assert!(r.is_err());
    }
}
