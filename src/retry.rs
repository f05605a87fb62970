//! When and how long to wait before sending a request again.

use std::time::{Duration, Instant, SystemTime};

use reqwest::{header::HeaderMap, Method, StatusCode};

use crate::error::sources;

/// How the client retries requests that failed for a transient reason.
///
/// Retried, with full-jitter exponential backoff:
/// - 429 (rate limited) on any method, waiting what `Retry-After` says (seconds or an HTTP
///   date) — a 429 means the server did not act on the request;
/// - 502, 503, 504 and broken connections on GET only, because a write may have been carried
///   out before the failure and must not be repeated (no duplicated credit note). A connection
///   that breaks while the body is read counts as broken too: the whole answer is read inside
///   the retry loop;
/// - a refused connection on any method: the request never reached the server.
///
/// Never retried: timeouts (the timeout already bounds how long a call may take), failures
/// that a new attempt would meet again (a redirect, an answer head that is malformed or too
/// large, a TLS failure, a name that does not resolve, a body over the size cap), and a
/// `Retry-After` longer than [`max_delay`](Self::max_delay) or than what is left of the
/// [`budget`](Self::budget): the error is returned at once, with
/// [`Error::retry_after`](crate::Error::retry_after) telling the caller how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, backoff from 250 ms, no single wait over 20 s, no retry started after
    /// 60 s. The seed's limits are per minute, so a 429's `Retry-After` is usually under 60 s;
    /// three retries ride through a rolling restart during maintenance (502/503) without
    /// holding a caller for more than about a minute.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            budget: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request may be sent again after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff of the first retry; each further retry doubles it (before jitter).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest single wait, including one asked for by `Retry-After`.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// No retry starts once this much time has passed since the first attempt (counting
    /// the wait before it).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The longest single wait: also the longest a `Retry-After` holds the client's requests.
    pub(crate) fn longest_wait(&self) -> Duration {
        self.max_delay
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.max_retries > 0
    }

    /// The wait before sending again after `failure`, or `None` to give up. `headers` are the
    /// answer's, when there was one (for `Retry-After`).
    pub(crate) fn after(
        &self,
        method: &Method,
        failure: Failure,
        headers: Option<&HeaderMap>,
        retries: u32,
        started: Instant,
    ) -> Option<Duration> {
        // Asked after every attempt, so the clock is read only when a retry is possible.
        if verdict(method, failure) != Verdict::Now {
            return None;
        }
        let elapsed = started.elapsed();
        let delay = match headers.and_then(|h| retry_after(h, SystemTime::now())) {
            Some(asked) if asked > self.max_delay => return None,
            Some(asked) => asked,
            None => self.backoff(retries),
        };
        self.within_limits(delay, retries, elapsed)
    }

    fn within_limits(&self, delay: Duration, retries: u32, elapsed: Duration) -> Option<Duration> {
        // Checked: `delay` may come from a server's `Retry-After` (up to u64::MAX seconds).
        let ends = elapsed.checked_add(delay)?;
        (retries < self.max_retries && ends <= self.budget).then_some(delay)
    }

    /// Full jitter: uniform in [0, min(max_delay, base × 2^retries)], so that clients that
    /// failed together do not come back together.
    fn backoff(&self, retries: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32.checked_shl(retries).unwrap_or(u32::MAX))
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What went wrong with one attempt, in the terms that decide whether to send it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A complete answer head with this status.
    Status(StatusCode),
    /// No connection could be made: the request never reached the server.
    Refused,
    /// The connection broke, before the answer's head or while its body was read.
    Broken,
    /// A timeout ran out.
    TimedOut,
    /// Nothing that waiting would change: an answer too large, a body that does not decode, a
    /// request that cannot be built, pages that loop, or no failure at all.
    Final,
}

impl Failure {
    /// How a transport error of reqwest counts. Only what a new attempt may not meet again
    /// is transient: a refused, reset or closed connection, a timeout. An answer head hyper
    /// cannot parse (malformed or too large), a TLS or certificate failure and a redirect
    /// error would come back the same, so they are final.
    pub(crate) fn of(error: &reqwest::Error) -> Failure {
        if error.is_timeout() {
            return Failure::TimedOut;
        }
        if error.is_redirect() || is_malformed_answer(error) {
            return Failure::Final;
        }
        if !error.is_connect() {
            return Failure::Broken;
        }
        match innermost_io(error).map(std::io::Error::kind) {
            Some(kind) if is_transient_io(kind) => Failure::Refused,
            // No socket error in the chain: the name did not resolve, or the TLS handshake
            // (certificate, protocol) failed, neither of which waiting mends.
            _ => Failure::Final,
        }
    }
}

