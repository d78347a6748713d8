//! `--fail-on`: the rule parser (units, operators, blanks, messages), rule checks on the demo
//! account, and exit codes 3 and 2 end to end.

use crate::common;
use crate::common::{CLOCK, lambdatop};

use std::fmt::Write as _;

use lambdatop::figures::Selection;
use lambdatop::snapshot::Snapshot;
use lambdatop::snapshot::rules::{self, Metric, Op, Rule, Threshold, Unit};
use lambdatop::window::TimeWindow;

fn rule(metric: Metric, op: Op, value: f64, unit: Unit) -> Rule {
    Rule {
        metric,
        op,
        threshold: Threshold { value, unit },
    }
}

#[test]
fn parses_units() {
    let cases = [
        (
            "error_rate>1%",
            rule(Metric::ErrorRate, Op::Gt, 1.0, Unit::Percent),
        ),
        (
            "error_rate>0.5%",
            rule(Metric::ErrorRate, Op::Gt, 0.5, Unit::Percent),
        ),
        (
            "throttles>0",
            rule(Metric::Throttles, Op::Gt, 0.0, Unit::None),
        ),
        (
            "p99>2s",
            rule(Metric::DurationP99, Op::Gt, 2.0, Unit::Seconds),
        ),
        (
            "p99>=500ms",
            rule(Metric::DurationP99, Op::Ge, 500.0, Unit::Millis),
        ),
        (
            "max>1m",
            rule(Metric::DurationMax, Op::Gt, 1.0, Unit::Minutes),
        ),
        (
            "avg>1.5s",
            rule(Metric::DurationAvg, Op::Gt, 1.5, Unit::Seconds),
        ),
        ("errors>10", rule(Metric::Errors, Op::Gt, 10.0, Unit::None)),
        (
            "invocations<1",
            rule(Metric::Invocations, Op::Lt, 1.0, Unit::None),
        ),
        (
            "cold_start_rate>10%",
            rule(Metric::ColdStartRate, Op::Gt, 10.0, Unit::Percent),
        ),
        (
            "concurrency>800",
            rule(Metric::Concurrency, Op::Gt, 800.0, Unit::None),
        ),
        (
            "memory_used>90%",
            rule(Metric::MemoryUsed, Op::Gt, 90.0, Unit::Percent),
        ),
        (
            "timeouts>0",
            rule(Metric::Timeouts, Op::Gt, 0.0, Unit::None),
        ),
        (
            "cold_starts>=5",
            rule(Metric::ColdStarts, Op::Ge, 5.0, Unit::None),
        ),
        ("alarm", rule(Metric::Alarm, Op::Eq, 1.0, Unit::None)),
    ];
    for (text, want) in cases {
        assert_eq!(rules::parse(text), Ok(want), "{text}");
    }
    assert_eq!(
        rules::parse("p99>2s").map(|r| r.threshold.base()),
        Ok(2000.0)
    );
    assert_eq!(
        rules::parse("max>1m").map(|r| r.threshold.base()),
        Ok(60_000.0)
    );
    assert_eq!(
        rules::parse("error_rate>1%").map(|r| r.threshold.base()),
        Ok(0.01)
    );
}

#[test]
fn parses_every_operator() {
    for (spelling, op) in [
        (">", Op::Gt),
        (">=", Op::Ge),
        ("<", Op::Lt),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
    ] {
        let text = format!("errors{spelling}3");
        assert_eq!(
            rules::parse(&text),
            Ok(rule(Metric::Errors, op, 3.0, Unit::None)),
            "{text}"
        );
        assert_eq!(
            rules::parse(&text).map(|r| r.to_string()),
            Ok(text.clone()),
            "shown as written"
        );
    }
}

#[test]
fn blanks_and_case_do_not_matter() {
    let want = Ok(rule(Metric::DurationP99, Op::Ge, 500.0, Unit::Millis));
    for text in [
        "p99>=500ms",
        " p99 >= 500 ms ",
        "P99>=500MS",
        "\tp99>= 500ms",
    ] {
        assert_eq!(rules::parse(text), want, "{text:?}");
    }
    assert_eq!(rules::parse(" alarm "), rules::parse("alarm"));
    assert_eq!(
        rules::parse("error-rate > 1 %"),
        rules::parse("error_rate>1%")
    );
}

