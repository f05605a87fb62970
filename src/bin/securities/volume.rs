//! What the commands that work at volume share (`import-proposals`, `fill`):
//! input lines from a file or stdin, one NDJSON outcome per item on stdout, a progress bar on
//! stderr when it is a terminal, a summary line, the exit code, and Ctrl-C.
//!
//! Ctrl-C stops the intake: the items already sent finish and are reported, then the summary
//! says the run was interrupted and the exit code is 130. A second Ctrl-C ends at once.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use futures::{Stream, StreamExt as _};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};
use tokio::sync::watch;

/// The exit code after Ctrl-C, as shells report a process ended by SIGINT.
const INTERRUPTED: u8 = 130;

/// The input argument: a file of lines, stdin when absent or `-`.
pub fn input_arg() -> clap::Arg {
    clap::arg!([FILE] "The input, one item a line (stdin when absent or -)")
        .value_parser(clap::value_parser!(PathBuf))
}

/// One line of input: its number (from 1) and its text, or why it could not be read.
pub type Line = (u64, std::io::Result<String>);

/// The lines of `path` (stdin when `None` or `-`), blank ones left out. A read error (bytes
/// that are not UTF-8, a broken file) is the last line.
pub async fn input_lines(path: Option<&Path>) -> std::io::Result<impl Stream<Item = Line>> {
    let reader: Box<dyn AsyncRead + Send + Unpin> = match path {
        Some(path) if path != Path::new("-") => Box::new(
            tokio::fs::File::open(path)
                .await
                .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?,
        ),
        _ => Box::new(tokio::io::stdin()),
    };
    let lines = BufReader::new(reader).lines();
    let numbered = futures::stream::unfold(Some((lines, 0)), |state| async move {
        let (mut lines, number) = state?;
        let number = number + 1;
        match lines.next_line().await {
            Ok(Some(text)) => Some(((number, Ok(text)), Some((lines, number)))),
            Ok(None) => None,
            Err(e) => Some(((number, Err(e)), None)),
        }
    });
    Ok(numbered.filter(|(_, line)| {
        std::future::ready(!matches!(line, Ok(text) if text.trim().is_empty()))
    }))
}

/// What one item ended as, printed as one JSON line.
pub trait Outcome: Serialize {
    /// Its word in the summary: `created`, `found`, `refused`, `failed`, ...
    fn label(&self) -> &'static str;
}

/// The labels of an item that ended as wanted: the record is there, made by this run or
/// found (`created`/`found` for a create, `added`/`already_there` for a placement).
const SUCCEEDED: [&str; 4] = ["created", "found", "added", "already_there"];

/// Ctrl-C, counted: the first stops the intake, the second ends at once.
#[derive(Clone)]
pub struct Interrupt(watch::Receiver<u32>);

impl Interrupt {
    /// Starts counting Ctrl-C presses (the default action, ending the process, is off from
    /// here on).
    pub fn listen() -> Self {
        let (pressed, receiver) = watch::channel(0);
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                pressed.send_modify(|count| *count += 1);
            }
        });
        Interrupt(receiver)
    }

    /// Resolves once Ctrl-C has been pressed `times` times in all.
    async fn pressed(&self, times: u32) {
        let mut receiver = self.0.clone();
        // An error means the listener is gone: then no press will come.
        if receiver.wait_for(|count| *count >= times).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// `items`, ending at the first Ctrl-C: the input of the work, so that nothing new is
    /// started once the user asked to stop.
    pub fn stops<S: Stream>(&self, items: S) -> impl Stream<Item = S::Item> {
        let this = self.clone();
        items.take_until(Box::pin(async move { this.pressed(1).await }))
    }
}

/// Prints each outcome of `outcomes` as a JSON line on stdout as it comes, with a progress
/// bar on stderr when it is a terminal (`total` items, when known), then the summary line on
/// stderr; the exit code is 0 only when every item succeeded and the run was not interrupted.
pub async fn report<O: Outcome>(
    interrupt: &Interrupt,
    outcomes: impl Stream<Item = O>,
    total: Option<u64>,
) -> ExitCode {
    let bar = progress_bar(total);
    let mut counts = BTreeMap::<&'static str, u64>::new();
    let mut all_succeeded = true;
    let mut outcomes = std::pin::pin!(outcomes);
    let mut aborted = false;
    loop {
        let outcome = tokio::select! {
            outcome = outcomes.next() => outcome,
            () = interrupt.pressed(2) => {
                aborted = true;
                None
            }
        };
        let Some(outcome) = outcome else { break };
        *counts.entry(outcome.label()).or_default() += 1;
        all_succeeded &= SUCCEEDED.contains(&outcome.label());
        // The bar steps aside while the line is written, in case stdout is the same terminal.
        bar.suspend(|| print_line(&outcome));
        bar.inc(1);
        bar.set_message(summary(&counts));
    }
    bar.finish_and_clear();
    let interrupted = *interrupt.0.borrow() > 0;
    let how = match (aborted, interrupted) {
        (true, _) => "aborted by a second Ctrl-C, items in flight unreported; ",
        (false, true) => "interrupted by Ctrl-C; ",
        _ => "",
    };
    let done: u64 = counts.values().sum();
    let _ = writeln!(
        std::io::stderr().lock(),
        "summary: {how}{done} items: {}",
        summary(&counts)
    );
    if interrupted {
        ExitCode::from(INTERRUPTED)
    } else if all_succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::FAILED)
    }
}

fn print_line<T: Serialize>(value: &T) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (`... | head`) is not worth a panic; the summary still goes to stderr.
    let _ = match serde_json::to_string(value) {
        Ok(text) => writeln!(out, "{text}"),
        Err(e) => writeln!(std::io::stderr(), "error: cannot print an outcome: {e}"),
    };
}

/// `3 created, 1 found`; `nothing` for no item.
fn summary(counts: &BTreeMap<&'static str, u64>) -> String {
    if counts.is_empty() {
        return "nothing".into();
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(label, n)| format!("{n} {label}"))
        .collect();
    parts.join(", ")
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(total) => (
            indicatif::ProgressBar::new(total),
            "{elapsed_precise} [{wide_bar}] {pos}/{len} (eta {eta}) {msg}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{elapsed_precise} {spinner} {pos} {msg}",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
