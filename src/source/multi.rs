//! Several sources as one: a source per account and Region, all started at once, each update
//! sent on as [`Update::From`] its origin, so the store keeps them apart.
//!
//! ```text
//!  child (prod, us-east-1) ──updates──▶ forward ──Update::From{origin}──▶ store
//!  child (prod, eu-west-1) ──updates──▶ forward ──Update::From{origin}──┘
//!             ▲
//!  request ───┴── split: each child's share of the budget, its own origin's functions
//! ```
//!
//! Nothing waits for the slowest child: each one's updates reach the store as they come.

use tokio::sync::{mpsc, watch};

use crate::message::{Poller, Provides, Request, SourceContext, SourceError, SourceKind, Update};
use crate::model::Origin;
use crate::source::Source;

/// A source for one origin, or why it could not be made (its credentials did not resolve): that
/// origin's pollers then fail, and the others read on.
pub enum Child {
    Ready(Box<dyn Source>),
    Failed(SourceError),
}

/// Several sources fanned into one store.
pub struct MultiSource {
    children: Vec<(Origin, Child)>,
}

impl MultiSource {
    pub fn new(children: Vec<(Origin, Child)>) -> Self {
        Self { children }
    }

    /// What a child that is ready declares (the first; every child is made alike).
    fn first_provides(&self) -> Option<Provides> {
        self.children.iter().find_map(|(_, c)| match c {
            Child::Ready(s) => Some(s.provides()),
            Child::Failed(_) => None,
        })
    }
}

/// Sends each update of a child on, as its origin's.
async fn forward(origin: Origin, mut rx: mpsc::Receiver<Update>, to: mpsc::Sender<Update>) {
    while let Some(update) = rx.recv().await {
        let wrapped = Update::From {
            origin: origin.clone(),
            update: Box::new(update),
        };
        if to.send(wrapped).await.is_err() {
            return;
        }
    }
}

/// The request as the child of `origin` sees it, one of `all`: its share of the budget, and
/// only the functions of its origin (the detail view of one Region's `orders` is not read in
/// every Region that has an `orders`).
fn share(request: &Request, origin: &Origin, all: &[Origin]) -> Request {
    let mut r = request.for_origin(origin, all);
    r.budget_usd_per_hour = r.budget_usd_per_hour.map(|b| b / all.len().max(1) as f64);
    r
}

/// Keeps a child's request in step with the front end's.
async fn split(
    mut from: watch::Receiver<Request>,
    to: watch::Sender<Request>,
    origin: Origin,
    all: Vec<Origin>,
) {
    while from.changed().await.is_ok() {
        let r = share(&from.borrow_and_update(), &origin, &all);
        if to.is_closed() {
            return;
        }
        // Another origin's change (its detail view, its rows) does not wake this child.
        to.send_if_modified(|now| {
            let changed = *now != r;
            *now = r;
            changed
        });
    }
}

impl Source for MultiSource {
    /// The children's kind (all alike): CloudWatch, or the simulated account of `--demo`.
    fn kind(&self) -> SourceKind {
        self.children
            .iter()
            .find_map(|(_, c)| match c {
                Child::Ready(s) => Some(s.kind()),
                Child::Failed(_) => None,
            })
            .unwrap_or(SourceKind::Cloudwatch)
    }

    /// No one Region: the store names each origin.
    fn region(&self) -> Option<String> {
        None
    }

    fn origins(&self) -> Vec<Origin> {
        self.children.iter().map(|(o, _)| o.clone()).collect()
    }

    fn provides(&self) -> Provides {
        self.first_provides().unwrap_or(Provides {
            pollers: Poller::ALL.to_vec(),
            metrics: true,
            finite: false,
            refresh: crate::message::DEFAULT_REFRESH,
            window_reports: false,
        })
    }

