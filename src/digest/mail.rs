//! Turning a composed digest into an email (multipart/alternative, one-click unsubscribe
//! headers, a stable Message-ID) and sending it over SMTP, one protocol step at a time.
//!
//! lettre's `AsyncSmtpTransport` sends a message in one call, so a caller cannot tell a
//! failure before the message data was handed over (nothing delivered, safe to retry) from one
//! after (perhaps delivered). [`SmtpSession`] drives lettre's lower-level
//! `AsyncSmtpConnection` instead: [`SmtpSession::announce`] sends MAIL FROM and RCPT TO, and
//! [`SmtpSession::hand_over`] sends DATA and the message, so that the worker can record in the
//! database that it reached DATA before it starts the one step that may deliver.

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::{SMTP_PORT, SUBMISSION_PORT, SUBMISSIONS_PORT};
use lettre::{Address, Message};

use super::compose::Digest;

/// Why a message could not be built or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address {address:?}: {reason}")]
    Address { address: String, reason: String },
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error(
        "invalid SMTP_URL: {0} (expected smtp://[user:password@]host[:port][?tls=required|opportunistic] or smtps://...)"
    )]
    Url(#[source] lettre::transport::smtp::Error),
    #[error("cannot send to {email:?}: {reason}")]
    Recipient { email: String, reason: String },
    #[error("the SMTP server refused the address {email:?}: {source}")]
    RecipientRefused {
        email: String,
        #[source]
        source: lettre::transport::smtp::Error,
    },
    #[error("invalid SMTP_URL: {0}")]
    Config(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("SMTP: no reply from the server within {} seconds", SMTP_TIMEOUT.as_secs())]
    Timeout,
    #[error("SMTP: {0}")]
    Unsupported(String),
}

impl MailError {
    /// True when trying again later cannot help (a 5xx answer, a malformed message).
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Smtp(e) => e.is_permanent(),
            MailError::Timeout => false,
            MailError::RecipientRefused { source, .. } => source.is_permanent(),
            _ => true,
        }
    }

    /// True when the server answered with a reply code: it said what became of the command.
    /// Anything else (a broken connection, a timeout, an unreadable reply) leaves it unknown.
    pub fn is_reply(&self) -> bool {
        match self {
            MailError::Smtp(e) | MailError::RecipientRefused { source: e, .. } => {
                e.is_transient() || e.is_permanent()
            }
            _ => false,
        }
    }

    /// True when the failure is the recipient's own, for good: an address or name no message
    /// can carry, or an address the server refused permanently at RCPT TO.
    pub fn is_recipient_refused(&self) -> bool {
        match self {
            MailError::Recipient { .. } => true,
            MailError::RecipientRefused { source, .. } => source.is_permanent(),
            _ => false,
        }
    }
}

/// Parses a mailbox (`Name <a@b.org>` or `a@b.org`).
pub fn parse_mailbox(value: &str) -> Result<Mailbox, MailError> {
    value
        .trim()
        .parse::<Mailbox>()
        .map_err(|e| MailError::Address {
            address: value.to_string(),
            reason: e.to_string(),
        })
}

/// The mailbox of a subscriber, refusing what no `To:` header can hold: lettre panics when it
/// formats a name with a line break, and such rows may predate the check at the door.
pub fn recipient_mailbox(name: &str, email: &str) -> Result<Mailbox, MailError> {
    let refused = |reason: String| MailError::Recipient {
        email: email.to_string(),
        reason: format!(
            "{reason} (remove the subscriber and add them again, correctly, with `mandates subscriber add` or on the Digest page)"
        ),
    };
    let address = super::subscription::parse_address(email).map_err(refused)?;
    let name = super::subscription::parse_name(name).map_err(refused)?;
    Ok(Mailbox::new(Some(name).filter(|n| !n.is_empty()), address))
}

/// `List-Unsubscribe: <URL>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .into(),
        ))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// The Message-ID of a digest job: stable across retries of that job, so that a receiving
/// system that sees the same digest twice can tell.
pub fn digest_message_id(job_id: i64, week_start: chrono::NaiveDate, from: &Mailbox) -> String {
    format!(
        "<digest.{job_id}.{}@{}>",
        week_start.format("%Y%m%d"),
        from.email.domain()
    )
}

/// The email of a digest.
pub fn build_message(
    digest: &Digest,
    from: &Mailbox,
    to: &Mailbox,
    message_id: &str,
    unsubscribe_url: &str,
) -> Result<Message, MailError> {
    Ok(Message::builder()
        .from(from.clone())
        .to(to.clone())
        .subject(&digest.subject)
        .message_id(Some(message_id.to_string()))
        .header(ListUnsubscribe(unsubscribe_url.to_string()))
        .header(ListUnsubscribePost)
        .multipart(MultiPart::alternative_plain_html(
            digest.text.clone(),
            digest.html.clone(),
        ))?)
}

