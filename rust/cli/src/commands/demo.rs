//! `dkcloud demo`: the whole product on one machine with no account anywhere.
//! An emulator starts in-process, the demo signs in to both emulated services
//! through the real OAuth flow (playing the browser itself), makes sample
//! photos and uploads them with progress, then shows where every file landed.

use crate::args::Global;
use crate::commands::upload::{self, JobRequest};
use crate::context::Context;
use crate::exit::CliError;
use crate::samples;
use dkcloud_emulator::stand_in_browser::StandInBrowser;
use dkcloud_engine::{Error, LoginStep, ServiceKind};
use std::path::PathBuf;

const DESTINATIONS: [(ServiceKind, &str); 2] =
    [(ServiceKind::OneDrive, "/Pictures/dkcloud demo"), (ServiceKind::Dropbox, "/Photos/dkcloud demo")];

pub(crate) async fn run(data: Option<PathBuf>, global: &Global) -> Result<u8, CliError> {
    let fresh = data.is_none();
    let root = data.unwrap_or_else(|| std::env::temp_dir().join("dkcloud-demo"));
    if fresh {
        let _ = std::fs::remove_dir_all(&root);
    }
    std::fs::create_dir_all(&root).map_err(Error::from)?;
    let emulator = dkcloud_emulator::start(dkcloud_emulator::Config {
        data: Some(root.join("emulator")),
        ..Default::default()
    })
    .await
    .map_err(|e| CliError::other(e.to_string()))?;
    println!("Emulator for OneDrive and Dropbox listening on {}", emulator.base_url());

    let result = demo(&emulator, &root, global).await;
    emulator.shutdown().await;
    result
}

async fn demo(emulator: &dkcloud_emulator::RunningEmulator, root: &std::path::Path, global: &Global) -> Result<u8, CliError> {
    let ctx = Context::for_emulator(&emulator.base_url(), &root.join("config"), global)?;
    for (service, _) in DESTINATIONS {
        sign_in(&ctx, service).await?;
    }

    let folder = samples::make(&root.join("photos")).map_err(Error::from)?;
    let count = std::fs::read_dir(&folder).map_err(Error::from)?.count();
    println!("Made {count} sample files in {}", folder.display());

    let mut worst = crate::exit::OK;
    for (service, destination) in DESTINATIONS {
        println!("\nUploading to {service}:{destination}");
        let request = JobRequest {
            service,
            sources: vec![folder.clone()],
            destination: destination.to_owned(),
            jobs: dkcloud_engine::upload::DEFAULT_JOBS as u32,
            chunk_size: None,
            conflict: crate::args::ConflictArg::Replace,
            filter: Default::default(),
            bwlimit: None,
            dry_run: false,
            json: false,
            journal_dir: Some(root.join("journal")),
            prepare: None,
            link: false,
        };
        worst = worst.max(upload::run_job(&ctx, request).await?);
    }

    println!("\nWhere the files landed (the emulator keeps them as plain files):");
    for (service, destination) in DESTINATIONS {
        let cancel = tokio_util::sync::CancellationToken::new();
        let base = format!("{destination}/{}", folder.file_name().and_then(|n| n.to_str()).unwrap_or(""));
        let entries = ctx.session(service)?.list(&base, &cancel).await?;
        let store = emulator.data_dir().join(service.id());
        for e in entries.iter().filter(|e| !e.is_folder) {
            let on_disk = store.join(base.trim_start_matches('/')).join(&e.name);
            println!(
                "  {}:{base}/{}  {} bytes  {}  -> {}",
                service.id(),
                e.name,
                e.size,
                e.hash.as_deref().unwrap_or("-"),
                on_disk.display()
            );
        }
    }
    Ok(worst)
}

/// Signs in through the emulator's real OAuth endpoints; the emulator's
/// stand-in browser plays the user, allowing access at once.
async fn sign_in(ctx: &Context, service: ServiceKind) -> Result<(), CliError> {
    let session = ctx.session(service)?;
    let browser = StandInBrowser::new();
    // A visit that fails ends the sign-in at once with its reason, rather
    // than after the login's wait for a browser that will never answer.
    let (failed, mut failure) = tokio::sync::mpsc::unbounded_channel();
    let opener = |url: &str| -> dkcloud_engine::Result<()> {
        let (browser, failed, url) = (browser.clone(), failed.clone(), url.to_owned());
        tokio::spawn(async move {
            if let Err(e) = browser.visit(&url).await {
                let _ = failed.send(e);
            }
        });
        Ok(())
    };
    let step = tokio::select! {
        step = session.login_in_browser(&opener, Default::default()) => step?,
        Some(e) = failure.recv() => {
            return Err(CliError::other(format!("{service}: the demo's stand-in browser could not sign in: {e}")));
        }
    };
    let account = match step {
        LoginStep::SignedIn(account) => account,
        LoginStep::PasteCode { .. } => {
            // The fixed Dropbox port is taken: the page shows a code instead.
            let code = browser
                .shown_code(std::time::Duration::from_secs(30))
                .await
                .ok_or_else(|| CliError::other("the emulator's code page shows no code"))?;
            session.finish_paste(&code).await?
        }
    };
    println!("Signed in to {service} as {} (authorization code + PKCE, loopback redirect)", account.label());
    Ok(())
}
