//! Opening the login page. The CLI uses the system browser (honouring
//! `$BROWSER`, as `xdg-open` does) or, with `--no-browser`, a closure that prints
//! the URL; the digiKam plugin passes its own (QDesktopServices).

use crate::{Error, Result};
use std::process::{Command, Stdio};

/// Shows the user a URL to visit.
pub trait UrlOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<()>;
}

/// Any `Fn(&str) -> Result<()>` is an opener (tests, the plugin's bridge).
impl<F> UrlOpener for F
where
    F: Fn(&str) -> Result<()> + Send + Sync,
{
    fn open(&self, url: &str) -> Result<()> {
        self(url)
    }
}

/// The user's browser: each command of `$BROWSER` (colon-separated; `%s`
/// stands for the URL, else the URL is appended) until one starts, else
/// `xdg-open`.
#[derive(Debug, Clone, Default)]
pub struct SystemBrowser {
    /// `$BROWSER` as captured; `None` reads the environment at `open` time.
    pub browser_var: Option<String>,
}

impl SystemBrowser {
    pub fn with_browser_var(value: impl Into<String>) -> Self {
        Self { browser_var: Some(value.into()) }
    }

    fn commands(&self, url: &str) -> Vec<Vec<String>> {
        let var = self.browser_var.clone().or_else(|| std::env::var("BROWSER").ok()).unwrap_or_default();
        let mut commands: Vec<Vec<String>> = var
            .split(':')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                let mut words: Vec<String> = c.split_whitespace().map(str::to_owned).collect();
                if c.contains("%s") {
                    for w in &mut words {
                        *w = w.replace("%s", url);
                    }
                } else {
                    words.push(url.to_owned());
                }
                words
            })
            .collect();
        commands.push(vec!["xdg-open".into(), url.into()]);
        commands
    }
}

impl UrlOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<()> {
        spawn_first(self.commands(url))
    }
}

/// Starts the first command that can be started.
fn spawn_first(commands: Vec<Vec<String>>) -> Result<()> {
    let mut tried = Vec::new();
    for words in commands {
        let Some((program, args)) = words.split_first() else { continue };
        // The browser may run for a long time (or for good): start it and let
        // a thread reap it, so it neither blocks the login nor stays a zombie.
        match Command::new(program).args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()
        {
            Ok(mut child) => {
                std::thread::spawn(move || child.wait());
                return Ok(());
            }
            Err(e) => tried.push(format!("{program}: {e}")),
        }
    }
    Err(Error::Config(format!(
        "cannot open a web browser ({}); set BROWSER, or log in with --no-browser and open the link yourself",
        tried.join("; ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_variable_is_split_and_the_url_placed() {
        let b = SystemBrowser::with_browser_var("firefox --new-tab %s:my-browser -x");
        let cmds = b.commands("http://u/?a=1");
        assert_eq!(cmds[0], ["firefox", "--new-tab", "http://u/?a=1"]);
        assert_eq!(cmds[1], ["my-browser", "-x", "http://u/?a=1"]);
        assert_eq!(cmds[2], ["xdg-open", "http://u/?a=1"]);
    }

    #[test]
    fn no_startable_browser_is_a_clear_error() {
        let err = spawn_first(vec![vec!["/nonexistent/dkcloud-browser".into(), "http://127.0.0.1:9/".into()]])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--no-browser") && err.contains("/nonexistent/dkcloud-browser"), "{err}");
    }
}
