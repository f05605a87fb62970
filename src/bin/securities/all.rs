//! `--all`: the items of every page of a list, as NDJSON (one JSON object per line) on stdout,
//! written as they arrive and in constant memory, one page in memory at a time.
//!
//! The request is the one the subcommand's arguments describe (built by the generated
//! `Cli::request_<op>`, so every filter and `--page`, the first page to ask for, apply), and its
//! pages are followed by the crate's `pages()`: a failure is the crate's `Error`, printed after
//! the items already written, with exit code 1. A closed stdout (`securities ... --all | head -1`)
//! ends the command quietly with exit code 0.

use std::{
    io::{IsTerminal as _, Write},
    process::ExitCode,
};

use clap::{Arg, ArgAction, ArgMatches};
use futures::{Stream, StreamExt as _};
use securities_api::{pagination::Page, Error};
use serde::Serialize;

use super::{
    generated::{Cli, CliCommand},
    output::{print_error, Json},
    FAILED, USAGE,
};

/// The flag's name.
pub const FLAG: &str = "all";

/// `--all`, for the subcommands of [`LISTS`].
pub fn arg() -> Arg {
    Arg::new(FLAG).long(FLAG).action(ArgAction::SetTrue).help(
        "Follow the pages (from --page, or the first): print the items of every page as \
             NDJSON, one JSON object per line, as they arrive",
    )
}

/// The list operations and the generated `Cli` method that builds their request from the
/// arguments: `LISTS` names them, and `run` follows their pages.
macro_rules! lists {
    ($($variant:ident => $request:ident,)*) => {
        /// The list operations `--all` follows: the crate's `PAGINATED_OPERATIONS`.
        pub const LISTS: &[CliCommand] = &[$(CliCommand::$variant),*];

        /// Prints every item of every page of `operation`'s list, as `matches` asks for it.
        pub async fn run(cli: &Cli<Json>, operation: CliCommand, matches: &ArgMatches) -> ExitCode {
            match operation {
                $(CliCommand::$variant => match cli.$request(matches) {
                    Ok(request) => write(operation.operation_id(), request.pages()).await,
                    Err(e) => {
                        print_error(&format_args!("{e:#}"));
                        ExitCode::from(FAILED)
                    }
                },)*
                _ => {
                    print_error(&format_args!(
                        "--all: {} is not a list",
                        operation.operation_id()
                    ));
                    ExitCode::from(USAGE)
                }
            }
        }
    };
}

lists! {
    ListProposals => request_list_proposals,
    ListSigners => request_list_signers,
    ListDocumentSigners => request_list_document_signers,
    ListBankCreditNotes => request_list_bank_credit_notes,
    ListArrangements => request_list_arrangements,
    ListBatches => request_list_batches,
    ListSecurityBatches => request_list_security_batches,
    ListDuplicates => request_list_duplicates,
    ListDuplicateSecurityBatches => request_list_duplicate_security_batches,
    ListSignerLinks => request_list_signer_links,
}

/// Writes the items of `pages` to stdout, one JSON line each, flushed one by one.
async fn write<P>(
    operation: &str,
    mut pages: impl Stream<Item = Result<P, Error>> + Unpin,
) -> ExitCode
where
    P: Page,
    P::Item: Serialize,
{
    let mut progress = Progress {
        operation,
        ..Progress::default()
    };
    let written: Result<(), String> = async {
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| e.to_string())?;
            progress.pages += 1;
            // Items go on lines of their own when stdout is the same terminal.
            progress.end("\r\x1b[K");
            for item in page.into_items() {
                let mut line = serde_json::to_string(&item)
                    .map_err(|e| format!("{operation}: cannot print an item: {e}"))?;
                line.push('\n');
                let mut out = std::io::stdout().lock();
                match out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
                    Ok(()) => progress.items += 1,
                    // The reader went away (`| head -1`): it has all it wanted.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                    Err(e) => return Err(format!("cannot write to stdout: {e}")),
                }
            }
            progress.show();
        }
        Ok(())
    }
    .await;
    progress.end("\n");
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            print_error(&message);
            ExitCode::from(FAILED)
        }
    }
}

/// The progress line on stderr (`list_proposals: 3 pages, 75 items`), redrawn after every
/// page; only when stderr is a terminal, so that it never ends up in a log or a pipe.
#[derive(Default)]
struct Progress<'a> {
    operation: &'a str,
    shown: bool,
    pages: u64,
    items: u64,
}

impl Progress<'_> {
    fn show(&mut self) {
        if std::io::stderr().is_terminal() {
            let plural = |n: u64| if n == 1 { "" } else { "s" };
            // `\r` back to the line's start, `\x1b[K` clears what a longer line left.
            let _ = write!(
                std::io::stderr().lock(),
                "\r{}: {} page{}, {} item{}\x1b[K",
                self.operation,
                self.pages,
                plural(self.pages),
                self.items,
                plural(self.items)
            );
            self.shown = true;
        }
    }

    /// Ends the progress line with `text`: `\r\x1b[K` erases it (to be drawn again after the
    /// next page), `\n` keeps it and lets what follows on stderr start a line of its own.
    fn end(&mut self, text: &str) {
        if std::mem::take(&mut self.shown) {
            let _ = write!(std::io::stderr().lock(), "{text}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_paginated_operation_is_followed() {
        let followed: Vec<&str> = LISTS.iter().map(CliCommand::operation_id).collect();
        assert_eq!(followed, securities_api::pagination::PAGINATED_OPERATIONS);
    }
}
