//! Print how a PDF is cut into logical documents, each with the signs its
//! kind was decided from: a tool for rule writers.
//! `cargo run --example segments -- FILE.pdf`
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: segments FILE.pdf");
        std::process::exit(2);
    };
    let rules = motebok::rules::Rules::embedded();
    let bytes = std::fs::read(&path).expect("readable file");
    let decoded = motebok::pdf::decode(&bytes, &Default::default()).expect("decodable PDF");
    let lines = motebok::read::lines::clean_pages(&decoded.pages, &rules);
    for s in motebok::read::documents::segment(&lines, &rules) {
        let title: Vec<&str> = lines[s.start..s.title_end].iter().map(|l| l.text.as_str()).collect();
        println!(
            "{:?} ({:?}) lines {}..{} (pages {}-{}) box {:?}: title {:?}",
            s.kind,
            s.origin,
            s.start,
            s.end,
            lines[s.start].page,
            lines[s.end - 1].page,
            s.memo_box,
            title
        );
        println!("  {:?}", motebok::read::documents::evidence(&lines[s.start..s.end], s.title_end - s.start, &rules));
    }
}
