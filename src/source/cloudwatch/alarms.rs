//! CloudWatch alarms through `DescribeAlarms` (metric and composite alarms, every page).

use std::sync::Arc;

use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm};
use globset::GlobMatcher;

use super::call::{MapErrOp, read_pages};
use super::error::DESCRIBE_ALARMS;
use super::{AwsOptions, Clients};
use crate::message::{ApiCalls, Update};
use crate::message::{Poller, Request, SourceContext};
use crate::model::{Alarm, AlarmState};
use crate::poll::{Round, RoundOutcome, round_now};

fn function_dimension(dims: &[aws_sdk_cloudwatch::types::Dimension]) -> Option<String> {
    dims.iter()
        .find(|d| d.name() == Some("FunctionName"))
        .and_then(|d| d.value())
        .map(str::to_string)
}

/// A metric alarm as lambdatop shows it; the function is the `FunctionName` dimension of its
/// metric (or of a metric in its math expression). `None` without a name or a known state.
pub fn alarm_from_metric(a: &MetricAlarm) -> Option<Alarm> {
    let name = a.alarm_name().filter(|n| !n.is_empty())?;
    let state = AlarmState::parse(a.state_value()?.as_str())?;
    let math_metric = || {
        a.metrics()
            .iter()
            .filter_map(|q| q.metric_stat()?.metric())
            .find(|m| function_dimension(m.dimensions()).is_some())
    };
    let function = function_dimension(a.dimensions())
        .or_else(|| math_metric().and_then(|m| function_dimension(m.dimensions())));
    let metric = a.metric_name().map(str::to_string).or_else(|| {
        math_metric()
            .and_then(|m| m.metric_name())
            .map(str::to_string)
    });
    Some(Alarm {
        name: name.to_string(),
        state,
        function,
        metric,
        reason: a.state_reason().map(str::to_string),
    })
}

/// A composite alarm: counted, but on no function.
pub fn alarm_from_composite(a: &CompositeAlarm) -> Option<Alarm> {
    let name = a.alarm_name().filter(|n| !n.is_empty())?;
    let state = AlarmState::parse(a.state_value()?.as_str())?;
    Some(Alarm {
        name: name.to_string(),
        state,
        function: None,
        metric: None,
        reason: a.state_reason().map(str::to_string),
    })
}

/// Reads every alarm each minute.
pub struct AlarmsPoller {
    clients: Clients,
    opts: Arc<AwsOptions>,
    filter: Option<GlobMatcher>,
}

impl AlarmsPoller {
    pub(crate) fn new(
        clients: Clients,
        opts: Arc<AwsOptions>,
        filter: Option<GlobMatcher>,
    ) -> Self {
        Self {
            clients,
            opts,
            filter,
        }
    }

    /// One round, delivered: `Alarms` (replacing the set), the calls made and `Polled` — or
    /// `Failed`, keeping the previous set.
    pub async fn round(&mut self, ctx: &SourceContext) -> bool {
        round_now(self, ctx).await
    }

    /// Every page of DescribeAlarms.
    async fn read_alarms(&self) -> RoundOutcome {
        let listed = read_pages(
            &self.opts.backoff,
            |token| {
                self.clients
                    .cloudwatch
                    .describe_alarms()
                    .alarm_types(AlarmType::MetricAlarm)
                    .alarm_types(AlarmType::CompositeAlarm)
                    .max_records(100)
                    .set_next_token(token)
                    .send()
                    .map_err_op(DESCRIBE_ALARMS)
            },
            |page, out| {
                out.extend(page.metric_alarms().iter().filter_map(alarm_from_metric));
                out.extend(
                    page.composite_alarms()
                        .iter()
                        .filter_map(alarm_from_composite),
                );
                page.next_token().map(str::to_string)
            },
        )
        .await;
        let mut outcome = RoundOutcome {
            calls: vec![ApiCalls {
                operation: DESCRIBE_ALARMS.name,
                calls: listed.calls,
                billed_units: listed.calls,
            }],
            ..RoundOutcome::default()
        };
        match listed.items {
            Ok(mut alarms) => {
                alarms.retain(|a| {
                    a.function
                        .as_deref()
                        .is_none_or(|f| self.filter.as_ref().is_none_or(|m| m.is_match(f)))
                });
                alarms.sort_by(|a, b| a.name.cmp(&b.name));
                outcome.updates.push(Update::Alarms(alarms));
            }
            Err(e) => outcome.fail(self.clients.source_error(&e)),
        }
        outcome
    }
}

impl Round for AlarmsPoller {
    fn poller(&self) -> Poller {
        Poller::Alarms
    }

    fn interval(&self) -> std::time::Duration {
        self.opts.alarms_interval
    }

    async fn read(&mut self, _ctx: &SourceContext, _req: &Request) -> RoundOutcome {
        self.read_alarms().await
    }
}

#[cfg(test)]
mod tests {
    //! Hand-built alarms: the local emulator does not page DescribeAlarms nor keep metric math.
    use super::*;
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, StateValue};

    fn dim(name: &str, value: &str) -> Dimension {
        Dimension::builder().name(name).value(value).build()
    }

    #[test]
    fn metric_alarms_name_their_function() {
        let a = MetricAlarm::builder()
            .alarm_name("orders-errors")
            .state_value(StateValue::Alarm)
            .metric_name("Errors")
            .dimensions(dim("FunctionName", "orders"))
            .state_reason("Threshold Crossed")
            .build();
        let a = alarm_from_metric(&a).expect("alarm");
        assert_eq!(a.state, AlarmState::Alarm);
        assert_eq!(a.function.as_deref(), Some("orders"));
        assert_eq!(a.metric.as_deref(), Some("Errors"));

        let math = MetricAlarm::builder()
            .alarm_name("error-rate")
            .state_value(StateValue::InsufficientData)
            .metrics(
                MetricDataQuery::builder()
                    .id("e")
                    .expression("100*m1/m2")
                    .build(),
            )
            .metrics(
                MetricDataQuery::builder()
                    .id("m1")
                    .metric_stat(
                        MetricStat::builder()
                            .metric(
                                Metric::builder()
                                    .namespace("AWS/Lambda")
                                    .metric_name("Errors")
                                    .dimensions(dim("FunctionName", "billing"))
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build();
        let a = alarm_from_metric(&math).expect("alarm");
        assert_eq!(a.state, AlarmState::InsufficientData);
        assert_eq!(a.function.as_deref(), Some("billing"));
        assert_eq!(a.metric.as_deref(), Some("Errors"));

        let rds = MetricAlarm::builder()
            .alarm_name("db-cpu")
            .state_value(StateValue::Ok)
            .dimensions(dim("DBInstanceIdentifier", "db1"))
            .build();
        assert_eq!(alarm_from_metric(&rds).and_then(|a| a.function), None);
        let unknown = MetricAlarm::builder()
            .alarm_name("x")
            .state_value(StateValue::from("SOMETHING_NEW"))
            .build();
        assert!(alarm_from_metric(&unknown).is_none());
    }

    #[test]
    fn composite_alarms_count_without_a_function() {
        let c = CompositeAlarm::builder()
            .alarm_name("checkout-health")
            .state_value(StateValue::Ok)
            .build();
        let a = alarm_from_composite(&c).expect("alarm");
        assert_eq!((a.state, a.function), (AlarmState::Ok, None));
    }
}
