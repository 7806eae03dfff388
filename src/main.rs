//! The `nianbao` command: a thin shell over the library; one file per subcommand in `cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
