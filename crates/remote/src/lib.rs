//! The shared workspace's server: PostgreSQL, reached over TLS whose certificate and host name
//! are verified (libpq's `verify-full`), and the schema `govbench server init` installs.
//!
//! Only this crate knows the server's wire protocol; the core is handed what it needs. A
//! connection is encrypted unless the server is on this machine (loopback, a Unix socket) or
//! the person explicitly allowed plaintext: tokio-postgres's own default (`prefer`) would carry
//! on in clear when a server declines TLS, so the mode is always set here, never taken from the
//! address.

mod credentials;
pub mod desk;
mod log;
mod wakeups;
mod workspace;

pub use log::{
    add_member, append, append_rotating, create_workspace, import, login_role, remove_member,
    verifier, KeyRotation, Offer, Outcome,
};
pub use wakeups::Wakeups;
pub use workspace::{install_schema, register_workspace, SharedWorkspace};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::Client;

/// The server schema's steps in order, each installed by `govbench server init` in one
/// transaction; running them again changes nothing, and a server installed by an older
/// version gets the steps it lacks.
pub const SERVER_SCHEMA: &[&str] = &[
    include_str!("../sql/001-init.sql"),
    include_str!("../sql/002-key-history.sql"),
    include_str!("../sql/003-join-codes.sql"),
];

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The address is not one this crate can use (with why).
    #[error("not a PostgreSQL address: {0}")]
    Address(String),
    /// An unencrypted connection to a server on another machine, not explicitly allowed.
    #[error("an unencrypted connection to {0} was refused")]
    PlaintextRefused(String),
    #[error("the CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("TLS: {0}")]
    Tls(String),
    /// The server answered something this version does not understand.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    #[error(transparent)]
    Postgres(#[from] tokio_postgres::Error),
}

/// How a connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// TLS; the server's certificate chains to the CA and names the host.
    Verified,
    /// In clear, to a server on this machine.
    PlaintextLoopback,
    /// In clear, to another machine, because the person said so.
    PlaintextAllowed,
}

/// Where the server is and how to reach it.
#[derive(Clone, Debug)]
pub struct ServerAddress {
    config: tokio_postgres::Config,
    ca: Option<PathBuf>,
    protection: Protection,
}

impl ServerAddress {
    /// A `postgresql://` URL or a `key=value` string. `sslmode` may be `verify-full` (the
    /// default) or `disable`; any other mode is refused as ambiguous. `sslrootcert` in the
    /// address or `ca` names the CA file. `disable` is honoured for loopback servers, and for
    /// others only with `allow_plaintext`.
    pub fn parse(
        text: &str,
        ca: Option<&Path>,
        allow_plaintext: bool,
    ) -> Result<ServerAddress, RemoteError> {
        let (rest, sslmode, rootcert) = take_tls_settings(text)?;
        let mut config: tokio_postgres::Config = rest
            .parse()
            .map_err(|e: tokio_postgres::Error| RemoteError::Address(e.to_string()))?;
        if config.get_hosts().is_empty() {
            return Err(RemoteError::Address("no host".into()));
        }
        let plaintext = match sslmode.as_deref() {
            None | Some("verify-full") => false,
            Some("disable") => true,
            Some(other) => {
                return Err(RemoteError::Address(format!(
                    "sslmode={other}: use verify-full, or disable for a server on this machine"
                )))
            }
        };
        let protection = if !plaintext {
            Protection::Verified
        } else if config.get_hosts().iter().all(is_loopback) {
            Protection::PlaintextLoopback
        } else if allow_plaintext {
            Protection::PlaintextAllowed
        } else {
            return Err(RemoteError::PlaintextRefused(hosts_of(&config)));
        };
        config
            .ssl_mode(if plaintext {
                SslMode::Disable
            } else {
                SslMode::Require
            })
            .application_name("govbench")
            .connect_timeout(Duration::from_secs(10))
            .keepalives_idle(Duration::from_secs(30));
        Ok(ServerAddress {
            config,
            ca: ca.map(Path::to_path_buf).or(rootcert.map(PathBuf::from)),
            protection,
        })
    }

    pub fn protection(&self) -> Protection {
        self.protection
    }

