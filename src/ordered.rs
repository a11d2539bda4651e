//! Work on many items on all cores, results handed back in input order.
//!
//! `precwatch scan` reads, decodes, extracts and matches each file on its
//! own; the files are independent, so they go to one thread per core. The
//! output must stay in input order (scripts compare it line by line), and a
//! slow file must not let the others pile up in memory: a worker starts item
//! `i` only when `i` is within `window` of the next item to hand back, so at
//! most `window` results wait at any time.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// Runs `work` on every item of `items` on `threads` threads and calls `emit`
/// with each result in the items' order, on the calling thread. At most
/// `window` (at least `threads`) results are held before `emit` takes them.
/// `work` must not panic (catch inside it); a panic ends its thread's share
/// of the work, and the items it would have done are never emitted.
pub fn for_each_ordered<I, T, W, E>(items: &[I], threads: usize, window: usize, work: W, mut emit: E)
where
    I: Sync,
    T: Send,
    W: Fn(&I) -> T + Sync,
    E: FnMut(usize, T),
{
    let threads = threads.clamp(1, items.len().max(1));
    let window = window.max(threads);
    let next = AtomicUsize::new(0);
    // how many results `emit` has taken, and a signal when it grows
    let taken = (Mutex::new(0usize), Condvar::new());
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel::<(usize, T)>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, taken, work) = (&next, &taken, &work);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                wait_for_room(taken, i, window);
                if tx.send((i, work(&items[i]))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut want = 0;
        for (i, t) in rx {
            pending.insert(i, t);
            while let Some(t) = pending.remove(&want) {
                emit(want, t);
                want += 1;
                let (lock, cv) = &taken;
                *lock.lock().unwrap_or_else(|p| p.into_inner()) = want;
                cv.notify_all();
            }
        }
    });
}

/// Blocks until item `i` is within `window` of the next result to be taken.
fn wait_for_room(taken: &(Mutex<usize>, Condvar), i: usize, window: usize) {
    let (lock, cv) = taken;
    let mut done = lock.lock().unwrap_or_else(|p| p.into_inner());
    while i >= done.saturating_add(window) {
        done = cv.wait(done).unwrap_or_else(|p| p.into_inner());
    }
}

/// Threads to use: one per core the process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
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
            |i, t| seen.push((i, t)),
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
            },
        );
        assert_eq!(emitted, 300);
        assert!(max_ahead <= 6, "workers ran {max_ahead} items ahead of the output");
    }

    #[test]
    fn empty_and_single_thread() {
        let mut n = 0;
        for_each_ordered(&[] as &[u8], 8, 8, |_| (), |_, _| n += 1);
        assert_eq!(n, 0);
        let mut v = Vec::new();
        for_each_ordered(&[3, 1, 2], 1, 1, |&x| x, |_, x| v.push(x));
        assert_eq!(v, [3, 1, 2]);
    }
}
