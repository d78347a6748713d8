//! A local AWS peer for integration tests: moto plus a small CBOR adapter.
//!
//! ```ignore
//! mod support;
//! use support::peer::LocalAws;
//!
//! #[tokio::test]
//! async fn lists_metrics() {
//!     let Some(aws) = LocalAws::start_or_skip() else { return }; // its own moto
//!     let config = aws.sdk_config().await;
//!     let cloudwatch = aws_sdk_cloudwatch::Client::new(&config);
//!     // ... seed with aws.put_metric(..), aws.put_log_events(..), aws.create_function(..)
//! }
//! ```
//!
//! How it fits together:
//!
//! * `moto_server` emulates CloudWatch Logs, Lambda and IAM and is called directly.
//! * `tests/integration/support/cloudwatch_cbor_adapter.py` sits in front of moto for CloudWatch (the SDK
//!   speaks RPC v2 CBOR, moto only JSON 1.0) and for Lambda (moto forgets `LoggingConfig` and
//!   has no `GetAccountSettings`; the adapter fills both in).
//! * Python comes from a virtualenv: `$LAMBDATOP_TEST_VENV` or `<repo>/.venv`, created from
//!   `tests/integration/support/requirements.txt` on first use (once, under a file lock).
//!
//! Isolation: every [`LocalAws`] runs its own moto and adapter processes, started together
//! (about 0.4 s on an idle machine, 1-2 s on a busy 2-core one), so tests share nothing and can
//! run in parallel. A shared moto with `reset()` would save that start-up, but parallel tests
//! would then wipe each other's data. Both processes are killed when the value is
//! dropped, also when the test panics; if the test process itself dies, both exit on their own
//! when their standard input closes.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, MetricDatum, StandardUnit, StateValue, Statistic,
};
use aws_sdk_lambda::types::{Architecture, FunctionCode, LogFormat, LoggingConfig, Runtime};
use chrono::{DateTime, Utc};

/// Region every client of the peer uses.
pub const REGION: &str = "us-east-1";
/// moto's default account id (credentials are not checked).
pub const ACCOUNT_ID: &str = "123456789012";
/// Dummy static credentials; moto only reads the SigV4 scope to route requests.
pub const ACCESS_KEY_ID: &str = "testing";
pub const SECRET_ACCESS_KEY: &str = "testing";
/// The IAM role [`LocalAws::create_function`] creates and assigns (moto checks it exists).
pub const LAMBDA_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/lambdatop-test-role";

/// How long moto and the adapter may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Starts `moto.server.main` like the `moto_server` script does, but first arranges for the
/// process to exit when its standard input closes (that is, when the test process is gone).
const MOTO_LAUNCHER: &str = r#"
import os, sys, threading
def exit_on_eof():
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)
threading.Thread(target=exit_on_eof, daemon=True).start()
from moto.server import main
sys.exit(main(sys.argv[1:]))
"#;

/// A running moto + adapter pair, private to one test. Dropping it stops both.
pub struct LocalAws {
    moto: Child,
    adapter: Child,
    moto_port: u16,
    adapter_port: u16,
    log_dir: PathBuf,
    role_created: tokio::sync::OnceCell<()>,
    sdk_config: tokio::sync::OnceCell<aws_config::SdkConfig>,
}

