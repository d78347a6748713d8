//! What went wrong talking to AWS, in one sentence and a hint.
//!
//! SDK errors are first reduced to [`ErrorFacts`] (which failure, error code, message, HTTP
//! status) and then classified by pure functions, so every rule is tested from plain values.
//! Nothing here ever prints a Debug dump of an SDK error.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use aws_sdk_cloudwatch::config::http::HttpResponse;
use aws_sdk_cloudwatch::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::message::SourceError;

/// The AWS services lambdatop reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Lambda,
    CloudWatch,
    Logs,
}

impl Service {
    /// Name as AWS users know it.
    pub fn name(self) -> &'static str {
        match self {
            Service::Lambda => "Lambda",
            Service::CloudWatch => "CloudWatch",
            Service::Logs => "CloudWatch Logs",
        }
    }

    /// Prefix of the service's IAM actions.
    pub fn iam_prefix(self) -> &'static str {
        match self {
            Service::Lambda => "lambda",
            Service::CloudWatch => "cloudwatch",
            Service::Logs => "logs",
        }
    }

    /// First label of the service's public endpoint host.
    pub fn endpoint_prefix(self) -> &'static str {
        match self {
            Service::Lambda => "lambda",
            Service::CloudWatch => "monitoring",
            Service::Logs => "logs",
        }
    }

    /// Suffix of the service's `AWS_ENDPOINT_URL_<SERVICE>` variable.
    pub fn env_suffix(self) -> &'static str {
        match self {
            Service::Lambda => "LAMBDA",
            Service::CloudWatch => "CLOUDWATCH",
            Service::Logs => "CLOUDWATCH_LOGS",
        }
    }
}

/// One AWS API operation lambdatop calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    pub service: Service,
    pub name: &'static str,
}

impl Operation {
    const fn new(service: Service, name: &'static str) -> Self {
        Self { service, name }
    }

    /// The IAM action, e.g. `cloudwatch:GetMetricData`.
    pub fn action(self) -> String {
        format!("{}:{}", self.service.iam_prefix(), self.name)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

pub const LIST_FUNCTIONS: Operation = Operation::new(Service::Lambda, "ListFunctions");
pub const GET_ACCOUNT_SETTINGS: Operation = Operation::new(Service::Lambda, "GetAccountSettings");
pub const GET_FUNCTION_CONCURRENCY: Operation =
    Operation::new(Service::Lambda, "GetFunctionConcurrency");
pub const GET_METRIC_DATA: Operation = Operation::new(Service::CloudWatch, "GetMetricData");
pub const LIST_METRICS: Operation = Operation::new(Service::CloudWatch, "ListMetrics");
pub const DESCRIBE_ALARMS: Operation = Operation::new(Service::CloudWatch, "DescribeAlarms");
pub const DESCRIBE_LOG_GROUPS: Operation = Operation::new(Service::Logs, "DescribeLogGroups");
pub const FILTER_LOG_EVENTS: Operation = Operation::new(Service::Logs, "FilterLogEvents");
pub const START_QUERY: Operation = Operation::new(Service::Logs, "StartQuery");
pub const GET_QUERY_RESULTS: Operation = Operation::new(Service::Logs, "GetQueryResults");
pub const STOP_QUERY: Operation = Operation::new(Service::Logs, "StopQuery");
pub const START_LIVE_TAIL: Operation = Operation::new(Service::Logs, "StartLiveTail");

/// Every operation the CloudWatch source calls; [`super::AWS_OPERATIONS`] lists their actions.
pub const OPERATIONS: [Operation; 12] = [
    LIST_FUNCTIONS,
    GET_ACCOUNT_SETTINGS,
    GET_FUNCTION_CONCURRENCY,
    GET_METRIC_DATA,
    LIST_METRICS,
    DESCRIBE_ALARMS,
    DESCRIBE_LOG_GROUPS,
    FILTER_LOG_EVENTS,
    START_QUERY,
    GET_QUERY_RESULTS,
    STOP_QUERY,
    START_LIVE_TAIL,
];

/// How a call failed, as far as the SDK can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The request could not be built or signed (often: credentials could not be loaded).
    Construction,
    /// No answer came within the operation timeout.
    Timeout,
    /// No connection could be made within the connect timeout.
    ConnectTimeout,
    /// The request could not be sent (connection refused, DNS, TLS, …).
    Dispatch,
    /// A response came back that could not be read.
    Response,
    /// The service answered with an error.
    Service,
}

/// The classifiable parts of an SDK error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFacts {
    pub failure: Failure,
    pub code: Option<String>,
    pub message: Option<String>,
    pub status: Option<u16>,
    /// The error's display chain, for failures without a code (credentials, connections).
    pub detail: String,
}

