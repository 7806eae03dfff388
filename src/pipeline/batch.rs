//! A batch in parallel: files taken from a shared counter by `jobs` threads, outcomes handed on in
//! input order with a bounded window of files in flight.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::budget::MemoryBudget;
use super::file::process_within;
use super::{FileOutcome, Options};

/// Outcomes a worker hands on at once.
const HAND_ON: usize = 4;

/// A file that takes this long is handed on at once, with what the worker holds.
const SLOW_FILE: std::time::Duration = std::time::Duration::from_millis(20);

/// One result of a batch: a file processed now, or one whose content is already stored.
#[derive(Debug)]
pub enum BatchItem {
    Processed(Box<FileOutcome>),
    Unchanged { source: String, sha256: String },
}

/// Processes `inputs` on `jobs` threads and hands each outcome to `sink` in input order, as soon
/// as all earlier ones are done — so memory holds only the files in flight, not the batch.
///
/// `prepare` runs on the worker right after a file is read: whatever can be done per file
/// (rendering its CSV, saving its images) is done in parallel there, and the document is dropped
/// before the outcome waits for its turn, so the one thread that writes only appends.
///
/// Workers take the next input from a shared counter and may run at most `jobs * 8` files ahead
/// of the one the sink waits for. (A rayon `par_iter` over the list split it into contiguous
/// halves, so with two threads the outcomes of the second half waited in memory until the first
/// half was done: 380 MB for 5,000 reports.)
pub fn run_batch<T: Send>(
    inputs: &[PathBuf],
    opts: &Options,
    jobs: usize,
    known: &(dyn Fn(&str) -> bool + Sync),
    prepare: &(dyn Fn(BatchItem) -> T + Sync),
    mut sink: impl FnMut(T),
) -> Result<(), rayon::ThreadPoolBuildError> {
    let jobs = jobs.max(1);
    let window = jobs * 8;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let (tx, rx) = mpsc::sync_channel::<Vec<(usize, T)>>(window);
    let next_input = AtomicUsize::new(0);
    // How many outcomes the sink has had; workers wait while they are `window` ahead of it.
    let delivered = Delivered::default();
    let budget = MemoryBudget::new(opts.memory_budget);
    std::thread::scope(|scope| {
        let (next_input, delivered, budget) = (&next_input, &delivered, &budget);
        scope.spawn(move || {
            pool.scope(|s| {
                for _ in 0..jobs {
                    let tx = tx.clone();
                    s.spawn(move |_| {
                        // Outcomes are handed on a few at a time: one at a time, the writing
                        // thread woke for each file and took a core from the workers.
                        let mut held = Vec::with_capacity(HAND_ON);
                        loop {
                            let i = next_input.fetch_add(1, Ordering::Relaxed);
                            if i >= inputs.len() {
                                break;
                            }
                            // Before waiting for the writer, hand on what it may be waiting for.
                            if !held.is_empty()
                                && !delivered.is_below(i, window)
                                && tx.send(std::mem::take(&mut held)).is_err()
                            {
                                return;
                            }
                            if !delivered.wait_below(i, window) {
                                return;
                            }
                            let started = std::time::Instant::now();
                            let (item, permit) =
                                process_within(&inputs[i], opts, known, Some(budget));
                            let prepared = prepare(item);
                            // The share is held through `prepare`, which renders the whole file.
                            drop(permit);
                            held.push((i, prepared));
                            // A slow file (pictures read by OCR, a long PDF) is handed on at once:
                            // the progress bar moves with it, and one wake-up costs nothing there.
                            let slow = started.elapsed() >= SLOW_FILE;
                            if (held.len() == HAND_ON || slow)
                                && tx.send(std::mem::take(&mut held)).is_err()
                            {
                                return;
                            }
                        }
                        if !held.is_empty() {
                            let _ = tx.send(held);
                        }
                    });
                }
                drop(tx);
            });
        });
        // Wakes blocked workers for good if the sink panics, so the scope can end.
        let _close = CloseOnDrop(delivered);
        // This thread waits for the first outcome anyway: it compiles the patterns the workers
        // will need, in the order they need them, while they read their first reports.
        if inputs.len() > jobs {
            crate::recognise::compile_patterns();
            crate::check::compile_patterns();
        }
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, outcome) in rx.into_iter().flatten() {
            pending.insert(i, outcome);
            while let Some(o) = pending.remove(&next) {
                sink(o);
                next += 1;
                delivered.set(next);
            }
        }
    });
    Ok(())
}

/// The count of outcomes handed to the sink, shared with the workers.
#[derive(Default)]
pub(super) struct Delivered {
    /// (delivered, closed)
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Delivered {
    fn set(&self, n: usize) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = n;
        self.changed.notify_all();
    }
    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.changed.notify_all();
    }
    /// Whether input `i` is less than `window` ahead of the sink (or the batch is closed): then
    /// [`Delivered::wait_below`] does not wait.
    fn is_below(&self, i: usize, window: usize) -> bool {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.1 || i < st.0 + window
    }

    /// Waits until input `i` is less than `window` ahead of the sink; false once closed.
    fn wait_below(&self, i: usize, window: usize) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !st.1 && i >= st.0 + window {
            st = self.changed.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        !st.1
    }
}

pub(super) struct CloseOnDrop<'a>(&'a Delivered);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outcomes reach the sink in input order, every one once, however unevenly the files take
    /// their time — with more files than the window, so workers hold outcomes while others wait.
    #[test]
    fn outcomes_come_in_input_order_whatever_the_workers_hold() {
        let inputs: Vec<PathBuf> = (0..150)
            .map(|i| PathBuf::from(format!("/nonexistent/nianbao-batch-{i:03}.docx")))
            .collect();
        let opts = Options::default();
        for jobs in [1, 2, 3, 5] {
            let mut seen = Vec::new();
            run_batch(
                &inputs,
                &opts,
                jobs,
                &|_| false,
                &|item| {
                    let BatchItem::Processed(outcome) = item else {
                        panic!("an unread file is processed");
                    };
                    let i: usize = outcome.source[outcome.source.len() - 8..][..3]
                        .parse()
                        .unwrap();
                    // Some files slow, so later ones finish first and wait for them; a few
                    // slower than SLOW_FILE, handed on at once.
                    if i % 31 == 5 {
                        std::thread::sleep(SLOW_FILE + std::time::Duration::from_millis(5));
                    } else if i.is_multiple_of(7) {
                        std::thread::sleep(std::time::Duration::from_millis(3));
                    }
                    i
                },
                |i| seen.push(i),
            )
            .unwrap();
            assert_eq!(seen, (0..inputs.len()).collect::<Vec<_>>(), "jobs {jobs}");
        }
    }
}
