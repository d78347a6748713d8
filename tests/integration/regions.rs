//! Several Regions and profiles in one snapshot, against the local AWS peer (one moto serves
//! every Region: the request's signature names it) and a canned peer that denies everything.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatch::types::StateValue;
use serde_json::Value;

use crate::cloudwatch_canned::{Cbor, Script, cbor, json, serve};
use crate::support::peer::{ACCESS_KEY_ID, AlarmSeed, FunctionSeed, LocalAws, SECRET_ACCESS_KEY};

/// `checkout` in both Regions (one name, two functions), `billing` in eu-west-1 alone; an
/// alarm in each Region.
async fn seed(aws: &LocalAws) {
    aws.create_function_in("us-east-1", &FunctionSeed::new("checkout"))
        .await;
    aws.create_function_in("eu-west-1", &FunctionSeed::new("checkout"))
        .await;
    aws.create_function_in("eu-west-1", &FunctionSeed::new("billing"))
        .await;
    let alarm = AlarmSeed::new("checkout-errors", "checkout", "Errors", StateValue::Alarm);
    aws.put_alarm_in("us-east-1", &alarm).await;
    let ok = AlarmSeed::new("billing-errors", "billing", "Errors", StateValue::Ok);
    aws.put_alarm_in("eu-west-1", &ok).await;
}

/// Runs lambdatop against the peer off the async runtime (a canned peer may be served on it).
async fn run(cmd: Command) -> (Option<i32>, String, String) {
    let mut cmd = cmd;
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("run lambdatop"))
        .await
        .expect("join");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn lambdatop(aws: &LocalAws, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env("HOME", std::env::temp_dir())
        .envs(aws.env_vars());
    cmd
}

fn parse(stdout: &str, stderr: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"))
}

/// A JSON snapshot of `regions`, without REPORT figures (not needed here).
fn snapshot_of(regions: &str) -> [&str; 7] {
    [
        "--once",
        "-o",
        "json",
        "--log-analytics",
        "off",
        "--region",
        regions,
    ]
}

/// The `keys` of every object of `list`, as text (`-` for null), sorted.
fn table(list: &Value, keys: &[&str]) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| {
            keys.iter()
                .map(|k| match &item[*k] {
                    Value::String(s) => s.clone(),
                    Value::Null => "-".to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    v.sort();
    v
}

/// (name, region, account, alarm_state) of every function.
fn rows(doc: &Value) -> Vec<Vec<String>> {
    table(
        &doc["functions"],
        &["name", "region", "account", "alarm_state"],
    )
}

/// (account, region, status, functions) of every Region read.
fn regions(doc: &Value) -> Vec<Vec<String>> {
    table(
        &doc["regions"],
        &["account", "region", "status", "functions"],
    )
}

fn row(cells: [&str; 4]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_regions_give_the_union_each_row_with_its_region() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws).await;
    let args = snapshot_of("us-east-1,eu-west-1");
    let (code, out, err) = run(lambdatop(&aws, &args)).await;
    let doc = parse(&out, &err);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["schema"], "lambdatop.snapshot/v1");
    assert_eq!(
        rows(&doc),
        [
            row(["billing", "eu-west-1", "-", "OK"]),
            row(["checkout", "eu-west-1", "-", "-"]),
            row(["checkout", "us-east-1", "-", "ALARM"]),
        ]
    );
    // Every alarm of every Region is counted.
    assert_eq!(doc["alarms"]["alarm"], 1, "{doc}");
    assert_eq!(doc["alarms"]["ok"], 1, "{doc}");
    assert_eq!(
        regions(&doc),
        [
            row(["-", "eu-west-1", "ok", "2"]),
            row(["-", "us-east-1", "ok", "1"]),
        ]
    );
    assert!(
        doc["regions"][0]["api_calls"].as_u64().unwrap_or(0) > 0,
        "calls per Region: {doc}"
    );
    // Alarms per Region: us-east-1's ALARM, eu-west-1's OK.
    assert_eq!(doc["regions"][0]["alarms"]["ok"], 1, "{doc}");
    assert_eq!(doc["regions"][1]["alarms"]["alarm"], 1, "{doc}");
    // The rules check every function of every Region, and name each by its Region.
    let mut rule = args.to_vec();
    rule.extend(["--fail-on", "alarm", "--fail-on", "invocations>=0"]);
    let (code, _, err) = run(lambdatop(&aws, &rule)).await;
    assert_eq!(code, Some(3), "{err}");
    for breach in [
        "us-east-1/checkout: alarm state is ALARM",
        "eu-west-1/checkout: invocations",
        "eu-west-1/billing: invocations",
        "us-east-1/checkout: invocations",
    ] {
        assert!(err.contains(breach), "{breach} in {err}");
    }

    // CSV and the table name each function's Region; `REGION/GLOB` picks Regions.
    let csv = |functions: &'static str| {
        let mut v = args.to_vec();
        v[2] = "csv";
        v.extend(["--functions", functions]);
        lambdatop(&aws, &v)
    };
    let (code, out, err) = run(csv("*/check*")).await;
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("name,region,invocations,"), "{out}");
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("checkout,eu-west-1,0,"), "{out}");
    assert!(lines[2].starts_with("checkout,us-east-1,0,"), "{out}");
    // One Region left: read as that one alone, without the column.
    let (code, out, err) = run(csv("eu-west-1/b*")).await;
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("name,invocations,"), "{out}");
    assert_eq!(lines[1..].len(), 1, "{out}");
    assert!(lines[1].starts_with("billing,"), "{out}");
    let mut table_args = args.to_vec();
    table_args[2] = "table";
    let (code, out, err) = run(lambdatop(&aws, &table_args)).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("lambdatop cloudwatch · 2 Regions · last 1h"),
        "{out}"
    );
    let heading = out
        .lines()
        .find(|l| l.starts_with("FUNCTION"))
        .unwrap_or_default();
    assert!(heading.starts_with("FUNCTION  REGION"), "{out}");
}

