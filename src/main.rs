fn main() {
    std::process::exit(motebok::cli::main());
}
