//! Compiles the Slint UI with the debug information the UI tests need to find elements by
//! their accessible labels.

fn main() {
    let config = slint_build::CompilerConfiguration::new().with_debug_info(true);
    if let Err(error) = slint_build::compile_with_config("ui/board.slint", config) {
        panic!("the Slint UI does not compile: {error}");
    }
}
