//! Parse a text file as if it were a PDF's text layer and print the
//! documents as JSON: a tool for trying rules on new layouts.
//! `cargo run --example parse_text -- FILE.txt [LINES_PER_PAGE]`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: parse_text FILE.txt [LINES_PER_PAGE]");
        std::process::exit(2);
    };
    let per_page: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(55);
    let text = std::fs::read_to_string(path).expect("readable text file");
    let lines: Vec<&str> = text.lines().collect();
    let pages: Vec<motebok::pdf::PageText> = lines
        .chunks(per_page.max(1))
        .enumerate()
        .map(|(i, c)| motebok::pdf::PageText::new(i as u32 + 1, c.join("\n"), motebok::model::Engine::Lopdf))
        .collect();
    let docs = motebok::read::read_file(&pages, &motebok::rules::Rules::embedded());
    println!("{}", serde_json::to_string_pretty(&docs).expect("serialisable"));
}
