//! `dkcloud login` and `dkcloud logout`.

use crate::args::{LoginArgs, ServiceArg};
use crate::context::Context;
use crate::exit::CliError;
use dkcloud_engine::auth::{Account, SecretStore, SystemBrowser};
use dkcloud_engine::{Error, LoginStep, ServiceKind, Session};
use std::io::{BufRead, IsTerminal, Write};

pub(crate) fn service_of(arg: ServiceArg) -> ServiceKind {
    match arg {
        ServiceArg::Onedrive => ServiceKind::OneDrive,
        ServiceArg::Dropbox => ServiceKind::Dropbox,
    }
}

pub(crate) async fn login(ctx: &Context, args: &LoginArgs) -> Result<(), CliError> {
    let service = service_of(args.service);
    let session = ctx.session(service)?;
    check_saved_logins(ctx, service).await?;
    let account = if let Some(refresh) = ctx.env_file.as_ref().and_then(|e| e.refresh_token.clone()) {
        eprintln!("Using the refresh token from the .env file.");
        session.login_with_refresh_token(&refresh).await?
    } else if args.device_code {
        if service != ServiceKind::OneDrive {
            return Err(CliError::usage("--device-code is only offered by OneDrive; Dropbox has no device code flow"));
        }
        session
            .login_with_device_code(|prompt| {
                let text = prompt.message.clone().unwrap_or_else(|| {
                    format!("To sign in, open {} and enter the code {}", prompt.verification_uri, prompt.user_code)
                });
                eprintln!("{text}");
            })
            .await?
    } else if args.no_browser {
        let step = session.start_paste().await?;
        if let LoginStep::PasteCode { url, .. } = &step {
            eprintln!("Open this address in a browser and sign in:\n\n  {url}\n");
        }
        finish(&session, step).await?
    } else {
        let redirect = dkcloud_engine::registration::setup_values(service, ctx.config.dropbox.redirect_port).redirect_uri;
        eprintln!("Opening your browser to sign in to {service}...");
        eprintln!("{}", dkcloud_engine::registration::sign_in_page_hint(service, &redirect));
        let step = session.login_in_browser(&SystemBrowser::default(), Default::default()).await?;
        finish(&session, step).await?
    };
    println!("Logged in to {} as {}.", account.service, account.label());
    Ok(())
}

/// The saved logins must be readable before anyone signs in: a new login
/// that cannot be kept would be a sign-in for nothing.
async fn check_saved_logins(ctx: &Context, service: ServiceKind) -> Result<(), CliError> {
    let readable = async {
        ctx.accounts().list()?;
        SecretStore::open(ctx.config.login.token_store, &ctx.config.paths).await?.load(service, "").await
    };
    readable.await.map(|_| ()).map_err(|e| {
        CliError::other(format!(
            "the saved logins cannot be read, so a new login could not be kept: {e}. \
             Repair or remove that file, then run `dkcloud login` again"
        ))
    })
}

/// A login that waits for a pasted code asks for it at the terminal.
async fn finish(session: &Session, step: LoginStep) -> Result<Account, CliError> {
    match step {
        LoginStep::SignedIn(account) => Ok(account),
        LoginStep::PasteCode { instructions, .. } => {
            let answer = ask(&instructions)?;
            Ok(session.finish_paste(&answer).await?)
        }
    }
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

pub(crate) async fn logout(ctx: &Context, service: Option<ServiceArg>) -> Result<(), CliError> {
    let accounts = ctx.accounts();
    let services: Vec<ServiceKind> = match service {
        Some(s) => vec![service_of(s)],
        None => ServiceKind::ALL.to_vec(),
    };
    let mut removed = 0;
    for service in services {
        let chosen: Vec<_> = match &ctx.account {
            Some(_) => vec![accounts.find(service, ctx.account.as_deref())?],
            None => accounts.list()?.into_iter().filter(|a| a.service == service).collect(),
        };
        let session = ctx.session(service)?;
        for account in chosen {
            let report = session.logout_account(&account).await?;
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
