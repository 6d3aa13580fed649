//! Write the generated text-fidelity cases (`pdfgen::fidelity`) into a
//! directory, for the fidelity benchmark (`benches/fidelity.sh`).
//!
//! `cargo run --release --example fidelity -- DIR`

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: fidelity DIR");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    for case in motebok::pdfgen::fidelity::cases() {
        let path = dir.join(format!("{}.pdf", case.name));
        if let Err(e) = std::fs::write(&path, &case.bytes) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
        println!("{}\t{}", path.display(), case.what);
    }
}
