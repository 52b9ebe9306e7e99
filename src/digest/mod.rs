//! The weekly email digest: composing it (pure), scheduling it (pure), signing unsubscribe
//! links, sending it over SMTP, and the worker that claims digest jobs from the database.

pub mod compose;
pub mod mail;
pub mod schedule;
pub mod subscription;
pub mod token;
pub mod worker;

use lettre::message::Mailbox;
use sqlx::PgPool;

pub use compose::{Digest, DigestInput, DigestItem, compose_digest, subject_line};
pub use mail::{MailError, Mailer};
pub use schedule::Clock;
pub use token::SigningSecret;
pub use worker::{DigestWorker, RunSummary};

/// The default of `MANDATES_BASE_URL`.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// What composing and sending digests needs besides the database.
#[derive(Debug, Clone)]
pub struct DigestConfig {
    /// The dashboard's address for links, without a trailing slash.
    pub base_url: String,
    pub from: Mailbox,
    /// Send a digest even when there is nothing to report.
    pub send_empty: bool,
    pub secret: SigningSecret,
}

impl DigestConfig {
    /// The one-click unsubscribe URL of a subscriber.
    pub fn unsubscribe_url(&self, subscriber_id: i64) -> String {
        format!(
            "{}/unsubscribe?token={}",
            self.base_url,
            self.secret.unsubscribe_token(subscriber_id)
        )
    }
}

/// A base URL as links need it: trimmed, without a trailing slash, http or https.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
        return Err(format!(
            "MANDATES_BASE_URL must be the dashboard's address, such as https://mandates.example.org, not {url:?}"
        ));
    }
    Ok(url.to_string())
}

/// The secret unsubscribe links are signed with: `MANDATES_SECRET` when given, else one
/// generated once and kept in the database so that links keep working across restarts.
pub async fn signing_secret(
    pool: &PgPool,
    configured: Option<&str>,
) -> Result<SigningSecret, sqlx::Error> {
    match configured.map(str::trim).filter(|s| !s.is_empty()) {
        Some(secret) => Ok(SigningSecret::new(secret)),
        None => Ok(SigningSecret::new(
            crate::store::find_or_create_secret_setting(pool, "unsubscribe_secret").await?,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_loses_its_trailing_slash_and_must_be_http() {
        assert_eq!(
            normalize_base_url(" https://mandates.example.org/ ").unwrap(),
            "https://mandates.example.org"
        );
        assert!(
            normalize_base_url("mandates.example.org")
                .unwrap_err()
                .contains("MANDATES_BASE_URL")
        );
    }

    #[test]
    fn unsubscribe_links_carry_a_token_that_verifies() {
        let config = DigestConfig {
            base_url: "https://m.example.org".into(),
            from: "m <m@example.org>".parse().unwrap(),
            send_empty: false,
            secret: SigningSecret::new("k"),
        };
        let url = config.unsubscribe_url(7);
        let token = url
            .strip_prefix("https://m.example.org/unsubscribe?token=")
            .unwrap();
        assert_eq!(config.secret.verify_unsubscribe_token(token), Some(7));
    }
}
