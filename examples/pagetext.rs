//! Print the page text of a PDF as the pipeline reads it, one page after
//! another. `cargo run --example pagetext -- FILE.pdf`
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pagetext FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).expect("readable file");
    let d = motebok::pdf::decode(&bytes, &Default::default()).expect("decodable PDF");
    for p in d.pages {
        println!("\x0c--- page {} ({:?})\n{}", p.number, p.engine, p.text);
    }
}
