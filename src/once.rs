//! Creates that happen once: a create whose outcome is unknown is settled by looking its
//! number up before anything is sent again.
//!
//! A POST is never retried by the client ([`RetryPolicy`](crate::RetryPolicy)), because a
//! create whose answer was lost (a timeout, a broken connection, a gateway's 5xx) may have
//! been carried out. For the records the caller numbers itself and can look up by number
//! (proposals, assignments and uploaded CCBs), the number tells: it names one record per
//! account, as the manual's lookups by number imply. That assumption is what this module
//! rests on.

use std::future::Future;

use crate::{builder::CreateBankCreditNote, types, Client, Error, ErrorKind, RereadablePdf};

/// How many times a create is sent at most while its outcome stays unknown.
pub(crate) const MAX_SENDS: u32 = 3;

/// What a create that must happen once found.
#[derive(Debug, Clone, PartialEq)]
pub enum Once<T> {
    /// This call created the record.
    Created(T),
    /// The record was already there, found by its number: created by an earlier attempt
    /// whose answer was lost, or before (see [`OnceMode::LookUpFirst`]).
    Found(T),
}

impl<T> Once<T> {
    /// The record, however it was reached.
    pub fn into_inner(self) -> T {
        match self {
            Once::Created(record) | Once::Found(record) => record,
        }
    }

    /// Whether this call created it.
    pub fn was_created(&self) -> bool {
        matches!(self, Once::Created(_))
    }
}

/// Whether to look the number up before the first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnceMode {
    /// Create, and look up only when the outcome is unknown: one request when all goes well.
    #[default]
    CreateFirst,
    /// Look up first and create only if the number is unknown: for re-runs over input that
    /// may have been sent already.
    LookUpFirst,
}

impl Client {
    /// `create_proposal`, at most once per `proposal.number`: when the outcome of a POST is
    /// unknown (timeout, broken connection, 5xx) the number is looked up
    /// (`get_proposal_by_number`) and the proposal found is returned as [`Once::Found`];
    /// when it is not there, the POST is sent again (at most three sends in all). A refusal
    /// after an unknown outcome is looked up too: it may be the first attempt's record that
    /// is in the way. The error, when there is one, is the last create's.
    pub async fn create_proposal_once(
        &self,
        body: types::NewProposalRequest,
        mode: OnceMode,
    ) -> Result<Once<types::ProposalEnvelope>, Error> {
        let number = body.proposal.number.clone();
        once(
            mode,
            || self.create_proposal().body(body.clone()).call(),
            || self.get_proposal_by_number().number(number.clone()).call(),
        )
        .await
    }

    /// `create_assignment`, at most once per `assignment.number`, looked up with
    /// `get_assignment_by_number`; see [`create_proposal_once`](Self::create_proposal_once).
    pub async fn create_assignment_once(
        &self,
        body: types::NewAssignmentRequest,
        mode: OnceMode,
    ) -> Result<Once<types::Assignment>, Error> {
        let number = body.assignment.number.clone();
        once(
            mode,
            || self.create_assignment().body(body.clone()).call(),
            || {
                self.get_assignment_by_number()
                    .number(number.clone())
                    .call()
            },
        )
        .await
    }

    /// `create_bank_credit_note` (the upload), at most once per number, looked up with
    /// `get_bank_credit_note_by_number`; see [`create_proposal_once`](Self::create_proposal_once).
    ///
    /// `upload` sets the PDF and the parts on a fresh builder, once per send. That builder
    /// takes the PDF from bytes or a file only ([`RereadablePdf`]): a stream read by one send
    /// could not be sent again. The number is the one `upload` sets; without one, nothing is
    /// sent and the error is of kind [`InvalidRequest`](ErrorKind::InvalidRequest).
    ///
    /// ```no_run
    /// # async fn run(client: securities_api::Client) -> Result<(), securities_api::Error> {
    /// use securities_api::OnceMode;
    ///
    /// let ccb = client
    ///     .create_bank_credit_note_once(
    ///         |upload| upload.file_path("CCB-2023-0107.pdf").number("CCB-2023-0107").signed(true),
    ///         OnceMode::CreateFirst,
    ///     )
    ///     .await?
    ///     .into_inner()
    ///     .bank_credit_note;
    /// println!("CCB {} registered", ccb.id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_bank_credit_note_once(
        &self,
        upload: impl Fn(
            CreateBankCreditNote<'_, RereadablePdf>,
        ) -> CreateBankCreditNote<'_, RereadablePdf>,
        mode: OnceMode,
    ) -> Result<Once<types::BankCreditNoteEnvelope>, Error> {
        let fresh = || upload(CreateBankCreditNote::new(self));
        let Some(number) = fresh().number_set().map(str::to_string) else {
            return Err(Error::invalid_request(
                crate::upload::OP.id,
                "no number: a create that happens once is looked up by its number".into(),
            ));
        };
        once(
            mode,
            || fresh().call(),
            || {
                self.get_bank_credit_note_by_number()
                    .number(number.clone())
                    .call()
            },
        )
        .await
    }
}

/// The loop of the `*_once` creates, over any create and its lookup by number.
async fn once<T, C, L>(
    mode: OnceMode,
    mut create: impl FnMut() -> C,
    mut look_up: impl FnMut() -> L,
) -> Result<Once<T>, Error>
where
    C: Future<Output = Result<T, Error>>,
    L: Future<Output = Result<T, Error>>,
{
    if mode == OnceMode::LookUpFirst {
        match look_up().await {
            Ok(record) => return Ok(Once::Found(record)),
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(error),
        }
    }
    let mut sends = 0;
    // Whether an earlier send may have created the record.
    let mut maybe_created = false;
    loop {
        sends += 1;
        let error = match create().await {
            Ok(record) => return Ok(Once::Created(record)),
            Err(error) => error,
        };
        let lost = outcome_unknown(&error);
        if !lost && !maybe_created {
            return Err(error);
        }
        maybe_created = true;
        tracing::info!(
            operation = error.operation(),
            sends,
            "securities_api: create outcome unknown or refused after one, looking the number up"
        );
        match look_up().await {
            Ok(record) => return Ok(Once::Found(record)),
            Err(not_there) if not_there.is_not_found() && lost && sends < MAX_SENDS => {}
            // Not there after a refusal, out of sends, or the lookup failed: the create's error.
            Err(_) => return Err(error),
        }
    }
}

/// Whether the server may have carried out a request that ended in `error`.
pub(crate) fn outcome_unknown(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Timeout | ErrorKind::Transport | ErrorKind::MalformedAnswer
    ) || error
        .status()
        .is_some_and(|status| status.is_server_error())
}