impl LocalAws {
    /// Starts a fresh peer, or `None` when the Python env it runs in cannot be made here
    /// (no python3, no venv module, no PyPI): the test is then skipped with one line saying what
    /// to install. Under `CI` a missing env fails the test instead, so CI never skips silently.
    pub fn start_or_skip() -> Option<LocalAws> {
        match ensure_python_env() {
            Ok(venv) => Some(Self::start_in(venv)),
            Err(why) if std::env::var_os("CI").is_some() => {
                panic!("local AWS peer unavailable under CI: {why}")
            }
            Err(why) => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    eprintln!(
                        "skipping the tests that need the local AWS peer: {why}. Install python3 \
                         with venv and pip and allow access to PyPI (the tests then install \
                         tests/integration/support/requirements.txt themselves)."
                    )
                });
                None
            }
        }
    }

    /// Starts a fresh peer in the Python env at `venv`. Panics with a clear message when moto
    /// or the adapter does not come up within 30 s.
    fn start_in(venv: &Path) -> LocalAws {
        let python = python_bin(venv);
        let log_dir = new_log_dir();
        let adapter_script =
            repo_root().join("tests/integration/support/cloudwatch_cbor_adapter.py");

        // Both start at once (the adapter only needs moto when a request comes). A port found
        // free can be taken by someone else before our server binds it: then that server exits
        // and both are started again on new ports.
        for _attempt in 0..3 {
            let (moto_port, adapter_port) = (free_port(), free_port());
            let moto_url = format!("http://127.0.0.1:{moto_port}");
            let mut moto = spawn_server(
                "moto",
                &log_dir,
                Command::new(&python).args([
                    "-c",
                    MOTO_LAUNCHER,
                    "-H",
                    "127.0.0.1",
                    "-p",
                    &moto_port.to_string(),
                ]),
            );
            let mut adapter = spawn_server(
                "adapter",
                &log_dir,
                Command::new(&python).arg(&adapter_script).args([
                    "--port",
                    &adapter_port.to_string(),
                    "--moto-url",
                    &moto_url,
                ]),
            );
            // (If waiting panics, dropping the `Child` values closes their stdin: both exit.)
            if wait_until_ready("moto", &mut moto, moto_port, &log_dir)
                && wait_until_ready("adapter", &mut adapter, adapter_port, &log_dir)
            {
                return LocalAws {
                    moto,
                    adapter,
                    moto_port,
                    adapter_port,
                    log_dir,
                    role_created: tokio::sync::OnceCell::new(),
                    sdk_config: tokio::sync::OnceCell::new(),
                };
            }
            stop(&mut moto);
            stop(&mut adapter);
        }
        panic!(
            "local AWS peer: moto or the adapter kept exiting during start-up; logs:\n{}\n{}",
            read_log(&log_dir, "moto"),
            read_log(&log_dir, "adapter")
        );
    }
    /// moto itself: CloudWatch Logs (and anything else moto serves as is).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.moto_port)
    }

    /// The adapter: CloudWatch (RPC v2 CBOR) and Lambda (with `LoggingConfig`).
    pub fn cloudwatch_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.adapter_port)
    }

    /// Lambda goes through the adapter too (see the module docs).
    pub fn lambda_endpoint(&self) -> String {
        self.cloudwatch_endpoint()
    }

    /// CloudWatch Logs goes straight to moto.
    pub fn logs_endpoint(&self) -> String {
        self.endpoint()
    }

    /// Environment variables that point any AWS SDK program (e.g. the `lambdatop` binary in an
    /// end-to-end test) at this peer: `Command::new(bin).envs(aws.env_vars())`.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL_CLOUDWATCH", self.cloudwatch_endpoint()),
            ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", self.logs_endpoint()),
            ("AWS_ENDPOINT_URL_LAMBDA", self.lambda_endpoint()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_string()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ]
    }

    /// An `SdkConfig` for this peer: dummy static credentials, `us-east-1`, no retries (moto's
    /// errors are deterministic, retrying them only slows tests down) and per-service endpoints,
    /// so `aws_sdk_cloudwatch::Client::new(&config)` (and Logs, Lambda) reach the right process.
    ///
    /// The per-service endpoints travel inside the config as an in-memory AWS config file with a
    /// `[services]` section; the host's environment and `~/.aws` files are ignored. The AWS docs
    /// spell a two-word service id `cloudwatch_logs` there, aws-config 1.13 reads `cloudwatch-logs`:
    /// both are written.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        self.sdk_config
            .get_or_init(|| self.load_sdk_config())
            .await
            .clone()
    }

    async fn load_sdk_config(&self) -> aws_config::SdkConfig {
        #[allow(deprecated)] // the alias is the only path aws-config exports for this type
        use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};

        let config_file = format!(
            "[profile peer]\nservices = peer\n\n[services peer]\n\
             cloudwatch =\n  endpoint_url = {cw}\n\
             cloudwatch_logs =\n  endpoint_url = {logs}\n\
             cloudwatch-logs =\n  endpoint_url = {logs}\n\
             lambda =\n  endpoint_url = {lambda}\n",
            cw = self.cloudwatch_endpoint(),
            logs = self.logs_endpoint(),
            lambda = self.lambda_endpoint(),
        );
        #[allow(deprecated)]
        let profile_files = ProfileFiles::builder()
            .with_contents(ProfileFileKind::Config, config_file)
            .build();
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .empty_test_environment()
            .profile_files(profile_files)
            .profile_name("peer")
            .region(aws_config::Region::new(REGION))
            .credentials_provider(aws_sdk_cloudwatch::config::Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                None,
                None,
                "lambdatop-test-peer",
            ))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .load()
            .await
    }

    /// A CloudWatch client bound to the adapter.
    pub async fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.sdk_config().await)
    }

    /// A CloudWatch Logs client bound to moto.
    pub async fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.sdk_config().await)
    }

    /// A Lambda client bound to the adapter.
    pub async fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.sdk_config().await)
    }

    /// Forget everything stored in moto (`POST /moto-api/reset`). Seldom needed: each
    /// `LocalAws` already starts empty.
    pub fn reset(&self) {
        let (status, body) = self.raw_post("/moto-api/reset", "s3", "application/json", "");
        assert_eq!(status, 200, "moto reset failed: {body}");
    }

    // ---------------------------------------------------------------- seeding: CloudWatch

    /// Put datapoints of an `AWS/Lambda` metric with the `FunctionName` dimension.
    /// Several points in the same minute are aggregated by CloudWatch (Sum, Average, ...).
    pub async fn put_metric(
        &self,
        function: &str,
        metric: &str,
        unit: StandardUnit,
        points: &[(DateTime<Utc>, f64)],
    ) {
        let client = self.cloudwatch().await;
        // PutMetricData takes at most 1,000 datapoints per call.
        for chunk in points.chunks(1000) {
            let data = chunk
                .iter()
                .map(|(at, value)| {
                    MetricDatum::builder()
                        .metric_name(metric)
                        .dimensions(dimension(function))
                        .timestamp(smithy_time(*at))
                        .value(*value)
                        .unit(unit.clone())
                        .build()
                })
                .collect();
            client
                .put_metric_data()
                .namespace("AWS/Lambda")
                .set_metric_data(Some(data))
                .send()
                .await
                .expect("seed: put_metric_data");
        }
    }

    /// Create (or replace) a metric alarm and force it into `alarm.state`.
    pub async fn put_alarm(&self, alarm: &AlarmSeed) {
        self.put_alarm_in(REGION, alarm).await;
    }

    /// [`LocalAws::put_alarm`] in `region` (one peer serves every Region: the request's
    /// signature names it).
    pub async fn put_alarm_in(&self, region: &str, alarm: &AlarmSeed) {
        let config = self.sdk_config().await;
        let client = aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&config)
                .region(aws_config::Region::new(region.to_string()))
                .build(),
        );
        client
            .put_metric_alarm()
            .alarm_name(&alarm.name)
            .namespace("AWS/Lambda")
            .metric_name(&alarm.metric)
            .dimensions(dimension(&alarm.function))
            .statistic(alarm.statistic.clone())
            .period(alarm.period_seconds)
            .evaluation_periods(1)
            .threshold(alarm.threshold)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
            .send()
            .await
            .expect("seed: put_metric_alarm");
        client
            .set_alarm_state()
            .alarm_name(&alarm.name)
            .state_value(alarm.state.clone())
            .state_reason(&alarm.reason)
            .send()
            .await
            .expect("seed: set_alarm_state");
    }

    // ---------------------------------------------------------------- seeding: Logs

    /// A CloudWatch Logs client bound to moto, in `region`.
    pub async fn logs_in(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        let config = self.sdk_config().await;
        aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(&config)
                .region(aws_config::Region::new(region.to_string()))
                .build(),
        )
    }

    /// Create a log group.
    pub async fn create_log_group(&self, group: &str) {
        self.create_log_group_in(REGION, group).await;
    }

    /// [`LocalAws::create_log_group`] in `region`.
    pub async fn create_log_group_in(&self, region: &str, group: &str) {
        let client = self.logs_in(region).await;
        client
            .create_log_group()
            .log_group_name(group)
            .send()
            .await
            .expect("seed: create_log_group");
    }

    /// Create a log stream in an existing group.
    pub async fn create_log_stream(&self, group: &str, stream: &str) {
        self.create_log_stream_in(REGION, group, stream).await;
    }

    /// [`LocalAws::create_log_stream`] in `region`.
    pub async fn create_log_stream_in(&self, region: &str, group: &str, stream: &str) {
        let client = self.logs_in(region).await;
        client
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(stream)
            .send()
            .await
            .expect("seed: create_log_stream");
    }

    /// Put events (sorted by time here, as AWS requires) into an existing stream.
    pub async fn put_log_events(
        &self,
        group: &str,
        stream: &str,
        events: &[(DateTime<Utc>, &str)],
    ) {
        self.put_log_events_in(REGION, group, stream, events).await;
    }

    /// [`LocalAws::put_log_events`] in `region`.
    pub async fn put_log_events_in(
        &self,
        region: &str,
        group: &str,
        stream: &str,
        events: &[(DateTime<Utc>, &str)],
    ) {
        use aws_sdk_cloudwatchlogs::types::InputLogEvent;
        let mut events = events.to_vec();
        events.sort_by_key(|(at, _)| *at);
        let client = self.logs_in(region).await;
        for chunk in events.chunks(10_000) {
            let batch = chunk
                .iter()
                .map(|(at, message)| {
                    InputLogEvent::builder()
                        .timestamp(at.timestamp_millis())
                        .message(*message)
                        .build()
                        .expect("timestamp and message are set")
                })
                .collect();
            client
                .put_log_events()
                .log_group_name(group)
                .log_stream_name(stream)
                .set_log_events(Some(batch))
                .send()
                .await
                .expect("seed: put_log_events");
        }
    }

    // ---------------------------------------------------------------- seeding: Lambda

    /// Create a Lambda function (with a tiny zip and the test role, created on first use).
    pub async fn create_function(&self, function: &FunctionSeed) {
        self.create_function_in(REGION, function).await;
    }

    /// [`LocalAws::create_function`] in `region`.
    pub async fn create_function_in(&self, region: &str, function: &FunctionSeed) {
        self.role_created
            .get_or_init(|| async { self.create_lambda_role() })
            .await;
        let config = self.sdk_config().await;
        let lambda = aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::config::Builder::from(&config)
                .region(aws_config::Region::new(region.to_string()))
                .build(),
        );
        let mut logging = LoggingConfig::builder().log_format(function.log_format.clone());
        if let Some(group) = &function.log_group {
            logging = logging.log_group(group);
        }
        lambda
            .create_function()
            .function_name(&function.name)
            .runtime(function.runtime.clone())
            .role(LAMBDA_ROLE_ARN)
            .handler("index.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(
                        tiny_zip(
                            "index.py",
                            b"def handler(event, context):\n    return event\n",
                        )
                        .into(),
                    )
                    .build(),
            )
            .memory_size(function.memory_mb)
            .timeout(function.timeout_seconds)
            .architectures(function.architecture.clone())
            .logging_config(logging.build())
            .send()
            .await
            .expect("seed: create_function");
    }

    /// moto's Lambda insists the role exists in its IAM. The crate has no IAM client, so this
    /// sends the query-protocol `CreateRole` call by hand.
    fn create_lambda_role(&self) {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let body = format!(
            "Action=CreateRole&Version=2010-05-08&RoleName=lambdatop-test-role&AssumeRolePolicyDocument={}",
            url_encode(policy)
        );
        let (status, reply) = self.raw_post("/", "iam", "application/x-www-form-urlencoded", &body);
        assert_eq!(status, 200, "seed: IAM CreateRole failed: {reply}");
    }

    /// A minimal HTTP/1.1 POST to moto, "signed" for `service` (moto routes by the SigV4 scope
    /// and does not check the signature). Returns the status and the body.
    fn raw_post(&self, path: &str, service: &str, content_type: &str, body: &str) -> (u16, String) {
        let mut stream =
            TcpStream::connect(("127.0.0.1", self.moto_port)).expect("connect to moto");
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20240101/{REGION}/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
             Content-Type: {content_type}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n{body}",
            port = self.moto_port,
            len = body.len(),
        );
        stream.write_all(request.as_bytes()).expect("send to moto");
        let mut reply = String::new();
        stream
            .read_to_string(&mut reply)
            .expect("read moto's reply");
        let status = reply
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let body = reply.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        (status, body.to_string())
    }
}

