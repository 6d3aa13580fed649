fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let d = motebok::pdf::decode(&bytes, &Default::default()).unwrap();
    for p in d.pages { println!("\x0c--- page {} ({:?})\n{}", p.number, p.engine, p.text); }
}
