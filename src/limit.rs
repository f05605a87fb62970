//! Keeping under the API's rate limit: one [`Limiter`] per client, shared by its clones (one
//! token, one budget), through which every attempt passes before it is sent.
//!
//! The adaptive rate follows the adaptive retry mode of the AWS SDKs: the send rate is
//! measured in 0.5 s buckets, smoothed, and a 429 sets the rate to β × min(measured, current).
//! It grows back additively, at two speeds that draw AWS's cubic curve in two straight lines:
//! by 10 % of the rate it was cut from per second, back to 90 % of it in 2 s, then by 1 % of
//! it (at least 1 request/s) per second. Most of the time is then spent just under the rate
//! that drew the 429, probed slowly; with one straight line (5 % a second, say) the pace
//! averages 85 % of it between two 429s, and every 429 costs a hold besides. Measured against
//! the test fake (2,000 requests, 200 a second allowed): 14.8 s with one line, 12.5 s with two.

use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// The multiplicative decrease on a 429 (AWS's β).
const BETA: f64 = 0.7;
/// The weight of the last bucket in the measured send rate (AWS's smoothing).
const SMOOTH: f64 = 0.8;
const BUCKET: f64 = 0.5;
/// The lowest rate a decrease goes to, in requests per second (AWS's minimum fill rate).
const MIN_RATE: f64 = 0.5;
/// The fast additive increase per second without a 429, as a share of the rate cut from...
const FAST: f64 = 0.1;
/// ... up to this share of it; then the slow one.
const NEAR: f64 = 0.9;
const SLOW: f64 = 0.01;
/// The share of `requests_per_minute` that is sent. Paced at exactly the limit, a request
/// whose network delay is a little shorter than the first one's of a server's window lands in
/// that window as its `n + 1`th: a 429, and a `Retry-After` of at least a second (measured:
/// 38 of them in a 40 s fill, 1.95x the floor, on a limit of 250 per one-second window).
/// 1 % under the limit leaves the network 1 % of a window of slack.
const FIXED_SHARE: f64 = 0.99;
/// A wait at the gate at least this long is reported in `tracing`.
const LONG_WAIT: Duration = Duration::from_secs(1);

/// The gate of every attempt: a `Retry-After` hold, a pace, and a cap on requests in flight.
#[derive(Debug)]
pub(crate) struct Limiter {
    /// The pace set by `requests_per_minute`, in requests per second.
    fixed: Option<f64>,
    /// Whether 429s lower the rate and their `Retry-After` holds every request.
    adaptive: bool,
    /// The longest hold a `Retry-After` sets: the retry policy's longest wait.
    max_hold: Duration,
    in_flight: Option<Semaphore>,
    state: Mutex<State>,
}

/// What an attempt got at the gate: its place under the in-flight cap, kept until the attempt
/// ends, and how many decreases had been made when it was sent.
pub(crate) struct Pass<'a> {
    _permit: Option<SemaphorePermit<'a>>,
    decreases: u64,
}

#[derive(Debug)]
struct State {
    /// Where the 0.5 s buckets are counted from.
    origin: Instant,
    bucket: u64,
    sent_in_bucket: u32,
    /// The smoothed send rate, requests per second; 0 until a bucket has closed.
    measured: f64,
    /// Set by the first 429: no adaptive rate before.
    lowered: Option<Lowered>,
    decreases: u64,
    /// The next free slot of the pace.
    next: Instant,
    /// No request is sent before this (`Retry-After`).
    hold: Instant,
}

/// The adaptive rate since the last decrease, made at `at` from the rate `from`.
#[derive(Debug, Clone, Copy)]
struct Lowered {
    from: f64,
    at: Instant,
    /// Whole seconds of growth already reported.
    reported: u64,
}

