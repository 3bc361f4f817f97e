//! (to be written)

use crate::{App, Config};
use axum::Router;
use std::path::Path;

pub struct GraphState {}

impl GraphState {
    pub fn open(_config: &Config, _state_dir: &Path) -> std::io::Result<Self> {
        Ok(Self {})
    }
}

pub fn routes() -> Router<App> {
    Router::new()
}
