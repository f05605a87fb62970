//! `wait batch ID` and `wait document KEY`: poll a batch or a document (`securities_api::Poll`)
//! until its status is, or is no longer, one of those given; print the record as JSON.

use std::process::ExitCode;
use std::time::Duration;

use clap::{arg, value_parser, ArgGroup, ArgMatches, Command};
use securities_api::{Client, Error, Poll, WaitError};
use serde::Serialize;

/// The subcommand's name.
pub const NAME: &str = "wait";

/// `wait`, with `batch` and `document`.
pub fn command() -> Command {
    // `--timeout` is the global per-request timeout, hence `--max-wait`.
    let seconds = |s: &str| {
        s.parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("{s} is not a positive number of seconds"))
    };
    let options = [
        arg!(--"until-status" <STATUS> "Wait until the status is one of these (repeatable)")
            .action(clap::ArgAction::Append),
        arg!(--"while-status" <STATUS> "Wait while the status is one of these (repeatable)")
            .action(clap::ArgAction::Append),
        arg!(--"max-wait" <SECONDS> "Give up after this long")
            .default_value("600")
            .value_parser(seconds),
        arg!(--interval <SECONDS>)
            .help("The first wait between two reads; 1.5 times longer each read, up to 30 s")
            .default_value("2")
            .value_parser(seconds),
    ];
    let status = ArgGroup::new("status")
        .args(["until-status", "while-status"])
        .required(true);
    Command::new(NAME)
        .about("Wait for a batch or a document to reach a status")
        .long_about(
            "Wait for a batch or a document to reach a status\n\nReads it again and again \
             (every --interval seconds, then less often) until its status is one of \
             --until-status or none of --while-status, and prints it as JSON. The exit code \
             is 0 when the status was reached, 1 when --max-wait passed (the last record read \
             is printed) or a read failed.",
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("batch")
                .about("Wait for a batch (get-batch)")
                .arg(arg!(<ID> "Id of the batch").value_parser(value_parser!(i64)))
                .args(options.clone())
                .group(status.clone()),
        )
        .subcommand(
            Command::new("document")
                .about("Wait for a document (get-document-by-key)")
                .arg(
                    arg!(<KEY> "Key of the document (a UUID)")
                        .value_parser(value_parser!(uuid::Uuid)),
                )
                .args(options)
                .group(status),
        )
}

/// Polls, prints the record reached (or the last one read) as JSON.
pub async fn run(client: &Client, args: &ArgMatches) -> ExitCode {
    match args.subcommand() {
        Some(("batch", args)) => {
            let id = args.get_one::<i64>("ID").copied().unwrap_or_default();
            wait(
                args,
                || client.get_batch().id(id).call(),
                |b| b.batch.status.as_ref().map(ToString::to_string),
            )
            .await
        }
        Some(("document", args)) => {
            let key = args
                .get_one::<uuid::Uuid>("KEY")
                .copied()
                .unwrap_or_default();
            wait(
                args,
                || client.get_document_by_key().key(key).call(),
                |d| d.document.status.as_ref().map(ToString::to_string),
            )
            .await
        }
        _ => {
            eprintln!("error: wait what? `securities wait batch ID` or `wait document KEY`");
            ExitCode::from(super::USAGE)
        }
    }
}

async fn wait<T: Serialize, F: std::future::Future<Output = Result<T, Error>>>(
    args: &ArgMatches,
    call: impl FnMut() -> F,
    status: impl Fn(&T) -> Option<String>,
) -> ExitCode {
    let statuses = |name: &str| -> Vec<String> {
        args.get_many::<String>(name)
            .map(|values| values.cloned().collect())
            .unwrap_or_default()
    };
    let (until, while_) = (statuses("until-status"), statuses("while-status"));
    let duration = |name: &str| args.get_one::<Duration>(name).copied().unwrap_or_default();
    let interval = duration("interval");
    let poll = Poll::new(duration("max-wait"))
        .interval(interval)
        .max_interval(interval.max(Duration::from_secs(30)));
    // A record without a status matches no --until-status and no --while-status.
    let reached = |record: &T| {
        let status = status(record).unwrap_or_default();
        if until.is_empty() {
            !while_.contains(&status)
        } else {
            until.contains(&status)
        }
    };
    match poll.until(call, reached).await {
        Ok(record) => {
            super::output::print_json(&record);
            ExitCode::SUCCESS
        }
        Err(e) => {
            super::output::print_error(&e);
            if let WaitError::TimedOut {
                last: Some(last), ..
            } = &e
            {
                super::output::print_json(last);
            }
            ExitCode::from(super::FAILED)
        }
    }
}
