//! `dkcloud prepare`: what `upload --resize/--quality` would send, written to a
//! folder instead (also the photo benchmark's entry point).
//!
//! Each input gets its own output, named as an upload would name it: inputs
//! that come to one name (`IMG.png` and `IMG.jpg` both become `IMG.jpg`; case
//! and Unicode normalisation ignored, as the services do) get ` (2)`, ` (3)`,
//! ... in the order given (see `dkcloud_engine::DistinctNames`).

use crate::args::PrepareArgs;
use crate::exit::{self, CliError};
use dkcloud_engine::DistinctNames;
use dkcloud_engine::upload::PrepareOptions;
use dkcloud_prepare::Payload;
use std::path::Path;

pub(crate) async fn run(args: &PrepareArgs) -> Result<u8, CliError> {
    let options = args.photo.options().unwrap_or(PrepareOptions { original: true, ..PrepareOptions::default() });
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::other(format!("cannot create {}: {e}", args.out.display())))?;
    let mut names = DistinctNames::default();
    let planned: Vec<(String, bool)> = args
        .paths
        .iter()
        .map(|path| {
            let wanted = dkcloud_prepare::planned_name(path, &options).unwrap_or_else(|_| file_name(path));
            let name = names.claim(&wanted);
            let renamed = name != wanted;
            (name, renamed)
        })
        .collect();
    let mut results =
        dkcloud_prepare::prepare_stream(args.paths.clone(), options, dkcloud_prepare::Destination::Memory, 0, 2);
    let mut failed = 0;
    while let Some(item) = results.recv().await {
        let (name, renamed) = &planned[item.index];
        let target = args.out.join(name);
        match item.result.map_err(|e| e.to_string()).and_then(|p| write_out(&p.payload, &target).map(|()| p)) {
            Ok(prepared) => {
                let size = prepared.dimensions.map(|(w, h)| format!(" {w}x{h}")).unwrap_or_default();
                let mut notes: String = prepared.notices.iter().map(|n| format!(" (note: {n})")).collect();
                if *renamed {
                    notes += &format!(" (note: another input also comes to {}: written as {name})", prepared.remote_name);
                }
                println!("{} -> {}{size}{notes}", item.path.display(), target.display());
            }
            Err(e) => {
                failed += 1;
                eprintln!("FAILED {}: {e}", item.path.display());
            }
        }
    }
    Ok(if failed > 0 { exit::SOME_FAILED } else { exit::OK })
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Writes a prepared file's bytes (or a copy of its source) to `target`.
fn write_out(payload: &Payload, target: &Path) -> Result<(), String> {
    let written = match payload {
        Payload::Bytes(bytes) => std::fs::write(target, bytes),
        Payload::Source(source) | Payload::Written(source) => std::fs::copy(source, target).map(|_| ()),
    };
    written.map_err(|e| format!("cannot write {}: {e}", target.display()))
}