impl Drop for LocalAws {
    fn drop(&mut self) {
        stop(&mut self.adapter);
        stop(&mut self.moto);
        if std::thread::panicking() {
            eprintln!("local AWS peer logs kept in {}", self.log_dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.log_dir);
        }
    }
}

/// What [`LocalAws::put_alarm`] creates: an alarm on one `AWS/Lambda` metric of one function.
#[derive(Clone, Debug)]
pub struct AlarmSeed {
    pub name: String,
    pub function: String,
    pub metric: String,
    pub statistic: Statistic,
    pub period_seconds: i32,
    pub threshold: f64,
    /// The state forced with `SetAlarmState` after creation.
    pub state: StateValue,
    pub reason: String,
}

impl AlarmSeed {
    /// `Sum >= 1` over 60 s, forced into `state`.
    pub fn new(name: &str, function: &str, metric: &str, state: StateValue) -> AlarmSeed {
        AlarmSeed {
            name: name.to_string(),
            function: function.to_string(),
            metric: metric.to_string(),
            statistic: Statistic::Sum,
            period_seconds: 60,
            threshold: 1.0,
            reason: format!("seeded as {state}"),
            state,
        }
    }
}

/// What [`LocalAws::create_function`] creates.
#[derive(Clone, Debug)]
pub struct FunctionSeed {
    pub name: String,
    pub runtime: Runtime,
    pub memory_mb: i32,
    pub timeout_seconds: i32,
    pub architecture: Architecture,
    pub log_format: LogFormat,
    /// `None`: the default group `/aws/lambda/<name>`.
    pub log_group: Option<String>,
}