/// A home with `~/.aws/config` and `credentials` for `profiles` (name, Region, endpoint of
/// every service).
fn aws_home(tag: &str, profiles: &[(&str, &str, &str)]) -> PathBuf {
    let home = std::env::temp_dir().join(format!("lambdatop-regions-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".aws")).expect("mkdir");
    let mut config = String::new();
    let mut credentials = String::new();
    for (name, region, endpoint) in profiles {
        config.push_str(&format!(
            "[profile {name}]\nregion = {region}\nservices = {name}\n\n[services {name}]\n\
             cloudwatch =\n  endpoint_url = {endpoint}\n\
             cloudwatch_logs =\n  endpoint_url = {endpoint}\n\
             cloudwatch-logs =\n  endpoint_url = {endpoint}\n\
             lambda =\n  endpoint_url = {endpoint}\n\
             sts =\n  endpoint_url = {endpoint}\n\n"
        ));
        credentials.push_str(&format!(
            "[{name}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\n"
        ));
    }
    std::fs::write(home.join(".aws/config"), config).expect("config");
    std::fs::write(home.join(".aws/credentials"), credentials).expect("credentials");
    home
}

fn with_profiles(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// Every call answered AccessDenied.
async fn denying_peer() -> String {
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        for op in ["ListFunctions", "GetAccountSettings"] {
            let denied = serde_json::json!({
                "__type": "AccessDeniedException",
                "Message": format!("User is not authorized to perform: lambda:{op}"),
            });
            s.on(op, vec![json(403, denied)]);
        }
    }
    serve(script).await
}

/// Profiles, each read in its own Region: the one whose every call is denied and the one whose
/// endpoint nobody listens on (an outage) are said to have failed and read `failed`; the other's
/// rows are all there. When no Region can be read, the snapshot fails.
#[tokio::test(flavor = "multi_thread")]
async fn one_region_denied_leaves_the_others_rows_and_says_which_failed() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws).await;
    let denied = denying_peer().await;
    // `good` reaches moto through the adapter for CloudWatch and Lambda, moto for Logs: the
    // adapter passes what it does not translate on to moto.
    let good = aws.cloudwatch_endpoint();
    let down = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let home = aws_home(
        "denied",
        &[
            ("good", "eu-west-1", good.as_str()),
            ("denied", "ap-south-1", denied.as_str()),
            ("denied2", "sa-east-1", denied.as_str()),
            ("down", "ca-central-1", down.as_str()),
        ],
    );
    let args = ["--once", "-o", "json", "--log-analytics", "off"];
    let mut both = args.to_vec();
    both.extend(["--profile", "good,denied,down"]);
    let (code, out, err) = run(with_profiles(&home, &both)).await;
    let doc = parse(&out, &err);
    assert_eq!(code, Some(0), "{err}");
    // Each profile in its own Region, each row with its account (the profile).
    assert_eq!(
        rows(&doc),
        [
            row(["billing", "eu-west-1", "good", "OK"]),
            row(["checkout", "eu-west-1", "good", "-"]),
        ]
    );
    assert_eq!(
        regions(&doc),
        [
            row(["denied", "ap-south-1", "failed", "0"]),
            row(["down", "ca-central-1", "failed", "0"]),
            row(["good", "eu-west-1", "ok", "2"]),
        ]
    );
    assert!(
        doc["regions"][1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("Cannot reach Lambda")),
        "the outage: {doc}"
    );
    // The table's title says what was read and how much of it could not be.
    let mut table = both.clone();
    table[2] = "table";
    let (code, out, err) = run(with_profiles(&home, &table)).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.contains(" · 3 profiles × 3 Regions (2 not read) · ")),
        "{out}"
    );
    assert!(
        doc["regions"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("AccessDenied")),
        "{doc}"
    );
    for region in ["denied/ap-south-1", "down/ca-central-1"] {
        assert!(
            err.contains(&format!("warning: cannot read functions in {region}")),
            "{err}"
        );
    }
    // Each profile's account id, from STS: moto's for `good`, on its Region and its rows;
    // unknown, and no error, where STS refuses (the denying peer) or is down.
    let ids = |list: &Value| -> Vec<Value> {
        list.as_array()
            .map(|a| a.iter().map(|r| r["account_id"].clone()).collect())
            .unwrap_or_default()
    };
    let moto = Value::from(crate::support::peer::ACCOUNT_ID);
    assert_eq!(
        ids(&doc["regions"]),
        [Value::Null, Value::Null, moto.clone()],
        "{doc}"
    );
    assert_eq!(ids(&doc["functions"]), [moto.clone(), moto], "{doc}");
    // No Region read: exit 1.
    let mut none = args.to_vec();
    none.extend(["--profile", "denied,denied2"]);
    let (code, _, err) = run(with_profiles(&home, &none)).await;
    let _ = std::fs::remove_dir_all(&home);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot read functions"), "{err}");
}

/// Time to a full snapshot (every Region's functions, metrics and alarms) of 1, 2 and 4
/// Regions against the local peer: printed, not asserted (`--ignored --nocapture`).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement"]
async fn time_to_the_first_full_screen() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let regions = ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"];
    for r in regions {
        for i in 0..5 {
            aws.create_function_in(r, &FunctionSeed::new(&format!("fn-{i}")))
                .await;
        }
    }
    for n in [1, 2, 4, 1, 2, 4] {
        let list = regions[..n].join(",");
        let args = snapshot_of(&list);
        let started = std::time::Instant::now();
        let (code, _, err) = run(lambdatop(&aws, &args)).await;
        assert_eq!(code, Some(0), "{err}");
        println!("{n} Region(s): {:?}", started.elapsed());
    }
}

/// An empty store of the CloudWatch source over the default window, at the fixed clock.
fn cloudwatch_store() -> lambdatop::store::Store {
    use lambdatop::message::SourceKind;
    use lambdatop::store::{Store, StoreLimits};
    use lambdatop::window::TimeWindow;

    Store::new(
        SourceKind::Cloudwatch,
        None,
        TimeWindow::default(),
        StoreLimits::default(),
        crate::common::fixed_clock(),
    )
}

/// The detail view of the first function listed, drawn at 160×45: its id and the screen.
fn first_detail(
    store: &lambdatop::store::Store,
    view: &mut lambdatop::tui::view::ViewState,
) -> (lambdatop::model::FunctionId, String) {
    let selected = store
        .select(&view.selection)
        .first()
        .map(|f| f.id.clone())
        .expect("a function");
    press_enter(view, store);
    let term = crate::common::draw(view, store, 160, 45);
    (
        selected,
        crate::common::buffer_text(term.backend().buffer()),
    )
}

/// Enter on the dashboard: the selected function's detail view.
fn press_enter(view: &mut lambdatop::tui::view::ViewState, store: &lambdatop::store::Store) {
    lambdatop::tui::handle_key(
        view,
        store,
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        ),
    );
}

/// The demo account in two Regions, eu-west-1's functions and metrics then failing with
/// AccessDenied.
fn two_region_store() -> lambdatop::store::Store {
    use lambdatop::message::{Poller, SourceError, Update};
    use lambdatop::model::Origin;

    let now = crate::common::fixed_now();
    let west = Origin::region(Some("eu-west-1"));
    let mut store = crate::common::demo_origins_store(
        lambdatop::message::SourceKind::Cloudwatch,
        &[Origin::region(Some("us-east-1")), west.clone()],
    );
    for poller in [Poller::Discovery, Poller::Metrics] {
        store.apply(Update::From {
            origin: west.clone(),
            update: Box::new(Update::Failed {
                poller,
                at: now + chrono::Duration::seconds(1),
                error: SourceError::new("AccessDenied on lambda:ListFunctions.", None),
            }),
        });
    }
    store.tick();
    store
}

