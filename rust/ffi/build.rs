//! Generates the C++ side of the bridge and compiles it into this crate (it
//! ends up inside the static library). When CMake asks for it through
//! `DKCLOUD_FFI_INCLUDE_DIR`, also copies the headers the plugin needs to a
//! place it knows: cargo's own output folder has a hash in its name.

use std::path::{Path, PathBuf};

fn main() {
    cxx_build::bridge("src/lib.rs").std("c++17").compile("dkcloud-ffi-bridge");
    println!("cargo:rerun-if-changed=src/lib.rs");
    println!("cargo:rerun-if-changed=include/events.h");
    println!("cargo:rerun-if-env-changed=DKCLOUD_FFI_INCLUDE_DIR");

    let Some(dest) = std::env::var_os("DKCLOUD_FFI_INCLUDE_DIR").map(PathBuf::from) else { return };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = out.join("cxxbridge").join("include");
    let copies = [
        (generated.join("rust").join("cxx.h"), dest.join("rust").join("cxx.h")),
        (generated.join("dkcloud-ffi").join("src").join("lib.rs.h"), dest.join("dkcloud-ffi").join("src").join("lib.rs.h")),
        (PathBuf::from("include").join("events.h"), dest.join("dkcloud-ffi").join("include").join("events.h")),
    ];
    for (from, to) in &copies {
        copy_if_changed(from, to);
        // A missing copy (a fresh CMake build folder) makes cargo run this again.
        println!("cargo:rerun-if-changed={}", to.display());
    }
}

fn copy_if_changed(from: &Path, to: &Path) {
    let data = std::fs::read(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    if std::fs::read(to).ok().as_deref() == Some(&data[..]) {
        return;
    }
    std::fs::create_dir_all(to.parent().expect("has a parent")).expect("create include folder");
    std::fs::write(to, data).unwrap_or_else(|e| panic!("cannot write {}: {e}", to.display()));
}
