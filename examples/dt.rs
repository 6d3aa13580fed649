fn main() {
    let rules = motebok::rules::Rules::embedded();
    for s in std::env::args().skip(1) {
        println!("{s:?}: find={:?} parse={:?} time={:?}", motebok::dates::find_date(&s, None, &rules).map(|d| d.0.to_string()), motebok::dates::parse_date(&s, None, &rules).map(|d| d.to_string()), motebok::dates::find_time_range(&s));
    }
}
