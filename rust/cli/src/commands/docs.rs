//! `dkcloud generate-docs DIR` (hidden): the man pages of `dkcloud`, each of
//! its subcommands and `dkcloud-emulator`, and their bash, zsh and fish
//! completions, all made from the argument definitions (scripts/package).

use crate::args::Cli;
use crate::exit::{self, CliError};
use clap::{Command, CommandFactory};
use clap_complete::Shell;
use std::path::Path;

pub(crate) fn run(out: &Path) -> Result<u8, CliError> {
    let man = out.join("man");
    let completions = out.join("completions");
    for dir in [&man, &completions] {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    }
    for (name, command) in [("dkcloud", Cli::command()), ("dkcloud-emulator", dkcloud_emulator::Config::command())] {
        clap_mangen::generate_to(command.clone(), &man).map_err(|e| write_error(&man, e))?;
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut command = without_hidden_subcommands(name, &command);
            clap_complete::generate_to(shell, &mut command, name, &completions)
                .map_err(|e| write_error(&completions, e))?;
        }
    }
    Ok(exit::OK)
}

/// clap_complete offers hidden subcommands too (this one among them); the man
/// pages already leave them out.
fn without_hidden_subcommands(name: &'static str, command: &Command) -> Command {
    let copy = Command::new(name)
        .version(env!("CARGO_PKG_VERSION"))
        .args(command.get_arguments().cloned())
        .subcommands(command.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    match command.get_about() {
        Some(about) => copy.about(about.clone()),
        None => copy,
    }
}

fn write_error(dir: &Path, e: std::io::Error) -> CliError {
    CliError::other(format!("cannot write into {}: {e}", dir.display()))
}
