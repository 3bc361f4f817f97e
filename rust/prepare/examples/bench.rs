//! The benchmark's entry point: `bench [--resize PX] [--quality Q] [--workers N] --out DIR FILE...`
//! prepares the files like `dkcloud prepare` would and prints how long it took.

use std::path::PathBuf;
use std::time::Instant;

use dkcloud_prepare::{prepare_stream, Destination, PrepareOptions};

fn main() {
    let mut options = PrepareOptions {
        resize: Some(2048),
        quality: 85,
        ..PrepareOptions::default()
    };
    let mut workers = 0;
    let mut out = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--resize" => {
                options.resize = Some(value().parse().unwrap_or_else(|_| usage("bad --resize")))
            }
            "--quality" => {
                options.quality = value().parse().unwrap_or_else(|_| usage("bad --quality"))
            }
            "--workers" => workers = value().parse().unwrap_or_else(|_| usage("bad --workers")),
            "--out" => out = Some(PathBuf::from(value())),
            "--strip-location" => options.strip_location = true,
            _ if arg.starts_with("--") => usage(&format!("unknown option {arg}")),
            _ => files.push(PathBuf::from(arg)),
        }
    }
    let out = out.unwrap_or_else(|| usage("--out DIR is required"));
    if files.is_empty() {
        usage("no files given");
    }
    std::fs::create_dir_all(&out).expect("creating the output folder");

    let started = Instant::now();
    let count = files.len();
    let mut results = prepare_stream(files, options, Destination::Directory(out), workers, 2);
    let mut failed = 0;
    while let Some(item) = results.blocking_recv() {
        match item.result {
            Ok(prepared) => prepared
                .notices
                .iter()
                .for_each(|n| eprintln!("{}: {n}", item.path.display())),
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "{count} files, {failed} failed, {elapsed:.3} s, {:.2} files/s",
        count as f64 / elapsed
    );
    if failed > 0 {
        std::process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("{problem}\nusage: bench [--resize PX] [--quality Q] [--workers N] [--strip-location] --out DIR FILE...");
    std::process::exit(2);
}
