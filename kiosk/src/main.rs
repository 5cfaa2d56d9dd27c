//! `kiosk`: parses the command line and runs the kiosk, or renders screenshots.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use lotse_kiosk::config::KioskConfig;
use lotse_kiosk::print_test::{self, PrintTest};

#[derive(Parser)]
#[command(version, about = "Lotse kiosk (lobby touchscreen)")]
struct Args {
    /// Kiosk config (TOML); defaults fit the demo.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Queue server URL, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    server: Option<String>,
    /// Device token (`queue-server device add --kind kiosk`).
    #[arg(long)]
    token: Option<String>,
    /// Demo: local demo server, printer emulator on 127.0.0.1:9100.
    #[arg(long)]
    demo: bool,
    /// Render every screen in every language to PNG files in DIR, then exit.
    #[arg(long, value_name = "DIR")]
    screenshot: Option<PathBuf>,
    /// Only these languages (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    languages: Vec<String>,
    #[arg(long)]
    landscape: bool,
    /// With --screenshot: scale the images (e.g. 0.5 for documentation).
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print a test ticket: the profile's values, a code-page check line per code page (with
    /// a raster reference beneath) and every language; or write its bytes to a file.
    PrintTest {
        /// Printer profile; default: the config's `printer_profile`.
        #[arg(long)]
        profile: Option<String>,
        /// A language code, or `all`.
        #[arg(long, default_value = "all")]
        language: String,
        /// Write the bytes to FILE instead of printing.
        #[arg(long, value_name = "FILE", conflicts_with = "printer")]
        out: Option<PathBuf>,
        /// tcp:HOST[:PORT], serial:PATH[@BAUD] or device:PATH; default: the config's printer.
        #[arg(long)]
        printer: Option<String>,
        /// List the printer profiles and exit.
        #[arg(long)]
        list: bool,
    },
}

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse(), started) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args, started: std::time::Instant) -> anyhow::Result<()> {
    if let Some(dir) = args.screenshot {
        for path in
            lotse_kiosk::screenshot::render_all(&dir, &args.languages, args.landscape, args.scale)?
        {
            println!("{path}");
        }
        return Ok(());
    }
    let mut config = match &args.config {
        Some(path) => KioskConfig::load(path)?,
        None => KioskConfig::default(),
    };
    if let Some(Command::PrintTest {
        profile,
        language,
        out,
        printer,
        list,
    }) = args.command
    {
        let message = if list {
            print_test::list(&config)?
        } else {
            let test = PrintTest {
                profile,
                language: Some(language),
                out,
                printer,
            };
            print_test::run(&config, &test)?
        };
        println!("{message}");
        return Ok(());
    }
    if args.demo {
        config.device_token = "demo-kiosk-token".into();
    }
    if let Some(server) = args.server {
        config.server_url = server;
    }
    if let Some(token) = args.token {
        config.device_token = token;
    }
    if !args.languages.is_empty() {
        config.languages = args.languages;
    }
    config.landscape |= args.landscape;
    lotse_kiosk::app::run(config, started)
}
