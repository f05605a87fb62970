//! Following the pages of list operations.
//!
//! Every list operation that answers with `page_infos` (see [`PAGINATED_OPERATIONS`]) has two
//! more methods on its request builder, generated from the spec:
//!
//! - `pages()`: a stream of whole pages (`types::ProposalList`, ...), and
//! - `stream()`: a stream of the items of those pages (`types::Proposal`, ...).
//!
//! Both are lazy: a page is requested only when the stream is polled past the previous one, one
//! request per page. The first page is the one set on the request with `.page(n)` (the API's
//! first page when none is); the stream then follows `page_infos.next_page` until it is null.
//! Any error ends the stream after it is yielded.
//!
//! A server that points back (a `next_page` that is not greater than every page already
//! received) would make a naive loop run forever; the stream yields the page that says so,
//! then ends with an [`Error`] of kind [`ErrorKind::Pagination`](crate::ErrorKind::Pagination)
//! instead of requesting a page twice.
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn run(client: securities_api::Client) -> Result<(), securities_api::Error> {
//! let mut proposals = client.list_proposals().stream();
//! while let Some(proposal) = proposals.try_next().await? {
//!     println!("{} {:?}", proposal.id, proposal.number);
//! }
//!
//! // Or everything at once, stopping at the first error:
//! let all: Vec<_> = client.list_batches().stream().try_collect().await?;
//! # Ok(())
//! # }
//! ```

use std::future::Future;

use futures::{stream, Stream, StreamExt, TryStreamExt};

use crate::{types::PageInfos, Error};

pub use crate::generated::PAGINATED_OPERATIONS;

/// One page of a paginated list, as the spec shapes them: the items under one key, and
/// `page_infos` saying where the next page is.
///
/// Implemented by the generated code for every list type of [`PAGINATED_OPERATIONS`].
pub trait Page {
    /// The type of the items of the page.
    type Item;
    /// Where the page stands in the list.
    fn page_infos(&self) -> &PageInfos;
    /// The items of the page, in the order the API sent them.
    fn into_items(self) -> Vec<Self::Item>;
}

/// The pages of a list of `operation`: `send(request, page)` fetches one page (the generated
/// code sets `page` on a clone of the request when it is `Some`).
pub(crate) fn pages<'a, R, P, F, Fut>(
    operation: &'static str,
    request: R,
    send: F,
) -> impl Stream<Item = Result<P, Error>> + Unpin + 'a
where
    R: Clone + 'a,
    P: Page + 'a,
    F: Fn(R, Option<i32>) -> Fut + 'a,
    Fut: Future<Output = Result<P, Error>> + 'a,
{
    // The state: the request, the page to ask for (`None`: as the request says) and the
    // highest page number seen so far; `None` once the stream has ended.
    let start = Some((request, send, None, 0));
    let pages = stream::unfold(start, move |state| async move {
        let (request, send, page, highest) = state?;
        let answer = match send(request.clone(), page).await {
            Ok(answer) => answer,
            Err(error) => return Some((vec![Err(error)], None)),
        };
        Some(match follow(answer.page_infos(), page, highest) {
            Ok(None) => (vec![Ok(answer)], None),
            Ok(Some((next, highest))) => {
                (vec![Ok(answer)], Some((request, send, Some(next), highest)))
            }
            Err(message) => {
                let error = Error::pagination(operation, message);
                (vec![Ok(answer), Err(error)], None)
            }
        })
    });
    Box::pin(pages.flat_map(stream::iter))
}

/// The page to ask for after the one described by `infos` (asked for as `requested`), with the
/// new highest page number; `None` at the end of the list; why not when `next_page` points
/// back (or at the same page) or does not fit the `page` parameter.
fn follow(
    infos: &PageInfos,
    requested: Option<i32>,
    highest: i64,
) -> Result<Option<(i32, i64)>, String> {
    let Some(next) = infos.next_page else {
        return Ok(None);
    };
    let current = infos.current_page.or(requested.map(i64::from)).unwrap_or(0);
    let highest = highest.max(current);
    if next <= highest {
        return Err(format!(
            "pagination stopped: page {current} says the next page is {next}, which is not \
             after page {highest}; following it would request the same pages again"
        ));
    }
    let page = i32::try_from(next).map_err(|_| {
        format!("pagination stopped: the next page ({next}) does not fit the `page` parameter")
    })?;
    Ok(Some((page, i64::from(page))))
}

/// The items of every page of `pages`, in order.
pub(crate) fn items<'a, P>(
    pages: impl Stream<Item = Result<P, Error>> + Unpin + 'a,
) -> impl Stream<Item = Result<P::Item, Error>> + Unpin + 'a
where
    P: Page + 'a,
{
    pages
        .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
        .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infos(current: Option<i64>, next: Option<i64>) -> PageInfos {
        PageInfos {
            current_page: current,
            next_page: next,
            ..PageInfos::default()
        }
    }

    #[test]
    fn follows_next_page_and_stops_at_null() {
        assert!(matches!(
            follow(&infos(Some(1), Some(2)), None, 0),
            Ok(Some((2, 2)))
        ));
        assert!(matches!(
            follow(&infos(Some(3), None), Some(3), 2),
            Ok(None)
        ));
    }

    #[test]
    fn refuses_to_go_back_or_stay() {
        assert!(matches!(
            follow(&infos(Some(2), Some(1)), Some(2), 1),
            Err(m) if m.contains("not after page")
        ));
        assert!(matches!(
            follow(&infos(Some(2), Some(2)), Some(2), 1),
            Err(m) if m.contains("not after page")
        ));
        // Without `current_page`, the page asked for and the pages seen before still count.
        assert!(matches!(
            follow(&infos(None, Some(3)), Some(3), 2),
            Err(m) if m.contains("not after page")
        ));
        assert!(matches!(
            follow(&infos(None, Some(2)), Some(4), 4),
            Err(m) if m.contains("not after page")
        ));
    }

    #[test]
    fn refuses_a_page_beyond_i32() {
        assert!(matches!(
            follow(&infos(Some(1), Some(i64::from(i32::MAX) + 1)), None, 0),
            Err(m) if m.contains("does not fit")
        ));
    }
}
