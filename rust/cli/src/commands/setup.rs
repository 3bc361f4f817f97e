//! `dkcloud setup onedrive|dropbox`: registering an app of one's own, step by
//! step, for builds that have none built in (or to replace the built-in one):
//! the portal opened in the browser, the exact values to enter, the id's
//! form checked, the id saved to config.toml, and a check of the registration
//! with the service, then a test sign-in.

use crate::args::SetupArgs;
use crate::commands::login::{self, service_of};
use crate::context::Context;
use crate::exit::CliError;
use dkcloud_engine::auth::{SystemBrowser, UrlOpener};
use dkcloud_engine::config::{AppOverrides, Config, EnvOverrides};
use dkcloud_engine::registration::{check_id_format, setup_values, RegistrationOrigin, SetupValues};
use dkcloud_engine::{ServiceKind, Session};
use std::io::{BufRead, IsTerminal, Write};

pub(crate) async fn run(ctx: &Context, args: &SetupArgs) -> Result<(), CliError> {
    let service = service_of(args.service);
    let current = ctx.session(service)?.registration().ok();
    if args.client_id.is_none() && current.as_ref().is_some_and(|r| r.origin == RegistrationOrigin::BuiltIn) {
        println!(
            "This dkcloud has a {service} app registration built in: you need none of your own.\n\
             Sign in with `dkcloud login {}`. (To use an app of your own anyway, run `dkcloud setup {} --client-id ID`.)",
            service.id(),
            service.id()
        );
        return Ok(());
    }
    let values = setup_values(service, ctx.config.dropbox.redirect_port);
    let client_id = match &args.client_id {
        Some(id) => id.trim().to_owned(),
        None => {
            print_steps(service, &values);
            if !args.no_browser {
                if let Err(e) = SystemBrowser::default().open(values.portal_url) {
                    eprintln!("(Could not open the browser: {e}. Open the address above yourself.)");
                }
            }
            ask_id(service)?
        }
    };
    check_id_format(service, &client_id).map_err(CliError::usage)?;

    // Checked with the service before it is saved: a refused id is not kept.
    let mut trial = ctx.config.clone();
    let given = AppOverrides { client_id: Some(client_id.clone()), client_secret: None, tenant: args.tenant.clone() };
    trial.override_app(service, &given, &EnvOverrides::default());
    let session = Session::new(service, trial, ctx.endpoints.clone())?;
    print!("Checking the registration with {service}... ");
    let _ = std::io::stdout().flush();
    match session.check_registration().await {
        Ok(()) => println!("{service} knows the app."),
        Err(e) => {
            println!("refused; nothing was saved.");
            return Err(e.into());
        }
    }
    let file = Config::save_registration(&ctx.config.paths, service, &client_id, args.tenant.as_deref())?;
    println!("Saved the {service} app id in {}.", file.display());

    // The saved registration, as every later command will read it.
    let ctx = Context::reload(ctx)?;
    if ctx.session(service)?.registration().is_ok_and(|r| r.client_id != client_id) {
        eprintln!("Note: {} overrides what was saved.", dkcloud_engine::config::client_id_var(service));
    }
    if args.no_login {
        println!("Sign in with `dkcloud login {}` when you are ready.", service.id());
        return Ok(());
    }
    println!("Now a test sign-in:");
    let login_args = crate::args::LoginArgs { service: args.service, device_code: false, no_browser: args.no_browser };
    login::login(&ctx, &login_args).await
}

fn print_steps(service: ServiceKind, v: &SetupValues) {
    let permissions = v.permissions.join(", ");
    match service {
        ServiceKind::OneDrive => println!(
            "Registering an app for OneDrive (about five minutes; Microsoft may ask you to sign in or to create a free\n\
             Azure account first):\n\n\
             1. Open {portal} and choose \"New registration\".\n\
             2. Name: dkcloud (any name).\n   \
                Supported account types: \"Accounts in any organizational directory and personal Microsoft accounts\".\n   \
                Redirect URI: platform \"Public client/native (mobile & desktop)\", value {redirect}\n\
             3. Press Register. On the app's \"API permissions\" page, make sure Microsoft Graph's delegated\n   \
                permissions include: {permissions}.\n\
             4. Only for `dkcloud login onedrive --device-code`: Authentication > Advanced settings >\n   \
                \"Allow public client flows\": Yes.\n\
             5. Copy the \"Application (client) ID\" from the app's Overview page.\n",
            portal = v.portal_url,
            redirect = v.redirect_uri,
        ),
        ServiceKind::Dropbox => println!(
            "Registering an app for Dropbox (about three minutes):\n\n\
             1. Open {portal}: choose \"Scoped access\", then \"Full Dropbox\" (or \"App folder\" to keep dkcloud in\n   \
                Apps/<name>; then put app_folder = \"<name>\" under [dropbox] in config.toml, so the\n   \
                folder addresses dkcloud shows lead there), and a name.\n\
             2. On the Permissions tab tick: {permissions}; press Submit.\n\
             3. On the Settings tab, under OAuth 2: add the Redirect URI {redirect} (exactly), and set\n   \
                \"Allow public clients (Implicit Grant & PKCE)\" to Allow.\n\
             4. Copy the \"App key\" from the Settings tab (the App secret is not needed).\n",
            portal = v.portal_url,
            redirect = v.redirect_uri,
        ),
    }
}

fn ask_id(service: ServiceKind) -> Result<String, CliError> {
    let what = match service {
        ServiceKind::OneDrive => "Application (client) ID",
        ServiceKind::Dropbox => "App key",
    };
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(format!(
            "no terminal to ask for the {what}: run `dkcloud setup {} --client-id ID`",
            service.id()
        )));
    }
    loop {
        eprint!("{what}: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).map_err(dkcloud_engine::Error::from)? == 0 {
            return Err(CliError::usage("setup cancelled"));
        }
        match check_id_format(service, &line) {
            Ok(()) => return Ok(line.trim().to_owned()),
            Err(e) => eprintln!("{e}"),
        }
    }
}