impl FunctionSeed {
    /// Python 3.12, 128 MB, 3 s, x86_64, Text logs in the default group (the AWS defaults).
    pub fn new(name: &str) -> FunctionSeed {
        FunctionSeed {
            name: name.to_string(),
            runtime: Runtime::Python312,
            memory_mb: 128,
            timeout_seconds: 3,
            architecture: Architecture::X8664,
            log_format: LogFormat::Text,
            log_group: None,
        }
    }
}

fn dimension(function: &str) -> Dimension {
    Dimension::builder()
        .name("FunctionName")
        .value(function)
        .build()
}

/// chrono time -> SDK time (millisecond precision, like CloudWatch).
pub fn smithy_time(at: DateTime<Utc>) -> aws_sdk_cloudwatch::primitives::DateTime {
    aws_sdk_cloudwatch::primitives::DateTime::from_millis(at.timestamp_millis())
}

// -------------------------------------------------------------------- the Python env

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Python interpreter of the peer's env (created on first use); `None` when the env
/// cannot be made here (see [`LocalAws::start_or_skip`]).
pub fn python() -> Option<PathBuf> {
    let venv = ensure_python_env();
    if let Err(why) = &venv {
        assert!(
            std::env::var_os("CI").is_none(),
            "local AWS peer unavailable under CI: {why}"
        );
    }
    venv.ok().map(python_bin)
}

