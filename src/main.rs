use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use lambdatop::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(shell) = cli.completions {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "lambdatop",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lambdatop: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(lambdatop::app::run(cli));
    // Pollers may be waiting on the network: do not wait for them.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        Err(e) if e.is::<lambdatop::app::UsageError>() => {
            eprintln!("lambdatop: {e:#}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("lambdatop: {e:#}");
            ExitCode::FAILURE
        }
    }
}
