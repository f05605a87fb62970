//! Filling a batch (lote): one POST per CCB or duplicata, with bounded concurrency, nothing
//! placed twice, and a re-run over the same input that completes what a crash left undone.
//!
//! The manual's rules: no more than the batch's `quantity`, and no CCB that is already in the
//! batch. Placements name the CCB (or duplicata) by id only; its lookup by number gives the id.
//! As in [`once`](crate::Client::create_proposal_once), a number names one record per account.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use futures::future::{BoxFuture, FutureExt, TryFutureExt};
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

use crate::once::{outcome_unknown, MAX_SENDS};
use crate::types::{self, SecurityBatch};
use crate::{Client, Error};

/// How a fill runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillOptions {
    concurrency: usize,
}

impl Default for FillOptions {
    fn default() -> Self {
        FillOptions { concurrency: 8 }
    }
}

impl FillOptions {
    /// How many requests are in flight at most (8 by default; 0 counts as 1).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }
}

/// What became of one number of a fill.
#[derive(Debug)]
pub struct Filled {
    /// The CCB's or duplicata's number, as given.
    pub number: String,
    /// What happened to it.
    pub outcome: FillOutcome,
}

impl Filled {
    /// Whether the number is in the batch now: added by this fill or found there.
    pub fn is_done(&self) -> bool {
        matches!(
            self.outcome,
            FillOutcome::Added(_) | FillOutcome::AlreadyThere(_)
        )
    }
}

/// What became of one number of a fill.
#[derive(Debug)]
pub enum FillOutcome {
    /// This fill placed it (also when its answer was lost and a read-back found it).
    Added(SecurityBatch),
    /// It was in the batch before this fill; nothing was sent for it.
    AlreadyThere(SecurityBatch),
    /// The API refused it (422); [`Error::validation_messages`] has its reasons.
    Refused(Error),
    /// Anything else: the last error met for it.
    Failed(Error),
}

/// Why a fill sent nothing.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    /// Reading the batch, its placements or a number's record failed.
    #[error("batch {batch_id}: reading before filling failed: {source}")]
    Read {
        /// The batch.
        batch_id: i64,
        /// The failed read.
        source: Box<Error>,
    },
    /// More numbers to send than the batch has room for.
    #[error(
        "batch {batch_id}: {to_send} to send but room for {room} only \
         (quantity {quantity}, {placed} placed)"
    )]
    NoRoom {
        /// The batch.
        batch_id: i64,
        /// Its `quantity`.
        quantity: i32,
        /// How many are placed in it.
        placed: usize,
        /// How many of the input are not placed yet.
        to_send: usize,
        /// `quantity` − placed.
        room: usize,
    },
    /// The input names a number twice.
    #[error("the number {0} is given twice")]
    DuplicateNumber(String),
}

impl Client {
    /// Places each CCB of `items` in batch `batch_id` (`create_security_batch`), skipping those
    /// already there, and yields one [`Filled`] per item as the answers come. Refuses before
    /// any POST when the items not placed yet exceed the room left. A POST whose outcome is
    /// unknown (timeout, broken connection, 5xx) is settled after the others by reading the
    /// placements back: found, it is [`FillOutcome::Added`]; not, it is sent again (three
    /// sends at most). So running it again with the same input completes the batch.
    pub async fn fill_batch(
        &self,
        batch_id: i64,
        items: Vec<types::SecurityData>,
        options: FillOptions,
    ) -> Result<impl Stream<Item = Filled> + Send + Unpin + 'static, FillError> {
        fill::<Ccb>(self.clone(), batch_id, items, options).await
    }

    /// [`fill_batch`](Self::fill_batch) for duplicatas: each is created and placed by
    /// `create_duplicate_security_batch` and looked up with `get_duplicate_by_number`.
    pub async fn fill_duplicate_batch(
        &self,
        batch_id: i64,
        items: Vec<types::DuplicateSecurityData>,
        options: FillOptions,
    ) -> Result<impl Stream<Item = Filled> + Send + Unpin + 'static, FillError> {
        fill::<Duplicata>(self.clone(), batch_id, items, options).await
    }
}

/// The operations of one kind of batch item, CCB or duplicata.
trait Kind: 'static {
    type Item: Clone + Send + Sync + 'static;
    fn number(item: &Self::Item) -> &str;
    fn placements(client: &Client, batch: i64) -> BoxStream<'_, Placed>;
    /// The id of the record numbered `number`.
    fn look_up(client: &Client, number: String) -> BoxFuture<'_, Result<i64, Error>>;
    fn place(client: &Client, batch: i64, item: Self::Item) -> BoxFuture<'_, Placed>;
}

type Placed = Result<SecurityBatch, Error>;

/// How many times a fill's request answered 429 is sent again. A 429 was not acted on, and
/// the client's limiter holds every request for its `Retry-After` (up to the retry policy's
/// `max_delay`, 20 s by default), so this outlasts a per-minute window whose `Retry-After` is
/// longer than the retry policy waits for one call.
const MAX_LIMITED: u32 = 8;

