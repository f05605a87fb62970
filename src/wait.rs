//! Waiting for a state: the v1 API documents no webhooks, so a batch or a document is followed
//! by reading it again until it is where the caller wants it.
//!
//! [`Poll`] calls any operation with backoff (an interval that grows by a factor up to a
//! maximum, with a little jitter so that many waiters do not poll in step) until the caller's
//! predicate holds or a deadline passes. Its calls are the client's ordinary calls, with their
//! retries and limits.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::Error;

/// How to poll: the first interval, its growth, its ceiling and the deadline.
///
/// ```no_run
/// # async fn run(client: securities_api::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use securities_api::{types::BatchStatus, Poll};
///
/// let batch = Poll::new(Duration::from_secs(600))
///     .until(
///         || client.get_batch().id(42).call(),
///         |b| b.batch.status.as_ref() != Some(&BatchStatus::Checking),
///     )
///     .await
///     .map_err(|e| e.to_string())?;
/// println!("batch 42 is {:?}", batch.batch.status);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poll {
    timeout: Duration,
    interval: Duration,
    factor: f64,
    max_interval: Duration,
}

impl Poll {
    /// Polls for at most `timeout`, first after one second, then 1.5 times longer each time,
    /// up to 30 seconds between calls.
    pub fn new(timeout: Duration) -> Self {
        Poll {
            timeout,
            interval: Duration::from_secs(1),
            factor: 1.5,
            max_interval: Duration::from_secs(30),
        }
    }

    /// The wait before the second call (the first is made at once). Every wait is within
    /// 10 % of its nominal length.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// How much longer each wait is than the one before (1 keeps it fixed; below 1 counts
    /// as 1).
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// The longest wait between two calls.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Calls `call` until `done` holds for its answer, which is returned.
    ///
    /// An error that [`is_retryable`](Error::is_retryable) (a 5xx, a broken connection, a
    /// 429) is polled through until the deadline; any other ends the wait as
    /// [`WaitError::Failed`]. A call still running at the deadline is dropped (a read is safe
    /// to abandon), and the wait ends as [`WaitError::TimedOut`] with the last answer seen.
    pub async fn until<T, F, Fut>(
        &self,
        mut call: F,
        mut done: impl FnMut(&T) -> bool,
    ) -> Result<T, WaitError<T>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        // A timeout too large for the clock is as good as none.
        let deadline = Instant::now()
            .checked_add(self.timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 86_400));
        let mut interval = self.interval;
        let (mut last, mut last_error, mut calls) = (None, None, 0);
        loop {
            calls += 1;
            match tokio::time::timeout_at(deadline, call()).await {
                Ok(Ok(value)) if done(&value) => return Ok(value),
                Ok(Ok(value)) => (last, last_error) = (Some(value), None),
                Ok(Err(error)) if error.is_retryable() => last_error = Some(error),
                Ok(Err(error)) => return Err(WaitError::Failed(error)),
                Err(_elapsed) => break,
            }
            // ±10 %, so that clients started together drift apart.
            let pause = scaled(interval, 0.9 + fastrand::f64() * 0.2);
            if Instant::now()
                .checked_add(pause)
                .is_none_or(|resumed| resumed >= deadline)
            {
                break;
            }
            tokio::time::sleep(pause).await;
            interval = scaled(interval, self.factor.max(1.0)).min(self.max_interval);
        }
        Err(WaitError::TimedOut {
            last,
            last_error,
            calls,
        })
    }
}

/// `duration` times `factor`, at most `Duration::MAX` (where `mul_f64` would panic).
fn scaled(duration: Duration, factor: f64) -> Duration {
    Duration::try_from_secs_f64(duration.as_secs_f64() * factor).unwrap_or(Duration::MAX)
}

/// Why [`Poll::until`] returned without the state it waited for.
#[derive(Debug, thiserror::Error)]
pub enum WaitError<T> {
    /// The deadline passed first.
    #[error(
        "the state was not reached before the deadline (calls made: {calls}){}",
        last_error.as_ref().map(|e| format!("; the last call failed: {e}")).unwrap_or_default()
    )]
    TimedOut {
        /// The last answer received, if any call succeeded.
        last: Option<T>,
        /// The error of the last call, when it failed (with a retryable error).
        last_error: Option<Error>,
        /// How many calls were made.
        calls: u32,
    },
    /// A call failed with an error that polling again would meet again (a 404, a 401, ...).
    #[error("polling stopped: {0}")]
    Failed(#[source] Error),
}

impl<T> WaitError<T> {
    /// The last answer received before the deadline, if any.
    pub fn into_last(self) -> Option<T> {
        match self {
            WaitError::TimedOut { last, .. } => last,
            WaitError::Failed(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_saturates_instead_of_panicking() {
        assert_eq!(scaled(Duration::MAX, 2.0), Duration::MAX);
        assert_eq!(scaled(Duration::from_secs(1), f64::INFINITY), Duration::MAX);
        assert_eq!(scaled(Duration::from_secs(2), 1.5), Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_timeout_too_large_for_the_clock_is_no_panic() {
        let poll = Poll::new(Duration::MAX)
            .interval(Duration::MAX)
            .factor(f64::MAX);
        let mut calls = 0;
        let reached = poll
            .until(
                || {
                    calls += 1;
                    std::future::ready(Ok::<_, Error>(calls))
                },
                |n| *n == 1,
            )
            .await;
        assert_eq!(reached.ok(), Some(1));
    }
}