    /// The address as it may be written down (in the workspace, a log line): without its
    /// password, with the CA it was given.
    pub fn without_password(&self) -> (String, Option<PathBuf>) {
        let mut parts = Vec::new();
        let hosts = self.config.get_hosts().iter().map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        });
        parts.push(format!("host={}", hosts.collect::<Vec<_>>().join(",")));
        let ports: Vec<String> = self.config.get_ports().iter().map(u16::to_string).collect();
        if !ports.is_empty() {
            parts.push(format!("port={}", ports.join(",")));
        }
        if let Some(db) = self.config.get_dbname() {
            parts.push(format!("dbname={db}"));
        }
        if let Some(user) = self.config.get_user() {
            parts.push(format!("user={user}"));
        }
        if matches!(
            self.protection,
            Protection::PlaintextLoopback | Protection::PlaintextAllowed
        ) {
            parts.push("sslmode=disable".into());
        }
        (parts.join(" "), self.ca.clone())
    }

    /// The login the address names, if it names one.
    pub fn user(&self) -> Option<&str> {
        self.config.get_user()
    }

    /// The login the address names, with its password: from the address, else `PGPASSWORD`
    /// or the password file, as libpq looks it up.
    pub fn login(&self) -> Result<(String, String), RemoteError> {
        let user = self
            .config
            .get_user()
            .ok_or_else(|| RemoteError::Address("no user name in it".into()))?
            .to_owned();
        if let Some(password) = self.config.get_password() {
            return Ok((user, String::from_utf8_lossy(password).into_owned()));
        }
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            #[cfg(unix)]
            Some(Host::Unix(_)) => "localhost".into(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let database = self.config.get_dbname().unwrap_or(&user).to_owned();
        credentials::password_for(&host, port, &database, &user)
            .map(|password| (user.clone(), password))
            .ok_or_else(|| {
                RemoteError::Address(format!(
                    "no password for {user} (give it in the address, PGPASSWORD or ~/.pgpass)"
                ))
            })
    }

    /// Connects as `user` with `password`. The returned task drives the connection; it ends
    /// when the connection does.
    pub async fn connect(
        &self,
        user: &str,
        password: &str,
    ) -> Result<(Client, tokio::task::JoinHandle<()>), RemoteError> {
        self.connect_hearing(user, password, None).await
    }

    /// [`ServerAddress::connect`], with each notification the connection receives (`LISTEN`)
    /// passed on to `notices`.
    pub(crate) async fn connect_hearing(
        &self,
        user: &str,
        password: &str,
        notices: Option<std::sync::mpsc::Sender<()>>,
    ) -> Result<(Client, tokio::task::JoinHandle<()>), RemoteError> {
        let mut config = self.config.clone();
        config.user(user).password(password);
        match self.protection {
            Protection::PlaintextLoopback | Protection::PlaintextAllowed => {
                let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
                Ok((client, tokio::spawn(drive(connection, notices))))
            }
            Protection::Verified => {
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.tls_config()?);
                let (client, connection) = config.connect(tls).await?;
                Ok((client, tokio::spawn(drive(connection, notices))))
            }
        }
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig, RemoteError> {
        let Some(path) = &self.ca else {
            return Err(RemoteError::Tls(
                "no CA file: give the certificate of the CA that signed the server's".into(),
            ));
        };
        let ca_error = |reason: String| RemoteError::CaFile {
            path: path.clone(),
            reason,
        };
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| ca_error(e.to_string()))? {
            let cert = cert.map_err(|e| ca_error(e.to_string()))?;
            roots.add(cert).map_err(|e| ca_error(e.to_string()))?;
        }
        if roots.is_empty() {
            return Err(ca_error("no certificate in it".into()));
        }
        // aws-lc-rs, the provider the rest of the workspace (the end-to-end test's WebDriver
        // client) already builds rustls with: a second provider in the build would leave
        // rustls unable to pick a default for them. Named here all the same.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| RemoteError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }
}

async fn drive<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    notices: Option<std::sync::mpsc::Sender<()>>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use futures_util::StreamExt;
    // Its end (or error) reaches the client as errors on its next call.
    let Some(notices) = notices else {
        let _ = connection.await;
        return;
    };
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    while let Some(Ok(message)) = messages.next().await {
        if let tokio_postgres::AsyncMessage::Notification(_) = message {
            if notices.send(()).is_err() {
                return;
            }
        }
    }
}

/// Installs (or confirms) the server schema in the database `client` is connected to.
pub async fn init_server(client: &Client) -> Result<(), RemoteError> {
    for step in SERVER_SCHEMA {
        client.batch_execute(step).await?;
    }
    Ok(())
}

/// `sslmode` and `sslrootcert` taken out of a URL's query or a `key=value` string (the client
/// library refuses the values Govbench accepts), and the rest.
fn take_tls_settings(text: &str) -> Result<(String, Option<String>, Option<String>), RemoteError> {
    let (mut sslmode, mut rootcert) = (None, None);
    if text.starts_with("postgresql://") || text.starts_with("postgres://") {
        let mut url = url::Url::parse(text).map_err(|e| RemoteError::Address(e.to_string()))?;
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter_map(|(k, v)| match k.as_ref() {
                "sslmode" => {
                    sslmode = Some(v.into_owned());
                    None
                }
                "sslrootcert" => {
                    rootcert = Some(v.into_owned());
                    None
                }
                _ => Some((k.into_owned(), v.into_owned())),
            })
            .collect();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
        return Ok((url.to_string(), sslmode, rootcert));
    }
    let mut rest = Vec::new();
    for pair in text.split_whitespace() {
        match pair.split_once('=') {
            Some(("sslmode", v)) => sslmode = Some(v.to_owned()),
            Some(("sslrootcert", v)) => rootcert = Some(v.to_owned()),
            _ => rest.push(pair),
        }
    }
    Ok((rest.join(" "), sslmode, rootcert))
}

fn is_loopback(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

fn hosts_of(config: &tokio_postgres::Config) -> String {
    config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_is_for_this_machine_unless_allowed_and_other_modes_are_refused() {
        let loopback = ServerAddress::parse(
            "postgresql://u@127.0.0.1:5432/db?sslmode=disable",
            None,
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loopback.protection(), Protection::PlaintextLoopback);
        let refused =
            ServerAddress::parse("host=db.example.cn user=u sslmode=disable", None, false);
        assert!(matches!(refused, Err(RemoteError::PlaintextRefused(h)) if h == "db.example.cn"));
        let allowed = ServerAddress::parse("host=db.example.cn user=u sslmode=disable", None, true)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(allowed.protection(), Protection::PlaintextAllowed);
        for mode in ["prefer", "require", "allow", "verify-ca"] {
            let text = format!("postgresql://u@db.example.cn/db?sslmode={mode}");
            assert!(
                matches!(
                    ServerAddress::parse(&text, None, true),
                    Err(RemoteError::Address(_))
                ),
                "{mode}"
            );
        }
        let verified = ServerAddress::parse(
            "postgresql://u@db.example.cn:6432/db?sslrootcert=/etc/ca.crt&application_name=x",
            None,
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verified.protection(), Protection::Verified);
        assert_eq!(verified.ca.as_deref(), Some(Path::new("/etc/ca.crt")));
    }
}