fn python_bin(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The virtualenv with moto, created on first use. Threads of one test binary wait on the
/// `OnceLock`; parallel test processes wait on a file lock next to the venv. `Err` says what is
/// missing when the env cannot be made.
fn ensure_python_env() -> Result<&'static Path, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = std::env::var_os("LAMBDATOP_TEST_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join(".venv"));
        let requirements = repo_root().join("tests/integration/support/requirements.txt");
        let wanted = fs::read_to_string(&requirements)
            .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
        // Written after a successful install; holds the requirements it was made from, so an
        // edit to requirements.txt triggers a new `pip install`.
        let marker = venv.join("lambdatop-requirements.txt");
        let is_ready = || fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str());
        if is_ready() {
            return Ok(venv);
        }

        let parent = venv.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let name = venv
            .file_name()
            .map_or("venv".into(), |n| n.to_string_lossy());
        let lock_path = parent.join(format!("{name}.lock"));
        let lock =
            File::create(&lock_path).map_err(|e| format!("cannot create the venv lock: {e}"))?;
        lock.lock()
            .map_err(|e| format!("cannot lock the venv lock: {e}"))?;
        if !is_ready() {
            create_python_env(&venv, &requirements)?;
            fs::write(&marker, &wanted)
                .map_err(|e| format!("cannot write the venv marker: {e}"))?;
        }
        drop(lock);
        Ok(venv)
    })
    .as_deref()
    .map_err(Clone::clone)
}

