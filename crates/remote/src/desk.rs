//! What a desk (the desktop app, the CLI) does with its shared workspace's server, written
//! once for both front ends: name a server from what a person typed, reach it as the copy
//! notes it, share a workspace, join one, and test an address without changing anything.

use crate::{Protection, RemoteError, ServerAddress, SharedWorkspace};
use govbench_core::error::{ApiResult, CoreError, CoreResult, ServerProblem};
use govbench_core::keyslots::server_password;
use govbench_core::sharing::{self, ServerNote, Shared};
use govbench_core::Session;
use govbench_protocol::{ServerChecked, ServerRefusal, ServerRequest, WorkspaceId};
use std::path::{Path, PathBuf};

/// A server as a person named it: the address, and whether they allowed plaintext.
pub struct Named {
    pub address: ServerAddress,
    pub allow_plaintext: bool,
}

impl Named {
    /// Parses what the share or join dialog (or the CLI's flags) gave. The caller warns when
    /// [`Named::plaintext_allowed`].
    pub fn parse(request: &ServerRequest) -> CoreResult<Named> {
        let ca = request
            .ca
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Path::new);
        Ok(Named {
            address: ServerAddress::parse(request.address.trim(), ca, request.allow_plaintext)?,
            allow_plaintext: request.allow_plaintext,
        })
    }

    /// In clear to another machine, because the person asked for it: worth a warning.
    pub fn plaintext_allowed(&self) -> bool {
        self.address.protection() == Protection::PlaintextAllowed
    }

    /// What the copy keeps of it: no password; the CA file by its full path, so that it still
    /// names the file from another working folder.
    fn note(&self) -> ServerNote {
        let (address, ca) = self.address.without_password();
        ServerNote {
            address,
            ca: ca.map(|c| absolute(&c).display().to_string()),
            allow_plaintext: self.allow_plaintext,
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The member's server password: derived from their passphrase (as the Admin who added them
/// derived it), never stored on the server.
pub fn member_password(
    session: &Session,
    passphrase: &str,
) -> CoreResult<zeroize::Zeroizing<String>> {
    server_password(passphrase, session.workspace_id().0, &session.user().name)
}

/// The link of a shared workspace's session to its server, as the copy notes the server;
/// `None` for a workspace that is not shared. A server that cannot be reached now gives a
/// link that starts offline ([`SharedWorkspace::open`]).
pub fn link_for(session: &Session, password: &str) -> ApiResult<Option<SharedWorkspace>> {
    let Some(note) = session.server_note()? else {
        return Ok(None);
    };
    let address = ServerAddress::parse(
        &note.address,
        note.ca.as_deref().map(Path::new),
        note.allow_plaintext,
    )
    .map_err(CoreError::from)?;
    let link = SharedWorkspace::open(
        &address,
        session.workspace_id().0,
        &session.user().name,
        password,
    )?;
    Ok(Some(link))
}

/// Connects a session on a shared workspace to its server (see [`link_for`]); returns whether
/// the workspace is shared.
pub fn connect(session: &mut Session, password: &str) -> ApiResult<bool> {
    Ok(connect_listening(session, password, false)?.0)
}

/// [`connect`] for a desk that stays open (the app): also the wake-ups that announce others'
/// events as the server places them.
pub fn connect_listening(
    session: &mut Session,
    password: &str,
    listen: bool,
) -> ApiResult<(bool, Option<crate::Wakeups>)> {
    let Some(link) = link_for(session, password)? else {
        return Ok((false, None));
    };
    let wakeups = listen.then(|| link.wakeups());
    session.set_server(Some(Box::new(link)));
    Ok((true, wakeups))
}

/// Shares the session's workspace on the server `named` names: registers it there with the
/// session's member as its founder (the address's login is IT's, one allowed to share), sends
/// the whole log, and leaves the session connected.
pub fn share(
    session: &mut Session,
    named: &Named,
    passphrase: &str,
    progress: &dyn Fn(u64, u64),
) -> ApiResult<Shared> {
    if session.server_note()?.is_some() {
        return Err(CoreError::Server(ServerProblem::Refused(ServerRefusal::AlreadyShared)).into());
    }
    let id = session.workspace_id().0;
    let user = session.user().clone();
    // The passphrase is checked before anything reaches the server.
    govbench_core::KeySlots::load(session.path())?.unlock(&user.name, passphrase)?;
    let password = member_password(session, passphrase)?;
    crate::register_workspace(
        &named.address,
        id,
        user.id.0,
        &user.name,
        &password,
        &session.data_key().id(),
    )?;
    let mut link = SharedWorkspace::connect(&named.address, id, &user.name, &password)?;
    let shared = session.share(&mut link, &named.note(), progress)?;
    session.set_server(Some(Box::new(link)));
    Ok(shared)
}

/// Who joins, and how they prove it to the server.
pub struct Joining<'a> {
    pub workspace: &'a str,
    pub user: &'a str,
    pub passphrase: &'a str,
    /// The join code an Admin gave a member from before the workspace was shared (or one
    /// who lost their passphrase); `None` for a member whose login their passphrase gives.
    pub join_code: Option<&'a str>,
}

/// Joins a shared workspace: a new local copy at `into`, every event verified before it is
/// applied. With a join code, the member logs in with it once and at once replaces it with the
/// login their passphrase gives (so the code is spent, and a join that fails later is retried
/// without it). Returns how many events the copy holds.
pub fn join(
    named: &Named,
    joining: &Joining<'_>,
    into: &Path,
    progress: &dyn Fn(u64),
) -> ApiResult<u64> {
    let Joining {
        workspace,
        user,
        passphrase,
        join_code,
    } = *joining;
    let id: uuid::Uuid = workspace
        .trim()
        .parse()
        .map_err(|_| CoreError::invalid("workspace-id", "not_an_id"))?;
    if into.exists() {
        return Err(CoreError::WorkspaceExists(into.to_owned()).into());
    }
    let password = server_password(passphrase, id, user)?;
    let mut link = match join_code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            let first = sharing::join_code_password(code, id, user)?;
            let mut link = SharedWorkspace::connect(&named.address, id, user, &first)?;
            // The passphrase must open the member's slot before it becomes their login.
            let rows = govbench_core::wire::Server::key_rows(&mut link)?;
            govbench_core::KeySlots::from_rows(&rows)?.unlock(user, passphrase)?;
            govbench_core::wire::Server::set_own_password(&mut link, &password)?;
            link
        }
        None => SharedWorkspace::connect(&named.address, id, user, &password)?,
    };
    sharing::join(
        into,
        WorkspaceId(id),
        user,
        passphrase,
        &mut link,
        &named.note(),
        progress,
    )
}

/// "Test connection": reaches the server, verifies its certificate for the host name (unless
/// plaintext), and logs in with the address's own login if it has a password; changes
/// nothing. A server that answers but turns the login away was still reached.
pub fn check(named: &Named) -> CoreResult<ServerChecked> {
    let verified_tls = named.address.protection() == Protection::Verified;
    let outcome = crate::workspace::probe(&named.address);
    match outcome {
        Ok(schema_ready) => Ok(ServerChecked {
            verified_tls,
            logged_in: true,
            schema_ready: Some(schema_ready),
        }),
        Err(RemoteError::Postgres(e)) if e.as_db_error().is_some() => Ok(ServerChecked {
            verified_tls,
            logged_in: false,
            schema_ready: None,
        }),
        Err(e) => Err(e.into()),
    }
}
