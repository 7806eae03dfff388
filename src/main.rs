//! The `nianbao` command: a thin shell over the library; one file per subcommand in `cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    tune_allocator();
    cli::main()
}

/// glibc's fast bins keep freed chunks of up to 128 bytes apart, and every request of a kilobyte
/// or more (a file's buffer, a part, a row of output) first merges them all back
/// (`malloc_consolidate`): with the many short strings of a report that was 2–3 % of a batch's
/// time. Without them small chunks still go to the per-thread cache and are merged as they are
/// freed. (mimalloc was measured too: faster, but twice the peak memory on large files.)
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called before any other thread exists; M_MXFAST only sets the fast-bin size limit.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
    }
}