fn create_python_env(venv: &Path, requirements: &Path) -> Result<(), String> {
    let started = Instant::now();
    eprintln!(
        "creating the Python env for the local AWS peer in {} (first run only)...",
        venv.display()
    );
    if !python_bin(venv).exists() {
        run_setup_step(
            Command::new("python3").arg("-m").arg("venv").arg(venv),
            "python3 -m venv (needs python3 with the venv module, e.g. apt install python3-venv)",
        )?;
    }
    run_setup_step(
        Command::new(python_bin(venv))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(requirements),
        "pip install -r tests/integration/support/requirements.txt (needs pip and access to PyPI)",
    )?;
    eprintln!(
        "Python env ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_setup_step(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|error| format!("cannot run {what}: {error}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim(),
    ))
}

// -------------------------------------------------------------------- processes

fn new_log_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lambdatop-peer-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    fs::create_dir_all(&dir).expect("create the peer's log directory");
    dir
}

/// Start one server process with its output in `<log_dir>/<name>.log`.
fn spawn_server(name: &str, log_dir: &Path, command: &mut Command) -> Child {
    let log = File::create(log_dir.join(format!("{name}.log"))).expect("create a peer log file");
    command
        // Piped stdin: the process exits when it closes, i.e. when the test process ends.
        .stdin(Stdio::piped())
        .stdout(log.try_clone().expect("clone the log file handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("local AWS peer: cannot start {name}: {error}"))
}

/// Kill a server process and reap it.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn read_log(log_dir: &Path, name: &str) -> String {
    let text = fs::read_to_string(log_dir.join(format!("{name}.log"))).unwrap_or_default();
    format!("--- {name}.log ---\n{text}")
}

/// Wait until the server answers on `port`: `true` when it does, `false` when it exited
/// (port taken?). Panics with its log after [`START_TIMEOUT`].
fn wait_until_ready(name: &str, child: &mut Child, port: u16, log_dir: &Path) -> bool {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if answers_http(port) {
            return true;
        }
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        if Instant::now() > deadline {
            panic!(
                "local AWS peer: {name} did not answer on port {port} within {} s;\n{}",
                START_TIMEOUT.as_secs(),
                read_log(log_dir, name)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether something on `port` answers an HTTP request. A bare TCP connect is not enough: on
/// Linux, connecting to a free port of the ephemeral range can "succeed" by connecting the
/// socket to itself.
fn answers_http(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    if stream.local_addr().ok() == stream.peer_addr().ok() {
        return false; // connected to itself
    }
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut head = [0u8; 5];
    stream.write_all(b"GET /moto-api/ HTTP/1.0\r\n\r\n").is_ok()
        && stream.read_exact(&mut head).is_ok()
        && &head == b"HTTP/"
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("find a free local port")
        .port()
}

// -------------------------------------------------------------------- small encoders

/// Percent-encoding for an `application/x-www-form-urlencoded` value.
fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// A valid zip archive holding one uncompressed ("stored") file: enough for moto's Lambda.
pub fn tiny_zip(file_name: &str, contents: &[u8]) -> Vec<u8> {
    let crc = crc32(contents);
    let size = contents.len() as u32;
    let name = file_name.as_bytes();
    let mut zip = Vec::new();
    // Local file header.
    zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    zip.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0]); // version, flags, method (stored), time
    zip.extend_from_slice(&[0x21, 0]); // date: 1980-01-01
    for field in [crc, size, size] {
        zip.extend_from_slice(&field.to_le_bytes());
    }
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    zip.extend_from_slice(name);
    zip.extend_from_slice(contents);
    // Central directory entry.
    let central_start = zip.len() as u32;
    zip.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    zip.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0]); // versions, flags, method, time
    zip.extend_from_slice(&[0x21, 0]); // date
    for field in [crc, size, size] {
        zip.extend_from_slice(&field.to_le_bytes());
    }
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0; 12]); // extra, comment, disk, internal attrs, external attrs (2+2+2+2+4)
    zip.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    zip.extend_from_slice(name);
    let central_size = zip.len() as u32 - central_start;
    // End of central directory.
    zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    zip.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]); // disk numbers, entry counts
    zip.extend_from_slice(&central_size.to_le_bytes());
    zip.extend_from_slice(&central_start.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes()); // comment length
    zip
}

/// CRC-32 (IEEE), bit by bit: slow but tiny, and only used for a few bytes.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
