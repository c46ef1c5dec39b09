use clap::Parser;

fn main() {
    let cli = contract_gate::cli::Cli::parse();
    std::process::exit(contract_gate::cli::run(cli));
}
