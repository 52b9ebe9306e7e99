//! Accounts without I/O: roles and what each may do, password hashing (Argon2id), secret
//! tokens and their stored hashes, and the checks on what people type.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

/// What an account may do; each role may do everything the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also imports resolutions and changes follow-up state.
    Editor,
    /// Also manages accounts and digest subscribers, and reads the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// What the role may do, in a sentence for pages that refuse.
    pub fn description(self) -> &'static str {
        match self {
            Role::Viewer => "reads everything",
            Role::Editor => "also imports resolutions and changes follow-up state",
            Role::Admin => "also manages accounts and subscribers and reads the audit log",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}: use viewer, editor or admin"))
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Failed sign-ins a client address, or a typed email, may have before each further attempt
/// must wait (see [`Throttle`]).
pub const FREE_FAILED_SIGN_INS: i32 = 5;
/// How long a throttle remembers failures once it has been quiet (no attempt, no wait left).
pub const THROTTLE_MEMORY: TimeDelta = TimeDelta::hours(1);

/// Exponential back-off: after the [`FREE_FAILED_SIGN_INS`]th failure in a row, the next
/// attempt waits `first`, then twice as long after each further failure, up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: TimeDelta,
    pub max: TimeDelta,
}

/// Per client address: an attacker at one address gets five guesses, then fewer and fewer,
/// down to one an hour.
pub const CLIENT_BACKOFF: Backoff = Backoff {
    first: TimeDelta::seconds(15),
    max: TimeDelta::hours(1),
};
/// Per typed email (an account's or not): it only ever delays, never locks, and only clients
/// that have been failing themselves (see [`claim_sign_in`]), so strangers cannot lock a person
/// out of their work.
pub const ACCOUNT_BACKOFF: Backoff = Backoff {
    first: TimeDelta::seconds(1),
    max: TimeDelta::minutes(1),
};

impl Backoff {
    /// The wait after `failures` failures in a row, if any.
    pub fn wait_after(self, failures: i32) -> Option<TimeDelta> {
        let doublings = failures - FREE_FAILED_SIGN_INS;
        if doublings < 0 {
            return None;
        }
        // 2^20 times the first wait is far beyond any max; the cap keeps the shift in range.
        let factor = 1i32 << doublings.min(20);
        Some(
            self.first
                .checked_mul(factor)
                .unwrap_or(self.max)
                .min(self.max),
        )
    }
}

/// Failed sign-ins counted for one client address or one typed email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures in a row, counting attempts still being checked (see [`claim_sign_in`]).
    pub failures: i32,
    /// No attempt before this, once the free failures are used.
    pub blocked_until: Option<DateTime<Utc>>,
    /// The last attempt.
    pub updated_at: DateTime<Utc>,
}

impl Throttle {
    /// As it stands at `now`: failures are forgotten after [`THROTTLE_MEMORY`] of quiet.
    fn at(self, now: DateTime<Utc>) -> Self {
        let quiet_since = self
            .blocked_until
            .map_or(self.updated_at, |b| b.max(self.updated_at));
        if now - quiet_since > THROTTLE_MEMORY {
            Self {
                failures: 0,
                blocked_until: None,
                updated_at: self.updated_at,
            }
        } else {
            self
        }
    }

    /// Until when an attempt must wait, if it must.
    fn blocks(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.blocked_until
            .filter(|until| self.failures >= FREE_FAILED_SIGN_INS && *until > now)
    }

    /// With one more failure counted, and the wait it brings.
    fn with_failure(self, now: DateTime<Utc>, backoff: Backoff) -> Self {
        let failures = self.failures.saturating_add(1);
        Self {
            failures,
            blocked_until: backoff.wait_after(failures).map(|wait| now + wait),
            updated_at: now,
        }
    }

    /// With one counted failure taken back (the attempt was right after all); the wait goes
    /// once the failures left are within the free ones.
    pub fn without_failure(self) -> Self {
        let failures = (self.failures - 1).max(0);
        Self {
            failures,
            blocked_until: self
                .blocked_until
                .filter(|_| failures >= FREE_FAILED_SIGN_INS),
            updated_at: self.updated_at,
        }
    }
}

/// Whether a sign-in attempt may check its password, decided with the client's and the typed
/// email's throttles held (locked) together: one atomic step, so that simultaneous attempts
/// cannot all read "not blocked" before any records its failure.
///
/// An allowed attempt is counted as a failure right away (both throttles, with their new
/// waits); a right password takes its count back ([`Throttle::without_failure`]). A client
/// that has not been failing is never held back by the email's throttle: the account's owner
/// gets in while strangers fail against it.
pub fn claim_sign_in(
    client: Throttle,
    email: Throttle,
    now: DateTime<Utc>,
) -> Result<(Throttle, Throttle), DateTime<Utc>> {
    let (client, email) = (client.at(now), email.at(now));
    if let Some(until) = client.blocks(now) {
        return Err(until);
    }
    if client.failures > 0
        && let Some(until) = email.blocks(now)
    {
        return Err(until);
    }
    Ok((
        client.with_failure(now, CLIENT_BACKOFF),
        email.with_failure(now, ACCOUNT_BACKOFF),
    ))
}