/// The dashboard names each row's Region, each Region's concurrency against its own limit, and
/// the Region that failed; the detail view names the function's Region.
#[test]
fn the_dashboard_names_each_region_and_the_one_that_failed() {
    use lambdatop::figures::Selection;
    use lambdatop::tui::view::ViewState;

    let store = two_region_store();
    let mut view = ViewState::new(Selection::default());
    let term = crate::common::draw(&mut view, &store, 160, 45);
    insta::assert_snapshot!("two_regions_at_160x45", term.backend());
    let screen = crate::common::buffer_text(term.backend().buffer());
    assert!(screen.contains("2 Regions (1 failing)"), "{screen}");
    assert!(
        screen.contains("eu-west-1: functions: AccessDenied on lambda:ListFunctions."),
        "{screen}"
    );
    let header = screen.lines().nth(1).unwrap_or_default();
    assert!(
        header.contains("Concurrency")
            && header.contains("us-east-1")
            && header.contains("eu-west-1"),
        "{header}"
    );
    // The functions of both Regions, each after its Region.
    let rows = |region: &str| {
        screen
            .lines()
            .filter(|l| l.starts_with(&format!("{region}  ")))
            .count()
    };
    assert!(rows("us-east-1") > 0 && rows("eu-west-1") > 0, "{screen}");
    // At 80 columns, names stay readable beside their Regions: figures of least use give way.
    let narrow = crate::common::draw(&mut ViewState::new(Selection::default()), &store, 80, 24);
    let narrow = crate::common::buffer_text(narrow.backend().buffer());
    assert!(
        narrow
            .lines()
            .any(|l| l.starts_with("us-east-1  auth-prod-authori")),
        "{narrow}"
    );
    // The Region has its own title over the Regions.
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("Region     Function ")),
        "{screen}"
    );
    // Each log line names its function's Region too.
    let logs: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains(" Logs ("))
        .skip(1)
        .take_while(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let region_of = |l: &str| l.split_whitespace().nth(1).unwrap_or_default().to_string();
    assert!(
        !logs.is_empty()
            && logs
                .iter()
                .all(|l| ["us-east-1", "eu-west-1"].contains(&region_of(l).as_str())),
        "{logs:#?}"
    );
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            store
                .logs()
                .iter()
                .any(|e| e.origin.region.as_deref() == Some(region)),
            "no line of {region}"
        );
    }

    // Sorted by Region: a Region's functions together (eu-west-1 first), by name within it.
    let mut by_region = ViewState::new(Selection {
        sort: lambdatop::figures::SortKey::Region,
        ..Selection::default()
    });
    let term = crate::common::draw(&mut by_region, &store, 160, 45);
    let sorted = crate::common::buffer_text(term.backend().buffer());
    assert!(sorted.contains("Region ▼   Function "), "{sorted}");
    let ids: Vec<_> = store
        .select(&by_region.selection)
        .iter()
        .map(|f| (f.id.region.clone(), f.id.name.clone()))
        .collect();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(ids[0].0.as_deref(), Some("eu-west-1"));
    // `<` from the name's column moves to the Region's.
    let mut keys = ViewState::new(Selection {
        sort: lambdatop::figures::SortKey::Name,
        ..Selection::default()
    });
    crate::common::draw(&mut keys, &store, 160, 45);
    lambdatop::tui::handle_key(
        &mut keys,
        &store,
        crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('<'),
            crossterm::event::KeyModifiers::NONE,
        ),
    );
    assert_eq!(keys.selection.sort, lambdatop::figures::SortKey::Region);

    // The detail view of the selected function names its Region.
    let (selected, screen) = first_detail(&store, &mut view);
    let title = format!(
        " {} · {} ",
        selected.name,
        selected.region.as_deref().unwrap_or_default()
    );
    assert!(screen.contains(&title), "{title:?} in\n{screen}");
    // Its log pane holds its own lines only, not those of its namesake in the other Region.
    view.refresh_logs(&store);
    let shown = view.logs.rows();
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|r| {
        let e = store.logs().get(r.seq).expect("a row's line");
        e.is_of(&selected)
    }));
    let namesakes = store
        .logs()
        .iter()
        .filter(|e| *e.function == *selected.name)
        .count();
    assert!(namesakes > shown.len(), "{namesakes} > {}", shown.len());
}

/// A canned account, the same in every Region: `ListFunctions` lists `functions`,
/// `ListMetrics` answers `metrics`, `GetAccountSettings` `settings` (unscripted: an error), no
/// metric data, alarms or log groups.
fn canned_account(
    functions: Value,
    metrics: crate::cloudwatch_canned::Reply,
    settings: Option<crate::cloudwatch_canned::Reply>,
) -> Arc<Mutex<Script>> {
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        let empty = |key: &'static str| cbor(200, Cbor::Map(vec![(key, Cbor::Array(vec![]))]));
        s.on(
            "ListFunctions",
            vec![json(200, serde_json::json!({ "Functions": functions }))],
        );
        if let Some(settings) = settings {
            s.on("GetAccountSettings", vec![settings]);
        }
        s.on("ListMetrics", vec![metrics]);
        s.on("GetMetricData", vec![empty("MetricDataResults")]);
        s.on("DescribeAlarms", vec![empty("MetricAlarms")]);
        s.on(
            "DescribeLogGroups",
            vec![json(200, serde_json::json!({"logGroups": []}))],
        );
    }
    script
}

/// A canned account whose every Region has one function `orders`, and answers
/// `GetAccountSettings` with `settings`.
async fn canned_everywhere(settings: crate::cloudwatch_canned::Reply) -> String {
    let functions = serde_json::json!([{"FunctionName": "orders"}]);
    let no_metrics = cbor(200, Cbor::Map(vec![("Metrics", Cbor::Array(vec![]))]));
    serve(canned_account(functions, no_metrics, Some(settings))).await
}

/// lambdatop reading the canned peer at `endpoint` with static keys, `args` after the endpoint.
fn canned_command(endpoint: &str, args: &[&str]) -> Command {
    canned_snapshot(endpoint, "off", args)
}

/// A JSON snapshot of the canned peer at `endpoint`, REPORT figures read with `analytics`.
fn canned_snapshot(endpoint: &str, analytics: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
    cmd.args(["--endpoint-url", endpoint])
        .args(["--once", "-o", "json", "--log-analytics", analytics])
        .args(args)
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// The Regions `--region all` reads against `endpoint`, sorted, and how many rows.
async fn all_regions(endpoint: &str) -> (Vec<String>, usize) {
    let cmd = canned_command(endpoint, &["--region", "all"]);
    let (code, out, err) = run(cmd).await;
    let doc = parse(&out, &err);
    assert_eq!(code, Some(0), "{err}");
    let read = regions(&doc).into_iter().map(|r| r[1].clone()).collect();
    (read, rows(&doc).len())
}

/// `--region all`: the Regions every account has enabled, and the opt-in ones this account has:
/// an opt-in Region whose answer is "unrecognized client" (not enabled) is left out, not an
/// error. The canned peer answers every Region alike.
#[tokio::test(flavor = "multi_thread")]
async fn all_regions_leave_out_the_opt_in_ones_not_enabled() {
    use lambdatop::source::cloudwatch::origins::{DEFAULT_REGIONS, OPT_IN_REGIONS};
    let sorted = |regions: &[&[&str]]| {
        let mut v: Vec<String> = regions.concat().iter().map(|r| r.to_string()).collect();
        v.sort();
        v
    };
    let unrecognized = serde_json::json!({
        "__type": "UnrecognizedClientException",
        "message": "The security token included in the request is invalid.",
    });
    let endpoint = canned_everywhere(json(403, unrecognized)).await;
    let (read, functions) = all_regions(&endpoint).await;
    assert_eq!(read, sorted(&[DEFAULT_REGIONS]));
    // One `orders` per Region, each its own row.
    assert_eq!(functions, DEFAULT_REGIONS.len());
    // Enabled: every opt-in Region is read too.
    let settings = serde_json::json!({"AccountLimit": {"ConcurrentExecutions": 50}});
    let endpoint = canned_everywhere(json(200, settings)).await;
    let (read, functions) = all_regions(&endpoint).await;
    assert_eq!(read, sorted(&[DEFAULT_REGIONS, OPT_IN_REGIONS]));
    assert_eq!(functions, read.len());
}

/// `lambdatop tail` over two Regions prints the lines of each, every line naming its Region,
/// and ends when both Regions' reads are printed; a Region without the function says so.
#[tokio::test(flavor = "multi_thread")]
async fn tail_reads_every_region_each_line_naming_its_own() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let group = "/aws/lambda/orders";
    let stream = "2026/03/14/[$LATEST]0123456789abcdef";
    let now = chrono::Utc::now();
    for (region, what) in [("us-east-1", "east"), ("eu-west-1", "west")] {
        aws.create_function_in(region, &FunctionSeed::new("orders"))
            .await;
        aws.create_log_group_in(region, group).await;
        aws.create_log_stream_in(region, group, stream).await;
        let line =
            format!("2026-03-14T09:00:00.000Z\tr1000000-0000-4000-8000-000000000001\tINFO\t{what}");
        aws.put_log_events_in(
            region,
            group,
            stream,
            &[(now - chrono::Duration::minutes(5), line.as_str())],
        )
        .await;
    }
    aws.create_function_in("ap-south-1", &FunctionSeed::new("billing"))
        .await;
    let regions = "us-east-1,eu-west-1,ap-south-1";
    let args = [
        "tail",
        "orders",
        "--region",
        regions,
        "--since",
        "30m",
        "--no-follow",
    ];
    let mut jsonl = args.to_vec();
    jsonl.extend(["-o", "jsonl"]);
    let (code, out, err) = run(lambdatop(&aws, &jsonl)).await;
    assert_eq!(code, Some(0), "{err}");
    let mut lines: Vec<(String, String)> = out
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            (
                v["region"].as_str().unwrap_or_default().to_string(),
                v["message"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit('\t')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            ("eu-west-1".to_string(), "west".to_string()),
            ("us-east-1".to_string(), "east".to_string())
        ],
        "{out}"
    );
    assert!(
        err.contains("ap-south-1: no function is named like orders"),
        "{err}"
    );
    let (code, out, err) = run(lambdatop(&aws, &args)).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains(" us-east-1/orders ") && out.contains(" eu-west-1/orders "),
        "{out}"
    );
}

