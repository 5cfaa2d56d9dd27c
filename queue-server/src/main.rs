//! `queue-server`: parses the command line and hands over to the library.

use clap::Parser;

/// jemalloc instead of glibc's malloc: after a burst (thousands of connections, password
/// checks, large bodies) its background thread gives the freed memory back to the system,
/// where glibc's per-thread arenas and mimalloc kept much of it (README "Benchmarks",
/// bursts); its settings in `allocator.rs`.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    lotse_queue_server::allocator::apply();
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
