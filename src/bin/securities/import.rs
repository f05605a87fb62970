//! `import-proposals`: proposals from NDJSON (one `create_proposal` body a line), each created
//! at most once (`create_proposal_once`, looking its number up first), so that running the
//! same input again resumes without duplicates.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{arg, value_parser, ArgMatches, Command};
use futures::StreamExt as _;
use securities_api::{types, Client, ErrorKind, Once, OnceMode};
use serde::Serialize;

use crate::volume::{self, Interrupt, Line};

/// The subcommand's name.
pub const NAME: &str = "import-proposals";

/// The subcommand.
pub fn command() -> Command {
    Command::new(NAME)
        .about("Create proposals from NDJSON, each once")
        .long_about(
            "Create proposals from NDJSON, each once\n\nEach line is the body of \
             create-proposal. A proposal is looked up by its number first and created only when \
             absent, so running the same input again resumes without duplicates. One JSON \
             outcome per line goes to stdout (created, found, refused or failed), a summary to \
             stderr; the exit code is 0 only when every line was created or found.",
        )
        .arg(volume::input_arg())
        .arg(
            arg!(--concurrency <N> "How many proposals are sent at a time")
                .default_value("4")
                .value_parser(value_parser!(u16).range(1..)),
        )
}

/// What one input line ended as.
#[derive(Serialize)]
struct Outcome {
    line: u64,
    number: Option<String>,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl volume::Outcome for Outcome {
    fn label(&self) -> &'static str {
        self.outcome
    }
}

/// Imports, printing one outcome per line.
pub async fn run(client: &Client, args: &ArgMatches) -> ExitCode {
    let concurrency = args.get_one::<u16>("concurrency").copied().unwrap_or(4);
    let lines =
        match volume::input_lines(args.get_one::<PathBuf>("FILE").map(PathBuf::as_path)).await {
            Ok(lines) => lines,
            Err(e) => {
                eprintln!("error: cannot read the input: {e}");
                return ExitCode::from(super::USAGE);
            }
        };
    let interrupt = Interrupt::listen();
    let outcomes = interrupt
        .stops(lines)
        .map(|line| import(client, line))
        .buffered(usize::from(concurrency));
    volume::report(&interrupt, outcomes, None).await
}

async fn import(client: &Client, (line, text): Line) -> Outcome {
    let outcome = |number, outcome, id, error| Outcome {
        line,
        number,
        outcome,
        id,
        error,
    };
    let body = match text
        .map_err(|e| format!("cannot read the line: {e}"))
        .and_then(|text| {
            serde_json::from_str::<types::NewProposalRequest>(&text)
                .map_err(|e| format!("not a create-proposal body: {e}"))
        }) {
        Ok(body) => body,
        Err(error) => return outcome(None, "failed", None, Some(error)),
    };
    let number = Some(body.proposal.number.clone());
    match client
        .create_proposal_once(body, OnceMode::LookUpFirst)
        .await
    {
        Ok(Once::Created(record)) => outcome(number, "created", Some(record.proposal.id), None),
        Ok(Once::Found(record)) => outcome(number, "found", Some(record.proposal.id), None),
        // The API said no (a 4xx): the line itself needs fixing.
        Err(e) if e.kind() == ErrorKind::Api && e.status().is_some_and(|s| s.is_client_error()) => {
            outcome(number, "refused", None, Some(e.to_string()))
        }
        Err(e) => outcome(number, "failed", None, Some(e.to_string())),
    }
}