/// Whether hyper refused the answer's head: a malformed status line or header, or a head
/// over its size limit (`is_parse` covers them all; the finer `is_parse_too_large` exists
/// only in hyper's server build).
fn is_malformed_answer(error: &reqwest::Error) -> bool {
    sources(error).any(|e| {
        e.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
    })
}

/// The first I/O error in `error`'s source chain.
fn innermost_io(error: &reqwest::Error) -> Option<&std::io::Error> {
    sources(error).find_map(|e| e.downcast_ref::<std::io::Error>())
}

/// The socket errors after which the request certainly did not reach the server.
fn is_transient_io(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        kind,
        K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::AddrNotAvailable
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::TimedOut
    )
}

/// Whether a failure may be repeated, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Repeating could do something twice, or cannot help.
    Never,
    /// Safe to repeat, but not within the same call: a timeout already bounds how long a call
    /// may take, so the caller decides when to try again.
    Later,
    /// Safe to repeat at once (within the policy's limits): the retry loop does.
    Now,
}

/// The one place that decides what may be sent again: the retry loop asks it for every
/// attempt and [`Error::is_retryable`](crate::Error::is_retryable) for the final error, so the
/// two cannot drift apart. A 429 or a refused connection means the server did not act on the
/// request, whatever its method; anything else transient is safe only for a read, since a
/// write may have been carried out before the failure.
pub(crate) fn verdict(method: &Method, failure: Failure) -> Verdict {
    let safe = is_safe(method);
    match failure {
        Failure::Refused => Verdict::Now,
        Failure::Status(status) => match status.as_u16() {
            429 => Verdict::Now,
            502..=504 if safe => Verdict::Now,
            _ => Verdict::Never,
        },
        Failure::Broken if safe => Verdict::Now,
        Failure::TimedOut if safe => Verdict::Later,
        _ => Verdict::Never,
    }
}