#[test]
fn operators_compare_as_written() {
    assert!(Op::Gt.holds(2.0, 1.0) && !Op::Gt.holds(1.0, 1.0));
    assert!(Op::Ge.holds(1.0, 1.0) && !Op::Ge.holds(0.5, 1.0));
    assert!(Op::Lt.holds(0.0, 1.0) && !Op::Lt.holds(1.0, 1.0));
    assert!(Op::Le.holds(1.0, 1.0) && !Op::Le.holds(2.0, 1.0));
    assert!(Op::Eq.holds(3.0, 3.0) && !Op::Eq.holds(3.0, 4.0));
    assert!(Op::Ne.holds(3.0, 4.0) && !Op::Ne.holds(3.0, 3.0));
    // A ratio of counts that equals the threshold up to rounding.
    assert!(Op::Eq.holds(7.0 / 100.0, 7.0 * 0.01));
    assert!(!Op::Gt.holds(7.0 / 100.0, 7.0 * 0.01));
}

#[test]
fn bad_rules_are_explained() {
    let bad = [
        "",
        "   ",
        "error_rat>1%",
        ">1%",
        "error_rate",
        "error_rate>1",
        "error_rate>0.01",
        "p99>2",
        "p99>2h",
        "throttles>0%",
        "errors>ten",
        "errors>",
        "errors=10",
        "errors=>10",
        "errors>>10",
        "errors>1.2.3",
        "errors>-1",
        "alarm>0",
        "memory_used>900",
    ];
    let mut report = String::new();
    for text in bad {
        let err = rules::parse(text).expect_err(text);
        assert_eq!(err.rule, text);
        writeln!(report, "{text:?}\n  {err}").unwrap();
    }
    insta::assert_snapshot!(report);
}

fn demo_snapshot() -> Snapshot {
    Snapshot::build(
        &common::demo_store(TimeWindow::default()),
        &Selection::default(),
    )
}

