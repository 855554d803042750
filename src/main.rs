//! loadlab's entry point: parse the command line, run one command, exit with its status.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = loadlab::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadlab: error: cannot start the async runtime: {e}");
            return ExitCode::from(loadlab::commands::exit::CANNOT_RUN);
        }
    };
    match runtime.block_on(loadlab::commands::execute(cli)) {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            eprintln!("loadlab: error: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}
