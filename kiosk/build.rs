//! Compiles the Slint UI with its bundled translations and the debug information the UI tests
//! need to find elements by their accessible labels.

fn main() {
    // Read when the script runs, not when it is compiled: a build script compiled in one
    // checkout may be run for another (a clean clone sharing the target directory).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations(format!("{manifest_dir}/lang"))
        .with_debug_info(true);
    if let Err(error) = slint_build::compile_with_config("ui/app.slint", config) {
        panic!("the Slint UI does not compile: {error}");
    }
}