/// Argon2id with the parameters OWASP recommends (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` (algorithm, parameters, salt and hash).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash to verify against when the account does not exist, so that a wrong email takes as
/// long to refuse as a wrong password.
pub fn dummy_password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no such account, no such password"))
}

/// A new secret: 32 random bytes as 64 hex digits (session cookies, feed tokens, passwords
/// the command line makes).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A password for a person to type: 20 letters and digits, about 119 bits.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        let mut byte = [0u8; 1];
        OsRng.fill_bytes(&mut byte);
        // Rejection sampling keeps every character equally likely.
        if (byte[0] as usize) < 256 - 256 % ALPHABET.len() {
            out.push(ALPHABET[byte[0] as usize % ALPHABET.len()] as char);
        }
    }
    out
}

/// What is stored of a secret: its SHA-256, hex.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn secrets_match(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The email as stored (trimmed, lower case), or why it is not one.
pub fn normalize_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if valid {
        Ok(email)
    } else {
        Err(format!("{email:?} is not an email address"))
    }
}

/// Why a new password is refused, if it is.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "The password must have at least {MIN_PASSWORD_CHARS} characters."
        ));
    }
    if password.len() > 1024 {
        return Err("The password is too long (1024 bytes at most).".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        // A new salt each time.
        assert_ne!(hash, hash_password("correct horse battery"));
    }

    #[test]
    fn roles_order_by_power_and_parse() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
        assert_eq!("editor".parse::<Role>(), Ok(Role::Editor));
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn secrets_are_random_and_stored_as_hashes() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_ne!(secret_hash(&a), a);
        assert!(secrets_match(&a, &a.clone()));
        assert!(!secrets_match(&a, &b));
        let p = new_password();
        assert_eq!(p.len(), 20);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalize_email("  Amina.Diallo@Mission.example "),
            Ok("amina.diallo@mission.example".into())
        );
        for bad in ["", "amina", "@x.org", "a@localhost", "a b@x.org"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough pass").is_ok());
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn fresh() -> Throttle {
        Throttle {
            failures: 0,
            blocked_until: None,
            updated_at: at(0),
        }
    }

    #[test]
    fn a_client_gets_five_guesses_then_waits_longer_after_each_failure() {
        let (mut client, mut email) = (fresh(), fresh());
        for _ in 0..FREE_FAILED_SIGN_INS {
            (client, email) = claim_sign_in(client, email, at(1)).expect("a free guess");
        }
        assert_eq!(client.failures, 5);
        assert_eq!(claim_sign_in(client, email, at(2)), Err(at(16)));
        (client, email) = claim_sign_in(client, email, at(16)).expect("the wait is over");
        assert_eq!(client.blocked_until, Some(at(46)));
        assert_eq!(claim_sign_in(client, email, at(45)), Err(at(46)));
        // Doubling stops at an hour.
        assert_eq!(CLIENT_BACKOFF.wait_after(40), Some(TimeDelta::hours(1)));
        assert_eq!(
            ACCOUNT_BACKOFF.wait_after(i32::MAX),
            Some(TimeDelta::minutes(1))
        );
        assert_eq!(CLIENT_BACKOFF.wait_after(4), None);
    }

    #[test]
    fn an_emails_throttle_holds_back_failing_clients_only() {
        let mut email = fresh();
        // Strangers at many addresses fail against one email.
        for _ in 0..20 {
            (_, email) = claim_sign_in(fresh(), email, at(1)).unwrap();
        }
        assert!(email.blocked_until.is_some_and(|until| until <= at(61)));
        // Its owner, at an address that has not been failing, is let through.
        assert!(claim_sign_in(fresh(), email, at(2)).is_ok());
        // A client that has failed once waits, but a minute at most.
        let failing = Throttle {
            failures: 1,
            ..fresh()
        };
        assert_eq!(claim_sign_in(failing, email, at(2)), Err(at(61)));
        assert!(claim_sign_in(failing, email, at(61)).is_ok());
    }

    #[test]
    fn a_right_password_takes_back_its_count_and_quiet_forgets() {
        let (client, _) = claim_sign_in(fresh(), fresh(), at(1)).unwrap();
        assert_eq!(client.without_failure().failures, 0);
        let blocked = Throttle {
            failures: 9,
            blocked_until: Some(at(100)),
            updated_at: at(50),
        };
        assert!(claim_sign_in(blocked, fresh(), at(99)).is_err());
        // An hour after the wait ended, the failures are forgotten.
        let (client, _) = claim_sign_in(blocked, fresh(), at(100 + 3601)).unwrap();
        assert_eq!(client.failures, 1);
    }
}
