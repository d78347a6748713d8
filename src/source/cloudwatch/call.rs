//! How the pollers call AWS: each call retried with backoff on throttling and server errors, its
//! SDK error mapped to an [`AwsError`] naming the operation, and paginated lists read page by page.

use std::future::Future;

use super::error::AwsError;
use crate::poll::{Attempted, Backoff, retry};

/// Calls `op` until it succeeds, fails for good or `backoff` gives up.
pub(crate) async fn retried<T, Fut>(
    backoff: &Backoff,
    op: impl FnMut() -> Fut,
) -> Attempted<T, AwsError>
where
    Fut: Future<Output = Result<T, AwsError>>,
{
    retry(backoff, AwsError::is_retryable, op).await
}

/// One operation's pages in a round.
pub(crate) struct Listed<T> {
    pub items: Result<T, AwsError>,
    pub calls: u32,
}

/// Reads every page of a paginated list: `fetch(token)` asks for one page (retried as `backoff`
/// says); `take(page, items)` keeps the page's items and returns its next token. Stops at the
/// last page, at a repeated token, or at the first error.
pub(crate) async fn read_pages<T, P, Fut>(
    backoff: &Backoff,
    fetch: impl Fn(Option<String>) -> Fut,
    take: impl Fn(P, &mut Vec<T>) -> Option<String>,
) -> Listed<Vec<T>>
where
    Fut: Future<Output = Result<P, AwsError>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut calls = 0;
    loop {
        let a = retried(backoff, || fetch(token.clone())).await;
        calls += a.calls;
        match a.result {
            Ok(page) => {
                let next = take(page, &mut out);
                token = next_token(next.as_deref(), token.as_deref());
                if token.is_none() {
                    return Listed {
                        items: Ok(out),
                        calls,
                    };
                }
            }
            Err(e) => {
                return Listed {
                    items: Err(e),
                    calls,
                };
            }
        }
    }
}

/// The token for the next page: `None` at the end, or when a service repeats the token it was
/// given (which would loop forever).
pub(crate) fn next_token(new: Option<&str>, previous: Option<&str>) -> Option<String> {
    new.filter(|t| !t.is_empty() && Some(*t) != previous)
        .map(str::to_string)
}

/// Maps an SDK future's error to an [`AwsError`] for the operation.
pub(crate) trait MapErrOp<T> {
    fn map_err_op(self, op: super::Operation) -> impl Future<Output = Result<T, AwsError>>;
}

impl<T, E, F> MapErrOp<T> for F
where
    F: Future<
        Output = Result<
            T,
            aws_sdk_cloudwatch::error::SdkError<E, aws_sdk_cloudwatch::config::http::HttpResponse>,
        >,
    >,
    E: aws_sdk_cloudwatch::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    async fn map_err_op(self, op: super::Operation) -> Result<T, AwsError> {
        self.await.map_err(|e| AwsError::from_sdk(op, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_stops_at_the_end_or_a_repeated_token() {
        assert_eq!(next_token(Some("b"), Some("a")).as_deref(), Some("b"));
        assert_eq!(next_token(Some("a"), Some("a")), None);
        assert_eq!(next_token(Some(""), None), None);
        assert_eq!(next_token(None, Some("a")), None);
    }
}
