//! CloudWatch alarms through `DescribeAlarms` (metric and composite alarms, every page).

use std::sync::Arc;

use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, MetricAlarm};
use globset::GlobMatcher;

use super::discovery::{MapErrOp, next_token};
use super::error::{AwsError, DESCRIBE_ALARMS};
use super::{AwsOptions, Clients, finish_round};
use crate::message::{ApiCalls, Update};
use crate::message::{Poller, SourceContext};
use crate::model::{Alarm, AlarmState};
use crate::poll::{retry, wait_next};

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

    pub async fn run(mut self, mut ctx: SourceContext) {
        loop {
            let seen = ctx.requests.borrow_and_update().clone();
            if !self.round(&ctx).await || ctx.once {
                return;
            }
            wait_next(
                self.opts.alarms_interval,
                &mut ctx.requests,
                &seen,
                |_, _| false,
            )
            .await;
        }
    }

    /// One round: every page of DescribeAlarms, then `Alarms` (replacing the set), the calls made
    /// and `Polled` — or `Failed`, keeping the previous set.
    pub async fn round(&mut self, ctx: &SourceContext) -> bool {
        let mut alarms = Vec::new();
        let mut token: Option<String> = None;
        let mut calls = 0;
        let mut error = None;
        loop {
            let a = retry(&self.opts.backoff, AwsError::is_retryable, || {
                self.clients
                    .cloudwatch
                    .describe_alarms()
                    .alarm_types(AlarmType::MetricAlarm)
                    .alarm_types(AlarmType::CompositeAlarm)
                    .max_records(100)
                    .set_next_token(token.clone())
                    .send()
                    .map_err_op(DESCRIBE_ALARMS)
            })
            .await;
            calls += a.calls;
            match a.result {
                Ok(page) => {
                    alarms.extend(page.metric_alarms().iter().filter_map(alarm_from_metric));
                    alarms.extend(
                        page.composite_alarms()
                            .iter()
                            .filter_map(alarm_from_composite),
                    );
                    token = next_token(page.next_token(), token.as_deref());
                    if token.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    error = Some(self.clients.source_error(&e));
                    break;
                }
            }
        }
        if error.is_none() {
            alarms.retain(|a| {
                a.function
                    .as_deref()
                    .is_none_or(|f| self.filter.as_ref().is_none_or(|m| m.is_match(f)))
            });
            alarms.sort_by(|a, b| a.name.cmp(&b.name));
            if !ctx.send(Update::Alarms(alarms)).await {
                return false;
            }
        }
        let api = Update::ApiCalls(ApiCalls {
            operation: DESCRIBE_ALARMS.name,
            calls,
            billed_units: calls,
        });
        ctx.send(api).await && finish_round(ctx, Poller::Alarms, error).await
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