/// A monitoring account with `orders` of its own (account 111122223333) and, through its link,
/// `payments` of the source account 222233334444: ListMetrics with `IncludeLinkedAccounts`
/// names both with their `OwningAccounts`. moto's ListMetrics knows nothing of linked
/// accounts (it neither reads `IncludeLinkedAccounts` nor answers `OwningAccounts`), hence a
/// canned peer.
fn monitoring_account() -> Arc<Mutex<Script>> {
    monitoring_account_naming(&[("orders", "111122223333"), ("payments", "222233334444")])
}

/// A monitoring account (111122223333) whose Lambda lists `orders`, and whose ListMetrics
/// names each (function, owning account) of `metrics`.
fn monitoring_account_naming(metrics: &[(&str, &str)]) -> Arc<Mutex<Script>> {
    let functions = serde_json::json!([{
        "FunctionName": "orders",
        "FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:orders",
    }]);
    let metrics = cbor(
        200,
        Cbor::Map(vec![
            (
                "Metrics",
                Cbor::Array(metrics.iter().map(|(f, _)| invocations_metric(f)).collect()),
            ),
            (
                "OwningAccounts",
                Cbor::Array(
                    metrics
                        .iter()
                        .map(|(_, a)| Cbor::Text(a.to_string()))
                        .collect(),
                ),
            ),
        ]),
    );
    canned_account(functions, metrics, None)
}

/// A linked account that also has a function named as one of the monitoring account's keeps
/// it and its other functions: its `orders` and `payments` are rows of their own, beside the
/// monitoring account's `orders`.
#[tokio::test(flavor = "multi_thread")]
async fn a_linked_account_sharing_a_name_keeps_it_and_its_other_functions() {
    let script = monitoring_account_naming(&[
        ("orders", "111122223333"),
        ("orders", "222233334444"),
        ("payments", "222233334444"),
    ]);
    let endpoint = serve(script).await;
    let cmd = canned_command(&endpoint, &["--region", "eu-west-1", "--linked-accounts"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        rows(&parse(&out, &err)),
        [
            row(["orders", "eu-west-1", "-", "-"]),
            row(["orders", "eu-west-1", "222233334444", "-"]),
            row(["payments", "eu-west-1", "222233334444", "-"]),
        ]
    );
}

/// ListMetrics' `Invocations` metric of the function `name`.
fn invocations_metric(name: &str) -> Cbor {
    Cbor::Map(vec![
        ("Namespace", Cbor::Text("AWS/Lambda".into())),
        ("MetricName", Cbor::Text("Invocations".into())),
        (
            "Dimensions",
            Cbor::Array(vec![Cbor::Map(vec![
                ("Name", Cbor::Text("FunctionName".into())),
                ("Value", Cbor::Text(name.into())),
            ])]),
        ),
    ])
}

/// With `--linked-accounts`, a monitoring account's linked source accounts' functions are rows of
/// their own, each with its account, their metrics read with `AccountId`; without it, as before.
#[tokio::test(flavor = "multi_thread")]
async fn a_monitoring_account_shows_its_linked_accounts_functions() {
    let snapshot = |linked: bool| async move {
        let script = monitoring_account();
        let endpoint = serve(script.clone()).await;
        let mut args = vec!["--region", "eu-west-1"];
        args.extend(linked.then_some("--linked-accounts"));
        let cmd = canned_command(&endpoint, &args);
        let (code, out, err) = run(cmd).await;
        assert_eq!(code, Some(0), "{err}");
        let s = script.lock().expect("script");
        let asked = |op: &str, what: &str| s.calls(op).iter().any(|body| body.contains(what));
        (
            parse(&out, &err),
            asked("ListMetrics", "IncludeLinkedAccounts"),
            asked("GetMetricData", "222233334444"),
        )
    };
    let (doc, include, account_id) = snapshot(true).await;
    assert_eq!(
        rows(&doc),
        [
            row(["orders", "eu-west-1", "-", "-"]),
            row(["payments", "eu-west-1", "222233334444", "-"]),
        ]
    );
    assert!(
        include && account_id,
        "IncludeLinkedAccounts {include}, AccountId {account_id}"
    );
    // Without the flag: one account, read as before.
    let (doc, include, account_id) = snapshot(false).await;
    assert_eq!(
        rows(&doc),
        [
            row(["orders", "-", "-", "-"]),
            row(["payments", "-", "-", "-"]),
        ]
    );
    assert!(!include && !account_id);
}

/// What the canned peer's GetMetricData answers for a function of an account, two points a
/// minute apart: Invocations and Errors (`Sum`), then Duration `Average`, `Maximum` and `p99`
/// and IteratorAge `Maximum` (a detail view's metric), the same at both points.
type Figures = ([f64; 2], [f64; 2], [f64; 4]);

/// The figures of each (account named by the query's `AccountId`, function): the monitoring
/// account's own `orders` (no `AccountId`), and the [`LINKED`] account's `orders` and `payments`.
fn figures_of(account: Option<&str>, function: &str) -> Option<Figures> {
    match (account, function) {
        (None, "orders") => Some(([30.0, 12.0], [1.0, 1.0], [120.0, 400.0, 350.0, 1000.0])),
        (Some(LINKED), "orders") => Some(([5.0, 2.0], [2.0, 1.0], [45.0, 90.0, 80.0, 250.0])),
        (Some(LINKED), "payments") => Some(([6.0, 5.0], [0.0, 0.0], [20.0, 30.0, 25.0, 0.0])),
        _ => None,
    }
}

/// One query of a GetMetricData request: its id, the account it names (`AccountId`), its
/// function (`FunctionName`), metric and statistic.
#[derive(Debug)]
struct Asked {
    id: String,
    account: Option<String>,
    function: Option<String>,
    metric: String,
    stat: String,
}

/// The queries of a GetMetricData request body (CBOR).
fn metric_queries(body: &[u8]) -> Vec<Asked> {
    use ciborium::Value as V;
    let get = |v: &V, key: &str| -> Option<V> {
        v.as_map()?
            .iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v.clone())
    };
    let text = |v: Option<V>| v.and_then(|v| v.as_text().map(str::to_string));
    let request: V = ciborium::from_reader(body).expect("a CBOR request");
    let queries = get(&request, "MetricDataQueries").expect("queries");
    queries
        .as_array()
        .expect("a list")
        .iter()
        .map(|q| {
            let stat = get(q, "MetricStat").expect("a MetricStat");
            let metric = get(&stat, "Metric").expect("a Metric");
            let function = get(&metric, "Dimensions")
                .and_then(|d| d.as_array()?.first().cloned())
                .and_then(|d| text(get(&d, "Value")));
            Asked {
                id: text(get(q, "Id")).expect("an id"),
                account: text(get(q, "AccountId")),
                function,
                metric: text(get(&metric, "MetricName")).expect("a metric"),
                stat: text(get(&stat, "Stat")).expect("a statistic"),
            }
        })
        .collect()
}

