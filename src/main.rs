#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use lambdatop::cli::Cli;
use lambdatop::sanitize::sanitize_lines;

fn main() -> ExitCode {
    let cli = match Cli::try_parse_args() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
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
    if let Some(note) = lambdatop::diag::finish().note() {
        complain(&format!("note: {note}"));
    }
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

/// What a command line that did not parse gets: `--help` and `--version` their text on standard
/// output (exit 1 when it cannot be written, e.g. to a full disk), a mistake its message (exit 2).
fn usage(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let what = if e.kind() == ErrorKind::DisplayHelp {
                "the help"
            } else {
                "the version"
            };
            printed(e.print().and_then(|()| std::io::stdout().flush()), what)
        }
        _ => {
            // Plain text, made inert: the message quotes the argument as given.
            let message = sanitize_lines(&e.render().to_string());
            let _ = write!(std::io::stderr(), "{}", message);
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}

/// Writes `text` (`what`, for an error message) to standard output.
fn print(text: &[u8], what: &str) -> ExitCode {
    let mut stdout = std::io::stdout();
    printed(stdout.write_all(text).and_then(|()| stdout.flush()), what)
}

/// Exit status after printing `what` on standard output: a reader that went away is fine, any
/// other failure is told on standard error.
fn printed(result: std::io::Result<()>, what: &str) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            complain(&format!("cannot write {what}: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Prints an error on standard error, made inert: messages quote paths, values and what AWS or a
/// file said. Unlike `eprintln!`, does not panic when standard error is gone too (a closed
/// terminal).
fn complain(message: &str) {
    let _ = writeln!(std::io::stderr(), "lambdatop: {}", sanitize_lines(message));
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
