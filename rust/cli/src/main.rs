//! `dkcloud`: the command-line face of the dkcloud engine. Argument parsing,
//! progress display and exit codes live here; everything else is the engine's.

mod args;
mod commands;
mod context;
mod exit;
mod expiry;
mod hidden_input;
mod remote_arg;
mod report;
mod samples;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DKCLOUD_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .without_time()
        .init();
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
            eprintln!("dkcloud: {}", e.message);
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
        Command::Accounts => commands::accounts::accounts(&ctx()?).map(|_| exit::OK),
        Command::Ls { remote } => commands::ls::ls(&ctx()?, remote).await.map(|_| exit::OK),
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
