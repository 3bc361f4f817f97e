//! The dkcloud upload engine.
