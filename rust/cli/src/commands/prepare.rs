//! `dkcloud prepare`: what `upload --resize/--quality` would send, written to a
//! folder instead (also the photo benchmark's entry point).

use crate::args::PrepareArgs;
use crate::exit::{self, CliError};
use dkcloud_engine::upload::PrepareOptions;

pub async fn run(args: &PrepareArgs) -> Result<u8, CliError> {
    let options = args.photo.options().unwrap_or(PrepareOptions { original: true, ..PrepareOptions::default() });
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::other(format!("cannot create {}: {e}", args.out.display())))?;
    let mut results = dkcloud_prepare::prepare_stream(
        args.paths.clone(),
        options,
        dkcloud_prepare::Destination::Directory(args.out.clone()),
        0,
        2,
    );
    let mut failed = 0;
    while let Some(item) = results.recv().await {
        match item.result {
            Ok(prepared) => {
                let size = prepared.dimensions.map(|(w, h)| format!(" {w}x{h}")).unwrap_or_default();
                let notes: String = prepared.notices.iter().map(|n| format!(" (note: {n})")).collect();
                println!("{} -> {}{size}{notes}", item.path.display(), args.out.join(&prepared.remote_name).display());
            }
            Err(e) => {
                failed += 1;
                eprintln!("FAILED {}: {e}", item.path.display());
            }
        }
    }
    Ok(if failed > 0 { exit::SOME_FAILED } else { exit::OK })
}