/// GetMetricData's answer to `body`: each query gets the [`figures_of`] the account and
/// function it names, at two minutes ending `at`; anything else no datapoint.
fn metric_answer(body: &[u8], at: i64) -> crate::cloudwatch_canned::Reply {
    let results = metric_queries(body)
        .into_iter()
        .map(|q| {
            let values = q
                .function
                .as_deref()
                .and_then(|f| figures_of(q.account.as_deref(), f))
                .and_then(|(invocations, errors, [avg, max, p99, age])| {
                    match (q.metric.as_str(), q.stat.as_str()) {
                        ("Invocations", _) => Some(invocations),
                        ("Errors", _) => Some(errors),
                        ("Duration", "Average") => Some([avg; 2]),
                        ("Duration", "Maximum") => Some([max; 2]),
                        ("Duration", "p99") => Some([p99; 2]),
                        ("IteratorAge", _) => Some([age; 2]),
                        _ => None,
                    }
                })
                .map_or_else(Vec::new, |v| v.to_vec());
            let times = (0..values.len()).map(|i| Cbor::Time((at - 60 + 60 * i as i64) as f64));
            Cbor::Map(vec![
                ("Id", Cbor::Text(q.id)),
                ("StatusCode", Cbor::Text("Complete".into())),
                ("Timestamps", Cbor::Array(times.collect())),
                (
                    "Values",
                    Cbor::Array(values.into_iter().map(Cbor::Float).collect()),
                ),
            ])
        })
        .collect();
    cbor(
        200,
        Cbor::Map(vec![("MetricDataResults", Cbor::Array(results))]),
    )
}

/// [`monitoring_account_naming`] with its own `orders` and the [`LINKED`] account's `orders`
/// and `payments`, whose GetMetricData answers each query with the figures of the account it
/// names ([`metric_answer`]).
fn monitoring_account_with_a_namesake() -> Arc<Mutex<Script>> {
    let script = monitoring_account_naming(&[
        ("orders", "111122223333"),
        ("orders", LINKED),
        ("payments", LINKED),
    ]);
    // Whole minutes, five minutes ago: inside every window.
    let at = (chrono::Utc::now().timestamp() / 60 - 5) * 60;
    script
        .lock()
        .expect("script")
        .answer("GetMetricData", move |body| metric_answer(body, at));
    script
}

/// A linked account's function named like one of the monitoring account's own is a row of its
/// own with its own figures: its queries name its account (`AccountId`), and what they answer is
/// its, never the own `orders`' (nor the other way round). moto has no cross-account
/// observability (its ListMetrics neither reads `IncludeLinkedAccounts` nor answers
/// `OwningAccounts`, its GetMetricData ignores `AccountId`): hence the canned peer, which answers
/// each query by the account it names.
#[tokio::test(flavor = "multi_thread")]
async fn a_linked_namesake_of_an_own_function_is_its_own_row_with_its_own_figures() {
    let script = monitoring_account_with_a_namesake();
    let endpoint = serve(script.clone()).await;
    let cmd = canned_command(&endpoint, &["--region", "eu-west-1", "--linked-accounts"]);
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, Some(0), "{err}");
    let doc = parse(&out, &err);
    assert_eq!(
        rows(&doc),
        [
            row(["orders", "eu-west-1", "-", "-"]),
            row(["orders", "eu-west-1", LINKED, "-"]),
            row(["payments", "eu-west-1", LINKED, "-"]),
        ]
    );
    // (invocations, errors, duration avg, max, p99) of each, as the peer answered its account.
    let figures = |name: &str, account: Option<&str>| {
        let f = function_of(&doc, name, account);
        let d = &f["duration_ms"];
        (
            f["invocations"].as_u64(),
            f["errors"].as_u64(),
            d["avg"].as_f64(),
            d["max"].as_f64(),
            d["p99"].as_f64(),
        )
    };
    let some = |i, e, avg, max, p99| (Some(i), Some(e), Some(avg), Some(max), Some(p99));
    assert_eq!(
        figures("orders", None),
        some(42, 2, 120.0, 400.0, 350.0),
        "{doc}"
    );
    assert_eq!(
        figures("orders", Some(LINKED)),
        some(7, 3, 45.0, 90.0, 80.0),
        "{doc}"
    );
    assert_eq!(
        figures("payments", Some(LINKED)),
        some(11, 0, 20.0, 30.0, 25.0),
        "{doc}"
    );
    // Every query of a linked function names its account; the own ones name none.
    let s = script.lock().expect("script");
    let asked: Vec<Asked> = s
        .bodies("GetMetricData")
        .iter()
        .flat_map(|b| metric_queries(b))
        .collect();
    let of = |function: &str, account: Option<&str>| {
        asked
            .iter()
            .filter(|q| q.function.as_deref() == Some(function) && q.account.as_deref() == account)
            .count()
    };
    assert!(
        of("orders", None) > 0 && of("orders", Some(LINKED)) > 0,
        "{asked:?}"
    );
    assert_eq!(of("payments", None), 0, "{asked:?}");
}

/// The dashboard's store keeps a linked namesake apart: its rows, figures and detail metrics are
/// its own, each read with a query naming its account.
#[tokio::test]
async fn the_store_keeps_a_linked_namesake_apart_with_its_detail_metrics() {
    use lambdatop::model::{FunctionId, MetricKind, Origin};

    let script = monitoring_account_with_a_namesake();
    let endpoint = serve(script.clone()).await;
    let mut h = linked_harness(&endpoint, chrono::Utc::now()).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    assert!(h.pollers.metrics.round(&h.ctx).await);
    h.drain();
    // The harness's store keys the own functions by name alone, the linked account's as of
    // its account in the harness's Region.
    let own = Origin::default().function("orders");
    let theirs = Origin::of(Some(LINKED), Some("eu-central-1")).function("orders");
    h.store.tick();
    let summary = |id: &FunctionId| h.store.function(id).map(|f| f.summary.clone());
    let mine = summary(&own).expect("own orders");
    let linked = summary(&theirs).expect("the linked orders");
    assert_eq!((mine.invocations, mine.errors), (42, 2));
    assert_eq!((linked.invocations, linked.errors), (7, 3));
    assert_eq!(mine.duration_p99_ms, Some(350.0));
    assert_eq!(linked.duration_p99_ms, Some(80.0));
    assert_eq!(h.store.functions().len(), 3);

    // The detail view of the linked `orders`: its detail metrics, read with its account alone.
    let before = script.lock().expect("script").bodies("GetMetricData").len();
    h.requests
        .send_modify(|r| r.detail_function = Some(theirs.clone()));
    let req = h.requests.borrow().clone();
    assert!(h.pollers.metrics.detail_round(&h.ctx, &req).await);
    h.drain();
    h.store.tick();
    let summary = |id: &FunctionId| h.store.function(id).map(|f| f.summary.clone());
    let age =
        |id: &FunctionId| summary(id).and_then(|s| s.detail.get(&MetricKind::IteratorAge).copied());
    assert_eq!(age(&theirs), Some(250.0));
    assert_eq!(
        age(&own),
        None,
        "the own orders' detail metrics are not read"
    );
    let s = script.lock().expect("script");
    let bodies = s.bodies("GetMetricData");
    let detail: Vec<Asked> = bodies[before..]
        .iter()
        .flat_map(|b| metric_queries(b))
        .collect();
    assert_eq!(detail.len(), MetricKind::DETAIL.len(), "{detail:?}");
    assert!(
        detail.iter().all(
            |q| q.function.as_deref() == Some("orders") && q.account.as_deref() == Some(LINKED)
        ),
        "{detail:?}"
    );
}

