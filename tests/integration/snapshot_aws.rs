//! `lambdatop --once` end to end against the local AWS peer (moto + the CBOR adapter): the
//! binary, pointed at the peer by the standard `AWS_*` variables, prints a JSON snapshot whose
//! figures are the seeded ones, and `--fail-on` sees them.

use crate::support;

use std::process::Command;

use aws_sdk_cloudwatch::types::{StandardUnit, StateValue};
use aws_sdk_lambda::types::Architecture;
use chrono::{DateTime, Duration, DurationRound, Utc};
use support::peer::{AlarmSeed, FunctionSeed, LocalAws};

fn base_minute() -> DateTime<Utc> {
    (Utc::now() - Duration::minutes(20))
        .duration_trunc(Duration::minutes(1))
        .expect("truncate")
}

async fn seed(aws: &LocalAws) {
    let t0 = base_minute();
    let t1 = t0 + Duration::minutes(1);
    aws.create_function(&FunctionSeed {
        memory_mb: 512,
        architecture: Architecture::Arm64,
        ..FunctionSeed::new("checkout")
    })
    .await;
    aws.put_metric(
        "checkout",
        "Invocations",
        StandardUnit::Count,
        &[(t0, 10.0), (t1, 5.0)],
    )
    .await;
    aws.put_metric("checkout", "Errors", StandardUnit::Count, &[(t0, 1.0)])
        .await;
    aws.put_metric(
        "checkout",
        "Duration",
        StandardUnit::Milliseconds,
        &[(t0, 100.0), (t0, 200.0), (t1, 60.0)],
    )
    .await;
    aws.put_alarm(&AlarmSeed::new(
        "checkout-errors",
        "checkout",
        "Errors",
        StateValue::Alarm,
    ))
    .await;
    let group = "/aws/lambda/checkout";
    aws.create_log_group(group).await;
    aws.create_log_stream(group, "2026/01/01/[$LATEST]abc")
        .await;
    let r1 = "REPORT RequestId: r-1\tDuration: 99.50 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\t";
    let r2 = "REPORT RequestId: r-2\tDuration: 199.20 ms\tBilled Duration: 200 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tInit Duration: 310.00 ms\t";
    aws.put_log_events(
        group,
        "2026/01/01/[$LATEST]abc",
        &[
            (t0 + Duration::seconds(5), r1),
            (t1 + Duration::seconds(5), r2),
        ],
    )
    .await;
}

pub(crate) fn lambdatop(aws: &LocalAws, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("HOME", std::env::temp_dir())
        .envs(aws.env_vars())
        .output()
        .expect("run lambdatop")
}