    fn start(self: Box<Self>, ctx: SourceContext) {
        let pollers = self.provides().pollers;
        // The origins that read: the budget is shared out between them only (one that could
        // not be made spends nothing), and no function is of one that reads nothing.
        let all: Vec<Origin> = self
            .children
            .iter()
            .filter(|(_, c)| matches!(c, Child::Ready(_)))
            .map(|(o, _)| o.clone())
            .collect();
        for (origin, child) in self.children {
            let source = match child {
                Child::Ready(source) => source,
                Child::Failed(error) => {
                    let (tx, rx) = mpsc::channel(pollers.len().max(1));
                    tokio::spawn(forward(origin, rx, ctx.updates.clone()));
                    let at = ctx.now();
                    let pollers = pollers.clone();
                    tokio::spawn(async move {
                        for poller in pollers {
                            let failed = Update::Failed {
                                poller,
                                at,
                                error: error.clone(),
                            };
                            if tx.send(failed).await.is_err() {
                                return;
                            }
                        }
                    });
                    continue;
                }
            };
            let (tx, rx) = mpsc::channel(1024);
            let (req_tx, req_rx) = watch::channel(share(&ctx.requests.borrow(), &origin, &all));
            tokio::spawn(split(
                ctx.requests.clone(),
                req_tx,
                origin.clone(),
                all.clone(),
            ));
            tokio::spawn(forward(origin, rx, ctx.updates.clone()));
            source.start(SourceContext {
                updates: tx,
                requests: req_rx,
                clock: ctx.clock.clone(),
                once: ctx.once,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model::FunctionConfig;

    /// A source that lists functions at once, never answers, or says the budget its request
    /// gives it (as its pace).
    enum Stub {
        Lists(Vec<FunctionConfig>),
        Silent,
        SaysBudget,
    }

    impl Source for Stub {
        fn kind(&self) -> SourceKind {
            SourceKind::Cloudwatch
        }

        fn region(&self) -> Option<String> {
            None
        }

        fn provides(&self) -> Provides {
            Provides {
                pollers: vec![Poller::Discovery],
                metrics: true,
                finite: false,
                refresh: crate::message::DEFAULT_REFRESH,
                window_reports: false,
            }
        }

        fn start(self: Box<Self>, ctx: SourceContext) {
            tokio::spawn(async move {
                match *self {
                    Stub::Lists(functions) => {
                        ctx.send(Update::Functions(functions)).await;
                    }
                    Stub::Silent => std::future::pending::<()>().await,
                    Stub::SaysBudget => {
                        let budget = ctx.requests.borrow().budget_usd_per_hour.unwrap_or(0.0);
                        let pace = crate::message::Pace {
                            every: Duration::from_secs(60),
                            reason: crate::message::PaceReason::Budget,
                            usd_per_hour: budget,
                        };
                        ctx.send(Update::Pace {
                            poller: Poller::Metrics,
                            pace,
                        })
                        .await;
                    }
                }
            });
        }
    }

    /// A Region that could not be made spends nothing: the budget is shared by those that read.
    #[tokio::test]
    async fn the_budget_is_shared_by_the_regions_that_read() {
        let source = Box::new(MultiSource::new(vec![
            (
                Origin::region(Some("eu-west-1")),
                Child::Ready(Box::new(Stub::SaysBudget)),
            ),
            (
                Origin::region(Some("us-east-1")),
                Child::Ready(Box::new(Stub::SaysBudget)),
            ),
            (
                Origin::region(Some("ap-south-1")),
                Child::Failed(SourceError::new("No AWS credentials found.", None)),
            ),
        ]));
        let (tx, mut rx) = mpsc::channel(16);
        let mut request = Request::new(crate::window::TimeWindow::default());
        request.budget_usd_per_hour = Some(0.1);
        let (_keep, requests) = watch::channel(request);
        let clock: crate::clock::SharedClock = std::sync::Arc::new(crate::clock::SystemClock);
        source.start(SourceContext {
            updates: tx,
            requests,
            clock,
            once: true,
        });
        let mut budgets = Vec::new();
        while budgets.len() < 2 {
            let next = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
            let Ok(Some(update)) = next else {
                panic!("expected an update, got {next:?}");
            };
            if let Update::Pace { pace, .. } = update.inner() {
                budgets.push(pace.usd_per_hour);
            }
        }
        assert_eq!(budgets, [0.05, 0.05]);
    }

    #[tokio::test]
    async fn a_region_that_answers_is_shown_before_the_slowest_and_a_failed_one_says_so() {
        let (slow, fast, broken) = (
            Origin::region(Some("ap-south-1")),
            Origin::region(Some("eu-west-1")),
            Origin::region(Some("us-east-1")),
        );
        let source = Box::new(MultiSource::new(vec![
            (slow.clone(), Child::Ready(Box::new(Stub::Silent))),
            (
                fast.clone(),
                Child::Ready(Box::new(Stub::Lists(vec![FunctionConfig::named("orders")]))),
            ),
            (
                broken.clone(),
                Child::Failed(SourceError::new("No AWS credentials found.", None)),
            ),
        ]));
        assert_eq!(source.origins(), [slow, fast.clone(), broken.clone()]);
        let (tx, mut rx) = mpsc::channel(16);
        let window = crate::window::TimeWindow::default();
        let (_keep, requests) = watch::channel(Request::new(window));
        let clock: crate::clock::SharedClock = std::sync::Arc::new(crate::clock::SystemClock);
        source.start(SourceContext {
            updates: tx,
            requests,
            clock,
            once: true,
        });
        let mut got = Vec::new();
        while got.len() < 2 {
            let next = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
            let Ok(Some(Update::From { origin, update })) = next else {
                panic!("expected an update from a Region, got {next:?}");
            };
            got.push((origin, *update));
        }
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(matches!(&got[0], (o, Update::Functions(f)) if *o == fast && f.len() == 1));
        assert!(
            matches!(&got[1], (o, Update::Failed { poller: Poller::Discovery, error, .. })
                if *o == broken && error.message == "No AWS credentials found.")
        );
    }

    #[test]
    fn each_child_reads_its_share_of_the_budget() {
        let mut r = Request::new(crate::window::TimeWindow::default());
        let all = ["a", "b", "c"].map(|r| Origin::region(Some(r)));
        r.budget_usd_per_hour = Some(1.5);
        assert_eq!(share(&r, &all[0], &all).budget_usd_per_hour, Some(0.5));
        r.budget_usd_per_hour = None;
        assert_eq!(share(&r, &all[0], &all).budget_usd_per_hour, None);
    }

    #[test]
    fn each_child_is_asked_for_its_own_functions_only() {
        let east = Origin::of(Some("prod"), Some("us-east-1"));
        let west = Origin::of(Some("prod"), Some("eu-west-1"));
        let dev_east = Origin::of(Some("dev"), Some("us-east-1"));
        let all = [east.clone(), west.clone(), dev_east.clone()];
        // A linked account's function, listed by the Region's sources.
        let linked = Origin::of(Some("111122223333"), Some("us-east-1")).function("orders");
        let mut r = Request::new(crate::window::TimeWindow::default());
        r.detail_function = Some(east.function("orders"));
        r.log_functions = vec![
            east.function("orders"),
            west.function("orders"),
            linked.clone(),
        ];
        r.metrics = Some(crate::message::MetricsView {
            shown: vec![west.function("orders"), east.function("users")],
            ..Default::default()
        });

        let e = share(&r, &east, &all);
        assert_eq!(e.detail_function, Some(east.function("orders")));
        assert_eq!(e.log_functions, [east.function("orders"), linked.clone()]);
        assert_eq!(e.metrics.expect("view").shown, [east.function("users")]);

        let w = share(&r, &west, &all);
        assert_eq!(w.detail_function, None);
        assert_eq!(w.log_functions, [west.function("orders")]);
        assert_eq!(w.metrics.expect("view").shown, [west.function("orders")]);

        let d = share(&r, &dev_east, &all);
        assert_eq!(d.detail_function, None);
        assert_eq!(d.log_functions, [linked]);
        assert!(!d.log_functions_elsewhere);

        // The logs in view are all another Region's: this one reads none (not its busiest).
        r.log_functions = vec![east.function("orders")];
        let w = share(&r, &west, &all);
        assert!(w.log_functions.is_empty() && w.log_functions_elsewhere);
        assert!(!w.source_picks_logs());
        assert!(share(&Request::new(r.window), &west, &all).source_picks_logs());
    }
}
