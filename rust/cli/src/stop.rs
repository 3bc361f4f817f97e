//! Stopping a run: the first Ctrl+C (SIGINT) or SIGTERM, what systemd sends a
//! stopped unit, suspends the job (what was sent stays for `dkcloud resume`);
//! a second one ends the process at once.
//!
//! The second stop is acted on inside the signal handler itself: a run whose
//! suspension cannot finish (its output blocked on a pipe nobody reads, every
//! runtime thread busy) still ends. The handler touches only atomics and
//! `_exit`, which are async-signal-safe.

use crate::exit;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Whether a run is watching for stops; outside a run a signal counts for nothing.
static ARMED: AtomicBool = AtomicBool::new(false);
/// Stop signals seen by the running run.
static SEEN: AtomicUsize = AtomicUsize::new(0);
static INSTALLED: OnceLock<std::io::Result<()>> = OnceLock::new();

/// SIGINT and SIGTERM, watched from before the job starts.
pub(crate) struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    pub(crate) fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    /// The next signal's name.
    pub(crate) async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "Interrupted",
            _ = self.terminate.recv() => "Terminated",
        }
    }
}

/// While held, a second stop signal ends the process at once.
pub(crate) struct SecondStopExits(());

impl SecondStopExits {
    pub(crate) fn arm() -> std::io::Result<Self> {
        install_second_stop()?;
        SEEN.store(0, Ordering::SeqCst);
        ARMED.store(true, Ordering::SeqCst);
        Ok(Self(()))
    }
}

impl Drop for SecondStopExits {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
    }
}

/// Adds, once per process, an action beside tokio's for both signals: the
/// second stop of an armed run exits with code 130 there and then.
fn install_second_stop() -> std::io::Result<()> {
    let installed = INSTALLED.get_or_init(|| {
        for signal in [libc::SIGINT, libc::SIGTERM] {
            // SAFETY: the action is async-signal-safe: atomic loads and adds and `_exit`.
            unsafe {
                signal_hook_registry::register(signal, || {
                    if ARMED.load(Ordering::SeqCst) && SEEN.fetch_add(1, Ordering::SeqCst) >= 1 {
                        libc::_exit(exit::INTERRUPTED.into());
                    }
                })
            }?;
        }
        Ok(())
    });
    match installed {
        Ok(()) => Ok(()),
        Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ctrl_c_and_sigterm_are_both_heard_and_told_apart() {
        let mut stops = StopSignals::new().unwrap();
        let _armed = SecondStopExits::arm().unwrap();
        for (signal, name) in [(libc::SIGINT, "Interrupted"), (libc::SIGTERM, "Terminated")] {
            // The second signal would end this test process: count each as the first.
            SEEN.store(0, Ordering::SeqCst);
            // SAFETY: a signal to this process, whose handler was installed above.
            assert_eq!(unsafe { libc::kill(libc::getpid(), signal) }, 0);
            let heard = tokio::time::timeout(std::time::Duration::from_secs(5), stops.next()).await;
            assert_eq!(heard, Ok(name));
        }
    }
}