impl ErrorFacts {
    /// Facts from plain values (tests, hand-built responses).
    pub fn service(status: u16, code: &str, message: &str) -> Self {
        Self {
            failure: Failure::Service,
            code: Some(code.to_string()),
            message: Some(message.to_string()),
            status: Some(status),
            detail: format!("{code}: {message}"),
        }
    }

    /// Reads the facts off an SDK error.
    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let failure = match err {
            SdkError::ConstructionFailure(_) => Failure::Construction,
            SdkError::TimeoutError(_) => Failure::Timeout,
            SdkError::DispatchFailure(d) if d.is_timeout() => Failure::ConnectTimeout,
            SdkError::DispatchFailure(_) => Failure::Dispatch,
            SdkError::ResponseError(_) => Failure::Response,
            SdkError::ServiceError(_) => Failure::Service,
            _ => Failure::Response,
        };
        let (code, message) = match err.as_service_error() {
            Some(e) => (e.code(), e.message()),
            None => (None, None),
        };
        Self {
            failure,
            code: code.map(str::to_string),
            message: message.map(str::to_string),
            status: err.raw_response().map(|r| r.status().as_u16()),
            detail: DisplayErrorContext(err).to_string(),
        }
    }

    fn code_is(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    fn answered(&self) -> bool {
        matches!(self.failure, Failure::Service | Failure::Response)
    }

    /// Throttled by the service (`ThrottlingException`, `Rate exceeded`, HTTP 429, …).
    pub fn is_throttling(&self) -> bool {
        const CODES: &[&str] = &[
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottled",
            "RequestThrottledException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
            "TooManyRequests",
            "RateExceeded",
            "SlowDown",
            "PriorRequestNotComplete",
            "LimitExceededException",
        ];
        self.answered()
            && (self.code_is(CODES)
                || self.status == Some(429)
                || self
                    .message
                    .as_deref()
                    .is_some_and(|m| m.to_ascii_lowercase().contains("rate exceeded")))
    }

    /// The service failed (5xx, `InternalFailure`, `ServiceUnavailable`).
    pub fn is_server_error(&self) -> bool {
        const CODES: &[&str] = &[
            "InternalFailure",
            "InternalError",
            "InternalServerError",
            "InternalServiceError",
            "InternalServiceFault",
            "ServiceException",
            "ServiceUnavailable",
            "ServiceUnavailableException",
        ];
        self.answered() && (self.code_is(CODES) || self.status.is_some_and(|s| s >= 500))
    }

    /// Worth retrying within a round: throttling and server errors. Connection failures are not
    /// retried at once; the poller tries again on its schedule.
    pub fn is_retryable(&self) -> bool {
        self.is_throttling() || self.is_server_error()
    }

    fn is_access_denied(&self) -> bool {
        self.code_is(&[
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "UnauthorizedAccess",
            "NotAuthorized",
        ]) || (self.status == Some(403) && self.code.is_none())
    }

    fn is_expired(&self) -> bool {
        self.code_is(&[
            "ExpiredToken",
            "ExpiredTokenException",
            "TokenRefreshRequired",
        ])
    }

    fn is_bad_credentials(&self) -> bool {
        self.code_is(&[
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
            "IncompleteSignature",
            "MissingAuthenticationToken",
            "AuthFailure",
        ])
    }
}