#[tokio::test(flavor = "multi_thread")]
async fn json_snapshot_reproduces_the_seeded_account() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws).await;
    let out = lambdatop(&aws, &["--once", "--output", "json", "--window", "1h"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // moto cannot compute percentiles: the snapshot warns about p99 but carries everything else.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(json["schema"], "lambdatop.snapshot/v1");
    assert_eq!(json["source"], "cloudwatch");
    assert_eq!(json["region"], "us-east-1");
    assert_eq!(json["window"]["period_seconds"], 60);
    assert_eq!(json["alarms"]["alarm"], 1);
    let f = json["functions"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["name"] == "checkout"))
        .unwrap_or_else(|| panic!("no checkout in {json}"));
    // 10 + 5 invocations, 1 error: 1/15.
    assert_eq!(f["invocations"], 15);
    assert_eq!(f["errors"], 1);
    assert_eq!(f["throttles"], 0);
    // 1 / 15, to six decimals.
    assert_eq!(f["error_rate"], 0.066667);
    // Minute 0 averages (100 + 200) / 2 = 150 ms over 10 invocations, minute 1 60 ms over 5:
    // (150 × 10 + 60 × 5) / 15 = 120 ms. Maximum 200 ms.
    assert_eq!(f["duration_ms"]["avg"], 120.0);
    assert_eq!(f["duration_ms"]["max"], 200.0);
    assert_eq!(f["alarm_state"], "ALARM");
    let r = &f["report"];
    assert_eq!(r["invocations"], 2);
    assert_eq!(r["cold_starts"], 1);
    assert_eq!(r["billed_ms_total"], 300);
    assert_eq!(r["memory_size_mb"], 512);
    assert_eq!(r["max_memory_used_mb"], 90);
    // 2 requests × $0.20 / 1M = $0.0000004; (300 ms / 1000) × (512 / 1024) GB = 0.15 GB-s
    // × $0.0000133334 (arm64) = $0.00000200001; together $0.00000240001.
    assert!(
        (r["cost_usd"].as_f64().unwrap() - 0.000_002_400_01).abs() < 1e-12,
        "{r}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_rules_see_the_account() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws).await;
    let out = lambdatop(
        &aws,
        &[
            "--once",
            "--window",
            "1h",
            "--fail-on",
            "alarm",
            "--fail-on",
            "error_rate>5%",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("checkout") && err.contains("alarm"), "{err}");
    assert!(err.contains("error_rate"), "{err}");
    let out = lambdatop(
        &aws,
        &["--once", "--window", "1h", "--fail-on", "error_rate>10%"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_never_reach_output_or_the_diagnostic_log() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws).await;
    let key_id = "AKIAIOSFODNN7EXAMPLE";
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let token = "IQoJb3JpZ2luX2VjEJrSESSIONTOKENEXAMPLE";
    let log = std::env::temp_dir().join(format!("lambdatop-diag-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let out = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--once", "--output", "json", "--window", "1h", "--log-file"])
        .arg(&log)
        .env_remove("AWS_PROFILE")
        .env("HOME", std::env::temp_dir())
        .envs(aws.env_vars())
        .env("AWS_ACCESS_KEY_ID", key_id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_SESSION_TOKEN", token)
        .output()
        .expect("run lambdatop");
    let diagnostics = std::fs::read_to_string(&log).expect("diagnostic log written");
    let _ = std::fs::remove_file(&log);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(diagnostics.contains("metrics: round done"), "{diagnostics}");
    assert!(diagnostics.contains("GetMetricData"), "{diagnostics}");
    for (name, text) in [
        ("stdout", String::from_utf8_lossy(&out.stdout).into_owned()),
        ("stderr", String::from_utf8_lossy(&out.stderr).into_owned()),
        ("log", diagnostics),
    ] {
        for s in [key_id, secret, token] {
            assert!(!text.contains(s), "{s} appears in {name}:\n{text}");
        }
    }
}

/// Profile, Region and endpoint are each taken from the command line, else the environment, else
/// lambdatop's config file, else the AWS profile — as the AWS CLI ranks them.
#[tokio::test(flavor = "multi_thread")]
async fn aws_settings_rank_command_line_environment_config_file_profile() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws).await;
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let home = std::env::temp_dir().join(format!("lambdatop-rank-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    // The credentials live in profile `good` alone; its Region is wrong for the peer.
    std::fs::write(
        home.join(".aws/config"),
        "[profile good]\nregion = ap-south-1\n",
    )
    .unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        format!(
            "[good]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            support::peer::ACCESS_KEY_ID,
            support::peer::SECRET_ACCESS_KEY
        ),
    )
    .unwrap();
    let config = home.join("lambdatop.toml");
    std::fs::write(
        &config,
        format!(
            "[aws]\nprofile = \"missing\"\nregion = \"eu-west-3\"\nendpoint_url = \"{dead}\"\n"
        ),
    )
    .unwrap();
    let endpoints: Vec<(&'static str, String)> = aws
        .env_vars()
        .into_iter()
        .filter(|(k, _)| k.starts_with("AWS_ENDPOINT_URL"))
        .collect();
    let run = |args: &[&str], env: &[(&str, &str)], with_endpoints: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
        cmd.args(["--once", "-o", "json", "--config"])
            .arg(&config)
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(env.iter().copied());
        if with_endpoints {
            cmd.envs(endpoints.iter().cloned());
        }
        let out = cmd.output().expect("run lambdatop");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        (
            out.status.code(),
            doc,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let has_checkout = |doc: &serde_json::Value| {
        doc["functions"]
            .as_array()
            .is_some_and(|fs| fs.iter().any(|f| f["name"] == "checkout"))
    };

    // Environment over file: AWS_PROFILE over `missing`, AWS_REGION over eu-west-3, the peer's
    // AWS_ENDPOINT_URL_<SERVICE> over the dead endpoint.
    let (code, doc, err) = run(
        &[],
        &[("AWS_PROFILE", "good"), ("AWS_REGION", "us-east-1")],
        true,
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["region"], "us-east-1");
    assert!(has_checkout(&doc), "{doc}");
    // Command line over environment.
    let (code, doc, err) = run(
        &["--profile", "good", "--region", "us-east-1"],
        &[("AWS_PROFILE", "missing"), ("AWS_REGION", "eu-west-3")],
        true,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(has_checkout(&doc), "{doc}");
    let (code, _, err) = run(&["--endpoint-url", &dead], &[("AWS_PROFILE", "good")], true);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(&dead),
        "--endpoint-url wins over the variables: {err}"
    );
    // File over profile: the file's Region (not the profile's ap-south-1)...
    let (code, doc, err) = run(&[], &[("AWS_PROFILE", "good")], true);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["region"], "eu-west-3");
    // ...the file's profile when nothing else names one...
    let (code, _, err) = run(&[], &[("AWS_REGION", "us-east-1")], true);
    assert_eq!(code, Some(1));
    assert!(err.contains("`missing`"), "{err}");
    // ...and the file's endpoint when no variable names one.
    let (code, _, err) = run(
        &[],
        &[("AWS_PROFILE", "good"), ("AWS_REGION", "us-east-1")],
        false,
    );
    assert_eq!(code, Some(1));
    assert!(err.contains(&dead), "{err}");
    let _ = std::fs::remove_dir_all(&home);
}
