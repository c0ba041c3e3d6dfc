//! The `cph50` binary: all the work happens in the library's `run`.

fn main() {
    std::process::exit(cph50::run(std::env::args_os()));
}
