//! The async runtime, created the first time the plugin needs the network and
//! never when digiKam merely loads the plugin.

use crate::{BridgeError, BridgeResult};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

pub(crate) fn runtime() -> BridgeResult<&'static Runtime> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("dkcloud-engine")
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start dkcloud's network threads: {e}"))
        })
        .as_ref()
        .map_err(|e| BridgeError::new(crate::bridge::ErrorKind::Internal, e.clone()))
}

/// Runs a future to completion from a thread that is not one of the runtime's.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> BridgeResult<F::Output> {
    Ok(runtime()?.block_on(future))
}
