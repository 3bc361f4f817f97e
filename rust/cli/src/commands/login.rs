//! `dkcloud login` and `dkcloud logout`.

use crate::args::{LoginArgs, ServiceArg};
use crate::context::Context;
use crate::exit::CliError;
use dkcloud_engine::accounts::Accounts;
use dkcloud_engine::auth::{BrowserLogin, Login, LoginOutcome, OAuthApp, SystemBrowser};
use dkcloud_engine::{Error, ServiceKind};
use std::io::{BufRead, IsTerminal, Write};

pub fn service_of(arg: ServiceArg) -> ServiceKind {
    match arg {
        ServiceArg::Onedrive => ServiceKind::OneDrive,
        ServiceArg::Dropbox => ServiceKind::Dropbox,
    }
}

pub async fn login(ctx: &Context, args: &LoginArgs) -> Result<(), CliError> {
    let service = service_of(args.service);
    let app = OAuthApp::new(service, &ctx.config, &ctx.endpoints)?;
    let login = Login::new(ctx.http.client.clone(), app, ctx.config.login_timeout());
    let outcome = if let Some(refresh) = ctx.env_file.as_ref().and_then(|e| e.refresh_token.clone()) {
        eprintln!("Using the refresh token from the .env file.");
        login.from_refresh_token(&refresh).await?
    } else if args.device_code {
        if service != ServiceKind::OneDrive {
            return Err(CliError::usage("--device-code is only offered by OneDrive; Dropbox has no device code flow"));
        }
        login
            .device_code(|prompt| {
                let text = prompt.message.clone().unwrap_or_else(|| {
                    format!("To sign in, open {} and enter the code {}", prompt.verification_uri, prompt.user_code)
                });
                eprintln!("{text}");
            })
            .await?
    } else if args.no_browser {
        let paste = login.start_paste().await?;
        eprintln!("Open this address in a browser and sign in:\n\n  {}\n", paste.url());
        let answer = ask(paste.instructions())?;
        paste.finish(&answer).await?
    } else {
        let opener = SystemBrowser::default();
        eprintln!("Opening your browser to sign in to {service}...");
        match login.with_browser(&opener).await? {
            BrowserLogin::SignedIn(outcome) => outcome,
            BrowserLogin::PasteCode(paste) => {
                let answer = ask(paste.instructions())?;
                paste.finish(&answer).await?
            }
        }
    };
    save(ctx, &outcome).await
}

async fn save(ctx: &Context, outcome: &LoginOutcome) -> Result<(), CliError> {
    let accounts = Accounts::from_config(&ctx.config);
    let account = accounts.add(outcome).await?;
    println!("Logged in to {} as {}.", account.service, outcome.account.label());
    Ok(())
}

/// Reads one line from a terminal; never prompts without one.
fn ask(prompt: &str) -> Result<String, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError {
            code: crate::exit::AUTH,
            message: "this login needs an answer typed at a terminal; run `dkcloud login` interactively".into(),
        });
    }
    eprint!("{prompt} ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(Error::from)?;
    Ok(line.trim().to_owned())
}

pub async fn logout(ctx: &Context, service: Option<ServiceArg>) -> Result<(), CliError> {
    let accounts = Accounts::from_config(&ctx.config);
    let services: Vec<ServiceKind> = match service {
        Some(s) => vec![service_of(s)],
        None => vec![ServiceKind::OneDrive, ServiceKind::Dropbox],
    };
    let mut removed = 0;
    for service in services {
        let chosen: Vec<_> = match &ctx.account {
            Some(_) => vec![accounts.find(service, ctx.account.as_deref())?],
            None => accounts.list()?.into_iter().filter(|a| a.service == service).collect(),
        };
        for account in chosen {
            let app = OAuthApp::new(service, &ctx.config, &ctx.endpoints)?;
            let report = dkcloud_engine::auth::logout(&ctx.http.client, &app, &accounts, &account).await?;
            let note = if report.revoked { " (revoked at the service)" } else { "" };
            println!("Logged out of {} as {}{note}.", service, account.display_name);
            removed += 1;
        }
    }
    if removed == 0 {
        println!("No stored login to remove.");
    }
    Ok(())
}
