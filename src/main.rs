//! The `nianbao` command: a thin shell over the library; one file per subcommand in `cli/`.

mod cli;

/// mimalloc: a report is read as thousands of small strings and vectors, and glibc's malloc and
/// free took a sixth of a report's instructions (and more of its time with two workers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` and `mi_option_purge_delay` in mimalloc v3's `mi_option_e`
/// (libmimalloc-sys 0.1.49 names neither).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// With its defaults mimalloc kept freed pages for 10 ms and committed whole arenas, which took
/// a 50 MB report of photos from 118 to 164 MB and the largest report within the default limits
/// over 200 MB; purging at once and committing on demand keeps both where glibc had them.
fn tune_allocator() {
    // SAFETY: setting an option has no preconditions; both are read when memory is committed
    // or purged, so the values apply from here on.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

fn main() -> std::process::ExitCode {
    tune_allocator();
    cli::main()
}
