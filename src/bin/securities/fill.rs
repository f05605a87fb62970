//! `fill`: places the CCBs (or, with `--duplicates`, creates and places the duplicatas) of a
//! file or stdin in a batch, through `fill_batch` / `fill_duplicate_batch`: nothing placed
//! twice, and running the same input again completes what an earlier run left undone.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{arg, value_parser, ArgMatches, Command};
use futures::{Stream, StreamExt as _};
use securities_api::{Client, FillError, FillOptions, FillOutcome, Filled};
use serde::{de::DeserializeOwned, Serialize};

use crate::volume::{self, Interrupt};

/// The subcommand's name.
pub const NAME: &str = "fill";

/// The subcommand.
pub fn command() -> Command {
    Command::new(NAME)
        .about("Fill a batch with CCBs (or duplicatas), each placed once")
        .long_about(
            "Fill a batch with CCBs (or duplicatas), each placed once\n\nEach line is a CCB \
             number, or the JSON of its security_data; with --duplicates, the JSON of a \
             duplicata's security_data (number, issuer_full_name, issuer_document, total_value, \
             invoice). What is already in the batch is skipped, and nothing is sent when the \
             rest exceeds the room left, so running the same input again completes an \
             interrupted fill. One JSON outcome per number goes to stdout (added, \
             already_there, refused or failed), a summary to stderr; the exit code is 0 only \
             when every number ended added or already there. Ctrl-C stops sending: what was \
             in flight is left unreported, and the next run settles it.",
        )
        .arg(arg!(--batch <ID> "The batch's id").value_parser(value_parser!(i64)))
        .arg(arg!(--duplicates "The lines are duplicatas, created in the batch"))
        .arg(
            arg!(--concurrency <N> "How many numbers are sent at a time")
                .default_value("8")
                .value_parser(value_parser!(u16).range(1..)),
        )
        .arg(volume::input_arg())
        .mut_arg("batch", |arg| arg.required(true))
}

/// What one number ended as.
#[derive(Serialize)]
struct Outcome {
    number: String,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    placement_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl volume::Outcome for Outcome {
    fn label(&self) -> &'static str {
        self.outcome
    }
}

impl From<Filled> for Outcome {
    fn from(Filled { number, outcome }: Filled) -> Self {
        let (outcome, placement, error) = match outcome {
            FillOutcome::Added(placement) => ("added", Some(placement), None),
            FillOutcome::AlreadyThere(placement) => ("already_there", Some(placement), None),
            FillOutcome::Refused(error) => ("refused", None, Some(error.to_string())),
            FillOutcome::Failed(error) => ("failed", None, Some(error.to_string())),
        };
        Outcome {
            number,
            outcome,
            placement_id: placement.as_ref().map(|p| p.id),
            security_id: placement.and_then(|p| p.security_id),
            error,
        }
    }
}

/// Fills, printing one outcome per number.
pub async fn run(client: &Client, args: &ArgMatches) -> ExitCode {
    let Some(&batch) = args.get_one::<i64>("batch") else {
        return super::usage("--batch is required");
    };
    let path = args.get_one::<PathBuf>("FILE").map(PathBuf::as_path);
    let options = FillOptions::default().concurrency(usize::from(
        args.get_one::<u16>("concurrency").copied().unwrap_or(8),
    ));
    // Ctrl-C is caught from here on, so that it cannot cut the reading of the input short.
    let interrupt = Interrupt::listen();
    if args.get_flag("duplicates") {
        let fill = |items| client.fill_duplicate_batch(batch, items, options);
        fill_from(&interrupt, path, fill).await
    } else {
        let fill = |items| client.fill_batch(batch, items, options);
        fill_from(&interrupt, path, fill).await
    }
}

/// Reads the items of `path` (stdin: `None`), fills with them, and reports each outcome.
async fn fill_from<T, Fut, S>(
    interrupt: &Interrupt,
    path: Option<&Path>,
    fill: impl FnOnce(Vec<T>) -> Fut,
) -> ExitCode
where
    T: DeserializeOwned,
    Fut: Future<Output = Result<S, FillError>>,
    S: Stream<Item = Filled>,
{
    let items = match read_items(path).await {
        Ok(items) => items,
        Err(message) => return super::usage(&message),
    };
    let total = items.len() as u64;
    match fill(items).await {
        // Ctrl-C ends the stream: nothing new is sent, and what was in flight is dropped
        // unreported, for the next run to settle from the placements.
        Ok(outcomes) => {
            let outcomes = interrupt.stops(outcomes).map(Outcome::from);
            volume::report(interrupt, outcomes, Some(total)).await
        }
        Err(error) => {
            eprintln!("error: nothing was sent: {error}");
            ExitCode::from(super::FAILED)
        }
    }
}

/// Every item of the input, read before anything is sent: a fill is checked whole against the
/// room left in the batch. A line is a bare number or the JSON of one item.
async fn read_items<T: DeserializeOwned>(path: Option<&Path>) -> Result<Vec<T>, String> {
    let lines = volume::input_lines(path)
        .await
        .map_err(|e| format!("cannot read the input: {e}"))?;
    let mut lines = std::pin::pin!(lines);
    let mut items = Vec::new();
    while let Some((number, line)) = lines.next().await {
        let line = line.map_err(|e| format!("line {number}: cannot read it: {e}"))?;
        let line = line.trim();
        let item = if line.starts_with('{') {
            serde_json::from_str(line)
        } else {
            serde_json::from_value(serde_json::json!({ "number": line }))
        };
        items.push(item.map_err(|e| format!("line {number}: not an item to place: {e}"))?);
    }
    Ok(items)
}