/// The pollers of a monitoring account read with `--linked-accounts` at `endpoint`, at `now`,
/// retrying at once and reading logs without waiting.
async fn linked_harness(
    endpoint: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::cloudwatch_canned::Harness {
    use lambdatop::poll::Backoff;
    use lambdatop::source::cloudwatch::AwsOptions;
    let opts = AwsOptions {
        linked_accounts: true,
        backoff: Backoff {
            base: std::time::Duration::from_millis(1),
            cap: std::time::Duration::from_millis(5),
            max_attempts: 2,
        },
        logs_rate_limit_per_s: 1000.0,
        ..AwsOptions::default()
    };
    crate::cloudwatch_canned::harness_with(endpoint, now, opts).await
}

/// DescribeLogGroups (in eu-central-1, with `includeLinkedAccounts`): the monitoring account's
/// `/aws/lambda/orders`, and a linked account's `group` of ARN `arn`.
fn own_orders_group_and(group: &str, arn: &str) -> crate::cloudwatch_canned::Reply {
    json(
        200,
        serde_json::json!({"logGroups": [
            {
                "logGroupName": "/aws/lambda/orders",
                "logGroupArn": "arn:aws:logs:eu-central-1:111122223333:log-group:/aws/lambda/orders",
            },
            {"logGroupName": group, "logGroupArn": arn},
        ]}),
    )
}

/// A linked source account's log group is listed with `IncludeLinkedAccounts`, read by its ARN
/// (FilterLogEvents `logGroupIdentifier`), and its lines are that account's.
#[tokio::test]
async fn a_linked_accounts_log_lines_are_read_by_arn_and_are_its_own() {
    use lambdatop::message::Update;

    let script = monitoring_account();
    let arn = "arn:aws:logs:eu-central-1:222233334444:log-group:/aws/lambda/payments";
    let now = chrono::Utc::now();
    {
        let mut s = script.lock().expect("script");
        s.on(
            "DescribeLogGroups",
            vec![own_orders_group_and("/aws/lambda/payments", arn)],
        );
        s.on(
            "FilterLogEvents",
            vec![json(
                200,
                serde_json::json!({"events": [{
                    "logStreamName": "2026/01/01/[$LATEST]abc",
                    "timestamp": now.timestamp_millis() - 1000,
                    "message": "payment taken\n",
                    "eventId": "1",
                }]}),
            )],
        );
    }
    let endpoint = serve(script.clone()).await;
    let mut h = linked_harness(&endpoint, now).await;
    // The linked account's `payments`, as the dashboard names it: of its account.
    let payments = lambdatop::model::Origin::of(Some(LINKED), Some("eu-central-1"));
    h.requests
        .send_modify(|r| r.log_functions = vec![payments.function("payments")]);
    assert!(h.pollers.discovery.round(&h.ctx).await);
    assert!(h.pollers.logs.round(&h.ctx).await);
    let updates = h.drain();
    let linked = updates.iter().find_map(|u| match u {
        Update::From { origin, update } => match update.as_ref() {
            Update::Logs(block) => Some((origin.clone(), block.pane.len())),
            _ => None,
        },
        _ => None,
    });
    let (origin, lines) = linked.unwrap_or_else(|| panic!("no linked log lines in {updates:?}"));
    assert_eq!(origin.account.as_deref(), Some("222233334444"));
    assert_eq!(origin.region.as_deref(), Some("eu-central-1"));
    assert_eq!(lines, 1);
    let s = script.lock().expect("script");
    let reads = s.calls("FilterLogEvents");
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert!(
        reads[0].contains("logGroupIdentifier") && reads[0].contains(arn),
        "{}",
        reads[0]
    );
    assert!(!reads[0].contains("\"logGroupName\""), "{}", reads[0]);
    assert!(
        s.calls("DescribeLogGroups")
            .iter()
            .all(|b| b.contains("\"includeLinkedAccounts\":true")),
        "{:?}",
        s.calls("DescribeLogGroups")
    );
}

/// The log pane of a linked account's `orders` reads that account's group by its ARN, never the
/// monitoring account's own `/aws/lambda/orders`, and the other way round; each one's lines are
/// its account's.
#[tokio::test]
async fn a_linked_namesakes_log_lines_come_from_its_own_group() {
    use lambdatop::message::Update;
    use lambdatop::model::Origin;

    let script = monitoring_account_with_a_namesake();
    let arn = linked_group_arn("eu-central-1", "/aws/lambda/orders");
    let now = chrono::Utc::now();
    let line = |message: &str| {
        json(
            200,
            serde_json::json!({"events": [{
                "logStreamName": "2026/01/01/[$LATEST]abc",
                "timestamp": now.timestamp_millis() - 1000,
                "message": format!("{message}\n"),
                "eventId": message,
            }]}),
        )
    };
    {
        let mut s = script.lock().expect("script");
        s.on(
            "DescribeLogGroups",
            vec![own_orders_group_and("/aws/lambda/orders", &arn)],
        );
        s.on_body("FilterLogEvents", &arn, line("theirs"));
        s.on("FilterLogEvents", vec![line("mine")]);
    }
    let endpoint = serve(script.clone()).await;
    let mut h = linked_harness(&endpoint, now).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    // (account of the update, its lines) of a logs round reading `id`'s logs.
    let mut read = async |id: lambdatop::model::FunctionId| {
        h.requests.send_modify(|r| r.log_functions = vec![id]);
        assert!(h.pollers.logs.round(&h.ctx).await);
        h.drain()
            .into_iter()
            .filter_map(|u| match u {
                Update::Logs(block) => Some((None, block.pane.len())),
                Update::From { origin, update } => match *update {
                    Update::Logs(block) => Some((origin.account, block.pane.len())),
                    _ => None,
                },
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let theirs = Origin::of(Some(LINKED), Some("eu-central-1")).function("orders");
    assert_eq!(read(theirs).await, [(Some(LINKED.into()), 1)]);
    assert_eq!(
        read(Origin::default().function("orders")).await,
        [(None, 1)]
    );
    let s = script.lock().expect("script");
    let reads = s.calls("FilterLogEvents");
    assert_eq!(reads.len(), 2, "{reads:?}");
    assert!(reads[0].contains(&arn), "{}", reads[0]);
    assert!(
        reads[1].contains("\"logGroupName\":\"/aws/lambda/orders\""),
        "{}",
        reads[1]
    );
}

/// The linked source account of [`monitoring_account`].
pub(crate) const LINKED: &str = "222233334444";

/// The ARN by which a monitoring account in `region` names `group` of the [`LINKED`] account.
pub(crate) fn linked_group_arn(region: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{LINKED}:log-group:{group}")
}

/// [`monitoring_account`] in `region` with its log groups, listed with `includeLinkedAccounts`:
/// the own account's `/aws/lambda/orders`, the linked account's `/aws/lambda/payments` — and a
/// `/aws/lambda/payments` of the own account too, so the own account has a `payments` as well
/// (a function lambdatop lists from its log group alone), which a read by name would reach.
pub(crate) fn monitoring_account_with_groups(region: &str) -> Arc<Mutex<Script>> {
    let script = monitoring_account();
    let own = |group: &str| format!("arn:aws:logs:{region}:111122223333:log-group:{group}");
    script.lock().expect("script").on(
        "DescribeLogGroups",
        vec![json(
            200,
            serde_json::json!({"logGroups": [
                {"logGroupName": "/aws/lambda/orders", "logGroupArn": own("/aws/lambda/orders")},
                {"logGroupName": "/aws/lambda/payments", "logGroupArn": own("/aws/lambda/payments")},
                {
                    "logGroupName": "/aws/lambda/payments",
                    "logGroupArn": linked_group_arn(region, "/aws/lambda/payments"),
                },
            ]}),
        )],
    );
    script
}

/// FilterLogEvents events of REPORT lines `lines`, a minute apart, ending a minute ago.
fn report_events(lines: &[&str]) -> Value {
    let now = chrono::Utc::now().timestamp_millis();
    let events: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            serde_json::json!({
                "logStreamName": "2026/01/01/[$LATEST]abc",
                "timestamp": now - 60_000 * (lines.len() - i) as i64,
                "message": format!("{line}\n"),
                "eventId": format!("e{i}"),
            })
        })
        .collect();
    serde_json::json!({ "events": events })
}

/// The function `name` of `account` (`None`: the own account's) in a JSON snapshot.
fn function_of<'a>(doc: &'a Value, name: &str, account: Option<&str>) -> &'a Value {
    doc["functions"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|f| f["name"] == name && f["account"].as_str() == account)
        })
        .unwrap_or_else(|| panic!("no {name} of {account:?} in {doc}"))
}

