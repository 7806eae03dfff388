//! The memory budget of a batch: files are read side by side only while their estimated memory
//! adds up to the budget; a larger file waits until it can go alone.

use std::sync::{Condvar, Mutex};

/// Bytes of estimated memory that the files being read may take together.
pub(super) struct MemoryBudget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A file's share of the [`MemoryBudget`], given back when dropped.
pub(super) struct Permit<'b> {
    budget: &'b MemoryBudget,
    amount: u64,
}

impl MemoryBudget {
    pub fn new(total: u64) -> Self {
        MemoryBudget {
            total,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `amount` fits beside what is in use; a file over the whole budget waits until
    /// nothing else is being read, then goes alone.
    pub fn acquire(&self, amount: u64) -> Permit<'_> {
        let amount = amount.min(self.total);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while !fits(*used, amount, self.total) {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += amount;
        Permit {
            budget: self,
            amount,
        }
    }
}

/// Whether a file of `amount` may start beside `used`: when it fits, or when nothing else runs.
pub(super) fn fits(used: u64, amount: u64, total: u64) -> bool {
    used == 0 || used + amount <= total
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        // glibc keeps the memory a large file's document was freed into, spread over its heaps;
        // the next large file then adds to it instead of reusing it. Hand it back to the system.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        if self.amount > self.budget.total / 4 {
            // SAFETY: malloc_trim only releases free memory; it has no preconditions.
            unsafe {
                libc::malloc_trim(0);
            }
        }
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.amount;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_share_the_memory_budget_and_a_larger_one_goes_alone() {
        assert!(fits(0, 500, 128), "over the budget, alone");
        assert!(
            !fits(1, 500, 128),
            "over the budget waits for every other file"
        );
        assert!(fits(100, 28, 128));
        assert!(!fits(100, 29, 128));
        let budget = MemoryBudget::new(128);
        let a = budget.acquire(100);
        let b = budget.acquire(20);
        assert_eq!(*budget.used.lock().unwrap(), 120);
        drop((a, b));
        assert_eq!(*budget.used.lock().unwrap(), 0);
        // a share is capped at the whole budget, so it is given back whole
        let big = budget.acquire(1 << 40);
        assert_eq!(*budget.used.lock().unwrap(), 128);
        drop(big);
        assert_eq!(*budget.used.lock().unwrap(), 0);
    }
}
