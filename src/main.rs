use clap::Parser;

fn main() {
    contract_gate::panic_guard::install_panic_guard();
    let cli = contract_gate::cli::Cli::parse();
    std::process::exit(contract_gate::cli::run(cli));
}
