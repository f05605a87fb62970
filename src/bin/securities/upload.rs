//! `create-bank-credit-note`: the multipart upload of a CCB signed elsewhere, written by hand
//! as the client's builder is (progenitor generates neither). The PDF is streamed from the
//! file, never read whole into memory.

use std::{path::PathBuf, process::ExitCode};

use clap::{arg, value_parser, ArgMatches, Command};
use securities_api::Client;

/// The subcommand's name, as the generated ones are named: the operationId in kebab case.
pub const NAME: &str = "create-bank-credit-note";

/// The subcommand, with the parts of the upload as options.
pub fn command() -> Command {
    Command::new(NAME)
        .alias("create_bank_credit_note")
        .about("Upload a CCB signed elsewhere")
        .long_about(
            "Upload a CCB signed elsewhere\n\nRegisters a CCB whose PDF was already signed by the \
             borrower outside the platform, as a multipart/form-data upload. The PDF is streamed \
             from --file.",
        )
        .arg(
            arg!(--file <PATH> "The signed PDF")
                .required(true)
                .value_parser(value_parser!(PathBuf)),
        )
        .arg(
            arg!(--signed <BOOL> "Whether the PDF is signed (true or false)")
                .value_parser(value_parser!(bool)),
        )
        .arg(arg!(--installments <N> "Number of installments").value_parser(value_parser!(i32)))
        .arg(arg!(--"document-data" <JSON> "The data of the CCB's template, as a JSON object"))
        .arg(
            arg!(--"signature-provider" <TEXT>)
                .help("The service the PDF was signed with, such as docusign or govbr"),
        )
        .arg(arg!(--number <TEXT> "Number of the CCB"))
        .arg(arg!(--"issuer-full-name" <TEXT> "Full name of the issuer (the borrower)"))
        .arg(arg!(--"issuer-document" <TEXT> "CPF or CNPJ of the issuer"))
}

/// Uploads, prints the registered CCB as JSON, or the crate's error on stderr.
pub async fn run(client: &Client, args: &ArgMatches) -> ExitCode {
    let mut request = client.create_bank_credit_note();
    // `--file` is required: clap has refused the command line without it.
    if let Some(path) = args.get_one::<PathBuf>("file") {
        request = request.file_path(path);
    }
    if let Some(signed) = args.get_one::<bool>("signed") {
        request = request.signed(*signed);
    }
    if let Some(installments) = args.get_one::<i32>("installments") {
        request = request.installments(*installments);
    }
    if let Some(data) = args.get_one::<String>("document-data") {
        match serde_json::from_str::<serde_json::Value>(data) {
            Ok(value) => request = request.document_data(&value),
            Err(e) => {
                eprintln!("error: --document-data is not JSON: {e}");
                return ExitCode::from(super::USAGE);
            }
        }
    }
    let text = |flag: &str| args.get_one::<String>(flag).cloned();
    if let Some(provider) = text("signature-provider") {
        request = request.signature_provider(provider.as_str());
    }
    if let Some(number) = text("number") {
        request = request.number(number);
    }
    if let Some(name) = text("issuer-full-name") {
        request = request.issuer_full_name(name);
    }
    if let Some(document) = text("issuer-document") {
        request = request.issuer_document(document);
    }
    match request.call().await {
        Ok(created) => {
            super::output::print_json(&created);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(super::FAILED)
        }
    }
}