/// `Retry-After` as a wait from `now`: whole seconds, or an HTTP date (a past date is no wait).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::RETRY_AFTER,
            retry_after.parse().expect("header"),
        );
        h
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(
            retry_after(&headers("7"), now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&later), now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&headers(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn writes_are_retried_only_when_the_server_did_not_act() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let post = Method::POST;
        assert!(policy
            .after(
                &post,
                Failure::Status(StatusCode::TOO_MANY_REQUESTS),
                Some(&none),
                0,
                Instant::now()
            )
            .is_some());
        for status in [500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).expect("status");
            assert_eq!(
                policy.after(
                    &post,
                    Failure::Status(status),
                    Some(&none),
                    0,
                    Instant::now()
                ),
                None
            );
        }
        for status in [502, 503, 504] {
            let status = StatusCode::from_u16(status).expect("status");
            assert!(policy
                .after(
                    &Method::GET,
                    Failure::Status(status),
                    Some(&none),
                    0,
                    Instant::now()
                )
                .is_some());
        }
        for status in [400, 401, 403, 404, 422, 500] {
            let status = StatusCode::from_u16(status).expect("status");
            assert_eq!(
                policy.after(
                    &Method::GET,
                    Failure::Status(status),
                    Some(&none),
                    0,
                    Instant::now()
                ),
                None
            );
        }
    }

    #[test]
    fn one_verdict_for_every_failure() {
        use Verdict::{Later, Never, Now};
        let status = |code| Failure::Status(StatusCode::from_u16(code).expect("status"));
        for (failure, get, post) in [
            (status(429), Now, Now),
            (status(502), Now, Never),
            (status(503), Now, Never),
            (status(504), Now, Never),
            (status(500), Never, Never),
            (status(404), Never, Never),
            (status(200), Never, Never),
            (Failure::Refused, Now, Now),
            (Failure::Broken, Now, Never),
            (Failure::TimedOut, Later, Never),
            (Failure::Final, Never, Never),
        ] {
            assert_eq!(verdict(&Method::GET, failure), get, "GET {failure:?}");
            assert_eq!(verdict(&Method::POST, failure), post, "POST {failure:?}");
        }
    }

    #[test]
    fn limits_are_kept() {
        let policy = RetryPolicy::default()
            .max_retries(2)
            .max_delay(Duration::from_secs(5));
        let none = HeaderMap::new();
        let get = Method::GET;
        let busy = StatusCode::SERVICE_UNAVAILABLE;
        assert!(policy
            .after(&get, Failure::Status(busy), Some(&none), 1, Instant::now())
            .is_some());
        assert_eq!(
            policy.after(&get, Failure::Status(busy), Some(&none), 2, Instant::now()),
            None
        );
        // A wait longer than max_delay is not worth holding the caller for.
        let limited = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(
            policy.after(
                &get,
                Failure::Status(limited),
                Some(&headers("6")),
                0,
                Instant::now()
            ),
            None
        );
        assert_eq!(
            policy.after(
                &get,
                Failure::Status(limited),
                Some(&headers("5")),
                0,
                Instant::now()
            ),
            Some(Duration::from_secs(5))
        );
        // Nor one that would end past the budget.
        assert_eq!(
            policy.after(
                &get,
                Failure::Status(limited),
                Some(&headers("5")),
                0,
                Instant::now() - Duration::from_secs(56)
            ),
            None
        );
        assert_eq!(
            RetryPolicy::disabled().after(
                &get,
                Failure::Status(busy),
                Some(&none),
                0,
                Instant::now()
            ),
            None
        );
    }

    #[test]
    fn backoff_is_jittered_below_an_exponential_ceiling() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1));
        for retries in 0..40 {
            let ceiling =
                Duration::from_millis(100 * (1u64 << retries.min(20))).min(Duration::from_secs(1));
            for _ in 0..50 {
                assert!(policy.backoff(retries) <= ceiling);
            }
        }
    }

    /// No number a server sends (`Retry-After`) and no policy value makes the arithmetic
    /// overflow: the wait is never above `max_delay` and never ends past the budget.
    mod no_overflow {
        use super::*;
        use proptest::prelude::*;

        fn duration() -> impl Strategy<Value = Duration> {
            prop_oneof![
                Just(Duration::ZERO),
                Just(Duration::MAX),
                any::<u64>().prop_map(Duration::from_secs),
                any::<u64>().prop_map(Duration::from_nanos),
                (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
            ]
        }

        fn retry_after_value() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("0".to_string()),
                Just(u64::MAX.to_string()),
                Just("18446744073709551616".to_string()),
                Just("-1".to_string()),
                Just("Thu, 01 Jan 1970 00:00:00 GMT".to_string()),
                Just("Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
                any::<u64>().prop_map(|n| n.to_string()),
                (0..u32::MAX / 2).prop_map(|n| httpdate::fmt_http_date(
                    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(n) * 60)
                )),
                "[ -~]{0,40}",
            ]
        }

        proptest! {
            #[test]
            fn any_policy_and_any_retry_after(
                max_retries in any::<u32>(),
                base in duration(),
                max in duration(),
                budget in duration(),
                elapsed in duration(),
                retries in any::<u32>(),
                value in retry_after_value(),
            ) {
                let policy = RetryPolicy::default()
                    .max_retries(max_retries)
                    .base_delay(base)
                    .max_delay(max)
                    .budget(budget);
                prop_assert!(policy.backoff(retries) <= max);
                let mut h = HeaderMap::new();
                if let Ok(v) = value.parse() {
                    h.insert(reqwest::header::RETRY_AFTER, v);
                }
                let asked = retry_after(&h, SystemTime::now());
                for delay in asked.into_iter().chain([policy.backoff(retries)]) {
                    if let Some(wait) = policy.within_limits(delay, retries, elapsed) {
                        prop_assert!(elapsed.checked_add(wait).is_some_and(|end| end <= budget));
                    }
                }
                let limited = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
                // `started` as long ago as the clock allows.
                let started = Instant::now().checked_sub(elapsed).unwrap_or_else(Instant::now);
                if let Some(wait) = policy.after(&Method::GET, limited, Some(&h), retries, started) {
                    prop_assert!(wait <= max && wait <= budget);
                }
            }
        }
    }
}
