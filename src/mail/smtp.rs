//! The SMTP connection, configured from the environment only (never from `site.toml`, which
//! may be public): `SMTP_URL` (`smtps://host[:465]` is TLS from the first byte;
//! `smtp://host[:587]` must upgrade with STARTTLS, except to a loopback host, where a plain
//! connection is allowed and STARTTLS is used when offered), `SMTP_USER` and `SMTP_PASSWORD`
//! (both or neither), and `SMTP_CA_FILE` (PEM certificates trusted besides the usual roots: a
//! private CA). The password is never printed. One connection carries every message of a run;
//! after a failed message it is opened again.

use std::net::IpAddr;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

use crate::diagnostic::{Failure, FailureKind};

/// How long one exchange with the server may take before the connection counts as failed.
const TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    /// `smtps://`: TLS from the first byte.
    Implicit,
    /// `smtp://` to any host but a loopback one: STARTTLS, or no connection.
    StartTls,
    /// `smtp://` to a loopback host: STARTTLS when the server offers it, else plain.
    LoopbackPlain,
}

/// Where and how to connect: `SMTP_URL` and the variables beside it, checked.
#[derive(Clone)]
pub(crate) struct SmtpConfig {
    /// The server's name or address (an IPv6 address without brackets).
    pub host: String,
    /// Its port.
    pub port: u16,
    /// TLS from the start, STARTTLS, or plain on loopback.
    pub security: Security,
    tls: TlsParameters,
    credentials: Option<Credentials>,
}

impl std::fmt::Debug for SmtpConfig {
    // No credentials in any output, not even a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("server", &self.shown())
            .field("security", &self.security)
            .field("credentials", &self.credentials.is_some())
            .finish()
    }
}

impl SmtpConfig {
    /// Reads `SMTP_URL`, `SMTP_USER`, `SMTP_PASSWORD` and `SMTP_CA_FILE` from the environment;
    /// a missing or malformed value is a usage error (exit status 2).
    pub(crate) fn from_env() -> Result<SmtpConfig, Failure> {
        SmtpConfig::from_vars(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// [`SmtpConfig::from_env`] over any source of variables.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<SmtpConfig, Failure> {
        let usage = |message: String| Failure::new(FailureKind::Usage, message);
        let url = var("SMTP_URL").ok_or_else(|| {
            usage(
                "SMTP_URL is not set: digest send needs the mail server in the environment, \
                 e.g. SMTP_URL=smtps://smtp.example.org (TLS, port 465) or \
                 smtp://smtp.example.org:587 (STARTTLS), with SMTP_USER and SMTP_PASSWORD"
                    .into(),
            )
        })?;
        let (host, port, security) = parse_url(&url).map_err(usage)?;
        let credentials = match (var("SMTP_USER"), var("SMTP_PASSWORD")) {
            (Some(user), Some(password)) => Some(Credentials::new(user, password)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(usage(
                    "SMTP_USER is set but SMTP_PASSWORD is not: set both, or neither for a \
                     server that needs no login"
                        .into(),
                ));
            }
            (None, Some(_)) => {
                return Err(usage(
                    "SMTP_PASSWORD is set but SMTP_USER is not: set both, or neither for a \
                     server that needs no login"
                        .into(),
                ));
            }
        };
        let mut tls = TlsParameters::builder(host.clone());
        if let Some(file) = var("SMTP_CA_FILE") {
            let pem = std::fs::read(&file).map_err(|e| {
                usage(format!(
                    "SMTP_CA_FILE: cannot read {file}: {e}; point it at a PEM file of the \
                     certificates to trust"
                ))
            })?;
            let certificate = Certificate::from_pem(&pem)
                .ok()
                .filter(|_| pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----"))
                .ok_or_else(|| {
                    usage(format!(
                        "SMTP_CA_FILE: {file} holds no PEM certificate (-----BEGIN \
                         CERTIFICATE-----); give the CA's certificate in PEM form"
                    ))
                })?;
            tls = tls.add_root_certificate(certificate);
        }
        let tls = tls
            .build()
            .map_err(|e| usage(format!("TLS settings: {e}")))?;
        Ok(SmtpConfig {
            host,
            port,
            security,
            tls,
            credentials,
        })
    }

    /// `smtp://host:port` or `smtps://host:port`, for messages.
    pub(crate) fn shown(&self) -> String {
        let scheme = match self.security {
            Security::Implicit => "smtps",
            _ => "smtp",
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{host}:{}", self.port)
    }
}

/// `SMTP_URL` → host (IPv6 without brackets), port and security. The URL holds no user or
/// password (they are SMTP_USER and SMTP_PASSWORD, so the URL can be shown), no path, no query.
fn parse_url(url: &str) -> Result<(String, u16, Security), String> {
    let url = url.trim();
    let (rest, implicit) = if let Some(rest) = url.strip_prefix("smtps://") {
        (rest, true)
    } else if let Some(rest) = url.strip_prefix("smtp://") {
        (rest, false)
    } else {
        let scheme = url.split("://").next().filter(|_| url.contains("://"));
        return Err(format!(
            "SMTP_URL must start with smtps:// (TLS, port 465) or smtp:// (STARTTLS, port 587){}",
            scheme.map_or(String::new(), |s| format!(", not {s}://"))
        ));
    };
    if rest.contains('@') {
        // Not shown: the part before @ may be a password.
        return Err(
            "SMTP_URL holds a user or password: give them in SMTP_USER and \
                    SMTP_PASSWORD instead, and SMTP_URL as smtps://host[:port]"
                .into(),
        );
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) || authority.chars().any(char::is_whitespace) {
        return Err(format!(
            "SMTP_URL `{url}` has more than a host and a port: write smtps://host[:port]"
        ));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("SMTP_URL `{url}`: an IPv6 address needs its closing ]"))?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    if !host_ok {
        return Err(format!("SMTP_URL `{url}` names no valid host"));
    }
    let port = match port {
        None => {
            if implicit {
                465
            } else {
                587
            }
        }
        Some(port) => port
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| format!("SMTP_URL `{url}`: `{port}` is not a port number"))?,
    };
    let security = if implicit {
        Security::Implicit
    } else if is_loopback(host) {
        Security::LoopbackPlain
    } else {
        Security::StartTls
    };
    Ok((host.to_ascii_lowercase(), port, security))
}

/// `localhost`, 127.0.0.0/8 or ::1: a server on this machine, the only place a connection may
/// be plain.
pub(crate) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SendError {
    /// The server answered this message with an error: a recipient refused, a message too big,
    /// a greylisting delay. The next message may go through.
    Refused(String),
    /// No connection: it could not be made or secured, the login failed, or it broke.
    Connection(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Refused(why) | SendError::Connection(why) => f.write_str(why),
        }
    }
}

/// Where messages go: the SMTP server, or a stand-in in tests.
pub(crate) trait Outbox {
    /// Sends one message to exactly the envelope's recipients.
    fn send(&mut self, envelope: &Envelope, bytes: &[u8]) -> Result<(), SendError>;
}

/// The SMTP server of an [`SmtpConfig`], over one connection opened when first needed and
/// again after a failure.
pub(crate) struct Mailer {
    config: SmtpConfig,
    connection: Option<SmtpConnection>,
}

impl Mailer {
    /// A mailer that has not connected yet.
    pub(crate) fn new(config: SmtpConfig) -> Mailer {
        Mailer {
            config,
            connection: None,
        }
    }

