//! No panic may unwind into digiKam: every entry point runs through `guarded`.

use crate::{BridgeError, BridgeResult};
use std::panic::{catch_unwind, AssertUnwindSafe};

pub(crate) fn guarded<T>(what: &str, f: impl FnOnce() -> BridgeResult<T>) -> BridgeResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(BridgeError::new(
            crate::bridge::ErrorKind::Internal,
            format!("internal error in {what}: {}", panic_message(&payload)),
        )),
    }
}

/// For entry points that cannot fail: a panic is logged and swallowed.
pub(crate) fn guarded_infallible<T: Default>(what: &str, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        eprintln!("dkcloud: internal error in {what}: {}", panic_message(&payload));
        T::default()
    })
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    dkcloud_engine::upload::panic_text(payload.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let result: BridgeResult<()> = guarded("test", || panic!("boom"));
        let error = result.unwrap_err();
        assert_eq!(error.detail(), "internal error in test: boom");
        assert_eq!(crate::error_kind_of(&error.0), crate::bridge::ErrorKind::Internal);
    }
}
