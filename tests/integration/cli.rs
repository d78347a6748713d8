//! The binary as a user runs it: snapshots, usage errors, exit codes.

use crate::common::{self, CLOCK, lambdatop};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

#[test]
fn demo_once_prints_a_clean_table() {
    let out = lambdatop(&["--demo", "--once", CLOCK]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no escape codes when piped");
    insta::assert_snapshot!(text);
}

#[test]
fn demo_once_honours_functions_sort_and_limit() {
    let out = lambdatop(&[
        "--demo",
        "--once",
        CLOCK,
        "--functions",
        "salesPipe-*",
        "--sort",
        "errors",
        "--limit",
        "1",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(5).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert!(rows[0].starts_with("salesPipe-prod-dispatch"), "{text}");
}

#[test]
fn the_dashboard_needs_a_terminal() {
    let out = lambdatop(&["--demo", CLOCK]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("not a terminal") && err.contains("--once"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let out = lambdatop(&["--demo", "--window", "9d"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("invalid window"), "{err}");

    let out = lambdatop(&["--bogus"]);
    assert_eq!(out.status.code(), Some(2));

    let out = lambdatop(&["--demo", "--once", "--functions", "[oops"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_teaches() {
    let out = lambdatop(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--demo",
        "--replay",
        "--once",
        "--profile",
        "--region",
        "Examples:",
        "Exit codes",
        "--fail-on",
        "'error_rate>1%'",
        "3 a --fail-on rule held",
        "malformed",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn completions_for_bash() {
    let out = lambdatop(&["--completions", "bash"]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("lambdatop"));
}

#[test]
fn a_bad_config_file_is_a_usage_error_naming_file_and_line() {
    let dir = std::env::temp_dir().join(format!("lambdatop-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, "window = \"1h\"\nrefresh = 5\n").unwrap();
    let out = lambdatop(&["--demo", "--once", "--config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(path.to_str().unwrap())
            && err.contains("line 2")
            && err.contains("unknown field `refresh`"),
        "{err}"
    );
    // A good one is used: its window shows in the snapshot header.
    std::fs::write(&path, "window = \"15m\"\n").unwrap();
    let out = lambdatop(&[
        "--demo",
        "--once",
        CLOCK,
        "--config",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("last 15m"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_source_snapshots_without_a_terminal() {
    for format in ["table", "json", "csv", "markdown"] {
        let out = lambdatop(&[
            "--replay",
            "tests/data/replay/tail.log",
            "--once",
            "--output",
            format,
        ]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("tail"), "{format}: {text}");
    }
    let out = lambdatop(&[
        "--replay",
        "tests/data/replay/tail.log",
        "--once",
        "-o",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["source"], "replay");
    assert!(doc["region"].is_null());
    assert!(doc["functions"][0]["report"].is_object(), "{doc}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--demo", "--once", CLOCK, "-o", "csv", "--fail-on", "alarm"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read nothing: close our end at once, as `| head -0` would.
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(3), "the rules still decide: {err}");
    assert!(!err.contains("cannot write"), "{err}");
}

#[test]
fn without_credentials_one_sentence_suggests_demo() {
    let home = std::env::temp_dir().join(format!("lambdatop-nohome-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--once", "--region", "us-east-1"])
        .env_clear()
        .env("HOME", &home)
        // Never probe the instance metadata service from a test.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("No AWS credentials found.") && err.contains("--demo"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

/// A scratch directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lambdatop-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

#[test]
fn a_log_file_fifo_without_a_reader_is_refused_at_once() {
    let dir = scratch("fifo-no-reader");
    let fifo = dir.join("log");
    mkfifo(&fifo);
    let out = common::lambdatop_within(
        &[
            "--demo".as_ref(),
            "--once".as_ref(),
            "--log-file".as_ref(),
            fifo.as_os_str(),
        ],
        Duration::from_secs(20),
    )
    .expect("lambdatop hung opening a FIFO nobody reads");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "lambdatop: cannot open --log-file {}: it is a FIFO that no process reads\n",
            fifo.display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_log_file_whose_reader_never_reads_does_not_stall_a_replay() {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;

    let dir = scratch("fifo-stuck-reader");
    let fifo = dir.join("log");
    mkfifo(&fifo);
    // A reader that never reads, with the smallest pipe Linux has: one page.
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(OFlag::O_NONBLOCK.bits())
        .open(&fifo)
        .expect("reader");
    let size = fcntl(&reader, FcntlArg::F_SETPIPE_SZ(4096)).expect("F_SETPIPE_SZ");
    assert_eq!(size, 4096);
    // 48 MB of REPORT lines: a diagnostic line per 512 KiB block read, about 7 KB in all.
    let input = dir.join("big.log");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    for i in 0..320_000 {
        writeln!(
            w,
            "2024/03/05/[$LATEST]abc 2024-03-05T10:{:02}:{:02}.000Z REPORT RequestId: {i:08}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB",
            i / 60 % 60,
            i % 60
        )
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let started = Instant::now();
    let out = common::lambdatop_within(
        &[
            "--replay".as_ref(),
            input.as_os_str(),
            "--function".as_ref(),
            "f".as_ref(),
            "--once".as_ref(),
            "-o".as_ref(),
            "csv".as_ref(),
            "--log-file".as_ref(),
            fifo.as_os_str(),
        ],
        Duration::from_secs(120),
    )
    .expect("lambdatop stalled on a log file nobody reads");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\r\nf,320000,"),
        "the snapshot is whole"
    );
    assert!(
        err.contains("note: --log-file was not read in time"),
        "the end says the log is incomplete: {err}"
    );
    eprintln!(
        "replay with a stuck --log-file reader: {:?}",
        started.elapsed()
    );
    drop(reader);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn help_version_and_completions_on_a_full_device_fail() {
    for (args, what) in [
        (&["--help"][..], "the help"),
        (&["--version"], "the version"),
        (&["--completions", "bash"], "the completions"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
            .args(args)
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("lambdatop: cannot write {what}: No space left on device (os error 28)\n"),
        );
    }
    // Into a pipe, they are printed as before.
    assert!(lambdatop(&["--version"]).stdout.starts_with(b"lambdatop "));
}

/// `lambdatop --demo --once --config PATH` at the fixed clock.
fn once_with_config(path: &Path) -> Output {
    lambdatop(&[
        "--demo",
        "--once",
        CLOCK,
        "--config",
        path.to_str().unwrap(),
    ])
}

/// Writes `text` as a config file and runs a snapshot with it: the exit code, and standard error
/// with the file's path as `[FILE]`.
fn with_config_text(dir: &Path, text: &str) -> (Option<i32>, String) {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    let out = once_with_config(&path);
    let err = String::from_utf8_lossy(&out.stderr).replace(&*path.to_string_lossy(), "[FILE]");
    (out.status.code(), err)
}

#[test]
fn refresh_0_is_refused_alike_on_the_command_line_and_in_the_config_file() {
    let out = lambdatop(&["--demo", "--once", CLOCK, "--refresh", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: invalid value '0' for '--refresh <SECONDS>': use 1 or more\n"),
        "{err}"
    );
    let dir = scratch("refresh");
    assert_eq!(
        with_config_text(&dir, "refresh_seconds = 0\n"),
        (
            Some(2),
            "lambdatop: bad config file [FILE]: refresh_seconds = 0: use 1 or more\n".to_string()
        )
    );
    // 1 is fine in both.
    assert_eq!(
        with_config_text(&dir, "refresh_seconds = 1\n"),
        (Some(0), String::new())
    );
    let out = lambdatop(&["--demo", "--once", CLOCK, "--refresh", "1"]);
    assert!(out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prices_that_are_not_a_finite_amount_of_0_or_more_are_refused() {
    let dir = scratch("pricing");
    for (value, shown) in [
        ("nan", "NaN"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("-0.0001", "-0.0001"),
    ] {
        let text = format!("[pricing]\ngb_second_usd_x86_64 = {value}\n");
        assert_eq!(
            with_config_text(&dir, &text),
            (
                Some(2),
                format!(
                    "lambdatop: bad config file [FILE]: pricing.gb_second_usd_x86_64 = {shown}: use a price in US dollars, a finite number of 0 or more\n"
                )
            )
        );
    }
    assert_eq!(
        with_config_text(&dir, "[pricing]\nrequest_usd_per_million = 0\n"),
        (Some(0), String::new()),
        "a price of 0 is fine"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_files_are_read_only_when_small_regular_text() {
    common::refuses_unreadable_files("--config", "config file");
    // Text that is not TOML: where, and what the parser expected, never the text.
    let dir = scratch("config-shadow");
    let shadow = dir.join("shadow");
    std::fs::write(&shadow, "root:$6$TOP-SECRET-HASH:20228:0:99999:7:::\n").unwrap();
    let out = once_with_config(&shadow);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1, column "), "{err}");
    assert!(!err.contains("SECRET") && !err.contains("root"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = lambdatop(&["--version"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let re = regex::Regex::new(
        r"^lambdatop (\d+\.\d+\.\d+) \(commit ([0-9a-f]{7,}|unknown), built (\d{4}-\d{2}-\d{2}), [a-z0-9_]+-[a-z0-9_.-]+\)\n$",
    )
    .unwrap();
    let caps = re.captures(&text).unwrap_or_else(|| panic!("{text:?}"));
    assert_eq!(&caps[1], env!("CARGO_PKG_VERSION"));
    assert!(chrono::NaiveDate::parse_from_str(&caps[3], "%Y-%m-%d").is_ok());
    // Built from a clone, the commit is the one checked out (when git can tell).
    if std::path::Path::new(".git").exists()
        && let Ok(git) = Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .output()
        && git.status.success()
    {
        let head = String::from_utf8(git.stdout).unwrap();
        // A commit made since the build would differ: the build reruns when HEAD moves.
        assert_eq!(&caps[2], head.trim());
    }
    // -V stays short, for scripts.
    let out = lambdatop(&["-V"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("lambdatop {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// `doc/lambdatop.1`, regenerated with `UPDATE_DOCS=1 cargo test --test integration cli::`.
#[test]
fn the_man_page_is_made_from_the_command_line_and_kept_in_step() {
    let page = lambdatop::cli::Cli::man_page();
    let path = std::path::Path::new("doc/lambdatop.1");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all("doc").unwrap();
        std::fs::write(path, &page).unwrap();
    }
    let kept = std::fs::read(path).unwrap_or_default();
    assert!(
        kept == page,
        "doc/lambdatop.1 differs from the command line's definition: regenerate it with \
         UPDATE_DOCS=1 cargo test --test integration cli::the_man_page"
    );
    let out = lambdatop(&["--man"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, page, "--man prints the same page");
    let text = String::from_utf8(page).unwrap();
    assert!(text.starts_with(".ie") && text.contains(".TH lambdatop 1"));
    for arg in lambdatop::cli::Cli::command_with_figures().get_arguments() {
        if arg.is_hide_set() {
            continue;
        }
        if let Some(long) = arg.get_long() {
            let roff = format!("\\fB\\-\\-{}\\fR", long.replace('-', "\\-"));
            assert!(text.contains(&roff), "the man page lacks --{long}");
        }
    }
    for section in ["NOTES", "ENVIRONMENT", "FILES", "Exit codes"] {
        assert!(text.contains(section), "the man page lacks {section}");
    }
    // The page names the version alone: it changes with the interface, not with every commit.
    assert!(!text.contains("commit"), "{text}");
}

#[test]
fn an_output_format_implies_once() {
    let out = lambdatop(&["--demo", CLOCK, "-o", "json", "--fail-on", "alarm"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["source"], "demo");
    // --fail-on still needs a snapshot.
    let out = lambdatop(&["--demo", CLOCK, "--fail-on", "alarm"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn color_always_never_and_the_environment() {
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
            .args(["--demo", "--once", CLOCK])
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().contains('\u{1b}')
    };
    // Piped: plain unless forced.
    assert!(!run(&[], &[]));
    assert!(run(&["--color", "always"], &[]));
    assert!(
        run(&["--color=always"], &[("NO_COLOR", "1")]),
        "the command line wins"
    );
    assert!(run(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!run(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(!run(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    // Only the table is ever coloured.
    assert!(!run(&["--color", "always", "-o", "csv"], &[]));
}

/// Runs `--once` against a port nobody listens on, with static keys from the environment and a
/// diagnostics log; returns the log.
fn log_of_a_failed_run(extra: &[&str], env: &[(&str, &str)]) -> String {
    let dir = std::env::temp_dir().join(format!(
        "lambdatop-sdklog-{}-{}",
        std::process::id(),
        extra.join("").replace('-', "")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("diag.log");
    let _ = std::fs::remove_file(&log);
    let endpoint = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args([
            "--once",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &endpoint,
        ])
        .arg("--log-file")
        .arg(&log)
        .args(extra)
        .env_clear()
        .env("HOME", &dir)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env(
            "AWS_SESSION_TOKEN",
            "IQoJb3JpZ2luX2VjEJrSESSIONTOKENEXAMPLE",
        )
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    for secret in [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "IQoJb3JpZ2luX2VjEJrSESSIONTOKENEXAMPLE",
    ] {
        assert!(!text.contains(secret), "{secret} reached the log:\n{text}");
    }
    text
}

#[test]
fn the_sdks_own_events_reach_the_log_file_redacted_at_the_level_asked() {
    let sdk_lines = |text: &str, level: &str| {
        text.lines()
            .filter(|l| l.contains(&format!(" sdk {level} aws_")))
            .count()
    };
    let info = log_of_a_failed_run(&[], &[]);
    assert!(info.contains("lambdatop started"), "{info}");
    assert_eq!(sdk_lines(&info, "DEBUG"), 0, "{info}");
    assert_eq!(sdk_lines(&info, "TRACE"), 0, "{info}");

    for (args, env) in [
        (&["--debug"][..], &[][..]),
        (&[][..], &[("LAMBDATOP_LOG", "debug")][..]),
    ] {
        let debug = log_of_a_failed_run(args, env);
        assert!(sdk_lines(&debug, "DEBUG") > 0, "{debug}");
        assert_eq!(sdk_lines(&debug, "TRACE"), 0);
        // Credential resolution is there: which provider of the chain gave them.
        assert!(
            debug
                .lines()
                .any(|l| l.contains(" sdk ") && l.to_lowercase().contains("credentials")),
            "{debug}"
        );
    }
    // Trace shows the signed requests: their key id, signature and token are redacted.
    let trace = log_of_a_failed_run(&["--log-level", "trace"], &[]);
    assert!(sdk_lines(&trace, "TRACE") > 0, "{trace}");
    assert!(trace.contains("[REDACTED"), "{trace}");
}