/// An AWS call that failed: which operation, and the facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub operation: Operation,
    pub facts: ErrorFacts,
}

impl AwsError {
    pub fn from_sdk<E>(operation: Operation, err: &SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        Self {
            operation,
            facts: ErrorFacts::from_sdk(err),
        }
    }

    pub fn is_retryable(&self) -> bool {
        self.facts.is_retryable()
    }

    /// The user-facing error, naming `endpoint` when the service could not be reached and the
    /// time waited when it timed out.
    pub fn to_source_error(&self, endpoint: &str, timeouts: Timeouts) -> SourceError {
        classify(&self.facts, self.operation, endpoint, timeouts)
    }
}

/// How long lambdatop waits for AWS (`[aws] connect_timeout`, `operation_timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For a connection to be made.
    pub connect: Duration,
    /// For one call's answer, connection included.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            operation: Duration::from_secs(30),
        }
    }
}

/// `30 s`, `2.5 s`.
fn seconds(d: Duration) -> String {
    format!("{} s", (d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// Shortens text from outside to one line of at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let line = line.trim_end_matches('.');
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub const README_POLICY_HINT: &str = "Grant this identity the read-only policy in the README (it lists every action lambdatop calls).";
pub const SSO_LOGIN_HINT: &str =
    "Run `aws sso login` (with --profile if you use one) and start lambdatop again.";
const UNREACHABLE_HINT: &str =
    "Check the network, proxy settings or --endpoint-url; lambdatop keeps retrying.";

/// Classifies a failed call into one sentence and a hint.
pub fn classify(f: &ErrorFacts, op: Operation, endpoint: &str, timeouts: Timeouts) -> SourceError {
    let service = op.service.name();
    match f.failure {
        Failure::Timeout => SourceError::new(
            format!(
                "{op} timed out: {service} at {endpoint} did not answer within {}; showing the last data.",
                seconds(timeouts.operation)
            ),
            Some(
                "A slow network or proxy may need a longer [aws] operation_timeout (or --operation-timeout); lambdatop keeps retrying.",
            ),
        ),
        Failure::ConnectTimeout => SourceError::new(
            format!(
                "{op} timed out connecting to {service} at {endpoint} after {}; showing the last data.",
                seconds(timeouts.connect)
            ),
            Some(
                "Check the network, proxy settings or --endpoint-url, or set a longer [aws] connect_timeout; lambdatop keeps retrying.",
            ),
        ),
        Failure::Dispatch => SourceError::new(
            format!("Cannot reach {service} at {endpoint}; showing the last data."),
            Some(UNREACHABLE_HINT),
        ),
        Failure::Construction => credentials_problem(&f.detail, None).unwrap_or_else(|| {
            SourceError::new(
                format!(
                    "Could not prepare the {op} request: {}.",
                    one_line(&f.detail, 160)
                ),
                Some("Check the AWS profile and credentials."),
            )
        }),
        Failure::Service | Failure::Response if f.is_access_denied() => SourceError::new(
            format!("AccessDenied on {}.", op.action()),
            Some(README_POLICY_HINT),
        ),
        Failure::Service | Failure::Response if f.is_expired() => {
            SourceError::new("The AWS credentials have expired.", Some(SSO_LOGIN_HINT))
        }
        Failure::Service | Failure::Response if f.is_bad_credentials() => SourceError::new(
            format!(
                "AWS rejected the credentials ({}).",
                f.code.as_deref().unwrap_or("invalid signature")
            ),
            Some("Check the profile's access keys, or run `aws sso login` for an SSO profile."),
        ),
        Failure::Service | Failure::Response if f.is_throttling() => SourceError::new(
            format!("{service} throttled {op}; showing the last data."),
            Some("Other tools share this account's API quota; a longer refresh interval helps."),
        ),
        Failure::Service | Failure::Response if f.is_server_error() => SourceError::new(
            format!(
                "{service} failed on {op} ({}); showing the last data.",
                f.code
                    .clone()
                    .or_else(|| f.status.map(|s| format!("HTTP {s}")))
                    .unwrap_or_else(|| "server error".into())
            ),
            Some("lambdatop tries again on the next refresh."),
        ),
        Failure::Service | Failure::Response => match (&f.code, &f.message) {
            (Some(code), Some(msg)) if !msg.trim().is_empty() => SourceError::new(
                format!("{service} rejected {op}: {code}: {}.", one_line(msg, 200)),
                None,
            ),
            (Some(code), _) => SourceError::new(format!("{service} rejected {op}: {code}."), None),
            (None, _) => SourceError::new(
                format!(
                    "{service} sent an answer to {op} that lambdatop cannot read{}.",
                    f.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
                ),
                Some("Check that --endpoint-url points at the AWS API."),
            ),
        },
    }
}

/// The one sentence for a machine without credentials.
pub const NO_CREDENTIALS: &str = "No AWS credentials found.";
pub const NO_CREDENTIALS_HINT: &str = "Configure a profile (aws configure / aws sso login), set AWS_PROFILE, or try the simulated account with --demo.";

/// Classifies the text of a credentials error (its display chain). `None` when the text is not
/// about credentials.
pub fn credentials_problem(text: &str, profile: Option<&str>) -> Option<SourceError> {
    let t = text.to_ascii_lowercase();
    if t.contains("was not defined") && t.contains("profile") {
        let name = profile
            .map(str::to_string)
            .or_else(|| {
                text.split('`').nth(1).map(str::to_string) // "profile `x` was not defined"
            })
            .unwrap_or_default();
        return Some(SourceError::new(
            format!("AWS profile `{name}` is not defined."),
            Some("List profiles with `aws configure list-profiles`, or set AWS_PROFILE."),
        ));
    }
    if t.contains("sso") {
        return Some(SourceError::new(
            "The AWS SSO session has expired or was never started.",
            Some(SSO_LOGIN_HINT),
        ));
    }
    if t.contains("expired") {
        return Some(SourceError::new(
            "The AWS credentials have expired.",
            Some("Refresh them (e.g. `aws sso login`) and start lambdatop again."),
        ));
    }
    // The instance metadata service is the last link of the default chain: an error from it
    // means nothing before it (environment, profile, SSO, container) had credentials.
    if t.contains("no providers in chain")
        || t.contains("provider was not enabled")
        || t.contains("no credentials")
        || t.contains("credentials not loaded")
        || t.contains("imds")
    {
        return Some(match profile {
            Some(p) => SourceError::new(
                NO_CREDENTIALS,
                Some(&format!(
                    "Check that profile `{p}` exists and has credentials (`aws configure list-profiles`), or try the simulated account with --demo."
                )),
            ),
            None => SourceError::new(NO_CREDENTIALS, Some(NO_CREDENTIALS_HINT)),
        });
    }
    if t.contains("credential") && t.contains("timed out") {
        return Some(SourceError::new(
            "Timed out loading AWS credentials.",
            Some("SSO, STS or the instance metadata service must be reachable; check the network."),
        ));
    }
    if t.contains("credential") {
        return Some(SourceError::new(
            format!("Could not load AWS credentials: {}.", one_line(text, 160)),
            Some("Check the profile in ~/.aws/config and ~/.aws/credentials."),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError;

    const EP: &str = "https://monitoring.eu-central-1.amazonaws.com";

    fn msg(f: &ErrorFacts) -> SourceError {
        classify(f, GET_METRIC_DATA, EP, Timeouts::default())
    }

    #[test]
    fn access_denied_names_the_action() {
        let e = msg(&ErrorFacts::service(
            403,
            "AccessDenied",
            "User: arn:aws:iam::1:user/x is not authorized to perform: cloudwatch:GetMetricData",
        ));
        assert_eq!(e.message, "AccessDenied on cloudwatch:GetMetricData.");
        assert_eq!(e.hint.as_deref(), Some(README_POLICY_HINT));
        let e = classify(
            &ErrorFacts::service(403, "AccessDeniedException", "nope"),
            FILTER_LOG_EVENTS,
            EP,
            Timeouts::default(),
        );
        assert_eq!(e.message, "AccessDenied on logs:FilterLogEvents.");
    }

    #[test]
    fn expired_tokens_point_at_sso_login() {
        for code in ["ExpiredToken", "ExpiredTokenException"] {
            let e = msg(&ErrorFacts::service(
                400,
                code,
                "The security token included in the request is expired",
            ));
            assert_eq!(e.message, "The AWS credentials have expired.");
            assert!(
                e.hint
                    .as_deref()
                    .is_some_and(|h| h.contains("aws sso login"))
            );
        }
        let e = msg(&ErrorFacts::service(
            403,
            "UnrecognizedClientException",
            "bad token",
        ));
        assert_eq!(
            e.message,
            "AWS rejected the credentials (UnrecognizedClientException)."
        );
    }

    #[test]
    fn throttling_and_server_errors_are_retryable() {
        for (status, code, m) in [
            (400, "ThrottlingException", "Rate exceeded"),
            (400, "Throttling", "Rate exceeded"),
            (429, "TooManyRequestsException", "Rate exceeded"),
            (400, "SomethingNew", "Rate exceeded"),
            (500, "InternalFailure", "boom"),
            (503, "ServiceUnavailable", ""),
        ] {
            let f = ErrorFacts::service(status, code, m);
            assert!(f.is_retryable(), "{code}");
        }
        for (status, code) in [
            (400, "ValidationError"),
            (403, "AccessDenied"),
            (400, "ExpiredToken"),
        ] {
            assert!(
                !ErrorFacts::service(status, code, "x").is_retryable(),
                "{code}"
            );
        }
        let e = msg(&ErrorFacts::service(
            400,
            "ThrottlingException",
            "Rate exceeded",
        ));
        assert_eq!(
            e.message,
            "CloudWatch throttled GetMetricData; showing the last data."
        );
        let e = msg(&ErrorFacts::service(500, "InternalFailure", ""));
        assert_eq!(
            e.message,
            "CloudWatch failed on GetMetricData (InternalFailure); showing the last data."
        );
    }

    #[test]
    fn other_service_errors_quote_code_and_message_on_one_line() {
        let e = msg(&ErrorFacts::service(
            400,
            "InvalidParameterValue",
            "The parameter Period must be\n a multiple of 60.",
        ));
        assert_eq!(
            e.message,
            "CloudWatch rejected GetMetricData: InvalidParameterValue: The parameter Period must be a multiple of 60."
        );
        assert_eq!(e.hint, None);
    }

    #[test]
    fn sdk_errors_reduce_to_facts() {
        let throttled: SdkError<GetMetricDataError, HttpResponse> = SdkError::service_error(
            GetMetricDataError::generic(
                ErrorMetadata::builder()
                    .code("Throttling")
                    .message("Rate exceeded")
                    .build(),
            ),
            HttpResponse::new(400u16.try_into().expect("status"), "".into()),
        );
        let f = ErrorFacts::from_sdk(&throttled);
        assert_eq!(f.failure, Failure::Service);
        assert_eq!(f.code.as_deref(), Some("Throttling"));
        assert_eq!(f.status, Some(400));
        assert!(f.is_throttling());

        let refused: SdkError<GetMetricDataError, HttpResponse> = SdkError::dispatch_failure(
            ConnectorError::io("Connection refused (os error 111)".into()),
        );
        let f = ErrorFacts::from_sdk(&refused);
        assert_eq!(f.failure, Failure::Dispatch);
        assert!(!f.is_retryable());
        let e = AwsError {
            operation: GET_METRIC_DATA,
            facts: f,
        }
        .to_source_error("http://127.0.0.1:5000", Timeouts::default());
        assert_eq!(
            e.message,
            "Cannot reach CloudWatch at http://127.0.0.1:5000; showing the last data."
        );
        assert!(!e.message.contains("Connection refused"), "no dump");

        let timeouts = Timeouts {
            connect: Duration::from_millis(2500),
            operation: Duration::from_secs(20),
        };
        let slow: SdkError<GetMetricDataError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::timeout("slow".into()));
        let f = ErrorFacts::from_sdk(&slow);
        assert_eq!(f.failure, Failure::ConnectTimeout);
        let e = classify(&f, GET_METRIC_DATA, EP, timeouts);
        assert_eq!(
            e.message,
            format!(
                "GetMetricData timed out connecting to CloudWatch at {EP} after 2.5 s; showing the last data."
            )
        );
        assert!(e.hint.is_some_and(|h| h.contains("connect_timeout")));
        let slow: SdkError<GetMetricDataError, HttpResponse> = SdkError::timeout_error("slow");
        let f = ErrorFacts::from_sdk(&slow);
        assert_eq!(f.failure, Failure::Timeout);
        let e = classify(&f, GET_METRIC_DATA, EP, timeouts);
        assert_eq!(
            e.message,
            format!(
                "GetMetricData timed out: CloudWatch at {EP} did not answer within 20 s; showing the last data."
            )
        );
        assert!(e.hint.is_some_and(|h| h.contains("operation_timeout")));

        let unsigned: SdkError<GetMetricDataError, HttpResponse> = SdkError::construction_failure(
            "failed to load credentials: the credential provider was not enabled: no providers in chain provided credentials",
        );
        let e =
            AwsError::from_sdk(GET_METRIC_DATA, &unsigned).to_source_error(EP, Timeouts::default());
        assert_eq!(e.message, NO_CREDENTIALS);
    }

    #[test]
    fn credentials_text_is_classified() {
        let none =
            "the credential provider was not enabled: no providers in chain provided credentials";
        let e = credentials_problem(none, None).expect("credentials");
        assert_eq!(e.message, "No AWS credentials found.");
        assert_eq!(e.hint.as_deref(), Some(NO_CREDENTIALS_HINT));

        let sso = "an error occurred while loading credentials: failed to load SSO token: the SSO token has expired and cannot be refreshed";
        let e = credentials_problem(sso, Some("dev")).expect("sso");
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.contains("aws sso login"))
        );

        let missing = "the credentials provider was not properly configured: ProfileFile provider could not be built: profile `staging` was not defined: no such profile";
        let e = credentials_problem(missing, None).expect("profile");
        assert_eq!(e.message, "AWS profile `staging` is not defined.");

        assert!(credentials_problem("connection reset", None).is_none());

        // Off EC2 the chain ends at the instance metadata service, which may refuse or time out.
        let imds = "an error occurred while loading credentials: failed to load IMDS session token: service error: request forbidden";
        let e = credentials_problem(imds, None).expect("imds");
        assert_eq!(e.message, NO_CREDENTIALS);
        assert_eq!(e.hint.as_deref(), Some(NO_CREDENTIALS_HINT));
        let e = credentials_problem(imds, Some("nope")).expect("imds");
        assert_eq!(e.message, NO_CREDENTIALS);
        assert!(e.hint.is_some_and(|h| h.contains("`nope`")));
    }

    #[test]
    fn every_operation_is_read_only() {
        for op in OPERATIONS {
            // A Logs Insights query only reads logs; StopQuery ends lambdatop's own query; a Live
            // Tail session only streams log lines.
            assert!(
                [
                    "List",
                    "Get",
                    "Describe",
                    "Filter",
                    "StartQuery",
                    "StopQuery",
                    "StartLiveTail"
                ]
                .iter()
                .any(|p| op.name.starts_with(p)),
                "{} is not a read",
                op.action()
            );
        }
    }
}
