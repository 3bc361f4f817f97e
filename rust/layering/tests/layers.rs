//! Every crate of the workspace keeps its house rules (see the crate's docs):
//! no import circle between files or top-level modules, and no top-level
//! module importing from a layer above its own, in the order of the crate's
//! `LAYERS` file.

use std::path::{Path, PathBuf};

fn crate_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name)
}

fn keeps_its_layers(name: &str, at_least_files: usize) {
    let findings = dkcloud_layering::check(&crate_dir(name));
    assert!(findings.files >= at_least_files, "{name}: only {} source files found", findings.files);
    assert!(findings.is_clean(), "rust/{name}:\n{}", findings.report());
}

#[test]
fn the_engine_keeps_its_layers() {
    keeps_its_layers("engine", 60);
}

#[test]
fn the_command_line_tool_keeps_its_layers() {
    keeps_its_layers("cli", 25);
}

#[test]
fn a_layer_reaching_up_is_found() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "mod low;\nmod high;\n").unwrap();
    std::fs::write(dir.join("src/low.rs"), "use crate::high::Thing;\npub struct Base;\n").unwrap();
    std::fs::write(dir.join("src/high.rs"), "pub struct Thing;\n").unwrap();
    std::fs::write(dir.join("LAYERS"), "low\nhigh\n").unwrap();
    let findings = dkcloud_layering::check(&dir);
    assert_eq!(findings.against_the_order.len(), 1, "{}", findings.report());
    assert!(findings.against_the_order[0].contains("low (layer 1) -> high (layer 2)"), "{}", findings.report());
    std::fs::write(dir.join("LAYERS"), "high\nlow\n").unwrap();
    assert!(dkcloud_layering::check(&dir).is_clean());
    std::fs::write(dir.join("LAYERS"), "high\n").unwrap();
    assert_eq!(dkcloud_layering::check(&dir).undeclared, vec!["  low (not in LAYERS)".to_owned()]);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dkcloud-layering-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_emulator_keeps_its_layers() {
    keeps_its_layers("emulator", 50);
}
