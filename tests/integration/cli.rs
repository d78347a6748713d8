//! The binary as a user runs it: snapshots, usage errors, exit codes.

use crate::common::{CLOCK, lambdatop};
use std::process::Command;

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
