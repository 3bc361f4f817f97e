//! Upload jobs: walking the sources, planning remote names, parallel
//! transfers, the resume journal, progress and cancel.

pub mod source;
