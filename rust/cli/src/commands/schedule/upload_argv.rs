//! A job's upload as the arguments of `dkcloud upload`, and back through the
//! upload's own parser. The arguments are made from the parsed options' serde
//! form: clap names each long option after its field (kebab-case), so nothing
//! here names an option, and a new upload option is carried as it is.

use super::job_file::JobFile;
use crate::args::{Cli, Command, Global, UploadArgs};
use crate::exit::CliError;
use clap::Parser;
use serde_json::Value;

/// The options of `args` (defaults included, explicitly) and its paths.
pub(crate) fn to_argv(args: &UploadArgs) -> Result<(Vec<String>, Vec<String>), CliError> {
    let form = serde_json::to_value(args).map_err(|e| CliError::other(format!("cannot store the options: {e}")))?;
    let Value::Object(fields) = form else {
        return Err(CliError::other("cannot store the options"));
    };
    let (mut options, mut paths) = (Vec::new(), Vec::new());
    for (field, value) in fields {
        let flag = format!("--{}", field.replace('_', "-"));
        let values = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for value in values {
            let word = match value {
                Value::Null | Value::Bool(false) => continue,
                Value::Bool(true) => None,
                Value::String(s) => Some(s),
                other => Some(other.to_string()),
            };
            match (field.as_str(), word) {
                ("paths", Some(path)) => paths.push(path),
                (_, None) => options.push(flag.clone()),
                (_, Some(word)) => options.extend([flag.clone(), word]),
            }
        }
    }
    Ok((options, paths))
}

/// The job's `dkcloud [--no-progress] [--account A] [--env-file F] upload ARGS`,
/// checked exactly as the command line is.
pub(crate) fn parse(job: &JobFile, no_progress: bool) -> Result<(Global, UploadArgs), CliError> {
    let mut argv = vec!["dkcloud".to_owned()];
    if no_progress {
        argv.push("--no-progress".into());
    }
    if let Some(account) = &job.account {
        argv.extend(["--account".into(), account.clone()]);
    }
    if let Some(env_file) = &job.env_file {
        argv.extend(["--env-file".into(), env_file.clone()]);
    }
    argv.push("upload".into());
    argv.extend(job.upload.iter().cloned());
    let cli = Cli::try_parse_from(&argv).map_err(|e| CliError::usage(format!("the job's upload arguments: {e}")))?;
    match cli.command {
        Command::Upload(upload) => Ok((cli.global, upload)),
        _ => Err(CliError::usage("the job's upload arguments are not an upload")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn upload_of(words: &[&str]) -> UploadArgs {
        let cli = Cli::try_parse_from(std::iter::once("dkcloud").chain(std::iter::once("upload")).chain(words.iter().copied()))
            .unwrap();
        match cli.command {
            Command::Upload(upload) => upload,
            _ => unreachable!(),
        }
    }

    fn round_trip(words: &[&str]) {
        let parsed = upload_of(words);
        let (mut options, paths) = to_argv(&parsed).unwrap();
        options.extend(paths);
        let job = JobFile { every: "daily".into(), account: None, env_file: None, upload: options };
        let (_, again) = parse(&job, false).unwrap();
        assert_eq!(format!("{again:?}"), format!("{parsed:?}"), "{words:?}");
    }

    #[test]
    fn every_upload_option_survives_the_round_trip() {
        round_trip(&[
            "--jobs", "7", "--chunk-size", "20M", "--bwlimit", "1M", "--on-conflict", "skip", "--dry-run", "--json", "--resize",
            "1024", "--quality", "70", "--strip-location", "/a b", "/c", "onedrive:/x",
        ]);
        round_trip(&["--original", "--on-conflict", "replace", "/a", "dropbox:/"]);
        round_trip(&["/a", "dropbox:/y"]);
        round_trip(&[
            "--include", "*.jpg", "--include", "{a,b}/", "--exclude", "x y/", "--exclude-from", "/l 1",
            "--exclude-from", "/l2", "--no-default-excludes", "--bwlimit", "08:00,512K 23:00,off", "/a", "dropbox:/y",
        ]);
    }

    /// What `to_argv` relies on: a new option named otherwise would not come back.
    #[test]
    fn every_upload_option_is_named_after_its_field() {
        let cli = Cli::command();
        let upload = cli.find_subcommand("upload").unwrap();
        for arg in upload.get_arguments().filter(|a| !a.is_global_set()) {
            let id = arg.get_id().as_str();
            if id == "help" {
                continue;
            }
            if arg.is_positional() {
                assert_eq!(id, "paths");
            } else {
                assert_eq!(arg.get_long(), Some(id.replace('_', "-").as_str()), "{id}");
            }
        }
    }
}
