//! `queue-server`: parses the command line and hands over to the library.

use clap::Parser;

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
