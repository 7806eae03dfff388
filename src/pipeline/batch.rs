//! A batch in parallel: files taken from a shared counter by `jobs` threads, outcomes handed on in
//! input order with a bounded window of files in flight.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::budget::MemoryBudget;
use super::file::process_within;
use super::{FileOutcome, Options};

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
    let (tx, rx) = mpsc::sync_channel::<(usize, T)>(window);
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
                    s.spawn(move |_| loop {
                        let i = next_input.fetch_add(1, Ordering::Relaxed);
                        if i >= inputs.len() || !delivered.wait_below(i, window) {
                            break;
                        }
                        let (item, permit) = process_within(&inputs[i], opts, known, Some(budget));
                        let prepared = prepare(item);
                        // The share is held through `prepare`, which renders the whole file.
                        drop(permit);
                        if tx.send((i, prepared)).is_err() {
                            break;
                        }
                    });
                }
                drop(tx);
            });
        });
        // Wakes blocked workers for good if the sink panics, so the scope can end.
        let _close = CloseOnDrop(delivered);
        // This thread waits for the first outcome anyway: it compiles the patterns the workers
        // need last (the checks'), while they read and recognise their first reports.
        if inputs.len() > jobs {
            crate::check::compile_patterns();
        }
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, outcome) in rx {
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
