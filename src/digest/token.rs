//! Signed unsubscribe tokens: `ID.HMAC` where HMAC is HMAC-SHA256 over the subscriber id under
//! the server's secret, so a link unsubscribes exactly one subscriber and cannot be forged.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The key unsubscribe links are signed with. Its `Debug` does not show it.
#[derive(Clone)]
pub struct SigningSecret(Vec<u8>);

impl SigningSecret {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }

    fn mac(&self, subscriber_id: i64) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(b"mandates-unsubscribe:");
        mac.update(subscriber_id.to_string().as_bytes());
        mac
    }

    /// The token of an unsubscribe link for this subscriber.
    pub fn unsubscribe_token(&self, subscriber_id: i64) -> String {
        let tag = self.mac(subscriber_id).finalize().into_bytes();
        let mut token = format!("{subscriber_id}.");
        for byte in tag {
            token.push_str(&format!("{byte:02x}"));
        }
        token
    }

    /// The subscriber a token was signed for, or `None` when it is malformed or forged.
    pub fn verify_unsubscribe_token(&self, token: &str) -> Option<i64> {
        let (id, hex) = token.trim().split_once('.')?;
        let id: i64 = id.parse().ok()?;
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let tag: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
            .collect::<Result<_, _>>()
            .ok()?;
        // verify_slice compares in constant time.
        self.mac(id).verify_slice(&tag).ok().map(|()| id)
    }
}

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_for_its_subscriber_only() {
        let secret = SigningSecret::new("correct horse battery staple");
        let token = secret.unsubscribe_token(42);
        assert!(token.starts_with("42."));
        assert_eq!(secret.verify_unsubscribe_token(&token), Some(42));
        // Another id with the same signature, another secret, a damaged tag: all refused.
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(secret.verify_unsubscribe_token(&forged), None);
        assert_eq!(
            SigningSecret::new("another").verify_unsubscribe_token(&token),
            None
        );
        let mut damaged = token.clone();
        damaged.pop();
        damaged.push(if token.ends_with('0') { '1' } else { '0' });
        assert_eq!(secret.verify_unsubscribe_token(&damaged), None);
        for junk in ["", "42", "42.", "x.00", "42.zz"] {
            assert_eq!(secret.verify_unsubscribe_token(junk), None, "{junk}");
        }
    }

    #[test]
    fn the_secret_is_not_printed() {
        assert_eq!(
            format!("{:?}", SigningSecret::new("hunter2")),
            "SigningSecret(..)"
        );
    }
}