    /// Connects (and logs in) now, so that a wrong server or password stops a run before its
    /// first message.
    pub(crate) fn connect(&mut self) -> Result<(), SendError> {
        if self.connection.is_none() {
            self.connection = Some(self.open()?);
        }
        Ok(())
    }

    fn open(&self) -> Result<SmtpConnection, SendError> {
        let config = &self.config;
        let failed = |e: SmtpError| SendError::Connection(connection_message(config, &e));
        let hello = ClientId::default();
        let wrapped = (config.security == Security::Implicit).then_some(&config.tls);
        let mut connection = SmtpConnection::connect(
            (config.host.as_str(), config.port),
            Some(TIMEOUT),
            &hello,
            wrapped,
            None,
        )
        .map_err(failed)?;
        match config.security {
            Security::Implicit => {}
            Security::StartTls => {
                if !connection.can_starttls() {
                    connection.abort();
                    return Err(SendError::Connection(format!(
                        "{} does not offer STARTTLS: digest sends over smtp:// only with \
                         STARTTLS (a plain connection is allowed to this machine only); use \
                         smtps:// if the server speaks TLS from the start (port 465)",
                        config.shown()
                    )));
                }
                connection.starttls(&config.tls, &hello).map_err(failed)?;
            }
            Security::LoopbackPlain => {
                if connection.can_starttls() {
                    connection.starttls(&config.tls, &hello).map_err(failed)?;
                }
            }
        }
        if let Some(credentials) = &config.credentials {
            connection
                .auth(DEFAULT_MECHANISMS, credentials)
                .map_err(|e| {
                    SendError::Connection(format!(
                        "{} refused the login of SMTP_USER: {}; check SMTP_USER and \
                         SMTP_PASSWORD",
                        config.shown(),
                        describe(&e)
                    ))
                })?;
        }
        Ok(connection)
    }

    /// Says goodbye to the server.
    pub(crate) fn quit(mut self) {
        if let Some(mut connection) = self.connection.take() {
            let _ = connection.quit();
        }
    }
}

impl Outbox for Mailer {
    fn send(&mut self, envelope: &Envelope, bytes: &[u8]) -> Result<(), SendError> {
        if self
            .connection
            .as_mut()
            .is_some_and(|c| c.has_broken() || !c.test_connected())
        {
            self.connection = None;
        }
        self.connect()?;
        let connection = self.connection.as_mut().expect("connected above");
        match connection.send(envelope, bytes) {
            Ok(_) => Ok(()),
            Err(e) => {
                // lettre closes the connection on any error; the next message opens a new one.
                self.connection = None;
                if e.is_permanent() || e.is_transient() || e.is_client() {
                    Err(SendError::Refused(describe(&e)))
                } else {
                    Err(SendError::Connection(connection_message(&self.config, &e)))
                }
            }
        }
    }
}

/// An error with the errors that caused it, on one line.
fn describe(error: &SmtpError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Why a connection to the server failed, with what to check.
fn connection_message(config: &SmtpConfig, error: &SmtpError) -> String {
    let text = describe(error);
    // rustls' verdicts on the certificate come as network errors.
    let hint = if error.is_tls() || text.contains("certificate") {
        "; if the server's certificate comes from a private CA, point SMTP_CA_FILE at the CA's \
         PEM file"
    } else if error.is_timeout() {
        "; the server did not answer in time"
    } else {
        ""
    };
    format!("cannot send through {}: {text}{hint}", config.shown())
}

#[cfg(test)]
mod tests;
