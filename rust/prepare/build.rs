//! Compiles the row-by-row libjpeg glue against the libjpeg-turbo that `turbojpeg-sys`
//! builds (its headers come through the `DEP_TURBOJPEG_INCLUDE` link metadata).

fn main() {
    println!("cargo:rerun-if-changed=csrc/jpeg_rows.c");
    let mut build = cc::Build::new();
    build.file("csrc/jpeg_rows.c").opt_level(2).warnings(true);
    if let Ok(includes) = std::env::var("DEP_TURBOJPEG_INCLUDE") {
        for dir in includes.split(',').filter(|d| !d.is_empty()) {
            build.include(dir);
        }
    }
    build.compile("dkcloud_jpeg_rows");
}
