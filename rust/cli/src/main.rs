//! `dkcloud`: the command-line face of the dkcloud engine. Argument parsing,
//! progress display and exit codes live here; everything else is the engine's.

#![warn(unreachable_pub)]

mod args;
mod commands;
mod context;
mod exit;
mod expiry;
mod hidden_input;
mod remote_arg;
mod report;
mod samples;
mod shown;
mod stop;

use args::{Cli, Command};
use clap::Parser;
use std::os::unix::fs::OpenOptionsExt;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    if let Err(e) = start_logging(&cli.global) {
        eprintln!("dkcloud: {}", shown::text(&e));
        return ExitCode::from(exit::USAGE);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dkcloud: cannot start: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("dkcloud: {}", shown::text(&e.message));
            ExitCode::from(e.code)
        }
    }
}

async fn run(cli: Cli) -> Result<u8, exit::CliError> {
    let ctx = || context::Context::new(&cli.global);
    match &cli.command {
        Command::Login(args) => commands::login::login(&ctx()?, args).await.map(|_| exit::OK),
        Command::Setup(args) => commands::setup::run(&ctx()?, args).await.map(|_| exit::OK),
        Command::Logout { service } => commands::login::logout(&ctx()?, *service).await.map(|_| exit::OK),
        Command::Accounts { json } => commands::accounts::accounts(&ctx()?, *json).map(|_| exit::OK),
        Command::Ls { remote, json } => commands::ls::ls(&ctx()?, remote, *json).await.map(|_| exit::OK),
        Command::Check(args) => commands::check::run(&ctx()?, args).await,
        Command::Mkdir { remote } => commands::ls::mkdir(&ctx()?, remote).await.map(|_| exit::OK),
        Command::Upload(args) => commands::upload::run(&ctx()?, args).await,
        Command::Link(args) => commands::link::run(&ctx()?, args).await,
        Command::Prepare(args) => commands::prepare::run(args).await,
        Command::Jobs(args) => commands::jobs::run(&ctx()?, args).await,
        Command::Resume(args) => commands::jobs::resume(&ctx()?, args).await,
        Command::GenerateDocs { dir } => commands::docs::run(dir),
        Command::Schedule(args) => commands::schedule::run(&cli.global, args).await,
        Command::Demo { data } => commands::demo::run(data.clone(), &cli.global).await,
    }
}

/// The log's level: `DKCLOUD_LOG` when set, else from `-q`/`-v`; into
/// `--log-file` (appended, with times, and each file's line) or stderr.
fn start_logging(global: &args::Global) -> Result<(), String> {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) if global.log_file.is_some() => "info",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = || tracing_subscriber::EnvFilter::try_from_env("DKCLOUD_LOG").unwrap_or_else(|_| level.into());
    match &global.log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| format!("--log-file {}: {e}", path.display()))?;
            tracing_subscriber::fmt().with_env_filter(filter()).with_writer(std::sync::Mutex::new(file)).with_ansi(false).init();
            report::log_lines_too();
        }
        None => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            // Colour for a person at a terminal, never into files, pipes, cron mail or logger.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .without_time()
            .init(),
    }
    Ok(())
}

/// `dkcloud jobs | head -1`: once the reader has gone, output has no one to
/// reach, and the run ends quietly with 0 (as `ls | head -1` does) instead of
/// the panic `println!` makes of a closed pipe.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(exit::OK.into());
        }
        default(info);
    }));
}
