//! Turning a composed digest into an email (multipart/alternative, one-click unsubscribe
//! headers, a stable Message-ID) and sending it over SMTP with a pooled lettre transport.

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl MailError {
    /// True when trying again later cannot help (a 5xx answer, a malformed message).
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Smtp(e) => e.is_permanent(),
            _ => true,
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

/// How long to wait for any one SMTP reply.
pub const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// A pooled SMTP transport.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Mailer {
    /// A transport for `SMTP_URL`, keeping up to `connections` connections open for batches.
    pub fn from_url(url: &str, connections: u32) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(MailError::Url)?
            .pool_config(PoolConfig::new().max_size(connections.max(1)))
            // Per SMTP reply; a send is a handful of replies, well inside the job's lease.
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self { transport })
    }

    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        self.transport.send(message).await?;
        Ok(())
    }
}