impl Limiter {
    pub(crate) fn new(
        per_minute: Option<NonZeroU32>,
        adaptive: bool,
        max_in_flight: Option<NonZeroUsize>,
        max_hold: Duration,
    ) -> Limiter {
        let now = Instant::now();
        Limiter {
            fixed: per_minute.map(|n| f64::from(n.get()) / 60.0 * FIXED_SHARE),
            adaptive,
            max_hold,
            in_flight: max_in_flight.map(|n| Semaphore::new(n.get())),
            state: Mutex::new(State {
                origin: now,
                bucket: 0,
                sent_in_bucket: 0,
                measured: 0.0,
                lowered: None,
                decreases: 0,
                next: now,
                hold: now,
            }),
        }
    }

    /// The pace requests are sent at now, in requests per second; `None` when unpaced.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.state().rate(Instant::now(), self.fixed)
    }

    /// Waits until an attempt may be sent: the end of a hold, its slot of the pace, a place
    /// under the in-flight cap. `now` is the caller's recent reading of the clock. Without a
    /// fixed rate and before any 429, nothing waits: one lock, to count the send.
    pub(crate) async fn pass(&self, mut now: Instant) -> Pass<'_> {
        let mut decreases = 0;
        if self.adaptive || self.fixed.is_some() {
            loop {
                let (slot, count) = self.state().reserve(now, self.fixed);
                if slot <= now {
                    decreases = count;
                    break;
                }
                let wait = slot - now;
                if wait >= LONG_WAIT {
                    tracing::info!(
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "securities_api: waiting under the rate limit"
                    );
                }
                tokio::time::sleep_until(slot.into()).await;
                now = Instant::now();
                // A hold set while this request slept (a 429 to another) holds it too.
                let mut state = self.state();
                if state.hold <= now {
                    state.count(now);
                    decreases = state.decreases;
                    break;
                }
            }
        }
        let permit = match &self.in_flight {
            // The semaphore is never closed.
            Some(semaphore) => semaphore.acquire().await.ok(),
            None => None,
        };
        Pass {
            _permit: permit,
            decreases,
        }
    }

    /// A 429 to the attempt of `pass`: its `Retry-After` holds every request, and, without a
    /// fixed pace, the rate is lowered unless a decrease was made after it was sent (one
    /// decrease per congestion).
    pub(crate) fn throttled(&self, pass: &Pass<'_>, retry_after: Option<Duration>) {
        if !self.adaptive {
            return;
        }
        let now = Instant::now();
        let mut state = self.state();
        let wait = retry_after.map(|wait| wait.min(self.max_hold));
        if let Some((wait, until)) = wait.and_then(|wait| Some((wait, now.checked_add(wait)?))) {
            // The other 429s of the same burst only extend the hold: one event per hold.
            let held = state.hold > now;
            state.hold = state.hold.max(until);
            if !held {
                let until = std::time::SystemTime::now().checked_add(wait);
                tracing::warn!(
                    hold_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    until = until.map(httpdate::fmt_http_date),
                    "securities_api: holding every request (Retry-After)"
                );
            }
        }
        // A pace the caller set is the limit it knows: a 429 under it (a window's edge, a
        // budget shared with another process) holds, and lowering the pace too would only
        // lose time (measured: 1.16x the floor instead of 1.00x, BENCHMARKS.md section 8).
        if self.fixed.is_none() && pass.decreases == state.decreases {
            let rate = state.lower(now);
            tracing::warn!(
                rate_per_s = tenths(rate),
                "securities_api: sending rate lowered"
            );
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement: a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn rate(&self, now: Instant, fixed: Option<f64>) -> Option<f64> {
        let adaptive = self.lowered.map(|l| {
            let t = now.saturating_duration_since(l.at).as_secs_f64();
            let fast = (FAST * l.from * t).min((NEAR - BETA) * l.from);
            let slow = (SLOW * l.from).max(1.0) * (t - (NEAR - BETA) / FAST).max(0.0);
            (BETA * l.from).max(MIN_RATE) + fast + slow
        });
        // With a fixed pace nothing is ever lowered (see `throttled`).
        fixed.or(adaptive)
    }

    /// The slot of a request that arrives at `now` (counted as sent if it is `now`), and the
    /// number of decreases so far. The slot after it is one interval later, so that no burst
    /// follows a hold.
    fn reserve(&mut self, now: Instant, fixed: Option<f64>) -> (Instant, u64) {
        let slot = now.max(self.next).max(self.hold);
        let rate = self.rate(slot, fixed);
        // Unpaced, `next` stays behind: a caller whose clock reading is a little older than
        // another's must not wait for it.
        if let Some(rate) = rate {
            self.next = slot + Duration::from_secs_f64(1.0 / rate);
        }
        if slot == now {
            self.count(now);
        }
        if let (Some(lowered), Some(rate)) = (&mut self.lowered, rate) {
            let seconds = slot.saturating_duration_since(lowered.at).as_secs();
            if seconds > lowered.reported {
                lowered.reported = seconds;
                let rate = tenths(rate);
                tracing::debug!(rate_per_s = rate, "securities_api: sending rate raised");
            }
        }
        (slot, self.decreases)
    }

    /// Counts a request sent at `now` into the measured send rate.
    fn count(&mut self, now: Instant) {
        let bucket = (now.saturating_duration_since(self.origin).as_secs_f64() / BUCKET) as u64;
        if bucket > self.bucket {
            if self.sent_in_bucket > 0 {
                // Spread over every bucket since: an idle gap lowers the measured rate.
                let rate =
                    f64::from(self.sent_in_bucket) / ((bucket - self.bucket) as f64 * BUCKET);
                self.measured = SMOOTH * rate + (1.0 - SMOOTH) * self.measured;
            }
            self.bucket = bucket;
            self.sent_in_bucket = 0;
        }
        self.sent_in_bucket = self.sent_in_bucket.saturating_add(1);
    }

    /// The decrease of a 429 received at `now`: the new rate. Before a bucket has closed (the
    /// first 429 within 0.5 s of the first request) the open bucket is the measure.
    fn lower(&mut self, now: Instant) -> f64 {
        let measured = if self.measured > 0.0 {
            self.measured
        } else {
            f64::from(self.sent_in_bucket) / BUCKET
        };
        let from = self
            .rate(now, None)
            .map_or(measured, |rate| rate.min(measured));
        self.lowered = Some(Lowered {
            from,
            // Held seconds are not seconds without a 429.
            at: now.max(self.hold),
            reported: 0,
        });
        self.decreases += 1;
        (BETA * from).max(MIN_RATE)
    }
}

/// A rate as it is logged: to a tenth of a request per second.
fn tenths(rate: f64) -> f64 {
    (rate * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn state(origin: Instant) -> State {
        State {
            origin,
            bucket: 0,
            sent_in_bucket: 0,
            measured: 0.0,
            lowered: None,
            decreases: 0,
            next: origin,
            hold: origin,
        }
    }

    /// `n` requests sent as fast as they come, one every `gap`, from `start`: how many went at
    /// once (slot = arrival) and when the last one's slot is.
    fn send(
        state: &mut State,
        start: Instant,
        n: u32,
        gap: Duration,
        fixed: Option<f64>,
    ) -> Instant {
        let mut last = start;
        for i in 0..n {
            last = state.reserve(start + gap * i, fixed).0;
        }
        last
    }

    #[test]
    fn unpaced_until_the_first_429_then_beta_times_the_measured_rate() {
        let t0 = Instant::now();
        let mut s = state(t0);
        // 100 requests in 100 ms: no pace, every slot is its arrival.
        for i in 0..100 {
            let at = t0 + MS * i;
            assert_eq!(s.reserve(at, None), (at, 0));
        }
        assert_eq!(s.rate(t0, None), None);
        // A 429 within the first bucket: the open bucket (100 in 0.5 s = 200/s) is the measure.
        let rate = s.lower(t0 + MS * 100);
        assert!((rate - 140.0).abs() < 1e-9, "{rate}");
        assert_eq!(s.decreases, 1);
        // Paced now: 1/140 s apart, no burst.
        let a = s.reserve(t0 + MS * 101, None).0;
        let b = s.reserve(t0 + MS * 101, None).0;
        assert!(b > a);
    }

    #[test]
    fn additive_recovery_after_the_hold() {
        let t0 = Instant::now();
        let mut s = state(t0);
        send(&mut s, t0, 100, MS, None);
        s.hold = t0 + Duration::from_secs(2);
        let rate = s.lower(t0 + MS * 100);
        // Held seconds do not count: still the lowered rate when the hold ends.
        assert_eq!(s.rate(t0 + Duration::from_secs(2), None), Some(rate));
        // Cut from 200/s: + 20/s per second for 2 s, then + 2/s per second.
        let at = |secs: u64| {
            s.rate(t0 + Duration::from_secs(2 + secs), None)
                .expect("paced")
        };
        assert!((at(1) - (rate + 20.0)).abs() < 1e-6, "{}", at(1));
        assert!((at(2) - 180.0).abs() < 1e-6, "{}", at(2));
        assert!((at(12) - 200.0).abs() < 1e-6, "{}", at(12));
        // A fixed rate is the pace, whatever was learnt before.
        assert_eq!(s.rate(t0 + Duration::from_secs(60), Some(50.0)), Some(50.0));
    }

    #[test]
    fn the_decrease_is_from_the_smaller_of_measured_and_current() {
        let t0 = Instant::now();
        let mut s = state(t0);
        // 100 per bucket (200/s) for two buckets, then a send in the third closes the second:
        // 0.8 × 200 after the first, 0.8 × 200 + 0.2 × 160 after the second.
        send(&mut s, t0, 200, MS * 5, None);
        s.reserve(t0 + MS * 1000, None);
        assert!((s.measured - 192.0).abs() < 1e-6, "{}", s.measured);
        let first = s.lower(t0 + MS * 1000);
        assert!((first - 0.7 * 192.0).abs() < 1e-6, "{first}");
        // At once again: from the current pace, under the measured 192/s.
        let second = s.lower(t0 + MS * 1000);
        assert!((second - 0.7 * first).abs() < 1e-6, "{second}");
        // Never under the floor.
        s.measured = 0.1;
        assert_eq!(s.lower(t0 + MS * 1000), MIN_RATE);
    }

    #[test]
    fn a_fixed_rate_paces_from_the_first_request() {
        let t0 = Instant::now();
        let mut s = state(t0);
        // 600 per minute: 10 per second, 100 ms apart, whenever they arrive.
        let last = send(&mut s, t0, 11, Duration::ZERO, Some(10.0));
        assert_eq!(last, t0 + Duration::from_secs(1));
    }

    #[test]
    fn under_a_fixed_rate_a_429_holds_but_does_not_lower() {
        let per_minute = NonZeroU32::new(600);
        let limiter = Limiter::new(per_minute, true, None, Duration::from_secs(20));
        let pass = Pass {
            _permit: None,
            decreases: 0,
        };
        limiter.throttled(&pass, Some(Duration::from_secs(1)));
        assert_eq!(limiter.state().decreases, 0);
        assert_eq!(limiter.rate(), Some(9.9));
        assert!(limiter.state().hold > Instant::now());
    }

    #[test]
    fn one_decrease_per_congestion() {
        let limiter = Limiter::new(None, true, None, Duration::from_secs(20));
        let early = Pass {
            _permit: None,
            decreases: 0,
        };
        limiter.state().sent_in_bucket = 100;
        limiter.throttled(&early, None);
        let first = limiter.rate().expect("lowered");
        // Another 429 of a request sent before that decrease: no second decrease.
        limiter.throttled(&early, Some(Duration::from_secs(1)));
        assert_eq!(limiter.state().decreases, 1);
        assert!(limiter.rate().expect("lowered") >= first);
        // But its Retry-After holds every request.
        assert!(limiter.state().hold > Instant::now());
        // A 429 of a request sent after it lowers again.
        let late = Pass {
            _permit: None,
            decreases: 1,
        };
        limiter.throttled(&late, None);
        assert_eq!(limiter.state().decreases, 2);
    }
}