/// With the FilterLogEvents engine, a linked account's `payments` gets the REPORT figures of its
/// own log group, read by ARN (`logGroupIdentifier`), and the own account's same-named
/// `payments` keeps those of its group, read by name. moto cannot serve this: its FilterLogEvents reads `logGroupName`
/// only (it ignores `logGroupIdentifier`), and it has no cross-account observability (its
/// ListMetrics neither reads `IncludeLinkedAccounts` nor answers `OwningAccounts`); hence the
/// canned peer, which answers the ARN's read with the linked group's lines.
#[tokio::test(flavor = "multi_thread")]
async fn a_linked_accounts_report_figures_are_read_by_arn_and_are_its_own() {
    let script = monitoring_account_with_groups("eu-west-1");
    let arn = linked_group_arn("eu-west-1", "/aws/lambda/payments");
    {
        let mut s = script.lock().expect("script");
        // The linked account's payments: a cold start (300 ms init), 50 ms and 250 ms at 512 MB.
        let theirs = report_events(&[
            "REPORT RequestId: l1\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: 200 MB\tInit Duration: 300.00 ms",
            "REPORT RequestId: l2\tDuration: 50.00 ms\tBilled Duration: 50 ms\tMemory Size: 512 MB\tMax Memory Used: 210 MB",
            "REPORT RequestId: l3\tDuration: 250.00 ms\tBilled Duration: 250 ms\tMemory Size: 512 MB\tMax Memory Used: 220 MB",
        ]);
        s.on_body("FilterLogEvents", &arn, json(200, theirs));
        // What a read by name answers, for the own account's orders and payments alike: one warm
        // 10 ms invocation at 128 MB.
        let own = report_events(&[
            "REPORT RequestId: o1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB",
        ]);
        s.on("FilterLogEvents", vec![json(200, own)]);
    }
    let endpoint = serve(script.clone()).await;
    let cmd = canned_snapshot(
        &endpoint,
        "filter",
        &["--region", "eu-west-1", "--linked-accounts"],
    );
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, Some(0), "{err}");
    let doc = parse(&out, &err);
    // What the monitoring account cannot read of it is said once.
    let note = "lambdatop: note: 1 function of a linked account: configuration not shared with a monitoring account";
    assert_eq!(err.matches(note).count(), 1, "{err}");

    let theirs = function_of(&doc, "payments", Some(LINKED));
    let r = &theirs["report"];
    assert_eq!(r["invocations"], 3, "{theirs}");
    assert_eq!(r["cold_starts"], 1, "{theirs}");
    assert_eq!(r["billed_ms_total"], 400, "{theirs}");
    // The nearest rank, 100 ms, within the histogram's 1 %.
    let p50 = r["duration_ms_p50"].as_f64().expect("p50");
    assert!((p50 - 100.0).abs() <= 1.0, "{theirs}");
    assert_eq!(r["duration_ms_p99"], 250.0, "{theirs}");
    assert_eq!(r["init_ms_p50"], 300.0, "{theirs}");
    assert_eq!(r["memory_size_mb"], 512, "{theirs}");
    assert_eq!(r["max_memory_used_mb"], 220, "{theirs}");
    // 3 requests at $0.20 a million, and 400 ms × 0.5 GB = 0.2 GB-s at $0.0000166667.
    let cost = r["cost_usd"].as_f64().expect("cost");
    assert!(
        (cost - (6e-7 + 0.2 * 0.000_016_666_7)).abs() < 1e-12,
        "{cost}"
    );
    assert_eq!(theirs["report_source"], "filter", "{theirs}");

    for name in ["orders", "payments"] {
        let own = function_of(&doc, name, None);
        let r = &own["report"];
        assert_eq!(r["invocations"], 1, "{own}");
        assert_eq!(r["cold_starts"], 0, "{own}");
        assert_eq!(r["billed_ms_total"], 10, "{own}");
        assert_eq!(r["memory_size_mb"], 128, "{own}");
        assert_eq!(r["max_memory_used_mb"], 40, "{own}");
    }

    // The linked group by its ARN, the own ones by name: one read each.
    let s = script.lock().expect("script");
    let reads = s.calls("FilterLogEvents");
    assert_eq!(reads.len(), 3, "{reads:?}");
    let by_arn: Vec<&&str> = reads.iter().filter(|b| b.contains(&arn)).collect();
    assert_eq!(by_arn.len(), 1, "{reads:?}");
    assert!(
        by_arn[0].contains("\"logGroupIdentifier\""),
        "{}",
        by_arn[0]
    );
    assert!(!by_arn[0].contains("\"logGroupName\""), "{}", by_arn[0]);
    for group in ["/aws/lambda/orders", "/aws/lambda/payments"] {
        let by_name = format!("\"logGroupName\":\"{group}\"");
        assert!(reads.iter().any(|b| b.contains(&by_name)), "{reads:?}");
    }
}

/// A monitoring account's store: its own `orders` (python3.12, 128 MB, 3 s, 10 reserved, the
/// account's limit 1,000) and the linked account's `payments`, known from CloudWatch alone,
/// with the REPORT figures of its log group (3 invocations, one cold, at 512 MB).
fn monitoring_store() -> lambdatop::store::Store {
    use lambdatop::message::{ReportOrigin, Update, WindowReport, WindowReports};
    use lambdatop::model::{FunctionConfig, Origin, Reserved};
    use lambdatop::window::TimeWindow;

    let now = crate::common::fixed_now();
    let window = TimeWindow::default();
    let mut store = cloudwatch_store();
    store.expect_window_reports();
    store.apply(Update::Functions(vec![FunctionConfig {
        runtime: Some("python3.12".into()),
        memory_mb: Some(128),
        timeout_s: Some(3),
        reserved_concurrency: Reserved::Limit(10),
        ..FunctionConfig::named("orders")
    }]));
    store.apply(Update::AccountConcurrencyLimit(1000));
    let linked = Origin::of(Some(LINKED), Some("eu-west-1"));
    let from_linked = |update: Update| Update::From {
        origin: linked.clone(),
        update: Box::new(update),
    };
    store.apply(from_linked(Update::Functions(vec![FunctionConfig {
        account: Some(LINKED.into()),
        ..FunctionConfig::named("payments")
    }])));
    let figures = WindowReport {
        invocations: 3,
        cold_starts: 1,
        duration_ms_p50: Some(100.0),
        duration_ms_p99: Some(250.0),
        init_ms_p50: Some(300.0),
        billed_ms_total: 400,
        gb_seconds: 0.2,
        memory_size_mb: Some(512),
        memory_size_min_mb: Some(512),
        memory_used_ratio: Some(220.0 / 512.0),
        max_memory_used_mb: Some(220),
        ..WindowReport::default()
    };
    store.apply(from_linked(Update::Reports(WindowReports {
        origin: ReportOrigin::Filter,
        window,
        from: window.start(now),
        to: now,
        reports: vec![("payments".into(), Some(figures))],
    })));
    store.tick();
    store
}

