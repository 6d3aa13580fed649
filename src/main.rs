fn main() {
    std::process::exit(motebok::cmd::main());
}