/// `call` until it is not answered 429, at most [`MAX_LIMITED`] times more.
async fn admitted<T, F: Future<Output = Result<T, Error>>>(
    mut call: impl FnMut() -> F,
) -> Result<T, Error> {
    let mut limited = 0;
    loop {
        match call().await {
            Err(error) if error.is_rate_limited() && limited < MAX_LIMITED => limited += 1,
            result => return result,
        }
    }
}

struct Ccb;
struct Duplicata;

impl Kind for Ccb {
    type Item = types::SecurityData;
    fn number(item: &Self::Item) -> &str {
        &item.number
    }
    fn placements(client: &Client, batch: i64) -> BoxStream<'_, Placed> {
        client
            .list_security_batches()
            .batch_id(batch)
            .stream()
            .boxed()
    }
    fn look_up(client: &Client, number: String) -> BoxFuture<'_, Result<i64, Error>> {
        let call = client
            .get_bank_credit_note_by_number()
            .number(number)
            .call();
        call.map_ok(|found| found.bank_credit_note.id).boxed()
    }
    fn place(client: &Client, batch: i64, item: Self::Item) -> BoxFuture<'_, Placed> {
        let security_batch = types::NewSecurityBatch {
            security_data: item,
        };
        let body = types::NewSecurityBatchRequest { security_batch };
        let call = client
            .create_security_batch()
            .batch_id(batch)
            .body(body)
            .call();
        call.map_ok(|placed| placed.security_batch).boxed()
    }
}

impl Kind for Duplicata {
    type Item = types::DuplicateSecurityData;
    fn number(item: &Self::Item) -> &str {
        &item.number
    }
    fn placements(client: &Client, batch: i64) -> BoxStream<'_, Placed> {
        client
            .list_duplicate_security_batches()
            .batch_id(batch)
            .stream()
            .boxed()
    }
    fn look_up(client: &Client, number: String) -> BoxFuture<'_, Result<i64, Error>> {
        let call = client.get_duplicate_by_number().number(number).call();
        call.map_ok(|found| found.duplicate.id).boxed()
    }
    fn place(client: &Client, batch: i64, item: Self::Item) -> BoxFuture<'_, Placed> {
        let security_batch = types::NewDuplicateSecurityBatch {
            security_data: item,
        };
        let body = types::NewDuplicateSecurityBatchRequest { security_batch };
        let call = client
            .create_duplicate_security_batch()
            .batch_id(batch)
            .body(body);
        call.call().map_ok(|placed| placed.security_batch).boxed()
    }
}

/// An item whose POST has not been settled: its outcome was unknown, or it was refused after
/// an unknown outcome (perhaps by its own first attempt, in the way).
struct Unsettled<T> {
    item: T,
    sends: u32,
    error: Error,
}

/// What one POST gave: an outcome, or an item to settle by reading back.
enum Sent<T> {
    Done(Filled),
    Unsettled(Unsettled<T>),
}

async fn fill<K: Kind>(
    client: Client,
    batch_id: i64,
    items: Vec<K::Item>,
    options: FillOptions,
) -> Result<impl Stream<Item = Filled> + Send + Unpin + 'static, FillError> {
    let mut seen = HashSet::new();
    if let Some(item) = items.iter().find(|item| !seen.insert(K::number(item))) {
        return Err(FillError::DuplicateNumber(K::number(item).to_string()));
    }
    let read = |error| FillError::Read {
        batch_id,
        source: Box::new(error),
    };
    let batch = admitted(|| client.get_batch().id(batch_id).call())
        .await
        .map_err(read)?
        .batch;
    let placed = placements::<K>(&client, batch_id).await.map_err(read)?;
    let (mut there, mut to_send) = (Vec::new(), Vec::new());
    if placed.is_empty() {
        to_send = items;
    } else {
        let looked_up: Vec<_> = stream::iter(items)
            .map(|item| async {
                let id = id_of::<K>(&client, K::number(&item)).await?;
                Ok::<_, Error>((item, id))
            })
            .buffer_unordered(options.concurrency)
            .try_collect()
            .await
            .map_err(read)?;
        for (item, id) in looked_up {
            match id.and_then(|id| placed.get(&id)) {
                Some(placement) => there.push(Filled {
                    number: K::number(&item).to_string(),
                    outcome: FillOutcome::AlreadyThere(placement.clone()),
                }),
                None => to_send.push(item),
            }
        }
    }
    if let Some(quantity) = batch.quantity {
        let room = usize::try_from(quantity)
            .unwrap_or(0)
            .saturating_sub(placed.len());
        if to_send.len() > room {
            return Err(FillError::NoRoom {
                batch_id,
                quantity,
                placed: placed.len(),
                to_send: to_send.len(),
                room,
            });
        }
    }
    let first = to_send.into_iter().map(|item| (item, 0)).collect();
    let sending = stream::iter(there.into_iter().map(Sent::Done))
        .chain(send::<K>(&client, batch_id, first, options))
        .boxed();
    let state = (client, sending, Vec::new());
    // Unsettled items wait until the sends of their round are done: then one read-back
    // settles them all.
    let filled = stream::unfold(
        state,
        move |(client, mut sending, mut unsettled)| async move {
            loop {
                match sending.next().await {
                    Some(Sent::Done(filled)) => {
                        return Some((filled, (client, sending, unsettled)))
                    }
                    Some(Sent::Unsettled(item)) => unsettled.push(item),
                    None if unsettled.is_empty() => return None,
                    None => {
                        let round = std::mem::take(&mut unsettled);
                        sending = settle::<K>(&client, batch_id, round, options).await;
                    }
                }
            }
        },
    );
    Ok(filled.boxed())
}

