//! `dkcloud demo`: the whole product on one machine with no account anywhere.
//! An emulator starts in-process, the demo signs in to both emulated services
//! through the real OAuth flow (playing the browser itself), makes sample
//! photos and uploads them with progress, then shows where every file landed.

use crate::args::Global;
use crate::commands::upload::{self, JobRequest};
use crate::context::Context;
use crate::exit::CliError;
use crate::samples;
use dkcloud_engine::accounts::Accounts;
use dkcloud_engine::auth::{BrowserLogin, Login, OAuthApp};
use dkcloud_engine::{Error, ServiceKind};
use std::path::PathBuf;

const DESTINATIONS: [(ServiceKind, &str); 2] =
    [(ServiceKind::OneDrive, "/Pictures/dkcloud demo"), (ServiceKind::Dropbox, "/Photos/dkcloud demo")];

pub async fn run(data: Option<PathBuf>, global: &Global) -> Result<u8, CliError> {
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
            jobs: 4,
            chunk_size: None,
            conflict: crate::args::ConflictArg::Replace,
            dry_run: false,
            json: false,
            journal_dir: Some(root.join("journal")),
            prepare: None,
        };
        worst = worst.max(upload::run_job(&ctx, request).await?);
    }

    println!("\nWhere the files landed (the emulator keeps them as plain files):");
    for (service, destination) in DESTINATIONS {
        let remote = ctx.remote(service).await?;
        let cancel = tokio_util::sync::CancellationToken::new();
        let base = format!("{destination}/{}", folder.file_name().and_then(|n| n.to_str()).unwrap_or(""));
        let entries = dkcloud_engine::remote::list_all(remote.as_ref(), &base, &cancel).await?;
        let store = emulator.data_dir().join(service.to_string().to_lowercase());
        for e in entries.iter().filter(|e| !e.is_folder) {
            let on_disk = store.join(base.trim_start_matches('/')).join(&e.name);
            println!(
                "  {}:{base}/{}  {} bytes  {}  -> {}",
                service.to_string().to_lowercase(),
                e.name,
                e.size,
                e.hash.as_deref().unwrap_or("-"),
                on_disk.display()
            );
        }
    }
    Ok(worst)
}

/// Signs in through the emulator's real OAuth endpoints; the "browser" is a
/// task here that follows the authorize redirect to our loopback listener.
async fn sign_in(ctx: &Context, service: ServiceKind) -> Result<(), CliError> {
    let app = OAuthApp::new(service, &ctx.config, &ctx.endpoints)?;
    let login = Login::new(ctx.http.client.clone(), app, ctx.config.login_timeout());
    let client = ctx.http.client.clone();
    let browser = move |url: &str| -> dkcloud_engine::Result<()> {
        let url = url.to_owned();
        let client = client.clone();
        tokio::spawn(async move {
            if let Err(e) = follow_login(&client, &url).await {
                eprintln!("demo browser: {e}");
            }
        });
        Ok(())
    };
    let outcome = match login.with_browser(&browser).await? {
        BrowserLogin::SignedIn(outcome) => outcome,
        BrowserLogin::PasteCode(paste) => {
            // The fixed Dropbox port is taken: read the code from the page instead.
            let page = ctx.http.client.get(paste.url()).send().await.map_err(|e| CliError::other(e.to_string()))?;
            let body = page.text().await.map_err(|e| CliError::other(e.to_string()))?;
            let code = body
                .split("<code id=\"auth-code\">")
                .nth(1)
                .and_then(|rest| rest.split('<').next())
                .ok_or_else(|| CliError::other("the emulator's code page shows no code"))?
                .to_owned();
            paste.finish(&code).await?
        }
    };
    Accounts::from_config(&ctx.config).add(&outcome).await?;
    println!("Signed in to {service} as {} (authorization code + PKCE, loopback redirect)", outcome.account.label());
    Ok(())
}

async fn follow_login(client: &reqwest::Client, url: &str) -> Result<(), String> {
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let consent = no_redirects.get(url).send().await.map_err(|e| e.to_string())?;
    let location = consent
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("the sign-in page answered {} without a redirect", consent.status()))?
        .to_owned();
    client.get(location).send().await.map_err(|e| e.to_string())?;
    Ok(())
}