/// How long to wait for any one SMTP step (connecting, one command and its reply, the
/// message data and its reply). lettre's async client bounds only the connect; the rest is
/// bounded here, so a stalled server costs a job one retry, never a stuck sender.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

async fn step<T>(
    future: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, MailError> {
    match tokio::time::timeout(SMTP_TIMEOUT, future).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(MailError::Timeout),
    }
}

/// Where and how to reach the SMTP server (`SMTP_URL`).
#[derive(Clone)]
pub struct Mailer {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    hello_name: ClientId,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        write!(f, "Mailer({}:{})", self.host, self.port)
    }
}

impl Mailer {
    /// The server of `SMTP_URL`: `smtp://[user:password@]host[:port][/hello-name]
    /// [?tls=required|opportunistic]` or `smtps://...`, read as lettre reads it.
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        let bad = |why: String| {
            MailError::Config(format!(
                "{why} (expected smtp://[user:password@]host[:port][?tls=required|opportunistic] or smtps://...)"
            ))
        };
        let parsed = url::Url::parse(url.trim()).map_err(|e| bad(e.to_string()))?;
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let tls_mode = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let tls_parameters =
            || TlsParameters::new(host.clone()).map_err(|e| bad(format!("TLS: {e}")));
        let (default_port, tls) = match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (SMTP_PORT, Tls::None),
            ("smtp", Some("required")) => (SUBMISSION_PORT, Tls::Required(tls_parameters()?)),
            ("smtp", Some("opportunistic")) => {
                (SUBMISSION_PORT, Tls::Opportunistic(tls_parameters()?))
            }
            ("smtps", _) => (SUBMISSIONS_PORT, Tls::Wrapper(tls_parameters()?)),
            (scheme, tls) => {
                return Err(bad(format!(
                    "unknown scheme {scheme:?} or tls parameter {tls:?}"
                )));
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|e| bad(format!("the user or password is not UTF-8: {e}")))
        };
        let credentials = match parsed.password() {
            Some(password) => Some(Credentials::new(
                decode(parsed.username())?,
                decode(password)?,
            )),
            None => None,
        };
        let hello_name = match parsed.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        Ok(Self {
            port: parsed.port().unwrap_or(default_port),
            host,
            tls,
            credentials,
            hello_name,
        })
    }

    /// Opens a connection: greeting, EHLO, STARTTLS as configured, AUTH when configured.
    pub async fn connect(&self) -> Result<SmtpSession, MailError> {
        let wrapper = match &self.tls {
            Tls::Wrapper(parameters) => Some(parameters.clone()),
            _ => None,
        };
        let mut conn = step(AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(SMTP_TIMEOUT),
            &self.hello_name,
            wrapper,
            None,
        ))
        .await?;
        match &self.tls {
            Tls::Opportunistic(parameters) if conn.can_starttls() => {
                step(conn.starttls(parameters.clone(), &self.hello_name)).await?;
            }
            Tls::Required(parameters) => {
                step(conn.starttls(parameters.clone(), &self.hello_name)).await?;
            }
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            step(conn.auth(DEFAULT_MECHANISMS, credentials)).await?;
        }
        Ok(SmtpSession { conn, idle: true })
    }
}

/// One open SMTP connection, used for one message at a time.
pub struct SmtpSession {
    conn: AsyncSmtpConnection,
    /// True between messages: no MAIL transaction is open.
    idle: bool,
}

impl SmtpSession {
    /// True when the connection is between messages and not known to be broken (the server
    /// may still have closed it while idle: the next command tells).
    pub fn is_idle(&self) -> bool {
        self.idle && !self.conn.has_broken()
    }