/// The placements of the batch by the id of what they place.
async fn placements<K: Kind>(
    client: &Client,
    batch_id: i64,
) -> Result<HashMap<i64, SecurityBatch>, Error> {
    admitted(|| {
        K::placements(client, batch_id)
            .try_filter_map(|p| async move { Ok(p.security_id.map(|id| (id, p))) })
            .try_collect()
    })
    .await
}

/// The id of the record numbered `number`, `None` when there is none.
async fn id_of<K: Kind>(client: &Client, number: &str) -> Result<Option<i64>, Error> {
    match admitted(|| K::look_up(client, number.to_string())).await {
        Ok(id) => Ok(Some(id)),
        Err(error) if error.is_not_found() => Ok(None),
        Err(error) => Err(error),
    }
}

/// One POST for each item (with how many times it was sent before), `concurrency` at a time.
fn send<K: Kind>(
    client: &Client,
    batch_id: i64,
    items: Vec<(K::Item, u32)>,
    options: FillOptions,
) -> BoxStream<'static, Sent<K::Item>> {
    let client = client.clone();
    stream::iter(items)
        .map(move |(item, sends)| {
            let client = client.clone();
            async move {
                let number = K::number(&item).to_string();
                let outcome = match admitted(|| K::place(&client, batch_id, item.clone())).await {
                    Ok(placement) => FillOutcome::Added(placement),
                    Err(error) if outcome_unknown(&error) || sends > 0 => {
                        let sends = sends + 1;
                        return Sent::Unsettled(Unsettled { item, sends, error });
                    }
                    Err(error) if error.is_validation() => FillOutcome::Refused(error),
                    Err(error) => FillOutcome::Failed(error),
                };
                Sent::Done(Filled { number, outcome })
            }
        })
        .buffer_unordered(options.concurrency)
        .boxed()
}

/// Reads the placements back once and looks each unsettled number up: placed, it was added;
/// not placed after an unknown outcome, it is sent again while sends are left.
async fn settle<K: Kind>(
    client: &Client,
    batch_id: i64,
    round: Vec<Unsettled<K::Item>>,
    options: FillOptions,
) -> BoxStream<'static, Sent<K::Item>> {
    let unknown = round.len();
    let placed = placements::<K>(client, batch_id).await;
    if let Err(error) = &placed {
        tracing::warn!(batch_id, unknown, %error, "securities_api: fill could not read the placements back");
    }
    // For each item, the id of its record (`Some(None)`: none); `None` when not known.
    let looked_up: Vec<_> = stream::iter(round)
        .map(|u| async {
            let id = match &placed {
                Ok(_) => id_of::<K>(client, K::number(&u.item)).await.ok(),
                Err(_) => None,
            };
            (u, id)
        })
        .buffer_unordered(options.concurrency)
        .collect()
        .await;
    let placed = placed.unwrap_or_default();
    let (mut done, mut again) = (Vec::new(), Vec::new());
    for (u, id) in looked_up {
        let number = K::number(&u.item).to_string();
        let outcome = match id.map(|id| id.and_then(|id| placed.get(&id))) {
            Some(Some(placement)) => FillOutcome::Added(placement.clone()),
            Some(None) if outcome_unknown(&u.error) && u.sends < MAX_SENDS => {
                again.push((u.item, u.sends));
                continue;
            }
            Some(None) if u.error.is_validation() => FillOutcome::Refused(u.error),
            // Not placed and out of sends, or not known: the POST's own error says why.
            _ => FillOutcome::Failed(u.error),
        };
        done.push(Sent::Done(Filled { number, outcome }));
    }
    let found = done
        .iter()
        .filter(|s| matches!(s, Sent::Done(f) if f.is_done()))
        .count();
    tracing::info!(
        batch_id,
        unknown,
        found,
        resent = again.len(),
        "securities_api: fill outcomes unknown, settled by reading the placements back"
    );
    stream::iter(done)
        .chain(send::<K>(client, batch_id, again, options))
        .boxed()
}
