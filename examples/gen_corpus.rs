//! Write a long, seed-like minutes PDF for the throughput benchmark
//! (`benches/throughput.sh`): the seed texts of the fixtures, one after
//! another and over again, typeset in Helvetica (WinAnsi) at `LINES` lines a
//! page until the file has `PAGES` pages.
//!
//! `cargo run --release --example gen_corpus -- OUT.pdf [PAGES] [LINES]`
//! (defaults: 200 pages, 45 lines a page).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(out) = args.get(1) else {
        eprintln!("usage: gen_corpus OUT.pdf [PAGES] [LINES_PER_PAGE]");
        std::process::exit(2);
    };
    let pages: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let per_page: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(45).max(1);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seeds");
    let mut seed_lines: Vec<String> = Vec::new();
    for id in ["002", "000", "001", "003", "004"] {
        let text = std::fs::read_to_string(root.join(format!("{id}.txt"))).expect("seed text");
        seed_lines.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    }
    let lines: Vec<&str> = seed_lines.iter().map(String::as_str).cycle().take(pages * per_page).collect();
    // Each page ends with its page number, furniture as the fixtures have it.
    let mut text = String::new();
    for (n, chunk) in lines.chunks(per_page).enumerate() {
        for line in chunk {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&format!("side {}\n", n + 1));
    }
    let bytes = motebok::pdfgen::text_pdf(&text, per_page + 1);
    std::fs::write(out, bytes).expect("output written");
}