    /// MAIL FROM and RCPT TO for `message`: after this the server knows who the message is
    /// from and for, and nothing has been delivered yet. On an error the session is unusable.
    pub async fn announce(&mut self, message: &Message, body: &[u8]) -> Result<(), MailError> {
        self.idle = false;
        let envelope = message.envelope();
        let mut options = Vec::new();
        let non_ascii = |a: &Address| !a.to_string().is_ascii();
        if envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(non_ascii)
        {
            if !self
                .conn
                .server_info()
                .supports_feature(Extension::SmtpUtfEight)
            {
                return Err(MailError::Unsupported(
                    "the address is not ASCII and the server does not support SMTPUTF8".into(),
                ));
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !body.is_ascii() {
            if !self
                .conn
                .server_info()
                .supports_feature(Extension::EightBitMime)
            {
                return Err(MailError::Unsupported(
                    "the message is not ASCII and the server does not support 8BITMIME".into(),
                ));
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        step(
            self.conn
                .command(Mail::new(envelope.from().cloned(), options)),
        )
        .await?;
        for to in envelope.to() {
            match tokio::time::timeout(
                SMTP_TIMEOUT,
                self.conn.command(Rcpt::new(to.clone(), Vec::new())),
            )
            .await
            {
                Ok(Ok(_)) => {}
                Ok(Err(e)) if e.is_permanent() => {
                    return Err(MailError::RecipientRefused {
                        email: to.to_string(),
                        source: e,
                    });
                }
                Ok(Err(e)) => return Err(e.into()),
                Err(_) => return Err(MailError::Timeout),
            }
        }
        Ok(())
    }

    /// DATA and the message: the step that delivers. `Ok` is the server's acceptance; an
    /// error with [`MailError::is_reply`] is its refusal; any other error leaves it unknown
    /// whether the server took the message.
    pub async fn hand_over(&mut self, body: &[u8]) -> Result<(), MailError> {
        step(self.conn.command(Data)).await?;
        step(self.conn.message(body)).await?;
        self.idle = true;
        Ok(())
    }

    /// Says goodbye (QUIT), or just closes a connection that is in the middle of something.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(SMTP_TIMEOUT, self.conn.abort()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lettre_panics_on_a_line_break_in_a_name_so_recipients_are_checked_first() {
        let digest = Digest {
            subject: "1 overdue".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            overdue: 1,
            due: 0,
            new_texts: 0,
        };
        let from: Mailbox = "m <m@example.org>".parse().unwrap();
        let to = Mailbox::new(Some("Ana\nRuiz".into()), "ana@example.org".parse().unwrap());
        // Why recipient_mailbox exists: lettre formats the To header with a panic.
        let built = std::panic::catch_unwind(|| {
            build_message(&digest, &from, &to, "<1@example.org>", "https://u")
        });
        assert!(built.is_err());
        let refused = recipient_mailbox("Ana\nRuiz", "ana@example.org").unwrap_err();
        assert!(refused.is_recipient_refused());
        assert!(refused.to_string().contains("line break"), "{refused}");
        let refused = recipient_mailbox("Bo", "b@[127.0.0.1]").unwrap_err();
        assert!(
            refused.to_string().contains("address literals"),
            "{refused}"
        );
        let ok = recipient_mailbox(" Ana Ruiz ", "ana@example.org").unwrap();
        assert_eq!(ok.to_string(), "Ana Ruiz <ana@example.org>");
    }

    #[test]
    fn smtp_url_is_read_as_lettre_reads_it() {
        let m = Mailer::from_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((m.host.as_str(), m.port), ("127.0.0.1", 2525));
        assert!(matches!(m.tls, Tls::None) && m.credentials.is_none());
        let m = Mailer::from_url("smtp://u%40x:p%2F@mail.example.org?tls=required").unwrap();
        assert_eq!(m.port, SUBMISSION_PORT);
        assert!(matches!(m.tls, Tls::Required(_)) && m.credentials.is_some());
        let m = Mailer::from_url("smtps://mail.example.org/me.example.org").unwrap();
        assert_eq!(m.port, SUBMISSIONS_PORT);
        assert!(matches!(m.tls, Tls::Wrapper(_)));
        assert!(matches!(m.hello_name, ClientId::Domain(ref d) if d == "me.example.org"));
        for bad in ["mail.example.org", "smtp://", "ftp://mail.example.org"] {
            let err = Mailer::from_url(bad).unwrap_err().to_string();
            assert!(err.starts_with("invalid SMTP_URL"), "{bad}: {err}");
        }
    }
}

/// The mail server of an `SMTP_URL` as a page may show it: scheme, host and port, never the
/// user name or password.
pub fn describe_smtp_url(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(parsed) => {
            let host = parsed.host_str().unwrap_or("?");
            match parsed.port() {
                Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
                None => format!("{}://{host}", parsed.scheme()),
            }
        }
        Err(_) => "an SMTP_URL that cannot be read".into(),
    }
}

#[cfg(test)]
mod describe_tests {
    #[test]
    fn a_described_smtp_url_keeps_no_credentials() {
        assert_eq!(
            super::describe_smtp_url("smtp://ana:s3cret@mail.example.org:587?tls=required"),
            "smtp://mail.example.org:587"
        );
        assert_eq!(
            super::describe_smtp_url("smtps://mail.example.org"),
            "smtps://mail.example.org"
        );
    }
}
