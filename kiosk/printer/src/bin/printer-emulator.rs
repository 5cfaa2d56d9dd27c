//! `printer-emulator`: an ESC/POS printer on a pseudo-terminal or TCP port that saves every
//! cut receipt as PNG and text. Control commands on standard input: paper-out, paper-ok,
//! near-end, cover-open, cover-closed, offline, online.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use clap::Parser;
use lotse_printer::PrinterProfile;
use lotse_printer::emulator::{CharacterTables, Emulator, PtyPrinter, serve_tcp};

#[derive(Parser)]
#[command(version, about = "ESC/POS printer emulator for Lotse")]
struct Args {
    /// Listen on a pseudo-terminal and print its path (`pty /dev/pts/N`).
    #[arg(long, conflicts_with = "tcp")]
    pty: bool,
    /// Listen on a TCP address, e.g. 127.0.0.1:9100.
    #[arg(long)]
    tcp: Option<String>,
    /// Folder for receipt-NNNN.png and .txt.
    #[arg(long, default_value = "receipts")]
    out: PathBuf,
    /// Play this built-in model's code-page table (`ESC t` numbers); default: Epson's.
    #[arg(long, conflicts_with = "no_code_pages")]
    profile: Option<String>,
    /// With --profile: only the profile's confirmed numbers (and PC437), as a unit whose
    /// table differs from the assumed numbers would print.
    #[arg(long, requires = "profile")]
    confirmed_only: bool,
    /// A printer with no code pages besides PC437 (`ESC t 0`), which every printer has.
    #[arg(long)]
    no_code_pages: bool,
    #[arg(long)]
    paper_out: bool,
    #[arg(long)]
    cover_open: bool,
    #[arg(long)]
    offline: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let tables = match &args.profile {
        Some(name) => {
            let profile = PrinterProfile::named(name)
                .with_context(|| format!("unknown printer profile \"{name}\""))?;
            if args.confirmed_only {
                CharacterTables::confirmed_of_profile(&profile)
            } else {
                CharacterTables::of_profile(&profile)
            }
        }
        None if args.no_code_pages => CharacterTables::none(),
        None => CharacterTables::epson(),
    };
    let mut emulator = Emulator::with_tables(Some(args.out.clone()), tables);
    emulator.condition.paper_out = args.paper_out;
    emulator.condition.cover_open = args.cover_open;
    emulator.condition.offline = args.offline;
    println!("receipts in {}", args.out.display());

    // Kept alive until the program ends.
    let _pty;
    let emulator = if let Some(address) = &args.tcp {
        let listener = std::net::TcpListener::bind(address)
            .with_context(|| format!("cannot listen on {address}"))?;
        println!("tcp {}", listener.local_addr()?);
        let emulator = Arc::new(Mutex::new(emulator));
        let served = emulator.clone();
        std::thread::spawn(move || serve_tcp(listener, served));
        emulator
    } else {
        let pty = PtyPrinter::start(emulator).context("cannot open a pseudo-terminal")?;
        println!("pty {}", pty.path);
        let emulator = pty.emulator.clone();
        _pty = pty;
        emulator
    };
    if !args.pty && args.tcp.is_none() {
        println!("(no --tcp given: using a pseudo-terminal)");
    }

    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut emulator = emulator.lock().unwrap_or_else(|p| p.into_inner());
        if emulator.condition.apply(&line) {
            println!("condition: {:?}", emulator.condition);
        } else if !line.trim().is_empty() {
            println!("unknown command {line:?}");
        }
    }
    // Standard input closed: keep serving until killed.
    loop {
        std::thread::park();
    }
}
