//! Rebuilds the binary when a file is added to or removed from `templates/`: `include_dir!`
//! (src/render/tera_env.rs) tracks the files it embeds, not the folder's list of files.

fn main() {
    println!("cargo:rerun-if-changed=templates");
}