/// The detail view of a linked account's function says once that its configuration is not
/// shared with a monitoring account, and shows neither blanks for it nor the monitoring
/// account's values (its concurrency limit, a default architecture or log format); its memory
/// is the one its REPORT lines give.
#[test]
fn a_linked_accounts_function_says_its_configuration_is_not_shared() {
    use lambdatop::figures::Selection;
    use lambdatop::model::NOT_SHARED_WITH_MONITORING;
    use lambdatop::tui::handle_key;
    use lambdatop::tui::view::ViewState;

    let store = monitoring_store();
    let open = |name: &str| {
        let mut view = ViewState::new(Selection::default());
        let at = store
            .select(&view.selection)
            .iter()
            .position(|f| &*f.id.name == name)
            .expect("listed");
        for _ in 0..at {
            handle_key(&mut view, &store, crate::common::key('j'));
        }
        press_enter(&mut view, &store);
        view
    };
    for (w, h) in [(160, 45), (80, 24)] {
        let mut view = open("payments");
        let term = crate::common::draw(&mut view, &store, w, h);
        insta::assert_snapshot!(format!("linked_detail_{w}x{h}"), term.backend());
        let screen = crate::common::buffer_text(term.backend().buffer());
        // Once (wrapped in the wide panel).
        assert_eq!(screen.matches("not shared with").count(), 1, "{screen}");
        for own in ["account limit", "x86_64", "Text", "Reserved"] {
            assert!(!screen.contains(own), "{own} in\n{screen}");
        }
        assert!(screen.contains("512 MB"), "{screen}");
        // The own account's function shows its configuration, as before.
        let mut view = open("orders");
        let term = crate::common::draw(&mut view, &store, w, h);
        let screen = crate::common::buffer_text(term.backend().buffer());
        assert!(!screen.contains(NOT_SHARED_WITH_MONITORING), "{screen}");
        assert!(screen.contains("python3.12"), "{screen}");
    }
}

/// With several profiles, each profile's account id is asked of STS once however many Regions
/// it reads (here two profiles of two Regions each: two calls), and every Region and row of the
/// profile carries it as `account_id`; the table keeps the profile's name.
#[tokio::test(flavor = "multi_thread")]
async fn each_profile_asks_sts_for_its_account_id_once() {
    let functions = serde_json::json!([{"FunctionName": "orders"}]);
    let no_metrics = cbor(200, Cbor::Map(vec![("Metrics", Cbor::Array(vec![]))]));
    let script = canned_account(functions, no_metrics, None);
    script.lock().expect("script").on(
        "/",
        vec![crate::cloudwatch_canned::xml(
            200,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::444455556666:user/ops</Arn>\
             <UserId>AIDAEXAMPLE</UserId><Account>444455556666</Account>\
             </GetCallerIdentityResult></GetCallerIdentityResponse>",
        )],
    );
    let endpoint = serve(script.clone()).await;
    let home = aws_home(
        "sts",
        &[
            ("one", "eu-west-1", endpoint.as_str()),
            ("two", "eu-west-1", endpoint.as_str()),
        ],
    );
    let args = [
        "--once",
        "-o",
        "json",
        "--log-analytics",
        "off",
        "--profile",
        "one,two",
        "--region",
        "eu-west-1,us-east-1",
    ];
    let (code, out, err) = run(with_profiles(&home, &args)).await;
    let _ = std::fs::remove_dir_all(&home);
    assert_eq!(code, Some(0), "{err}");
    let doc = parse(&out, &err);
    let sts = script.lock().expect("script").calls("/").len();
    assert_eq!(sts, 2, "one GetCallerIdentity a profile");
    let column = |list: &Value, key: &str| -> Vec<String> {
        list.as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r[key].as_str().unwrap_or("-").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(column(&doc["regions"], "account_id"), ["444455556666"; 4]);
    assert_eq!(column(&doc["functions"], "account_id"), ["444455556666"; 4]);
    // The profile's name stays the account column's (rows by name, Region, then account).
    assert_eq!(
        column(&doc["functions"], "account"),
        ["one", "two", "one", "two"]
    );
}

/// The detail view of a function read with a profile whose account id STS told names that id.
#[test]
fn the_detail_view_names_the_profiles_account_id() {
    use lambdatop::figures::Selection;
    use lambdatop::message::Update;
    use lambdatop::model::Origin;
    use lambdatop::tui::view::ViewState;

    let mut store = two_region_store();
    store.apply(Update::From {
        origin: Origin::region(Some("us-east-1")),
        update: Box::new(Update::AccountId("444455556666".into())),
    });
    let mut view = ViewState::new(Selection::default());
    let (selected, screen) = first_detail(&store, &mut view);
    let title = format!(" {} · us-east-1 · account 444455556666 ", selected.name);
    assert_eq!(selected.region.as_deref(), Some("us-east-1"));
    assert!(screen.contains(&title), "{title:?} in\n{screen}");
}

/// With profiles, the first column names each row's profile and Region under its own title.
#[test]
fn the_table_names_each_rows_profile_and_region() {
    use lambdatop::figures::Selection;
    use lambdatop::model::Origin;
    use lambdatop::tui::view::ViewState;

    let mut store = crate::common::demo_origins_store(
        lambdatop::message::SourceKind::Cloudwatch,
        &[
            Origin::of(Some("dev"), Some("eu-west-1")),
            Origin::of(Some("prod"), Some("eu-west-1")),
        ],
    );
    store.tick();
    let mut view = ViewState::new(Selection::default());
    let term = crate::common::draw(&mut view, &store, 160, 45);
    let screen = crate::common::buffer_text(term.backend().buffer());
    assert!(screen.contains(" · 2 profiles · eu-west-1 · "), "{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("Profile/Region ") && l.contains(" Function ")),
        "{screen}"
    );
    for profile in ["dev/eu-west-1 ", "prod/eu-west-1 "] {
        assert!(
            screen.lines().any(|l| l.starts_with(profile)),
            "{profile:?} in\n{screen}"
        );
    }
}

/// After a window change with several Regions, the figures stay the old window's (loading)
/// until every Region's metrics of the new window are in, not only the first to answer.
#[test]
fn a_new_window_loads_when_every_region_has_answered() {
    use lambdatop::message::{SourceKind, Update};
    use lambdatop::model::Origin;
    use lambdatop::source::demo::{DEFAULT_SEED, DemoAccount};
    use lambdatop::window::TimeWindow;

    let (east, west) = (
        Origin::region(Some("us-east-1")),
        Origin::region(Some("eu-west-1")),
    );
    let mut store =
        crate::common::demo_origins_store(SourceKind::Demo, &[east.clone(), west.clone()]);
    store.tick();
    let window: TimeWindow = "3h".parse().unwrap();
    store.set_window(window);
    assert!(store.loading());
    let now = crate::common::fixed_now();
    for (origin, seed) in [(&east, DEFAULT_SEED), (&west, DEFAULT_SEED + 1)] {
        assert!(store.loading(), "{} has not answered yet", origin.label());
        for u in DemoAccount::new(seed).round(window, now, true, true, now) {
            store.apply(Update::From {
                origin: origin.clone(),
                update: Box::new(u),
            });
        }
    }
    assert!(!store.loading());
}
