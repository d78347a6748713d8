#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use lambdatop::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    if let Some(shell) = cli.completions {
        // Generated into memory first: clap_complete panics when its writer fails.
        let mut script = Vec::new();
        clap_complete::generate(
            shell,
            &mut Cli::command_with_figures(),
            "lambdatop",
            &mut script,
        );
        return print(&script, "the completions");
    }
    if cli.man {
        return print(&Cli::man_page(), "the manual page");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            complain(&format!("cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(lambdatop::app::run(cli));
    // Pollers may be waiting on the network: do not wait for them.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        // The reader of our output went away (`lambdatop --once | head`): nothing to tell it.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.is::<lambdatop::app::UsageError>() => {
            complain(&format!("{e:#}"));
            ExitCode::from(2)
        }
        Err(e) => {
            complain(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

/// Writes `text` (`what`, for an error message) to standard output; a closed pipe is not an
/// error.
fn print(text: &[u8], what: &str) -> ExitCode {
    match std::io::stdout().write_all(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            complain(&format!("cannot write {what}: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Prints an error on standard error. Unlike `eprintln!`, does not panic when standard error is
/// gone too (a closed terminal).
fn complain(message: &str) {
    let _ = writeln!(std::io::stderr(), "lambdatop: {message}");
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