fn breaches(text: &str, snap: &Snapshot) -> Vec<String> {
    let rule = rules::parse(text).expect(text);
    rules::check_all(&[rule], &snap.functions)
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn rules_are_checked_on_every_listed_function() {
    let snap = demo_snapshot();
    assert_eq!(
        breaches("error_rate>5%", &snap),
        [
            // 17 of 271: the timeouts forced every ten minutes count as errors.
            "salesPipe-dev-handleSlackRe: error_rate 6.27% > 5%",
            "jb-contact-form-dev-unitFact: error_rate 7.69% > 5%",
            "MakePyPIDep: error_rate 6.25% > 5%"
        ]
    );
    assert_eq!(
        breaches("throttles>0", &snap),
        ["orders-prod-api: throttles 4,566 > 0"]
    );
    assert_eq!(
        breaches("alarm", &snap),
        ["orders-prod-api: alarm state is ALARM"]
    );
    assert_eq!(breaches("p99>=1m", &snap), ["MakePyPIDep: p99 2m00s >= 1m"]);
    assert_eq!(
        breaches("invocations<2", &snap),
        ["nightly-report-export: invocations 1 < 2"]
    );
    assert!(breaches("concurrency>800", &snap).is_empty());
    assert!(breaches("errors>1000", &snap).is_empty());
}

#[test]
fn report_rules_read_the_logs_and_skip_functions_without() {
    let mut snap = demo_snapshot();
    // Over the window's invocations (the demo's REPORT figures cover exactly the window).
    assert_eq!(
        breaches("cold_start_rate>=40%", &snap),
        [
            "jb-contact-form-dev-unitFact: cold_start_rate 40.4% >= 40%",
            "monitor: cold_start_rate 66.7% >= 40%",
            "nightly-report-export: cold_start_rate 100.0% >= 40%"
        ]
    );
    assert_eq!(
        breaches("memory_used>50%", &snap),
        [
            "salesPipe-dev-handleSlackRe: memory_used 69.5% > 50%",
            "MakePyPIDep: memory_used 80.0% > 50%"
        ]
    );
    // Every demo function reported in the window; one without REPORT figures is skipped.
    let all = breaches("cold_start_rate>=0%", &snap);
    assert_eq!(all.len(), snap.functions.len(), "{all:?}");
    let mut one_without = snap.clone();
    let first = &mut one_without.functions[0];
    first.report = None;
    first.figures.retain(|figure, _| !figure.needs_logs());
    let name = first.name.clone();
    let all = breaches("cold_start_rate>=0%", &one_without);
    assert_eq!(all.len(), snap.functions.len() - 1, "{all:?}");
    assert!(
        !all.iter().any(|b| b.starts_with(&format!("{name}:"))),
        "{all:?}"
    );

    // Without logs the figure is unknown: the rule neither holds nor fails, and it is reported
    // as unchecked.
    for f in &mut snap.functions {
        f.report = None;
        f.figures.retain(|figure, _| !figure.needs_logs());
    }
    assert!(breaches("cold_start_rate>=0%", &snap).is_empty());
    assert!(breaches("memory_used>=0%", &snap).is_empty());
    let rules = rules::parse_all(&["cold_start_rate>10%", "errors>1", "timeouts>0"]).unwrap();
    let unchecked: Vec<String> = rules::unchecked(&rules, &snap.functions)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(unchecked, ["cold_start_rate>10%", "timeouts>0"]);
}

#[test]
fn a_breach_exits_3_and_names_function_rule_and_value() {
    let out = lambdatop(&[
        "--demo",
        "--once",
        CLOCK,
        "-o",
        "json",
        "--fail-on",
        "error_rate>1%",
        "--fail-on",
        "throttles > 0",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!(err);
    // 201 errors of 8,951 invocations.
    assert!(err.contains("lambdatop: salesPipe-prod-dispatch: error_rate 2.25% > 1%"));
    // The snapshot is printed in full before the verdict.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(doc["functions"].as_array().map(Vec::len), Some(12));
}

#[test]
fn rules_that_hold_nowhere_exit_0() {
    let out = lambdatop(&[
        "--demo",
        "--once",
        CLOCK,
        "--fail-on",
        "errors>1000",
        "--fail-on",
        "concurrency>800",
        "--fail-on",
        "memory_used>=99%",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn rules_see_only_the_selected_functions() {
    let out = lambdatop(&[
        "--demo",
        "--once",
        CLOCK,
        "--functions",
        "auth-*",
        "--fail-on",
        "alarm",
        "--fail-on",
        "throttles>0",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = lambdatop(&["--demo", "--once", CLOCK, "--fail-on", "alarm"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lambdatop: orders-prod-api: alarm state is ALARM\n"
    );
}

#[test]
fn a_malformed_rule_exits_2_before_any_data_is_read() {
    // No source is given: a well-formed rule gets as far as looking for AWS (exit 1) ...
    let out = lambdatop(&["--once", "--fail-on", "errors>1"]);
    assert_eq!(out.status.code(), Some(1));
    // ... a malformed one stops before.
    let out = lambdatop(&["--once", "--fail-on", "errors>1", "--fail-on", "p99>2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "lambdatop: invalid --fail-on rule \"p99>2\": p99 needs a unit: it takes a duration in ms, s or m, e.g. 'p99>2s' or 'p99>=500ms'\n"
    );

    let out = lambdatop(&["--demo", "--once", CLOCK, "--fail-on", "latency>1s"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown metric \"latency\""), "{err}");
    assert!(
        err.contains("valid metrics: invocations, errors, throttles, error_rate"),
        "{err}"
    );
}

#[test]
fn fail_on_needs_once() {
    let out = lambdatop(&["--demo", "--fail-on", "errors>1"]);
    assert_eq!(out.status.code(), Some(2));
}
