//! `queue-server`: parses the command line and hands over to the library.

use clap::Parser;

/// mimalloc instead of glibc's malloc: after a burst (thousands of connections, password
/// checks, large bodies) it gives the freed memory back to the system within seconds, where
/// glibc's per-thread arenas kept it (README "Benchmarks", bursts).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = lotse_queue_server::cli::Cli::parse();
    lotse_queue_server::cli::init_logging();
    match lotse_queue_server::cli::execute(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
