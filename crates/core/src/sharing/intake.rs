//! The server's log as a copy takes it in (joining, and every pull after): page by page, each
//! page fetched, decrypted and parsed on a thread of its own while the caller verifies and
//! applies the page before it. Fetching and opening a page costs a good part of what
//! verifying and applying it does, and the two need nothing from each other but the order.

use super::keys::Keys;
use super::*;

/// Events asked for per page: a short page is the log's end as of now.
const PAGE: u32 = 1000;

/// One page of the log, opened: each event and the place the server gave it.
pub(super) struct Page {
    pub events: Vec<Sealed>,
    pub placed: Vec<Frontier>,
}

impl Page {
    /// Where the page ends.
    pub fn last(&self) -> Option<Frontier> {
        self.placed.last().copied()
    }
}

/// Hands `apply` each page of the log after `from`, in order, until the log's end or until
/// `apply` says to stop (`Ok(false)`). At most one page waits opened ahead of the one being
/// applied, so a stop or an error wastes at most one fetch.
pub(super) fn take_in(
    server: &mut dyn Server,
    keys: &mut Keys,
    workspace: Uuid,
    from: Frontier,
    mut apply: impl FnMut(Page) -> CoreResult<bool>,
) -> CoreResult<()> {
    std::thread::scope(|scope| {
        let (pages, arriving) = std::sync::mpsc::sync_channel::<CoreResult<Page>>(1);
        scope.spawn(move || {
            let mut at = from;
            loop {
                let page = fetch(server, keys, workspace, &mut at);
                let more = matches!(&page, Ok(p) if p.events.len() == PAGE as usize);
                let empty = matches!(&page, Ok(p) if p.events.is_empty());
                // A send fails once the caller stopped: nothing more is wanted.
                if empty || pages.send(page).is_err() || !more {
                    return;
                }
            }
        });
        // `arriving` is dropped as this returns, before the scope waits for the fetching
        // thread: a thread blocked handing over a page is released then.
        for page in arriving {
            if !apply(page?)? {
                break;
            }
        }
        Ok(())
    })
}

/// The page after `at`, opened; `at` moves to its end.
fn fetch(
    server: &mut dyn Server,
    keys: &mut Keys,
    workspace: Uuid,
    at: &mut Frontier,
) -> CoreResult<Page> {
    let delivered = server.events_after(at.position, PAGE)?;
    let mut page = Page {
        events: Vec::with_capacity(delivered.len()),
        placed: Vec::with_capacity(delivered.len()),
    };
    for d in &delivered {
        let key = keys.get(&d.key_id, server)?;
        page.events.push(opened(&key, workspace, at, d)?);
        *at = Frontier {
            position: d.position,
            log_hash: d.log_hash,
        };
        page.placed.push(*at);
    }
    Ok(page)
}
