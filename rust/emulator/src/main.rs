use clap::Parser;
use std::io::Write;

fn main() -> std::process::ExitCode {
    let config = dkcloud_emulator::Config::parse();
    let address_file = config.address_file.clone();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DKCLOUD_EMULATOR_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dkcloud-emulator: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let running = match dkcloud_emulator::start(config).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("dkcloud-emulator: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", running.base_url());
        let _ = out.flush();
        drop(out);
        if let Some(path) = &address_file {
            if let Err(e) = write_address(path, &running.base_url()) {
                eprintln!("dkcloud-emulator: cannot write the address to {}: {e}", path.display());
                running.shutdown().await;
                return std::process::ExitCode::FAILURE;
            }
        }
        eprintln!("data folder: {}", running.data_dir().display());
        wait_for_stop_signal().await;
        running.shutdown().await;
        if let Some(path) = &address_file {
            let _ = std::fs::remove_file(path);
        }
        std::process::ExitCode::SUCCESS
    })
}

/// Ctrl+C or SIGTERM (what `kill` and service managers send).
async fn wait_for_stop_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Writes `address` and a newline to `path` whole: a reader that sees the file sees all of it.
fn write_address(path: &std::path::Path, address: &str) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, format!("{address}\n"))?;
    std::fs::rename(&partial, path)
}
