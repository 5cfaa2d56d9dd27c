//! `display-board`: parses the command line and runs the board, or renders screenshots.

use std::path::PathBuf;

use clap::Parser;
use lotse_display_board::config::DisplayConfig;

#[derive(Parser)]
#[command(version, about = "Lotse display board (lobby and floor wall displays)")]
struct Args {
    /// Display config (TOML); defaults fit the demo.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Queue server URL, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    server: Option<String>,
    /// Device token (`queue-server device add --kind display`).
    #[arg(long)]
    token: Option<String>,
    /// Only the calls of this zone's desks (e.g. floor-1).
    #[arg(long)]
    zone: Option<String>,
    /// Demo: local demo server and its display token.
    #[arg(long)]
    demo: bool,
    #[arg(long)]
    portrait: bool,
    #[arg(long)]
    fullscreen: bool,
    /// No gong and no spoken calls.
    #[arg(long)]
    mute: bool,
    /// Report per language what its voice lacks (missing clips, a missing engine), then exit.
    #[arg(long)]
    voice_check: bool,
    /// Render typical states to PNG files in DIR, then exit.
    #[arg(long, value_name = "DIR")]
    screenshot: Option<PathBuf>,
    /// With --screenshot: scale the images (e.g. 0.5 for documentation).
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    if let Some(dir) = args.screenshot {
        for path in lotse_display_board::screenshot::render_all(&dir, args.scale)? {
            println!("{path}");
        }
        return Ok(());
    }
    let mut config = match &args.config {
        Some(path) => DisplayConfig::load(path)?,
        None => DisplayConfig::default(),
    };
    if args.voice_check {
        return voice_check(&config);
    }
    if args.demo {
        config.device_token = "demo-display-token".into();
    }
    if let Some(server) = args.server {
        config.server_url = server;
    }
    if let Some(token) = args.token {
        config.device_token = token;
    }
    if args.zone.is_some() {
        config.zone = args.zone;
    }
    config.portrait |= args.portrait;
    config.fullscreen |= args.fullscreen;
    config.sound.enabled &= !args.mute;
    lotse_display_board::app::run(config)
}

/// Prints each language's voice and what it lacks; fails if any language cannot be spoken.
fn voice_check(config: &DisplayConfig) -> anyhow::Result<()> {
    let table = lotse_voices::PhraseTable::embedded()?;
    let languages: Vec<String> = table.languages().map(str::to_owned).collect();
    let reports =
        lotse_voices::check::check(&config.speech, &table, languages.iter().map(String::as_str));
    let mut incomplete = 0;
    for report in &reports {
        if report.problems.is_empty() {
            println!("{} ({}): ok", report.language, report.backend);
            continue;
        }
        incomplete += 1;
        println!(
            "{} ({}): {} problem(s)",
            report.language,
            report.backend,
            report.problems.len()
        );
        for problem in &report.problems {
            println!("  {problem}");
        }
    }
    anyhow::ensure!(
        incomplete == 0,
        "{incomplete} language(s) cannot be spoken fully"
    );
    Ok(())
}
