//! Bounded parallel preparation that an async uploader consumes.
//!
//! Each worker thread holds at most one decoded image, and finished results wait in a
//! channel of fixed size: memory stays flat however many photos are queued, and when
//! uploads are slower than preparation the workers simply wait.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::{prepare_file, Destination, PrepareError, PrepareOptions, Prepared};

/// One finished file of a batch, in completion order; `index` is its place in the input.
#[derive(Debug)]
pub struct BatchItem {
    pub index: usize,
    pub path: PathBuf,
    pub result: Result<Prepared, PrepareError>,
}

/// Prepares `paths` on `workers` dedicated threads (0 means one per core) and returns
/// a channel of results holding at most `lookahead` finished files (at least 1).
///
/// Works from async code (`recv().await`) and from plain threads (`blocking_recv()`).
/// Dropping the receiver stops the workers after the files they are on.
pub fn prepare_stream(
    paths: Vec<PathBuf>,
    options: PrepareOptions,
    destination: Destination,
    workers: usize,
    lookahead: usize,
) -> mpsc::Receiver<BatchItem> {
    let (tx, rx) = mpsc::channel(lookahead.max(1));
    let workers = if workers == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        workers
    };
    let shared = Arc::new((paths, options, destination, AtomicUsize::new(0)));
    for n in 0..workers.min(shared.0.len()) {
        let tx = tx.clone();
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("dkcloud-prepare-{n}"))
            .spawn(move || {
                let (paths, options, destination, next) = &*shared;
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(index) else { break };
                    let result = prepare_file(path, options, destination);
                    let item = BatchItem {
                        index,
                        path: path.clone(),
                        result,
                    };
                    if tx.blocking_send(item).is_err() {
                        break;
                    }
                }
            })
            .expect("spawning a preparation thread");
    }
    rx
}
